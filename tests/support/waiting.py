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
