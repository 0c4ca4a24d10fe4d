"""The reply to `/trip reminders`: each reminder of the matching events and how it went."""

from __future__ import annotations

from blocks.text import HEADER_TEXT, escaped, fallback, mrkdwn, plain, shorten
from blocks.when import reader_time_token
from domain.event_form import lead_time_label
from domain.reminders import why_no_reminders
from domain.snapshot import event_time_text
from storage.models import Event, Reminder

_STATE = {
    "pending": ":hourglass_flowing_sand: pending",
    "sending": ":outbox_tray: being sent",
    "sent": ":white_check_mark: sent",
    "skipped": ":fast_forward: skipped",
    "failed": ":warning: failed",
}
MAX_EVENT_SECTIONS = 40
# Shares of an event's section: its title and time, and each reminder's last error.
TITLE_CHARS = 500
WHEN_CHARS = 200
ERROR_CHARS = 200


def reminders_message(query: str, matched: int, events: list[tuple[Event, list[Reminder]]]) -> dict:
    title = f"Reminders: {shorten(query, 80)}"
    blocks: list[dict] = [{"type": "header", "text": plain(title, HEADER_TEXT)}]
    lines = [title]
    if not events:
        blocks.append({"type": "section", "text": mrkdwn("No events match.")})
        return {"text": fallback(f"{title}\nNo events match."), "blocks": blocks}
    for event, reminders in events[:MAX_EVENT_SECTIONS]:
        rows = [_row(r) for r in reminders] or ["No reminders: " + _none_reason(event)]
        text = f"*{escaped(event.title, TITLE_CHARS)}* — {escaped(event_time_text(event), WHEN_CHARS)}\n" + "\n".join(
            rows
        )
        blocks.append({"type": "section", "text": mrkdwn(text)})
        lines.append(f"{event.title}: " + ", ".join(f"{lead_time_label(r.lead_minutes)} {r.status}" for r in reminders))
    blocks.append(
        {
            "type": "context",
            "elements": [mrkdwn(f"{matched} matching event{'s' if matched != 1 else ''} · due times in your own time")],
        }
    )
    return {"text": fallback("\n".join(lines)), "blocks": blocks}


def _row(reminder: Reminder) -> str:
    state = _STATE.get(reminder.status, reminder.status)
    if reminder.status == "sent" and reminder.late:
        state += " (late)"
    detail = (
        f": {escaped(reminder.last_error, ERROR_CHARS)}"
        if reminder.last_error and reminder.status in ("skipped", "failed", "pending")
        else ""
    )
    attempts = f" · {reminder.attempts} attempts" if reminder.attempts > 1 else ""
    lead = "at the start" if reminder.lead_minutes == 0 else f"{lead_time_label(reminder.lead_minutes)} before"
    return f"• {lead}, {reader_time_token(reminder.due_at)} in <#{reminder.channel_id}> · {state}{detail}{attempts}"


def _none_reason(event: Event) -> str:
    return why_no_reminders(event) or "no reminder channel (set TRIPDESK_CHANNEL or pick one in the event)"
