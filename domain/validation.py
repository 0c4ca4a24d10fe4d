"""What the store accepts, and the checks that keep anything else out of it."""

from __future__ import annotations

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


def clip(text: str, field: str) -> str:
    """`text` cut to what the store accepts for `field`, marking the cut.

    For imported feeds, whose authors cannot be asked to shorten a description; input typed
    into TripDesk is refused with a field error instead.
    """
    limit = MAX_LENGTH[field]
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def is_web_url(text: str) -> bool:
    if len(text) > MAX_LENGTH["url"] or any(ch.isspace() for ch in text):
        return False
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and "." in (parts.hostname or "")
