"""A progress bar on standard error (tqdm), only when it is a terminal: piped or logged output
stays exactly the lines it was."""

from __future__ import annotations

import sys
from typing import TextIO

from tqdm import tqdm


class TerminalBar:
    """One bar per stage, replaced by the next and cleared at the end (`close`), so that what
    stays on the screen is the command's own output."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._bar: tqdm | None = None

    def stage(self, name: str, total: int) -> None:
        self.close()
        self._bar = tqdm(total=total, desc=name, unit=" events", file=self._stream, leave=False, dynamic_ncols=True)

    def advance(self, steps: int) -> None:
        if self._bar is not None:
            self._bar.update(steps)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def terminal_progress(stream: TextIO | None = None) -> TerminalBar | None:
    """A bar on `stream` (standard error) if it is a terminal, else None: nothing is drawn."""
    stream = stream or sys.stderr
    return TerminalBar(stream) if stream.isatty() else None
