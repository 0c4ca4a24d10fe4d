"""Settings from the environment (and `.env`, which never overrides the real environment).

Every problem is reported as a `ConfigError` whose message names the variable and says how to
fix it; `bot.py` prints that one line and exits with status 2.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from dotenv import dotenv_values
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from domain.zones import ZoneError, zone

DEFAULT_DATABASE_URL = "sqlite:///tripdesk.db"
DEFAULT_PORT = 3000
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
_EDITOR_ID = re.compile(r"^[UWS][A-Z0-9]{2,}$")


class ConfigError(Exception):
    """A setting is missing or malformed; the message is meant for the person running the bot."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    port: int
    newsroom_tz: ZoneInfo
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str | None = None
    default_channel: str | None = None
    # Slack user (U…, W…) and user-group (S…) ids allowed to change the schedule; empty: everyone.
    editors: frozenset[str] = frozenset()
    # Newsroom-local time of the daily agenda.
    digest_time: time = time(7, 0)
    # How often every replica looks for due reminders, besides waking at the next due time.
    sweep_seconds: int = 30
    # The https address the bot's HTTP server is reached at from the internet (no trailing
    # slash): the live calendar feed's address starts with it. None: `/trip feed` says to set it.
    public_url: str | None = None
    # How often each subscribed calendar feed is fetched.
    feed_sync_minutes: int = 15
    # Whether /trip feeds may subscribe to loopback and private-network addresses: only for a
    # publisher on the bot's own network (and the tests' publisher on 127.0.0.1).
    feeds_private: bool = False

    def secrets(self) -> tuple[str, ...]:
        """Values that must never be written to a log."""
        password = urlsplit(self.database_url).password if "://" in self.database_url else None
        values = (self.slack_bot_token, self.slack_signing_secret, self.slack_app_token, password)
        return tuple(v for v in values if v)

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    @property
    def slack_configured(self) -> bool:
        return self.slack_bot_token is not None

    def require_slack(self) -> None:
        """Check what running against a real workspace needs, for the mode the tokens select."""
        if not self.slack_bot_token:
            raise ConfigError(
                "SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…) from your Slack "
                "app's OAuth & Permissions page into .env, or run `python bot.py console` to try "
                "TripDesk without Slack"
            )
        if not self.slack_signing_secret:
            raise ConfigError(
                "SLACK_SIGNING_SECRET is not set: copy the Signing Secret from your Slack app's "
                "Basic Information page into .env"
            )


def load_settings(environ: Mapping[str, str] | None = None, env_file: str | Path | None = ".env") -> Settings:
    """Read settings from `environ` (default: the process environment) over `env_file`."""
    values: dict[str, str] = {}
    if env_file is not None and Path(env_file).is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)

    def get(name: str) -> str | None:
        value = values.get(name, "").strip()
        return value or None

    return Settings(
        database_url=_database_url(get("DATABASE_URL") or DEFAULT_DATABASE_URL),
        port=_port(get("PORT")),
        newsroom_tz=_zone("TRIPDESK_TZ", get("TRIPDESK_TZ") or "UTC"),
        slack_bot_token=_token("SLACK_BOT_TOKEN", get("SLACK_BOT_TOKEN"), "xoxb-"),
        slack_signing_secret=get("SLACK_SIGNING_SECRET"),
        slack_app_token=_token("SLACK_APP_TOKEN", get("SLACK_APP_TOKEN"), "xapp-"),
        slack_api_url=_api_url(get("SLACK_API_URL")),
        default_channel=_channel("TRIPDESK_CHANNEL", get("TRIPDESK_CHANNEL")),
        editors=_editors(get("TRIPDESK_EDITORS")),
        digest_time=_clock_time("TRIPDESK_DIGEST_TIME", get("TRIPDESK_DIGEST_TIME") or "07:00"),
        sweep_seconds=_seconds("TRIPDESK_SWEEP_SECONDS", get("TRIPDESK_SWEEP_SECONDS") or "30"),
        public_url=_public_url(get("TRIPDESK_PUBLIC_URL")),
        feed_sync_minutes=_minutes("TRIPDESK_FEED_SYNC_MINUTES", get("TRIPDESK_FEED_SYNC_MINUTES") or "15"),
        feeds_private=_flag("TRIPDESK_FEEDS_PRIVATE", get("TRIPDESK_FEEDS_PRIVATE")),
    )


