"""The fake Slack for the tests: the local Web API stand-in plus Block Kit checks on every
payload, and switches to make Slack fail."""

from __future__ import annotations

import time

from tests.support.block_kit_limits import message_problems, view_problems
from tripdesk.local_slack import RESPONSE_URL_METHOD, Answer, Call, LocalSlack

MESSAGE_METHODS = ("chat.postMessage", "chat.postEphemeral", "chat.update", RESPONSE_URL_METHOD)


class FakeSlack(LocalSlack):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.problems: list[str] = []
        self.failures: dict[str, Answer] = {}
        self.channel_errors: dict[str, str] = {}
        # An outage of the whole of Slack: every call answered with this HTTP status, or
        # answered only after `hang` seconds (longer than a client waits).
        self.down_status: int | None = None
        self.hang: float = 0.0

    def fail(self, method: str, error: str, status: int = 200) -> None:
        """Answer every later call to `method` with Slack error `error`."""
        self.failures[method] = Answer({"ok": False, "error": error}, status=status)

    def outage(self, *, status: int | None = 500, hang: float = 0.0) -> None:
        self.down_status, self.hang = status, hang

    def recover(self) -> None:
        self.down_status, self.hang = None, 0.0

    def answer(self, call: Call) -> Answer:
        self._check(call)
        if self.hang:
            time.sleep(self.hang)
        if self.down_status is not None:
            return Answer({"ok": False, "error": "internal_error"}, status=self.down_status)
        if call.method in self.failures:
            return self.failures[call.method]
        if call.method == "chat.postMessage" and call.payload.get("channel", "") in self.channel_errors:
            return Answer({"ok": False, "error": self.channel_errors[call.payload["channel"]]})
        if call.method == "chat.getPermalink":
            channel, ts = call.payload.get("channel", ""), call.payload.get("message_ts", "")
            link = f"https://newsroom.slack.com/archives/{channel}/p{ts.replace('.', '')}"
            return Answer({"ok": True, "channel": channel, "permalink": link})
        return super().answer(call)

    def _check(self, call: Call) -> None:
        payload = call.payload
        if call.method in MESSAGE_METHODS and payload.get("delete_original") is not True:
            self.problems.extend(f"{call.method}: {p}" for p in message_problems(payload))
        elif call.method.startswith("views.") and "view" in payload:
            self.problems.extend(f"{call.method}: {p}" for p in view_problems(payload["view"]))

    def messages(self) -> list[dict]:
        return [c.payload for c in self.calls if c.method in MESSAGE_METHODS]


class DeskSlack(FakeSlack):
    """A workspace with channels, user groups and people, for the editing tests."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # channel id -> conversations.info fields; unknown ids answer channel_not_found.
        self.channels: dict[str, dict] = {
            "C0FOREIGN": {"name": "foreign-desk", "is_member": True, "is_private": False},
            "C0PUBLIC": {"name": "summits", "is_member": False, "is_private": False},
        }
        self.groups: dict[str, list[str]] = {}
        # user id -> the time zone users.info gives; others answer Europe/Paris.
        self.user_zones: dict[str, str] = {}
        # Socket Mode's endpoint, given out by apps.connections.open (tests/support/socket_mode_server).
        self.socket_mode = None

    def answer(self, call: Call) -> Answer:
        if self.down_status is not None or self.hang:
            return super().answer(call)
        if call.method == "conversations.info" and call.method not in self.failures:
            self._check(call)
            channel = self.channels.get(call.payload.get("channel"))
            if channel is None:
                return Answer({"ok": False, "error": "channel_not_found"})
            return Answer({"ok": True, "channel": {"id": call.payload["channel"], "is_archived": False, **channel}})
        user = call.payload.get("user")
        if call.method == "users.info" and call.method not in self.failures and user in self.user_zones:
            self._check(call)
            return Answer({"ok": True, "user": {"id": user, "name": user.lower(), "tz": self.user_zones[user]}})
        if call.method == "usergroups.users.list" and call.method not in self.failures:
            group = call.payload.get("usergroup")
            if group not in self.groups:
                return Answer({"ok": False, "error": "no_such_subteam"})
            return Answer({"ok": True, "users": self.groups[group]})
        if call.method == "apps.connections.open" and call.method not in self.failures and self.socket_mode:
            # Only an app-level token may open a connection; a bot token is refused.
            if not call.headers.get("Authorization", "").startswith("Bearer xapp-"):
                return Answer({"ok": False, "error": "not_allowed_token_type"})
            return Answer({"ok": True, "url": self.socket_mode.new_url()})
        return super().answer(call)
