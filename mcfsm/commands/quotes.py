"""`mcfsm quotes`: the record of the sentences the models cite (models/quotes.json) against
a version of the spec text, and what cites each sentence that changed (spec/drift.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from ..errors import UsageError
from ..lang.loader import LoadedModel, load_path
from ..spec.clauses import load_clauses
from ..spec.drift import Drift, OtherText, compare
from ..spec.quotes import SpecText
from ..spec.record import FILE_NAME as RECORD_FILE
from ..spec.record import KINDS, QuoteRecord
from ..spec.where import text_folder
from .common import EXIT_OK, EXIT_VIOLATED, echo, exit_help, guarded

HELP = ("Compare the sentences the models cite, as MODELS/quotes.json records them, with a "
        "version of the spec text: --spec a folder of the spec files, one .txt, or a .docx "
        "(a new release of the TS). Lists each cited sentence that changed or is gone, and "
        "the transitions, parameters, properties, findings and contributions (fix "
        "sentences) that cite it. Without --spec: the text the other commands read "
        "(MCFSM_SPEC, else the clause list's folder). --write takes the folder's text into "
        "the record.\n\n"
        + exit_help("every cited sentence reads as recorded",
                    "some cited sentence changed or is gone"))


@click.command(name="quotes", help=HELP)
@click.argument("models", type=click.Path(path_type=Path), default=Path("models"),
                required=False)
@click.option("--spec", "text", type=click.Path(path_type=Path), metavar="DIR_OR_DOCX",
              help="The other version of the text: a folder of spec files, a .txt or a .docx.")
@click.option("--write", is_flag=True,
              help="Record the text's sentences in place of the changed ones (a folder only).")
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@guarded
def quotes(models: Path, text: Path | None, write: bool, as_json: bool) -> None:
    folder = models if models.is_dir() else models.parent
    clauses = folder / "clauses.txt"
    if not clauses.is_file():
        raise UsageError(f"{folder}: no clauses.txt; `mcfsm quotes` reads the record beside "
                         "a clause list (models/ has both)")
    record_path = folder / RECORD_FILE
    if not record_path.is_file():
        raise UsageError(f"{record_path}: no record of quotes yet; run `mcfsm diagram "
                         f"{folder}` once with the spec text to write it")
    if text is None:
        text = text_folder(clauses)
        if text is None:
            raise UsageError("no spec text to compare with: give --spec DIR_OR_DOCX (a folder "
                             "of the spec files, a .txt or a .docx), or MCFSM_SPEC=DIR")
    if write and not text.is_dir():
        raise UsageError(f"--write needs a folder of spec files (as the clause list names "
                         f"them), not {text}; the pages quote files by name")
    record = QuoteRecord.at(record_path)
    drifts = compare(record, OtherText(text, load_clauses(clauses)))
    loaded = load_path(models)
    records = [_record(d, loaded, folder) for d in drifts]
    if write:  # every recorded answer read again from the folder, as a run would
        fresh = SpecText(clauses, folder=text.resolve())
        for kind in KINDS:
            for k in list(record.entries[kind]) + list(record.added[kind]):
                record.replace(kind, k, fresh.reread(kind, k))
        record.flush()
        echo(f"{record_path}: re-read from {text} ({len(drifts)} piece(s) had changed)")
        sys.exit(EXIT_OK)
    if as_json:
        echo(json.dumps(records, indent=1))
    else:
        echo("\n".join(_text(records, record_path, text, record)))
    sys.exit(EXIT_VIOLATED if drifts else EXIT_OK)


def _record(d: Drift, loaded: list[LoadedModel], folder: Path) -> dict[str, Any]:
    """A drifted sentence and what cites it: the transitions, parameters, properties and
    findings `impact` finds for a changed piece (show/impact.touched), and the declared
    fix sentences that change it (the contributions)."""
    from ..show.fix_text import load_declared, sentences_file
    from ..show.impact import Piece, cites_piece, touched

    kind, numbers = d.ref.qualifiers[0] if d.ref.qualifiers else ("", ())
    piece = Piece(d.ref.cr, d.ref.clause, kind, numbers[0] if numbers else "", (), ())
    [found] = touched([piece], loaded)
    contributions = sorted(
        f"{model_name}.{variant}"
        for model_name, variants in load_declared(sentences_file(folder)).items()
        for variant, entries in variants.items()
        for entry in (entries if isinstance(entries, list) else [entries])
        if isinstance(entry, dict) and isinstance(entry.get("clause"), str)
        and cites_piece(piece.ref, entry["clause"]))
    return {"where": d.where, "file": d.file, "status": d.status, "recorded": d.recorded,
            "now": d.now, **{k: found[k] for k in ("transitions", "parameters", "properties",
                                                    "findings")},
            "contributions": contributions}


def _text(records: list[dict[str, Any]], record_path: Path, text: Path,
          record: QuoteRecord) -> list[str]:
    asked = sum(len(record.entries[k]) for k in ("quotes", "clauses", "fragments"))
    changed = sum(r["status"] == "changed" for r in records)
    gone = len(records) - changed
    lines = [f"{record_path}: {asked} recorded pieces compared with {text}: "
             f"{changed} changed, {gone} gone"]
    for r in records:
        lines += ["", f"{r['status'].upper()} {r['where']} ({r['file']})"]
        lines += [f"  was: {x}" for x in r["recorded"].splitlines()] or ["  was: (not in the text)"]
        lines += [f"  now: {x}" for x in r["now"].splitlines()] or ["  now: (not in the text)"]
        cited = False
        for key in ("transitions", "parameters", "properties", "findings", "contributions"):
            if r[key]:
                lines.append(f"  cited by {key}: {', '.join(r[key])}")
                cited = True
        if not cited:
            lines.append("  cited by: the pages that quote it (no transition, property, finding "
                         "or fix sentence cites this piece by its own number)")
    return lines
