"""Form bodies that mention "payload" are still read as the commands they are."""

from __future__ import annotations

import json

import pytest

from tests.support.slack_requests import command_body
from tripdesk.slack_request import SlackRequest, form_body


@pytest.mark.usefixtures("sample")
@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"text": "payload"}, "payload: no events"),
        ({"text": "blinken payload=1"}, "blinken payload=1: no events"),
        ({"text": "blinken", "channel_name": "payload-desk"}, "Paris"),
        ({"text": "blinken", "user_name": "payloads"}, "Paris"),
    ],
)
def test_commands_mentioning_payload_are_answered(bot, fields, expected):
    response = bot.post_signed(command_body(**fields), "application/x-www-form-urlencoded")
    assert response.status_code == 200, response.text
    message = json.loads(response.text)
    assert message["response_type"] == "ephemeral"
    assert expected in message["text"]


def test_interactivity_payload_is_still_unwrapped():
    body = "payload=" + json.dumps({"type": "block_actions", "team": {"id": "T1"}, "user": {"id": "U1"}})
    request = SlackRequest(body=body, headers={"content-type": "application/x-www-form-urlencoded"})
    assert request.body["type"] == "block_actions"
    assert request.context.team_id == "T1"


@pytest.mark.parametrize("raw", ["payload=not-json", "payload=%5B1%5D", "payload="])
def test_a_broken_payload_reads_as_nothing(raw):
    assert form_body(raw) == {}
