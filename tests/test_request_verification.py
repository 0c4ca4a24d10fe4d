"""Only Slack gets in: a request without a valid, fresh signature is refused and changes nothing."""

from __future__ import annotations

import time

import pytest
from sqlmodel import select

from blocks.event_form import event_modal
from domain.zones import zone
from storage.db import session
from storage.models import Event, HandledRequest
from tests.support.forms import VALID
from tests.support.slack_requests import SIGNING_SECRET, command_body, sign, view_submission_body
from tests.support.views import submission

FORM = "application/x-www-form-urlencoded"


def forged_headers(body: str) -> dict:
    now = int(time.time())
    valid = sign(body, timestamp=now)
    return {
        "wrong secret": sign(body, secret="not-" + SIGNING_SECRET, timestamp=now),
        "six minutes old": sign(body, timestamp=now - 6 * 60),
        "six minutes ahead": sign(body, timestamp=now + 6 * 60),
        "no signature": {"X-Slack-Request-Timestamp": str(now)},
        "no timestamp": {"X-Slack-Signature": valid["X-Slack-Signature"]},
        "nothing": {},
        "timestamp not a number": {**valid, "X-Slack-Request-Timestamp": "soon"},
        "signature not hex": {**valid, "X-Slack-Signature": "v0=" + "zz" * 32},
        "other scheme": {**valid, "X-Slack-Signature": valid["X-Slack-Signature"].replace("v0=", "v1=")},
        "truncated": {**valid, "X-Slack-Signature": valid["X-Slack-Signature"][:-1]},
        "body changed after signing": sign(body + "&user_id=U0OTHER", timestamp=now),
    }


CASES = list(forged_headers("x"))


@pytest.mark.parametrize("case", CASES)
def test_forged_submissions_get_401_and_touch_nothing(bot, fake_slack, engine, case):
    view = event_modal(event=None, trips=[], channel_id="C0FOREIGN", newsroom_tz=zone("Europe/Paris"), metadata={})
    body = view_submission_body(submission(view, VALID))
    headers = forged_headers(body)[case]
    response = bot.http.post("/slack/events", content=body.encode(), headers={"Content-Type": FORM, **headers})
    assert response.status_code == 401
    with session(engine) as db:
        assert db.exec(select(Event)).first() is None
        assert db.exec(select(HandledRequest)).first() is None
    assert slack_calls(fake_slack) == []


def slack_calls(fake_slack) -> list[str]:
    """Calls made after the bot started (it checks its token with auth.test when it starts)."""
    return [c.method for c in fake_slack.calls if c.method != "auth.test"]


@pytest.mark.parametrize("case", CASES)
def test_forged_commands_get_401(bot, fake_slack, case):
    body = command_body("add")
    headers = forged_headers(body)[case]
    response = bot.http.post("/slack/events", content=body.encode(), headers={"Content-Type": FORM, **headers})
    assert response.status_code == 401
    assert slack_calls(fake_slack) == []


@pytest.mark.parametrize(
    ("body", "content_type", "readable"),
    [
        ("[1, 2]", "application/json", False),
        ("{not json", "application/json", False),
        ('{"actions": ["x"], "view": 3, "event": [1]}', "application/json", True),
        ("payload=%7B%22actions%22%3A%5Bnull%5D%7D", FORM, True),
        ("\u0000\xff", FORM, True),
    ],
)
def test_bodies_slack_never_sends_are_refused_without_a_500(bot, fake_slack, body, content_type, readable):
    def post(headers: dict):
        return bot.http.post(
            "/slack/events",
            content=body.encode("utf-8", "surrogatepass"),
            headers={"Content-Type": content_type, **headers},
        )

    # The signature is checked before the body is parsed: a forged body is refused for that,
    # whatever it holds.
    assert post(forged_headers(body)["wrong secret"]).status_code == 401
    # Signed, so from Slack in name: one that cannot be parsed is a 400, and nothing is a 500.
    signed = post(sign(body)).status_code
    assert signed < 500 if readable else signed == 400
    assert slack_calls(fake_slack) == []
