"""`mcfsm matrix`: the traceability matrix of the model(s) at PATH against the clause list
kept beside them (PATH/clauses.txt, or --clauses FILE)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..check.explorer import Result
from ..errors import UsageError
from ..lang.loader import load_path
from ..show.matrix import load_clauses, matrix, matrix_markdown
from .common import (
    EXIT_INCONCLUSIVE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    budget,
    budget_options,
    check_output_file,
    echo,
    exit_help,
    explore_variant,
    guarded,
)

HELP = ("Every clause of the spec text against the transitions, properties and verdicts of "
        "the model(s) at PATH.\n\n"
        + exit_help("the matrix was written from exhaustive searches",
                    "(not used: verdicts are listed, not judged)"))


def default_clauses(path: Path) -> Path:
    return (path if path.is_dir() else path.parent) / "clauses.txt"


@click.command(name="matrix", help=HELP)
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--clauses", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="The clause list (default: clauses.txt beside the models).")
@click.option("--json", "as_json", is_flag=True, help="Print the matrix as JSON.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Also write the Markdown matrix to FILE.")
@budget_options
@guarded
def matrix_command(path: Path, clauses: Path | None, as_json: bool, out: Path | None,
                   max_states: int | None, max_depth: int | None,
                   time_limit: float | None) -> None:
    check_output_file(out, "--out")
    clause_file = clauses or default_clauses(path)
    if not clause_file.is_file():
        raise UsageError(f"clause list {clause_file}: not found; write one (see "
                         "models/clauses.txt) or pass --clauses FILE")
    rows = load_clauses(clause_file)
    run_budget = budget(max_states, max_depth, time_limit)
    runs: list[tuple[str, str, Result]] = []
    incomplete: list[str] = []
    for lm in load_path(path):
        for variant in lm.model.variants:
            _, result = explore_variant(lm, variant, run_budget)
            name = f"{lm.model.name}[{variant}]"
            if result.stopped_by == "interrupted":
                click.echo(f"mcfsm: interrupted while exploring {name}; no matrix written",
                           err=True)
                sys.exit(EXIT_INTERRUPTED)
            if not result.complete:
                incomplete.append(name)
            runs.append((lm.model.name, variant, result))
    records = matrix(rows, runs)
    text = matrix_markdown(records)
    echo(json.dumps(records, indent=2) if as_json else text.rstrip())
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
    if incomplete:
        click.echo(f"INCOMPLETE: a budget cut the search of {', '.join(incomplete)}; their "
                   "verdicts are unknown", err=True)
        sys.exit(EXIT_INCONCLUSIVE)
    sys.exit(EXIT_OK)
