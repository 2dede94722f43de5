"""Traceability matrix: every clause, step, NOTE and table element of the spec text (a
clause list kept as data beside the models, e.g. models/clauses.txt) against the
transitions and messages that realise it, the properties that watch it, and their verdicts
per variant; rows nothing realises say "not modelled" and why (from the list), or that no
model cites them.

Citations are read from the `clause=` strings the models already carry: each is split on
";" into references such as "10.16.5.3 steps 2-3", "CR 000 10.16.5.3 NOTE 2",
"X.1.7.1 items 6a-6b" or "Table 10.16.5.2-1 NOTE"; text in brackets and references to
other specifications ("TS 23.379 ...") are ignored.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from ..check.choices import dependency
from ..check.search.explorer import Result
from ..errors import UsageError
from .values import md_cell

_CLAUSE = re.compile(r"(?:CR (\d{3}) )?(Table [\d.]+-\d+|X\.\d+(?:\.\d+)*|\d+(?:\.\d+)+)\s*(.*)")
_QUALIFIER = re.compile(
    r"(steps?|items?|pre-conditions?|NOTE|Editor's note|last paragraph|first paragraph)"
    r"\s*((?:\d+[a-z]?(?:\([ivx]+\))?)(?:\s*(?:-|,|and)\s*\d+[a-z]?(?:\([ivx]+\))?)*)?")


@dataclasses.dataclass(frozen=True)
class Ref:
    cr: str | None
    clause: str
    qualifiers: tuple[tuple[str, tuple[str, ...]], ...]  # (kind, numbers) pairs
    text: str


@dataclasses.dataclass(frozen=True)
class ClauseRow:
    row_id: str
    source: str
    summary: str
    not_modelled: str
    ref: Ref


def _kind(word: str) -> str:
    word = word.lower().rstrip("s") if word not in ("NOTE", "Editor's note") else word
    return {"pre-condition": "pre-condition", "step": "step", "item": "item"}.get(word, word)


def _numbers(spec: str | None) -> tuple[str, ...]:
    if not spec:
        return ()
    out: list[str] = []
    for part in re.split(r"\s*(?:,|and)\s*", spec):
        bounds = [b.strip() for b in part.split("-")]
        if len(bounds) == 2 and bounds[0].isdigit() and bounds[1].isdigit():
            out += [str(n) for n in range(int(bounds[0]), int(bounds[1]) + 1)]
        elif len(bounds) == 2 and bounds[0][:-1] == bounds[1][:-1] and bounds[0][:-1].isdigit():
            out += [bounds[0][:-1] + chr(c) for c in range(ord(bounds[0][-1]), ord(bounds[1][-1]) + 1)]
        else:
            out += [b for b in bounds if b]
    return tuple(out)


def parse_ref(text: str) -> Ref | None:
    text = re.sub(r"\([^()]*\)", "", text).strip() if not re.search(r"\d[a-z]?\([ivx]+\)", text) \
        else re.sub(r"\s\([^()]*\)", "", text).strip()
    if text.startswith("TS ") or not text:
        return None
    m = _CLAUSE.match(text)
    if m is None:
        return None
    cr, clause, rest = m.groups()
    quals = tuple((_kind(q.group(1)), _numbers(q.group(2))) for q in _QUALIFIER.finditer(rest))
    return Ref(cr, clause, quals, rest.strip())


def refs_of(clause: str) -> list[Ref]:
    """Every reference in a model's clause= string."""
    out = []
    for part in clause.split(";"):
        ref = parse_ref(part.strip())
        if ref is not None:
            out.append(ref)
    return out


def _number_matches(row: str, cited: str) -> bool:
    return cited == row or (cited.startswith(row) and not cited[len(row)].isdigit())


def covers(row: Ref, ref: Ref) -> bool:
    """Whether a citation `ref` realises or watches the clause-list row `row`."""
    if row.clause != ref.clause or (ref.cr and row.cr and ref.cr != row.cr):
        return False
    if not row.qualifiers:
        if row.text:  # a table element: the table as a whole, or the element by name
            return not ref.qualifiers and (not ref.text or row.text.lower() in ref.text.lower())
        return not ref.qualifiers or any(k == "first paragraph" for k, _ in ref.qualifiers)
    kind, numbers = row.qualifiers[0]
    for k, cited in ref.qualifiers:
        if k != kind:
            continue
        if not numbers:
            return not cited if kind == "NOTE" else True
        if any(_number_matches(numbers[0], c) for c in cited):
            return True
    return False


def load_clauses(path: Path) -> list[ClauseRow]:
    if not path.is_file():
        raise UsageError(f"no clause list at {path}: keep one row per clause in "
                         "models/clauses.txt or pass --clauses FILE")
    rows = []
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = [c.strip() for c in line.split(" | ")]
        if len(cols) < 3:
            raise UsageError(f"{path}:{n}: a row needs 'id | file | summary' "
                             "(columns separated by ' | ')")
        ref = parse_ref(cols[0])
        if ref is None:
            raise UsageError(f"{path}:{n}: cannot read clause id {cols[0]!r}; start it with a "
                             "clause number, 'X.1...', 'Table ...' or 'CR nnn'")
        reason = cols[3].removeprefix("not modelled:").strip() if len(cols) > 3 else ""
        rows.append(ClauseRow(cols[0], cols[1], cols[2], reason, ref))
    return rows


