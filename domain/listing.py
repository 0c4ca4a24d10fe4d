"""What a `/trip` listing is: the request (carried in the value of its buttons, to show it
again) and the page of events found for it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from domain.commands import MAX_QUERY_LENGTH
from domain.records import EventRecord


class Mode(StrEnum):
    SEARCH = "search"
    TODAY = "today"
    WEEK = "week"
    NEXT = "next"
    MINE = "mine"


class ListingOutcome(StrEnum):
    UPCOMING = "upcoming"
    PAST = "past"
    AGENDA = "agenda"
    NO_MATCH = "no_match"


@dataclass(frozen=True)
class ListingRequest:
    """Everything needed to show a listing again: carried in the value of its buttons."""

    mode: Mode
    text: str = ""
    offset: int = 0

    def encode(self) -> str:
        # Not ASCII-escaped: a query of emoji would otherwise pass a button value's 2,000 characters.
        return json.dumps(
            {"m": self.mode.value, "q": self.text, "o": self.offset}, separators=(",", ":"), ensure_ascii=False
        )

    @classmethod
    def decode(cls, value: str) -> ListingRequest | None:
        try:
            data = json.loads(value)
            return cls(mode=Mode(data["m"]), text=str(data["q"])[:MAX_QUERY_LENGTH], offset=max(0, int(data["o"])))
        except (ValueError, KeyError, TypeError):
            return None

    def page(self, offset: int) -> ListingRequest:
        return replace(self, offset=offset)


@dataclass(frozen=True)
class Listing:
    request: ListingRequest
    outcome: ListingOutcome
    events: Sequence[EventRecord]
    total: int
    # The newsroom's days the agenda covers, first and last.
    days: tuple[date, date] | None = None
    suggestions: list[str] = field(default_factory=list)
    # Counting stops past this many (None: `total` is exact); a reader is told "1,000+".
    count_cap: int | None = None

    @property
    def next_offset(self) -> int | None:
        end = self.request.offset + len(self.events)
        return end if end < self.total else None
