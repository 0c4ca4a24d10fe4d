"""A principal's itinerary as Block Kit: one section per leg (the city, its dates, its events in
venue time and the reader's), the move to the next leg with its change of time zone, the days
with nothing on the schedule; and a compact form of it for the Home tab.

Fitted to Slack's limits: at most MAX_LEGS legs (then "and N more stops"), each leg's events as
many as fit its section (then "and N more here"), user text escaped and cut.
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from blocks.text import HEADER_TEXT, MESSAGE_BLOCKS, SECTION_TEXT, escaped, fallback, listed, mrkdwn, plain
from blocks.when import reader_time_token
from domain.itinerary import Found, Gap, Itinerary, Leg, Move, PersonItinerary, change_text
from domain.records import EventRecord
from domain.snapshot import event_time_text
from domain.timetext import day_range
from domain.vocabulary import Precision, Status

# Legs shown in a message: a section and a move each, within Slack's 50 blocks with the header,
# the introduction, the events that are off and the footer.
MAX_LEGS = (MESSAGE_BLOCKS - 6) // 2
# Legs shown for one person on the Home tab, in one section.
COMPACT_LEGS = 8
OFF_LINES = 10
TITLE_CHARS = 200
VENUE_CHARS = 120
PLACE_CHARS = 120
NAME_CHARS = 150
QUERY_CHARS = 100

# Rows as services give them, read as EventRecord.
R = TypeVar("R", bound=EventRecord)

_FIRMNESS = {
    Status.TENTATIVE: "  ·  _tentative_",
    Status.POSTPONED: "  ·  *POSTPONED*",
    Status.CANCELLED: "  ·  *CANCELLED*",
}


# What an itinerary with only cancelled or postponed events says of them.
CALLED_OFF = "cancelled or postponed"


def itinerary_message(answer: PersonItinerary[R]) -> dict:
    """The answer to `/trip itinerary <who>` and to a card's Itinerary button."""
    query = escaped(answer.query, QUERY_CHARS)
    if answer.found is Found.SEVERAL:
        names = listed([f"*{escaped(name, NAME_CHARS)}*" for name in answer.people], 2000)
        first = answer.people[0]
        text = (
            f"“{query}” could be several people: {names}. Say which, for example"
            f" `/trip itinerary {escaped(first, NAME_CHARS)}`."
        )
        return _notice(text)
    if answer.found is Found.NO_ONE or answer.itinerary is None:
        text = f"No one called “{query}” is on the schedule."
        if answer.suggestions:
            text += " Did you mean " + " or ".join(f"*{escaped(s, NAME_CHARS)}*" for s in answer.suggestions) + "?"
        text += f" `/trip {query}` searches places and keywords too."
        return _notice(text)
    person = escaped(answer.person, NAME_CHARS)
    itinerary = answer.itinerary
    blocks: list[dict] = [{"type": "header", "text": plain(f"Itinerary: {answer.person}", HEADER_TEXT)}]
    if answer.found is Found.PAST:
        last = f"the most recent trip, *{escaped(answer.trip, NAME_CHARS)}*" if answer.trip else "the last event"
        if itinerary.legs:
            intro = f"Nothing on the schedule for *{person}* from now on. Here is {last}:"
        else:
            intro = f"Nothing on the schedule for *{person}* from now on. In {last}, everything was {CALLED_OFF}:"
    elif not itinerary.legs:
        intro = f"Nothing still planned for *{person}*: everything to come is {CALLED_OFF}."
    else:
        intro = _summary(itinerary)
    blocks.append({"type": "section", "text": mrkdwn(intro)})
    legs = itinerary.legs[:MAX_LEGS]
    for index, leg in enumerate(legs):
        blocks.append({"type": "section", "text": mrkdwn(leg_text(leg))})
        if index < len(itinerary.moves) and index < len(legs) - 1:
            blocks.append({"type": "context", "elements": [mrkdwn(move_text(itinerary.moves[index]))]})
    hidden = len(itinerary.legs) - len(legs)
    if hidden:
        last_day = itinerary.legs[-1].last_day
        blocks.append(
            {
                "type": "context",
                "elements": [mrkdwn(f"and {hidden} more stop{'s' if hidden != 1 else ''}, to {_date(last_day)}")],
            }
        )
    if itinerary.off:
        blocks.append({"type": "section", "text": mrkdwn(_off_text(itinerary))})
    blocks.append({"type": "context", "elements": [mrkdwn(_footer(answer))]})
    return {"text": fallback(itinerary_line(answer)), "blocks": blocks}


def _notice(text: str) -> dict:
    return {"text": fallback(text), "blocks": [{"type": "section", "text": mrkdwn(text)}]}


def _summary(itinerary: Itinerary[R]) -> str:
    legs, events = len(itinerary.legs), itinerary.events
    first, last = itinerary.legs[0].first_day, itinerary.legs[-1].last_day
    stops = f"{legs} stop{'s' if legs != 1 else ''}"
    return f"{events} event{'s' if events != 1 else ''} in {stops}, {days_text(first, last)}:"


def _footer(answer: PersonItinerary[R]) -> str:
    parts = [
        "Venue time, then yours",
        "dates are the venue's",
        "zone changes as the clocks stand when the next stop begins",
    ]
    if answer.cut_short:
        parts.append(f"more events match “{escaped(answer.query, QUERY_CHARS)}” than were read: `/trip` lists them all")
    return "  ·  ".join(parts)


# -- a leg ------------------------------------------------------------------------------------


