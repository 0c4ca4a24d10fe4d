"""What the Slack client raises when Slack fails, what each failure means, and how to say it.

The one place that reads Slack's error codes: listeners, services, jobs and the command line
all decide with these functions, so that a code means the same thing everywhere. Nothing here
may import handlers/ or services/, which depend on it.
"""

from __future__ import annotations

from slack_sdk.errors import SlackApiError, SlackClientError

# An error answer (5xx included), or the network: refused, reset, timed out.
SLACK_FAILURES = (SlackClientError, OSError)

# The token itself is refused: nothing sent with it will be accepted until it is replaced.
_AUTH_FAILURES = frozenset(
    {"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive", "not_allowed_token_type"}
)
# The bot cannot post in the channel, and trying again will not change that.
_CHANNEL_UNREACHABLE = frozenset({"channel_not_found", "not_in_channel", "is_archived"})
# A direct message cannot reach the user, and trying again will not change that: they left, were
# deactivated, cannot be seen by the bot, or are a bot themselves (or the channel a DM goes to
# is gone).
_USER_UNREACHABLE = frozenset(
    {"user_not_found", "user_disabled", "user_not_visible", "cannot_dm_bot", "channel_not_found", "is_archived"}
)
# Slack's own trouble, or its rate limit: the same call may succeed later.
_TRANSIENT = frozenset({"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"})
# Slack documents these as "some aspect of the operation may have succeeded".
_PARTLY_DONE = frozenset({"internal_error", "fatal_error"})
# Answers from a server or gateway that may have passed the request on before failing (unlike
# 503, which Slack sends when it did not take the request at all).
_PARTLY_DONE_STATUS = frozenset({500, 502, 504})


def slack_error(error: Exception) -> str:
    """Slack's error code, or what went wrong on the way."""
    if isinstance(error, SlackApiError):
        return str(error.response.get("error") or f"HTTP {error.response.status_code}")
    if isinstance(error, OSError):
        if isinstance(error, TimeoutError) or isinstance(getattr(error, "reason", None), TimeoutError):
            return "no answer in time"
        return "not reachable"
    # The client refused the call itself, before anything was sent.
    return type(error).__name__


def is_auth_failure(code: str | None) -> bool:
    return code in _AUTH_FAILURES


def is_channel_unreachable(code: str | None) -> bool:
    return code in _CHANNEL_UNREACHABLE


def is_user_unreachable(code: str | None) -> bool:
    """For a DM: the user cannot be written to any more."""
    return code in _USER_UNREACHABLE


def retry_after(error: Exception) -> float | None:
    """The seconds Slack asks to wait when it rate-limits a call; None for any other failure."""
    if not isinstance(error, SlackApiError):
        return None
    if error.response.status_code != 429 and error.response.get("error") != "ratelimited":
        return None
    return float(error.response.headers.get("Retry-After", 1) or 1)


def is_transient(error: Exception) -> bool:
    """Worth trying again: Slack's own trouble, its rate limit, or the network."""
    if isinstance(error, SlackApiError):
        return error.response.status_code >= 500 or error.response.get("error") in _TRANSIENT
    return isinstance(error, OSError)


def may_have_succeeded(error: Exception) -> bool:
    """Whether a call that failed so may still have had its effect: a post whose answer never
    came, or came as a server error, may be in the channel all the same."""
    if isinstance(error, SlackApiError):
        return error.response.get("error") in _PARTLY_DONE or error.response.status_code in _PARTLY_DONE_STATUS
    # A refused connection never reached Slack; a reset or a timeout may have, after sending.
    return isinstance(error, OSError) and not isinstance(getattr(error, "reason", error), ConnectionRefusedError)
