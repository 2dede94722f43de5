"""`mcfsm impact CR`: which pieces of the text a change request changes, and which
transitions, parameters, properties, findings and variants of the models cite them
(show/impact.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import UsageError
from ..lang.loader import load_path
from .common import EXIT_OK, EXIT_VIOLATED, echo, exit_help, guarded

HELP = ("List what a change request changes and what the models say about it: CR is a "
        "text file in the seeds' form (the changed clause between '* * * First Change * * *' "
        "and '* * * End of Changes * * *', compared with the same clause in the other spec "
        "files), or a .docx whose changes are revision marks. Per changed pre-condition, "
        "step, NOTE or table: its inserted and deleted sentences, the transitions, "
        "parameters and properties citing it, the findings on those properties and the "
        "variants that have them; a changed piece no model cites is marked NOT COVERED.\n\n"
        + exit_help("every changed piece is covered by some model",
                    "some changed piece is covered by no model"))


@click.command(name="impact", help=HELP)
@click.argument("cr", type=click.Path(path_type=Path))
@click.option("--models", type=click.Path(path_type=Path), default=Path("models"),
              show_default=True, help="The model folder (or file) whose citations to search.")
@click.option("--spec", type=click.Path(path_type=Path), metavar="DIR",
              help="The spec text folder a text CR is compared against (default: the one "
                   "the models' clauses.txt names, else the CR's own folder).")
@click.option("--json", "as_json", is_flag=True, help="Print the records as JSON.")
@guarded
def impact(cr: Path, models: Path, spec: Path | None, as_json: bool) -> None:
    from ..show.impact import docx_changes, impact_text, text_changes, touched
    from ..spec.quotes import spec_folder

    if not cr.is_file():
        raise UsageError(f"{cr}: no such file; pass a CR as a .txt (the seeds' form) or .docx")
    # the CR is read (and refused, when it cannot be one) before the models are loaded
    if cr.suffix.lower() == ".docx":
        pieces = docx_changes(cr)
    else:
        if spec is None:
            clauses = (models if models.is_dir() else models.parent) / "clauses.txt"
            spec = spec_folder(clauses) if clauses.is_file() else cr.parent
        if not spec.is_dir():
            raise UsageError(f"--spec {spec}: not a folder")
        try:
            pieces = text_changes(cr, spec)
        except UnicodeDecodeError:
            raise UsageError(f"{cr}: not a text file; pass the CR as text or as .docx") from None
    if not pieces:
        raise UsageError(f"{cr}: no changed clause found (no clause heading in its change "
                         "blocks, or no revision marks)")
    records = touched(pieces, load_path(models))
    if as_json:
        echo(json.dumps(records, indent=1))
    else:
        echo("\n".join(impact_text(records, cr.name)))
    sys.exit(EXIT_OK if all(r["covered"] for r in records) else EXIT_VIOLATED)
