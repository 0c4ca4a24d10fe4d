"""python -m bench [--quick] [--postgres URL] [--json PATH] [--only SECTION ...] [--sizes N ...]

Starts real processes on loopback, measures, prints a table and writes the same numbers as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.data import TEAM, generate
from bench.explain import plans
from bench.feed import feed
from bench.goals import goals
from bench.latency import PAGE, SHARE, Replies, clicks, concurrent, sequential, summary
from bench.plot import draw
from bench.processes import ROOT, Process, start_bot, start_floor
from bench.profile import calendar_import, trip_requests
from bench.reminders import burst, timeliness
from blocks.listing import MORE_ACTION, SHARE_ACTION
from storage.db import make_engine
from storage.migrate import upgrade
from tripdesk.local_slack import LocalSlack

SECTIONS = ("latency", "feed", "reminders", "import")
# The raw floor (signature and a fixed reply), Bolt's no-op with its defaults, and with
# process_before_response=True: bench/floor_app.py.
FLOORS = ("raw", "bolt", "bolt-pbr")
# Issue 15: a year of a wire service's daybook, in seconds and without a large machine.
IMPORT_EVENTS = 100_000
IMPORT_TARGET = {"events": IMPORT_EVENTS, "seconds": 20, "peak_rss_mb": 250}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="a smoke run of under a minute (SQLite, small sizes)")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("TEST_POSTGRES_URL"),
        help="admin URL of a PostgreSQL server to benchmark on too",
    )
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    parser.add_argument(
        "--only",
        action="append",
        choices=SECTIONS,
        help="run only this section (may be given more than once); all of them by default",
    )
    parser.add_argument("--requests", type=int, help="sequential rounds per latency row (default 400; 40 with --quick)")
    parser.add_argument(
        "--sizes", type=int, nargs="+", help="schedule sizes for the latency section (default 0 10000 100000)"
    )
    args = parser.parse_args()
    quick = args.quick
    only = set(args.only or SECTIONS)
    work = Path(tempfile.mkdtemp(prefix="tripdesk-bench-"))
    databases = {"sqlite": None} if quick or not args.postgres else {"sqlite": None, "postgresql": args.postgres}
    results: dict = {
        "machine": _machine(),
        "quick": quick,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "latency": [],
        "burst": [],
        "timeliness": [],
        "import": [],
        "feed": [],
    }

    if "import" in only:
        # On PostgreSQL too whenever a server is given, --quick or not: the import's costs differ most there.
        both = {"sqlite": None, **({"postgresql": args.postgres} if args.postgres else {})}
        results["import"] = _imports(work, both, 10_000 if quick else IMPORT_EVENTS)
    if only <= {"import"}:
        return _finish(results, args.json)
    slack = LocalSlack(team_id=TEAM).start()
    if "latency" in only:
        floors = {kind: start_floor(api_url=slack.base_url, log_dir=work, kind=kind) for kind in FLOORS}
        replies = Replies(slack)
        for kind, admin_url in databases.items():
            for size in args.sizes or ((0, 1_000) if quick else (0, 10_000, 100_000)):
                row = _latency(kind, admin_url, size, work, slack, floors, replies, quick, args.requests)
                results["latency"].append(row)
                print(f"latency {kind} {size}: { {k: v for k, v in row.items() if k != 'explain'} }", file=sys.stderr)
        for floor in floors.values():
            floor.stop()
    if "feed" in only:
        for kind, admin_url in databases.items():
            url, engine, drop = _fresh_database(kind, admin_url, work)
            results["feed"].append(
                {
                    "database": kind,
                    **feed(engine, url, events=1_000 if quick else 10_000, api_url=slack.base_url, log_dir=work),
                }
            )
            engine.dispose()
            drop()
            print(f"feed: {results['feed'][-1]}", file=sys.stderr)
    slack.stop()

    for kind, admin_url in databases.items() if "reminders" in only else ():
        for bots in (1,) if kind == "sqlite" else (1, 2):
            url, engine, drop = _fresh_database(kind, admin_url, work)
            results["burst"].append(
                {
                    "database": kind,
                    **burst(
                        engine, url, bots=bots, count=50 if quick else 1000, channels=10 if quick else 50, log_dir=work
                    ),
                }
            )
            engine.dispose()
            drop()
            print(f"burst: {results['burst'][-1]}", file=sys.stderr)
        url, engine, drop = _fresh_database(kind, admin_url, work)
        results["timeliness"].append(
            {
                "database": kind,
                **timeliness(
                    engine,
                    url,
                    background=1_000 if quick else 10_000,
                    sample=20 if quick else 200,
                    spread=10 if quick else 60,
                    log_dir=work,
                ),
            }
        )
        engine.dispose()
        drop()
        print(f"timeliness: {results['timeliness'][-1]}", file=sys.stderr)

    return _finish(results, args.json)


def _finish(results: dict, path: Path) -> int:
    _print(results)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2))
    print(f"\nJSON: {path}")
    if results["latency"]:
        # A quick run's numbers are not the machine's: they do not replace the documented curve.
        image = path.with_suffix(".png") if results["quick"] else ROOT / "docs" / "performance.png"
        print(f"Curve: {draw(results, image)}")
    return 0


def _latency(
    kind: str,
    admin_url: str | None,
    size: int,
    work: Path,
    slack: LocalSlack,
    floors: dict[str, Process],
    replies: Replies,
    quick: bool,
    requests: int | None,
) -> dict:
    """One row: TripDesk on a fresh database of `size` events, against every floor."""
    url, engine, drop = _fresh_database(kind, admin_url, work)
    generate(engine, events=size)
    bot = start_bot(database_url=url, api_url=slack.base_url, log_dir=work)
    try:
        servers = {"tripdesk": bot.base, **{name: floor.base for name, floor in floors.items()}}
        rounds = requests or (40 if quick else 400)
        sequential_times = sequential(servers, rounds)
        clicks_each = max(10, rounds // 4)
        page, page_floor = clicks(bot.base, floors["raw"].base, replies, MORE_ACTION, PAGE, clicks_each)
        share, share_floor = clicks(bot.base, floors["raw"].base, replies, SHARE_ACTION, SHARE, clicks_each)
        concurrent_times = {
            name: concurrent(base, 20, 5 if quick else 25) for name, base in servers.items() if name != "bolt-pbr"
        }
        seq = {name: summary(times) for name, times in sequential_times.items()}
        row = {
            "database": kind,
            "events": size,
            "startup_s": round(bot.startup_seconds, 2),
            "sequential": seq["tripdesk"],
            "floors_sequential": {name: seq[name] for name in floors},
            "p50_ratio": {name: round(seq["tripdesk"]["p50_ms"] / seq[name]["p50_ms"], 2) for name in floors},
            # Show more and Share, from the click until the reply is posted to the response_url,
            # each alternating with the raw floor.
            "page": summary(page),
            "page_floor": summary(page_floor),
            "share": summary(share),
            "share_floor": summary(share_floor),
            "concurrent_20": summary(concurrent_times.pop("tripdesk")),
            "floors_concurrent_20": {name: summary(times) for name, times in concurrent_times.items()},
            "peak_rss_mb": round(bot.peak_rss_mb(), 1),
            "explain": plans(engine),
            # After the timed part, so that it cannot disturb it.
            "profile": trip_requests(url, api_url=slack.base_url, repeat=3 if quick else 10),
        }
    finally:
        bot.stop()
        engine.dispose()
        drop()
    return row


def _machine() -> dict:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
    }


def _fresh_database(kind: str, admin_url: str | None, work: Path):
    if kind == "sqlite":
        path = work / f"bench-{uuid.uuid4().hex[:8]}.db"
        url = f"sqlite:///{path}"
        drop = lambda: None  # noqa: E731  (the folder is temporary)
    else:
        assert admin_url is not None, "a PostgreSQL run is given its server's URL"
        name = f"tripdesk_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)

        def drop() -> None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

    engine = make_engine(url)
    upgrade(engine)
    return url, engine, drop


def _imports(work: Path, databases: dict, count: int) -> list[dict]:
    """`bot.py import` of one generated .ics of `count` events into a new database of each kind."""
    path = _calendar(work, count)
    rows = []
    for kind, admin_url in databases.items():
        url, engine, drop = _fresh_database(kind, admin_url, work)
        engine.dispose()
        try:
            rows.append({"database": kind, **_import(path, url, count, work)})
            # A tenth of the file again, in process and profiled, into a fresh database.
            rows[-1]["profile"] = _profiled_import(kind, admin_url, work, count // 10)
        finally:
            drop()
        print(f"import {kind}: {rows[-1]}", file=sys.stderr)
    return rows


def _profiled_import(kind: str, admin_url: str | None, work: Path, count: int) -> dict:
    url, engine, drop = _fresh_database(kind, admin_url, work)
    engine.dispose()
    try:
        return calendar_import(url, data=_calendar(work, count).read_bytes())
    finally:
        drop()


def _calendar(work: Path, count: int) -> Path:
    """A daybook of `count` events, about 370 bytes each (33 MB at 100,000), as wire services write them."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//TripDesk bench//EN"]
    for n in range(count):
        lines += [
            "BEGIN:VEVENT",
            f"UID:bench-ics-{n}@tripdesk",
            "DTSTAMP:20240101T000000Z",
            f"SUMMARY:Meeting {n} on Ukraine",
            f"DTSTART;TZID=Europe/Paris:2027{1 + n % 12:02d}{1 + n % 28:02d}T{8 + n % 10:02d}0000",
            "DURATION:PT1H",
            "LOCATION:Foreign ministry\\, Paris\\, France",
            "STATUS:CONFIRMED",
            "CATEGORIES:Bilateral meeting",
            "ATTENDEE;CN=Antony Blinken:mailto:a@example.org",
            "ATTENDEE;CN=Stéphane Séjourné:mailto:s@example.org",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    path = work / f"bench-{count}.ics"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def _import(path: Path, url: str, count: int, work: Path) -> dict:
    """Time `bot.py import` of `path` into the database at `url`: wall clock, CPU (the machine
    may be shared: the CPU time is what the import itself cost) and peak memory."""
    env = {"PATH": os.environ["PATH"], "HOME": str(work), "DATABASE_URL": url}
    with tempfile.TemporaryFile("w+") as output:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "bot.py"), "import", str(path), "--team", TEAM],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        # This child's own use (RUSAGE_CHILDREN would be the largest of all children so far).
        _pid, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        said = output.read().strip()
    return {
        "events": count,
        "bytes": path.stat().st_size,
        "seconds": round(elapsed, 2),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "target": IMPORT_TARGET,
        "exit_status": process.returncode,
        "output": said[:200],
    }


