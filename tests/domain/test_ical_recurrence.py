"""Recurring events expanded within the horizon: on their own zone's clock across daylight-saving
changes, keyed by UID and recurrence id, overrides in place of their occurrence, and bounded."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.ical import MAX_OCCURRENCES_PER_FILE, MAX_OCCURRENCES_PER_SERIES, Problem, parse_calendar
from domain.vocabulary import Precision
from domain.zones import zone

NEW_YORK = zone("America/New_York")
ONCE = "UID:o\nSUMMARY:Once\nDTSTART:20261102T100000Z"


def calendar(*events: str, header: str = "") -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\nDTSTAMP:20260101T000000Z\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + header
    return f"{head}{body}END:VCALENDAR\r\n".replace("\n", "\r\n").replace("\r\r\n", "\r\n").encode()


def briefing(style: str, first: str) -> bytes:
    """A weekly 12:00 Washington briefing, as an Outlook-like feed (TZID) or Google's export
    (floating times and the calendar's X-WR-TIMEZONE)."""
    if style == "TZID":
        event = f"UID:briefing@state.gov\nSUMMARY:Press briefing\nDTSTART;TZID=America/New_York:{first}\n"
        return calendar(event + "DURATION:PT1H\nRRULE:FREQ=WEEKLY")
    event = f"UID:briefing@state.gov\nSUMMARY:Press briefing\nDTSTART:{first}\nDURATION:PT1H\nRRULE:FREQ=WEEKLY"
    return calendar(event, header="X-WR-CALNAME:State\r\nX-WR-TIMEZONE:America/New_York\r\n")


@pytest.mark.parametrize("style", ["TZID", "X-WR-TIMEZONE"])
@pytest.mark.parametrize(
    ("now", "first", "before", "after", "change"),
    [
        # Clocks go back on 1 November 2026: 12:00 EDT is 16:00 UTC, 12:00 EST 17:00 UTC.
        (datetime(2026, 10, 20, 9, 0, tzinfo=UTC), "20261008T120000", 16, 17, date(2026, 11, 1)),
        # Clocks go forward on 14 March 2027.
        (datetime(2027, 2, 20, 9, 0, tzinfo=UTC), "20270107T120000", 17, 16, date(2027, 3, 14)),
    ],
)
def test_a_weekly_noon_briefing_stays_at_noon_new_york_time_across_the_change(style, now, first, before, after, change):
    parsed = parse_calendar(briefing(style, first), "Europe/Paris", now=now)

    assert parsed.skipped == [] and parsed.flagged == []
    assert len(parsed.drafts) == 13  # 90 days of Thursdays
    for draft in parsed.drafts:
        local = draft.starts_at.astimezone(NEW_YORK)
        assert (local.weekday(), local.hour, local.minute) == (3, 12, 0)
        assert draft.tz == "America/New_York"
        assert draft.starts_at.hour == (before if local.date() < change else after)
        assert draft.ends_at is not None and (draft.ends_at - draft.starts_at).total_seconds() == 3600
    hours = {draft.starts_at.hour for draft in parsed.drafts}
    assert hours == {before, after}


def test_each_occurrence_is_keyed_by_uid_and_recurrence_id_in_utc_the_same_at_every_sync():
    data = briefing("TZID", "20261008T120000")
    first = parse_calendar(data, "UTC", now=datetime(2026, 10, 20, 9, 0, tzinfo=UTC))
    week_later = parse_calendar(data, "UTC", now=datetime(2026, 10, 27, 9, 0, tzinfo=UTC))

    assert [d.uid for d in first.drafts[:3]] == [
        "briefing@state.gov/20261022T160000Z",
        "briefing@state.gov/20261029T160000Z",
        "briefing@state.gov/20261105T170000Z",
    ]
    assert {d.uid for d in first.drafts[1:]} <= {d.uid for d in week_later.drafts}
    assert first.drafts[0].uid not in {d.uid for d in week_later.drafts}


def test_the_horizon_runs_from_the_start_of_today_to_ninety_days_ahead():
    now = datetime(2026, 10, 20, 15, 0, tzinfo=UTC)  # 17:00 in Paris, the newsroom
    data = calendar("UID:d\nSUMMARY:Daily\nDTSTART;TZID=Europe/Paris:20261001T090000\nRRULE:FREQ=DAILY")
    parsed = parse_calendar(data, "Europe/Paris", now=now)

    assert parsed.horizon_start == datetime(2026, 10, 19, 22, 0, tzinfo=UTC)
    assert parsed.horizon_end == datetime(2027, 1, 18, 15, 0, tzinfo=UTC)
    starts = [d.starts_at for d in parsed.drafts]
    assert starts[0] == datetime(2026, 10, 20, 7, 0, tzinfo=UTC)  # this morning's is still listed
    assert starts[-1] == datetime(2027, 1, 18, 8, 0, tzinfo=UTC)
    assert len(starts) == 91
    shorter = parse_calendar(data, "Europe/Paris", now=now, horizon_days=7)
    assert len(shorter.drafts) == 8


def test_an_override_replaces_its_occurrence_and_exdate_and_rdate_are_followed():
    data = calendar(
        "UID:w\nSUMMARY:Briefing\nDTSTART;TZID=America/New_York:20261105T120000\nDURATION:PT1H\n"
        "RRULE:FREQ=WEEKLY;COUNT=4\nEXDATE;TZID=America/New_York:20261119T120000\n"
        "RDATE;TZID=America/New_York:20261201T090000",
        "UID:w\nRECURRENCE-ID;TZID=America/New_York:20261112T120000\nSUMMARY:Briefing (moved)\n"
        "DTSTART;TZID=America/New_York:20261112T150000\nDURATION:PT1H\nLOCATION:Washington",
    )
    parsed = parse_calendar(data, "UTC", now=datetime(2026, 11, 1, tzinfo=UTC))

    assert parsed.skipped == [] and parsed.flagged == []
    got = {d.uid: (d.title, d.starts_at.astimezone(NEW_YORK).strftime("%d %H:%M")) for d in parsed.drafts}
    assert got == {
        "w/20261105T170000Z": ("Briefing", "05 12:00"),
        "w/20261112T170000Z": ("Briefing (moved)", "12 15:00"),  # keyed by the slot it replaces
        "w/20261126T170000Z": ("Briefing", "26 12:00"),
        "w/20261201T140000Z": ("Briefing", "01 09:00"),
    }


def test_an_override_alone_is_imported_once_under_its_occurrence_key():
    data = calendar(
        "UID:w\nRECURRENCE-ID:20261112T170000Z\nSUMMARY:Moved\nDTSTART:20261112T200000Z\nLOCATION:Washington"
    )
    (draft,) = parse_calendar(data, "UTC", now=datetime(2026, 11, 1, tzinfo=UTC)).drafts
    assert (draft.uid, draft.starts_at) == ("w/20261112T170000Z", datetime(2026, 11, 12, 20, 0, tzinfo=UTC))


def test_all_day_and_floating_series():
    data = calendar(
        "UID:m\nSUMMARY:Council\nDTSTART;VALUE=DATE:20261102\nRRULE:FREQ=MONTHLY;BYDAY=1MO\nLOCATION:Brussels",
        "UID:f\nSUMMARY:Call\nDTSTART:20261102T100000\nRRULE:FREQ=WEEKLY;COUNT=2",
    )
    parsed = parse_calendar(data, "Europe/Paris", now=datetime(2026, 11, 1, tzinfo=UTC))

    monthly = [d for d in parsed.drafts if d.uid.startswith("m/")]
    assert [d.uid for d in monthly] == ["m/20261102", "m/20261207", "m/20270104"]
    assert all(d.precision is Precision.DAY and d.tz == "Europe/Brussels" for d in monthly)
    assert monthly[0].starts_at == datetime(2026, 11, 1, 23, 0, tzinfo=UTC)
    floating = [(d.uid, d.starts_at, d.tz) for d in parsed.drafts if d.uid.startswith("f/")]
    assert floating == [
        ("f/20261102T100000", datetime(2026, 11, 2, 9, 0, tzinfo=UTC), "Europe/Paris"),
        ("f/20261109T100000", datetime(2026, 11, 9, 9, 0, tzinfo=UTC), "Europe/Paris"),
    ]


def test_a_long_uid_is_hashed_in_occurrence_keys():
    uid = "x" * 300
    data = calendar(f"UID:{uid}\nSUMMARY:S\nDTSTART:20261102T100000Z\nRRULE:FREQ=WEEKLY;COUNT=2")
    first = [d.uid for d in parse_calendar(data, "UTC", now=datetime(2026, 11, 1, tzinfo=UTC)).drafts]
    again = [d.uid for d in parse_calendar(data, "UTC", now=datetime(2026, 11, 1, tzinfo=UTC)).drafts]
    assert first == again and len(first) == 2
    assert all(len(key) <= 255 and key.endswith(("/20261102T100000Z", "/20261109T100000Z")) for key in first)


# A COUNT of a billion is bounded by an UNTIL as well, which dateutil warns RFC 5545 does not allow.
@pytest.mark.filterwarnings("ignore:Using both 'count' and 'until':DeprecationWarning")
@pytest.mark.parametrize(
    "rule",
    ["FREQ=SECONDLY", "FREQ=DAILY;COUNT=1000000000;BYHOUR=0,6,12,18;BYMINUTE=0,15,30,45", "FREQ=HOURLY"],
)
def test_a_series_is_cut_at_its_limit_and_flagged(rule):
    data = calendar(f"UID:r\nSUMMARY:Often\nDTSTART:20261101T000000Z\nRRULE:{rule}", ONCE)
    parsed = parse_calendar(data, "UTC", now=datetime(2026, 11, 1, tzinfo=UTC))

    assert len([d for d in parsed.drafts if d.uid.startswith("r/")]) == MAX_OCCURRENCES_PER_SERIES
    assert "o" in {d.uid for d in parsed.drafts}
    cut = f"only {MAX_OCCURRENCES_PER_SERIES} occurrences were imported: the limit for the series was reached"
    assert Problem("event 'r'", cut) in parsed.flagged


def test_a_file_stops_expanding_at_its_limit():
    series = MAX_OCCURRENCES_PER_FILE // MAX_OCCURRENCES_PER_SERIES + 1
    data = calendar(*(f"UID:s{n}\nSUMMARY:S\nDTSTART:20261101T000000Z\nRRULE:FREQ=HOURLY" for n in range(series)))
    parsed = parse_calendar(data, "UTC", now=datetime(2026, 11, 1, tzinfo=UTC))

    assert len(parsed.drafts) == MAX_OCCURRENCES_PER_FILE
    assert parsed.skipped == [
        Problem(f"event 's{series - 1}'", "not expanded: the file's limit of 5,000 occurrences was reached")
    ]


@pytest.mark.filterwarnings("ignore:Using both 'count' and 'until':DeprecationWarning")
@pytest.mark.parametrize(
    ("rule", "start", "reason"),
    [
        # dateutil would look for a 30 February until the year 9999, second by second.
        ("FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30", "20200101T000000Z", "its RRULE matches no date at all"),
        ("FREQ=DAILY;COUNT=1000000000;BYMONTH=4;BYMONTHDAY=31", "19000101T000000Z", "matches no date at all"),
        ("FREQ=DAILY;BYHOUR=9,10;BYSETPOS=3", "20261101T000000Z", "matches no date at all"),
        ("FREQ=MINUTELY", "19900101T000000Z", "it repeats too often (FREQ=MINUTELY) for too long to be expanded"),
        ("FREQ=FORTNIGHTLY", "20261101T000000Z", "its recurrence could not be expanded"),
        ("RSCALE=ETHIOPIC;FREQ=MONTHLY;BYMONTH=13", "20261101T000000Z", "another calendar than the Gregorian"),
    ],
)
def test_a_rule_that_cannot_be_expanded_is_skipped_and_the_rest_imported(rule, start, reason):
    data = calendar(f"UID:r\nSUMMARY:Rule\nDTSTART:{start}\nRRULE:{rule}", ONCE)
    parsed = parse_calendar(data, "UTC", now=datetime(2026, 11, 1, tzinfo=UTC))

    assert [d.uid for d in parsed.drafts] == ["o"]
    (skipped,) = parsed.skipped
    assert skipped.event == "event 'r'" and reason in skipped.reason


def test_a_rule_starting_long_ago_is_expanded_within_its_budget():
    # A daily meeting since 1950: 28,000 days from its start, within the 50,000 computed.
    data = calendar("UID:r\nSUMMARY:Daily\nDTSTART:19500101T090000Z\nRRULE:FREQ=DAILY")
    parsed = parse_calendar(data, "UTC", now=datetime(2026, 11, 1, tzinfo=UTC))
    assert len(parsed.drafts) == 90 and parsed.flagged == []


def test_a_file_stops_computing_rules_at_its_limit():
    # Each COUNT may cost as many periods as it says: ten of them use up the file's allowance.
    data = calendar(
        *(f"UID:y{n}\nSUMMARY:Y\nDTSTART:20261102T100000Z\nRRULE:FREQ=YEARLY;COUNT=50000" for n in range(11))
    )
    parsed = parse_calendar(data, "UTC", now=datetime(2026, 11, 1, tzinfo=UTC))

    assert [d.uid for d in parsed.drafts] == [f"y{n}/20261102T100000Z" for n in range(10)]
    assert parsed.skipped == [
        Problem("event 'y10'", "not expanded: the file's limit of 500,000 repetitions computed was reached")
    ]
