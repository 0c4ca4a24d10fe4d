"""Starting the bot (and the floor app) as real processes on loopback, and reading them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-signing-secret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Process:
    def __init__(self, args: list[str], env: dict[str, str], port: int, log: Path):
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.log = log
        started = time.perf_counter()
        self.proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)
        self.startup_seconds = self._wait_healthy(started)

    def _wait_healthy(self, started: float) -> float:
        while True:
            try:
                if httpx.get(f"{self.base}/healthz", timeout=0.5).status_code == 200:
                    return time.perf_counter() - started
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError(f"process exited: {self.log.read_text()[-2000:]}")
            time.sleep(0.01)

    def cpu_seconds(self) -> float:
        """User and system CPU time the process has used so far."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def bot_env(*, database_url: str, api_url: str, port: int, **extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api_url,
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "TRIPDESK_TZ": "Europe/Paris",
        "TRIPDESK_CHANNEL": "C0BENCH",
        **extra,
    }


def start_bot(*, database_url: str, api_url: str, log_dir: Path, **extra: str) -> Process:
    port = free_port()
    env = bot_env(database_url=database_url, api_url=api_url, port=port, **extra)
    return Process([sys.executable, str(ROOT / "bot.py")], env, port, log_dir / f"bot-{port}.log")


def start_floor(*, api_url: str, log_dir: Path, kind: str = "bolt") -> Process:
    """One of bench/floor_app.py's floors: `raw`, `bolt` or `bolt-pbr`."""
    port = free_port()
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "PYTHONPATH": str(ROOT)}
    return Process(
        [sys.executable, "-m", "bench.floor_app", kind, str(port), SECRET, api_url],
        env,
        port,
        log_dir / f"floor-{kind}-{port}.log",
    )
