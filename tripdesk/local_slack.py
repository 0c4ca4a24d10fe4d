"""A stand-in for Slack's Web API on a loopback port.

The console points the bot's WebClient at it (`base_url`), so that the console runs exactly the
code that talks to Slack; the test suite extends it into a fake that can also fail. It answers
the methods TripDesk calls the way Slack does, records every call, and accepts `response_url`
posts at /response/….
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

RESPONSE_URL_METHOD = "response_url"


@dataclass
class Call:
    method: str
    payload: dict[str, Any]
    path: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    # Whether the answer was ok: a refused post (rate limit, error) is recorded but not accepted.
    accepted: bool = False
    received_at: float = field(default_factory=time.time)
    # What Slack answered (for a post, its ts).
    answer: dict[str, Any] = field(default_factory=dict)


@dataclass
class Answer:
    body: dict[str, Any]
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


class LocalSlack:
    def __init__(
        self,
        *,
        team_id: str = "T0LOCAL",
        bot_user_id: str = "U0TRIPDESK",
        on_call: Callable[[Call], None] | None = None,
    ):
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.on_call = on_call
        self.calls: list[Call] = []
        # Slack's chat.postMessage limit: one message per `post_interval` seconds per channel,
        # answered with HTTP 429 and Retry-After beyond it. None: no limit.
        self.post_interval: float | None = None
        self.retry_after = 1
        self.rate_limited = 0
        self._last_post: dict[str, float] = {}
        self._lock = threading.Lock()
        self._ts = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> LocalSlack:
        self._server = _Server(("127.0.0.1", 0), _handler_for(self))
        threading.Thread(target=self._server.serve_forever, name="local-slack", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def base_url(self) -> str:
        """The Web API base URL, for WebClient(base_url=…) and SLACK_API_URL."""
        return f"{self._origin}/api/"

    def response_url(self, name: str = "hook") -> str:
        return f"{self._origin}/response/{name}"

    @property
    def _origin(self) -> str:
        if self._server is None:
            raise RuntimeError("the local Slack is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # -- answering -------------------------------------------------------------------------
    def receive(self, call: Call) -> Answer:
        with self._lock:
            self.calls.append(call)
        if self.on_call is not None:
            self.on_call(call)
        answer = self.answer(call)
        call.accepted = answer.status == 200 and bool(answer.body.get("ok"))
        call.answer = answer.body
        return answer

    def answer(self, call: Call) -> Answer:
        """Slack's answer to `call`; subclasses override it to fail or to throttle."""
        method, payload = call.method, call.payload
        if method == RESPONSE_URL_METHOD:
            return Answer({"ok": True})
        if method == "auth.test":
            return Answer(
                {
                    "ok": True,
                    "team_id": self.team_id,
                    "user_id": self.bot_user_id,
                    "bot_id": "B0TRIPDESK",
                    "user": "tripdesk",
                    "team": "Newsroom",
                    "url": "https://newsroom.slack.com/",
                }
            )
        if method == "chat.postMessage" and self.post_interval is not None:
            with self._lock:
                channel, now = payload.get("channel", ""), time.monotonic()
                if now - self._last_post.get(channel, -1e9) < self.post_interval:
                    self.rate_limited += 1
                    return Answer(
                        {"ok": False, "error": "ratelimited"},
                        status=429,
                        headers={"Retry-After": str(self.retry_after)},
                    )
                self._last_post[channel] = now
        if method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
            ts = f"{1700000000 + next(self._ts)}.000100"
            key = "message_ts" if method == "chat.postEphemeral" else "ts"
            return Answer({"ok": True, "channel": payload.get("channel"), key: payload.get("ts", ts)})
        if method in ("conversations.history", "conversations.replies"):
            return Answer({"ok": True, "messages": self._history(payload), "has_more": False})
        if method == "chat.delete":
            return Answer({"ok": True, "channel": payload.get("channel"), "ts": payload.get("ts")})
        if method.startswith("views."):
            view = payload.get("view") or {}
            return Answer({"ok": True, "view": {"id": f"V{next(self._ts):08d}", "hash": "h1", **view}})
        if method == "users.info":
            user = payload.get("user", "")
            return Answer(
                {"ok": True, "user": {"id": user, "name": user.lower(), "tz": "Europe/Paris", "is_bot": False}}
            )
        if method == "conversations.info":
            channel = payload.get("channel", "")
            return Answer(
                {
                    "ok": True,
                    "channel": {
                        "id": channel,
                        "name": channel.lower(),
                        "is_channel": True,
                        "is_private": False,
                        "is_member": True,
                        "is_archived": False,
                    },
                }
            )
        if method == "conversations.open":
            # A bot's DM with a user: posts to the user's id land in it.
            user = str(payload.get("users", "")).split(",")[0]
            return Answer({"ok": True, "channel": {"id": dm_id(user)}})
        if method == "conversations.join":
            return Answer({"ok": True, "channel": {"id": payload.get("channel")}})
        return Answer({"ok": False, "error": "unknown_method"})

    def _history(self, query: dict) -> list[dict]:
        """Messages posted in a channel (or one thread), newest first. This stand-in keeps no
        clock of its own, so `oldest` is not applied."""
        channel, thread = query.get("channel"), query.get("ts")
        messages = []
        posts = [c for c in self.posts() if channel in (c.payload.get("channel"), dm_id(c.payload.get("channel", "")))]
        for call in reversed(posts):
            in_thread = call.payload.get("thread_ts") is not None
            if (thread is None and in_thread) or (thread is not None and call.payload.get("thread_ts") != thread):
                continue
            message = {
                "type": "message",
                "ts": call.answer.get("ts"),
                "text": call.payload.get("text", ""),
                "bot_id": "B0TRIPDESK",
            }
            if call.payload.get("metadata") and query.get("include_all_metadata") in (True, "true", "1"):
                message["metadata"] = call.payload["metadata"]
            messages.append(message)
        return messages

    # -- inspection ------------------------------------------------------------------------
    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def posts(self, channel: str | None = None) -> list[Call]:
        """Messages Slack accepted (not the refused attempts)."""
        return [
            c
            for c in self.calls_to("chat.postMessage")
            if c.accepted and (channel is None or c.payload.get("channel") == channel)
        ]


