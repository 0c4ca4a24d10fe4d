"""What the desk is told when the schedule changes, and the small dialogs around a change."""

from __future__ import annotations

import json

from blocks.event_card import card_text, event_blocks, event_line
from blocks.text import (
    FALLBACK_TEXT,
    SECTION_TEXT,
    VIEW_TITLE,
    cut,
    escape,
    escaped,
    fallback,
    listed,
    mrkdwn,
    plain,
    source,
)
from domain.records import EventRecord
from domain.snapshot import LABELS, PRIVATE_FIELDS, FieldChange, compact_change, public_changes
from domain.validation import is_slack_id

CONFIRM_CALLBACK = "event_confirm"
ASSIGN_CALLBACK = "event_assign"
ASSIGN_FIELD = "assignees"
# Changes that matter to everyone are also sent to the channel from the event's thread.
LOUD_FIELDS = {"when", "status", "place"}
# Shares of a notice's 3,000 characters: the title, each old and new value, each list of people.
TITLE_CHARS = 500
VALUE_CHARS = 300
PEOPLE_CHARS = 1000


def new_event_notice(event: EventRecord, *, actor: str) -> dict:
    return {
        "text": fallback(f"New on the schedule: {event_line(event)}"),
        "blocks": [
            {"type": "context", "elements": [mrkdwn(f":new: *New on the schedule*, added by <@{actor}>")]},
            *event_blocks(event, controls=True),
        ],
    }


def change_lines(changes: list[FieldChange]) -> list[str]:
    """One line per change; a private field (notes) is said to have changed, never with its text."""
    lines = []
    for change in changes:
        if change.field == "when":
            lines.append(f"Moved: {escape(compact_change(change.old or '', change.new or ''))}")
        elif change.field == "coverage":
            continue
        elif change.field in PRIVATE_FIELDS:
            lines.append(f"{LABELS.get(change.field, change.field)} changed")
        else:
            label = LABELS.get(change.field or "", change.field or "")
            old, new = (_value(change.field, v) for v in (change.old, change.new))
            lines.append(f"{label}: {old} → {new}")
    return lines


def _value(field: str | None, value: str | None) -> str:
    if not value:
        return "—"
    return source(value, VALUE_CHARS) if field == "source" else escaped(value, VALUE_CHARS)


def change_notice(event: EventRecord, *, actor: str, action: str, changes: list[FieldChange]) -> dict:
    title = escaped(event.title, TITLE_CHARS)
    heading = {
        "cancelled": f":x: *Cancelled:* {title}",
        "postponed": f":double_vertical_bar: *Postponed, new date TBC:* {title}",
        "deleted": f":wastebasket: *Taken off the schedule:* {title}",
    }.get(action, f":pencil2: *Changed:* {title}")
    lines = change_lines(public_changes(changes)) if action == "changed" else []
    text = "\n".join([f"{heading} (by <@{actor}>)", *lines])
    # The change lines are escaped already.
    fallback_text = "\n".join(
        [fallback(f"{action.capitalize()}: {event.title}"), *(line.replace("*", "") for line in lines)]
    )
    return {"text": cut(fallback_text, FALLBACK_TEXT), "blocks": [{"type": "section", "text": mrkdwn(text)}]}


def coverage_notice(event: EventRecord, *, actor: str, added: list[str], removed: list[str]) -> dict:
    parts = []
    title = escaped(event.title, TITLE_CHARS)
    if added == [actor] and not removed:
        parts.append(f"<@{actor}> is covering *{title}*")
    else:
        if added:
            parts.append(f"{listed([f'<@{u}>' for u in added], PEOPLE_CHARS)} now covering *{title}*")
        if removed:
            parts.append(f"{listed([f'<@{u}>' for u in removed], PEOPLE_CHARS)} no longer covering it")
        parts.append(f"(by <@{actor}>)")
    text = ":writing_hand: " + " ".join(parts)
    return {
        "text": fallback(f"Coverage of {event.title} changed"),
        "blocks": [{"type": "section", "text": mrkdwn(text)}],
    }


def is_loud(action: str, changes: list[FieldChange]) -> bool:
    return action in ("cancelled", "postponed", "deleted") or any(c.field in LOUD_FIELDS for c in changes)


def saved_view(event: EventRecord, *, created: bool, channel_id: str | None) -> dict:
    where = f" A notice went to <#{channel_id}>." if channel_id else ""
    return {
        "type": "modal",
        "title": plain("Saved", 24),
        "close": plain("Done", 24),
        "blocks": [
            {"type": "section", "text": mrkdwn(("Added to the schedule." if created else "Changes saved.") + where)},
            {"type": "section", "text": mrkdwn(card_text(event))},
        ],
    }


def confirm_modal(event: EventRecord, *, verb: str) -> dict:
    """The confirmation dialog for Cancel and Delete."""
    question = {
        "cancel": "Cancel this event? It stays on the schedule, marked cancelled, and gets no more reminders.",
        "delete": "Delete this event? It disappears from the schedule; its history is kept.",
    }[verb]
    return {
        "type": "modal",
        "callback_id": CONFIRM_CALLBACK,
        "title": plain("Cancel event" if verb == "cancel" else "Delete event", 24),
        "submit": plain("Cancel event" if verb == "cancel" else "Delete", 24),
        "close": plain("Keep it", 24),
        "private_metadata": json.dumps({"e": event.id, "v": event.version, "do": verb}, separators=(",", ":")),
        "blocks": [
            {"type": "section", "text": mrkdwn(question)},
            {"type": "section", "text": mrkdwn(card_text(event))},
        ],
    }


