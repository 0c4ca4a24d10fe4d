"""Placeholder; filled in by the work on issue 14."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from blocks.help import notice_message


def answer(ack: Ack, command: dict, context: BoltContext, client: WebClient, asked: object) -> None:
    ack(response_type="ephemeral", **notice_message("Not available yet."))
