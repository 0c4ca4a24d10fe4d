"""Answering a modal as Slack does: state values keyed by the view's own block_id and action_id,
typed per element, with untouched inputs keeping their initial values."""

from __future__ import annotations

import secrets
from typing import Any


def _option(element: dict, value: str) -> dict:
    for option in element.get("options", []):
        if option["value"] == value:
            return option
    # External selects have no options in the view: Slack echoes what the options request gave.
    return {"text": {"type": "plain_text", "text": value}, "value": value}


def state_for(view: dict, values: dict[str, Any]) -> dict:
    state: dict[str, dict] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element, block_id = block["element"], block["block_id"]
        kind = element["type"]
        given = values.get(block_id, _initial(element))
        entry: dict[str, Any] = {"type": kind}
        if kind in ("plain_text_input", "url_text_input"):
            entry["value"] = given if given not in ("", None) else None
        elif kind in ("static_select", "external_select", "radio_buttons"):
            entry["selected_option"] = _option(element, given) if given is not None else None
        elif kind in ("multi_static_select", "checkboxes"):
            entry["selected_options"] = [_option(element, v) for v in (given or [])]
        elif kind == "datepicker":
            entry["selected_date"] = given
        elif kind == "timepicker":
            entry["selected_time"] = given
        elif kind == "conversations_select":
            entry["selected_conversation"] = given
        elif kind == "multi_users_select":
            entry["selected_users"] = list(given or [])
        state[block_id] = {element["action_id"]: entry}
    return {"values": state}


def _initial(element: dict) -> Any:
    kind = element["type"]
    if kind in ("plain_text_input", "url_text_input"):
        return element.get("initial_value")
    if kind in ("static_select", "external_select", "radio_buttons"):
        return (element.get("initial_option") or {}).get("value")
    if kind in ("multi_static_select", "checkboxes"):
        return [o["value"] for o in element.get("initial_options") or []]
    if kind == "datepicker":
        return element.get("initial_date")
    if kind == "timepicker":
        return element.get("initial_time")
    if kind == "conversations_select":
        return element.get("initial_conversation")
    if kind == "multi_users_select":
        return element.get("initial_users")
    return None


def submission(view: dict, values: dict[str, Any], *, view_id: str | None = None, view_hash: str | None = None) -> dict:
    """The `view` part of a view_submission payload for `view` filled with `values`; each opened
    view has an id and a hash of its own unless they are given."""
    view_id = view_id or f"V{secrets.token_hex(5).upper()}"
    return {
        "id": view_id,
        "team_id": "T0NEWSROOM",
        "type": "modal",
        "callback_id": view.get("callback_id", ""),
        "private_metadata": view.get("private_metadata", ""),
        "title": view.get("title"),
        "blocks": view["blocks"],
        "state": state_for(view, values),
        "hash": view_hash or f"1712000000.{secrets.token_hex(4)}",
        "previous_view_id": None,
        "root_view_id": view_id,
        "app_id": "A0TRIPDESK",
    }
