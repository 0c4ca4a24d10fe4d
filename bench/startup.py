"""python -m bench.startup [--runs N] [--events N] [--postgres URL]

Start-up alone: `python bot.py` started N times against one migrated database (a restart, as in
production) and the local Slack, each timed from the process's start until /healthz answers,
with the CPU time the process had used by then (steadier than the wall clock on a busy
machine). The bench's latency rows time one start each; this gives a median.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

from bench.data import TEAM, generate
from bench.processes import start_bot
from tripdesk.local_slack import LocalSlack


def startup(url: str, *, runs: int, api_url: str, log_dir: Path) -> dict:
    seconds, cpu = [], []
    for _ in range(runs):
        bot = start_bot(database_url=url, api_url=api_url, log_dir=log_dir)
        cpu.append(bot.cpu_seconds())
        bot.stop()
        seconds.append(bot.startup_seconds)
    return {
        "runs": [round(s, 3) for s in seconds],
        "median_s": round(statistics.median(seconds), 3),
        "min_s": round(min(seconds), 3),
        "cpu_median_s": round(statistics.median(cpu), 3),
        "load_average": round(os.getloadavg()[0], 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.startup")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--events", type=int, default=0, help="events in the database (default none)")
    parser.add_argument("--postgres", help="admin URL of a PostgreSQL server to run on instead of SQLite")
    args = parser.parse_args()
    from bench.__main__ import _fresh_database

    work = Path(tempfile.mkdtemp(prefix="tripdesk-startup-"))
    kind = "postgresql" if args.postgres else "sqlite"
    url, engine, drop = _fresh_database(kind, args.postgres, work)
    slack = LocalSlack(team_id=TEAM).start()
    try:
        generate(engine, events=args.events)
        timings = startup(url, runs=args.runs, api_url=slack.base_url, log_dir=work)
        print({"database": kind, "events": args.events, **timings})
    finally:
        slack.stop()
        engine.dispose()
        drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
