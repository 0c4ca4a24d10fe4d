"""The check before a listener acts on an event: is it still on the schedule, and may this
user change it?

A failed check raises `Refused` with the words for the user; each listener says them the way
its interaction allows (a reply under the message, an error under a form field, a dialog).
"""

from __future__ import annotations

from slack_bolt import BoltContext
from slack_sdk import WebClient

from domain.records import EventRecord
from handlers.context import desk, team_id
from handlers.payloads import event_id_of
from services.editing import load_event

GONE = "That event is no longer on the schedule."
REFUSED = (
    "Only the desk's editors can change the schedule. Ask one of them, or an admin to add you to TRIPDESK_EDITORS."
)


class Refused(Exception):
    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


def may_edit(context: BoltContext, client: WebClient, user_id: str) -> bool:
    return desk(context).editors.allows(user_id, lambda group: client.usergroups_users_list(usergroup=group)["users"])


def require_editor(context: BoltContext, client: WebClient, user_id: str) -> None:
    if not may_edit(context, client, user_id):
        raise Refused(REFUSED)


def require_event(context: BoltContext, raw_id: object, *, gone: str = GONE) -> EventRecord:
    """The event `raw_id` (as a button or a form carries it) names, if it is still on the schedule."""
    event_id = event_id_of(raw_id)
    event = (
        load_event(desk(context).engine, team_id=team_id(context), event_id=event_id) if event_id is not None else None
    )
    if event is None:
        raise Refused(gone)
    return event


def editable_event(context: BoltContext, client: WebClient, *, user_id: str, raw_id: object) -> EventRecord:
    """The event named by `raw_id`, for a user who may change it: "gone" is said before "not allowed"."""
    event = require_event(context, raw_id)
    require_editor(context, client, user_id)
    return event
