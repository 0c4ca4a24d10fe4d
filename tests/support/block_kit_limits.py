"""Slack's Block Kit limits, checked: the list of what a message or view would have refused.

Slack answers an over-limit payload with `invalid_blocks` and shows the user nothing, so every
payload the bot sends is checked against these in the tests.
"""

from __future__ import annotations

from typing import Any

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
SECTION_TEXT = 3000
SECTION_FIELDS = 10
FIELD_TEXT = 2000
HEADER_TEXT = 150
CONTEXT_ELEMENTS = 10
ACTIONS_ELEMENTS = 25
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
ACTION_ID = 255
BLOCK_ID = 255
VIEW_TITLE = 24
VIEW_BUTTON = 24
PRIVATE_METADATA = 3000
OPTION_TEXT = 75
PLACEHOLDER_TEXT = 150
# A plain-text input's max_length may be 1 to 3,000; its initial value must fit in it.
INPUT_MAX_LENGTH = 3000
OPTION_VALUE = 150
SELECT_OPTIONS = 100
OVERFLOW_OPTIONS = (1, 5)
MESSAGE_TEXT = 40000


def message_problems(message: dict[str, Any]) -> list[str]:
    problems = []
    text = message.get("text")
    if not isinstance(text, str) or not text.strip():
        problems.append("no plain-text fallback (text)")
    elif len(text) > MESSAGE_TEXT:
        problems.append(f"text is {len(text)} characters, over {MESSAGE_TEXT}")
    blocks = message.get("blocks") or []
    if len(blocks) > MESSAGE_BLOCKS:
        problems.append(f"{len(blocks)} blocks, over {MESSAGE_BLOCKS}")
    problems.extend(_blocks_problems(blocks))
    return problems


def view_problems(view: dict[str, Any]) -> list[str]:
    problems = []
    blocks = view.get("blocks") or []
    if len(blocks) > VIEW_BLOCKS:
        problems.append(f"{len(blocks)} blocks, over {VIEW_BLOCKS}")
    if view.get("type") == "modal":
        for key, limit in (("title", VIEW_TITLE), ("submit", VIEW_BUTTON), ("close", VIEW_BUTTON)):
            if key in view:
                problems.extend(_text_problems(view[key], limit, f"view {key}"))
        if "title" not in view:
            problems.append("modal has no title")
    if len(view.get("private_metadata", "")) > PRIVATE_METADATA:
        problems.append(f"private_metadata over {PRIVATE_METADATA} characters")
    problems.extend(_blocks_problems(blocks))
    return problems


def _blocks_problems(blocks: list[dict]) -> list[str]:
    problems = []
    block_ids = set()
    for index, block in enumerate(blocks):
        where = f"block {index} ({block.get('type')})"
        block_id = block.get("block_id")
        if block_id is not None:
            if block_id in block_ids:
                problems.append(f"{where}: duplicate block_id {block_id!r}")
            block_ids.add(block_id)
            problems.extend(_length(block_id, BLOCK_ID, f"{where} block_id"))
        kind = block.get("type")
        if kind == "section":
            if "text" not in block and "fields" not in block:
                problems.append(f"{where}: a section needs text or fields")
            if "text" in block:
                problems.extend(_text_problems(block["text"], SECTION_TEXT, where))
            fields = block.get("fields", [])
            if len(fields) > SECTION_FIELDS:
                problems.append(f"{where}: {len(fields)} fields, over {SECTION_FIELDS}")
            for field in fields:
                problems.extend(_text_problems(field, FIELD_TEXT, f"{where} field"))
            if "accessory" in block:
                problems.extend(_element_problems(block["accessory"], where))
        elif kind == "header":
            problems.extend(_text_problems(block.get("text"), HEADER_TEXT, where))
        elif kind == "context":
            elements = block.get("elements", [])
            if not 0 < len(elements) <= CONTEXT_ELEMENTS:
                problems.append(f"{where}: {len(elements)} elements, allowed 1 to {CONTEXT_ELEMENTS}")
            for element in elements:
                if element.get("type") in ("mrkdwn", "plain_text"):
                    problems.extend(_text_problems(element, SECTION_TEXT, where))
        elif kind == "actions":
            elements = block.get("elements", [])
            if not 0 < len(elements) <= ACTIONS_ELEMENTS:
                problems.append(f"{where}: {len(elements)} elements, allowed 1 to {ACTIONS_ELEMENTS}")
            for element in elements:
                problems.extend(_element_problems(element, where))
        elif kind == "input":
            problems.extend(_text_problems(block.get("label"), FIELD_TEXT, f"{where} label"))
            if "hint" in block:
                problems.extend(_text_problems(block["hint"], FIELD_TEXT, f"{where} hint"))
            problems.extend(_element_problems(block.get("element", {}), where))
    return problems


def _element_problems(element: dict, where: str) -> list[str]:
    problems = []
    kind = element.get("type")
    problems.extend(_length(element.get("action_id", ""), ACTION_ID, f"{where} action_id"))
    if kind == "button":
        problems.extend(_text_problems(element.get("text"), BUTTON_TEXT, f"{where} button"))
        problems.extend(_length(element.get("value", ""), BUTTON_VALUE, f"{where} button value"))
    if kind == "plain_text_input":
        max_length = element.get("max_length", INPUT_MAX_LENGTH)
        if not 1 <= max_length <= INPUT_MAX_LENGTH:
            problems.append(f"{where}: max_length {max_length}, allowed 1 to {INPUT_MAX_LENGTH}")
        problems.extend(
            _length(element.get("initial_value", ""), min(max_length, INPUT_MAX_LENGTH), f"{where} initial_value")
        )
    if "placeholder" in element:
        problems.extend(_text_problems(element["placeholder"], PLACEHOLDER_TEXT, f"{where} placeholder"))
    options = element.get("options", [])
    if kind == "overflow" and not OVERFLOW_OPTIONS[0] <= len(options) <= OVERFLOW_OPTIONS[1]:
        problems.append(f"{where}: overflow with {len(options)} options")
    if len(options) > SELECT_OPTIONS:
        problems.append(f"{where}: {len(options)} options, over {SELECT_OPTIONS}")
    for option in options:
        problems.extend(_text_problems(option.get("text"), OPTION_TEXT, f"{where} option"))
        problems.extend(_length(option.get("value", ""), OPTION_VALUE, f"{where} option value"))
    return problems


def _text_problems(text: Any, limit: int, where: str) -> list[str]:
    if not isinstance(text, dict) or text.get("type") not in ("plain_text", "mrkdwn"):
        return [f"{where}: missing or malformed text object"]
    value = text.get("text", "")
    if not value:
        return [f"{where}: empty text"]
    return _length(value, limit, where)


def _length(value: str, limit: int, where: str) -> list[str]:
    return [f"{where}: {len(value)} characters, over {limit}"] if len(value) > limit else []
