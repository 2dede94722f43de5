"""The citation grammar and the clause list: a model's `clause=` string split on ";" into
references such as "10.16.5.3 steps 2-3", "CR 000 10.16.5.3 NOTE 2", "X.1.7.1 items 6a-6b"
or "Table 10.16.5.2-1 NOTE" (text in brackets and references to other specifications,
"TS 23.379 ...", are not ours), and the clause list kept beside the models
(models/clauses.txt: one row per clause, step, NOTE and table element of the spec text)."""

from __future__ import annotations

import dataclasses
import functools
import re
from pathlib import Path

from ..errors import UsageError

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


@functools.lru_cache(maxsize=4096)
def refs_of(clause: str) -> tuple[Ref, ...]:
    """Every reference in a model's clause= string. Cached: a model's few hundred clause
    strings are parsed again for every changed piece `impact` and `quotes` compare them
    with (a fifth of impact's time); the Refs are frozen and the tuple is shared."""
    return tuple(ref for part in clause.split(";")
                 if (ref := parse_ref(part.strip())) is not None)


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
