"""What the text after `/trip` asks for."""

from __future__ import annotations

from dataclasses import dataclass

from domain.search import query_words
from domain.validation import storable

MAX_QUERY_LENGTH = 200
AGENDAS = ("today", "week", "next")


@dataclass(frozen=True)
class Help:
    pass


@dataclass(frozen=True)
class Agenda:
    span: str  # one of AGENDAS


@dataclass(frozen=True)
class Search:
    query: str


@dataclass(frozen=True)
class Add:
    pass


@dataclass(frozen=True)
class Draft:
    """Draft events from a pasted story."""


@dataclass(frozen=True)
class Mine:
    pass


@dataclass(frozen=True)
class History:
    query: str


@dataclass(frozen=True)
class Reminders:
    query: str


@dataclass(frozen=True)
class Invalid:
    message: str


Command = Help | Agenda | Search | Add | Draft | Mine | History | Reminders | Invalid


def parse_command(text: str) -> Command:
    text = " ".join(storable(text).split())
    keyword = text.lower()
    if keyword in ("", "help", "?"):
        return Help()
    if keyword in AGENDAS:
        return Agenda(keyword)
    if keyword == "add":
        return Add()
    if keyword == "draft":
        return Draft()
    if keyword == "mine":
        return Mine()
    first, _, rest = text.partition(" ")
    if first.lower() in ("history", "reminders"):
        if not query_words(rest):
            return Invalid(f"Say which event: `/trip {first.lower()} macron`.")
        if len(rest) > MAX_QUERY_LENGTH:
            return Invalid(f"Keep the search under {MAX_QUERY_LENGTH} characters.")
        return History(rest) if first.lower() == "history" else Reminders(rest)
    if len(text) > MAX_QUERY_LENGTH:
        return Invalid(f"That search is {len(text)} characters long; keep it under {MAX_QUERY_LENGTH}.")
    if not query_words(text):
        return Invalid("Search for a person, place or keyword, for example `/trip blinken` or `/trip paris`.")
    return Search(text)
