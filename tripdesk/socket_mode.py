"""Socket Mode: Slack's requests over a WebSocket that the bot opens itself, for newsrooms whose
firewall lets no request in.

Bolt's handler dispatches each envelope and acknowledges it with the listener's answer. This one
also gives each request an id and logs it in the same line as the HTTP server does, and helps
Slack's client notice a lost connection sooner: the client finds a connection that was closed
or reset only at its next check (a ping), and opens a new one then.
"""

from __future__ import annotations

import logging
import socket
import time
from contextlib import suppress

from slack_bolt import App, BoltRequest
from slack_bolt.adapter.socket_mode import SocketModeHandler as BoltSocketModeHandler
from slack_bolt.adapter.socket_mode.internals import build_headers, send_response
from slack_sdk.errors import SlackClientNotConnectedError
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest

from infra.logs import request_scope
from tripdesk.server import log_request

log = logging.getLogger(__name__)

# Seconds between checks of the connection. With Bolt's 10, commands failed for up to 10 seconds
# after Slack closed a connection; a ping every 2 seconds costs nothing.
PING_INTERVAL = 2.0


class SocketModeHandler(BoltSocketModeHandler):
    client: SocketModeClient

    def __init__(self, app: App, app_token: str | None, *, ping_interval: float = PING_INTERVAL):
        super().__init__(app, app_token, ping_interval=ping_interval)

    def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        started, started_at = time.perf_counter(), time.time()
        with request_scope():
            request = BoltRequest(mode="socket_mode", body=req.payload, headers=build_headers(req))
            response = self.app.dispatch(request)
            log_request(request, response.status, started, req.retry_attempt)
            session = client.current_session
            try:
                send_response(client, req, response, started_at)
            except SlackClientNotConnectedError:
                # The connection went while the request was handled. Left open, a connection
                # whose reset the acknowledgement consumed reads as merely quiet, and the client
                # would wait for five failed pings before replacing it.
                log.warning("acknowledgement not sent: the connection to Slack was lost envelope=%s", req.envelope_id)
                if session is not None and client.current_session is session:
                    session.close()

    def close(self) -> None:
        # Closing waits for the connection's reader, which waits up to 3 seconds for data: wake it.
        session = self.client.current_session
        sock = session.sock if session is not None else None
        if sock is not None:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        super().close()
