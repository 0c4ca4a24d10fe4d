"""Numbers a client sends in buttons, form metadata and form fields: whatever they are (unicode
digits, huge, negative, floats, Infinity and NaN in JSON, empty), the answer is a 200 with a clear
line, and nothing reaches the database that it cannot hold."""

from __future__ import annotations

import json
import logging
import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from domain.numbers import parse_count
from storage.db import session
from storage.models import Event
from tests.support.forms import VALID, open_form
from tests.support.views import submission
from tests.support.waiting import wait_for_calls

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
GONE = "no longer on the schedule"

# As a button's value (a string).
CRAFTED_TEXT = [
    "²",
    "¹",
    "٣",
    "１",
    "𝟙",
    "1e30",
    "1E3",
    "Infinity",
    "-Infinity",
    "NaN",
    "-1",
    "+1",
    " 1",
    "1 ",
    "1_000",
    "0x10",
    "1.0",
    "",
    "99999999999999999999",
    str(2**31),
    str(2**63),
    "1" * 400,
]
# As a JSON value inside a button's value or a form's private_metadata, written out raw.
CRAFTED_JSON = [
    "1e30",
    "1E400",
    "-1e30",
    "Infinity",
    "-Infinity",
    "NaN",
    "-1",
    "1.5",
    "0.0",
    "99999999999999999999",
    str(2**31),
    str(2**63),
    "true",
    "false",
    "null",
    "[]",
    "{}",
    '"²"',
    '"1e30"',
    '""',
    '"-1"',
]


def not_an_id(value: str) -> bool:
    """Leaves out what reads as a real id (the sample's events are 1, 2, …): those are tested elsewhere."""
    return not re.fullmatch(r'"?[0-9]{1,9}"?', value)


text_numbers = st.one_of(
    st.sampled_from(CRAFTED_TEXT),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.text(st.characters(categories=("Nd", "No", "Nl")), min_size=1, max_size=12),
).filter(not_an_id)
json_numbers = st.one_of(
    st.sampled_from(CRAFTED_JSON),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(lambda f: json.dumps(f)),
    st.text(st.characters(categories=("Nd", "No")), min_size=1, max_size=6).map(json.dumps),
).filter(not_an_id)


@pytest.fixture
def no_tracebacks(caplog):
    caplog.set_level(logging.INFO)
    yield
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert failures == [], [r.getMessage() for r in failures]


def replies_after(bot, fake_slack, before: int) -> list[dict]:
    wait_for_calls(fake_slack, "response_url", before + 1)
    bot.settle()
    return [c.payload for c in fake_slack.calls_to("response_url")[before:]]


def click(bot, fake_slack, action: dict) -> list[dict]:
    before = len(fake_slack.calls_to("response_url"))
    response = bot.action(action, response_url=fake_slack.response_url("crafted"))
    assert response.status_code == 200
    return replies_after(bot, fake_slack, before)


def events(engine) -> list[Event]:
    with session(engine) as db:
        return list(db.exec(select(Event)).unique())


@pytest.mark.parametrize(
    ("given_value", "expected"),
    [("0", 0), ("42", 42), ("999999999", 999_999_999), (7, 7)]
    + [(v, None) for v in ("²", "٣", "-1", "+1", " 1", "1e3", "1.0", "", "1000000000", "1_000")]
    + [(v, None) for v in (True, 1.0, float("inf"), float("nan"), -1, 10**30, None, [1])],
)
def test_parse_count_takes_ascii_digits_within_bounds_only(given_value, expected):
    assert parse_count(given_value) == expected


@pytest.mark.usefixtures("sample", "no_tracebacks")
@FUZZ
@given(value=text_numbers)
def test_crafted_event_ids_in_card_buttons_are_no_event(bot, fake_slack, engine, value):
    for action in (
        {"type": "button", "action_id": "cover_me", "value": value},
        {"type": "button", "action_id": "assign", "value": value},
        {"type": "button", "action_id": "event_open", "value": value},
        {"type": "overflow", "action_id": "event_menu", "selected_option": {"value": f"edit:{value}"}},
    ):
        (reply,) = click(bot, fake_slack, action)
        assert GONE in reply["text"], (action, reply)
    assert all(e.coverage == [] for e in events(engine))
    assert fake_slack.calls_to("views.open") == []


