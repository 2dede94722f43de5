"""`mcfsm report`: the static HTML report with its trace explorer (no network)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..check.explorer import Result
from ..lang.loader import LoadedModel, load_path
from ..lang.system import System
from .common import (
    EXIT_INCONCLUSIVE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    budget,
    budget_options,
    check_output_dir,
    echo,
    exit_help,
    explore_variant,
    guarded,
    selected,
)

HELP = ("A static HTML report of the model(s) at PATH, with a trace explorer (no network).\n\n"
        + exit_help("every page was written from exhaustive searches",
                    "(not used: violations are reported, not judged)"))


class _InterruptedError(Exception):
    pass


@click.command(name="report", help=HELP)
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--variant", "variants", multiple=True, metavar="NAME",
              help="Report only this variant (repeatable). Default: every variant.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("reports/html"), show_default=True,
              help="Folder to write index.html and one page per model into.")
@budget_options
@guarded
def report(path: Path, variants: tuple[str, ...], out: Path, max_states: int | None,
           max_depth: int | None, time_limit: float | None) -> None:
    from ..show.html_report import write_report

    check_output_dir(out, "--out")
    loaded = load_path(path)
    list(selected(loaded, variants))  # validates --variant names
    run_budget = budget(max_states, max_depth, time_limit)
    incomplete: list[str] = []

    def run(lm: LoadedModel, variant: str) -> tuple[System, Result]:
        system, result = explore_variant(lm, variant, run_budget)
        if result.stopped_by == "interrupted":
            raise _InterruptedError(f"{lm.model.name}[{variant}]")
        if not result.complete:
            incomplete.append(f"{lm.model.name}[{variant}]")
        return system, result

    try:
        written = write_report(loaded, out, variants=variants,
                               progress=lambda text: click.echo(text, err=True), run=run)
    except _InterruptedError as stop:
        click.echo(f"mcfsm: interrupted while exploring {stop}; the pages under {out}/ are "
                   "partial", err=True)
        sys.exit(EXIT_INTERRUPTED)
    echo(f"wrote {len(written)} pages under {out}/ (open {out / 'index.html'})")
    if incomplete:
        echo(f"INCOMPLETE: a budget cut the search of {', '.join(incomplete)}; their pages "
             "show only the part explored")
        sys.exit(EXIT_INCONCLUSIVE)
    sys.exit(EXIT_OK)
