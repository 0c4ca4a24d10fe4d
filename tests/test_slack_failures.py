"""Slack's failures, read the same way by every caller."""

from __future__ import annotations

from urllib.error import URLError

from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web import SlackResponse

from infra.slack_failures import (
    SLACK_FAILURES,
    is_auth_failure,
    is_channel_unreachable,
    is_transient,
    may_have_succeeded,
    retry_after,
    slack_error,
)


def answer(status: int, error: str | None, headers: dict | None = None) -> SlackApiError:
    body = {"ok": False, **({"error": error} if error else {})}
    response = SlackResponse(
        client=None,
        http_verb="POST",
        api_url="https://slack.com/api/chat.postMessage",
        req_args={},
        data=body,
        headers=headers or {},
        status_code=status,
    )
    return SlackApiError("refused", response)


def test_codes_and_network_failures_are_named():
    assert slack_error(answer(200, "channel_not_found")) == "channel_not_found"
    assert slack_error(answer(502, None)) == "HTTP 502"
    assert slack_error(URLError(TimeoutError("timed out"))) == "no answer in time"
    assert slack_error(URLError(ConnectionRefusedError())) == "not reachable"
    assert slack_error(SlackRequestError("bad arguments")) == "SlackRequestError"
    assert all(isinstance(e, SLACK_FAILURES) for e in (answer(500, None), URLError("x"), SlackRequestError("x")))


def test_token_and_channel_refusals():
    for code in ("invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive"):
        assert is_auth_failure(code) and not is_channel_unreachable(code)
    for code in ("channel_not_found", "not_in_channel", "is_archived"):
        assert is_channel_unreachable(code) and not is_auth_failure(code)
    assert not is_auth_failure(None) and not is_channel_unreachable("ratelimited")


def test_rate_limit_is_honoured_with_slacks_delay():
    assert retry_after(answer(429, "ratelimited", {"Retry-After": "7"})) == 7.0
    assert retry_after(answer(429, None)) == 1.0
    assert retry_after(answer(500, "internal_error")) is None
    assert retry_after(URLError("x")) is None


def test_what_is_worth_retrying_and_what_may_have_been_done():
    assert is_transient(answer(503, "service_unavailable")) and not may_have_succeeded(answer(503, None))
    assert is_transient(answer(200, "internal_error")) and may_have_succeeded(answer(200, "internal_error"))
    assert may_have_succeeded(answer(504, None)) and is_transient(answer(504, None))
    assert not is_transient(answer(200, "channel_not_found"))
    assert not may_have_succeeded(answer(200, "channel_not_found"))
    # A refused connection never reached Slack; a timeout may have, after the request was sent.
    assert is_transient(URLError(ConnectionRefusedError())) and not may_have_succeeded(
        URLError(ConnectionRefusedError())
    )
    assert is_transient(URLError(TimeoutError())) and may_have_succeeded(URLError(TimeoutError()))
    assert not is_transient(SlackRequestError("bad arguments"))
