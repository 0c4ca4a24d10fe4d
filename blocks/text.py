"""Safe mrkdwn that fits: user text is escaped so that it can neither ping nor break a card, and
cut to Slack's limits so that no event is long enough to get a message refused.

Slack refuses a whole message (`invalid_blocks`) for one text over its limit, so every builder
fits its texts with these helpers rather than trusting the data to be short.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

# Slack's limits, in characters, that the builders fit their output to.
SECTION_TEXT = 3000
HEADER_TEXT = 150
BUTTON_TEXT = 75
OPTION_TEXT = 75
PLACEHOLDER_TEXT = 150
VIEW_TITLE = 24
INPUT_TEXT = 3000
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
# A message's `text` may be 40,000 characters, but it is a notification and a fallback, not the
# place for a whole page.
FALLBACK_TEXT = 3000

ELLIPSIS = "…"
# What a cut must not split: an escape, or a <…> token (a link, mention or date), whose pieces
# would show garbled or be read as something else.
_UNSPLITTABLE = re.compile(r"&(?:amp|lt|gt);|<[^<>]*>")


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters.

    After this, "<!channel>" or "<@U123>" in a title is shown, not acted on.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cut(text: str, limit: int) -> str:
    """mrkdwn `text` in at most `limit` characters, ending in "…" if it had to be cut, and never
    cut inside an escape such as `&amp;` or a token such as `<@U123>`."""
    if len(text) <= limit:
        return text
    end = max(0, limit - len(ELLIPSIS))
    for found in _UNSPLITTABLE.finditer(text):
        if found.start() >= end:
            break
        if found.end() > end:
            end = found.start()
            break
    return text[:end].rstrip() + ELLIPSIS


def escaped(text: str, limit: int) -> str:
    """User text as mrkdwn in at most `limit` characters: escaped, then cut."""
    return cut(escape(text), limit)


def _and_more(count: int) -> str:
    return f" and {count} more"


def listed(items: list[str], limit: int, *, separator: str = ", ", more: Callable[[int], str] = _and_more) -> str:
    """mrkdwn `items` (names, mentions, lines) joined, as many as fit in `limit` characters, then
    `more` of how many were left out: "Macron, Séjourné and 37 more"."""
    whole = separator.join(items)
    if len(whole) <= limit:
        return whole
    shown: list[str] = []
    length = 0
    for index, item in enumerate(items):
        grown = length + len(separator) * bool(shown) + len(item)
        if grown + len(more(len(items) - index - 1)) > limit:
            break
        shown.append(item)
        length = grown
    if shown:
        return separator.join(shown) + more(len(items) - len(shown))
    # Not even the first fits whole: the start of it, so that the text still says something.
    rest = more(len(items) - 1) if len(items) > 1 else ""
    return cut(items[0], limit - len(rest)) + rest if len(rest) < limit else cut(whole, limit)


def link(url: str, label: str) -> str:
    # "|" and ">" end the URL part of <url|label>; percent-encoding keeps the address intact.
    safe_url = url.replace("|", "%7C").replace("<", "%3C").replace(">", "%3E")
    return f"<{safe_url}|{escape(label)}>"


def source_label(url: str) -> str:
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def source(url: str, limit: int) -> str:
    """A source address as a link labelled with its host, or only the host when the address is
    too long for `limit`: a link cut short would lead nowhere."""
    label = source_label(url)
    whole = link(url, label)
    return whole if len(whole) <= limit else escaped(label, limit)


def fallback(text: str) -> str:
    """A message's `text`: shown in notifications and by clients without blocks, and read by
    Slack as mrkdwn like the blocks, so the user text in it is escaped too."""
    return escaped(text, FALLBACK_TEXT)


def shorten(text: str, limit: int) -> str:
    """Plain text (not mrkdwn) in at most `limit` characters, ending in "…" if it had to be cut."""
    return text if len(text) <= limit else text[: limit - len(ELLIPSIS)].rstrip() + ELLIPSIS


def plain(text: str, limit: int = SECTION_TEXT) -> dict:
    return {"type": "plain_text", "text": shorten(text, limit), "emoji": True}


def mrkdwn(text: str, limit: int = SECTION_TEXT) -> dict:
    """A mrkdwn text object; text over `limit` is cut, as a last guard for builders whose parts
    are each fitted but not their sum."""
    return {"type": "mrkdwn", "text": cut(text, limit)}
