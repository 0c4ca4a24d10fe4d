"""Following from the service's side: the same follow sent twice at once, and zones."""

from __future__ import annotations

import threading

from sqlmodel import select

from services.follows import follow
from storage.db import session
from storage.models import Follow
from tests.support.schedule import TEAM


def follow_now(engine, clock, query: str, tz: str | None = "Europe/Paris"):
    return follow(
        engine,
        team_id=TEAM,
        user_id="U0ANNA",
        query=query,
        lead_minutes=60,
        tz=tz,
        fallback_tz="Europe/Paris",
        now=clock(),
        default_channel="C0FOREIGN",
    )


def test_the_same_follow_sent_twice_at_once_is_one_follow(engine, clock):
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def run() -> None:
        start.wait()
        try:
            follow_now(engine, clock, "Séjourné")
        except BaseException as error:  # noqa: BLE001 (what a thread raised is checked below)
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    with session(engine) as db:
        assert [f.query_key for f in db.exec(select(Follow))] == ["sejourne"]


def test_a_zone_slack_does_not_know_falls_back_to_the_newsrooms(engine, clock):
    assert follow_now(engine, clock, "macron", tz="Mars/Olympus_Mons").follow.tz == "Europe/Paris"
    assert follow_now(engine, clock, "macron", tz="Asia/Tokyo").follow.tz == "Asia/Tokyo"
