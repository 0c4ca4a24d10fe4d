"""The chase for coverage with two `python bot.py` processes sharing one PostgreSQL database,
as replicas run in production: each key event no one covers is chased once."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from domain.vocabulary import Kind
from tests.support.bot_process import bot_env, free_port, start_bot, stop_bots
from tests.support.schedule import add_event
from tests.support.waiting import wait_until


def wall_clock() -> datetime:
    return datetime.now(UTC)


def chased(fake_slack) -> list[str]:
    """The titles in every chase posted so far, one per event listed."""
    return [
        block["text"]["text"].split("*")[1]
        for post in fake_slack.posts("C0FOREIGN")
        if post.payload["text"].startswith("Key events nobody covers yet")
        for block in post.payload["blocks"]
        if block.get("accessory", {}).get("action_id") == "cover_me"
    ]


def test_two_bot_processes_chase_each_uncovered_summit_once(tmp_path, database_url, engine, fake_slack):
    if engine.dialect.name != "postgresql":
        pytest.skip("replicas share PostgreSQL in production; SQLite is for a single bot")
    env = {**bot_env(tmp_path, database_url, fake_slack), "TRIPDESK_SWEEP_SECONDS": "1"}
    bots = [start_bot({**env, "PORT": str(free_port())}, tmp_path) for _ in range(2)]
    try:
        start = wall_clock() + timedelta(hours=23)
        titles = [f"Summit {n:02d}" for n in range(20)]
        for title in titles:
            # No reminders: only the chase goes to the channel.
            add_event(engine, wall_clock, title=title, start=start, kind=Kind.SUMMIT, lead_times=())
        wait_until(lambda: sorted(chased(fake_slack)) == titles, timeout=60)
        time.sleep(3)  # three more passes of each replica
        add_event(engine, wall_clock, title="Marker summit", start=start, kind=Kind.SUMMIT, lead_times=())
        wait_until(lambda: "Marker summit" in chased(fake_slack), timeout=30)
        assert all(bot.poll() is None for bot, _ in bots)
    finally:
        stop_bots(*(bot for bot, _ in bots))
    assert sorted(chased(fake_slack)) == sorted([*titles, "Marker summit"])
