"""`mcfsm report` (the static HTML report) and `mcfsm init` (a runnable model to start
from): small commands kept out of cli.py, registered on its group at the end of it."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .cli import _guarded, _selected
from .errors import UsageError
from .lang.loader import load_path


@click.command(name="report")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--variant", "variants", multiple=True, metavar="NAME",
              help="Report only this variant (repeatable). Default: every variant.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("reports/html"),
              show_default=True, help="Folder to write index.html and one page per model into.")
@_guarded
def report(path: Path, variants: tuple[str, ...], out: Path) -> None:
    """A static HTML report of the model(s) at PATH, with a trace explorer (no network)."""
    from .show.html_report import write_report

    loaded = load_path(path)
    list(_selected(loaded, variants))  # validates --variant names

    def progress(text: str) -> None:
        click.echo(text, err=True)

    written = write_report(loaded, out, variants=variants, progress=progress)
    click.echo(f"wrote {len(written)} pages under {out}/ (open {out / 'index.html'})")


@click.command(name="init")
@click.argument("name")
@click.option("--force", is_flag=True, help="Overwrite existing files.")
@_guarded
def init(name: str, force: bool) -> None:
    """Write NAME.py, a runnable minimal model (one variant, one property), and its test."""
    from .skeleton import model_text, test_text

    if not name.isidentifier():
        raise UsageError(f"model name {name!r} is not a Python identifier; use letters, digits "
                         "and '_', e.g. `mcfsm init my_model`")
    files = {Path(f"{name}.py"): model_text(name), Path(f"test_{name}.py"): test_text(name)}
    existing = [str(p) for p in files if p.exists()]
    if existing and not force:
        raise UsageError(f"{', '.join(existing)} already exist; pass --force to overwrite")
    for path, text in files.items():
        path.write_text(text)
    click.echo(f"wrote {name}.py and test_{name}.py; next: `mcfsm check {name}.py` and "
               f"`pytest test_{name}.py`")
    sys.exit(0)
