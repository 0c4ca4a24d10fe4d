"""Socket Mode end to end: the bot's real handler connects to a loopback stand-in for Slack's
WebSocket endpoint (tests/support/socket_mode_server), which sends commands, clicks, form
submissions and events as envelopes and reads the acknowledgements."""

from __future__ import annotations

import json
import logging
import re
import threading
import time

import pytest

from infra.logs import JsonLines
from tests.support.cards import buttons
from tests.support.forms import VALID, stored
from tests.support.socket_mode_server import SocketModeServer, command_payload, event_payload, submission_payload
from tests.support.views import submission
from tests.support.waiting import wait_for_calls, wait_until
from tripdesk.slack_app import create_app
from tripdesk.socket_mode import PING_INTERVAL, SocketModeHandler

APP_TOKEN = "xapp-1-A0TRIPDESK-1712000000-0123456789abcdef"
SETTLE = 0.5  # listeners that ack first call Slack within milliseconds; a duplicate would show by then
# The client finds a closed or reset connection at its next check, then opens another.
RECONNECT = 3 * PING_INTERVAL


def home_opened() -> dict:
    return {"type": "app_home_opened", "user": "U0EDITOR", "channel": "D0HOME", "tab": "home", "event_ts": "1.0"}


class OperatorLog(logging.Handler):
    """The JSON lines an operator reads, each formatted when logged (so with its request id)."""

    def __init__(self):
        super().__init__()
        self.setFormatter(JsonLines())
        self.entries: list[dict] = []
        self._lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        entry = json.loads(self.format(record))
        with self._lock:
            self.entries.append(entry)

    def lines(self, prefix: str) -> list[dict]:
        with self._lock:
            return [e for e in self.entries if e["msg"].startswith(prefix)]

    def requests(self, count: int) -> list[dict]:
        """The per-request lines, once `count` of them have been logged."""
        wait_until(lambda: len(self.lines("slack request")) >= count)
        return self.lines("slack request")


@pytest.fixture
def operator_log(caplog):
    caplog.set_level(logging.INFO)
    handler = OperatorLog()
    logging.getLogger().addHandler(handler)
    yield handler
    logging.getLogger().removeHandler(handler)


@pytest.fixture
def slack_socket(fake_slack):
    server = SocketModeServer().start()
    fake_slack.socket_mode = server
    yield server
    server.stop()


@pytest.fixture
def handler(ctx, slack_socket):
    """The bot in Socket Mode, as bot.py runs it, connected to the stand-in."""
    handler = SocketModeHandler(create_app(ctx), APP_TOKEN)
    handler.connect()
    wait_until(slack_socket.connected)
    yield handler
    handler.close()


def reconnected(slack_socket, fake_slack) -> None:
    """A second connection is open, on a URL from a second apps.connections.open."""
    wait_until(lambda: slack_socket.connections == 2 and slack_socket.connected(), timeout=RECONNECT)
    assert len(fake_slack.calls_to("apps.connections.open")) == 2
    assert slack_socket.refused == []  # no ticket was used twice


# -- the four kinds of request ----------------------------------------------------------------
@pytest.mark.usefixtures("sample")
def test_a_query_is_answered_in_the_acknowledgement(handler, slack_socket, fake_slack):
    (opened,) = fake_slack.calls_to("apps.connections.open")
    assert opened.headers["Authorization"] == f"Bearer {APP_TOKEN}"  # the app-level token, not the bot's
    started = time.monotonic()
    envelope = slack_socket.command("blinken")
    ack = slack_socket.wait_for_ack(envelope)
    assert time.monotonic() - started < 3  # Slack's limit for an acknowledgement
    assert ack.payload["response_type"] == "ephemeral"
    assert ack.payload["text"].startswith("blinken: 8 upcoming events")
    blocks = json.dumps(ack.payload["blocks"], ensure_ascii=False)
    assert "Paris" in blocks and "Brussels" in blocks and "Blinken meets President Macron" in blocks
    assert len(slack_socket.acks) == 1


