"""The bench's profile sums time by where the code lives and names the costliest functions."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy

from bench.processes import ROOT
from bench.profile import profiled, where
from domain.search import fold


def test_where_names_a_package_a_layer_of_ours_the_standard_library_or_built_ins():
    assert where(sqlalchemy.__file__) == "sqlalchemy"
    assert where(str(ROOT / "domain" / "search.py")) == "domain"
    assert where(json.__file__) == "stdlib"
    assert where("~") == "built-ins"
    assert where(str(Path("/nowhere/else.py"))) == "other"


def test_a_profile_divides_its_cpu_by_the_units_of_work_and_finds_where_it_went():
    def work() -> None:
        for _ in range(2_000):
            fold("Stéphane Séjourné à Bruxelles")

    profile = profiled(work, repeat=3, units=2_000)
    assert profile["units"] == 6_000
    assert 0 < profile["cpu_ms"] <= profile["ms"] * 1.5
    assert "domain" in profile["shares"]
    assert abs(sum(profile["shares"].values()) - 100) < 1
    assert any("domain: search.py" in top["function"] and "fold" in top["function"] for top in profile["top"])
