"""The reply to `/trip reminders`: each reminder of the matching events and how it went."""

from __future__ import annotations

from collections.abc import Sequence

from blocks.text import HEADER_TEXT, escaped, fallback, mrkdwn, plain, shorten
from blocks.when import reader_time_token
from domain.records import EventRecord, ReminderRecord
from domain.reminders import is_personal, lead_time_label, why_no_reminders
from domain.snapshot import event_time_text
from domain.vocabulary import ReminderStatus

_STATE = {
    ReminderStatus.PENDING: ":hourglass_flowing_sand: pending",
    ReminderStatus.SENDING: ":outbox_tray: being sent",
    ReminderStatus.SENT: ":white_check_mark: sent",
    ReminderStatus.SKIPPED: ":fast_forward: skipped",
    ReminderStatus.FAILED: ":warning: failed",
}
# The statuses whose last error says something to the desk: why it was skipped or failed, or
# what the next attempt is waiting out.
_EXPLAINED = (ReminderStatus.SKIPPED, ReminderStatus.FAILED, ReminderStatus.PENDING)
MAX_EVENT_SECTIONS = 40
# Shares of an event's section: its title and time, and each reminder's last error.
TITLE_CHARS = 500
WHEN_CHARS = 200
ERROR_CHARS = 200


def reminders_message(query: str, matched: int, events: Sequence[tuple[EventRecord, Sequence[ReminderRecord]]]) -> dict:
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
        states = (f"{lead_time_label(r.lead_minutes)} {r.status.value}" for r in reminders)
        lines.append(f"{event.title}: " + ", ".join(states))
    blocks.append(
        {
            "type": "context",
            "elements": [mrkdwn(f"{matched} matching event{'s' if matched != 1 else ''} · due times in your own time")],
        }
    )
    return {"text": fallback("\n".join(lines)), "blocks": blocks}


def _row(reminder: ReminderRecord) -> str:
    state = _STATE[reminder.status]
    if reminder.status is ReminderStatus.SENT and reminder.late:
        state += " (late)"
    detail = ""
    if reminder.last_error and reminder.status in _EXPLAINED:
        uncertain = "uncertain: " if reminder.may_have_posted else ""
        detail = f": {uncertain}{escaped(reminder.last_error, ERROR_CHARS)}"
    attempts = f" · {reminder.attempts} attempts" if reminder.attempts > 1 else ""
    lead = "at the start" if reminder.lead_minutes == 0 else f"{lead_time_label(reminder.lead_minutes)} before"
    where = "your DM" if is_personal(reminder.channel_id) else f"<#{reminder.channel_id}>"
    return f"• {lead}, {reader_time_token(reminder.due_at)} in {where} · {state}{detail}{attempts}"


def _none_reason(event: EventRecord) -> str:
    return why_no_reminders(event) or "no reminder channel (set TRIPDESK_CHANNEL or pick one in the event)"