def leg_dates(leg: Leg) -> str:
    """ "Tue 2 Apr 2024"; "Wed 3 – Fri 5 Apr 2024, known to the day, times TBC"; "July 2024 (date TBC)"."""
    if leg.precision is Precision.MONTH:
        first, last = leg.months
        if first == last:
            return f"{first:%B %Y} (date TBC)"
        return f"{first:%B}{'' if first.year == last.year else f' {first.year}'} – {last:%B %Y} (dates TBC)"
    dates = day_range(leg.first_day, leg.last_day)
    if leg.precision is Precision.DAY:
        return f"{dates}, known to the day, times TBC"
    return dates


def leg_heading(leg: Leg) -> str:
    return f":round_pushpin: *{escaped(leg.place, PLACE_CHARS)}*  ·  {leg_dates(leg)}"


def leg_text(leg: Leg[R]) -> str:
    heading = leg_heading(leg)
    lines: list[str] = []
    for gap, event in zip(leg.gaps, leg.events, strict=True):
        if gap is not None:
            lines.append(gap_text(gap))
        lines.append(event_line(event))
    room = SECTION_TEXT - len(heading) - 1
    shown = _fitting(lines, room - 40)
    text = "\n".join([heading, *lines[:shown]])
    if shown < len(lines):
        hidden = sum(1 for line in lines[shown:] if line.startswith("•"))
        text += f"\nand {hidden} more here"
    return text


def event_line(event: EventRecord) -> str:
    when = escaped(event_time_text(event), 100)
    if event.precision is Precision.EXACT:
        when += f" (your time {reader_time_token(event.starts_at)})"
    title = f"*{escaped(event.title, TITLE_CHARS)}*"
    venue = f"  ·  {escaped(event.venue, VENUE_CHARS)}" if event.venue else ""
    return f"• {when}  {title}{venue}{_FIRMNESS.get(event.status, '')}"


def gap_text(gap: Gap) -> str:
    return f"_{days_text(gap.first, gap.last)}: nothing on the schedule_"


def move_text(move: Move) -> str:
    places = f"{escaped(move.origin, PLACE_CHARS)} → {escaped(move.destination, PLACE_CHARS)}"
    line = f":airplane: {places}, {change_text(move.change)}"
    if move.gap is not None:
        line += f"\n{gap_text(move.gap)}"
    return line


def _off_text(itinerary: Itinerary[R]) -> str:
    lines = []
    for event in itinerary.off[:OFF_LINES]:
        where = escaped(event.city or event.country, PLACE_CHARS)
        when = escaped(event_time_text(event), 100)
        title = escaped(event.title, TITLE_CHARS)
        lines.append(f"• ~{title}~  *{event.status.label.upper()}*  ·  {when}{f'  ·  {where}' if where else ''}")
    hidden = len(itinerary.off) - OFF_LINES
    heading = "*Off the schedule* (not counted as stops)"
    shown = _fitting(lines, SECTION_TEXT - len(heading) - 40)
    more = max(0, hidden) + len(lines) - shown
    return "\n".join([heading, *lines[:shown]] + ([f"and {more} more"] if more else []))


# -- dates -------------------------------------------------------------------------------------


def _date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def days_text(first: date, last: date) -> str:
    """ "3 April 2024", "3–4 April 2024", "6 April – 8 July 2024", "30 December 2024 – 2 January 2025"."""
    if first == last:
        return _date(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {last:%B %Y}"
    if first.year == last.year:
        return f"{first.day} {first:%B} – {_date(last)}"
    return f"{_date(first)} – {_date(last)}"


# -- plain text and the Home tab ------------------------------------------------------------


def itinerary_line(answer: PersonItinerary[R]) -> str:
    """The itinerary in plain text: "Itinerary of Antony Blinken: Paris, France (Tue 2 Apr 2024)
    → Brussels, Belgium, same zone (…) → …"."""
    itinerary = answer.itinerary
    if itinerary is None or not itinerary.legs:
        if answer.found is Found.PAST:
            last = f"trip, {answer.trip}" if answer.trip else "event"
            return f"Most recent {last}, of {answer.person}: everything was {CALLED_OFF}."
        return f"Itinerary of {answer.person}: nothing still planned, everything to come is {CALLED_OFF}."
    parts = [f"{itinerary.legs[0].place} ({leg_dates(itinerary.legs[0])})"]
    for move, leg in zip(itinerary.moves, itinerary.legs[1:], strict=True):
        parts.append(f"{leg.place}, {change_text(move.change)} ({leg_dates(leg)})")
    prefix = "Most recent trip of" if answer.found is Found.PAST else "Itinerary of"
    return f"{prefix} {answer.person}: " + " → ".join(parts)


def compact_itinerary(query: str, answer: PersonItinerary[R]) -> str:
    """One principal's legs with their dates and the changes of zone, for the Home tab, in a
    section's 3,000 characters."""
    itinerary = answer.itinerary
    assert itinerary is not None, "the Home tab shows only itineraries found"
    heading = f"*{escaped(answer.person, NAME_CHARS)}*  ·  `/trip itinerary {escaped(query, QUERY_CHARS)}`"
    lines = []
    legs = itinerary.legs[:COMPACT_LEGS]
    for index, leg in enumerate(legs):
        count = len(leg.events)
        lines.append(f"{leg_heading(leg)}  ·  {count} event{'s' if count != 1 else ''}")
        if index < len(legs) - 1:
            lines.append(move_text(itinerary.moves[index]))
    shown = _fitting(lines, SECTION_TEXT - len(heading) - 40)
    text = "\n".join([heading, *lines[:shown]])
    hidden = len(itinerary.legs) - sum(1 for line in lines[:shown] if line.startswith(":round_pushpin:"))
    if hidden:
        text += f"\nand {hidden} more stop{'s' if hidden != 1 else ''}"
    return text


def _fitting(lines: list[str], room: int) -> int:
    used = 0
    for count, line in enumerate(lines):
        used += len(line) + (1 if count else 0)
        if used > room:
            return count
    return len(lines)
