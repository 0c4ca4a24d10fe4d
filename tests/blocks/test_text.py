"""The helpers every builder fits its text with: within the limit, and never a broken escape or
token left behind."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from blocks.text import cut, escape, escaped, listed, source
from tests.support.long_content import broken_markup, web_urls

TOKENS = ["<@U0EDITOR>", "<#C0FOREIGN>", "<!date^1712044800^{date_short_pretty} {time}|Tue 2 Apr 2024 08:00 UTC>"]
# mrkdwn as the builders make it: escaped user text between our own tokens.
mrkdwn_text = st.lists(
    st.one_of(st.text(st.sampled_from("ab é&<>*~ "), max_size=40).map(escape), st.sampled_from(TOKENS)), max_size=30
).map("".join)


@settings(max_examples=100, deadline=None)
@given(text=mrkdwn_text, limit=st.integers(1, 400))
def test_cut_fits_and_never_splits_an_escape_or_a_token(text, limit):
    fitted = cut(text, limit)
    assert len(fitted) <= limit
    assert broken_markup(fitted) == []
    if len(text) <= limit:
        assert fitted == text
    else:
        assert fitted.endswith("…") and text.startswith(fitted[:-1].rstrip())


def test_cut_examples():
    assert cut("Blinken &amp; Macron", 12) == "Blinken…"
    assert cut("Covering: <@U0EDITOR>", 18) == "Covering:…"
    assert escaped("<!channel> & co", 100) == "&lt;!channel&gt; &amp; co"


@settings(max_examples=100, deadline=None)
@given(
    items=st.lists(st.one_of(st.from_regex(r"<@U[A-Z0-9]{8,11}>", fullmatch=True), mrkdwn_text), max_size=300),
    limit=st.integers(20, 3000),
)
def test_listed_fits_and_counts_the_rest(items, limit):
    text = listed(items, limit)
    assert len(text) <= limit
    assert broken_markup(text) == []
    if len(", ".join(items)) <= limit:
        assert text == ", ".join(items)


def test_listed_says_how_many_more():
    mentions = [f"<@U{n:010d}>" for n in range(250)]
    text = listed(mentions, 600)
    shown = text.count("<@")
    assert text.startswith("<@U0000000000>, <@U0000000001>")
    assert text.endswith(f"<@U{shown - 1:010d}> and {250 - shown} more")
    assert listed(["x" * 50, "y"], 20) == "xxxxxxxx… and 1 more"


@settings(max_examples=50, deadline=None)
@given(url=web_urls(), limit=st.integers(300, 3000))
def test_a_source_is_a_link_labelled_with_its_host_or_only_the_host(url, limit):
    text = source(url, limit)
    assert len(text) <= limit
    assert broken_markup(text) == []
    if text.startswith("<"):
        assert text.startswith("<https://") and text.endswith(">")
    else:
        assert "/" not in text
