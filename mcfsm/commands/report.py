"""`mcfsm report`: the static HTML report with its trace explorer (no network)."""

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

HELP = ("A static HTML report of the model(s) at PATH, with a trace explorer (no network).\n\n"
        + exit_help("every page was written from exhaustive searches",
                    "(not used: violations are reported, not judged)"))


@click.command(name="report", help=HELP)
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--variant", "variants", multiple=True, metavar="NAME",
              help="Report only this variant (repeatable). Default: every variant.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("reports/html"), show_default=True,
              help="Folder to write index.html and one page per model into.")
@budget_options
@spec_option
@guarded
def report(path: Path, variants: tuple[str, ...], out: Path, max_states: int | None,
           max_depth: int | None, time_limit: float | None) -> None:
    from ..show.html_report import write_report

    check_output_dir(out, "--out")
    loaded = load_path(path)
    list(selected(loaded, variants))  # validates --variant names
    runs = VariantRuns(budget(max_states, max_depth, time_limit))
    with runs.interruptible(f"the pages under {out}/ are partial"):
        written = write_report(loaded, out, variants=variants,
                               progress=lambda text: click.echo(text, err=True), run=runs)
    runs.finish(f"wrote {len(written)} pages under {out}/ (open {out / 'index.html'})",
                "their pages show only the part explored")
