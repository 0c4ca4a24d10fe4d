"""Where the time goes: a cProfile of the work a goal measures, summed by where the code lives.

A goal the bench reports as missed comes with this profile, so that its output says what the
time is spent on (SQLAlchemy, Bolt, our own storage layer …), not only how much there is.
The work runs in the bench's own process, on the same database the timed servers used.
"""

from __future__ import annotations

import cProfile
import pstats
import sysconfig
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from slack_bolt.request import BoltRequest

from bench.data import TEAM
from bench.latency import QUERIES, signed
from bench.processes import ROOT, SECRET
from domain.zones import zone
from handlers.context import AppContext
from infra.config import Settings
from services.importing import import_calendar
from storage.db import make_engine
from tripdesk.slack_app import create_app

TOP_FUNCTIONS = 8
_STDLIB = Path(sysconfig.get_paths()["stdlib"]).resolve()


def profiled(work: Callable[[], object], *, repeat: int, units: int = 1) -> dict:
    """Run `work` `repeat` times under cProfile: time and CPU per unit (`units` in one run of
    `work`), the shares of that time by package or layer and the functions with the most time of
    their own."""
    # cProfile's clock is the wall clock: waiting for the database counts, as it does for the user.
    profiler = cProfile.Profile()
    started, wall = time.process_time(), time.perf_counter()
    profiler.enable()
    for _ in range(repeat):
        work()
    profiler.disable()
    cpu, wall = time.process_time() - started, time.perf_counter() - wall
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]  # the raw table pstats keeps
    own: dict[str, float] = {}
    functions: list[tuple[float, str]] = []
    for (file, line, name), (_calls, _primitive, own_time, _cumulative, _callers) in stats.items():
        place = where(file)
        own[place] = own.get(place, 0.0) + own_time
        functions.append((own_time, f"{place}: {Path(file).name}:{line} {name}" if line else f"{place}: {name}"))
    total = sum(own.values()) or 1.0
    per_unit = 1000 / (repeat * units)
    return {
        "units": repeat * units,
        "ms": round(wall * per_unit, 2),
        "cpu_ms": round(cpu * per_unit, 2),
        "shares": {
            place: round(100 * seconds / total, 1) for place, seconds in sorted(own.items(), key=lambda i: -i[1])
        },
        "top": [
            {"function": label, "own_ms": round(seconds * per_unit, 3)}
            for seconds, label in sorted(functions, reverse=True)[:TOP_FUNCTIONS]
        ],
    }


def where(file: str) -> str:
    """A package from site-packages, a layer of ours (storage, handlers …), the standard
    library, or the interpreter's built-ins."""
    if file.startswith(("~", "<")):
        return "built-ins"
    path = Path(file).resolve()
    parts = path.parts
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1].removesuffix(".py")
    if path.is_relative_to(ROOT):
        return path.relative_to(ROOT).parts[0].removesuffix(".py")
    if path.is_relative_to(_STDLIB):
        return "stdlib"
    return "other"


def trip_requests(database_url: str, *, api_url: str, repeat: int) -> dict:
    """One round of the latency mix (every query of bench/latency.py), dispatched to the Bolt
    app as the server does it, signature check included; CPU is per request."""
    settings = Settings(
        database_url=database_url,
        port=0,
        newsroom_tz=zone("Europe/Paris"),
        slack_bot_token="xoxb-bench",
        slack_signing_secret=SECRET,
        slack_api_url=api_url,
        default_channel="C0BENCH",
    )
    engine = make_engine(database_url)
    app = create_app(AppContext(settings=settings, engine=engine))

    def round_of_queries() -> None:
        for query in QUERIES:
            body, signature = signed(query)
            headers: dict[str, str | Sequence[str]] = {**signature}
            response = app.dispatch(BoltRequest(body=body.decode(), headers=headers))
            assert response.status == 200, (query, response.status, response.body)

    try:
        round_of_queries()  # warm: statements cached, first-use imports done
        profile = profiled(round_of_queries, repeat=repeat, units=len(QUERIES))
    finally:
        engine.dispose()
    profile["unit"] = "request"
    return profile


def calendar_import(database_url: str, *, data: bytes) -> dict:
    """One import of `data` in process, as `bot.py import` runs it."""
    engine = make_engine(database_url)
    try:
        profile = profiled(
            lambda: import_calendar(
                engine,
                team_id=TEAM,
                data=data,
                fallback_tz="UTC",
                actor="bench",
                now=datetime.now(UTC),
                source="bench.ics",
            ),
            repeat=1,
        )
    finally:
        engine.dispose()
    profile["unit"] = "import"
    return profile
