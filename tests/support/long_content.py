"""Long content for the tests: text as long as the store accepts, full of what escaping makes
longer, valid source addresses up to the longest, and the check that cutting such text never
leaves a piece of an escape or a token behind."""

from __future__ import annotations

import re

from hypothesis import strategies as st

from domain.validation import MAX_LENGTH, is_web_url

# Pieces repeated up to a field's length: the characters escaping makes longer, accents, words.
PIECES = ["&", "<", ">", "é", "Ü", "a", "Séjourné ", "A&B ", "<!channel>", "&amp;", " "]


def long_text(limit: int, *, min_size: int = 1) -> st.SearchStrategy[str]:
    """Text of up to `limit` characters, most often near it, as the store keeps it (trimmed)."""
    repeated = st.builds(
        lambda pieces, n: ("".join(pieces) * limit)[:n].strip() or "x",
        st.lists(st.sampled_from(PIECES), min_size=1, max_size=4),
        st.integers(min_size, limit),
    )
    return st.one_of(repeated, st.just("x" * limit), st.just("&" * limit))


@st.composite
def web_urls(draw) -> str:
    labels = draw(st.lists(st.from_regex(r"[a-z0-9]{1,63}", fullmatch=True), min_size=1, max_size=4))
    host = ".".join([*labels, "example"])[-240:].lstrip(".-") or "example"
    if "." not in host:
        host = f"news.{host}"
    prefix = f"https://{host}/"
    room = MAX_LENGTH["url"] - len(prefix)
    path_piece = draw(st.sampled_from(["a", "%C3%A9", "&x=1", "|", "<>", "?q=", "long-path/"]))
    length = draw(st.one_of(st.integers(0, room), st.just(room)))
    url = prefix + (path_piece * room)[:length]
    assert is_web_url(url), url
    return url


# What may stand in angle brackets in our mrkdwn: Slack's own tokens, never a piece of one.
OUR_TOKENS = re.compile(r"<(!date\^\d+\^[^|<>]*\|[^<>]*|@[UW][A-Z0-9]+|#C[A-Z0-9]+|https?://[^|<>\s]+\|[^<>]+)>")
ENTITY = re.compile(r"&(amp|lt|gt);")


def mrkdwn_texts(payload) -> list[str]:
    """Every text in `payload` that Slack reads as mrkdwn; plain_text is shown as it is."""
    if isinstance(payload, str):
        return [payload]
    if isinstance(payload, dict):
        if payload.get("type") == "plain_text":
            return []
        skip = ("action_id", "block_id", "value", "url", "private_metadata", "initial_value", "callback_id")
        return [t for key, value in payload.items() if key not in skip for t in mrkdwn_texts(value)]
    if isinstance(payload, list):
        return [t for item in payload for t in mrkdwn_texts(item)]
    return []


def broken_markup(text: str) -> list[str]:
    """Pieces of a cut escape or token: a stray `&`, `<` or `>` shows garbled or pings."""
    rest = OUR_TOKENS.sub("", text)
    stray = [m.group() for m in re.finditer(r"[<>]", rest)]
    stray += [rest[m.start() : m.start() + 6] for m in re.finditer("&", rest) if not ENTITY.match(rest, m.start())]
    return stray
