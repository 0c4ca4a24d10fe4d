"""A draft as an editor reads it, as the add form receives it, and against the schedule."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.stories.model import Moment, StoryDraft
from domain.stories.review import (
    NO_DATE,
    PAST,
    additions,
    check_draft,
    draft_from_dict,
    draft_to_dict,
    is_same_event,
    merged_values,
    message_date,
    story_text,
    ticked_by_default,
    when_text,
)
from domain.vocabulary import Kind, Precision, Status
from domain.zones import start_of_day, zone
from tests.support.event_rows import event

REFERENCE = date(2024, 4, 1)
NOW = datetime(2024, 4, 1, 8, 0, tzinfo=UTC)
PARIS = zone("Europe/Paris")


def draft(**fields) -> StoryDraft:
    values = dict(
        title="Blinken meets Macron",
        evidence="Blinken will meet Macron in Paris on Tuesday.",
        participants=("Antony Blinken", "Emmanuel Macron"),
        city="Paris",
        country="France",
        timezone="Europe/Paris",
        start=Moment(date(2024, 4, 2), Precision.DAY),
        kind=Kind.BILATERAL,
    )
    values.update(fields)
    return StoryDraft(**values)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (Moment(date(2024, 5, 13), Precision.DAY), None, "Mon 13 May, time TBC"),
        (Moment(date(2027, 7, 1), Precision.MONTH), None, "July 2027, date TBC"),
        (None, None, "Date not given"),
        (Moment(date(2024, 4, 2), Precision.EXACT, 15, 0), None, "Tue 2 Apr, 15:00 CEST"),
        (Moment(date(2025, 1, 6), Precision.DAY), None, "Mon 6 Jan 2025, time TBC"),
        (
            Moment(date(2024, 4, 3), Precision.DAY),
            Moment(date(2024, 4, 4), Precision.DAY),
            "Wed 3 Apr – Thu 4 Apr, time TBC",
        ),
        (
            Moment(date(2024, 4, 2), Precision.EXACT, 10, 0),
            Moment(date(2024, 4, 2), Precision.EXACT, 11, 30),
            "Tue 2 Apr, 10:00–11:30 CEST",
        ),
    ],
)
def test_when_says_how_precise_the_story_is(start, end, expected):
    assert when_text(draft(start=start, end=end), REFERENCE) == expected


def test_a_time_without_a_zone_is_the_venues():
    assert when_text(draft(timezone=None, start=Moment(date(2024, 4, 2), Precision.EXACT, 9, 5)), REFERENCE) == (
        "Tue 2 Apr, 09:05 venue time"
    )


def test_drafts_survive_the_round_trip_through_storage():
    original = draft(
        start=Moment(date(2024, 4, 2), Precision.EXACT, 15, 30),
        end=Moment(date(2024, 4, 2), Precision.EXACT, 16, 0),
        status=Status.TENTATIVE,
        happened=True,
        venue="Élysée Palace",
    )
    assert draft_from_dict(draft_to_dict(original)) == original


def test_slack_markup_is_read_back_as_the_story_says_it():
    text = "BRUSSELS &amp; PARIS - <https://x.example/a|Blinken> will meet <@U123> &lt;today&gt; <https://y.example>"
    assert story_text(text) == "BRUSSELS & PARIS - Blinken will meet U123 <today> https://y.example"


def test_a_message_date_is_the_newsrooms_day():
    # 23:30 UTC on 1 April is already 2 April in Paris.
    ts = f"{datetime(2024, 4, 1, 23, 30, tzinfo=UTC).timestamp():.6f}"
    assert message_date(ts, PARIS) == date(2024, 4, 2)
    assert message_date("not a ts", PARIS) is None


def check(d: StoryDraft, now: datetime = NOW):
    return check_draft(
        d, uid="u@x", channel_id="C0FOREIGN", source_url=None, now=now, newsroom_tz=PARIS, default_channel=None
    )


def test_a_valid_draft_becomes_the_forms_event():
    result, problem = check(draft(start=Moment(date(2024, 4, 2), Precision.EXACT, 15, 0)))
    assert problem is None and result.value is not None
    assert result.value.draft.starts_at == datetime(2024, 4, 2, 13, 0, tzinfo=UTC)
    assert result.value.draft.notes == "Blinken will meet Macron in Paris on Tuesday."
    assert result.value.channel_id == "C0FOREIGN" and not result.value.past_record


@pytest.mark.parametrize(
    ("fields", "now", "expected"),
    [
        ({"start": None}, NOW, NO_DATE),
        ({"start": Moment(date(2024, 3, 30), Precision.DAY)}, NOW, PAST),
        ({"timezone": "Mars/Olympus_Mons"}, NOW, "Mars/Olympus_Mons is not a time zone TripDesk knows"),
        ({"title": "x" * 301}, NOW, "At most 300 characters"),
        # 02:30 on 31 March 2024 does not exist in Paris.
        (
            {"start": Moment(date(2024, 3, 31), Precision.EXACT, 2, 30)},
            datetime(2024, 3, 1, tzinfo=UTC),
            "does not exist in Europe/Paris",
        ),
    ],
)
def test_a_draft_the_form_would_refuse_says_why_in_one_line(fields, now, expected):
    result, problem = check(draft(**fields), now=now)
    assert result.value is None and problem is not None and expected in problem


def test_what_happened_becomes_a_record_of_a_past_event():
    result, problem = check(draft(start=Moment(date(2024, 3, 30), Precision.DAY), happened=True))
    assert problem is None and result.value is not None and result.value.past_record


def scheduled(**fields):
    return event(
        starts_at=start_of_day(date(2024, 4, 2), "Europe/Paris"),
        precision=Precision.DAY,
        status=Status.TENTATIVE,
        venue="",
        **fields,
    )


def test_the_same_event_needs_the_city_the_days_and_someone_in_common():
    on_schedule = scheduled(participants=["Antony Blinken", "Emmanuel Macron"])
    assert is_same_event(draft(), on_schedule)
    # Accents and first names aside: "Sejourne" is Séjourné.
    assert is_same_event(draft(participants=("Stephane Sejourne",)), scheduled(participants=["Stéphane Séjourné"]))
    assert not is_same_event(draft(city="Brussels"), on_schedule)
    assert not is_same_event(draft(start=Moment(date(2024, 4, 3), Precision.DAY)), on_schedule)
    assert not is_same_event(draft(participants=("Olaf Scholz",)), on_schedule)
    assert not is_same_event(draft(start=None), on_schedule)
    # "In April" overlaps the 2nd.
    assert is_same_event(draft(start=Moment(date(2024, 4, 1), Precision.MONTH)), on_schedule)


def test_what_the_story_adds_and_the_values_it_sets():
    found = additions(draft(start=Moment(date(2024, 4, 2), Precision.EXACT, 15, 0), venue="Élysée Palace"), scheduled())
    assert [a.text for a in found] == ["the time, 15:00", "that it is confirmed", "the venue, Élysée Palace"]
    assert merged_values(found) == {
        "precision": "exact",
        "start_date": "2024-04-02",
        "start_time": "15:00",
        "end_date": None,
        "end_time": None,
        "status": "confirmed",
        "venue": "Élysée Palace",
    }
    exact_and_confirmed = event(starts_at=datetime(2024, 4, 2, 8, 0, tzinfo=UTC))
    assert additions(draft(start=Moment(date(2024, 4, 2), Precision.EXACT, 15, 0)), exact_and_confirmed) == []


def test_a_draft_already_past_is_not_ticked():
    draft = StoryDraft(
        title="Blinken meets Macron", evidence="…", city="Paris", timezone="Europe/Paris",
        start=Moment(date(2024, 4, 2), Precision.DAY),
    )  # fmt: skip
    assert ticked_by_default(draft, on_schedule=False, today=date(2024, 4, 2))
    assert not ticked_by_default(draft, on_schedule=False, today=date(2024, 4, 3))
    assert not ticked_by_default(draft, on_schedule=True, today=date(2024, 4, 1))


@pytest.mark.parametrize("ts", ["nan", "1e30", "-1e30", "inf", "", "x"])
def test_a_message_time_slack_never_sends_reads_as_no_date(ts):
    assert message_date(ts, zone("Europe/Paris")) is None
