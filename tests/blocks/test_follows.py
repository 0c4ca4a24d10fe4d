"""The follow replies and DMs fit Slack's limits however long the events and queries are, and
escape what users typed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from blocks.follows import FollowView, followed_message, following_message, notice_dm, unfollowed_message
from blocks.reminder import reminder_message
from domain.commands import MAX_QUERY_LENGTH
from domain.follows import MAX_FOLLOWS
from tests.blocks.test_long_content import LONG, assert_message_fits, long_events
from tests.support.event_rows import event
from tests.support.long_content import long_text

queries = long_text(MAX_QUERY_LENGTH)
actions = st.sampled_from(["added", "changed", "cancelled", "postponed", "deleted", "more"])


@LONG
@given(long_events(), queries, actions, long_text(2000, min_size=0))
def test_a_notice_fits_however_long_the_event(event_row, query, action, summary):
    message = notice_dm(event_row, action=action, summary=summary, query=query, reader_tz="America/New_York")
    assert_message_fits(message)


@LONG
@given(st.lists(queries, min_size=MAX_FOLLOWS, max_size=MAX_FOLLOWS), long_events())
def test_the_longest_list_of_follows_fits(follows, row):
    views = [FollowView(query, 60, 1001 if n % 2 else 0, row if n % 2 else None) for n, query in enumerate(follows)]
    assert_message_fits(following_message(views))


@LONG
@given(queries, st.none() | long_events())
def test_the_replies_fit(query, row):
    view = FollowView(query, 10080, 12, row)
    for message in (
        followed_message(view, lead_before=None),
        followed_message(view, lead_before=60),
        unfollowed_message(query, removed=True),
        unfollowed_message(query, removed=False),
    ):
        assert_message_fits(message)


def test_what_users_typed_is_shown_not_acted_on():
    row = event(title="<!channel> summit & <@U0BOSS>")
    message = notice_dm(row, action="added", summary="", query="<!here>", reader_tz="Europe/Paris")
    text = message["blocks"][0]["text"]["text"] + message["blocks"][1]["elements"][0]["text"] + message["text"]
    assert "<!channel>" not in text and "<!here>" not in text and "<@U0BOSS>" not in text
    assert "&lt;!channel&gt; summit &amp; &lt;@U0BOSS&gt;" in message["text"]


def test_a_personal_reminder_gives_the_followers_own_time_in_its_text():
    row = event()
    message = reminder_message(row, phrase="In 1 hour", late=False, reader_tz="Asia/Tokyo")
    assert message["text"].endswith("Tue 2 Apr 2024, 10:00 CEST (Tue 2 Apr 2024, 17:00 JST your time)")
    assert reminder_message(row, phrase="In 1 hour", late=False)["text"].endswith("10:00 CEST")
