"""Try TripDesk without a Slack workspace.

Each line typed (or piped in) becomes a signed slash-command request dispatched to the same
Bolt app that serves Slack. Its Web API calls go over loopback to a local stand-in for Slack,
and what the app answers or sends is printed as text. The console has its own workspace id,
so its data never mixes with a real workspace's.
"""

from __future__ import annotations

import json
import secrets
import sys
import time
from collections.abc import Iterable
from dataclasses import replace
from typing import TextIO
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from slack_bolt import App
from slack_sdk.signature import SignatureVerifier

from handlers.context import AppContext
from tripdesk.console_render import render_message, render_view
from tripdesk.local_slack import RESPONSE_URL_METHOD, Call, LocalSlack
from tripdesk.slack_request import SlackRequest

TEAM_ID = "T0CONSOLE"
USER_ID = "U0CONSOLE"
CHANNEL_ID = "C0CONSOLE"
PROMPT = "tripdesk> "


def _printer(out: TextIO, reader_tz: ZoneInfo):
    """Show what the bot sends to Slack, as the desk would see it."""

    def show(call: Call) -> None:
        if call.method.startswith("chat.") or call.method == RESPONSE_URL_METHOD:
            where = call.payload.get("channel") or "the conversation"
            out.write(f"[{call.method} to {where}]\n{render_message(call.payload, reader_tz)}\n")
        elif call.method.startswith("views."):
            out.write(f"[{call.method}]\n{render_view(call.payload.get('view') or {}, reader_tz)}\n")

    return show


class Console:
    def __init__(self, app: App, signing_secret: str, response_url: str, out: TextIO, reader_tz: ZoneInfo):
        self.app = app
        self.response_url = response_url
        self.verifier = SignatureVerifier(signing_secret)
        self.out = out
        self.reader_tz = reader_tz

    def run(self, lines: Iterable[str], interactive: bool) -> None:
        if interactive:
            self.out.write("Type /trip help, /trip blinken, /trip paris … (Ctrl-D or 'quit' to leave)\n" + PROMPT)
            self.out.flush()
        for raw in lines:
            line = raw.strip()
            if line in ("quit", "exit"):
                break
            if line:
                self.handle(line)
            if interactive:
                self.out.write(PROMPT)
                self.out.flush()

    def handle(self, line: str) -> None:
        command, _, text = line.partition(" ")
        if command != "/trip":
            self.out.write("Only /trip is available here: try /trip help\n")
            return
        response = self.app.dispatch(self._request(command, text.strip()))
        if response.status != 200:
            self.out.write(f"(the app answered HTTP {response.status})\n")
        elif response.body:
            self.out.write(render_message(json.loads(response.body), self.reader_tz) + "\n")

    def _request(self, command: str, text: str) -> SlackRequest:
        body = urlencode(
            {
                "token": "console",
                "team_id": TEAM_ID,
                "team_domain": "console",
                "channel_id": CHANNEL_ID,
                "channel_name": "console",
                "user_id": USER_ID,
                "user_name": "you",
                "command": command,
                "text": text,
                "api_app_id": "A0CONSOLE",
                "response_url": self.response_url,
                "trigger_id": secrets.token_hex(8),
            }
        )
        timestamp = str(int(time.time()))
        headers = {
            "content-type": "application/x-www-form-urlencoded",
            "x-slack-request-timestamp": timestamp,
            "x-slack-signature": self.verifier.generate_signature(timestamp=timestamp, body=body),
        }
        return SlackRequest(body=body, headers=headers)


def run_console(
    ctx: AppContext, make_app, *, reader_tz: ZoneInfo, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout
) -> None:
    """Run the console on `ctx`, building the app with `make_app(ctx)`."""
    slack = LocalSlack(team_id=TEAM_ID, on_call=_printer(out, reader_tz)).start()
    # Requests are signed and verified as Slack's are, with a secret that lives as long as the console.
    secret = secrets.token_hex(32)
    settings = replace(
        ctx.settings, slack_bot_token="xoxb-console", slack_signing_secret=secret, slack_api_url=slack.base_url
    )
    app = None
    try:
        app = make_app(replace(ctx, settings=settings))
        Console(app, secret, slack.response_url("console"), out, reader_tz).run(stdin, interactive=stdin.isatty())
    finally:
        if app is not None:
            # Work a listener does after its acknowledgement (a feed's first sync, reported
            # through the response_url) must reach the local Slack before it stops.
            app.listener_runner.listener_executor.shutdown(wait=True)
        slack.stop()
