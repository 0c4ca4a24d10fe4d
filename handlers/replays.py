"""A request Slack delivered before has no second effect, and one whose listener failed can be
delivered again.

Within the five minutes its signature stays valid, a captured request can be sent again; Slack
itself re-delivers an Events API event it thinks we missed (`X-Slack-Retry-Num`). Each request
is known by a key (`request_key`) taken in the database before its listener runs: a copy that
finds the key taken gets an empty 200 — in every replica, since they share the database. Once
the listener (and the work it left for after its answer) has returned the key is finished; if
it raised, the key is released, so that the next copy (Slack's retry) is handled. Commands and
clicks that only show something are recorded as finished when taken (`settled_at_once`): one
write per request, not two.

When the database cannot tell whether a request was seen, requests that change something
(forms, dialogs, buttons that write or post) are refused with "the schedule is unavailable", and
requests that only show something go ahead unrecorded: showing a listing twice does no harm.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable

from slack_bolt import App, BoltContext, BoltResponse

from blocks.event_card import ITINERARY_ACTION, OPEN_ACTION
from blocks.listing import MORE_ACTION, SUGGEST_ACTION_PREFIX
from handlers.context import desk
from services.replays import ReplayStoreUnavailable, failed, first_delivery, handled

log = logging.getLogger(__name__)
TAKEN = "replay_key"
SETTLED = "replay_settled"
FAILED = "replay_failed"


def request_key(body: dict) -> str | None:
    """What tells this request from every other one.

    A `trigger_id` is Slack's token for opening a view, not a request id: two clicks may share
    one. A click is therefore known by its trigger and the action itself (its id, block, time
    and value), a form submission by its trigger and the view's id and hash, a command by the
    command and its trigger, an event by its `event_id`.
    """
    if isinstance(event_id := body.get("event_id"), str):
        return _key("event", [event_id])
    trigger = body.get("trigger_id")
    if not isinstance(trigger, str):
        return None  # suggestions and closed forms: answering them twice changes nothing
    kind = body.get("type")
    if isinstance(command := body.get("command"), str):
        return _key("command", [command, trigger])
    if kind == "block_actions":
        actions = body.get("actions")
        return _key("action", [trigger, *map(_action_parts, actions if isinstance(actions, list) else [])])
    if kind == "view_submission":
        view = body.get("view")
        view_id, view_hash = (view.get("id"), view.get("hash")) if isinstance(view, dict) else (None, None)
        return _key("view", [trigger, view_id, view_hash])
    return _key(str(kind), [trigger])


def _action_parts(action: object) -> list:
    if not isinstance(action, dict):
        return [action]
    option = action.get("selected_option")
    chosen = option.get("value") if isinstance(option, dict) else None
    return [action.get(name) for name in ("action_id", "block_id", "action_ts", "value")] + [chosen]


def _key(kind: str, parts: list) -> str:
    """The parts as JSON, readable in the log; hashed when longer than the key column's 255
    characters (a block id alone may have 255)."""
    text = f"{kind[:32]}:{json.dumps(parts, separators=(',', ':'), sort_keys=True, default=str)}"
    return text if len(text) <= 255 else f"{kind[:32]}:sha256:{hashlib.sha256(text.encode()).hexdigest()}"


def changes_something(body: dict) -> bool:
    """Whether a request, run twice, could change the schedule or post twice.

    Commands count as showing: most only show (`/trip add` opens a form, which saves nothing),
    and the few that write (`follow`, `feeds add`, `feed rotate`) need the very database the key
    is kept in, so they cannot go ahead unrecorded while it is down; a copy within the key's
    lifetime is still dropped. So do the Home tab, Show more, a suggested name, a card's Itinerary and a reminder's
    Open event.
    """
    kind = body.get("type")
    if kind == "view_submission":
        return True
    if kind == "block_actions":
        actions = body.get("actions") if isinstance(body.get("actions"), list) else []
        return not actions or not all(isinstance(a, dict) and _only_shows(a.get("action_id")) for a in actions)
    return False


def _only_shows(action_id: object) -> bool:
    return isinstance(action_id, str) and (
        action_id in (MORE_ACTION, OPEN_ACTION, ITINERARY_ACTION) or action_id.startswith(SUGGEST_ACTION_PREFIX)
    )


def settled_at_once(body: dict) -> bool:
    """Whether the key is recorded as handled when it is taken: one write per request instead of
    two. On SQLite every write waits for the one writer, so a second write per request made
    concurrent readers queue behind each other.

    For the requests `changes_something` calls showing (commands, Show more, …), except Events
    API events: only a retry of the same request needs a key taken over after its replica died
    mid-request, and Slack retries only events (a form sent again is a change, kept as it was).
    If the listener fails, the key is forgotten, as any failed request's is.
    """
    return not changes_something(body) and not isinstance(body.get("event_id"), str)


def drop_replays(body: dict, context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse:
    """A global middleware: a copy of a request handled, or being handled, gets an empty 200."""
    key = request_key(body)
    if key is None:
        return next()
    ctx = desk(context)
    settled = settled_at_once(body)
    try:
        first = first_delivery(ctx.engine, key=key, now=ctx.clock(), settled=settled)
    except ReplayStoreUnavailable:
        if changes_something(body):
            raise  # handlers.errors.on_error says that the schedule is unavailable
        return next()
    if not first:
        log.info("replayed request ignored replay_id=%s", key)
        return BoltResponse(status=200, body="")
    context[TAKEN] = key
    context[SETTLED] = settled
    return next()


def note_failure(context: BoltContext) -> None:
    """From the error handler: the listener raised, so its request may be delivered again."""
    context[FAILED] = True


def listener_failed(context: BoltContext) -> bool:
    return bool(context.get(FAILED))


def settles(context: BoltContext) -> bool:
    """Whether this request's key is to be finished or released once its listener is done."""
    return isinstance(context.get(TAKEN), str) and (not context.get(SETTLED) or bool(context.get(FAILED)))


def after_listener(context: BoltContext) -> None:
    """Once the listener has returned or raised: finish its key, or release it."""
    key = context.get(TAKEN)
    if not isinstance(key, str) or not settles(context):
        return
    engine = desk(context).engine
    if context.get(FAILED):
        failed(engine, key=key, settled=bool(context.get(SETTLED)))
    else:
        handled(engine, key=key)


def install(app: App) -> None:
    """The check before every listener; `after_listener` is called by handlers/afterwards.py,
    once the listener and the work it left for after its answer are done."""
    app.middleware(drop_replays)
