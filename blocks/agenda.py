"""The daily agenda message."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from blocks.event_card import card_text, event_line
from blocks.history import change_line
from blocks.text import HEADER_TEXT, SECTION_TEXT, escape, escaped, fallback, listed, mrkdwn, plain
from domain.records import ChangeRecord, EventRecord
from domain.snapshot import PRIVATE_FIELDS, event_time_text
from domain.timetext import day_text

MAX_CARDS_PER_DAY = 20


def agenda_message(
    today: date,
    events: Mapping[date, Sequence[EventRecord]],
    changes: Sequence[ChangeRecord],
    titles: dict[int, str],
    *,
    newsroom_tz: ZoneInfo,
    since: datetime | None,
    uncovered: Sequence[EventRecord] = (),
    uncovered_total: int = 0,
) -> dict:
    """`uncovered`: the key events of the two days that no one covers (`uncovered_total` in all)."""
    title = f"Agenda for {day_text(today)}"
    changes = [c for c in changes if c.field not in PRIVATE_FIELDS]  # the agenda goes to a channel
    blocks: list[dict] = [{"type": "header", "text": plain(title, HEADER_TEXT)}]
    lines = [title]
    # At most two days (today and tomorrow); the agenda job never passes more.
    for day, label in zip(sorted(events), ("Today", "Tomorrow"), strict=False):
        day_events = events[day]
        blocks.append(
            {
                "type": "section",
                "text": mrkdwn(f"*{label}, {day_text(day)}*" + ("" if day_events else ": nothing on the schedule")),
            }
        )
        for event in day_events[:MAX_CARDS_PER_DAY]:
            blocks.append({"type": "section", "text": mrkdwn(card_text(event))})
        if len(day_events) > MAX_CARDS_PER_DAY:
            blocks.append(
                {
                    "type": "context",
                    "elements": [
                        mrkdwn(
                            f"…and {len(day_events) - MAX_CARDS_PER_DAY} more:"
                            f" `/trip {'today' if label == 'Today' else 'week'}`"
                        )
                    ],
                }
            )
        lines += (
            [f"{label}:", *(event_line(e) for e in day_events)] if day_events else [f"{label}: nothing on the schedule"]
        )
    if uncovered:
        gaps = [f":rotating_light: *{escaped(e.title, 200)}* — {escape(event_time_text(e))}" for e in uncovered]
        unlisted = max(uncovered_total, len(uncovered)) - len(uncovered)
        more = "more: `/trip week`"
        text = listed(
            ["*Not covered yet* (key events; press *I'll cover* on the card in `/trip`)", *gaps],
            SECTION_TEXT - 40,
            separator="\n",
            more=lambda count: f"\n…and {count + unlisted} {more}",
        )
        if unlisted and not text.endswith(more):
            text += f"\n…and {unlisted} {more}"
        blocks.append({"type": "section", "text": mrkdwn(text)})
        lines.append(f"Not covered yet: {'; '.join(e.title for e in uncovered)}")
    if changes:
        changed = listed(
            ["*Changed since the last agenda*", *(change_line(c, titles.get(c.event_id, "an event")) for c in changes)],
            SECTION_TEXT,
            separator="\n",
            more=lambda count: f"\n…and {count} more: `/trip history` and a name lists them",
        )
        blocks.append({"type": "section", "text": mrkdwn(changed)})
        lines.append(f"{len(changes)} changes since the last agenda")
    elif since is not None:
        blocks.append({"type": "context", "elements": [mrkdwn("No changes since the last agenda.")]})
    blocks.append(
        {
            "type": "context",
            "elements": [mrkdwn(f"Days in newsroom time ({newsroom_tz.key}) · `/trip week` for the next seven days")],
        }
    )
    return {"text": fallback("\n".join(lines)), "blocks": blocks}
