"""The explorer hook of commands that write files from every variant (diagram, report,
matrix): each variant is explored within the command's budget through `explore_variant`;
Ctrl-C stops the whole command, and the searches a budget cut are named at the end."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import click

from ..check.search.explorer import Budget, Result
from ..lang.loader import LoadedModel
from ..lang.system import System
from .common import EXIT_INCONCLUSIVE, EXIT_INTERRUPTED, EXIT_OK, echo, explore_variant


class _InterruptedError(Exception):
    pass


class VariantRuns:
    def __init__(self, run_budget: Budget) -> None:
        self.budget = run_budget
        self.incomplete: list[str] = []
        # whether a command writes documents from a search a budget cut (contribution's
        # --write-incomplete); the commands that draw what was explored do
        self.write_incomplete = True

    def __call__(self, lm: LoadedModel, variant: str) -> tuple[System, Result]:
        system, result = explore_variant(lm, variant, self.budget)
        name = f"{lm.model.name}[{variant}]"
        if result.stopped_by == "interrupted":
            raise _InterruptedError(name)
        if not result.complete:
            self.incomplete.append(name)
        return system, result

    @contextmanager
    def interruptible(self, partial: str) -> Iterator[None]:
        """Ctrl-C during any variant's search ends the command with 130, saying what is
        left partial (`partial`, e.g. "the files under diagrams/ are partial")."""
        try:
            yield
        except _InterruptedError as stop:
            click.echo(f"mcfsm: interrupted while exploring {stop}; {partial}", err=True)
            sys.exit(EXIT_INTERRUPTED)

    def finish(self, done: str | None, cut: str) -> NoReturn:
        """Print `done` (the report, on stdout); exit 3 naming the cut searches on stderr
        (`cut` says what that means for the output), else 0."""
        if done is not None:
            echo(done)
        if self.incomplete:
            names = ", ".join(dict.fromkeys(self.incomplete))  # a variant two findings share
            click.echo(f"INCOMPLETE: a budget cut the search of {names}; {cut}", err=True)
            sys.exit(EXIT_INCONCLUSIVE)
        sys.exit(EXIT_OK)
