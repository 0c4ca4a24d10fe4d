"""`python bot.py import` of a large file: the bar on a terminal, nothing more when piped, and
the size limit an operator can move."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios

from sqlalchemy import create_engine, text

from tests.support.samples import ROOT, SAMPLE

BOT = str(ROOT / "bot.py")


def events_file(path, count: int, *, padding: int = 0):
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    for n in range(count):
        lines += [
            "BEGIN:VEVENT",
            f"UID:cli-{n}@test",
            f"SUMMARY:Meeting {n} on Ukraine",
            f"DTSTART;TZID=Europe/Paris:2030{1 + n % 12:02d}{1 + n % 28:02d}T100000",
            "DURATION:PT1H",
            "LOCATION:Foreign ministry\\, Paris\\, France",
            "ATTENDEE;CN=Antony Blinken:mailto:a@example.org",
            *([f"DESCRIPTION:{'x' * padding}"] if padding else []),
            "END:VEVENT",
        ]
    path.write_text("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n", encoding="utf-8")
    return path


def environment(tmp_path):
    return {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/tripdesk.db"}


def count_events(tmp_path) -> int:
    engine = create_engine(f"sqlite:///{tmp_path}/tripdesk.db")
    with engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM events")).scalar()


def test_piped_the_import_prints_its_summary_and_nothing_on_standard_error(tmp_path):
    big = events_file(tmp_path / "big.ics", 3000)
    result = subprocess.run(
        [sys.executable, BOT, "import", str(big), "--team", "T0NEWSROOM"],
        cwd=tmp_path,
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == f"Imported 3000 events from {big}: 3000 new, 0 updated, 0 unchanged\n"


def test_on_a_terminal_a_bar_shows_the_reading_and_the_writing_then_the_summary(tmp_path):
    big = events_file(tmp_path / "big.ics", 3000)
    terminal, its_end = pty.openpty()
    # A terminal of 24 rows and 100 columns (a new pseudo-terminal has none, and tqdm draws to its width).
    fcntl.ioctl(its_end, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    process = subprocess.Popen(
        [sys.executable, BOT, "import", str(big), "--team", "T0NEWSROOM"],
        cwd=tmp_path,
        env=environment(tmp_path),
        stdout=subprocess.PIPE,
        stderr=its_end,
    )
    os.close(its_end)
    drawn = b""
    while True:
        try:
            chunk = os.read(terminal, 65536)
        except OSError:  # the other end closed: on Linux, EIO
            break
        if not chunk:
            break
        drawn += chunk
    os.close(terminal)
    output, _ = process.communicate(timeout=300)
    assert process.returncode == 0, drawn
    assert b"Reading events" in drawn
    assert b"Writing events" in drawn
    assert b"3000/3000" in drawn
    assert b"Traceback" not in drawn
    assert output.decode() == f"Imported 3000 events from {big}: 3000 new, 0 updated, 0 unchanged\n"


def test_a_file_over_the_limit_is_refused_and_max_size_lets_it_in(tmp_path):
    big = events_file(tmp_path / "big.ics", 800, padding=1500)  # about 1.4 MB
    refused = subprocess.run(
        [sys.executable, BOT, "import", str(big), "--team", "T0NEWSROOM", "--max-size", "1"],
        cwd=tmp_path,
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        f"bot.py: import failed, nothing was changed: {big} is larger than 1 MB (import --max-size MB allows more)"
    )
    taken = subprocess.run(
        [sys.executable, BOT, "import", str(big), "--team", "T0NEWSROOM", "--max-size", "2"],
        cwd=tmp_path,
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert taken.returncode == 0, taken.stderr
    assert "800 new" in taken.stdout
    assert count_events(tmp_path) == 800


def test_max_size_must_be_a_number_of_megabytes(tmp_path):
    result = subprocess.run(
        [sys.executable, BOT, "import", str(SAMPLE), "--team", "T0NEWSROOM", "--max-size", "lots"],
        cwd=tmp_path,
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "is not a whole number of megabytes" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
