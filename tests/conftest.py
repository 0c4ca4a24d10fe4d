"""Shared fixtures. Database tests run on SQLite always and on PostgreSQL when
TEST_POSTGRES_URL is set (each run gets its own, freshly created database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel

from domain.zones import zone
from handlers.context import AppContext
from infra.config import Settings
from jobs.reminders import ChannelPacer, ReminderDeliverer
from storage.db import make_engine
from storage.migrate import upgrade
from tests.support.bot_server import BotServer
from tests.support.clock import Clock
from tests.support.databases import POSTGRES_URL, scratch_database
from tests.support.fake_slack import DeskSlack
from tests.support.samples import SAMPLE, load_ics
from tests.support.schedule import TEAM, client_for
from tests.support.slack_requests import SIGNING_SECRET
from tripdesk.server import asgi_app
from tripdesk.slack_app import create_app


@pytest.fixture(scope="session")
def postgres_database():
    if not POSTGRES_URL:
        pytest.skip("TEST_POSTGRES_URL is not set: PostgreSQL variant skipped")
    with scratch_database("tripdesk_test") as url:
        yield url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sqlite')}/tripdesk.db"
    return request.getfixturevalue("postgres_database")


@pytest.fixture(scope="session")
def _engines():
    engines = {}
    yield engines
    for engine in engines.values():
        engine.dispose()


@pytest.fixture
def engine(database_url, _engines):
    """A migrated database with empty tables."""
    if database_url not in _engines:
        _engines[database_url] = make_engine(database_url)
        upgrade(_engines[database_url])
    engine = _engines[database_url]
    tables = [table.name for table in reversed(SQLModel.metadata.sorted_tables)]
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))
    return engine


@pytest.fixture
def clock():
    """The morning before the Paris stop: the whole sample trip is still to come."""
    return Clock(datetime(2024, 4, 1, 8, 0, tzinfo=UTC))


@pytest.fixture
def fake_slack():
    slack = DeskSlack(team_id=TEAM).start()
    yield slack
    slack.stop()
    assert not slack.problems, f"payloads Slack would refuse: {slack.problems}"


@pytest.fixture
def settings(database_url, fake_slack):
    return Settings(
        database_url=database_url,
        port=0,
        newsroom_tz=zone("Europe/Paris"),
        slack_bot_token="xoxb-test-token",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.base_url,
        default_channel="C0FOREIGN",
        # The tests' calendar publishers are on 127.0.0.1.
        feeds_private=True,
    )


@pytest.fixture
def ctx(settings, engine, clock):
    return AppContext(settings=settings, engine=engine, clock=clock)


@pytest.fixture
def desk(settings, engine, clock):
    """The bot with one editor, U0EDITOR; everyone else may only read."""
    ctx = AppContext(settings=replace(settings, editors=frozenset({"U0EDITOR"})), engine=engine, clock=clock)
    bolt = create_app(ctx)
    server = BotServer(asgi_app(engine=engine, bolt=bolt), bolt=bolt).start()
    yield server
    server.stop()


@pytest.fixture
def bot(ctx):
    bolt = create_app(ctx)
    server = BotServer(asgi_app(engine=ctx.engine, bolt=bolt), bolt=bolt).start()
    yield server
    server.stop()


@pytest.fixture
def sample(engine):
    return load_ics(engine, SAMPLE.read_bytes())


@pytest.fixture
def make_deliverer(engine, fake_slack, clock):
    made = []

    def make(*, interval: float | None = 0.0, engine_=None, replica=None, lease=timedelta(seconds=60), client=None):
        deliverer = ReminderDeliverer(
            engine=engine_ or engine,
            client=client or client_for(fake_slack),
            clock=clock,
            replica=replica,
            pacer=ChannelPacer() if interval is None else ChannelPacer(interval=interval),
            retry_base=5.0,
            lease=lease,
        )
        made.append(deliverer)
        return deliverer

    yield make
    for deliverer in made:
        deliverer._stop.set()


@pytest.fixture
def deliverer(make_deliverer):
    return make_deliverer()
