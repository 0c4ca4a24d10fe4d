"""What the Slack client raises when Slack fails, and how to say it in a log or to a user."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError, SlackClientError

# An error answer (5xx included), or the network: refused, reset, timed out.
SLACK_FAILURES = (SlackClientError, OSError)


def slack_error(error: Exception) -> str:
    """Slack's error code, or what went wrong on the way."""
    if isinstance(error, SlackApiError):
        return str(error.response.get("error") or f"HTTP {error.response.status_code}")
    if isinstance(error, TimeoutError) or isinstance(getattr(error, "reason", None), TimeoutError):
        return "no answer in time"
    return "not reachable"
