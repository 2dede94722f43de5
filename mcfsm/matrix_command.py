"""`mcfsm matrix PATH`: the traceability matrix of the model(s) at PATH against the clause
list kept beside them (PATH/clauses.txt, or --clauses FILE). Kept out of cli.py so that the
command stays self-contained while cli.py is split."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .check.choices import explore_by_choice
from .check.explorer import Result
from .lang.loader import load_path
from .show.matrix import load_clauses, matrix, matrix_markdown


def default_clauses(path: Path) -> Path:
    return (path if path.is_dir() else path.parent) / "clauses.txt"


def explore_all(path: Path) -> list[tuple[str, str, Result]]:
    runs = []
    for lm in load_path(path):
        for variant in lm.model.variants:
            runs.append((lm.model.name, variant, explore_by_choice(lm.model.system(variant))))
    return runs


@click.command(name="matrix")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--clauses", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="The clause list (default: clauses.txt beside the models).")
@click.option("--json", "as_json", is_flag=True, help="Print the matrix as JSON.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Also write the Markdown matrix to FILE.")
def matrix_command(path: Path, clauses: Path | None, as_json: bool, out: Path | None) -> None:
    """Every clause of the spec text against the transitions, properties and verdicts."""
    rows = load_clauses(clauses or default_clauses(path))
    records = matrix(rows, explore_all(path))
    text = matrix_markdown(records)
    click.echo(json.dumps(records, indent=2) if as_json else text.rstrip())
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
