"""The bench's latency curve: the points it draws come from the run's rows."""

from __future__ import annotations

from bench.plot import draw, series


def row(database: str, events: int, bot: float, raw: float, bolt: float) -> dict:
    return {
        "database": database,
        "events": events,
        "sequential": {"p50_ms": bot},
        "floors_sequential": {"raw": {"p50_ms": raw}, "bolt": {"p50_ms": bolt}},
    }


RESULTS = {
    "latency": [
        row("sqlite", 100_000, 3.1, 1.2, 12.0),
        row("sqlite", 0, 2.0, 1.3, 12.1),
        row("postgresql", 0, 2.4, 1.1, 11.9),
        row("postgresql", 100_000, 4.0, 1.25, 12.2),
    ]
}


def test_one_line_per_database_and_each_floor_at_its_best_run():
    bot, floors = series(RESULTS)
    assert bot == {"sqlite": [(0, 2.0), (100_000, 3.1)], "postgresql": [(0, 2.4), (100_000, 4.0)]}
    assert floors["raw"] == [(0, 1.1), (100_000, 1.2)]
    assert floors["bolt"] == [(0, 11.9), (100_000, 12.0)]


def test_the_curve_is_written_as_a_png(tmp_path):
    image = draw(RESULTS, tmp_path / "docs" / "performance.png")
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
