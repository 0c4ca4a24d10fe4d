"""The start's schema check: one query against the head read from the migrations' file names,
and Alembic only when the database is not at that head."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from storage.db import make_engine
from storage.migrate import HEAD, alembic_config, current_revisions, downgrade, upgrade
from tests.support.databases import POSTGRES_URL, scratch_database
from tests.support.samples import ROOT


def test_the_head_read_from_file_names_is_alembics_own():
    script = ScriptDirectory.from_config(alembic_config())
    assert script.get_heads() == [HEAD]
    # Every file is named for its revision: a misnamed one could hide a newer head.
    for migration in script.walk_revisions():
        assert migration.path is not None
        assert migration.path.rpartition("/")[2].startswith(f"{migration.revision}_")


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request, tmp_path):
    """A database of its own, empty: not even Alembic's table."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/fresh.db"
        return
    if not POSTGRES_URL:
        pytest.skip("TEST_POSTGRES_URL is not set: PostgreSQL variant skipped")
    with scratch_database("tripdesk_fresh") as url:
        yield url


@pytest.fixture
def fresh_engine(fresh_url):
    engine = make_engine(fresh_url)
    yield engine
    engine.dispose()


def migrate_command(url, tmp_path) -> tuple[subprocess.CompletedProcess, set[str]]:
    """`python bot.py migrate`, which checks the schema as every start does; with the modules it
    imported, from Python's own import log."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", str(ROOT / "bot.py"), "migrate"],
        cwd=tmp_path,
        env={"PATH": os.environ["PATH"], "HOME": str(tmp_path), "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=60,
    )
    imported = {
        line.rpartition("|")[2].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "cumulative" not in line
    }
    return result, imported


def revisions(engine) -> set[str]:
    with engine.connect() as connection:
        return current_revisions(connection)


def test_a_fresh_database_is_migrated(fresh_url, fresh_engine, tmp_path):
    assert revisions(fresh_engine) == set()
    result, imported = migrate_command(fresh_url, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "The database schema is up to date." in result.stdout
    assert "alembic" in imported
    assert revisions(fresh_engine) == {HEAD}
    assert {"events", "trips", "reminders", "alembic_version"} <= set(inspect(fresh_engine).get_table_names())


def test_an_up_to_date_database_is_checked_without_alembic(fresh_url, fresh_engine, tmp_path):
    upgrade(fresh_engine)
    result, imported = migrate_command(fresh_url, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "The database schema is up to date." in result.stdout
    assert "storage.migrate" in imported and "sqlalchemy" in imported
    assert not {name for name in imported if name.split(".")[0] == "alembic"}
    assert revisions(fresh_engine) == {HEAD}


def test_an_older_database_is_still_migrated(fresh_url, fresh_engine, tmp_path):
    upgrade(fresh_engine)
    downgrade(fresh_engine, "-1")
    older = revisions(fresh_engine)
    assert older and older != {HEAD}
    result, imported = migrate_command(fresh_url, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "alembic" in imported
    assert revisions(fresh_engine) == {HEAD}


def test_a_database_newer_than_the_code_is_still_refused(fresh_url, fresh_engine, tmp_path):
    upgrade(fresh_engine)
    with fresh_engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    result, _imported = migrate_command(fresh_url, tmp_path)
    assert result.returncode == 1
    assert "Can't locate revision identified by '9999'" in result.stderr
    assert revisions(fresh_engine) == {"9999"}


def test_upgrade_in_process_skips_alembic_at_head_and_migrates_otherwise(fresh_engine):
    upgrade(fresh_engine)
    upgrade(fresh_engine)  # at head: nothing to do
    assert revisions(fresh_engine) == {HEAD}
    downgrade(fresh_engine, "base")
    assert revisions(fresh_engine) == set()
    upgrade(fresh_engine)
    assert revisions(fresh_engine) == {HEAD}
