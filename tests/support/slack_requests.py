"""Requests exactly as Slack sends them: form-encoded commands, `payload=` interactivity, JSON
events, each signed with the app's signing secret (computed here independently of the SDK)."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from urllib.parse import urlencode

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def sign(body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    base = f"v0:{timestamp}:{body}".encode()
    signature = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": signature}


def new_trigger_id() -> str:
    return f"{secrets.randbelow(10**10)}.{secrets.randbelow(10**10)}.{secrets.token_hex(16)}"


def command_body(
    text: str,
    *,
    command: str = "/trip",
    team_id: str = "T0NEWSROOM",
    user_id: str = "U0EDITOR",
    channel_id: str = "C0FOREIGN",
    channel_name: str = "foreign-desk",
    user_name: str = "editor",
    response_url: str = "https://hooks.slack.com/commands/T0NEWSROOM/1/abc",
    trigger_id: str | None = None,
) -> str:
    return urlencode(
        {
            "token": "gIkuvaNzQIHg97ATvDxqgjtO",
            "team_id": team_id,
            "team_domain": "newsroom",
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user_id,
            "user_name": user_name,
            "command": command,
            "text": text,
            "api_app_id": "A0TRIPDESK",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id or new_trigger_id(),
        }
    )


def block_actions_body(
    action: dict,
    *,
    team_id: str = "T0NEWSROOM",
    user_id: str = "U0EDITOR",
    channel_id: str = "C0FOREIGN",
    response_url: str = "https://hooks.slack.com/actions/T0NEWSROOM/1/abc",
    container: dict | None = None,
    view: dict | None = None,
    trigger_id: str | None = None,
) -> str:
    payload = {
        "type": "block_actions",
        "user": {"id": user_id, "username": "editor", "name": "editor", "team_id": team_id},
        "api_app_id": "A0TRIPDESK",
        "token": "gIkuvaNzQIHg97ATvDxqgjtO",
        "container": container
        or {"type": "message", "message_ts": "1712000000.000100", "channel_id": channel_id, "is_ephemeral": True},
        "trigger_id": trigger_id or f"{secrets.randbelow(10**10)}.{secrets.token_hex(16)}",
        "team": {"id": team_id, "domain": "newsroom"},
        "channel": {"id": channel_id, "name": "foreign-desk"},
        "response_url": response_url,
        "actions": [{"action_ts": f"{time.time():.6f}", "block_id": action.pop("block_id", "b1"), **action}],
    }
    if view is not None:  # a button in a modal: Slack sends the view instead of a message and its response_url
        payload["view"] = view
        payload["container"] = {"type": "view", "view_id": view.get("id")}
        del payload["channel"], payload["response_url"]
    return urlencode({"payload": json.dumps(payload)})


def event_body(event: dict, *, team_id: str = "T0NEWSROOM", event_id: str | None = None) -> str:
    return json.dumps(
        {
            "token": "gIkuvaNzQIHg97ATvDxqgjtO",
            "team_id": team_id,
            "api_app_id": "A0TRIPDESK",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{secrets.token_hex(5).upper()}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": team_id, "user_id": "U0TRIPDESK", "is_bot": True}],
        }
    )


def _interaction(payload: dict, team_id: str, user_id: str) -> str:
    payload = {
        "user": {"id": user_id, "username": "editor", "name": "editor", "team_id": team_id},
        "team": {"id": team_id, "domain": "newsroom"},
        "api_app_id": "A0TRIPDESK",
        "token": "gIkuvaNzQIHg97ATvDxqgjtO",
        "is_enterprise_install": False,
        **payload,
    }
    return urlencode({"payload": json.dumps(payload)})


def view_submission_body(view: dict, *, team_id: str = "T0NEWSROOM", user_id: str = "U0EDITOR") -> str:
    return _interaction(
        {
            "type": "view_submission",
            "trigger_id": f"{secrets.randbelow(10**10)}.{secrets.token_hex(8)}",
            "view": view,
            "response_urls": [],
        },
        team_id,
        user_id,
    )


def block_suggestion_body(action_id: str, value: str, *, team_id: str = "T0NEWSROOM", user_id: str = "U0EDITOR") -> str:
    return _interaction(
        {
            "type": "block_suggestion",
            "action_id": action_id,
            "block_id": action_id,
            "value": value,
            "view": {"id": "V0FORM", "type": "modal"},
        },
        team_id,
        user_id,
    )


def message_action_body(
    message: dict,
    *,
    callback_id: str,
    team_id: str = "T0NEWSROOM",
    user_id: str = "U0EDITOR",
    channel_id: str = "C0FOREIGN",
    response_url: str = "https://hooks.slack.com/app/T0NEWSROOM/1/abc",
) -> str:
    """A message shortcut, chosen from the ⋯ menu of `message` (with its `ts` and `text`)."""
    return _interaction(
        {
            "type": "message_action",
            "callback_id": callback_id,
            "trigger_id": new_trigger_id(),
            "action_ts": f"{time.time():.6f}",
            "message_ts": message.get("ts"),
            "message": {"type": "message", "user": "U0WIRES", **message},
            "channel": {"id": channel_id, "name": "wires"},
            "response_url": response_url,
        },
        team_id,
        user_id,
    )
