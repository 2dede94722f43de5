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

import sys
import warnings
from typing import Any

import click

from ..errors import McfsmWarning
from ..interrupt import EXIT_INTERRUPTED
from .cache_command import cache_command
from .check import check
from .common import EXIT_ERROR
from .contribution import contribution
from .cr import cr_group
from .diagram import diagram
from .diff import diff_
from .impact import impact
from .init import init
from .listing import list_
from .matrix import matrix_command
from .quotes import quotes
from .report import report
from .simulate import simulate
from .traces import export_, replay_

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


for command in (check, simulate, replay_, diagram, diff_, export_, list_, matrix_command, quotes,
                report, init, cache_command, contribution, cr_group, impact):
    main.add_command(command)
