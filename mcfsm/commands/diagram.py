"""`mcfsm diagram`: state diagrams, sequence charts, trace exports and CR diffs."""

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

HELP = ("State diagrams, sequence charts, trace exports and CR diffs for the model(s) at "
        "PATH.\n\n" + exit_help("every file was written from exhaustive searches",
                                "(not used: violations are drawn, not judged)"))


class _InterruptedError(Exception):
    pass


@click.command(help=HELP)
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--variant", "variants", multiple=True, metavar="NAME",
              help="Draw only this variant (repeatable). Default: every variant.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("diagrams"),
              show_default=True, help="Folder to write into (with an index README.md).")
@click.option("--no-svg", is_flag=True, help="Write DOT and Mermaid only (no graphviz needed).")
@budget_options
@guarded
def diagram(path: Path, variants: tuple[str, ...], out: Path, no_svg: bool,
            max_states: int | None, max_depth: int | None, time_limit: float | None) -> None:
    from ..show.docs import write_docs

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
        written = write_docs(loaded, out, variants=variants, svg=not no_svg, run=run,
                             progress=lambda text: click.echo(text, err=True))
    except _InterruptedError as stop:
        click.echo(f"mcfsm: interrupted while exploring {stop}; the files under {out}/ are "
                   "partial", err=True)
        sys.exit(EXIT_INTERRUPTED)
    echo(f"wrote {len(written)} files under {out}/ (index: {out / 'README.md'})")
    if incomplete:
        echo(f"INCOMPLETE: a budget cut the search of {', '.join(incomplete)}; their "
                   "diagrams show only the part explored")
        sys.exit(EXIT_INCONCLUSIVE)
    sys.exit(EXIT_OK)
