"""What the text after `/trip` asks for."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from domain.changes import MAX_WINDOW_MINUTES
from domain.numbers import parse_count
from domain.search import query_words
from domain.validation import MAX_LENGTH, storable

MAX_QUERY_LENGTH = 200
AGENDAS = ("today", "week", "next")
DEFAULT_FOLLOW_LEAD = 60
# A follow's lead time, up to a week: "30m", "2h", "1d", "90 min", "1 hour", "2 days", "1w".
_LEAD = re.compile(r"^(\d{1,6}) ?([a-z]+)$")
_LEAD_UNIT = {
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 1),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 60),
    **dict.fromkeys(("d", "day", "days"), 1440),
    **dict.fromkeys(("w", "wk", "week", "weeks"), 10080),
}
# "75th" or "g7" end a query, not a lead time.
_ORDINAL = ("st", "nd", "rd", "th")
MAX_FOLLOW_LEAD = 7 * 1440


@dataclass(frozen=True)
class Help:
    pass


@dataclass(frozen=True)
class Agenda:
    span: str  # one of AGENDAS


@dataclass(frozen=True)
class Search:
    query: str


@dataclass(frozen=True)
class Add:
    pass


@dataclass(frozen=True)
class Draft:
    """Draft events from a pasted story."""


@dataclass(frozen=True)
class Mine:
    pass


@dataclass(frozen=True)
class History:
    query: str


@dataclass(frozen=True)
class Reminders:
    query: str


@dataclass(frozen=True)
class FeedAddress:
    """The address of the live calendar feed: the whole schedule, or one query's events."""

    query: str = ""


@dataclass(frozen=True)
class RotateFeed:
    """A new secret for the live feed; the old address stops working."""


@dataclass(frozen=True)
class ListFeeds:
    pass


@dataclass(frozen=True)
class AddFeed:
    url: str
    name: str = ""


@dataclass(frozen=True)
class RemoveFeed:
    number: int


@dataclass(frozen=True)
class SyncFeeds:
    pass


@dataclass(frozen=True)
class Follow:
    query: str
    # Minutes before each matching event that the personal reminder comes.
    lead_minutes: int = DEFAULT_FOLLOW_LEAD


@dataclass(frozen=True)
class Unfollow:
    query: str


@dataclass(frozen=True)
class Following:
    pass


@dataclass(frozen=True)
class Itinerary:
    """A principal's trip as legs: "blinken"."""

    who: str


@dataclass(frozen=True)
class Changes:
    """What others changed on the schedule: since the user last asked, or in the last
    `window_minutes`."""

    window_minutes: int | None = None


@dataclass(frozen=True)
class Invalid:
    message: str


Command = (
    Help
    | Agenda
    | Search
    | Add
    | Draft
    | Mine
    | History
    | Reminders
    | FeedAddress
    | RotateFeed
    | ListFeeds
    | AddFeed
    | RemoveFeed
    | SyncFeeds
    | Follow
    | Unfollow
    | Following
    | Itinerary
    | Changes
    | Invalid
)


def parse_command(text: str) -> Command:
    text = " ".join(storable(text).split())
    keyword = text.lower()
    if keyword in ("", "help", "?"):
        return Help()
    if keyword in AGENDAS:
        return Agenda(keyword)
    if keyword == "add":
        return Add()
    if keyword == "draft":
        return Draft()
    if keyword == "mine":
        return Mine()
    first, _, rest = text.partition(" ")
    match first.lower():
        case "feed":
            return _feed(rest)
        case "feeds":
            return _feeds(rest)
        case "follow":
            return _follow(rest)
        case "unfollow":
            return _query_of("unfollow", rest, Unfollow)
        case "following":
            return Following() if not rest else Invalid("`/trip following` takes nothing after it.")
        case "itinerary":
            if not query_words(rest):
                return Invalid("Say whose: `/trip itinerary blinken` shows their trip stop by stop.")
            return _query_of("itinerary", rest, Itinerary)
        case "changes":
            return _changes(rest)
    if first.lower() in ("history", "reminders"):
        if not query_words(rest):
            return Invalid(f"Say which event: `/trip {first.lower()} macron`.")
        if len(rest) > MAX_QUERY_LENGTH:
            return Invalid(f"Keep the search under {MAX_QUERY_LENGTH} characters.")
        return History(rest) if first.lower() == "history" else Reminders(rest)
    if len(text) > MAX_QUERY_LENGTH:
        return Invalid(f"That search is {len(text)} characters long; keep it under {MAX_QUERY_LENGTH}.")
    if not query_words(text):
        return Invalid("Search for a person, place or keyword, for example `/trip blinken` or `/trip paris`.")
    return Search(text)


