"""The `/trip` reply: a page of events grouped by trip or day, with its buttons."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from blocks.event_card import event_blocks, event_line
from blocks.text import BUTTON_TEXT, HEADER_TEXT, escaped, fallback, mrkdwn, plain, shorten
from domain.listing import Listing, ListingOutcome, ListingRequest, Mode
from domain.records import EventRecord
from domain.timetext import day_text, local_day
from domain.vocabulary import Precision

SHARE_ACTION = "trip_share"
MORE_ACTION = "trip_more"
SUGGEST_ACTION_PREFIX = "trip_suggest_"
# Longest query, trip name or suggestion shown in a heading, escaped.
NAME_CHARS = 300


def listing_message(listing: Listing, *, newsroom_tz: ZoneInfo, shared_by: str | None = None) -> dict:
    """The reply for `listing`; `shared_by` (a user id) makes the channel copy, without buttons."""
    title = _title(listing)
    lines = [title, *(event_line(event) for event in listing.events)]
    if listing.suggestions:
        lines.append("Did you mean " + " or ".join(listing.suggestions) + "?")
    return {
        "text": fallback("\n".join(lines)),
        "blocks": listing_blocks(listing, newsroom_tz=newsroom_tz, shared_by=shared_by, buttons=shared_by is None),
    }


def listing_blocks(
    listing: Listing, *, newsroom_tz: ZoneInfo, shared_by: str | None = None, buttons: bool = True
) -> list[dict]:
    blocks: list[dict] = [{"type": "header", "text": plain(_title(listing), HEADER_TEXT)}]
    intro = _intro(listing)
    if intro:
        blocks.append({"type": "section", "text": mrkdwn(intro)})
    for heading, events in _groups(listing, newsroom_tz):
        blocks.append({"type": "context", "elements": [mrkdwn(heading)]})
        for event in events:
            blocks.extend(event_blocks(event, controls=buttons))
    if listing.events:
        blocks.append({"type": "context", "elements": [mrkdwn(_footer(listing, newsroom_tz, shared_by))]})
    if buttons and listing.suggestions:
        blocks.append({"type": "actions", "elements": _suggestion_buttons(listing)})
    elif buttons and listing.events:
        blocks.append({"type": "actions", "elements": _page_buttons(listing)})
    return blocks


def count_text(total: int, cap: int | None = None) -> str:
    """`cap`: where counting stopped (None: `total` is exact)."""
    return f"{cap:,}+" if cap is not None and total > cap else f"{total:,}"


def _count(listing: Listing) -> str:
    return count_text(listing.total, listing.count_cap)


def _title(listing: Listing) -> str:
    request = listing.request
    query = shorten(request.text, 80)
    if listing.outcome is ListingOutcome.UPCOMING:
        return f"{query}: {count_text(listing.total)} upcoming event{'s' if listing.total != 1 else ''}"
    if listing.outcome is ListingOutcome.PAST:
        return f"{query}: nothing upcoming"
    if listing.outcome is ListingOutcome.NO_MATCH:
        return f"{query}: no events"
    if request.mode is Mode.NEXT:
        return "Next on the schedule"
    if request.mode is Mode.MINE:
        return f"You cover {_count(listing)} upcoming event{'s' if listing.total != 1 else ''}"
    assert listing.days is not None, "an agenda of days carries its first and last day"
    first, last = listing.days
    if request.mode is Mode.TODAY:
        return f"Today, {day_text(first)}"
    return f"This week, {day_text(first, with_year=first.year != last.year)} – {day_text(last)}"


def _intro(listing: Listing) -> str | None:
    query = f"*{escaped(shorten(listing.request.text, 80), NAME_CHARS)}*"
    if listing.outcome is ListingOutcome.PAST:
        return f"Nothing upcoming for {query}. The most recent past events:"
    if listing.outcome is ListingOutcome.NO_MATCH:
        text = f"No events match {query}."
        if listing.suggestions:
            text += " Did you mean " + " or ".join(f"*{escaped(s, NAME_CHARS)}*" for s in listing.suggestions) + "?"
        return text
    if listing.outcome is ListingOutcome.AGENDA and not listing.events:
        return {
            Mode.TODAY: "Nothing on the schedule today.",
            Mode.WEEK: "Nothing on the schedule this week.",
            Mode.MINE: "You cover no upcoming events. Press *I'll cover* under an event in `/trip` to take one.",
        }.get(listing.request.mode, "Nothing on the schedule.")
    return None


def _groups(listing: Listing, newsroom_tz: ZoneInfo) -> list[tuple[str, list[EventRecord]]]:
    """Consecutive events of one trip, or of one day, under one heading."""
    by_newsroom_day = listing.outcome is ListingOutcome.AGENDA
    groups: list[tuple[object, str, list[EventRecord]]] = []
    for event in listing.events:
        key, heading = _group_of(event, by_newsroom_day, newsroom_tz)
        if groups and groups[-1][0] == key:
            groups[-1][2].append(event)
        else:
            groups.append((key, heading, [event]))
    return [(heading, events) for _key, heading, events in groups]


def _group_of(event: EventRecord, by_newsroom_day: bool, newsroom_tz: ZoneInfo) -> tuple[object, str]:
    if event.trip is not None and not by_newsroom_day:
        return ("trip", event.trip_id), (
            f":airplane: *{escaped(event.trip.principal, NAME_CHARS)}: {escaped(event.trip.name, NAME_CHARS)}*"
        )
    # A time converts to the newsroom's day; a date known without its time stays the venue's date.
    exact = event.precision is Precision.EXACT
    day: date = local_day(event.starts_at, newsroom_tz.key if by_newsroom_day and exact else event.tz)
    return ("day", day), f":spiral_calendar_pad: *{day_text(day)}*"


def _footer(listing: Listing, newsroom_tz: ZoneInfo, shared_by: str | None) -> str:
    first = listing.request.offset + 1
    last = listing.request.offset + len(listing.events)
    parts = []
    if listing.outcome is ListingOutcome.PAST:
        parts.append(f"Past events {first}–{last} of {_count(listing)}, counting back from the latest")
    elif listing.total > len(listing.events):
        parts.append(f"Showing {first}–{last} of {_count(listing)}")
    parts.append("Venue time, then yours")
    if listing.outcome is ListingOutcome.AGENDA:
        parts.append(f"days in newsroom time ({newsroom_tz.key})")
    if shared_by:
        parts.append(f"shared by <@{shared_by}>")
    return "  ·  ".join(parts)


def _page_buttons(listing: Listing) -> list[dict]:
    buttons = [
        {
            "type": "button",
            "action_id": SHARE_ACTION,
            "text": plain("Share in channel"),
            "value": listing.request.encode(),
        }
    ]
    if listing.next_offset is not None:
        buttons.append(
            {
                "type": "button",
                "action_id": MORE_ACTION,
                "text": plain("Show more"),
                "value": listing.request.page(listing.next_offset).encode(),
            }
        )
    return buttons


def _suggestion_buttons(listing: Listing) -> list[dict]:
    return [
        {
            "type": "button",
            "action_id": f"{SUGGEST_ACTION_PREFIX}{index}",
            "text": plain(f"Search {suggestion}", BUTTON_TEXT),
            "value": ListingRequest(Mode.SEARCH, suggestion).encode(),
        }
        for index, suggestion in enumerate(listing.suggestions)
    ]