@pytest.mark.usefixtures("sample")
def test_a_button_is_acknowledged_and_answered_at_its_response_url(handler, slack_socket, fake_slack):
    listing = slack_socket.wait_for_ack(slack_socket.command("sejourne")).payload
    share = buttons(listing)["trip_share"]
    envelope = slack_socket.action(
        {"type": "button", "action_id": "trip_share", "value": share["value"]},
        user_id="U0CORRESP",
        response_url=fake_slack.response_url("share"),
    )
    assert slack_socket.wait_for_ack(envelope).payload is None  # acknowledged at once, answered afterwards
    (posted,) = wait_for_calls(fake_slack, "response_url")
    assert posted.payload["response_type"] == "in_channel"
    assert "shared by <@U0CORRESP>" in json.dumps(posted.payload["blocks"])
    assert "Stéphane Séjourné" in json.dumps(posted.payload["blocks"], ensure_ascii=False)


def test_a_form_opened_and_submitted_over_socket_mode_is_saved(handler, slack_socket, fake_slack, engine):
    opened = slack_socket.command("add")
    assert slack_socket.wait_for_ack(opened).payload is None
    (form,) = wait_for_calls(fake_slack, "views.open")
    assert form.payload["view"]["callback_id"] == "event_form"
    envelope = slack_socket.submit(submission(form.payload["view"], VALID))
    answer = slack_socket.wait_for_ack(envelope).payload
    assert answer["response_action"] == "update"
    assert "Added to the schedule" in json.dumps(answer["view"])
    (event,) = stored(engine)
    assert event.title == VALID["title"] and event.tz == "Europe/Paris"
    (notice,) = wait_for_calls(fake_slack, "chat.postMessage")
    assert notice.payload["channel"] == "C0FOREIGN"


@pytest.mark.usefixtures("sample")
def test_opening_the_home_tab_publishes_the_week(handler, slack_socket, fake_slack):
    envelope = slack_socket.event(home_opened())
    assert slack_socket.wait_for_ack(envelope).payload is None
    (published,) = wait_for_calls(fake_slack, "views.publish")
    assert published.payload["user_id"] == "U0EDITOR"
    assert "Blinken meets President Macron" in str(published.payload["view"]["blocks"])


# -- the same request twice ---------------------------------------------------------------------
@pytest.mark.usefixtures("sample")
def test_a_command_delivered_twice_is_answered_once(handler, slack_socket, operator_log):
    payload = command_payload("blinken")
    first = slack_socket.envelope("slash_commands", payload)
    assert "Paris" in slack_socket.wait_for_ack(first).payload["text"]
    again = slack_socket.envelope("slash_commands", payload)
    # Acknowledged, so that Slack stops sending it, but with nothing to show a second time.
    assert slack_socket.wait_for_ack(again).payload is None
    first_line, second_line = operator_log.requests(2)
    (ignored,) = operator_log.lines("replayed request ignored")
    assert ignored["msg"] == f'replayed request ignored replay_id=command:["/trip","{payload["trigger_id"]}"]'
    assert ignored["request"] == second_line["request"] != first_line["request"]


def test_an_envelope_sent_twice_has_one_effect(handler, slack_socket, fake_slack, engine):
    slack_socket.wait_for_ack(slack_socket.command("add"))
    (form,) = wait_for_calls(fake_slack, "views.open")
    payload = submission_payload(submission(form.payload["view"], VALID))
    envelope_id = slack_socket.envelope("interactive", payload)
    assert slack_socket.wait_for_ack(envelope_id).payload["response_action"] == "update"
    slack_socket.envelope("interactive", payload, envelope_id=envelope_id)
    wait_until(lambda: len(slack_socket.acks_for(envelope_id)) == 2)
    assert slack_socket.acks_for(envelope_id)[1].payload is None
    time.sleep(SETTLE)
    assert len(stored(engine)) == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


@pytest.mark.usefixtures("sample")
def test_an_event_retried_by_slack_is_handled_once(handler, slack_socket, fake_slack, operator_log):
    payload = event_payload(home_opened(), event_id="Ev0RETRIED")
    slack_socket.wait_for_ack(slack_socket.envelope("events_api", payload))
    wait_for_calls(fake_slack, "views.publish")
    for attempt in (1, 2):
        retry = slack_socket.envelope("events_api", payload, retry_attempt=attempt, retry_reason="timeout")
        slack_socket.wait_for_ack(retry)
    time.sleep(SETTLE)
    assert len(fake_slack.calls_to("views.publish")) == 1
    lines = [e["msg"] for e in operator_log.requests(3)]
    assert [line.partition(" retry=")[2] or None for line in lines] == [None, "1", "2"]


