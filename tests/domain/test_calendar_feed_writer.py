"""The feed's events are written as text, not through the iCalendar library's objects: the bytes
must be those a writer built on the library's value types gives, and read back by the library
as the properties a component built with the library holds."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ical.calendar_stream import IcsCalendarStream

from domain.calendar_feed import (
    FeedTitle,
    description,
    event_lines,
    feed_uid,
    render_feed,
    span,
    summary,
)
from domain.snapshot import place_text
from domain.vocabulary import Kind, Precision, Status
from tests.domain.test_calendar_feed import Event, Person, Trip
from tests.support.feed_reference import reference_event_lines

# What TEXT escaping and folding have to get right: the escaped characters, line breaks of
# every kind, "\N" (which the library reads as a line break), and characters of two, three and
# four octets.
_CHARACTERS = st.sampled_from(list("ab Z;,\\\n\rNé—中😀:\"'"))
_TRICKY = st.text(
    alphabet=_CHARACTERS | st.characters(codec="utf-8", exclude_categories=("Cs",)),
    min_size=1,
    max_size=120,
)
_ZONES = st.sampled_from(["Europe/Paris", "America/New_York", "Asia/Tokyo", "UTC", "Asia/Kolkata"])


@st.composite
def events(draw) -> Event:
    start = draw(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)))
    return Event(
        uid=draw(_TRICKY),
        title=draw(_TRICKY),
        kind=draw(st.sampled_from(list(Kind))),
        status=draw(st.sampled_from(list(Status))),
        precision=draw(st.sampled_from(list(Precision))),
        starts_at=start,
        ends_at=draw(st.one_of(st.none(), st.just(start + timedelta(hours=draw(st.integers(1, 60)))))),
        tz=draw(_ZONES),
        venue=draw(st.one_of(st.just(""), _TRICKY)),
        city=draw(st.one_of(st.just(""), _TRICKY)),
        country=draw(st.one_of(st.just(""), _TRICKY)),
        trip=draw(st.one_of(st.none(), st.builds(Trip, _TRICKY, _TRICKY))),
        participants=tuple(Person(name) for name in draw(st.lists(_TRICKY, max_size=4))),
        source_url=draw(st.one_of(st.none(), st.just("https://www.example.org/a;b,c?d=e"))),
        version=draw(st.integers(1, 50)),
        created_at=start - timedelta(days=3),
        updated_at=start - timedelta(days=1),
    )


@settings(max_examples=300)
@given(events())
def test_the_text_writer_gives_the_bytes_of_the_library_value_types(event):
    assert event_lines(event) == reference_event_lines(event)


@settings(max_examples=100)
@given(events())
def test_the_library_reads_what_a_component_built_with_it_holds(event):
    built = _component(event)
    written = icalendar.Calendar.from_ical(render_feed([event], FeedTitle("newsroom")))
    [read] = written.walk("VEVENT")
    assert sorted(read) == sorted(built)
    for name in built:
        assert _values(read, name) == _values(built, name), name


def _component(event: Event) -> icalendar.Event:
    """The event as the library builds it, property by property."""
    component = icalendar.Event()
    uid = feed_uid(event.uid)
    component.add("UID", uid)
    component.add("DTSTAMP", event.updated_at)
    component.add("CREATED", event.created_at)
    component.add("LAST-MODIFIED", event.updated_at)
    component.add("SEQUENCE", max(event.version - 1, 0))
    component.add("SUMMARY", summary(event))
    start, end = span(event)
    component.add("DTSTART", start)
    component.add("DTEND", end)
    component.add("STATUS", {Status.POSTPONED: "TENTATIVE"}.get(event.status, event.status.value.upper()))
    if event.precision is Precision.MONTH or event.status is Status.CANCELLED:
        component.add("TRANSP", "TRANSPARENT")
    if place := place_text(event):
        component.add("LOCATION", place)
    component.add("DESCRIPTION", description(event))
    component.add("CATEGORIES", [event.kind.label])
    if event.source_url:
        component.add("URL", event.source_url)
    text = {"VALUE": "TEXT"}
    if uid != event.uid:
        component.add("X-TRIPDESK-UID", icalendar.vText(event.uid), parameters=text)
    if summary(event) != event.title:
        component.add("X-TRIPDESK-TITLE", icalendar.vText(event.title), parameters=text)
    component.add("X-TRIPDESK-TZ", icalendar.vText(event.tz), parameters=text)
    component.add("X-TRIPDESK-PRECISION", icalendar.vText(event.precision.value.upper()), parameters=text)
    component.add("X-TRIPDESK-STATUS", icalendar.vText(event.status.value.upper()), parameters=text)
    for participant in event.participants:
        component.add("X-TRIPDESK-PARTICIPANT", icalendar.vText(participant.name), parameters=text)
    if event.trip is not None:
        component.add("X-TRIPDESK-PRINCIPAL", icalendar.vText(event.trip.principal), parameters=text)
        component.add("X-TRIPDESK-TRIP", icalendar.vText(event.trip.name), parameters=text)
    # Through bytes and back, as a client would hold it.
    return icalendar.Event.from_ical(component.to_ical())


def _values(component: icalendar.Event, name: str) -> list[bytes]:
    found = component[name]
    return [value.to_ical() for value in (found if isinstance(found, list) else [found])]


def test_text_is_escaped_as_rfc_5545_wants():
    event = Event(title="a;b,c\\d\ne\r\nf\rg", trip=None, participants=(), venue="", city="", country="")
    lines = event_lines(event).decode().split("\r\n")
    assert "SUMMARY:a\\;b\\,c\\\\d\\ne\\nf\\ng" in lines
    [read] = icalendar.Calendar.from_ical(render_feed([event], FeedTitle("n"))).walk("VEVENT")
    assert read["SUMMARY"] == "a;b,c\\d\ne\nf\ng"


@pytest.mark.parametrize("padding", range(58, 70))
def test_a_character_across_the_75th_octet_moves_whole_to_the_next_line(padding):
    # "SUMMARY:" is 8 octets; "é" is two, so one of these paddings puts it across octets 75-76.
    title = "x" * padding + "Séjourné Séjourné Séjourné"
    data = event_lines(Event(title=title))
    assert data == reference_event_lines(Event(title=title))
    summary_lines = _physical("SUMMARY:", data)
    assert all(len(line) <= 75 for line in summary_lines)
    assert b"".join(line.removeprefix(b" ") for line in summary_lines).decode() == f"SUMMARY:{title}"
    for line in summary_lines:
        line.decode("utf-8")  # never half a character
    strict = IcsCalendarStream.calendar_from_ics(render_feed([Event(title=title)], FeedTitle("n")).decode())
    assert strict.events[0].summary == title


def test_a_line_of_exactly_75_octets_is_not_folded_and_one_of_76_is():
    exactly = Event(title="é" + "x" * 65)  # "SUMMARY:", 8 octets, then 2 + 65
    assert [len(line) for line in _physical("SUMMARY:", event_lines(exactly))] == [75]
    longer = replace(exactly, title=exactly.title + "x")
    assert [len(line) for line in _physical("SUMMARY:", event_lines(longer))] == [75, 2]


def _physical(name: str, data: bytes) -> list[bytes]:
    """The physical lines of the property `name`: its first and the continuations after it."""
    lines = data.split(b"\r\n")
    first = next(n for n, line in enumerate(lines) if line.startswith(name.encode()))
    found = [lines[first]]
    for line in lines[first + 1 :]:
        if not line.startswith(b" "):
            break
        found.append(line)
    return found
