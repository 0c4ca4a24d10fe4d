"""The layering in pyproject.toml holds, and the check catches an import that breaks it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bench", "tripdesk", "handlers", "jobs", "services", "blocks", "storage", "infra", "domain")


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("lint-imports")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "importlinter.cli"]
    return subprocess.run(
        [*command, "--no-cache"],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(cwd)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_code_keeps_its_layers():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.fixture
def copy_of_the_code(tmp_path: Path) -> Path:
    """The sources and the contracts, to break on purpose without touching the real tree."""
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "results"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        # A lower layer importing a higher one: the domain reaching for a service.
        ("domain/shortcut.py", "from services.editing import load_event\n", "bot.py, bench → tripdesk"),
        # Siblings of one layer: a Block Kit builder reading the database.
        ("blocks/shortcut.py", "from storage.events import find_events\n", "bot.py, bench → tripdesk"),
        # Jobs and listeners stay apart.
        ("jobs/shortcut.py", "import handlers.guard\n", "bot.py, bench → tripdesk"),
        # Allowed by the layers, refused by the rule that listeners go through services.
        ("handlers/shortcut.py", "from storage.db import session\n", "Listeners reach the database only through"),
    ],
    ids=["domain-imports-services", "blocks-import-storage", "jobs-import-handlers", "handlers-import-storage"],
)
def test_an_import_against_the_layers_is_caught(copy_of_the_code: Path, module: str, line: str, contract: str):
    assert lint_imports(copy_of_the_code).returncode == 0
    (copy_of_the_code / module).write_text(line)
    result = lint_imports(copy_of_the_code)
    assert result.returncode != 0
    assert "1 broken" in result.stdout
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken and module.replace("/", ".").removesuffix(".py") in broken
