"""What a user sees when a listener fails: a clear line in Slack, never a 500.

The database being unreachable (restarting, locked by another writer, full) is said as such,
with a suggestion to try again — so is a change refused because the database could not tell
whether it was a replay (handlers/replays.py); anything else is logged with its traceback and the request
id, which the user is given to pass on.
"""

from __future__ import annotations

import json
import logging

from slack_bolt import BoltContext, BoltResponse, Respond

from blocks.help import notice_message
from blocks.notices import notice_view
from handlers.replays import note_failure
from handlers.replies import UNAVAILABLE, tell
from infra.logs import request_id
from services.health import database_unavailable
from services.replays import ReplayStoreUnavailable

log = logging.getLogger(__name__)


def _unavailable(error: Exception) -> bool:
    return isinstance(error, ReplayStoreUnavailable) or database_unavailable(error)


def failure_text(error: Exception) -> str:
    if _unavailable(error):
        return UNAVAILABLE
    reference = request_id()
    text = "Something went wrong in TripDesk."
    return f"{text} If it happens again, give your admin this reference: {reference}." if reference else text


def on_error(
    error: Exception, body: dict, context: BoltContext, response: BoltResponse | None, respond: Respond | None
) -> None:
    note_failure(context)
    kind = body.get("type") or body.get("command")
    team = (body.get("team") or {}).get("id") or body.get("team_id")
    user = (body.get("user") or {}).get("id") or body.get("user_id")
    if _unavailable(error):
        log.warning("database unavailable type=%s team=%s user=%s error=%s", kind, team, user, type(error).__name__)
    else:
        log.error("listener failed type=%s team=%s user=%s", kind, team, user, exc_info=error)
    text = failure_text(error)
    answer = _answer(body, text)
    if response is not None:  # not acknowledged yet: the answer to this request can say it
        response.status, response.body = 200, json.dumps(answer) if answer else ""
        response.headers["content-type"] = ["application/json;charset=utf-8"]
    if (response is None or answer is None) and respond is not None and body.get("response_url"):
        tell(respond, notice_message(text), replace_original=False)


def _answer(body: dict, text: str) -> dict | None:
    """The HTTP answer that shows `text`, for the requests whose answer Slack shows."""
    if body.get("type") == "view_submission":
        # Shown under the form's first input, which keeps what the user typed.
        inputs = [b.get("block_id") for b in (body.get("view") or {}).get("blocks", []) if b.get("type") == "input"]
        if inputs:
            return {"response_action": "errors", "errors": {inputs[0]: text}}
        # A confirmation without inputs: the dialog itself says it, instead of closing unanswered.
        return {"response_action": "update", "view": notice_view("Nothing done", text)}
    if body.get("command"):
        return {"response_type": "ephemeral", **notice_message(text)}
    return None
