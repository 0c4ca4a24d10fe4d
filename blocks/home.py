"""The App Home tab: the desk's dashboard for one user.

Each part is a header, its lines in one section (the week: one section per day), and "and N
more" pointing to the command that lists them all. Lines are added while they fit a section's
3,000 characters and the part's own cap, so the tab stays within Slack's 100 blocks and its
sections within their limit whatever the schedule holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from blocks.changes import home_blocks as home_changes
from blocks.help import usage_blocks
from blocks.itinerary import compact_itinerary
from blocks.listing import count_text
from blocks.text import (
    HEADER_TEXT,
    SECTION_TEXT,
    VIEW_TITLE,
    escaped,
    mrkdwn,
    plain,
    source,
)
from blocks.when import reader_time_token
from domain.coverage import KEY_KINDS
from domain.home import GAP_HORIZON, Dashboard, FeedHealth, FollowNext, Part
from domain.records import EventRecord
from domain.snapshot import event_time_text
from domain.timetext import day_text, local_day
from domain.vocabulary import Precision, Status
from domain.zones import earlier, zone

ADD_ACTION = "home_add_event"
DRAFT_ACTION = "home_draft_story"

# Lines each part shows at most, so that no part crowds out the others.
WEEK_LINES = 30
MINE_LINES = 10
GAP_LINES = 10
FOLLOW_LINES = 10
FEED_LINES = 10
# Followed principals whose itinerary the tab shows, a section each.
ITINERARIES = 3
# The share of a line each user-given text may take, escaped.
TITLE_CHARS = 150
PLACE_CHARS = 80
QUERY_CHARS = 100
FEED_NAME_CHARS = 100
FEED_ERROR_CHARS = 200
FEED_LINK_CHARS = 300

_MICROSECOND = timedelta(microseconds=1)
_FIRMNESS = {
    Status.CONFIRMED: ":white_check_mark: Confirmed",
    Status.TENTATIVE: ":grey_question: Tentative",
    Status.POSTPONED: ":double_vertical_bar: Postponed",
    Status.CANCELLED: ":x: *CANCELLED*",
}
# Where each part's full list is.
WEEK_COMMAND = "/trip week"
MINE_COMMAND = "/trip mine"
FOLLOWS_COMMAND = "/trip following"
FEEDS_COMMAND = "/trip feeds"


def home_view(dashboard: Dashboard, *, newsroom_tz: ZoneInfo) -> dict:
    blocks: list[dict] = [
        {"type": "header", "text": plain("TripDesk: the desk's dashboard", HEADER_TEXT)},
        {
            "type": "actions",
            "elements": [
                {"type": "button", "action_id": ADD_ACTION, "text": plain("Add event"), "style": "primary"},
                {"type": "button", "action_id": DRAFT_ACTION, "text": plain("Draft from a story")},
            ],
        },
        {
            "type": "context",
            "elements": [
                mrkdwn(
                    f"Updated {reader_time_token(dashboard.now)}  ·  Venue time, then yours  ·  "
                    f"days in newsroom time ({newsroom_tz.key})"
                )
            ],
        },
        {"type": "divider"},
        *([*home_changes(dashboard.changes), {"type": "divider"}] if dashboard.changes is not None else []),
        *_week(dashboard, newsroom_tz),
        {"type": "divider"},
        *_gaps(dashboard.gaps),
        {"type": "divider"},
        *_mine(dashboard.mine),
        {"type": "divider"},
        *_follows(dashboard.follows, dashboard.follows_total),
    ]
    if dashboard.itineraries:
        blocks += [{"type": "divider"}, *_itineraries(dashboard)]
    if dashboard.feeds is not None:
        blocks += [{"type": "divider"}, *_feeds(dashboard.feeds, dashboard.feeds_total)]
    blocks += [{"type": "divider"}, *usage_blocks()]
    return {"type": "home", "blocks": blocks}


def notice_view(title: str, text: str) -> dict:
    """A small modal that only says something (`text` is mrkdwn-safe): the answer to a button
    on the Home tab, which has no conversation to reply in."""
    return {
        "type": "modal",
        "title": plain(title, VIEW_TITLE),
        "close": plain("OK", VIEW_TITLE),
        "blocks": [{"type": "section", "text": mrkdwn(text)}],
    }


# -- the parts -------------------------------------------------------------------------------


def _week(dashboard: Dashboard, newsroom_tz: ZoneInfo) -> list[dict]:
    first, last = dashboard.days
    title = f"Next 7 days: {day_text(first, with_year=first.year != last.year)} – {day_text(last)}"
    blocks: list[dict] = [_header(title)]
    week = dashboard.week
    if not week.events:
        blocks.append(_section("Nothing on the schedule in the next 7 days."))
        return blocks
    days: dict[date, list[EventRecord]] = {}
    for event in week.events[:WEEK_LINES]:
        days.setdefault(_day_of(event, newsroom_tz, first), []).append(event)
    shown = 0
    for day in sorted(days):
        today = "Today, " if day == first else ""
        heading = f":spiral_calendar_pad: *{today}{day_text(day)}*"
        lines = [_day_line(event) for event in days[day]]
        fitting = _fitting(lines, SECTION_TEXT - len(heading) - 1)
        shown += fitting
        blocks.append(_section("\n".join([heading, *lines[:fitting]])))
    blocks += _more(week.total - shown, WEEK_COMMAND, capped=_capped(week))
    return blocks


def _gaps(gaps: Part) -> list[dict]:
    hours = int(GAP_HORIZON.total_seconds() // 3600)
    blocks = [_header(f"Coverage gaps: key events in the next {hours} hours")]
    if not gaps.events:
        kinds = ", ".join(sorted(kind.label.lower() for kind in KEY_KINDS))
        return blocks + [
            _section(
                f"Every key event ({kinds}, and events marked key) of the next {hours} hours has someone covering it."
            )
        ]
    lines = [f":rotating_light: {_event_line(event)}" for event in gaps.events[:GAP_LINES]]
    intro = "No one covers these yet: press *I'll cover* under the event in `/trip`."
    return blocks + _lines(intro, lines, gaps.total, WEEK_COMMAND, capped=_capped(gaps))


def _mine(mine: Part) -> list[dict]:
    blocks = [_header("What you cover")]
    if not mine.events:
        return blocks + [
            _section("You cover no upcoming events. Press *I'll cover* under an event in `/trip` to take one.")
        ]
    lines = [_event_line(event) for event in mine.events[:MINE_LINES]]
    return blocks + _lines(None, lines, mine.total, MINE_COMMAND, capped=_capped(mine))


def _follows(follows: Sequence[FollowNext], total: int) -> list[dict]:
    blocks = [_header("Your follows")]
    if not follows:
        return blocks + [
            _section(
                "You follow nothing yet. `/trip follow blinken` sends you a message when a matching event"
                " is added, changed or cancelled, and a reminder before it."
            )
        ]
    lines = [_follow_line(follow) for follow in follows[:FOLLOW_LINES]]
    return blocks + _lines(None, lines, total, FOLLOWS_COMMAND)


def _itineraries(dashboard: Dashboard) -> list[dict]:
    """Where the principals the user follows are going: their legs, dates and zone changes."""
    blocks = [_header("Itineraries of the people you follow")]
    for query, answer in dashboard.itineraries[:ITINERARIES]:
        blocks.append(_section(compact_itinerary(query, answer)))
    return blocks


def _feeds(feeds: Sequence[FeedHealth], total: int) -> list[dict]:
    blocks = [_header("Calendar feeds")]
    if not feeds:
        return blocks + [_section("No calendar feeds. `/trip feeds add https://… name` keeps one in sync.")]
    lines = [_feed_line(feed) for feed in feeds[:FEED_LINES]]
    return blocks + _lines(None, lines, total, FEEDS_COMMAND)


# -- lines -----------------------------------------------------------------------------------


def _day_line(event: EventRecord) -> str:
    """An event under its day's heading: the time without the date the heading gives."""
    return _line(event, _time_of_day(event))


