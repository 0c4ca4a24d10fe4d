"""Reading what Slack sends: a form's values and metadata, the ids buttons carry.

Payloads come from clients that may send anything; each reader gives an empty or None value
for what is missing or wrongly typed, never an exception.
"""

from __future__ import annotations

import json

from domain.numbers import parse_count


def state_values(view: dict) -> dict:
    """The form's `view.state.values`, or nothing if a client sent something else."""
    state = view.get("state")
    values = state.get("values") if isinstance(state, dict) else None
    return values if isinstance(values, dict) else {}


def metadata(view: dict) -> dict:
    """What the form was opened with (`private_metadata`): the event and its version, the channel."""
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except (ValueError, TypeError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def submission_key(view: dict) -> str | None:
    """One form as the user submitted it: Slack changes a view's hash whenever the view changes."""
    view_id, view_hash = view.get("id"), view.get("hash")
    if not isinstance(view_id, str) or not isinstance(view_hash, str):
        return None
    return f"view:{view_id}:{view_hash}"[:255]


def event_id_of(value: object) -> int | None:
    """The event id a button's value or a form's metadata carries."""
    return parse_count(value)


def version_of(value: object) -> int | None:
    """The event version a form's metadata carries."""
    return parse_count(value)
