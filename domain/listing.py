"""What a `/trip` listing is: the request (carried in the value of its buttons, to show it
again) and the page of events found for it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from domain.commands import MAX_QUERY_LENGTH
from domain.numbers import parse_count
from domain.records import EventRecord

# Far past the last page of any listing: counting stops at 1,000 events.
MAX_OFFSET = 100_000


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
    def decode(cls, value: object) -> ListingRequest | None:
        """The request a button carries; None when it is not one. An offset that is not a page
        of any listing (negative, huge, not a whole number) reads as the first page."""
        try:
            data = json.loads(value)  # type: ignore[arg-type]  # anything else is refused below
            mode, text = Mode(data["m"]), data["q"]
        except (ValueError, KeyError, TypeError, RecursionError):
            return None
        if not isinstance(text, str):
            return None
        return cls(mode=mode, text=text[:MAX_QUERY_LENGTH], offset=parse_count(data.get("o"), maximum=MAX_OFFSET) or 0)

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