def _event_line(event: EventRecord) -> str:
    """An event on its own: with its date."""
    when = escaped(event_time_text(event), 100)
    if event.precision is Precision.EXACT:
        when += f" ({reader_time_token(event.starts_at)})"
    return _line(event, when)


def _line(event: EventRecord, when: str) -> str:
    title = escaped(event.title, TITLE_CHARS)
    title = f"~{title}~" if event.status is Status.CANCELLED else f"*{title}*"
    place = escaped(event.city or event.country, PLACE_CHARS)
    return "  ·  ".join(part for part in (when, title, place, _FIRMNESS[event.status]) if part)


def _time_of_day(event: EventRecord) -> str:
    if event.precision is Precision.EXACT:
        start = event.starts_at.astimezone(zone(event.tz))
        return f"{start:%H:%M} {start:%Z} ({reader_time_token(event.starts_at)})"
    if event.precision is Precision.DAY and _single_day(event):
        return "time TBC"
    return escaped(event_time_text(event), 100)


def _single_day(event: EventRecord) -> bool:
    if event.ends_at is None:
        return True
    # A day-precision end is the exclusive start of the day after the last one.
    last = local_day(earlier(event.ends_at, _MICROSECOND), event.tz)
    return last <= local_day(event.starts_at, event.tz)


