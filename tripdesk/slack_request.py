"""Turning an HTTP request from Slack into Bolt's request, with a correct reading of form bodies.

slack-bolt 1.30 decides that a form body is an interactivity payload when the word "payload"
appears anywhere in it, then finds no `payload` field and hands the listeners an empty body: a
`/trip payload` — or a command from a channel or user whose name contains the word — went
unanswered (404). The decision here is made on the parsed fields instead.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt import BoltContext, BoltRequest
from slack_bolt.request.internals import build_context


def form_body(raw: str) -> dict[str, Any]:
    fields = dict(parse_qsl(raw, keep_blank_values=True))
    if "payload" not in fields:
        return fields
    try:
        payload = json.loads(fields["payload"])
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}


class SlackRequest(BoltRequest):
    def __init__(
        self,
        *,
        body: str,
        query: Mapping[str, Any] | str | None = None,
        headers: Mapping[str, Any] | None = None,
        context: Mapping[str, Any] | None = None,
    ):
        super().__init__(body=body, query=query, headers=headers, context=context)  # type: ignore[arg-type]
        is_json = self.content_type == "application/json" or (not self.content_type and body.startswith("{"))
        if body and not is_json:
            if body.lstrip().startswith(("{", "[")):
                # Slack sends interactivity as a `payload=` field: a bare JSON body labelled as a
                # form comes from something else (the server answers 400).
                raise ValueError("a JSON body sent as a form")
            self.body = form_body(body)
            self.context = build_context(BoltContext(context or {}), self.body)

    def to_copyable(self) -> SlackRequest:
        # Bolt's own copy (for lazy listeners) would parse the body its way again.
        return SlackRequest(
            body=self.raw_body, query=self.query, headers=self.headers, context=self.context.to_copyable()
        )
