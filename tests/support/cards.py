"""The controls on an event card in a `/trip` reply, and clicking them as Slack sends clicks."""

from __future__ import annotations

import json


def card_controls(bot, query: str, **fields) -> tuple[dict, dict[str, dict]]:
    """The first card's overflow options by action (edit, cancel, ...) and its buttons by action_id."""
    message = json.loads(bot.command(query, **fields).text)
    section = next(b for b in message["blocks"] if b.get("accessory", {}).get("action_id") == "event_menu")
    menu = {o["value"].split(":")[0]: o for o in section["accessory"]["options"]}
    buttons = {
        e["action_id"]: e
        for b in message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] in ("cover_me", "assign")
    }
    return menu, buttons


def choose(bot, fake_slack, option: dict, **fields):
    """Pick `option` in the card's overflow menu."""
    return bot.action(
        {"type": "overflow", "action_id": "event_menu", "selected_option": option},
        response_url=fake_slack.response_url("menu"),
        **fields,
    )


def buttons(message: dict) -> dict[str, dict]:
    """A message's buttons by action id."""
    return {e["action_id"]: e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]}
