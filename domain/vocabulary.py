"""The fixed vocabularies of a schedule: kinds of event, how firm they are, how precise their date is,
and where each reminder stands."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    SUMMIT = "summit"
    MINISTERIAL = "ministerial"
    BILATERAL = "bilateral"
    VISIT = "visit"
    PRESS_CONFERENCE = "press_conference"
    SPEECH = "speech"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @classmethod
    def from_text(cls, text: str) -> Kind | None:
        """Map an iCalendar category or a typed name ("Press conference", "bilateral") to a kind."""
        key = " ".join(text.lower().replace("_", " ").replace("-", " ").split())
        return _KIND_ALIASES.get(key)


_KIND_LABELS = {
    Kind.SUMMIT: "Summit",
    Kind.MINISTERIAL: "Ministerial meeting",
    Kind.BILATERAL: "Bilateral meeting",
    Kind.VISIT: "Visit",
    Kind.PRESS_CONFERENCE: "Press conference",
    Kind.SPEECH: "Speech",
    Kind.OTHER: "Other",
}
_KIND_ALIASES = {
    **{kind.value.replace("_", " "): kind for kind in Kind},
    **{label.lower(): kind for kind, label in _KIND_LABELS.items()},
    "ministerial meeting": Kind.MINISTERIAL,
    "bilateral": Kind.BILATERAL,
    "ministerial": Kind.MINISTERIAL,
    "press briefing": Kind.PRESS_CONFERENCE,
    "news conference": Kind.PRESS_CONFERENCE,
    "address": Kind.SPEECH,
}


class Status(StrEnum):
    TENTATIVE = "tentative"
    CONFIRMED = "confirmed"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def live(self) -> bool:
        """Whether the event is still expected to happen as scheduled."""
        return self in (Status.TENTATIVE, Status.CONFIRMED)


class Precision(StrEnum):
    """How much of the start is known: a story often says only "on Tuesday" or "in July"."""

    EXACT = "exact"
    DAY = "day"
    MONTH = "month"

    @property
    def label(self) -> str:
        return {"exact": "Exact time", "day": "Day only", "month": "Month only"}[self.value]


class ReminderStatus(StrEnum):
    """Where one reminder stands. A row is `sending` only while a replica holds its claim."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"
