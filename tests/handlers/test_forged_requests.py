"""Dialogs and forms submitted by someone who may not, from another workspace, or with forged
`private_metadata`; an interactivity body that is not URL-encoded. Nothing changes, and the
answer says why."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import pytest
from sqlmodel import select

from storage.db import session
from storage.models import Event
from tests.support.cards import card_controls, choose
from tests.support.forms import VALID, answer, open_form
from tests.support.slack_requests import block_actions_body
from tests.support.views import submission
from tests.support.waiting import wait_for_calls

OTHER = "T0OTHER"
READER = "U0READER"


@pytest.fixture
def dialogs(desk, fake_slack) -> dict[str, dict]:
    """An event of T0NEWSROOM, and the cancel, delete, assign and edit dialogs its editor opened."""
    assert answer(desk, open_form(desk, fake_slack)["view"])["response_action"] == "update"
    menu, buttons = card_controls(desk, "macron")
    for verb in ("cancel", "delete", "edit"):
        choose(desk, fake_slack, menu[verb])
    desk.action({"type": "button", "action_id": "assign", "value": buttons["assign"]["value"]})
    opened = [c.payload["view"] for c in wait_for_calls(fake_slack, "views.open", 5)[1:]]
    return {_dialog_name(view): view for view in opened}


def _dialog_name(view: dict) -> str:
    if view["callback_id"] == "event_confirm":
        return json.loads(view["private_metadata"])["do"]
    return {"event_form": "edit", "event_assign": "assign"}[view["callback_id"]]


def snapshot(engine) -> list[tuple]:
    with session(engine) as db:
        return [
            (e.team_id, e.version, e.status, e.venue, e.deleted_at, [c.user_id for c in e.coverage])
            for e in db.exec(select(Event)).unique()
        ]


def submit(desk, view: dict, values: dict | None = None, **fields) -> dict:
    response = desk.submit(submission(view, values or {}), **fields)
    assert response.status_code == 200
    return json.loads(response.text) if response.text else {}


def test_a_non_editor_cannot_confirm_cancel_delete_or_assign(desk, dialogs, engine):
    before = snapshot(engine)
    for verb in ("cancel", "delete"):
        refused = submit(desk, dialogs[verb], user_id=READER)
        assert refused["response_action"] == "update" and "Only the desk's editors" in json.dumps(refused["view"])
    refused = submit(desk, dialogs["assign"], {"assignees": [READER]}, user_id=READER)
    assert "Only the desk's editors" in refused["errors"]["assignees"]
    refused = submit(desk, dialogs["edit"], {**VALID, "venue": "Quai d'Orsay"}, user_id=READER)
    assert "Only the desk's editors" in refused["errors"]["title"]
    assert snapshot(engine) == before


def test_another_workspace_cannot_use_the_dialogs_of_this_one(desk, dialogs, engine):
    before = snapshot(engine)
    for verb in ("cancel", "delete"):
        refused = submit(desk, dialogs[verb], team_id=OTHER)
        assert refused["response_action"] == "update" and "Nothing was changed" in json.dumps(refused["view"])
    refused = submit(desk, dialogs["assign"], {"assignees": ["U0ALICE"]}, team_id=OTHER)
    assert "no longer on the schedule" in refused["errors"]["assignees"]
    refused = submit(desk, dialogs["edit"], {**VALID, "venue": "Quai d'Orsay"}, team_id=OTHER)
    assert "no longer on the schedule" in refused["errors"]["title"]
    assert snapshot(engine) == before


def test_an_edit_form_with_forged_metadata_saves_nothing(desk, fake_slack, dialogs, engine):
    other_form = open_form(desk, fake_slack, team_id=OTHER)["view"]
    saved = submit(desk, other_form, {**VALID, "title": "Their event"}, team_id=OTHER)
    assert saved["response_action"] == "update"
    with session(engine) as db:
        theirs = db.exec(select(Event).where(Event.team_id == OTHER)).unique().one()
        ours = db.exec(select(Event).where(Event.team_id == "T0NEWSROOM")).unique().one()
    before = snapshot(engine)
    forged = {
        "another workspace's event": ({"e": theirs.id, "v": theirs.version}, "no longer on the schedule"),
        "a bumped version": ({"e": ours.id, "v": ours.version + 1}, "changed since you opened it"),
        "garbage": ({"e": "drop table", "v": "x"}, "no longer on the schedule"),
        "no version": ({"e": ours.id}, "no longer on the schedule"),
    }
    for case, (metadata, said) in forged.items():
        view = dict(dialogs["edit"], private_metadata=json.dumps(metadata))
        refused = submit(desk, view, {**VALID, "venue": "Quai d'Orsay"})
        assert refused.get("response_action") == "errors" and said in refused["errors"]["title"], case
    assert snapshot(engine) == before


@pytest.mark.parametrize("signed", [True, False])
def test_an_interactivity_payload_that_is_not_url_encoded_is_refused(desk, fake_slack, signed):
    encoded = block_actions_body({"type": "button", "action_id": "cover_me", "value": "1"})
    raw_json = parse_qs(encoded)["payload"][0]
    if signed:
        response = desk.post_signed(raw_json, "application/x-www-form-urlencoded")
    else:
        response = desk.http.post(
            "/slack/events",
            content=raw_json.encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": "1"},
        )
    assert response.status_code in (400, 401), response.text
    desk.settle()
    assert [c.method for c in fake_slack.calls if c.method != "auth.test"] == []