def assign_modal(event: EventRecord) -> dict:
    element = {"type": "multi_users_select", "action_id": ASSIGN_FIELD, "placeholder": plain("Who covers it?")}
    current = [c.user_id for c in event.coverage]
    if current:
        element["initial_users"] = current
    return {
        "type": "modal",
        "callback_id": ASSIGN_CALLBACK,
        "title": plain("Assign coverage", 24),
        "submit": plain("Save", 24),
        "close": plain("Cancel", 24),
        "private_metadata": json.dumps({"e": event.id}, separators=(",", ":")),
        "blocks": [
            {"type": "section", "text": mrkdwn(card_text(event))},
            {
                "type": "input",
                "block_id": ASSIGN_FIELD,
                "optional": True,
                "label": plain("Covering"),
                "element": element,
            },
        ],
    }


def assigned_users(values: dict) -> list[str] | None:
    """The users chosen in the assignment dialog; None if anything but user ids came back."""
    block = values.get(ASSIGN_FIELD)
    element = block.get(ASSIGN_FIELD) if isinstance(block, dict) else None
    chosen = element.get("selected_users") if isinstance(element, dict) else None
    if chosen is None:
        return []
    if not isinstance(chosen, list) or not all(is_slack_id(user, "UW") for user in chosen):
        return None
    return list(dict.fromkeys(chosen))


def notice_view(title: str, text: str) -> dict:
    """A dialog's answer in place of the dialog: "Nothing done", "Not allowed"."""
    return {
        "type": "modal",
        "title": plain(title, VIEW_TITLE),
        "close": plain("Close", VIEW_TITLE),
        "blocks": [{"type": "section", "text": mrkdwn(text)}],
    }


def clash_reason(kind: str, first_city: str, second_city: str, distance_km: int | None) -> str:
    """ "impossible travel: Paris → Brussels (264 km)", or "at the same time: Paris and Brussels"."""
    if kind == "overlap":
        return f"at the same time: {first_city} and {second_city}"
    distance = f" ({distance_km:,} km)" if distance_km is not None else ""
    return f"impossible travel: {first_city} → {second_city}{distance}"


def clash_notice(first: EventRecord, second: EventRecord, *, kind: str, people: str, distance_km: int | None) -> dict:
    """A clash that arrived by import, feed or drafts, with both events (the earlier first)."""
    reason = clash_reason(kind, first.city, second.city, distance_km)
    who = f" for {people}" if people else ""
    heading = f":warning: *Clash on the schedule*{escaped(who, PEOPLE_CHARS)} — {escaped(reason, VALUE_CHARS)}"
    return {
        "text": fallback(f"Clash on the schedule{who}: {reason}: {event_line(first)} / {event_line(second)}"),
        "blocks": [
            {"type": "context", "elements": [mrkdwn(heading)]},
            *event_blocks(first),
            *event_blocks(second),
        ],
    }


# A summary of the clashes one run found: a line each (under 300 characters), packed into
# sections of at most SECTION_TEXT, up to SUMMARY_LINES (at most 8 blocks); the rest counted.
SUMMARY_LINES = 60
SUMMARY_REASON_CHARS = 120
SUMMARY_TITLE_CHARS = 70


def clash_summary(clashes: list[tuple[EventRecord, EventRecord, str, str, int | None]]) -> dict:
    """Several clashes that arrived together (an import, a feed sync), in one message: each
    (first event, second event, kind, people, distance) on a line; the cards show each."""
    lines = []
    for first, second, kind, people, distance_km in clashes[:SUMMARY_LINES]:
        who = f"{people}: " if people else ""
        reason = clash_reason(kind, first.city, second.city, distance_km)
        titles = f"*{escaped(first.title, SUMMARY_TITLE_CHARS)}* / *{escaped(second.title, SUMMARY_TITLE_CHARS)}*"
        lines.append(f"• {escaped(who + reason, SUMMARY_REASON_CHARS)} — {titles}")
    sections: list[list[str]] = [[]]
    for line in lines:
        if sum(len(x) + 1 for x in sections[-1]) + len(line) > SECTION_TEXT:
            sections.append([])
        sections[-1].append(line)
    count = len(clashes)
    blocks: list[dict] = [
        {"type": "context", "elements": [mrkdwn(f":warning: *{count:,} clashes on the schedule*")]},
        *({"type": "section", "text": mrkdwn("\n".join(section))} for section in sections if section),
    ]
    if count > SUMMARY_LINES:
        blocks.append(
            {"type": "context", "elements": [mrkdwn(f"and {count - SUMMARY_LINES:,} more — see the events' cards")]}
        )
    first, second, _kind, _people, _distance = clashes[0]
    return {
        "text": fallback(f"{count:,} clashes on the schedule, first: {event_line(first)} / {event_line(second)}"),
        "blocks": blocks,
    }
