"""`python bot.py` as production runs it, pointed at the fake Slack: its environment, the
import command, and starting it until /healthz answers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx

from tests.support.samples import ROOT
from tests.support.slack_requests import SIGNING_SECRET


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def bot_env(tmp_path, database_url, fake_slack) -> dict:
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.base_url,
        "DATABASE_URL": database_url,
        "PORT": str(free_port()),
        "TRIPDESK_TZ": "Europe/Paris",
        "TRIPDESK_CHANNEL": "C0FOREIGN",
    }


def import_file(path, env, cwd) -> None:
    imported = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "import", str(path)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert imported.returncode == 0, imported.stderr


def start_bot(env, cwd, *, python_options: tuple[str, ...] = ()):
    # The log goes to a file: a pipe nobody reads fills up and blocks the bot.
    log = open(cwd / f"bot-{env['PORT']}.log", "w")
    bot = subprocess.Popen(
        [sys.executable, *python_options, str(ROOT / "bot.py")],
        cwd=cwd,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    bot.log_path = log.name
    base = f"http://127.0.0.1:{env['PORT']}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert bot.poll() is None, open(bot.log_path).read()
        assert time.monotonic() < deadline, "the bot did not answer /healthz"
        time.sleep(0.1)
    return bot, base


def stop_bots(*bots, timeout: float = 15) -> None:
    """SIGTERM each bot still running, then wait for all to exit. Each finishes the posts it has on
    the wire first, and once it has exited it sends nothing more."""
    for bot in bots:
        if bot.poll() is None:
            bot.send_signal(signal.SIGTERM)
    for bot in bots:
        bot.wait(timeout=timeout)
