"""python -m bench.ical_corpus DIRECTORY [--now 2026-01-05T09:00]

Imports every `.ics` file under DIRECTORY (the icalendar library's test and fuzzing corpus, for
instance) through the product's import into a fresh SQLite database each, and counts the files
imported, the files refused (by their reason) and any exception that escaped, which must be none.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from services.importing import ImportFailed, import_calendar
from storage.db import make_engine
from storage.migrate import upgrade

TEAM = "T0CORPUS"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ical_corpus")
    parser.add_argument("directory", type=Path)
    parser.add_argument("--now", type=datetime.fromisoformat, default=datetime.now(UTC))
    parser.add_argument("--verbose", action="store_true", help="one line per file")
    args = parser.parse_args()
    now = args.now if args.now.tzinfo else args.now.replace(tzinfo=UTC)
    files = sorted(args.directory.rglob("*.ics"))
    imported = 0
    refused: Counter[str] = Counter()
    crashed: list[str] = []
    events = skipped = flagged = 0
    slowest = (0.0, "")
    with tempfile.TemporaryDirectory() as folder:
        template = make_engine(f"sqlite:///{folder}/migrated.db")
        upgrade(template)
        template.dispose()
        for number, path in enumerate(files):
            # Each file into an empty database, so that no file's events meet another's.
            shutil.copy(f"{folder}/migrated.db", f"{folder}/{number}.db")
            engine = make_engine(f"sqlite:///{folder}/{number}.db")
            started = time.perf_counter()
            try:
                report = import_calendar(
                    engine, team_id=TEAM, data=path.read_bytes(), fallback_tz="Europe/Paris", actor="bench", now=now
                )
            except ImportFailed as error:
                refused[_reason(str(error))] += 1
                if args.verbose:
                    print(f"{path.name}: refused: {error}")
            except Exception:
                crashed.append(path.name)
                print(f"{path.name}: EXCEPTION\n{traceback.format_exc()}", file=sys.stderr)
            else:
                imported += 1
                events += report.created
                skipped += len(report.skipped)
                flagged += len(report.flagged)
                if args.verbose:
                    print(f"{path.name}: {report.summary(path.name)}")
                    for line in report.details():
                        print(f"    {line}")
            finally:
                slowest = max(slowest, (time.perf_counter() - started, path.name))
                engine.dispose()
    print(f"{len(files)} files: {imported} imported, {sum(refused.values())} refused, {len(crashed)} exceptions")
    print(f"events imported: {events}; events skipped: {skipped}; events flagged: {flagged}")
    print(f"slowest file: {slowest[1]} in {slowest[0]:.2f} s")
    for reason, count in refused.most_common():
        print(f"  refused {count:3}: {reason}")
    return 1 if crashed else 0


def _reason(message: str) -> str:
    """The refusal without the event's name, so that files group by the kind of problem."""
    message = re.sub(r"event '.*?': ", "", message)
    return message.split(":")[0] if message.startswith("not an iCalendar") else message


if __name__ == "__main__":
    sys.exit(main())
