"""One event as Block Kit (a card, with its menu and coverage buttons) and as plain text."""

from __future__ import annotations

from blocks.text import escape, fallback, link, mrkdwn, plain, shorten, source_label
from blocks.when import reader_time_token
from domain.feed import feed_differences
from domain.snapshot import LABELS, event_time_text, people_text, place_text
from domain.vocabulary import Precision, Status
from storage.models import Event

MENU_ACTION = "event_menu"
COVER_ACTION = "cover_me"
ASSIGN_ACTION = "assign"
OPEN_ACTION = "event_open"

# Each value the feed gives is cut to this, to keep the card short however long the values.
FEED_VALUE_CHARS = 60

_STATUS_EMOJI = {
    Status.CONFIRMED: ":white_check_mark:",
    Status.TENTATIVE: ":grey_question:",
    Status.POSTPONED: ":double_vertical_bar:",
    Status.CANCELLED: ":x:",
}


def card_text(event: Event) -> str:
    status = event.status
    title = f"*{escape(event.title)}*"
    if status is Status.CANCELLED:
        title = f"~{escape(event.title)}~  *CANCELLED*"
    lines = [f"{title}  ·  {event.kind.label}"]

    when = escape(event_time_text(event))
    if event.precision is Precision.EXACT:
        when += f"  ·  your time: {reader_time_token(event.starts_at)}"
    lines.append(f"{_STATUS_EMOJI[status]} {status.label}  ·  {when}")

    place = place_text(event)
    if place:
        lines.append(f":round_pushpin: {escape(place)}")
    return "\n".join(lines + people_coverage_source(event) + feed_says(event))


def feed_says(event: Event) -> list[str]:
    """Where the event differs from the calendar it was imported from: what the feed says."""
    differences = feed_differences(event)
    if not differences:
        return []
    values = " · ".join(
        f"{LABELS[c.field]} {escape(shorten(c.new or 'none', FEED_VALUE_CHARS))}" for c in differences if c.field
    )
    return [f":satellite_antenna: The calendar feed says: {values}"]


def people_coverage_source(event: Event) -> list[str]:
    """The lines a card and a reminder share: who meets whom, who covers it, the source."""
    lines = []
    people = people_text(event)
    if people:
        lines.append(f":busts_in_silhouette: {escape(people)}")
    lines.append(f":writing_hand: {coverage_text(event)}")
    if event.source_url:
        lines.append(f":link: Source: {link(event.source_url, source_label(event.source_url))}")
    return lines


def coverage_text(event: Event) -> str:
    users = [c.user_id for c in event.coverage]
    return "Covering: " + ", ".join(f"<@{u}>" for u in users) if users else "No one covering yet"


def event_blocks(event: Event, *, controls: bool = False) -> list[dict]:
    """The card; with `controls`, its menu (edit, postpone, cancel, delete) and coverage buttons."""
    section = {"type": "section", "text": mrkdwn(card_text(event))}
    if not controls:
        return [section]
    section["accessory"] = {"type": "overflow", "action_id": MENU_ACTION, "options": _menu(event)}
    buttons = {
        "type": "actions",
        "elements": [
            {"type": "button", "action_id": COVER_ACTION, "text": plain("I'll cover"), "value": str(event.id)},
            {"type": "button", "action_id": ASSIGN_ACTION, "text": plain("Assign…"), "value": str(event.id)},
        ],
    }
    return [section, buttons]


def _menu(event: Event) -> list[dict]:
    choices = [("Edit", "edit")]
    if event.status.live:
        choices.append(("Postpone", "postpone"))
    if event.status is not Status.CANCELLED:
        choices.append(("Cancel", "cancel"))
    choices.append(("Delete", "delete"))
    return [{"text": plain(label), "value": f"{verb}:{event.id}"} for label, verb in choices]


def event_line(event: Event) -> str:
    """The event in one line of plain text, for notifications and clients without blocks."""
    status = event.status
    parts = [event.title, event_time_text(event), place_text(event)]
    line = " — ".join(part for part in parts if part)
    if status is not Status.CONFIRMED:
        line += f" ({status.label.lower()})"
    return shorten(line, 400)


def event_message(event: Event) -> dict:
    """One event's card as a message of its own, with its controls."""
    return {"text": fallback(event_line(event)), "blocks": event_blocks(event, controls=True)}
