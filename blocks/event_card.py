"""One event as Block Kit (a card, with its menu and coverage buttons) and as plain text."""

from __future__ import annotations

from blocks.text import SECTION_TEXT, cut, escape, escaped, fallback, listed, mrkdwn, plain, shorten, source
from blocks.when import reader_time_token
from domain.feed import feed_differences
from domain.records import EventRecord
from domain.snapshot import LABELS, event_time_text, people, place_text
from domain.vocabulary import Precision, Status

MENU_ACTION = "event_menu"
COVER_ACTION = "cover_me"
ASSIGN_ACTION = "assign"
OPEN_ACTION = "event_open"
# On the card of an event that belongs to a trip: its principal's itinerary.
ITINERARY_ACTION = "event_itinerary"

# Each value the feed gives is cut to this, to keep the card short however long the values.
FEED_VALUE_CHARS = 60

_STATUS_EMOJI = {
    Status.CONFIRMED: ":white_check_mark:",
    Status.TENTATIVE: ":grey_question:",
    Status.POSTPONED: ":double_vertical_bar:",
    Status.CANCELLED: ":x:",
}
# Each part of a card gets at most this share of a section's 3,000 characters (escaped), so that
# one long part cannot crowd out the others; the source link gets what the others leave.
TITLE_CHARS = 500
WHEN_CHARS = 300
PLACE_CHARS = 400
PEOPLE_CHARS = 600
COVERAGE_CHARS = 600
# The clashes a card lists, each title cut to CLASH_CHARS; the rest are counted.
CLASHES_SHOWN = 2
CLASH_CHARS = 120
CLASH_DETAIL_CHARS = 80
# Eleven fields at most, each value cut to FEED_VALUE_CHARS: well inside this.
FEED_CHARS = 1000


def card_text(event: EventRecord) -> str:
    """The card's text, within a section's 3,000 characters however long the event is."""
    status = event.status
    title = f"*{escaped(event.title, TITLE_CHARS)}*"
    if status is Status.CANCELLED:
        title = f"~{escaped(event.title, TITLE_CHARS)}~  *CANCELLED*"
    # An editor's mark; a summit or ministerial meeting is key by its kind, which the card shows.
    key = "  ·  :key: Key event" if event.marked_key else ""
    lines = [f"{title}  ·  {event.kind.label}{key}"]

    when = escaped(event_time_text(event), WHEN_CHARS)
    if event.precision is Precision.EXACT:
        when += f"  ·  your time: {reader_time_token(event.starts_at)}"
    lines.append(f"{_STATUS_EMOJI[status]} {status.label}  ·  {when}")

    place = place_text(event)
    if place:
        lines.append(f":round_pushpin: {escaped(place, PLACE_CHARS)}")
    lines += clash_lines(event)
    feed = feed_says(event)
    room = SECTION_TEXT - sum(len(line) + 1 for line in lines + feed)
    return "\n".join(lines + people_coverage_source(event, room) + feed)


def clash_lines(event: EventRecord) -> list[str]:
    """ "⚠️ Clashes with Blinken meets Macron (impossible travel from Paris, 264 km)": the same
    people at another event that this one leaves no time to reach (domain/travel.py)."""
    clashes = list(event.clashes)
    lines = [
        f":warning: Clashes with *{escaped(c.other_title, CLASH_CHARS)}* ({escaped(c.detail, CLASH_DETAIL_CHARS)})"
        for c in clashes[:CLASHES_SHOWN]
    ]
    if len(clashes) > CLASHES_SHOWN:
        more = len(clashes) - CLASHES_SHOWN
        lines.append(f":warning: and {more} more clash{'es' if more != 1 else ''}")
    return lines


def feed_says(event: EventRecord) -> list[str]:
    """Where the event differs from the calendar it was imported from: what the feed says."""
    differences = feed_differences(event)
    if not differences:
        return []
    values = " · ".join(
        f"{LABELS[c.field]} {escape(shorten(c.new or 'none', FEED_VALUE_CHARS))}" for c in differences if c.field
    )
    return [cut(f":satellite_antenna: The calendar feed says: {values}", FEED_CHARS)]


def people_coverage_source(event: EventRecord, room: int) -> list[str]:
    """The lines a card and a reminder share, in at most `room` characters with their line
    breaks: who meets whom, who covers it, the source."""
    lines = []
    if event.participants:
        lines.append(f":busts_in_silhouette: {people_text(event, PEOPLE_CHARS)}")
    lines.append(f":writing_hand: {coverage_text(event)}")
    if event.source_url:
        prefix = ":link: Source: "
        left = room - sum(len(line) + 1 for line in lines) - len(prefix)
        lines.append(prefix + source(event.source_url, left))
    return lines


def people_text(event: EventRecord, limit: int) -> str:
    """ "Antony Blinken meets Emmanuel Macron, Stéphane Séjourné and 12 more", as mrkdwn."""
    principal, others = people(event)
    names = [escape(name) for name in others]
    if principal is None:
        return listed(names, limit)
    lead = f"{escaped(principal, limit // 3)} meets "
    return lead + listed(names, limit - len(lead))


def coverage_text(event: EventRecord) -> str:
    users = [f"<@{c.user_id}>" for c in event.coverage]
    prefix = "Covering: "
    return prefix + listed(users, COVERAGE_CHARS - len(prefix)) if users else "No one covering yet"


def event_blocks(event: EventRecord, *, controls: bool = False) -> list[dict]:
    """The card; with `controls`, its menu (edit, postpone, cancel, delete) and coverage buttons."""
    section = {"type": "section", "text": mrkdwn(card_text(event))}
    if not controls:
        return [section]
    section["accessory"] = {"type": "overflow", "action_id": MENU_ACTION, "options": _menu(event)}
    elements = [
        {"type": "button", "action_id": COVER_ACTION, "text": plain("I'll cover"), "value": str(event.id)},
        {"type": "button", "action_id": ASSIGN_ACTION, "text": plain("Assign…"), "value": str(event.id)},
    ]
    if event.trip is not None:
        elements.append(
            {"type": "button", "action_id": ITINERARY_ACTION, "text": plain("Itinerary"), "value": str(event.id)}
        )
    return [section, {"type": "actions", "elements": elements}]


def _menu(event: EventRecord) -> list[dict]:
    choices = [("Edit", "edit")]
    if event.status.live:
        choices.append(("Postpone", "postpone"))
    if event.status is not Status.CANCELLED:
        choices.append(("Cancel", "cancel"))
    choices.append(("Delete", "delete"))
    return [{"text": plain(label), "value": f"{verb}:{event.id}"} for label, verb in choices]


def event_line(event: EventRecord) -> str:
    """The event in one line of plain text, for notifications and clients without blocks."""
    status = event.status
    parts = [event.title, event_time_text(event), place_text(event)]
    line = " — ".join(part for part in parts if part)
    if status is not Status.CONFIRMED:
        line += f" ({status.label.lower()})"
    return shorten(line, 400)


def event_message(event: EventRecord) -> dict:
    """One event's card as a message of its own, with its controls."""
    return {"text": fallback(event_line(event)), "blocks": event_blocks(event, controls=True)}