def _database_url(raw: str) -> str:
    try:
        url = make_url(raw)
    except ArgumentError:
        raise ConfigError(
            f"DATABASE_URL={raw!r} is not a database URL: use e.g. sqlite:///tripdesk.db or "
            "postgresql+psycopg://user:password@host:5432/tripdesk"
        ) from None
    # Hosting platforms hand out postgres:// URLs; psycopg 3 is the driver we ship.
    if url.drivername in ("postgres", "postgresql", "postgresql+psycopg2"):
        url = url.set(drivername="postgresql+psycopg")
    if url.drivername not in ("sqlite", "sqlite+pysqlite", "postgresql+psycopg"):
        raise ConfigError(
            f"DATABASE_URL uses {url.drivername!r}, which TripDesk does not support: use sqlite:///… "
            "or postgresql+psycopg://…"
        )
    return url.render_as_string(hide_password=False)


def _port(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_PORT
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ConfigError(f"PORT={raw!r} is not a TCP port: use a number from 1 to 65535, e.g. PORT=3000")
    return int(raw)


def _zone(name: str, raw: str) -> ZoneInfo:
    try:
        return zone(raw)
    except ZoneError:
        raise ConfigError(
            f"{name}={raw!r} is not an IANA time zone: use a name such as Europe/Paris, America/New_York or UTC"
        ) from None


def _token(name: str, raw: str | None, prefix: str) -> str | None:
    if raw is not None and not raw.startswith(prefix):
        raise ConfigError(f"{name} must start with {prefix!r}: check that you copied the right token")
    return raw


def _api_url(raw: str | None) -> str | None:
    if raw is None:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"SLACK_API_URL={raw!r} is not an http(s) URL: use e.g. https://slack.com/api/")
    # WebClient joins method names onto base_url, so it must end with a slash.
    return raw if raw.endswith("/") else raw + "/"


def _channel(name: str, raw: str | None) -> str | None:
    if raw is not None and not _CHANNEL_ID.match(raw):
        raise ConfigError(
            f"{name}={raw!r} is not a channel ID: use the ID from the channel's details "
            "(it starts with C or G, e.g. C0123456789), not its name"
        )
    return raw


def _editors(raw: str | None) -> frozenset[str]:
    ids = [part for part in re.split(r"[\s,]+", raw or "") if part]
    wrong = [part for part in ids if not _EDITOR_ID.match(part)]
    if wrong:
        raise ConfigError(
            f"TRIPDESK_EDITORS has {wrong[0]!r}, which is not a Slack user or user-group ID: list IDs "
            "such as U0123ABCD (a person) or S0123ABCD (a user group), separated by commas"
        )
    return frozenset(ids)


def _clock_time(name: str, raw: str) -> time:
    try:
        hours, minutes = raw.split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise ConfigError(
            f"{name}={raw!r} is not a time of day: use HH:MM in the newsroom's zone, e.g. 07:00"
        ) from None


def _seconds(name: str, raw: str) -> int:
    if not raw.isdigit() or not 1 <= int(raw) <= 3600:
        raise ConfigError(f"{name}={raw!r} must be a whole number of seconds from 1 to 3600")
    return int(raw)


def _public_url(raw: str | None) -> str | None:
    if raw is None:
        return None
    parts = urlsplit(raw)
    # Calendar clients fetch the feed from the internet; Outlook on the web takes only https.
    local = parts.hostname in ("localhost", "127.0.0.1", "::1")
    if parts.scheme not in ("https", "http") or not parts.netloc or (parts.scheme == "http" and not local):
        raise ConfigError(
            f"TRIPDESK_PUBLIC_URL={raw!r} must be the bot's https address, e.g. https://tripdesk.example.org "
            "(http only for localhost)"
        )
    if parts.query or parts.fragment:
        raise ConfigError(f"TRIPDESK_PUBLIC_URL={raw!r} must not have a query or fragment")
    return raw.rstrip("/")


def _minutes(name: str, raw: str) -> int:
    if not raw.isdigit() or not 1 <= int(raw) <= 1440:
        raise ConfigError(f"{name}={raw!r} must be a whole number of minutes from 1 to 1440")
    return int(raw)


def _flag(name: str, raw: str | None) -> bool:
    if raw is None:
        return False
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name}={raw!r} must be true or false")
