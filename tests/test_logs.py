"""Operator logs: one JSON object per line, the request it belongs to, and no secret."""

from __future__ import annotations

import json
import logging
import threading
import time

from infra.logs import REDACTED, ContextExecutor, JsonLines, redact, request_id, request_scope
from tests.support.bot_server import BotServer
from tests.support.slack_requests import command_body, sign
from tripdesk.server import asgi_app
from tripdesk.slack_app import create_app

BOT_TOKEN = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def record(message: str, *args, exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("tripdesk.test", logging.ERROR, __file__, 1, message, args, exc_info)


def test_a_line_is_one_json_object_with_the_request():
    formatter = JsonLines()
    with request_scope("r-0000abcd"):
        line = formatter.format(record("slack request kind=%s status=%s", "slash_command", 200))
    entry = json.loads(line)
    assert entry["level"] == "error" and entry["logger"] == "tripdesk.test" and entry["request"] == "r-0000abcd"
    assert entry["msg"] == "slack request kind=slash_command status=200" and entry["time"].endswith("Z")
    assert "\n" not in line


def test_a_traceback_stays_on_the_line():
    try:
        raise ValueError("boom\nsecond line")
    except ValueError:
        import sys

        line = JsonLines().format(record("listener failed", exc_info=sys.exc_info()))
    assert "\n" not in line and "ValueError: boom" in json.loads(line)["error"]


def test_secrets_are_redacted_wherever_they_appear():
    formatter = JsonLines([BOT_TOKEN, SIGNING_SECRET, "s3cret-db-pass"])
    try:
        raise RuntimeError(f"auth failed for {BOT_TOKEN}")
    except RuntimeError:
        import sys

        line = formatter.format(
            record(
                "secret=%s db=%s other=%s",
                SIGNING_SECRET,
                "postgresql://bot:s3cret-db-pass@db/tripdesk",
                "xapp-1-A0-123-abc",
                exc_info=sys.exc_info(),
            )
        )
    for secret in (BOT_TOKEN, SIGNING_SECRET, "s3cret-db-pass", "xapp-1-A0-123-abc"):
        assert secret not in line
    assert line.count(REDACTED) >= 4


def test_tokens_and_url_credentials_are_redacted_without_configuration():
    text = redact(
        "token xoxb-9-9-zz and xoxp-1-2-3 at https://feeds.example/cal.ics?key=abc123&lang=en via postgres://u:pw@h/db"
    )
    assert "xoxb-9-9-zz" not in text and "xoxp-1-2-3" not in text and "abc123" not in text and ":pw@" not in text
    assert "lang=en" in text and "feeds.example/cal.ics" in text


def test_short_configured_values_do_not_blank_out_words():
    assert "desk" in JsonLines(["desk"]).format(record("the desk"))


def test_the_request_id_follows_work_onto_listener_threads():
    seen: list[str | None] = []
    with ContextExecutor(max_workers=2) as pool, request_scope("r-feedbeef"):
        pool.submit(lambda: seen.append(request_id())).result()
    plain = threading.Thread(target=lambda: seen.append(request_id()))
    plain.start()
    plain.join()
    assert seen == ["r-feedbeef", None]


HOOK = "https://hooks.slack.com/commands/T0NEWSROOM/6001/Zq3xK9mPvL2wR8tY"


def test_response_urls_and_the_token_field_are_redacted():
    form = command_body("the source", response_url=HOOK)
    event = json.dumps({"response_url": HOOK, "note": 'said "token=abc"'})
    slack_escaped = json.dumps({"response_url": HOOK}).replace("/", "\\/")
    for text in (form, event, slack_escaped, f"posting to {HOOK} failed"):
        line = JsonLines().format(record("%s", text))
        entry = json.loads(line)  # still one valid JSON object
        assert "Zq3xK9mPvL2wR8tY" not in line and "6001" not in line, line
        assert "gIkuvaNzQIHg97ATvDxqgjtO" not in line and "token=abc" not in line
        assert "hooks.slack.com/" + REDACTED in entry["msg"]


def test_a_refused_request_is_logged_once_with_its_size_and_source_and_not_its_body(caplog, ctx):
    # INFO before the app is built, as in production: Bolt's loggers take the root level then.
    caplog.set_level(logging.INFO)
    server = BotServer(asgi_app(engine=ctx.engine, bolt=create_app(ctx))).start()
    body = command_body("meet the source at 5 rue de Rivoli", response_url=HOOK)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    try:
        for forged in (sign(body, secret="not-the-secret"), sign(body, timestamp=int(time.time()) - 600)):
            assert server.http.post("/slack/events", content=body, headers={**form, **forged}).status_code == 401
    finally:
        server.stop()
    messages = [r.getMessage() for r in caplog.records]
    refusals = [m for m in messages if "refused" in m]
    assert len(refusals) == 2, messages
    assert "reason=bad signature" in refusals[0] and "reason=stale timestamp" in refusals[1]
    assert all(f"bytes={len(body)}" in m and "from=127.0.0.1" in m for m in refusals)
    everything = "\n".join(messages)
    for fragment in ("Rivoli", "hooks.slack.com", "Zq3xK9mPvL2wR8tY", "gIkuvaNzQIHg97ATvDxqgjtO"):
        assert fragment not in everything
