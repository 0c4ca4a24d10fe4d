"""The live calendar feed of a large schedule: rendering it in process, and serving it from the
bot's HTTP server (first request, cached requests, conditional requests, after one change).

python -m bench.feed [--events 10000] [--postgres URL]   (on its own; SQLite by default)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import Engine, update

from bench.data import TEAM, generate
from bench.processes import start_bot
from services.calendar_feed import FeedCache, feed_gzipped, feed_token, open_feed
from storage.models import Event, table_of
from tripdesk.local_slack import LocalSlack


def feed(
    engine: Engine, url: str, *, events: int, api_url: str, log_dir: Path, repeats: int = 50, changes: int = 9
) -> dict:
    """`engine` and `url` name one fresh, migrated database; `events` are generated into it."""
    generate(engine, events=events)
    token = feed_token(engine, team_id=TEAM, actor="U0BENCH", desk="bench", now=datetime.now(UTC))
    in_process = _render_in_process(engine, token)
    bot = start_bot(database_url=url, api_url=api_url, log_dir=log_dir, TRIPDESK_PUBLIC_URL="https://bench.example")
    try:
        # httpx asks for gzip, as Google's and Outlook's fetchers do.
        with httpx.Client(base_url=bot.base, timeout=60) as http:
            path = f"/calendar/{token}.ics"
            first_ms, first = _timed(http, path)
            cached = [_timed(http, path)[0] for _ in range(repeats)]
            plain = {"Accept-Encoding": "identity"}
            cached_plain = [_timed(http, path, plain)[0] for _ in range(repeats)]
            headers = {"If-None-Match": first.headers["etag"]}
            conditional = [_timed(http, path, headers)[0] for _ in range(repeats)]
            # What the server spends, without the client's gunzipping of 10 MB.
            raw = [_timed_raw(http, path) for _ in range(repeats)]
            changed_ms, etag = [], first.headers["etag"]
            for n in range(changes):
                _touch_one(engine, n)
                elapsed, changed = _timed(http, path)
                assert changed.headers["etag"] != etag, "a change must change the ETag"
                changed_ms.append(elapsed)
                etag = changed.headers["etag"]
    finally:
        bot.stop()
    return {
        "events": events,
        "bytes": len(first.content),
        "gzip_bytes": int(first.headers["content-length"]),
        **in_process,
        "first_request_ms": round(first_ms, 1),
        "cached_p50_ms": round(statistics.median(cached), 1),
        "cached_max_ms": round(max(cached), 1),
        "cached_uncompressed_p50_ms": round(statistics.median(cached_plain), 1),
        "cached_undecoded_p50_ms": round(statistics.median(raw), 1),
        "not_modified_p50_ms": round(statistics.median(conditional), 1),
        "not_modified_max_ms": round(max(conditional), 1),
        # One change, then the next request: the median of `changes` of them.
        "after_one_change_ms": round(statistics.median(changed_ms), 1),
        "after_one_change_max_ms": round(max(changed_ms), 1),
    }


def _render_in_process(engine: Engine, token: str, changes: int = 9) -> dict:
    """Loading and writing the whole feed with nothing cached, the statement that opens a feed
    (address and stamp), and a render after one change, in this process: CPU time says what
    the work costs when other work on the machine makes wall times wander."""
    started = time.perf_counter()
    state = open_feed(engine, token=token)
    stamp_ms = (time.perf_counter() - started) * 1000
    assert state is not None
    cache = FeedCache()
    started, cpu = time.perf_counter(), time.process_time()
    feed_gzipped(engine, cache, state)
    render = {
        "stamp_query_ms": round(stamp_ms, 1),
        "render_ms": round((time.perf_counter() - started) * 1000, 1),
        "render_cpu_ms": round((time.process_time() - cpu) * 1000, 1),
    }
    opened = []
    for _ in range(50):
        started = time.perf_counter()
        open_feed(engine, token=token)
        opened.append((time.perf_counter() - started) * 1000)
    wall, cpu_ms = [], []
    for n in range(changes):
        _touch_one(engine, n)
        started, cpu = time.perf_counter(), time.process_time()
        changed = open_feed(engine, token=token)
        assert changed is not None
        feed_gzipped(engine, cache, changed)
        wall.append((time.perf_counter() - started) * 1000)
        cpu_ms.append((time.process_time() - cpu) * 1000)
    return {
        **render,
        "open_p50_ms": round(statistics.median(opened), 2),
        "rerender_after_change_ms": round(statistics.median(wall), 1),
        "rerender_after_change_cpu_ms": round(statistics.median(cpu_ms), 1),
    }


def _timed(http: httpx.Client, path: str, headers: dict[str, str] | None = None) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    response = http.get(path, headers=headers)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code in (200, 304), response.status_code
    return elapsed, response


def _timed_raw(http: httpx.Client, path: str) -> float:
    """A gzipped request read to its last byte, not decompressed."""
    started = time.perf_counter()
    with http.stream("GET", path) as response:
        for _chunk in response.iter_raw():
            pass
    assert response.status_code == 200, response.status_code
    return (time.perf_counter() - started) * 1000


def _touch_one(engine: Engine, n: int = 0) -> None:
    """Change one event as an editor's change does (version and time), as another process."""
    events = table_of(Event)
    with engine.begin() as connection:
        connection.execute(
            update(events)
            .where(events.c.id == 1 + n * 37)
            .values(version=events.c.version + 1, updated_at=datetime.now(UTC), title=f"Changed for the benchmark {n}")
        )


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.feed")
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--postgres", help="admin URL of a PostgreSQL server to run on instead of SQLite")
    args = parser.parse_args()
    from bench.__main__ import _fresh_database

    work = Path(tempfile.mkdtemp(prefix="tripdesk-feed-"))
    kind = "postgresql" if args.postgres else "sqlite"
    url, engine, drop = _fresh_database(kind, args.postgres, work)
    slack = LocalSlack(team_id=TEAM).start()
    try:
        print({"database": kind, **feed(engine, url, events=args.events, api_url=slack.base_url, log_dir=work)})
    finally:
        slack.stop()
        engine.dispose()
        drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
