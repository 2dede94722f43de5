"""`mcfsm init NAME`: a runnable minimal model to start from, and its test."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import UsageError
from .common import EXIT_OK, echo, exit_help, guarded

HELP = ("Write NAME.py, a runnable minimal model (one variant, one property), and its test "
        "test_NAME.py.\n\n" + exit_help("the files were written", "not used"))


@click.command(name="init", help=HELP)
@click.argument("name")
@click.option("--force", is_flag=True, help="Overwrite existing files.")
@guarded
def init(name: str, force: bool) -> None:
    from ..skeleton import model_text, test_text

    if not name.isidentifier():
        raise UsageError(f"model name {name!r} is not a Python identifier; use letters, digits "
                         "and '_', e.g. `mcfsm init my_model`")
    files = {Path(f"{name}.py"): model_text(name), Path(f"test_{name}.py"): test_text(name)}
    existing = [str(p) for p in files if p.exists()]
    if existing and not force:
        raise UsageError(f"{', '.join(existing)} already exist; pass --force to overwrite")
    for path, text in files.items():
        path.write_text(text)
    echo(f"wrote {name}.py and test_{name}.py; next: `mcfsm check {name}.py` and "
         f"`pytest test_{name}.py`")
    sys.exit(EXIT_OK)
