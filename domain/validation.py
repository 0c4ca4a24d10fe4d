"""What the store accepts, and the checks that keep anything else out of it."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Longest accepted text, per field; the storage columns are declared with these lengths.
MAX_LENGTH = {
    "team_id": 32,
    "user_id": 32,
    "uid": 255,
    "title": 300,
    "participant": 200,
    "trip": 200,
    "city": 120,
    "country": 120,
    "venue": 200,
    "tz": 64,
    "url": 2000,
    "notes": 4000,
    "term": 64,
}


# C0 and C1 control characters (NUL among them, which PostgreSQL refuses in text) and lone
# surrogate halves (which no UTF-8 database can hold). Format characters such as the
# right-to-left mark and the zero-width joiner are text and stay.
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_LINE_BREAKS = re.compile(r"[\t\n\r]+")


def storable(text: str, *, multiline: bool = False) -> str:
    """`text` as it can be stored and shown: unstorable characters removed, and line breaks
    and tabs turned into spaces unless the field is `multiline` (then only tabs are)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if multiline:
        text = text.replace("\t", " ")
    else:
        text = _LINE_BREAKS.sub(" ", text)
    return _UNSTORABLE.sub("", text)


def clip(text: str, field: str) -> str:
    """`text` cut to what the store accepts for `field`, marking the cut.

    For imported feeds, whose authors cannot be asked to shorten a description; input typed
    into TripDesk is refused with a field error instead.
    """
    limit = MAX_LENGTH[field]
    text = storable(text, multiline=field == "notes").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_SLACK_ID = re.compile(r"[A-Z0-9]{2,31}")


def is_slack_id(text: object, prefixes: str) -> bool:
    """A Slack user ("UW") or conversation ("CGD") id: the only text put inside <@…> or <#…>."""
    return isinstance(text, str) and text[:1] in prefixes and bool(_SLACK_ID.fullmatch(text[1:]))


def is_web_url(text: str) -> bool:
    if len(text) > MAX_LENGTH["url"] or any(ch.isspace() for ch in text) or _UNSTORABLE.search(text):
        return False
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and "." in (parts.hostname or "")
