"""What a change request touches: its changed sentences, piece by piece (pre-condition,
step, NOTE, Editor's note, table), against the other text of the same clause, and the
transitions, parameters, properties, findings and variants of the models that cite each
piece (the traceability matrix's `covers`); a changed piece no model cites is said so.

A CR comes as text, in the seeds' form (the clause as changed, between "* * * First
Change * * *" and "* * * End of Changes * * *"; no revision marks survive in plain text,
so its sentences are compared with the same clause in the other spec files, where one
holds it: 10.16.5.3 in CR 000 against CR 001), or as a .docx whose changes are revision
marks (w:ins, w:del: each paragraph's inserted and deleted text, under the clause heading
above it).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from ..lang.change_request import choice_points
from ..lang.loader import LoadedModel
from ..spec.clauses import Ref, covers, refs_of
from ..spec.drift import document_xml, read_text
from ..spec.quotes import _END, _FIGURE, _HEADING, _SENTENCE_END, _section, locate
from .fix_text import load_declared, sentences_file

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# A heading paragraph of a .docx: the clause number, then its title or nothing (the title
# may sit in a run of its own).
_DOCX_HEADING = re.compile(r"^\s*(X\.\d+(?:\.\d+)*|\d+(?:\.\d+){2,})(?:\s|$)")


@dataclasses.dataclass(frozen=True)
class Piece:
    """One changed piece of a clause: its sentences inserted and deleted (against `against`,
    the file the other text came from; "" when no other text of the clause exists)."""

    cr: str | None
    clause: str
    kind: str
    number: str
    inserted: tuple[str, ...]
    deleted: tuple[str, ...]
    against: str = ""

    @property
    def where(self) -> str:
        return " ".join(w for w in (self.clause, self.kind, self.number) if w)

    @property
    def ref(self) -> Ref:
        return Ref(self.cr, self.clause, ((self.kind, (self.number,) if self.number else ()),)
                   if self.kind else (), "")


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(" ".join(text.split())) if s.strip()]


def _norm(sentence: str) -> str:
    """A sentence for comparison: letters and digits only ("user2" is "user 2")."""
    return re.sub(r"\W+", "", sentence.lower())


def _pieces(body: list[str]) -> list[tuple[str, str]]:
    """The (kind, number) pieces of a clause body, in order."""
    lines = [line.strip() for line in body if line.strip()]
    out: list[tuple[str, str]] = []
    figure = next((k for k, line in enumerate(lines) if _FIGURE.match(line)), len(lines))
    pre = next((k for k, line in enumerate(lines) if line.startswith("Pre-condition")), None)
    if pre is not None:
        n = 0
        for line in lines[pre + 1:figure]:
            if not re.match(r"(?:\d+\.|-)\s+", line):
                break
            n += 1
            out.append(("pre-condition", str(n)))
    for line in lines:
        if re.match(r"Editor[’']s note\s*:", line):
            out.append(("Editor's note", ""))
    for line in lines[figure + 1:] if figure < len(lines) else []:
        m = re.match(r"(\d+)\.\s+", line)
        if m:
            out.append(("step", m.group(1)))
    for line in lines:
        m = re.match(r"NOTE\s*(\d*)\s*:", line)
        if m:
            out.append(("NOTE", m.group(1)))
    return out or [("", "")]


def _changed_clauses(text: str) -> list[str]:
    """The clause numbers whose headings lie in the CR's change blocks (the whole file when
    it marks none)."""
    lines = text.splitlines()
    inside = not any("First Change" in line for line in lines)
    out = []
    for line in lines:
        if "Change" in line and _END.match(line):
            inside = "End of Changes" not in line
            continue
        m = _HEADING.match(line)
        if inside and m and m.group(1) not in out:
            out.append(m.group(1))
    return out


def text_changes(cr_file: Path, spec_folder: Path) -> list[Piece]:
    """The changed pieces of a CR in the seeds' text form (module doc)."""
    text = read_text(cr_file, "CR")
    cr = re.match(r"(\d{3})_", cr_file.name)
    # the CR itself is never its own base, wherever it sits: not by path, name or content
    # (a copy of a seed beside the spec folder's own would otherwise compare with itself)
    others = [f for f in sorted(spec_folder.glob("*.txt")) if f.resolve() != cr_file.resolve()
              and f.name != cr_file.name and read_text(f, "--spec") != text]
    out = []
    for clause in _changed_clauses(text):
        body = _section(text, clause) or []
        if not any(line.strip() for line in body):
            continue  # a heading above the changed subclauses
        other = next(((f.name, t) for f in others
                      if _section(t := read_text(f, "--spec"), clause) is not None), None)
        table = next(("Table " + m.group(1) for line in body  # a no-break space, often
                      if (m := re.match(r"\s*Table\s+([\d.]+-\d+):", line))), None)
        if table is not None:  # an information-flow table: the piece is the table (and its NOTE)
            clause, body = table, _section(text, table) or body
            other = next(((f.name, t) for f in others
                          if _section(t := read_text(f, "--spec"), table) is not None),
                         None)
        for kind, number in ([("", "")] if table else []) + _pieces(body):
            if table and kind not in ("", "NOTE"):
                continue
            mine = _sentences(locate(text, clause, kind, number) if kind else " ".join(body))
            if other is None:
                out.append(Piece(cr.group(1) if cr else None, clause, kind, number,
                                 tuple(mine), ()))
                continue
            name, theirs_text = other
            theirs = _sentences(locate(theirs_text, clause, kind, number) if kind else
                                " ".join(_section(theirs_text, clause) or []))
            if not theirs and kind == "NOTE":  # "NOTE 1:" where the other text has "NOTE:"
                theirs = _sentences(locate(theirs_text, clause, kind, "" if number else "1"))
            known = {_norm(s) for s in theirs}
            gone = {_norm(s) for s in mine}
            inserted = tuple(s for s in mine if _norm(s) not in known)
            deleted = tuple(s for s in theirs if _norm(s) not in gone)
            if inserted or deleted:
                out.append(Piece(cr.group(1) if cr else None, clause, kind, number, inserted,
                                 deleted, name))
    return out


