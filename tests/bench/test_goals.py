"""The bench's verdict on issue 15's targets follows the figures of the run."""

from __future__ import annotations

from bench.goals import goals


def latency(database: str, events: int, *, p50: float, raw: float, p99: float = 10, c99: float = 50) -> dict:
    return {
        "database": database,
        "events": events,
        "sequential": {"p50_ms": p50, "p99_ms": p99},
        "p50_ratio": {"raw": round(p50 / raw, 2), "bolt": 0.3},
        "concurrent_20": {"p99_ms": c99},
        "startup_s": 0.8,
        "peak_rss_mb": 120.0,
    }


def verdicts(results: dict) -> dict[str, bool]:
    return {goal.name: goal.met for goal in goals(results)}


def test_latency_is_judged_against_the_raw_floor_of_its_own_run():
    results = {"latency": [latency("sqlite", 0, p50=2.0, raw=1.0), latency("sqlite", 100_000, p50=3.5, raw=1.0)]}
    found = verdicts(results)
    assert found["/trip p50 at 0 events, sqlite"] is True
    assert found["/trip p50 at 100,000 events, sqlite"] is False  # 3.5× against ≤ 3×
    assert found["/trip p99 at 100,000 events, sqlite"] is True


def test_a_burst_with_a_loss_misses_whatever_its_speed():
    burst = {
        "database": "postgresql",
        "bots": 2,
        "reminders": 1000,
        "channels": 50,
        "ratio": 1.02,
        "last_delivered_s": 19.4,
        "losses": 1,
        "duplicates": 0,
        "rate_limited_429": 0,
    }
    (goal,) = goals({"burst": [burst]})
    assert not goal.met and "1 lost" in goal.measured
    assert goals({"burst": [{**burst, "losses": 0}]})[0].met


def test_a_missed_goal_says_where_its_time_goes_from_the_profile_of_its_row():
    row = latency("sqlite", 100_000, p50=9.0, raw=1.0)
    row["profile"] = {
        "ms": 9.25,
        "cpu_ms": 7.5,
        "unit": "request",
        "shares": {"sqlalchemy": 41.0, "built-ins": 20.0, "slack_bolt": 9.0, "blocks": 8.0, "domain": 2.0},
    }
    missed = next(goal for goal in goals({"latency": [row]}) if goal.name == "/trip p50 at 100,000 events, sqlite")
    assert not missed.met
    assert (
        missed.where
        == "9.25 ms per request profiled (7.5 ms CPU): sqlalchemy 41.0%, built-ins 20.0%, slack_bolt 9.0%, blocks 8.0%"
    )
