from datetime import UTC, datetime

from domain.event_form import FormValues, validate
from domain.reminders import DEFAULT_LEAD_TIMES, effective_lead_times
from domain.vocabulary import Kind, Precision
from domain.zones import zone

NOW = datetime(2024, 3, 1, tzinfo=UTC)
UTC_ZONE = zone("UTC")


def check(**values):
    base = dict(title="Meeting", start_date="2024-04-02", start_time="10:00", city="Paris")
    return validate(
        FormValues(**{**base, **values}), uid="u", now=NOW, newsroom_tz=zone("Europe/London"), default_channel="C0DESK"
    )


def test_new_york_dst_gap_and_overlap():
    gap = check(city="New York", start_date="2024-03-10", start_time="02:30")
    assert "does not exist in America/New_York" in gap.errors["start_time"]
    overlap = check(city="New York", start_date="2024-11-03", start_time="01:30")
    assert "happens twice in America/New_York" in overlap.errors["start_time"]
    fine = check(city="New York", start_date="2024-11-03", start_time="03:00")
    assert fine.value.draft.starts_at == datetime(2024, 11, 3, 8, 0, tzinfo=UTC)


def test_unknown_city_falls_back_to_the_newsroom_zone():
    assert check(city="Xyzzyville").value.draft.tz == "Europe/London"


def test_participants_are_split_trimmed_and_deduplicated():
    result = check(participants=" Antony Blinken,Emmanuel Macron ;Antony Blinken\nAudrey Azoulay,, ")
    assert result.value.draft.participants == ("Antony Blinken", "Emmanuel Macron", "Audrey Azoulay")


def test_day_precision_end_is_the_end_of_the_last_day():
    result = check(precision="day", start_time=None, start_date="2024-04-03", end_date="2024-04-04", city="Brussels")
    draft = result.value.draft
    assert draft.precision is Precision.DAY
    assert draft.starts_at == datetime(2024, 4, 2, 22, 0, tzinfo=UTC)
    assert draft.ends_at == datetime(2024, 4, 4, 22, 0, tzinfo=UTC)


def test_lead_times():
    assert check().value.lead_times is None
    assert effective_lead_times(Kind.SUMMIT, None) == DEFAULT_LEAD_TIMES[Kind.SUMMIT] == (10080, 1440, 60)
    assert check(lead_times=("60", "10080")).value.lead_times == (10080, 60)
    assert check(lead_times=("none", "60")).value.lead_times == ()


def test_existing_trip_choice_and_new_trip_principal():
    assert check(trip="12").value.trip_id == 12
    new = check(trip="new", trip_name="Asia, May 2024", participants="Antony Blinken")
    assert new.value.draft.trip.principal == "Antony Blinken"
    assert "trip_principal" in check(trip="new", trip_name="Asia").errors


def test_a_channel_is_needed_when_the_newsroom_has_no_default():
    base = dict(title="Meeting", start_date="2024-04-02", start_time="10:00")
    assert "channel" in validate(FormValues(**base), uid="u", now=NOW, newsroom_tz=UTC_ZONE).errors
    assert (
        validate(FormValues(**base), uid="u", now=NOW, newsroom_tz=UTC_ZONE, default_channel="C0DESK").value.channel_id
        is None
    )
    assert (
        validate(FormValues(**base, channel="C0ABC"), uid="u", now=NOW, newsroom_tz=UTC_ZONE).value.channel_id
        == "C0ABC"
    )


def test_an_event_may_last_at_most_62_days():
    assert "at most 62 days" in check(end_date="2024-06-04", end_time="10:00").errors["end_date"]
    assert check(end_date="2024-06-02", end_time="10:00").value is not None
