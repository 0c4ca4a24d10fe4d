"""Load: 50 people sending /trip, each reading the answer before the next, while 500 reminders
go out, against the bot as it runs in production (a `python bot.py` process) and a Slack that allows one message a
second per channel. Every command is answered within Slack's 3 seconds, nothing fails, every
reminder arrives once, and the bot's memory stays flat.

CI runs 10 seconds of it at the same rates (84 reminders); TRIPDESK_LOAD_SECONDS=60 gives the
full minute and all 500 (add -s to see the figures).
"""

from __future__ import annotations

import json
import os
import random
import signal
import threading
import time
from datetime import UTC, datetime, timedelta

import httpx
from sqlmodel import select

from storage.db import session
from storage.models import Reminder
from tests.support.bot_process import bot_env, import_file, start_bot
from tests.support.samples import SAMPLE
from tests.support.schedule import add_event, bring_forward
from tests.support.slack_requests import command_body, sign

SECONDS = float(os.environ.get("TRIPDESK_LOAD_SECONDS", "10"))
# Each client is a person, who reads an answer for one to three seconds before the next
# command (TRIPDESK_LOAD_THINK=0: clients that send without pause, to find the bot's limit).
THINK = float(os.environ.get("TRIPDESK_LOAD_THINK", "2"))
CLIENTS = 50
# 500 reminders over the minute; a shorter run keeps the same rate.
REMINDERS = round(500 * SECONDS / 60)
CHANNELS = 50
QUERIES = [
    "blinken",
    "paris",
    "nato",
    "séjourné",
    "today",
    "week",
    "next",
    "washington summit",
    "nobody-at-all",
    "history blinken",
]


def cpu_seconds(pid: int) -> float:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def statuses(engine) -> dict[str, int]:
    from collections import Counter

    with session(engine) as db:
        return dict(Counter((r.status, (r.last_error or "")[:60]) for r in db.exec(select(Reminder))))


def test_fifty_clients_while_500_reminders_go_out(tmp_path, database_url, engine, fake_slack):
    fake_slack.post_interval = 1.0
    env = {**bot_env(tmp_path, database_url, fake_slack), "TRIPDESK_SWEEP_SECONDS": "1"}
    import_file(SAMPLE, env, tmp_path)
    bot, base = start_bot(env, tmp_path)
    try:
        # Added a day ahead, then moved so that their 1-hour reminders come due evenly over the
        # run, from its third second to five seconds before its end.
        later = datetime.now(UTC) + timedelta(days=1)
        for n in range(REMINDERS):
            start = later + timedelta(seconds=(SECONDS - 8) * n / REMINDERS)
            add_event(
                engine,
                lambda: datetime.now(UTC),
                title=f"Load meeting {n:03d}",
                start=start,
                channel=f"C0LOAD{n % CHANNELS:02d}",
            )
        bring_forward(engine, titled="Load meeting", first_due=datetime.now(UTC) + timedelta(seconds=3))

        results: list[tuple[int, float, str]] = []
        lock = threading.Lock()
        deadline = time.monotonic() + SECONDS

        def client(seed: int) -> None:
            rng = random.Random(seed)
            with httpx.Client(base_url=base, timeout=10) as http:
                while time.monotonic() < deadline:
                    body = command_body(rng.choice(QUERIES))
                    started = time.monotonic()
                    response = http.post(
                        "/slack/events",
                        content=body.encode(),
                        headers={"Content-Type": "application/x-www-form-urlencoded", **sign(body)},
                    )
                    elapsed = time.monotonic() - started
                    ok = (
                        response.status_code == 200
                        and response.text.startswith("{")
                        and json.loads(response.text).get("text")
                    )
                    with lock:
                        results.append(
                            (response.status_code if ok else -response.status_code, elapsed, response.text[:200])
                        )
                    time.sleep(THINK * rng.uniform(0.5, 1.5))

        memory: list[float] = []
        cpu_before = cpu_seconds(bot.pid)
        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        while any(thread.is_alive() for thread in threads):
            memory.append(rss_mb(bot.pid))
            time.sleep(0.5)
        for thread in threads:
            thread.join()
        cpu = cpu_seconds(bot.pid) - cpu_before

        drain = time.monotonic() + 90
        while len(fake_slack.posts()) < REMINDERS and time.monotonic() < drain:
            time.sleep(0.5)
        time.sleep(2)
        memory.append(rss_mb(bot.pid))

        log = open(bot.log_path).read().splitlines()
        times = sorted(elapsed for _, elapsed, _ in results)
        failures = [r for r in results if r[0] != 200]
        titles = [
            p.payload["text"].split(": ", 1)[1].split(" —")[0]
            for p in fake_slack.posts()
            if "Load meeting" in p.payload["text"]
        ]
        settled = memory[len(memory) // 4]
        print(
            f"\nload {SECONDS:.0f}s think {THINK:g}s {engine.dialect.name}: {len(times)} commands"
            f" ({len(times) / SECONDS:.0f}/s), p50 {times[len(times) // 2] * 1000:.0f} ms,"
            f" p99 {times[int(len(times) * 0.99)] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms;"
            f" bot CPU {cpu / SECONDS:.0%} of a core; {len(titles)} reminders;"
            f" RSS {memory[0]:.0f} → {settled:.0f} (¼) → {memory[-1]:.0f} MB"
        )
        assert len(titles) == len(set(titles)) == REMINDERS, (
            statuses(engine),
            [line for line in log if '"warning"' in line][:5],
        )
        assert memory[-1] - settled < 25, memory
        assert failures == [], failures[:3]
        assert times[-1] < 3.0
        errors = [line for line in log if line.startswith("{") and json.loads(line)["level"] in ("error", "critical")]
        assert errors == [], errors[:3]
        assert bot.poll() is None
    finally:
        bot.send_signal(signal.SIGTERM)
        bot.wait(timeout=15)