# -- connections that end -----------------------------------------------------------------------
@pytest.mark.usefixtures("sample")
def test_a_refresh_request_moves_the_bot_to_a_new_connection(handler, slack_socket, fake_slack):
    slack_socket.disconnect("refresh_requested")
    reconnected(slack_socket, fake_slack)
    envelope = slack_socket.command("blinken")
    # Slack's client takes up to 3 s (its read timeout) to let go of the old connection before it
    # reads from the new one, so this acknowledgement can take that long.
    ack = slack_socket.wait_for_ack(envelope, timeout=6)
    assert ack.connection == 2 and "Brussels" in json.dumps(ack.payload["blocks"])


@pytest.mark.usefixtures("sample")
def test_a_connection_closed_by_slack_is_reopened(handler, slack_socket, fake_slack):
    slack_socket.close(1001, "going away")
    reconnected(slack_socket, fake_slack)
    ack = slack_socket.wait_for_ack(slack_socket.command("blinken"))
    assert ack.connection == 2 and "Paris" in json.dumps(ack.payload["blocks"])


@pytest.mark.usefixtures("sample")
def test_an_event_in_flight_when_the_connection_is_reset_is_handled_once(
    handler, slack_socket, fake_slack, operator_log
):
    """Slack sends the event and the connection is reset before any acknowledgement comes back:
    Slack sends it again once the bot is connected again, and it has one effect."""
    payload = event_payload(home_opened(), event_id="Ev0INFLIGHT")
    envelope = slack_socket.envelope("events_api", payload)
    slack_socket.drop()
    reconnected(slack_socket, fake_slack)
    assert slack_socket.acks_for(envelope) == []
    slack_socket.envelope("events_api", payload, envelope_id=envelope, retry_attempt=1, retry_reason="timeout")
    assert slack_socket.wait_for_ack(envelope).connection == 2
    wait_for_calls(fake_slack, "views.publish")
    time.sleep(SETTLE)
    assert len(fake_slack.calls_to("views.publish")) == 1


def test_a_form_opened_as_the_connection_drops_is_opened_once_and_saved_afterwards(
    handler, slack_socket, fake_slack, engine, operator_log
):
    """The connection is reset while `/trip add` is being handled, after the form was asked for
    and before the acknowledgement: the form is open once, and saving it works over the next
    connection."""

    def drop_on_form(call):
        if call.method == "views.open":
            slack_socket.drop()

    fake_slack.on_call = drop_on_form
    envelope = slack_socket.command("add")
    (form,) = wait_for_calls(fake_slack, "views.open")
    fake_slack.on_call = None
    reconnected(slack_socket, fake_slack)
    assert slack_socket.acks_for(envelope) == []  # lost with the connection
    (request,) = operator_log.requests(1)
    (lost,) = operator_log.lines("acknowledgement not sent")
    assert lost["msg"].endswith(f"envelope={envelope}") and lost["request"] == request["request"]
    saved = slack_socket.wait_for_ack(slack_socket.submit(submission(form.payload["view"], VALID)))
    assert saved.connection == 2 and saved.payload["response_action"] == "update"
    assert len(stored(engine)) == 1 and len(fake_slack.calls_to("views.open")) == 1


# -- the operator's log -------------------------------------------------------------------------
@pytest.mark.usefixtures("sample")
def test_each_request_is_logged_in_the_same_line_as_over_http(bot, handler, slack_socket, operator_log):
    assert bot.command("blinken").status_code == 200
    slack_socket.wait_for_ack(slack_socket.command("blinken"))
    over_http, over_socket = operator_log.requests(2)
    expected = "slack request kind=slash_command name=/trip team=T0NEWSROOM user=U0EDITOR status=200 ms="
    for line in (over_http, over_socket):
        assert line["msg"].startswith(expected) and line["msg"].removeprefix(expected).isdigit()
        assert line["logger"] == "tripdesk.server" and line["level"] == "info"
        assert re.fullmatch(r"r-[0-9a-f]{8}", line["request"])
    assert over_http["request"] != over_socket["request"]
