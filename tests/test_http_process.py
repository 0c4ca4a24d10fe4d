"""The bot as it runs in production: `python bot.py` in HTTP mode on uvicorn, pointed at the
fake Slack, answering signed requests; then stopped with SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import ROOT, SAMPLE
from tests.support.slack_requests import SIGNING_SECRET, command_body, sign


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def process(tmp_path, database_url, engine, fake_slack):
    port = free_port()
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.base_url,
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "TRIPDESK_TZ": "Europe/Paris",
    }
    imported = subprocess.run([sys.executable, str(ROOT / "bot.py"), "import", str(SAMPLE)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert imported.returncode == 0, imported.stderr
    bot = subprocess.Popen([sys.executable, str(ROOT / "bot.py")], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert bot.poll() is None, bot.stdout.read()
        assert time.monotonic() < deadline, "the bot did not answer /healthz"
        time.sleep(0.1)
    yield bot, base
    if bot.poll() is None:
        bot.kill()
    bot.wait(timeout=10)


def test_signed_trip_blinken_over_http(process):
    _bot, base = process
    body = command_body("blinken")
    started = time.monotonic()
    response = httpx.post(f"{base}/slack/events", content=body, headers={"Content-Type": "application/x-www-form-urlencoded", **sign(body)})
    elapsed = time.monotonic() - started
    assert response.status_code == 200 and elapsed < 3
    message = json.loads(response.text)
    text = json.dumps(message, ensure_ascii=False)
    # Real time is past April 2024: the most recent past events are shown, the whole trip among them.
    for expected in ("Paris", "Brussels", "Washington", "Macron", "Séjourné", "Lecornu", "Azoulay", "Pashinyan"):
        assert expected in text


def test_forged_requests_get_401(process):
    _bot, base = process
    body = command_body("blinken")
    response = httpx.post(f"{base}/slack/events", content=body, headers={"Content-Type": "application/x-www-form-urlencoded", **sign(body, secret="forged")})
    assert response.status_code == 401


def test_sigterm_stops_the_bot_quickly(process):
    bot, _base = process
    started = time.monotonic()
    bot.send_signal(signal.SIGTERM)
    # uvicorn shuts down cleanly, then re-raises the signal so that supervisors see why it stopped.
    assert bot.wait(timeout=10) in (0, -signal.SIGTERM)
    assert time.monotonic() - started < 10
    assert "Finished server process" in bot.stdout.read()
