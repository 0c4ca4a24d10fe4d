"""`python bot.py draft`: a story in, drafts out, as a newcomer runs it from a terminal."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from domain.timetext import day_text
from tests.support.samples import ROOT
from tests.test_bot_cli import assert_one_line_refusal, run

SEED = ROOT / "bench" / "data" / "stories" / "01-blinken-paris.txt"
SHARED_SEED = ROOT.parent.parent / "shared" / "samples" / "seed-story-blinken-paris.txt"


@pytest.fixture(scope="module")
def seed_json(tmp_path_factory) -> list[dict]:
    result = run("draft", str(SEED), "--published", "2024-04-02", "--json", cwd=tmp_path_factory.mktemp("draft"))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_json_has_exactly_the_documented_keys(seed_json):
    assert seed_json
    for draft in seed_json:
        assert list(draft) == [
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
        ]


def test_the_seed_story_gives_the_paris_brussels_and_washington_stops(seed_json):
    paris = [d for d in seed_json if d["city"] == "Paris" and d["start"] == "2024-04-02"]
    assert any("Emmanuel Macron" in d["participants"] for d in paris)
    assert any(d["city"] == "Brussels" for d in seed_json)
    washington = [d for d in seed_json if d["city"] == "Washington"]
    assert any(d["precision"] == "month" and d["start"] == "2024-07" for d in washington)
    assert all(d["timezone"] == "Europe/Paris" for d in paris)


def test_history_in_the_story_is_not_drafted(seed_json):
    """France's February summit and Macron's December 2022 state visit are background."""
    starts = [d["start"] or "" for d in seed_json]
    assert not [s for s in starts if s.startswith(("2024-02", "2022-12"))]
    assert not any("December 2022" in d["evidence"] for d in seed_json)


def test_accents_stay_readable_in_json(tmp_path):
    story = "Antony Blinken will meet French Foreign Minister Stéphane Séjourné in Paris on Tuesday."
    result = run("draft", "-", "--json", cwd=tmp_path, stdin=story)
    assert result.returncode == 0, result.stderr
    assert "Séjourné" in result.stdout and "\\u00e9" not in result.stdout
    assert any("Stéphane Séjourné" in d["participants"] for d in json.loads(result.stdout))


def test_the_reference_date_is_the_datelines_else_today_on_the_newsrooms_clock(tmp_path):
    dated = run("draft", "-", cwd=tmp_path, stdin="PARIS, April 1, 2024 (Reuters) - Blinken will meet Macron.")
    assert dated.returncode == 0, dated.stderr
    assert dated.stdout.splitlines()[0].endswith("dates read against Mon 1 Apr 2024")
    # Kiritimati is 14 hours ahead of UTC: for most of the day, its date is not UTC's.
    env = {"TRIPDESK_TZ": "Pacific/Kiritimati"}
    before = datetime.now(ZoneInfo("Pacific/Kiritimati")).date()
    undated = run("draft", "-", cwd=tmp_path, env=env, stdin="Blinken will meet Macron in Paris.")
    after = datetime.now(ZoneInfo("Pacific/Kiritimati")).date()
    assert undated.returncode == 0, undated.stderr
    assert undated.stdout.splitlines()[0].endswith(tuple(f"dates read against {day_text(d)}" for d in (before, after)))


def test_the_readable_list(tmp_path):
    result = run("draft", str(SEED), "--published", "2024-04-02", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "dates read against Tue 2 Apr 2024" in out.splitlines()[0]
    assert "Blinken meets Macron" in out
    assert "When:   Tue 2 Apr, time TBC" in out
    assert "July 2024, date TBC" in out
    assert "Where:  Paris, France" in out


def test_the_shared_seed_is_the_benchmark_copy():
    if not SHARED_SEED.exists():
        pytest.skip("no shared samples directory beside the checkout")
    assert SHARED_SEED.read_bytes() == SEED.read_bytes()


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("draft", "missing.txt"), "no such file: missing.txt"),
        (("draft", "story.txt", "--published", "2024-02-30"), "'2024-02-30' is not a date (YYYY-MM-DD)"),
        (("draft", "story.txt", "--published", "yesterday"), "is not a date"),
        (("draft", "empty.txt"), "empty.txt is empty"),
        (("draft", "latin1.txt"), "latin1.txt is not UTF-8 text"),
        (("draft", "."), ". is a directory"),
        (("draft",), "the following arguments are required: story"),
    ],
)
def test_bad_input_is_one_line_and_status_2(tmp_path: Path, args, fragment):
    (tmp_path / "story.txt").write_text("PARIS, April 1 - Blinken will meet Macron in Paris on Tuesday.")
    (tmp_path / "empty.txt").write_text("  \n")
    (tmp_path / "latin1.txt").write_bytes("Séjourné".encode("latin-1"))
    assert_one_line_refusal(run(*args, cwd=tmp_path), fragment)