def _verdict_words(result: Result, name: str) -> str:
    v = next(x for x in result.verdicts if x.property.name == name)
    depends = dependency(result, name)
    extra = f" ({depends})" if depends and depends != "whatever the choices" else ""
    return v.status + extra


def matrix(clauses: list[ClauseRow], runs: list[tuple[str, str, Result]]) -> list[dict[str, Any]]:
    """One record per clause row. `runs` holds (model, variant, result) of every variant."""
    realisers: list[tuple[str, Ref]] = []
    # A message declaration only cites the clause that defines the message (shared messages
    # are declared once for every model): listed, but it realises nothing on its own.
    citers: list[tuple[str, Ref]] = []
    watchers: list[tuple[str, str, Ref]] = []  # (model, property, ref)
    assumers: list[tuple[str, Ref]] = []  # the assumptions a model makes about a clause
    seen: set[str] = set()
    for model, _, result in runs:
        for a in result.system.assumptions:
            akey = f"{model}: {a.name} ({'forced by the text' if a.forced else 'unforced'})"
            if akey not in seen:
                seen.add(akey)
                assumers += [(akey, r) for r in refs_of(a.clause)]
        for inst in result.system.instances:
            for t in inst.role.transitions:
                key = f"{model}: {inst.role.name}.{t.name}"
                if key not in seen:
                    seen.add(key)
                    realisers += [(key, r) for r in refs_of(t.clause)]
                for msg in (*t.sends, *((t.receives,) if t.receives else ())):
                    mkey = f"{model}: message {msg.__name__}"
                    if mkey not in seen:
                        seen.add(mkey)
                        citers += [(mkey, r) for r in refs_of(getattr(msg, "clause", "") or "")]
        for pname, param in result.system.params.items():
            pkey = f"{model}: parameter {pname}"
            if pkey not in seen:
                seen.add(pkey)
                realisers += [(pkey, r) for r in refs_of(param.clause)]
        for p in result.system.properties:
            pkey = f"{model}: {p.name}"
            if pkey not in seen:
                seen.add(pkey)
                watchers += [(model, p.name, r) for r in refs_of(p.clause)]
    out = []
    for row in clauses:
        transitions = sorted({k for k, r in realisers if covers(row.ref, r)})
        cited = sorted({k for k, r in citers if covers(row.ref, r)})
        props = sorted({(m, n) for m, n, r in watchers if covers(row.ref, r)})
        assumed = sorted({k for k, r in assumers if covers(row.ref, r)})
        verdicts = {f"{m}: {n}": {variant: _verdict_words(result, n)
                                  for model, variant, result in runs if model == m
                                  and any(p.name == n for p in result.system.properties)}
                    for m, n in props}
        if transitions or props:
            status = "modelled"
        else:
            status = "not modelled: " + (row.not_modelled or "no model cites it")
        out.append({"clause": row.row_id, "spec_file": row.source, "summary": row.summary,
                    "status": status, "realised_by": transitions, "cited_by": cited,
                    "watched_by": [f"{m}: {n}" for m, n in props], "verdicts": verdicts,
                    "assumed": assumed})
    return out


def matrix_markdown(records: list[dict[str, Any]]) -> str:
    modelled = sum(r["status"] == "modelled" for r in records)
    out = ["# Traceability matrix", "",
           "Generated by `mcfsm matrix models/` from `models/clauses.txt` and the `clause=` of "
           "every transition, message, property and assumption (do not edit by hand). An "
           "assumption names what a model takes about the clause beyond the text, and a "
           "message declaration only cites the clause that defines the message: neither "
           "counts as realising it.", "",
           f"{modelled} of {len(records)} rows are realised or watched by a model.", "",
           "| clause | file | text | realised by | watched by (verdict per variant) | assumed |",
           "| --- | --- | --- | --- | --- | --- |"]
    for r in records:
        if r["status"] != "modelled":
            realised, watched = f"*{r['status']}*", ""
        else:
            realised = "<br>".join([f"`{t}`" for t in r["realised_by"]]
                                   + [f"cites: `{c}`" for c in r["cited_by"]]) or "-"
            watched = "<br>".join(
                f"`{w}`: " + ", ".join(f"{variant} {words}"
                                       for variant, words in r["verdicts"][w].items())
                for w in r["watched_by"]) or "-"
        assumed = "<br>".join(f"`{a}`" for a in r["assumed"]) or "-"
        out.append(f"| {md_cell(r['clause'])} | {r['spec_file']} | {md_cell(r['summary'])} | "
                   f"{realised} | "
                   f"{watched} | {assumed} |")
    return "\n".join(out) + "\n"
