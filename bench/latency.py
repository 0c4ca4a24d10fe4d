"""Client-side latency of signed /trip requests, TripDesk against the Bolt floor."""

from __future__ import annotations

import secrets
import statistics
import threading
import time
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

from bench.data import TEAM
from bench.processes import SECRET

QUERIES = [
    "blinken",
    "macron",
    "lavrov",
    "paris",
    "brussels",
    "kyiv",
    "nato",
    "summit",
    "ukraine",
    "zzqx",
    "blinkin",
    "week",
]


def signed(text: str) -> tuple[bytes, dict[str, str]]:
    body = urlencode(
        {
            "token": "x",
            "team_id": TEAM,
            "team_domain": "bench",
            "channel_id": "C0BENCH",
            "channel_name": "bench",
            "user_id": "U0BENCH",
            "user_name": "bench",
            "command": "/trip",
            "text": text,
            "api_app_id": "A0BENCH",
            # A trigger of its own, as Slack gives every command: a repeated one is a replay, answered empty.
            "response_url": "http://127.0.0.1:9/response",
            "trigger_id": f"{time.time_ns()}.{secrets.token_hex(8)}",
        }
    )
    timestamp = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=timestamp, body=body)
    assert signature is not None  # None only without a timestamp
    return body.encode(), {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature,
    }


def one(client: httpx.Client, base: str, text: str) -> float:
    body, headers = signed(text)
    started = time.perf_counter()
    response = client.post(f"{base}/slack/events", content=body, headers=headers)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{base} answered {response.status_code}: {response.text[:200]}")
    return elapsed


def sequential(bot_base: str, floor_base: str, requests: int) -> tuple[list[float], list[float]]:
    """Alternate TripDesk and the floor, request by request, so both see the same machine."""
    bot, floor = [], []
    with httpx.Client(timeout=10) as client:
        for base in (bot_base, floor_base):  # warm up both
            for text in QUERIES:
                one(client, base, text)
        for n in range(requests):
            text = QUERIES[n % len(QUERIES)]
            bot.append(one(client, bot_base, text))
            floor.append(one(client, floor_base, text))
    return bot, floor


def concurrent(base: str, clients: int, requests_each: int) -> list[float]:
    times: list[float] = []
    lock = threading.Lock()

    def worker(offset: int) -> None:
        with httpx.Client(timeout=10) as client:
            for n in range(requests_each):
                elapsed = one(client, base, QUERIES[(n + offset) % len(QUERIES)])
                with lock:
                    times.append(elapsed)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(pct(0.95), 2),
        "p99_ms": round(pct(0.99), 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }
