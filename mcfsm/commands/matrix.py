"""`mcfsm matrix`: the traceability matrix of the model(s) at PATH against the clause list
kept beside them (PATH/clauses.txt, or --clauses FILE)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..check.search.explorer import Result
from ..errors import UsageError
from ..lang.loader import load_path
from ..show.matrix import matrix, matrix_markdown
from ..spec.clauses import load_clauses
from .common import (
    budget,
    budget_options,
    check_output_file,
    exit_help,
    guarded,
)
from .runs import VariantRuns

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
    variant_runs = VariantRuns(budget(max_states, max_depth, time_limit))
    runs: list[tuple[str, str, Result]] = []
    with variant_runs.interruptible("no matrix written"):
        for lm in load_path(path):
            for variant in lm.model.variants:
                _, result = variant_runs(lm, variant)
                runs.append((lm.model.name, variant, result))
    records = matrix(rows, runs)
    text = matrix_markdown(records)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
    variant_runs.finish(json.dumps(records, indent=2) if as_json else text.rstrip(),
                        "their verdicts are unknown")