def dm_id(user_id: str) -> str:
    """The id this stand-in gives the bot's DM with a user ("U0ALICE" → "D0ALICE")."""
    return "D" + user_id[1:] if user_id[:1] in ("U", "W") else user_id


class _Server(ThreadingHTTPServer):
    # A burst opens dozens of connections at once; the default backlog of 5 resets some of
    # them, which Slack itself never does.
    request_queue_size = 256
    daemon_threads = True


def _handler_for(slack: LocalSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode("utf-8") if length else ""
            if self.path.startswith("/api/"):
                method = self.path.removeprefix("/api/").split("?")[0]
            elif self.path.startswith("/response/"):
                method = RESPONSE_URL_METHOD
            else:
                self._send(Answer({"ok": False, "error": "not_found"}, status=404))
                return
            call = Call(
                method=method,
                payload=_payload(raw, self.headers.get("Content-Type", "")),
                path=self.path,
                headers=dict(self.headers),
            )
            self._send(slack.receive(call))

        def _send(self, answer: Answer) -> None:
            body = json.dumps(answer.body).encode()
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting, as a real one does with a slow Slack

        def log_message(self, *_args) -> None:  # calls are recorded, not logged
            pass

    return Handler


def _payload(raw: str, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    if content_type.startswith("application/json"):
        return json.loads(raw)
    payload: dict[str, Any] = dict(parse_qsl(raw, keep_blank_values=True))
    # The SDK form-encodes nested values such as blocks and views as JSON strings.
    for key in ("blocks", "view", "attachments"):
        if isinstance(payload.get(key), str):
            try:
                payload[key] = json.loads(payload[key])
            except ValueError:
                pass
    return payload
