from __future__ import annotations

import time


def wait_for_calls(fake_slack, method: str, count: int = 1, timeout: float = 5.0) -> list:
    """Listeners that acknowledge first call Slack afterwards: wait for those calls to arrive."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        calls = fake_slack.calls_to(method)
        if len(calls) >= count:
            return calls
        time.sleep(0.02)
    raise AssertionError(f"expected {count} call(s) to {method}, got {len(fake_slack.calls_to(method))}")


def wait_until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def logged(caplog, fragment: str, timeout: float = 6.0) -> list[str]:
    """The log messages containing `fragment`, once at least one has come (or the time is up):
    what a listener logs after acknowledging comes a little later."""
    deadline = time.monotonic() + timeout
    while True:
        found = [r.getMessage() for r in caplog.records if fragment in r.getMessage()]
        if found or time.monotonic() >= deadline:
            return found
        time.sleep(0.05)
