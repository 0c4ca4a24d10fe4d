"""One event as a Block Kit section and as a line of plain text."""

from __future__ import annotations

from blocks.text import escape, link, mrkdwn, shorten, source_label
from blocks.when import reader_time_token, venue_time_text
from domain.vocabulary import Precision, Status
from storage.models import Event

_STATUS_EMOJI = {
    Status.CONFIRMED: ":white_check_mark:",
    Status.TENTATIVE: ":grey_question:",
    Status.POSTPONED: ":double_vertical_bar:",
    Status.CANCELLED: ":x:",
}
# Keeps a card well inside a section's 3,000 characters however many people attend.
_PEOPLE_CHARS = 900


def event_time_text(event: Event) -> str:
    return venue_time_text(starts_at=event.starts_at, ends_at=event.ends_at, precision=event.precision, tz=event.tz)


def place_text(event: Event) -> str:
    return ", ".join(part for part in (event.venue, event.city, event.country) if part)


def people_text(event: Event) -> str:
    """"Antony Blinken meets Emmanuel Macron, Stéphane Séjourné", or the list when no one leads."""
    names = [p.name for p in event.participants]
    principal = event.trip.principal if event.trip else None
    if principal in names and len(names) > 1:
        others = [n for n in names if n != principal]
        return f"{principal} meets {_listed(others)}"
    return _listed(names)


def _listed(names: list[str]) -> str:
    shown: list[str] = []
    for name in names:
        if sum(len(n) + 2 for n in shown) + len(name) > _PEOPLE_CHARS:
            return ", ".join(shown) + f" and {len(names) - len(shown)} more"
        shown.append(name)
    return ", ".join(shown)


def event_section(event: Event) -> dict:
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
    people = people_text(event)
    if people:
        lines.append(f":busts_in_silhouette: {escape(people)}")
    if event.source_url:
        lines.append(f":link: Source: {link(event.source_url, source_label(event.source_url))}")
    return {"type": "section", "text": mrkdwn("\n".join(lines))}


def event_line(event: Event) -> str:
    """The event in one line of plain text, for notifications and clients without blocks."""
    status = event.status
    parts = [event.title, event_time_text(event), place_text(event)]
    line = " — ".join(part for part in parts if part)
    if status is not Status.CONFIRMED:
        line += f" ({status.label.lower()})"
    return shorten(line, 400)
