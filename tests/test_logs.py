"""Operator logs: one JSON object per line, the request it belongs to, and no secret."""

from __future__ import annotations

import json
import logging
import threading

from infra.logs import REDACTED, ContextExecutor, JsonLines, redact, request_id, request_scope

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