def _versions(para: ElementTree.Element) -> tuple[str, str]:
    """(the paragraph as it was, as it is with its revision marks accepted)."""
    inserted = {id(t) for ins in para.iter(f"{_W}ins") for t in ins.iter(f"{_W}t")}
    before, after = [], []
    for e in para.iter():
        if e.tag == f"{_W}delText":
            before.append(e.text or "")
        elif e.tag == f"{_W}t":
            after.append(e.text or "")
            if id(e) not in inserted:
                before.append(e.text or "")
        elif e.tag == f"{_W}tab":
            before.append("\t")
            after.append("\t")
    return "".join(before), "".join(after)


def docx_changes(path: Path) -> list[Piece]:
    """The changed pieces of a .docx CR: per paragraph with revision marks, the whole
    sentences it inserts and deletes (the paragraph as it was against as it is), under the
    clause heading above it; a numbered paragraph is a pre-condition between a
    "Pre-conditions" line and the figure, a step after it (as in the spec files)."""
    root = document_xml(path)
    clause = ""
    in_preconditions = False
    pieces: dict[tuple[str, str, str], tuple[list[str], list[str]]] = {}
    for para in root.iter(f"{_W}p"):
        before, after = _versions(para)
        marked = para.findall(f".//{_W}ins") or para.findall(f".//{_W}del")
        m = _DOCX_HEADING.match(after)
        if m and not marked:
            clause, in_preconditions = m.group(1), False
            continue
        if after.strip().startswith("Pre-condition"):
            in_preconditions = True
        elif _FIGURE.match(after.strip()):
            in_preconditions = False
        if not marked or not clause:
            continue
        number = re.match(r"\s*(\d+)\.", after) or re.match(r"\s*(\d+)\.", before)
        note = re.match(r"\s*NOTE\s*(\d*)\s*:", after)
        kind, n = (("pre-condition" if in_preconditions else "step", number.group(1)) if number
                   else ("NOTE", note.group(1)) if note else ("", ""))
        was, now = _sentences(before), _sentences(after)
        known, gone = {_norm(x) for x in was}, {_norm(x) for x in now}
        entry = pieces.setdefault((clause, kind, n), ([], []))
        entry[0].extend(x for x in now if _norm(x) not in known)
        entry[1].extend(x for x in was if _norm(x) not in gone)
    return [Piece(None, c, k, n, tuple(i), tuple(d), path.name)
            for (c, k, n), (i, d) in pieces.items()]