def _follow_line(follow: FollowNext) -> str:
    query = f"*{escaped(follow.query, QUERY_CHARS)}*"
    if follow.next_event is None:
        return f"{query}  →  nothing upcoming"
    return f"{query}  →  {_event_line(follow.next_event)}"


def _feed_line(feed: FeedHealth) -> str:
    name = f"*{escaped(feed.name, FEED_NAME_CHARS)}* ({source(feed.url, FEED_LINK_CHARS)})"
    good = f"last good sync {_when(feed.last_success_at)}" if feed.last_success_at else "never synced"
    if not feed.failing:
        return f":white_check_mark: {name}  ·  {good}"
    since = f" since {_when(feed.failing_since)}" if feed.failing_since else ""
    reason = f": {escaped(feed.last_error, FEED_ERROR_CHARS)}" if feed.last_error else ""
    return f":warning: {name}  ·  failing{since}{reason}  ·  {good}"


def _when(instant: datetime) -> str:
    return reader_time_token(instant)


# -- fitting ---------------------------------------------------------------------------------


def _day_of(event: EventRecord, newsroom_tz: ZoneInfo, first: date) -> date:
    """The newsroom's day for a time; the venue's date for a day known without its time. An
    event begun before today (a summit's second day, a month known without its day) is listed
    under today."""
    exact = event.precision is Precision.EXACT
    day = local_day(event.starts_at, newsroom_tz.key if exact else event.tz)
    return max(day, first)


def _lines(intro: str | None, lines: list[str], total: int, command: str, *, capped: bool = False) -> list[dict]:
    room = SECTION_TEXT - (len(intro) + 1 if intro else 0)
    fitting = _fitting(lines, room)
    text = "\n".join(([intro] if intro else []) + lines[:fitting])
    return [_section(text), *_more(total - fitting, command, capped=capped)]


def _fitting(lines: list[str], room: int) -> int:
    """How many of `lines`, from the first, fit in `room` characters joined by line breaks."""
    used = 0
    for count, line in enumerate(lines):
        used += len(line) + (1 if count else 0)
        if used > room:
            return count
    return len(lines)


def _more(hidden: int, command: str, *, capped: bool = False) -> list[dict]:
    if hidden <= 0:
        return []
    count = f"{count_text(hidden)}+" if capped else count_text(hidden)
    return [{"type": "context", "elements": [mrkdwn(f"and {count} more — `{command}`")]}]


def _capped(part: Part) -> bool:
    return part.count_cap is not None and part.total > part.count_cap


def _header(text: str) -> dict:
    return {"type": "header", "text": plain(text, HEADER_TEXT)}


def _section(text: str) -> dict:
    return {"type": "section", "text": mrkdwn(text)}
