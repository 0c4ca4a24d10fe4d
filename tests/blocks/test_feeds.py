"""The `/trip feeds` replies and the failing-feed notice: escaped, within Slack's limits, with a
plain-text fallback, however many feeds and however long their names and errors."""

from __future__ import annotations

from datetime import UTC, datetime

from blocks.feeds import failure_message, feeds_message, removed_message, sync_results_message, syncing_message
from domain.subscriptions import FeedState, SyncResult
from tests.support.block_kit_limits import message_problems
from tests.support.long_content import broken_markup, mrkdwn_texts

AT = datetime(2024, 4, 1, 8, 0, tzinfo=UTC)


def feed(number: int, *, name: str = "Ministry feed", error: str | None = None, synced: bool = True) -> FeedState:
    return FeedState(
        id=number,
        number=number,
        name=name,
        url=f"https://cal.example.org/{number}.ics?key=[redacted]",
        added_by="U0EDITOR",
        last_success_at=AT if synced else None,
        last_report="12 events: 2 new, 1 updated, 9 unchanged" if synced else None,
        last_error=error,
        failing_since=AT if error else None,
        next_sync_at=AT,
    )


def test_each_feed_shows_its_state():
    message = feeds_message([feed(1), feed(2, error="could not fetch x: HTTP 500"), feed(3, synced=False)])
    sections = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]
    assert sections[0].startswith("*1. Ministry feed* · https://cal.example.org/1.ics?key=[redacted]\n")
    assert ":white_check_mark: Last good sync <!date^1711958400^" in sections[0]
    assert sections[0].endswith(": 12 events: 2 new, 1 updated, 9 unchanged")
    assert ":warning: Failing since <!date^" in sections[1] and "HTTP 500" in sections[1]
    assert "Last good sync" in sections[1] and "the schedule keeps what it had" in sections[1]
    assert sections[2].endswith("Not synced yet.")
    assert "2. Ministry feed (https://cal.example.org/2.ics?key=[redacted]): failing" in message["text"]
    assert message_problems(message) == []


def test_names_and_errors_cannot_ping_or_break_the_message():
    hostile = "<!channel> *bold* & <https://evil.example|click>"
    message = feeds_message([feed(1, name=hostile, error=hostile)])
    assert "<!channel>" not in str(message) and "&lt;!channel&gt;" in str(message)
    notice = failure_message(feed(1, name=hostile, error=hostile))
    assert "<!channel>" not in str(notice) and message_problems(notice) == []
    assert "<!channel>" not in str(sync_results_message([(hostile, SyncResult(hostile, "u", False, hostile))]))
    assert "<!channel>" not in str(removed_message(hostile, 3))


def test_many_long_feeds_stay_within_the_limits():
    many = [feed(n, name="N" * 400, error="E" * 600) for n in range(1, 81)]
    message = feeds_message(many)
    assert message_problems(message) == []
    assert "33 more not shown" in str(message)
    results = [("R" * 400, SyncResult("R" * 400, "u", n % 2 == 0, "L" * 3000)) for n in range(80)]
    assert message_problems(sync_results_message(results)) == []
    assert message_problems(sync_results_message([("A", None)])) == []


def test_the_notices_have_a_fallback():
    for message in (syncing_message(0), syncing_message(1), syncing_message(3), removed_message("A", 0)):
        assert message_problems(message) == []
    assert syncing_message(1)["text"] == "Syncing 1 feed…"
    assert "no calendar feeds to sync" in syncing_message(0)["text"]


def test_no_message_carries_broken_markup():
    """A stray `<` in mrkdwn (a usage hint written `<url>`) is read by Slack as a link."""
    messages = [
        feeds_message([]),
        feeds_message([feed(1), feed(2, error="could not fetch: HTTP 500", synced=False)]),
        sync_results_message([]),
        sync_results_message(
            [("Ministry feed", SyncResult("Ministry feed", "https://x", ok=False, line="HTTP 404"))], added=1
        ),
        syncing_message(0),
        syncing_message(2),
        removed_message("Ministry feed", 3),
        failure_message(feed(1, error="HTTP 500")),
    ]
    for message in messages:
        for text in mrkdwn_texts(message["blocks"]):
            assert broken_markup(text) == [], text