def _query_of(keyword: str, rest: str, make):
    if not query_words(rest):
        return Invalid(f"Say what to {keyword}: `/trip {keyword} blinken`.")
    if len(rest) > MAX_QUERY_LENGTH:
        return Invalid(f"Keep the search under {MAX_QUERY_LENGTH} characters.")
    return make(rest)


def _feed(rest: str) -> Command:
    if rest.lower() == "rotate":
        return RotateFeed()
    if not rest:
        return FeedAddress()
    if not query_words(rest):
        return Invalid("Say which events: `/trip feed blinken`, or `/trip feed` for the whole schedule.")
    return _query_of("feed", rest, FeedAddress)


def _feeds(rest: str) -> Command:
    action, _, arguments = rest.partition(" ")
    match action.lower():
        case "" | "list":
            return ListFeeds() if not arguments else Invalid("`/trip feeds` takes nothing after it.")
        case "sync":
            return SyncFeeds() if not arguments else Invalid("`/trip feeds sync` takes nothing after it.")
        case "add":
            url, _, name = arguments.partition(" ")
            # Slack wraps a pasted link in <…>, with its label after a |, and sends &, < and >
            # as HTML entities.
            url = html.unescape(url.strip("<>").split("|", 1)[0])
            if not url:
                return Invalid("Say which calendar: `/trip feeds add https://example.org/summit.ics NATO summit`.")
            if len(url) > MAX_LENGTH["url"]:
                return Invalid(f"That address is longer than {MAX_LENGTH['url']} characters.")
            if len(name) > MAX_LENGTH["participant"]:
                return Invalid(f"Keep the feed's name under {MAX_LENGTH['participant']} characters.")
            return AddFeed(url, name.strip())
        case "remove":
            number = parse_count(arguments)
            if number is None or number < 1:
                return Invalid("Say which feed by its number in `/trip feeds`: `/trip feeds remove 2`.")
            return RemoveFeed(number)
    return Invalid("`/trip feeds` lists the calendars TripDesk follows; then `add <url> [name]`, `remove <n>`, `sync`.")


def _changes(rest: str) -> Command:
    if not rest:
        return Changes()
    # The same durations as a follow's lead time: "2h", "24 hours", "3d", "1w".
    found = _LEAD.match(rest.lower())
    if found is None or found[2] not in _LEAD_UNIT or found[2] in _ORDINAL:
        return Invalid(f"I can't read {rest[:40]!r} as a span of time: try `/trip changes 24h`, `2h`, `3d` or `1w`.")
    minutes = int(found[1]) * _LEAD_UNIT[found[2]]
    if not 0 < minutes <= MAX_WINDOW_MINUTES:
        return Invalid("`/trip changes` looks back from 1 minute to 30 days: `/trip changes 24h`.")
    return Changes(minutes)


def _follow(rest: str) -> Command:
    query, lead = rest, DEFAULT_FOLLOW_LEAD
    words = rest.split(" ")
    # The lead time is the last word ("2h") or the last two ("2 hours").
    for size in (2, 1):
        if len(words) < size:
            continue
        tail = " ".join(words[-size:]).lower()
        found = _LEAD.match(tail)
        if found is None or found[2] in _ORDINAL or (size == 2 and found[2] not in _LEAD_UNIT):
            continue
        if found[2] not in _LEAD_UNIT:
            if found[2][0] not in "mhdw":
                continue  # "5g", "2024a": the query's

            return Invalid(f"I can't read {tail!r} as a lead time: use `30m`, `2h` or `1d` (up to 7 days).")
        query, lead = " ".join(words[:-size]), int(found[1]) * _LEAD_UNIT[found[2]]
        if not 0 < lead <= MAX_FOLLOW_LEAD:
            return Invalid("A reminder can come from 1 minute to 7 days before: `/trip follow blinken 2h`.")
        break
    return _query_of("follow", query, lambda q: Follow(q, lead))
