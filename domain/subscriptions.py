"""Subscribed calendar feeds as the desk sees them: which addresses may be followed, what
`/trip feeds` shows of each, and what a sync did."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from domain.validation import MAX_LENGTH, storable


class BadFeedAddress(ValueError):
    """The address cannot be followed; the message says why in one line."""


def feed_address(text: str) -> str:
    """The address to fetch for `text` as pasted: http or https, or webcal (Apple's and
    Google's name for a subscription), which is https with another scheme; Outlook on the web
    and most publishers serve it over https."""
    text = text.strip()
    if text.lower().startswith("webcal://"):
        text = "https://" + text[len("webcal://") :]
    if len(text) > MAX_LENGTH["url"]:
        raise BadFeedAddress(f"That address is longer than {MAX_LENGTH['url']} characters.")
    if storable(text) != text or any(ch.isspace() for ch in text):
        raise BadFeedAddress("That address has spaces or control characters in it.")
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        raise BadFeedAddress("That is not a web address.") from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise BadFeedAddress(
            "Give the calendar's http, https or webcal address, e.g. `https://example.org/summit.ics`."
        )
    return text


def default_name(url: str) -> str:
    """A feed added without a name is called after its host."""
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")[: MAX_LENGTH["participant"]]


@dataclass(frozen=True)
class FeedState:
    """One subscribed feed as `/trip feeds` lists it; `url` already has its secrets masked."""

    id: int
    number: int
    name: str
    url: str
    added_by: str
    last_success_at: datetime | None
    # What the last good sync did, or why the last one failed (None when it has not failed).
    last_report: str | None
    last_error: str | None
    failing_since: datetime | None
    next_sync_at: datetime


@dataclass(frozen=True)
class SyncResult:
    """What one sync of one feed did, for the user who asked for it and for the logs."""

    name: str
    url: str  # masked
    ok: bool
    # The report of a good sync ("12 events: 2 new…") or the reason it failed.
    line: str
    # Whether the schedule changed (events added, updated or cancelled).
    changed: bool = False
