"""Drafts from wire copy: the seed story read as the desk reads it, and the date patterns."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from domain.stories.dates import dateline_date, find_clock, find_dates
from domain.stories.extract import extract
from domain.vocabulary import Precision, Status

SEED = Path(__file__).resolve().parents[2] / "bench" / "data" / "stories" / "01-blinken-paris.txt"


@pytest.fixture(scope="module")
def seed():
    return [d.as_json() for d in extract(SEED.read_text(), published=date(2024, 4, 2), today=date(2026, 1, 1)).drafts]


def with_person(drafts, surname):
    return [d for d in drafts if any(surname in p for p in d["participants"])]


def test_the_paris_stops_are_on_tuesday_2_april(seed):
    paris = [d for d in seed if d["city"] == "Paris"]
    assert {d["start"] for d in paris} == {"2024-04-02"}
    assert all(d["timezone"] == "Europe/Paris" and d["precision"] == "day" for d in paris)
    for surname in ("Macron", "Sejourne", "Lecornu", "Azoulay"):
        assert with_person(paris, surname), f"no Paris draft with {surname}"
    conference = [d for d in paris if d["title"].startswith("Press conference")]
    assert conference and "Stephane Sejourne" in conference[0]["participants"]
    (knds,) = with_person(paris, "Lecornu")
    assert knds["status"] == "tentative"  # "was to accompany"


def test_brussels_has_no_date_and_washington_is_july_as_a_month(seed):
    brussels = [d for d in seed if d["city"] == "Brussels"]
    assert brussels and all(d["start"] is None for d in brussels)
    assert with_person(brussels, "Pashinyan")
    (washington,) = [d for d in seed if d["city"] == "Washington"]
    assert (washington["start"], washington["precision"]) == ("2024-07", "month")
    assert washington["timezone"] == "America/New_York"


def test_history_is_not_drafted_and_past_stops_are_records_at_most(seed):
    assert not [d for d in seed if (d["start"] or "").startswith(("2024-02", "2022"))]
    for draft in seed:
        if draft["city"] in ("Cairo", "Beijing") or draft["country"] == "China":
            assert draft["happened"] is True


@pytest.mark.parametrize(
    ("sentence", "future", "expected"),
    [
        ("He will meet Macron on Tuesday.", True, ("2024-04-02", None)),  # the reference day itself
        ("He met Macron on Monday.", False, ("2024-04-01", None)),
        ("He will travel to Kyiv on Monday.", True, ("2024-04-08", None)),
        ("Talks in Geneva on April 14-15.", True, ("2024-04-14", "2024-04-15")),
        ("A tour from June 30 to July 2.", True, ("2024-06-30", "2024-07-02")),
        ("The summit opens from Sunday to Tuesday.", True, ("2024-04-07", "2024-04-09")),
        ("The summit in Washington in July.", True, ("2024-07", None)),
        ("They meet again next month.", True, ("2024-05", None)),
        ("Leaders gather later this week.", True, ("2024-04-03", "2024-04-07")),
    ],
)
def test_dates_resolve_the_way_wire_copy_means_them(sentence, future, expected):
    (found,) = find_dates(sentence, date(2024, 4, 2), future=future)
    assert (found.start.text(), found.end.text() if found.end else None) == expected


def test_a_month_stays_a_month_and_history_is_marked():
    (july,) = find_dates("in July", date(2024, 4, 2), future=True)
    assert july.start.precision is Precision.MONTH and not july.historical
    (old,) = find_dates("Macron paid a state visit to Washington in December 2022.", date(2024, 4, 2), future=False)
    assert old.historical


def test_times_keep_the_venue_clock_and_read_gmt_as_gmt():
    local = find_clock("at 7:30 pm (1730 GMT)")
    assert (local.hour, local.minute, local.utc) == (19, 30, False)
    gmt = find_clock("scheduled for 0900 GMT")
    assert (gmt.hour, gmt.minute, gmt.utc) == (9, 0, True)


def test_an_exact_gmt_time_lands_at_the_venue_with_its_offset():
    story = "GENEVA (Reuters) - The talks will open in Geneva on Thursday at 0900 GMT, officials said."
    (draft,) = extract(story, published=date(2025, 5, 12), today=date(2025, 5, 12)).drafts
    assert draft.as_json()["start"] == "2025-05-15T11:00"  # CEST
    assert draft.status is Status.CONFIRMED


def test_datelines_give_the_reference_date():
    assert dateline_date("BRUSSELS, April 6 (Reuters) - NATO…", date(2025, 1, 1)) == date(2025, 4, 6)
    assert dateline_date("Media Note\n\nJune 1, 2027\n\nThe Secretary…", date(2026, 1, 1)) == date(2027, 6, 1)
    assert dateline_date("TOKYO (AP) — The minister…", date(2025, 1, 1)) is None