def touched(pieces: list[Piece], loaded: list[LoadedModel]) -> list[dict[str, Any]]:
    """Per piece: the transitions, parameters and properties that cite it, the findings on
    those properties and the variants that have them; `covered` False when nothing does."""
    every_point = [(lm.model.name, point) for lm in loaded
                   for point in choice_points(lm.model, lm.path, generic=False,
                                              build=lm.model.system)]
    out = []
    for piece in pieces:
        ref = piece.ref
        transitions: set[str] = set()
        params: set[str] = set()
        props: set[str] = set()
        findings: set[str] = set()
        variants: set[str] = set()
        for lm in loaded:
            model = lm.model
            for variant in model.variants:
                system = model.system(variant)
                hit = False
                for inst in system.instances:
                    for t in inst.role.transitions:
                        if any(_touches(ref, r) for r in refs_of(t.clause)):
                            transitions.add(f"{model.name}: {inst.role.name}.{t.name}")
                            hit = True
                for name, p in system.params.items():
                    if any(_touches(ref, r) for r in refs_of(p.clause)):
                        params.add(f"{model.name}: {name}")
                        hit = True
                for p in system.properties:
                    if any(_touches(ref, r) for r in refs_of(p.clause)):
                        props.add(f"{model.name}: {p.name}")
                        hit = True
                        findings |= {f"{model.name}: {n}" for n, f in model.findings.items()
                                     if f.prop == p.name}
                if hit:
                    variants.add(f"{model.name}[{variant}]")
            # a finding that turns on the piece (its own clauses), whatever its property cites
            # ... or whose declared change is a sentence of it (fix_sentences.toml)
            declared = load_declared(sentences_file(lm.path)).get(model.name, {})
            findings |= {f"{model.name}: {n}" for n, f in model.findings.items()
                         if any(_touches(ref, r) for c in f.clauses for r in refs_of(c))
                         or any(isinstance(e, dict) and isinstance(e.get("clause"), str)
                                and any(_touches(ref, r) for r in refs_of(e["clause"]))
                                for e in _listed(declared.get(f.fix or "", [])))}
        points = sorted(f"{name}: {point.name}" for name, point in every_point
                        if point.clause and any(_touches(ref, r) for r in refs_of(point.clause)))
        out.append({"where": piece.where, "cr": piece.cr, "inserted": list(piece.inserted),
                    "choice_points": points,
                    "deleted": list(piece.deleted), "against": piece.against,
                    "transitions": sorted(transitions), "parameters": sorted(params),
                    "properties": sorted(props), "findings": sorted(findings),
                    "variants": sorted(variants),
                    "covered": bool(transitions or params or props)})
    return out


def cites_piece(piece: Ref, clause: str) -> bool:
    """Whether a clause= string names a changed piece (see _touches)."""
    return any(_touches(piece, r) for r in refs_of(clause))


def _listed(entries: Any) -> list[Any]:
    return entries if isinstance(entries, list) else [entries]


def _touches(piece: Ref, cited: Ref) -> bool:
    """Whether a model's citation names the changed piece (a CR's own piece: citations of
    that CR, or of none)."""
    if cited.cr and piece.cr and cited.cr != piece.cr:
        return False
    if not piece.qualifiers:
        return cited.clause == piece.clause
    return covers(dataclasses.replace(piece, cr=None), dataclasses.replace(cited, cr=None))


def impact_text(records: list[dict[str, Any]], name: str) -> list[str]:
    lines = [f"{name}: {len(records)} changed piece{'s' * (len(records) != 1)}, "
             f"{sum(not r['covered'] for r in records)} that no model covers"]
    for r in records:
        lines.append("")
        against = f" (against {r['against']})" if r["against"] else \
            " (no other text of the clause: every sentence listed)"
        lines.append(f"{r['where']}{against}")
        for s in r["inserted"]:
            lines.append(f"  + {s}")
        for s in r["deleted"]:
            lines.append(f"  - {s}")
        if not r["covered"]:
            lines.append("  NOT COVERED: no transition, parameter or property of the models "
                         "cites it")
            continue
        if r["choice_points"]:
            lines.append(f"  covered by choice points: {', '.join(r['choice_points'])} (a CR "
                         "file selects one: `mcfsm cr new MODEL --clause ...`)")
        else:
            lines.append("  cited by transitions only: no choice point of the model's own; "
                         "a CR can still omit the step or ignore what it receives (the "
                         "generic changes `mcfsm cr list MODEL --clause ...` lists); any other "
                         "change of what it does needs the modeller (a Param or fix_ variant)")
        for key, words in (("transitions", "transitions"), ("parameters", "parameters"),
                           ("properties", "properties"), ("findings", "findings"),
                           ("variants", "variants")):
            if r[key]:
                lines.append(f"  {words}: {', '.join(r[key])}")
    return lines
