"""The `mcfsm` command line: one module per command, the shared contract in common.py.

Adding a command (tests/test_contract.py checks every registered command):
- a module here with a `@click.command(help=... + exit_help(ok, bad))` function decorated
  with `@guarded` (last, right above the function) and added to `main` below;
- if it explores: `@budget_options`, then `budget(max_states, max_depth, time_limit)` and
  `explore_variant(lm, variant, run_budget)` (the one way to explore; it locates model
  errors and refuses a search with no state); stop with EXIT_INTERRUPTED when a result says
  `stopped_by == "interrupted"`, EXIT_INCONCLUSIVE when one is incomplete;
- check output paths before exploring (`check_output_dir`, `check_output_file`), print
  reports with `echo` (model code's prints go to stderr), raise UsageError/ModelError for
  bad input, and add a row to README's "Exit codes" table.

`main` is a click group whose own `main()` enforces the exit-code contract for what click
itself reports: usage errors exit 2 (never click's generic 1), and Ctrl-C outside a
command's stop handling exits 130 (never click's "Aborted!" with status 1)."""

from __future__ import annotations

import importlib
import sys
import warnings
from collections.abc import Iterator, MutableMapping
from typing import Any

import click

from ..errors import McfsmWarning
from ..interrupt import EXIT_INTERRUPTED
from .common import EXIT_ERROR

# Every command as (its module, its function): a command's module, and what it alone
# imports (spec/, docx, hypothesis, Ray...), is imported when that command runs or its
# help is shown, so `mcfsm check` does not pay for the other fourteen at start-up.
COMMAND_SOURCES = {
    "check": ("check", "check"), "simulate": ("simulate", "simulate"),
    "replay": ("traces", "replay_"), "diagram": ("diagram", "diagram"),
    "diff": ("diff", "diff_"), "export": ("traces", "export_"),
    "list": ("listing", "list_"), "matrix": ("matrix", "matrix_command"),
    "quotes": ("quotes", "quotes"), "report": ("report", "report"), "init": ("init", "init"),
    "cache": ("cache_command", "cache_command"),
    "contribution": ("contribution", "contribution"), "cr": ("cr", "cr_group"),
    "impact": ("impact", "impact"),
}

CONTRACT = """Exit status of every command: 0 all as expected; 1 a property is violated
(diff: a verdict changed; replay: the trace diverged); 2 a usage or model error (one
message naming the file, role, transition or property and the fix); 3 inconclusive (a
budget cut the search, or a property was not judged: unknown is never a pass); 130
interrupted (Ctrl-C prints the partial result). Each command's --help says what 0 and 1 mean for it."""


class ContractGroup(click.Group):
    def main(self, args: Any = None, prog_name: str | None = None,  # type: ignore[override]
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        _tolerant_streams()
        _plain_warnings()
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as exc:
            exc.show()
            sys.exit(EXIT_ERROR)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except (click.Abort, KeyboardInterrupt):
            click.echo("mcfsm: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        sys.exit(code if isinstance(code, int) else 0)


def _plain_warnings() -> None:
    """A model's McfsmWarning reads as one line on stderr ("mcfsm: warning: ..."), not as
    Python's warning format with mcfsm's own file, line and source line."""
    shown = warnings.showwarning
    if getattr(shown, "mcfsm_plain", False):
        return  # installed by an earlier call in this process (tests invoke main often)

    def show(message: Any, category: type[Warning], filename: str, lineno: int,
             file: Any = None, line: str | None = None) -> None:
        if issubclass(category, McfsmWarning):
            click.echo(f"mcfsm: warning: {message}", err=True)
        else:
            shown(message, category, filename, lineno, file, line)

    show.mcfsm_plain = True  # type: ignore[attr-defined]
    warnings.showwarning = show


def _tolerant_streams() -> None:
    """Paths that are not UTF-8 (undecodable bytes) are printed escaped, not a crash."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):
                pass


@click.group(cls=ContractGroup, context_settings={"help_option_names": ["-h", "--help"]},
             help="mcfsm: check 3GPP MC migration state machines exhaustively.\n\n" + CONTRACT)
@click.version_option(package_name="mcfsm")
def main() -> None:
    pass


class LazyCommands(MutableMapping[str, click.Command]):
    """click's table of subcommands, each imported on first use (COMMAND_SOURCES): its
    names are known without importing anything, so `--help`, completion and the tests that
    iterate `main.commands` see every command."""

    def __init__(self, sources: dict[str, tuple[str, str]]) -> None:
        self.sources = dict(sources)
        self.loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self.loaded:
            module, attr = self.sources[name]  # KeyError: not a command
            command = getattr(importlib.import_module(f"{__name__}.{module}"), attr)
            if command.name != name:
                raise RuntimeError(f"COMMAND_SOURCES names {module}.{attr} {name!r}, "
                                   f"click {command.name!r}")
            self.loaded[name] = command
        return self.loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self.loaded[name] = command
        self.sources.setdefault(name, ("", ""))

    def __delitem__(self, name: str) -> None:
        del self.sources[name]
        self.loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self.sources)

    def __len__(self) -> int:
        return len(self.sources)

    def __contains__(self, name: object) -> bool:
        return name in self.sources


main.commands = LazyCommands(COMMAND_SOURCES)
