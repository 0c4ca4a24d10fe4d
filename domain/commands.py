"""What the text after `/trip` asks for."""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.numbers import parse_count
from domain.search import query_words
from domain.validation import MAX_LENGTH, storable

MAX_QUERY_LENGTH = 200
AGENDAS = ("today", "week", "next")
DEFAULT_FOLLOW_LEAD = 60
# A follow's lead time: "30m", "2h", "1d", up to a week.
_LEAD = re.compile(r"^(\d{1,5})([mhd])$")
_LEAD_UNIT = {"m": 1, "h": 60, "d": 1440}
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
            # Slack wraps a pasted link in <…>, with its label after a |.
            url = url.strip("<>").split("|", 1)[0]
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


def _follow(rest: str) -> Command:
    query, lead = rest, DEFAULT_FOLLOW_LEAD
    head, _, last = rest.rpartition(" ")
    if head and (found := _LEAD.match(last.lower())):
        query, lead = head, int(found[1]) * _LEAD_UNIT[found[2]]
        if not 0 < lead <= MAX_FOLLOW_LEAD:
            return Invalid("A reminder can come from 1 minute to 7 days before: `/trip follow blinken 2h`.")
    return _query_of("follow", query, lambda q: Follow(q, lead))
