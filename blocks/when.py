"""The reader's own time: a Slack token that each reader's client shows in their zone."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.timetext import day_text


def reader_time_token(starts_at: datetime) -> str:
    """A <!date> token: each reader's Slack shows the instant in their own time zone.

    The fallback, for clients that cannot render it, is UTC.
    """
    utc = starts_at.astimezone(UTC)
    fallback = f"{day_text(utc.date())} {utc:%H:%M} UTC"
    return f"<!date^{int(starts_at.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"
