"""A bench run as the Markdown tables of docs/performance.md.

python -m bench.report [RESULTS.json]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench.goals import goals

ROOT = Path(__file__).resolve().parent.parent


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def latency_table(results: dict) -> list[str]:
    lines = [
        _row(
            "Database",
            "Events",
            "p50",
            "p99",
            "raw floor p50",
            "Bolt no-op p50",
            "× raw",
            "× Bolt",
            "20 clients p99",
            "Show more p50",
            "Share p50",
            "Start-up",
            "RSS",
        ),
        _row(*(["---"] * 2 + ["---:"] * 11)),
    ]
    for row in results["latency"]:
        s, f, r = row["sequential"], row["floors_sequential"], row["p50_ratio"]
        lines.append(
            _row(
                row["database"],
                f"{row['events']:,}",
                f"{s['p50_ms']} ms",
                f"{s['p99_ms']} ms",
                f"{f['raw']['p50_ms']} ms",
                f"{f['bolt']['p50_ms']} ms",
                r["raw"],
                r["bolt"],
                f"{row['concurrent_20']['p99_ms']} ms",
                f"{row['page']['p50_ms']} ms",
                f"{row['share']['p50_ms']} ms",
                f"{row['startup_s']} s",
                f"{row['peak_rss_mb']} MB",
            )
        )
    return lines


def growth(results: dict) -> list[str]:
    """How the cost grows from 10,000 to 100,000 events, in words."""
    said = []
    for database in sorted({row["database"] for row in results["latency"]}):
        by_size = {
            row["events"]: row["sequential"]["p50_ms"] for row in results["latency"] if row["database"] == database
        }
        if 10_000 in by_size and 100_000 in by_size:
            small, large = by_size[10_000], by_size[100_000]
            said.append(
                f"- {database}: p50 {small} ms at 10,000 events, {large} ms at 100,000 — ten times the events cost"
                f" {large / small:.1f}× the time."
            )
    return said


def goals_table(results: dict) -> list[str]:
    lines = [_row("Goal", "Target", "Measured", "Met"), _row("---", "---", "---", "---")]
    for goal in goals(results):
        lines.append(_row(goal.name, goal.target, goal.measured, "yes" if goal.met else "**no**"))
    return lines


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else ROOT / "bench" / "results" / "latest.json"
    results = json.loads(path.read_text())
    sections = [goals_table(results)]
    if results.get("latency"):
        sections += [latency_table(results), growth(results)]
    print("\n\n".join("\n".join(lines) for lines in sections if lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
