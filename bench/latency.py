"""Client-side latency of signed /trip requests: TripDesk against the floors, alternating.

The floors (bench/floor_app.py) are the raw one (the signature verified, a fixed reply) and a
no-op Bolt app, with Bolt's defaults and with process_before_response=True. Each round sends
the same query to every server in turn, so all of them see the same machine at the same moment.

Paging (Show more) and Share in channel answer through the response_url: what the user waits
for is the reply posted there, so they are timed from the click until the local Slack has it.
"""

from __future__ import annotations

import json
import secrets
import statistics
import threading
import time
from collections.abc import Mapping
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

from bench.data import TEAM
from bench.processes import SECRET
from tripdesk.local_slack import RESPONSE_URL_METHOD, Call, LocalSlack

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
    "today",
    "week",
]
# The buttons under a listing: their values as blocks/listing.py writes them.
PAGE = '{"m":"search","q":"%s","o":5}'
SHARE = '{"m":"search","q":"%s","o":0}'
BUTTON_QUERIES = ["blinken", "paris", "nato", "ukraine", "summit"]


def _signature_headers(body: str, content_type: str) -> dict[str, str]:
    timestamp = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=timestamp, body=body)
    assert signature is not None  # None only without a timestamp
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature}


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
    return body.encode(), _signature_headers(body, "application/x-www-form-urlencoded")


def signed_click(action_id: str, value: str, response_url: str) -> tuple[bytes, dict[str, str]]:
    payload = {
        "type": "block_actions",
        "user": {"id": "U0BENCH", "username": "bench", "name": "bench", "team_id": TEAM},
        "api_app_id": "A0BENCH",
        "token": "x",
        "container": {"type": "message", "message_ts": "1712000000.000100", "channel_id": "C0BENCH"},
        "trigger_id": f"{time.time_ns()}.{secrets.token_hex(8)}",
        "team": {"id": TEAM, "domain": "bench"},
        "channel": {"id": "C0BENCH", "name": "bench"},
        "response_url": response_url,
        "actions": [
            {
                "action_id": action_id,
                "block_id": "b1",
                "value": value,
                "type": "button",
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    body = urlencode({"payload": json.dumps(payload)})
    return body.encode(), _signature_headers(body, "application/x-www-form-urlencoded")


def one(client: httpx.Client, base: str, text: str) -> float:
    body, headers = signed(text)
    started = time.perf_counter()
    response = client.post(f"{base}/slack/events", content=body, headers=headers)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{base} answered {response.status_code}: {response.text[:200]}")
    return elapsed


def sequential(bases: Mapping[str, str], requests: int) -> dict[str, list[float]]:
    """`requests` rounds; in each, the same query to every server in turn."""
    times: dict[str, list[float]] = {name: [] for name in bases}
    with httpx.Client(timeout=10) as client:
        for base in bases.values():  # warm up every server
            for text in QUERIES:
                one(client, base, text)
        for n in range(requests):
            text = QUERIES[n % len(QUERIES)]
            for name, base in bases.items():
                times[name].append(one(client, base, text))
    return times


class Replies:
    """Waits for replies posted to response_urls of the local Slack, each named by its click."""

    def __init__(self, slack: LocalSlack):
        self._arrived: dict[str, float] = {}
        self._condition = threading.Condition()
        previous = slack.on_call

        def on_call(call: Call) -> None:
            if call.method == RESPONSE_URL_METHOD:
                with self._condition:
                    self._arrived[call.path] = time.perf_counter()
                    self._condition.notify_all()
            if previous is not None:
                previous(call)

        slack.on_call = on_call
        self.slack = slack

    def url(self) -> tuple[str, str]:
        name = f"bench-{secrets.token_hex(6)}"
        return self.slack.response_url(name), f"/response/{name}"

    def wait(self, path: str, timeout: float = 10.0) -> float:
        with self._condition:
            if not self._condition.wait_for(lambda: path in self._arrived, timeout=timeout):
                raise RuntimeError(f"no reply posted to {path} within {timeout} s")
            return self._arrived.pop(path)


def clicks(bot_base: str, floor_base: str, replies: Replies, action_id: str, template: str, requests: int):
    """Show more or Share, timed until its reply reaches the local Slack, alternating with the raw floor."""
    bot, floor = [], []
    with httpx.Client(timeout=10) as client:
        for n in range(requests + len(BUTTON_QUERIES)):
            url, path = replies.url()
            body, headers = signed_click(action_id, template % BUTTON_QUERIES[n % len(BUTTON_QUERIES)], url)
            started = time.perf_counter()
            response = client.post(f"{bot_base}/slack/events", content=body, headers=headers)
            if response.status_code != 200:
                raise RuntimeError(f"{bot_base} answered {response.status_code}: {response.text[:200]}")
            arrived = replies.wait(path)
            if n >= len(BUTTON_QUERIES):  # the first round warms up
                bot.append(arrived - started)
                floor.append(one(client, floor_base, "blinken"))
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
