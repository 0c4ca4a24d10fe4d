"""Issue 15's targets, checked against one bench run: each goal with its target, the figure
measured and whether it is met. Printed at the end of `python -m bench` and by
`python -m bench.report`, so that a run says plainly what it shows."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Goal:
    name: str
    target: str
    measured: str
    met: bool
    # Where the time goes, from the bench's profile of the same work, when it has one.
    where: str = ""


def _where(row: dict) -> str:
    profile = row.get("profile")
    if not profile:
        return ""
    shares = ", ".join(f"{place} {share}%" for place, share in list(profile["shares"].items())[:4])
    return f"{profile['ms']} ms per {profile['unit']} profiled ({profile['cpu_ms']} ms CPU): {shares}"


def _at(results: dict, database: str, events: int) -> dict | None:
    for row in results.get("latency", []):
        if row["database"] == database and row["events"] == events:
            return row
    return None


def goals(results: dict) -> list[Goal]:
    checked: list[Goal] = []
    databases = sorted({row["database"] for row in results.get("latency", [])})
    for database in databases:
        for events, limit in ((0, 2.0), (100_000, 3.0)):
            row = _at(results, database, events)
            if row is None:
                continue
            ratio = row["p50_ratio"]["raw"]
            checked.append(
                Goal(
                    f"/trip p50 at {events:,} events, {database}",
                    f"≤ {limit:g}× raw floor",
                    f"{row['sequential']['p50_ms']} ms = {ratio}× raw ({row['p50_ratio']['bolt']}× Bolt no-op)",
                    ratio <= limit,
                    _where(row),
                )
            )
        if (big := _at(results, database, 100_000)) is not None:
            p99, c99 = big["sequential"]["p99_ms"], big["concurrent_20"]["p99_ms"]
            checked += [
                Goal(f"/trip p99 at 100,000 events, {database}", "< 20 ms", f"{p99} ms", p99 < 20, _where(big)),
                Goal(f"20 clients p99 at 100,000 events, {database}", "< 100 ms", f"{c99} ms", c99 < 100, _where(big)),
                Goal(f"start-up at 100,000 events, {database}", "< 1 s", f"{big['startup_s']} s", big["startup_s"] < 1),
                Goal(
                    f"serving RSS at 100,000 events, {database}",
                    "< 150 MB",
                    f"{big['peak_rss_mb']} MB",
                    big["peak_rss_mb"] < 150,
                ),
            ]
    for row in results.get("feed", []):
        served = max(row["cached_p50_ms"], row["after_one_change_ms"])
        checked += [
            Goal(
                f"feed of {row['events']:,} events, {row['database']}",
                "< 300 ms",
                f"cached {row['cached_p50_ms']} ms, after one change {row['after_one_change_ms']} ms",
                served < 300,
            ),
            Goal(
                f"feed 304, {row['database']}",
                "< 5 ms",
                f"{row['not_modified_p50_ms']} ms",
                row["not_modified_p50_ms"] < 5,
            ),
        ]
    for row in results.get("import", []):
        target = row["target"]
        checked.append(
            Goal(
                f"import of {row['events']:,} events, {row['database']}",
                f"< {target['seconds']} s, < {target['peak_rss_mb']} MB",
                f"{row['seconds']} s (CPU {row['cpu_seconds']} s), {row['peak_rss_mb']} MB",
                row["exit_status"] == 0
                and row["seconds"] < target["seconds"]
                and row["peak_rss_mb"] < target["peak_rss_mb"],
                _where(row),
            )
        )
    for row in results.get("burst", []):
        checked.append(
            Goal(
                f"reminder burst, {row['reminders']:,} in {row['channels']} channels, {row['database']},"
                f" {row['bots']} bot{'s' if row['bots'] > 1 else ''}",
                "≤ 1.1× rate-limit floor, 0 lost, 0 doubled",
                f"{row['ratio']}× ({row['last_delivered_s']} s), {row['losses']} lost,"
                f" {row['duplicates']} doubled, {row['rate_limited_429']} × 429",
                row["ratio"] is not None and row["ratio"] <= 1.1 and row["losses"] == 0 and row["duplicates"] == 0,
            )
        )
    return checked
