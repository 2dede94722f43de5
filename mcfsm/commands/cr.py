"""`mcfsm cr`: a delegate's change request without touching role code.

`cr list MODEL [--clause C]` prints the model's choice points (lang/change_request.py): per
clause step, what it decides and the behaviours it offers. `cr new MODEL --from VARIANT
--clause C --out FILE` writes a CR file to edit: the clause's published text, and the
choice points that cite it with their behaviours, one of which the new sentence selects.
`check`, `diff`, `diagram` and `report` take the CR file like a model file."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..errors import UsageError
from ..lang.change_request import PUBLISHED_TEXT, ChoicePoint, choice_points, matching
from ..lang.loader import LoadedModel, load_path
from .common import echo, exit_help, guarded, spec_option

HELP = ("A change request as data: the model's choice points by clause, and a CR file "
        "over them.\n\n"
        "  mcfsm cr list models/private_call_redirect.py --clause 10.16.5.3\n"
        "  mcfsm cr new models/private_call_redirect.py --from base --clause 10.16.5.3 "
        "--out my_cr.toml\n"
        "  mcfsm diff my_cr.toml            (as published against changed)\n\n"
        + exit_help("the choice points were listed, or the CR file written", "(not used)"))


@click.group(name="cr", help=HELP)
def cr_group() -> None:
    pass


def _one_model(path: Path) -> LoadedModel:
    if path.suffix != ".py":
        raise UsageError(f"{path}: give one model file (.py), whose choice points to list")
    loaded = load_path(path)
    if len(loaded) != 1:
        raise UsageError(f"{path} defines {len(loaded)} models; a CR names a file with one")
    return loaded[0]


def _points(lm: LoadedModel, clause: str | None) -> list[ChoicePoint]:
    points = choice_points(lm.model, lm.path)
    if clause is None:
        return points
    found = matching(points, clause)
    if not found:
        clauses = sorted({p.clause.split(";")[0] for p in points if p.clause})
        raise UsageError(f"--clause {clause!r}: no choice point of {lm.model.name} cites it; "
                         f"its choice points cite: {'; '.join(clauses)}")
    return found


def _lines(point: ChoicePoint, prefix: str = "") -> list[str]:
    out = [f"{prefix}choice point {point.name!r}  [{point.clause}]",
           f"{prefix}  decides: {' '.join(point.doc.split())}"]
    for b in point.behaviours:
        out.append(f"{prefix}  behaviour {b.name!r}: {b.words}")
        if b.sentence:
            words = b.sentence.replace(PUBLISHED_TEXT, "<the step's published text>")
            out.append(f"{prefix}    its sentence: {words}")
    return out


@cr_group.command(name="list", help="List a model's choice points (all, or those citing "
                  "--clause), each with the behaviours a CR may select.\n\n"
                  + exit_help("the list was printed", "(not used)"))
@click.argument("model", type=click.Path(path_type=Path))
@click.option("--clause", metavar="CLAUSE", help="Only the choice points citing this clause "
              "(its number, with the step where you want it: '10.16.5.3 step 2').")
@spec_option
@guarded
def cr_list(model: Path, clause: str | None) -> None:
    lm = _one_model(model)
    for point in _points(lm, clause):
        echo("\n".join(_lines(point)))
        echo()


def _published(lm: LoadedModel, clause: str) -> str:
    """The clause's published text, quoted from the spec files the models' clause list
    names (empty when the list or the clause is not found)."""
    from ..spec.quotes import SpecText

    clauses = lm.path.parent / "clauses.txt"
    if not clauses.is_file():
        return ""
    try:
        quotes = [q for q in SpecText(clauses).quotes(clause) if q.located]
    except UsageError:
        return ""
    return " ".join(quotes[0].text.split()) if quotes else ""


# TOML's escapes in a basic string; any other control character is written \uXXXX
_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"',
            "\\": "\\\\"}


def _toml(text: str) -> str:
    """`text` as a TOML basic string: every character TOML does not allow there escaped."""
    return '"' + "".join(_ESCAPES.get(c) or (f"\\u{ord(c):04X}" if _control(c) else c)
                         for c in text) + '"'


def _control(c: str) -> bool:
    return ord(c) < 0x20 or ord(c) == 0x7F


def _comment(line: str) -> str:
    """A comment line as TOML allows it: no control character but the tab (a model's words
    may hold a line break)."""
    return "".join(" " if _control(c) and c != "\t" else c for c in line)


def _check_clause(clause: str) -> None:
    """Refuse a --clause no CR file can carry: empty, or holding a line break or another
    control character (it would select every choice point, or write a file that does not
    load)."""
    example = "--clause '10.16.5.3 step 2'"
    if not clause.strip():
        raise UsageError(f"--clause {clause!r}: empty; a CR changes a clause (and step)",
                         fix=f"give one, e.g. {example}; `mcfsm cr list MODEL` lists the "
                             "clauses its choice points cite")
    bad = next((c for c in clause if _control(c)), None)
    if bad is not None:
        raise UsageError(f"--clause {clause!r}: holds the control character {bad!r} (a line "
                         "break, say); a clause is one line",
                         fix=f"give the clause on one line, e.g. {example}")


def _check_out(out: Path) -> None:
    """Refuse an --out that exists, as a file, a folder or a link (a dangling one too: the
    file would be made where it points)."""
    if os.path.islink(out):
        target = os.readlink(out)
        dangling = "" if out.exists() else ", which does not exist"
        raise UsageError(f"--out {out}: a symbolic link (to {target}{dangling}); writing "
                         "through it would make or change a file elsewhere",
                         fix="choose another name, or remove the link")
    if out.exists():
        raise UsageError(f"--out {out}: the file exists; choose another name or remove it")


@cr_group.command(name="new", help="Write a CR file that changes --clause of MODEL's "
                  "variant --from: the published text, and the choice points citing the "
                  "clause with their behaviours; edit the sentence and the behaviour it "
                  "selects, then `mcfsm diff FILE`.\n\n"
                  + exit_help("the file was written", "(not used)"))
@click.argument("model", type=click.Path(path_type=Path))
@click.option("--from", "start", required=True, metavar="VARIANT",
              help="The variant the CR changes (the text as published: base, as_published...).")
@click.option("--clause", required=True, metavar="CLAUSE",
              help="The clause (and step) the CR changes: '10.16.5.3 step 2'.")
@click.option("--out", type=click.Path(path_type=Path), metavar="FILE",
              help="Where to write it (default: cr_<clause>.toml here); refused if it exists.")
@spec_option
@guarded
def cr_new(model: Path, start: str, clause: str, out: Path | None) -> None:
    _check_clause(clause)
    lm = _one_model(model)
    if start not in lm.model.variants:
        raise UsageError(f"--from {start!r}: {lm.model.name} has no such variant; use one of "
                         f"{', '.join(lm.model.variants)}")
    points = _points(lm, clause)
    slug = "_".join(clause.replace(".", "_").split())
    out = out or Path(f"cr_{slug}.toml")
    _check_out(out)
    if out.suffix != ".toml":
        raise UsageError(f"--out {out}: a CR file ends in .toml")
    usable = [p for p in points if not any(b.baseline and b.baseline != start
                                           for b in p.behaviours)]
    first = usable[0] if usable else points[0]
    chosen = next((b for b in first.behaviours if b.baseline == start), first.behaviours[-1])
    published = _published(lm, first.clause.split(";")[0].strip() or clause)
    text = [f"# A change request to {lm.model.name}, clause {clause}, starting from variant "
            f"{start!r}.",
            "# Edit the title, the sentence and the behaviour it selects; then run",
            f"#   mcfsm diff {out}     (the text as published against the text as changed)",
            "# Each [[change]] selects one behaviour of one choice point: the choice points",
            "# citing this clause are listed at the end of this file.",
            "", "[change_request]",
            f"title = {_toml('<one line: what the change does>')}",
            f"model = {_toml(os.path.relpath(lm.path.resolve(), out.resolve().parent))}",
            f"start = {_toml(start)}", "",
            "[[change]]", f"clause = {_toml(first.clause or clause)}"]
    if published:
        text.append(f"published = {_toml(published)}")
    sentence = chosen.sentence.replace(PUBLISHED_TEXT, published or "<the published text>")
    text += [f"sentence = {_toml(sentence or published or '<the new sentence>')}",
             f"choice = {_toml(first.name)}", f"behaviour = {_toml(chosen.name)}", "",
             f"# The choice points citing {clause}:"]
    for point in points:
        text += _lines(point, "#   ")
    text = [_comment(line) if line.startswith("#") else line for line in text]
    try:  # "x": made here, never through a link or over a file made since the check
        with open(out, "x", encoding="utf-8") as f:
            f.write("\n".join(text) + "\n")
    except FileExistsError:  # made since the check (or a link made since)
        _check_out(out)
        raise UsageError(f"--out {out}: the file exists; choose another name or remove "
                         "it") from None
    except OSError as exc:
        raise UsageError(f"--out {out}: cannot be written ({exc.strerror or exc})",
                         fix="choose a writable folder") from None
    echo(f"wrote {out}: {len(points)} choice point{'s' * (len(points) != 1)} cite {clause}; "
         f"edit it, then `mcfsm diff {out}`")
