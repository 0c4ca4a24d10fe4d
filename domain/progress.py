"""How far long work has got (an import of a year of events), for whoever shows it: the command
line draws a bar on a terminal (infra/progress.py); everything else passes nothing."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def stage(self, name: str, total: int) -> None:
        """A stage of `total` steps starts ("Reading events", "Writing events")."""

    def advance(self, steps: int) -> None:
        """`steps` more steps of the current stage are done."""


class Silent:
    """Progress nobody watches."""

    def stage(self, name: str, total: int) -> None:
        pass

    def advance(self, steps: int) -> None:
        pass


SILENT = Silent()
