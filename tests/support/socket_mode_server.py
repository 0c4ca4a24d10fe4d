"""Slack's Socket Mode endpoint on a loopback port.

The fake Web API answers `apps.connections.open` with `new_url()`: a WebSocket URL whose ticket
is good for one connection, as Slack's are. On connect the server says `hello`; the test then
sends envelopes (slash commands, interactivity, events) and reads the acknowledgements the
client sends back. It can also ask the client to reconnect (`disconnect`), close the connection
with a close frame, or drop it the way a failing network does (a TCP reset, no goodbye).

Payload builders at the end turn the bodies Slack posts over HTTP (tests/support/slack_requests)
into the `payload` of a Socket Mode envelope, so both modes are sent the same requests.
"""

from __future__ import annotations

import itertools
import json
import secrets
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.protocol import State
from websockets.sync.server import Server, ServerConnection, serve

from tests.support.slack_requests import block_actions_body, command_body, event_body, view_submission_body

APP_ID = "A0TRIPDESK"


@dataclass
class Ack:
    envelope_id: str
    payload: dict[str, Any] | None
    connection: int  # which connection (1, 2, …) carried it
    received_at: float = field(default_factory=time.monotonic)


class SocketModeServer:
    def __init__(self) -> None:
        self.acks: list[Ack] = []
        self.sent: list[dict[str, Any]] = []  # every envelope and control message, in order
        self.refused: list[str] = []  # paths of connection attempts without a valid ticket
        self._tickets: set[str] = set()
        self._connections: list[ServerConnection] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server: Server | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> SocketModeServer:
        self._server = serve(
            self._serve_connection,
            "127.0.0.1",
            0,
            process_request=self._check_ticket,
            compression=None,  # Slack's client asks for no extension
            ping_interval=None,  # the client pings; answering is enough
            close_timeout=1,
        )
        threading.Thread(target=self._server.serve_forever, name="socket-mode-server", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server = None

    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.socket.getsockname()[1]

    def new_url(self) -> str:
        """What `apps.connections.open` answers: a URL good for one connection."""
        ticket = secrets.token_hex(8)
        with self._lock:
            self._tickets.add(ticket)
        return f"ws://127.0.0.1:{self.port}/link/?ticket={ticket}&app_id={APP_ID}"

    # -- connections -----------------------------------------------------------------------
    @property
    def connections(self) -> int:
        """How many connections have been opened so far."""
        with self._lock:
            return len(self._connections)

    def connected(self) -> bool:
        """Whether the newest connection is open."""
        current = self._current()
        return current is not None and current.state is State.OPEN

    def _current(self) -> ServerConnection | None:
        with self._lock:
            return self._connections[-1] if self._connections else None

    def _check_ticket(self, connection: ServerConnection, request):
        ticket = (parse_qs(urlsplit(request.path).query).get("ticket") or [""])[0]
        with self._lock:
            if ticket in self._tickets:
                self._tickets.discard(ticket)
                return None
            self.refused.append(request.path)
        return connection.respond(401, "invalid ticket\n")

    def _serve_connection(self, connection: ServerConnection) -> None:
        with self._lock:
            self._connections.append(connection)
            number = len(self._connections)
        self._send(
            connection,
            {
                "type": "hello",
                "num_connections": 1,
                "debug_info": {"host": "applink-local", "build_number": 1, "approximate_connection_time": 18060},
                "connection_info": {"app_id": APP_ID},
            },
        )
        try:
            for raw in connection:
                message = json.loads(raw)
                if isinstance(message, dict) and "envelope_id" in message:
                    with self._lock:
                        self.acks.append(Ack(message["envelope_id"], message.get("payload"), number))
        except ConnectionClosed:
            pass  # dropped: what was acknowledged is recorded

    def _send(self, connection: ServerConnection, message: dict[str, Any]) -> None:
        with self._lock:
            self.sent.append(message)
        connection.send(json.dumps(message))

    # -- Slack's side of the conversation --------------------------------------------------
    def envelope(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        envelope_id: str | None = None,
        retry_attempt: int | None = None,
        retry_reason: str | None = None,
    ) -> str:
        """Send one envelope on the open connection; returns its envelope_id."""
        current = self._current()
        assert current is not None, "no Socket Mode connection is open"
        envelope_id = envelope_id or f"{next(self._ids)}-{secrets.token_hex(12)}"
        message: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            # Events are answered by acknowledging alone; commands and interactivity may answer.
            "accepts_response_payload": kind != "events_api",
        }
        if kind == "events_api":
            message["retry_attempt"] = retry_attempt or 0
            message["retry_reason"] = retry_reason or ""
        self._send(current, message)
        return envelope_id

    def command(self, text: str, **fields) -> str:
        return self.envelope("slash_commands", command_payload(text, **fields))

    def action(self, action: dict, **fields) -> str:
        return self.envelope("interactive", action_payload(action, **fields))

    def submit(self, view: dict, **fields) -> str:
        return self.envelope("interactive", submission_payload(view, **fields))

    def event(self, event: dict, **fields) -> str:
        return self.envelope("events_api", event_payload(event, **fields))

    def disconnect(self, reason: str = "refresh_requested") -> None:
        """Slack's notice that this connection is about to go: the client should open another."""
        current = self._current()
        assert current is not None, "no Socket Mode connection is open"
        self._send(current, {"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-local"}})

    def close(self, code: int = 1001, reason: str = "") -> None:
        """Close the open connection with a close frame."""
        current = self._current()
        assert current is not None, "no Socket Mode connection is open"
        current.close(code, reason)

    def drop(self) -> None:
        """Lose the open connection as a failing network does: a reset, no close frame."""
        current = self._current()
        assert current is not None, "no Socket Mode connection is open"
        # Closed here first, with no lingering: a reset alone. Left to the connection, the close
        # could send a FIN first, which Slack's client reads as a quiet connection.
        current.socket.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        current.socket.close()
        current.close_socket()  # and the connection learns it is gone

    # -- what the client answered ----------------------------------------------------------
    def acks_for(self, envelope_id: str) -> list[Ack]:
        with self._lock:
            return [ack for ack in self.acks if ack.envelope_id == envelope_id]

    def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> Ack:
        deadline = time.monotonic() + timeout
        while not (acks := self.acks_for(envelope_id)):
            if time.monotonic() > deadline:
                raise AssertionError(f"envelope {envelope_id} was not acknowledged within {timeout} s")
            time.sleep(0.01)
        return acks[0]


# -- payloads, as Slack sends them over Socket Mode -------------------------------------------
def command_payload(text: str, **fields) -> dict[str, Any]:
    return dict(parse_qsl(command_body(text, **fields), keep_blank_values=True))


def action_payload(action: dict, **fields) -> dict[str, Any]:
    return _interaction(block_actions_body(dict(action), **fields))


def submission_payload(view: dict, **fields) -> dict[str, Any]:
    return _interaction(view_submission_body(view, **fields))


def event_payload(event: dict, **fields) -> dict[str, Any]:
    return json.loads(event_body(event, **fields))


def _interaction(form: str) -> dict[str, Any]:
    return json.loads(dict(parse_qsl(form))["payload"])