@pytest.mark.usefixtures("sample", "no_tracebacks")
@FUZZ
@given(offset=json_numbers)
def test_crafted_page_offsets_show_the_first_page(bot, fake_slack, offset):
    (reply,) = click(
        bot,
        fake_slack,
        {"type": "button", "action_id": "trip_more", "value": f'{{"m":"search","q":"blinken","o":{offset}}}'},
    )
    assert reply["text"].startswith("blinken: 8 upcoming events\nBlinken meets President Macron"), reply["text"]


@pytest.mark.usefixtures("sample", "no_tracebacks")
@FUZZ
@given(event_id=json_numbers, version=json_numbers)
@example(event_id="true", version="1")  # a bool is an int to Python: event 1 at version 1
@example(event_id=str(2**63), version="1")
def test_crafted_ids_and_versions_in_dialogs_change_nothing(bot, engine, event_id, version):
    before = [(e.id, e.version, e.status, e.deleted_at) for e in events(engine)]
    for verb in ("cancel", "delete"):
        dialog = {
            "callback_id": "event_confirm",
            "private_metadata": f'{{"e":{event_id},"v":{version},"do":"{verb}"}}',
            "blocks": [],
        }
        response = bot.submit(submission(dialog, {}))
        assert response.status_code == 200
        answer = json.loads(response.text)
        assert answer["response_action"] == "update" and "Nothing was changed" in json.dumps(answer["view"])
    assign = {
        "callback_id": "event_assign",
        "private_metadata": f'{{"e":{event_id}}}',
        "blocks": [
            {
                "type": "input",
                "block_id": "assignees",
                "label": {"type": "plain_text", "text": "Covering"},
                "element": {"type": "multi_users_select", "action_id": "assignees"},
            }
        ],
    }
    response = bot.submit(submission(assign, {"assignees": ["U0ALICE"]}))
    assert response.status_code == 200
    assert GONE in json.loads(response.text)["errors"]["assignees"]
    assert [(e.id, e.version, e.status, e.deleted_at) for e in events(engine)] == before
    assert all(e.coverage == [] for e in events(engine))


@pytest.fixture
def add_form(bot, fake_slack):
    return open_form(bot, fake_slack)["view"]


@pytest.mark.usefixtures("no_tracebacks")
@FUZZ
@given(event_id=json_numbers.filter(lambda e: e != "null"), version=json_numbers)
def test_crafted_ids_and_versions_in_an_edit_form_save_nothing(bot, engine, add_form, event_id, version):
    view = dict(add_form, private_metadata=f'{{"e":{event_id},"v":{version}}}')
    response = bot.submit(submission(view, VALID))
    assert response.status_code == 200
    answer = json.loads(response.text)
    assert answer["response_action"] == "errors" and GONE in answer["errors"]["title"]
    assert events(engine) == []


@pytest.mark.usefixtures("no_tracebacks")
@FUZZ
@given(choices=st.lists(text_numbers, min_size=1, max_size=3), trip=text_numbers.filter(bool))  # "": no trip
def test_crafted_lead_times_and_trips_get_field_errors(bot, engine, add_form, choices, trip):
    view = submission(add_form, VALID)
    values = view["state"]["values"]
    values["lead_times"] = {
        "lead_times": {"type": "multi_static_select", "selected_options": [{"value": v} for v in choices]}
    }
    values["trip"] = {"trip": {"type": "static_select", "selected_option": {"value": trip}}}
    response = bot.submit(view)
    assert response.status_code == 200
    errors = json.loads(response.text)["errors"]
    assert errors["trip"] == "Pick one of the options."
    assert errors["lead_times"] == "Pick reminder times from the list."
    assert events(engine) == []
