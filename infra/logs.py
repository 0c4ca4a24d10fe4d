"""Logs for an operator: one JSON object per line, with the request it belongs to, and never
a secret.

Each request from Slack gets a short id, carried by a context variable into the threads that
handle it; a user who is shown "reference r-…" can be matched to the lines about it.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import secrets
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

# Slack tokens of every kind, whatever the configuration says: a token pasted into the wrong
# variable, or echoed back in an error, is still hidden.
_TOKEN = re.compile(r"\b(xox[abpsre]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+)")
# Credentials in URLs (a database URL with a password, an iCalendar feed with a key).
_URL_PASSWORD = re.compile(r"(://[^:/@\s]+:)[^@\s]+@")
# A field whose name ends in one of these words, in a query string or a form body (where the
# first field has no "?" or "&" before it: Slack's own `token=` comes first).
_QUERY_SECRET = re.compile(
    r"((?<![\w-])[\w-]*(?:key|token|secret|signature|sig|auth|password|pass)=)[^&\s\"'\\]+", re.IGNORECASE
)
# Slack's response URLs: whoever has one can post as the app for half an hour. Also when
# percent-encoded (a form body) or with its slashes escaped (JSON from Slack).
# A backslash ends the match unless it escapes a slash (once, or again when logged as JSON): it
# may escape the quote after the URL.
_SLACK_HOOK = re.compile(r"(hooks\.slack\.com)(?:/|%2F|\\+/)(?:[^\s\"'&<>\\]|\\+/)*", re.IGNORECASE)
# PostgreSQL's detail on a refused row repeats the row's values ("Key (name)=(…) already
# exists", "Failing row contains (…)"). Up to the end of that line: an escaped newline or the
# end of the JSON string, so the line stays valid JSON.
_DATABASE_DETAIL = re.compile(r"(DETAIL:\s+)(?:[^\"\\\n]|\\[^n])*")
REDACTED = "[redacted]"


def new_request_id() -> str:
    return "r-" + secrets.token_hex(4)


def request_id() -> str | None:
    return _request_id.get()


@contextmanager
def request_scope(value: str | None = None) -> Iterator[str]:
    """Log lines within (and in the listener threads started within) carry this request id."""
    value = value or new_request_id()
    token = _request_id.set(value)
    try:
        yield value
    finally:
        _request_id.reset(token)


def redact(text: str, secrets_: Iterable[str] = ()) -> str:
    for secret in secrets_:
        text = text.replace(secret, REDACTED)
    text = _TOKEN.sub(REDACTED, text)
    text = _URL_PASSWORD.sub(rf"\1{REDACTED}@", text)
    text = _SLACK_HOOK.sub(rf"\1/{REDACTED}", text)
    text = _DATABASE_DETAIL.sub(rf"\1{REDACTED}", text)
    return _QUERY_SECRET.sub(rf"\1{REDACTED}", text)


class JsonLines(logging.Formatter):
    def __init__(self, secrets_: Iterable[str] = ()):
        super().__init__()
        # Short values would redact ordinary words; real secrets are long.
        self.secrets = sorted((s for s in secrets_ if s and len(s) >= 8), key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if (rid := getattr(record, "request_id", None) or request_id()) is not None:
            entry["request"] = rid
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return redact(json.dumps(entry, ensure_ascii=False), self.secrets)


def configure(*, level: int, secrets_: Iterable[str]) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLines(secrets_))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("alembic", "apscheduler", "httpx"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


class ContextExecutor(ThreadPoolExecutor):
    """Bolt runs listeners on an executor; this one carries the request id into them."""

    def submit(self, fn: Callable, /, *args, **kwargs):
        context = contextvars.copy_context()
        return super().submit(context.run, fn, *args, **kwargs)
