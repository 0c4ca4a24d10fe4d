"""Drafting from a story in Slack: the paste form, the "Reading the story…" view, the drafts
with their checkboxes and Review buttons, and the add/edit form filled in from a draft."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from dataclasses import fields
from datetime import date
from typing import Any

from blocks.event_card import event_line
from blocks.notices import notice_view
from blocks.text import escape, escaped, mrkdwn, plain, shorten
from domain.event_form import FormValues
from domain.numbers import parse_count
from domain.records import EventRecord
from domain.stories.model import StoryDraft
from domain.stories.review import DraftMatch, status_text, ticked_by_default, when_text, where_text, who_text
from domain.timetext import day_text

PASTE_CALLBACK = "story_paste"
DRAFTS_CALLBACK = "story_drafts"
REVIEW_CALLBACK = "draft_review"
REVIEW_ACTION = "draft_review"
UPDATE_ACTION = "draft_update"
STORY_FIELD = "story"
PUBLISHED_FIELD = "published"
CHANNEL_FIELD = "channel"
PICK = "pick"
TITLE = "Drafts from a story"
# Slack's most for a plain_text_input.
STORY_MAX = 3000
# What is read of a story shared from a message: a long wire story's first 10,000 characters
# carry its news; the rest is background.
STORY_READ_MAX = 10_000
# Four blocks a draft, and the view's 100: the rest is said to be left out.
MAX_SHOWN = 20
EVIDENCE_CHARS = 600


def draft_block_id(index: int) -> str:
    return f"draft_{index}"


def _metadata(data: Mapping[str, Any]) -> str:
    return json.dumps(dict(data), separators=(",", ":"))


def paste_view(*, metadata: Mapping[str, Any]) -> dict:
    return {
        "type": "modal",
        "callback_id": PASTE_CALLBACK,
        "title": plain(TITLE, 24),
        "submit": plain("Read it", 24),
        "close": plain("Cancel", 24),
        "private_metadata": _metadata(metadata),
        "blocks": [
            {
                "type": "input",
                "block_id": STORY_FIELD,
                "label": plain("The story"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": STORY_FIELD,
                    "multiline": True,
                    "max_length": STORY_MAX,
                    "placeholder": plain("PARIS, April 1 (Reuters) - US Secretary of State Antony Blinken will…"),
                },
                "hint": plain(
                    f"Paste the wire copy with its dateline, up to {STORY_MAX:,} characters. "
                    "TripDesk keeps the events it finds, not the story."
                ),
            },
            {
                "type": "input",
                "block_id": PUBLISHED_FIELD,
                "optional": True,
                "label": plain("Published on"),
                "element": {"type": "datepicker", "action_id": PUBLISHED_FIELD},
                "hint": plain(
                    "What “on Tuesday” and “in July” are read against. Empty: the dateline's date, else today."
                ),
            },
        ],
    }


def reading_view() -> dict:
    """Shown at once, while the story is read (a second or two)."""
    return {
        "type": "modal",
        "title": plain(TITLE, 24),
        "close": plain("Cancel", 24),
        "blocks": [{"type": "section", "text": mrkdwn(":hourglass_flowing_sand: Reading the story…")}],
    }


def failed_view(text: str) -> dict:
    return notice_view(TITLE, text)


def drafts_view(
    *,
    set_id: int,
    reference: date,
    drafts: Sequence[StoryDraft],
    outcomes: Mapping[int, Mapping[str, Any]],
    matches: Sequence[DraftMatch | None],
    channel_id: str | None,
    editor: bool,
    today: date | None = None,
) -> dict:
    """Each draft with a checkbox and a Review button; drafts the schedule has, and drafts
    already past on `today`, are unticked."""
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": DRAFTS_CALLBACK,
        "title": plain(TITLE, 24),
        "close": plain("Close", 24),
        "private_metadata": _metadata({"d": set_id}),
    }
    if not drafts:
        view["blocks"] = [
            {
                "type": "section",
                "text": mrkdwn(
                    "TripDesk found no events in this story: no sentence says who meets or visits whom, "
                    "where and when. Add the event with `/trip add`."
                ),
            }
        ]
        return view
    intro = (
        f"{len(drafts)} draft{'s' if len(drafts) != 1 else ''}, dates read against {day_text(reference)}. "
        "Check each against the sentence it came from: tick the ones to add as they are, or Review one "
        "to correct it first."
    )
    if not editor:
        intro += " Only the desk's editors can add them to the schedule."
    blocks: list[dict] = [{"type": "context", "elements": [mrkdwn(intro)]}]
    pending = [i for i in range(min(len(drafts), MAX_SHOWN)) if i not in outcomes]
    if editor and pending:
        blocks.append(_channel_input(channel_id))
        view["submit"] = plain("Add selected", 24)
    for index, draft in enumerate(drafts[:MAX_SHOWN]):
        match = matches[index] if index < len(matches) else None
        blocks += _draft_blocks(index, draft, reference, match, outcomes.get(index), editor=editor, today=today)
    if len(drafts) > MAX_SHOWN:
        left = len(drafts) - MAX_SHOWN
        blocks.append(
            {
                "type": "context",
                "elements": [
                    mrkdwn(f"{left} more draft{'s' if left != 1 else ''} not shown: add them with `/trip add`.")
                ],
            }
        )
    view["blocks"] = blocks
    return view


def _channel_input(channel_id: str | None) -> dict:
    element: dict[str, Any] = {
        "type": "conversations_select",
        "action_id": CHANNEL_FIELD,
        "default_to_current_conversation": True,
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if channel_id:
        element["initial_conversation"] = channel_id
    return {
        "type": "input",
        "block_id": CHANNEL_FIELD,
        "optional": True,
        "label": plain("Reminders and change notices go to"),
        "element": element,
        "hint": plain("Empty: the newsroom's default channel."),
    }


def _draft_blocks(
    index: int,
    draft: StoryDraft,
    reference: date,
    match: DraftMatch | None,
    outcome: Mapping[str, Any] | None,
    *,
    editor: bool,
    today: date | None,
) -> list[dict]:
    lines = [
        f"*{escaped(draft.title, 150)}*",
        f":calendar: {escape(when_text(draft, reference))}  ·  :round_pushpin: {escaped(where_text(draft), 300)}",
        f":busts_in_silhouette: {escaped(who_text(draft), 500)}  ·  {status_text(draft)}",
    ]
    sentence = {"type": "context", "elements": [mrkdwn(f"“{escaped(draft.evidence, EVIDENCE_CHARS)}”")]}
    if outcome is not None:
        verb = "Updated on the schedule" if outcome.get("done") == "updated" else "Added to the schedule"
        lines.append(f":white_check_mark: {verb}: *{escaped(str(outcome.get('title', '')), 150)}*")
        return [{"type": "section", "block_id": f"draft_text_{index}", "text": mrkdwn("\n".join(lines))}, sentence]
    buttons = [_button("Review", REVIEW_ACTION, index)]
    if match is not None:
        lines.append(f":warning: Already on the schedule: *{escaped(event_line(match.event), 300)}*")
        if match.adds:
            adds = " and ".join(a.text for a in match.adds)
            lines.append(f":sparkles: The story adds {escaped(adds, 300)}: update that event instead.")
            buttons.append(_button("Update that event", UPDATE_ACTION, index))
    elif draft.start is None:
        lines.append(":grey_question: No date in the story: Review it to set one.")
    elif draft.happened:
        lines.append(":rewind: Already happened: it would be added as a record of a past event.")
    blocks: list[dict] = [
        {"type": "section", "block_id": f"draft_text_{index}", "text": mrkdwn("\n".join(lines))},
        sentence,
    ]
    if editor:
        option = {"text": plain(shorten(f"Add “{draft.title}”", 75)), "value": "yes"}
        element: dict[str, Any] = {"type": "checkboxes", "action_id": PICK, "options": [option]}
        if ticked_by_default(draft, on_schedule=match is not None, today=today):
            element["initial_options"] = [option]
        blocks.append(
            {
                "type": "input",
                "block_id": draft_block_id(index),
                "optional": True,
                "label": plain("Add to the schedule"),
                "element": element,
            }
        )
        # Review and Update open the add/edit form, which only editors may save.
        blocks.append({"type": "actions", "block_id": f"draft_actions_{index}", "elements": buttons})
    return blocks


def _button(text: str, action_id: str, index: int) -> dict:
    return {"type": "button", "text": plain(text, 75), "action_id": action_id, "value": str(index)}


def added_view(events: Sequence[EventRecord], *, channel_id: str | None) -> dict:
    where = f" A notice for each went to <#{channel_id}>." if channel_id else ""
    count = f"{len(events)} event{'s' if len(events) != 1 else ''}"
    lines = "\n".join(f"• {escape(event_line(e))}" for e in events[:40])
    return {
        "type": "modal",
        "title": plain("Added", 24),
        "close": plain("Done", 24),
        "blocks": [
            {"type": "section", "text": mrkdwn(f":white_check_mark: Added {count} to the schedule.{where}")},
            {"type": "section", "text": mrkdwn(shorten(lines, 3000))},
        ],
    }


# -- The add/edit form, filled in from a draft ---------------------------------------------------
def prefilled(view: dict, values: Mapping[str, Any], *, callback_id: str, metadata: Mapping[str, Any]) -> dict:
    """The add/edit form `view` with its inputs set to `values` (form field name → value).

    The form names each input's block after the field it fills, so any of its fields can be
    set here without the form knowing about drafts.
    """
    filled = copy.deepcopy(view)
    filled["callback_id"] = callback_id
    filled["private_metadata"] = _metadata(metadata)
    for block in filled["blocks"]:
        name = block.get("block_id")
        if block.get("type") == "input" and name in values:
            _set_initial(block["element"], values[name])
    return filled


def form_fields(form: FormValues) -> dict[str, Any]:
    """The form values as `prefilled` takes them."""
    values: dict[str, Any] = {f.name: getattr(form, f.name) for f in fields(form)}
    values["past_record"] = ["yes"] if form.past_record else []
    values["lead_times"] = list(form.lead_times)
    return values


def _set_initial(element: dict, value: Any) -> None:
    kind = element.get("type")
    if kind in ("plain_text_input", "url_text_input"):
        _put(element, "initial_value", shorten(value, element.get("max_length", 3000)) if value else None)
    elif kind == "datepicker":
        _put(element, "initial_date", value)
    elif kind == "timepicker":
        _put(element, "initial_time", value)
    elif kind == "conversations_select":
        _put(element, "initial_conversation", value)
    elif kind in ("static_select", "radio_buttons"):
        option = next((o for o in element.get("options", []) if o["value"] == value), None)
        if option is not None:
            element["initial_option"] = option
    elif kind == "external_select":
        current = element.get("initial_option") or {}
        if value and value != current.get("value"):
            element["initial_option"] = {"text": plain(shorten(str(value).replace("_", " "), 75)), "value": value}
    elif kind in ("checkboxes", "multi_static_select"):
        chosen = [o for o in element.get("options", []) if o["value"] in (value or [])]
        _put(element, "initial_options", chosen or None)


def _put(element: dict, key: str, value: Any) -> None:
    if value:
        element[key] = value
    else:
        element.pop(key, None)


# -- Reading submissions --------------------------------------------------------------------------
def _element(values: Any, name: str, action_id: str | None = None) -> dict:
    block = values.get(name) if isinstance(values, dict) else None
    found = block.get(action_id or name) if isinstance(block, dict) else None
    return found if isinstance(found, dict) else {}


def read_paste(values: Any) -> tuple[str, str | None]:
    """The pasted story and the publication date as typed (None when left empty)."""
    text = _element(values, STORY_FIELD).get("value")
    published = _element(values, PUBLISHED_FIELD).get("selected_date")
    return (text if isinstance(text, str) else ""), (published if isinstance(published, str) else None)


def read_picks(values: Any) -> list[int]:
    """The indexes of the ticked drafts."""
    picked = []
    for name in values if isinstance(values, dict) else {}:
        index = parse_count(name[6:]) if isinstance(name, str) and name.startswith("draft_") else None
        if index is None:
            continue
        options = _element(values, name, PICK).get("selected_options")
        if isinstance(options, list) and any(isinstance(o, dict) and o.get("value") == "yes" for o in options):
            picked.append(index)
    return sorted(picked)


def read_channel(values: Any) -> str | None:
    channel = _element(values, CHANNEL_FIELD).get("selected_conversation")
    return channel if isinstance(channel, str) and channel else None
