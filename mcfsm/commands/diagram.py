"""`mcfsm diagram`: state diagrams, sequence charts, trace exports and CR diffs."""

from __future__ import annotations

from pathlib import Path

import click

from ..lang.loader import load_path
from .common import (
    budget,
    budget_options,
    check_output_dir,
    exit_help,
    guarded,
    selected,
    spec_option,
)
from .runs import VariantRuns

HELP = ("State diagrams, sequence charts, trace exports and CR diffs for the model(s) at "
        "PATH.\n\n" + exit_help("every file was written from exhaustive searches",
                                "(not used: violations are drawn, not judged)"))


@click.command(help=HELP)
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--variant", "variants", multiple=True, metavar="NAME",
              help="Draw only this variant (repeatable). Default: every variant.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("diagrams"),
              show_default=True, help="Folder to write into (with an index README.md).")
@click.option("--no-svg", is_flag=True, help="Write DOT and Mermaid only (no graphviz needed).")
@budget_options
@spec_option
@guarded
def diagram(path: Path, variants: tuple[str, ...], out: Path, no_svg: bool,
            max_states: int | None, max_depth: int | None, time_limit: float | None) -> None:
    from ..show.docs import write_docs

    check_output_dir(out, "--out")
    loaded = load_path(path)
    list(selected(loaded, variants))  # validates --variant names
    runs = VariantRuns(budget(max_states, max_depth, time_limit))
    with runs.interruptible(f"the files under {out}/ are partial"):
        written = write_docs(loaded, out, variants=variants, svg=not no_svg, run=runs,
                             progress=lambda text: click.echo(text, err=True))
    runs.finish(f"wrote {len(written)} files under {out}/ (index: {out / 'README.md'})",
                "their diagrams show only the part explored")