def _spread(late: dict) -> str:
    return f"p50 {late.get('p50_ms')} ms p99 {late.get('p99_ms')} ms max {late.get('max_ms')} ms"


def _print_profile(title: str, profile: dict) -> None:
    shares = ", ".join(f"{place} {share}%" for place, share in list(profile["shares"].items())[:8])
    per = f"{profile['ms']} ms per {profile['unit']} profiled ({profile['cpu_ms']} ms CPU)"
    print(f"\nWhere the time goes, {title}: {per}; {shares}")
    for function in profile["top"]:
        print(f"  {function['own_ms']:>9} ms  {function['function']}")


def _print(results: dict) -> None:
    print(f"\nMachine: {results['machine']}")
    print(
        "\nCommand latency (ms, client side, one run alternating between servers; floors on the same server stack:"
        " raw = signature + fixed reply, bolt = no-op Bolt, pbr = no-op Bolt with process_before_response)"
    )
    print(
        f"{'db':<11}{'events':>8} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>6} {'raw':>6} {'×raw':>5} {'bolt':>6}"
        f" {'×bolt':>5} {'pbr':>6} {'×pbr':>5} {'20c p99':>8} {'raw 20c':>8} {'page':>6} {'share':>6}"
        f" {'start s':>7} {'RSS MB':>7}"
    )
    for row in results["latency"]:
        s, f, c, r = row["sequential"], row["floors_sequential"], row["concurrent_20"], row["p50_ratio"]
        print(
            f"{row['database']:<11}{row['events']:>8} {s['p50_ms']:>6} {s['p95_ms']:>6} {s['p99_ms']:>6}"
            f" {s['max_ms']:>6} {f['raw']['p50_ms']:>6} {r['raw']:>5} {f['bolt']['p50_ms']:>6} {r['bolt']:>5}"
            f" {f['bolt-pbr']['p50_ms']:>6} {r['bolt-pbr']:>5} {c['p99_ms']:>8}"
            f" {row['floors_concurrent_20']['raw']['p99_ms']:>8} {row['page']['p50_ms']:>6}"
            f" {row['share']['p50_ms']:>6} {row['startup_s']:>7} {row['peak_rss_mb']:>7}"
        )
    for row in results["latency"]:
        print(f"\nQuery plans, {row['database']}, {row['events']} events")
        for name, statements in row["explain"].items():
            for n, explained in enumerate(statements, 1):
                print(f"  {name} [{n}] {explained['statement'][:160]}")
                for line in explained["plan"]:
                    print(f"      {line}")
    for row in results["latency"] + results["import"]:
        if "profile" in row:
            _print_profile(
                f"{row['database']}, {row['events']:,} events{' imported' if 'seconds' in row else ''}", row["profile"]
            )
    print("\nReminder burst (fake Slack: 1 message/s/channel, 429 + Retry-After beyond)")
    for row in results["burst"]:
        late = row["lateness"]
        print(
            f"{row['database']:<11} bots={row['bots']} {row['reminders']} in {row['channels']} channels:"
            f" last after {row['last_delivered_s']} s (floor {row['floor_s']} s, ratio {row['ratio']}),"
            f" lateness {_spread(late)}, duplicates {row['duplicates']}, losses {row['losses']},"
            f" 429s {row['rate_limited_429']}"
        )
    print("\nTimeliness")
    for row in results["timeliness"]:
        late = row["lateness"]
        print(
            f"{row['database']:<11} {row['sample']} due within {row['spread_s']} s among {row['pending']} pending:"
            f" delivered {row['delivered']}, lateness {_spread(late)}"
        )
    print("\nCalendar feed (ms; first request right after start waits for the start-up render)")
    for row in results["feed"]:
        print(
            f"{row['database']:<11} {row['events']} events, {row['bytes']} bytes ({row['gzip_bytes']} gzipped):"
            f" render {row['render_ms']} (CPU {row['render_cpu_ms']}), first request {row['first_request_ms']},"
            f" cached p50 {row['cached_p50_ms']}, 304 p50 {row['not_modified_p50_ms']},"
            f" after one change {row['after_one_change_ms']}"
        )
    print("\nImport (bot.py import of one .ics; the machine may be shared: CPU is the import's own time)")
    for row in results["import"]:
        target = row["target"]
        print(
            f"{row['database']:<11} {row['events']:,} events ({row['bytes'] / 2**20:.0f} MB): {row['seconds']} s"
            f" (CPU {row['cpu_seconds']} s; target < {target['seconds']} s), peak RSS {row['peak_rss_mb']} MB"
            f" (target < {target['peak_rss_mb']} MB) - {row['output'][:80]}"
        )

    print("\nGoals (issue 15)")
    for goal in goals(results):
        print(f"  {'met ' if goal.met else 'MISS'}  {goal.name}: {goal.measured} (target {goal.target})")
        if not goal.met and goal.where:
            print(f"          where the time goes: {goal.where}")
    if not all(goal.met for goal in goals(results)):
        print("  What would close each miss: docs/performance.md, the part after the goals table.")


if __name__ == "__main__":
    sys.exit(main())
