"""What a story says about one event, before an editor checks it: a draft, in the venue's words.

Times stay as the story gives them — venue-local wall time, a day, a month, or nothing — with
how precise they are; the instant is computed only when an editor adds the draft.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from domain.vocabulary import Kind, Precision, Status

JSON_KEYS = (
    "title",
    "participants",
    "venue",
    "city",
    "country",
    "start",
    "end",
    "precision",
    "timezone",
    "status",
    "happened",
    "evidence",
)


@dataclass(frozen=True)
class Moment:
    """A point the story names: a day, a month, or a day and a venue-local time of day."""

    day: date
    precision: Precision
    hour: int | None = None
    minute: int | None = None

    def text(self) -> str:
        if self.precision is Precision.MONTH:
            return f"{self.day:%Y-%m}"
        if self.precision is Precision.EXACT and self.hour is not None:
            return f"{self.day:%Y-%m-%d}T{self.hour:02d}:{self.minute or 0:02d}"
        return f"{self.day:%Y-%m-%d}"

    def wall(self) -> datetime | None:
        """The venue-local wall time of an exact moment."""
        if self.precision is not Precision.EXACT or self.hour is None:
            return None
        return datetime(self.day.year, self.day.month, self.day.day, self.hour, self.minute or 0)


@dataclass(frozen=True)
class StoryDraft:
    title: str
    evidence: str
    participants: tuple[str, ...] = ()
    venue: str | None = None
    city: str | None = None
    country: str | None = None
    timezone: str | None = None
    start: Moment | None = None
    end: Moment | None = None
    status: Status = Status.CONFIRMED
    happened: bool = False
    kind: Kind = Kind.OTHER

    @property
    def precision(self) -> Precision | None:
        return self.start.precision if self.start else None

    def as_json(self) -> dict:
        return {
            "title": self.title,
            "participants": list(self.participants),
            "venue": self.venue,
            "city": self.city,
            "country": self.country,
            "start": self.start.text() if self.start else None,
            "end": self.end.text() if self.end else None,
            "precision": self.precision.value if self.precision else None,
            "timezone": self.timezone,
            "status": self.status.value,
            "happened": self.happened,
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class Extraction:
    """The drafts of one story and the date they were read against."""

    reference: date
    drafts: list[StoryDraft] = field(default_factory=list)
