"""The latency curve of a bench run, as an image for docs/: p50 of `/trip` against the number
of events, for TripDesk on each database and for the floors it is measured against.

python -m bench.plot [RESULTS.json] [IMAGE.png]
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display on a server or in CI

import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)

ROOT = Path(__file__).resolve().parent.parent
# The floors are the same servers whatever database TripDesk uses: one line each.
FLOORS = {
    "raw": ("raw floor: signature check + fixed reply", "#555555", ":"),
    "bolt": ("Bolt no-op, default settings", "#aaaaaa", "--"),
    "bolt-pbr": ("Bolt no-op, process_before_response", "#aaaaaa", "-."),
}


def series(results: dict) -> tuple[dict[str, list[tuple[int, float]]], dict[str, list[tuple[int, float]]]]:
    """p50 by event count: TripDesk's per database, and each floor's (the lowest of its runs)."""
    bot: dict[str, list[tuple[int, float]]] = defaultdict(list)
    floors: dict[str, dict[int, float]] = defaultdict(dict)
    for row in results["latency"]:
        events = row["events"]
        bot[row["database"]].append((events, row["sequential"]["p50_ms"]))
        for key, measured in row.get("floors_sequential", {}).items():
            if key in FLOORS:
                seen = floors[key].get(events)
                floors[key][events] = min(seen, measured["p50_ms"]) if seen else measured["p50_ms"]
    return (
        {db: sorted(points) for db, points in bot.items()},
        {key: sorted(points.items()) for key, points in floors.items()},
    )


def draw(results: dict, image: Path) -> Path:
    bot, floors = series(results)
    figure, axes = plt.subplots(figsize=(7.5, 4.2), dpi=110)
    for database, points in sorted(bot.items()):
        xs, ys = zip(*points, strict=True)
        axes.plot(xs, ys, marker="o", linewidth=2, label=f"TripDesk /trip on {database}")
    for key, points in floors.items():
        label, colour, style = FLOORS[key]
        xs, ys = zip(*points, strict=True)
        axes.plot(xs, ys, color=colour, linestyle=style, linewidth=1.5, label=label)
    axes.set_xscale("symlog", linthresh=1_000)
    axes.set_xlabel("events in the schedule")
    axes.set_ylabel("p50 latency, ms (client side)")
    axes.set_ylim(bottom=0)
    axes.set_title("/trip answer time against schedule size")
    axes.grid(True, which="major", alpha=0.3)
    axes.legend(fontsize=8, loc="upper left")
    figure.tight_layout()
    image.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(image)
    plt.close(figure)
    return image


def main(argv: list[str]) -> int:
    results_path = Path(argv[0]) if argv else ROOT / "bench" / "results" / "latest.json"
    image = Path(argv[1]) if len(argv) > 1 else ROOT / "docs" / "performance.png"
    print(draw(json.loads(results_path.read_text()), image))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
