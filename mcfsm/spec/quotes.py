"""The spec's own sentences for a citation: "10.16.5.3 step 2" -> the text of step 2 of
clause 10.16.5.3, verbatim, from the spec file the clause list names for that clause.

The clause list (models/clauses.txt) names one spec file per row ("001" for
`001_*.txt`) and, in its header comment, the folder the files live in, relative to
itself ("the spec text in ../../shared/spec/"). A citation is parsed as the traceability
matrix parses it (clauses.parse_ref); a clause the list names in several files (10.16.5.3 as
published by CR 001 and as changed by CR 000) is quoted from each, unless the citation
names its CR. What cannot be located is said to be so, never guessed.

Quotes are verbatim substrings of the file: only the step's number ("2.\\t"), the NOTE's
label ("NOTE 2:\\t") and surrounding white space are cut off. A citation that quotes words
of a clause (X.1.6 "inform the primary MC system") is quoted by the sentences that hold
them, each verbatim, not the whole clause.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import UsageError
from .clauses import ClauseRow, Ref, load_clauses, parse_ref
from .record import FILE_NAME as RECORD_FILE
from .record import SEP, QuoteRecord, key
from .where import ENV, header_folder, say_not_reread, text_folder

NOT_LOCATED = "not located in the text"

# A clause heading: "[bookmark: ...]10.16.5.3\t Procedure", "X.1.7.1\tAddressing ...".
_HEADING = re.compile(r"^(?:\[bookmark:[^\]]*\])*\s*(X\.\d+(?:\.\d+)*|\d+(?:\.\d+)+)[\s\t]+\S")
_END = re.compile(r"^\s*\*( \*)+")  # "* * * End of Changes * * *"
# The figure caption that separates a procedure's pre-conditions from its steps (the text
# writes "Figure" and the number with a no-break space, often after a bookmark).
_FIGURE = re.compile(r"^(?:\[bookmark:[^\]]*\])*Figure\s+[\dX.-]+:")
# Between two sentences of a paragraph ("... system. This allows ..."; not "e.g. the").
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def _table(clause: str, tail: str) -> re.Pattern[str]:
    """A line that starts with "Table 10.16.5.2-1" (any space) followed by `tail`."""
    return re.compile(r"^Table\s+" + re.escape(clause.removeprefix("Table ").strip()) + tail)


@dataclasses.dataclass(frozen=True)
class Quote:
    """One cited piece of the text: `where` ("10.16.5.3 step 2"), the spec file's name,
    and the sentences verbatim ("" when they could not be located)."""

    where: str
    file: str
    text: str

    @property
    def located(self) -> bool:
        return bool(self.text)


def spec_folder(clauses: Path) -> Path:
    """The folder of the spec files for a clause list: --spec, MCFSM_SPEC or the clause
    list's header comment (spec/where.py); an error when none is reachable, for the uses
    that need the text itself (a CR compared with it)."""
    if not clauses.is_file():
        raise UsageError(f"no clause list at {clauses}: the spec quotes need it to find "
                         "the spec files (one row per clause: id | file | summary)")
    folder = text_folder(clauses)
    if folder is not None:
        return folder
    named = header_folder(clauses)
    if named is None:
        raise UsageError(f"{clauses} does not say where the spec text is: add a header comment "
                         "such as '# the spec text in ../../shared/spec/', or give --spec DIR")
    raise UsageError(f"{clauses} says the spec text is in {named}, but "
                     f"{(clauses.parent / named).resolve()} is not a folder; give the text's "
                     f"folder with --spec DIR (or {ENV}=DIR)")


class SpecText:
    """The spec files a clause list names and the quotes of citations. Every answer goes
    through the record beside the clause list (spec/record.py): read from the text and
    checked against the record when the text is reachable, read from the record when not."""

    def __init__(self, clauses: Path, folder: Path | None = None) -> None:
        """`folder`: read this text and leave the record alone (`mcfsm quotes --write`
        re-reads every recorded answer from it); by default the text the user points to,
        checked against the record."""
        if not clauses.is_file():
            raise UsageError(f"no clause list at {clauses}: the spec quotes need it to find "
                             "the spec files (one row per clause: id | file | summary)")
        self.clauses = clauses
        self.fresh = folder is not None
        self.folder: Path | None = folder or text_folder(clauses)
        self.rows: list[ClauseRow] = load_clauses(clauses)
        self.record = QuoteRecord.at(clauses.parent / RECORD_FILE)
        self._files: dict[str, tuple[str, str]] = {}
        if self.folder is None:
            say_not_reread(clauses.parent / RECORD_FILE, clauses)

    def _answer(self, kind: str, k: str, compute: Callable[[], Any]) -> Any:
        if self.folder is None:
            return self.record.get(kind, k)
        if self.fresh:
            return compute()
        return self.record.compare(kind, k, compute(), self.folder)

    def reread(self, kind: str, k: str) -> Any:
        """The text's answer to one recorded question, in the record's JSON form."""
        parts = k.split(SEP)
        if kind == "files":
            return self.file_name(k)
        if kind == "quotes":
            source, clause, piece, number, words = k.split(SEP, 4)
            return self.locate(source, clause, piece, number, words)
        if kind == "clauses":
            heading, lines = self.clause_lines(parts[0], SEP.join(parts[1:]))
            return {"heading": heading, "lines": lines}
        if kind == "positions":
            return self.position(parts[0], SEP.join(parts[1:]))
        return [[q.where, q.file, q.text] for q in self.fragment(k)]

    def file(self, source: str) -> tuple[str, str]:
        """(file name, text) of the spec file a row names ("001" -> 001_*.txt); only with
        the text reachable (the record keeps sentences, not files)."""
        if self.folder is None:
            raise UsageError(f"the spec text is not reachable ({self.clauses} names no folder "
                             "that exists): give --spec DIR or MCFSM_SPEC=DIR")
        if source not in self._files:
            found = sorted(self.folder.glob(f"{source}_*.txt")) or sorted(
                self.folder.glob(f"{source}*.txt"))
            if not found:
                raise UsageError(f"the clause list names spec file {source!r}, but "
                                 f"{self.folder} holds no {source}_*.txt; restore the file or "
                                 "fix the row in clauses.txt")
            self._files[source] = (found[0].name, found[0].read_text(encoding="utf-8"))
        return self._files[source]

    def file_name(self, source: str) -> str:
        """The name of the spec file a row names ("001" -> "001_1aa2b361e8a15f46.txt")."""
        return str(self._answer("files", source, lambda: self.file(source)[0]))

    def locate(self, source: str, clause: str, kind: str, number: str, words: str = "") -> str:
        """The sentences of one piece of a clause in one spec file (see `locate`)."""
        return str(self._answer("quotes", key(source, clause, kind, number, words),
                                lambda: locate(self.file(source)[1], clause, kind, number,
                                               words)))

    def clause_lines(self, file: str, clause: str) -> tuple[str, list[str]]:
        """(heading, non-empty lines) of a clause in one spec file, as a CR shows it."""
        def read() -> dict[str, Any]:
            text = self.file(file.split("_", 1)[0])[1]
            body = _section(text, clause) or []
            heading = next((line for line in text.splitlines()
                            if (m := _HEADING.match(line)) and m.group(1) == clause), clause)
            return {"heading": heading, "lines": [line for line in body if line.strip()]}
        answer = self._answer("clauses", key(file, clause), read)
        return answer["heading"], list(answer["lines"])

    def position(self, source: str, sentence: str) -> int:
        """Where a sentence stands in a spec file (-1 when it is not there), for ordering."""
        return int(self._answer("positions", key(source, sentence),
                                lambda: self.file(source)[1].find(sentence)))

    def fragment(self, fragment: str) -> list[Quote]:
        """The sentences that hold `fragment` verbatim, each with its citation."""
        found = self._answer("fragments", fragment, lambda: [
            [q.where, q.file, q.text] for q in _fragment_quotes(self, fragment)])
        return [Quote(where, file, text) for where, file, text in found]

    def sources(self, ref: Ref) -> list[str]:
        """The spec files the clause list names for a citation's clause (and CR)."""
        out: list[str] = []
        for row in self.rows:
            if row.ref.clause != ref.clause:
                continue
            if ref.cr and row.ref.cr and ref.cr != row.ref.cr:
                continue
            if row.source not in out:
                out.append(row.source)
        if not out:  # a clause the list gives only by its subclauses (10.16.3 -> 10.16.3.1)
            out = list(dict.fromkeys(row.source for row in self.rows
                                     if row.ref.clause.startswith(ref.clause + ".")))
        return out

    def quotes(self, citation: str) -> list[Quote]:
        """The quotes of every reference in a clause= string ("10.16.5.3 steps 2-3;
        X.1.6"); references to other specifications are left out (not in our text)."""
        out: list[Quote] = []
        for part in citation.split(";"):
            ref = parse_ref(part.strip())
            if ref is None:
                continue
            pieces = [(kind, n) for kind, numbers in ref.qualifiers for n in (numbers or ("",))]
            sources = self.sources(ref)
            for kind, number in pieces or [("", "")]:
                where = " ".join(w for w in ((f"CR {ref.cr}" if ref.cr else ""), ref.clause,
                                             kind, number) if w)
                if not sources:
                    out.append(Quote(where, "", ""))
                for source in sources:
                    out.append(Quote(where, self.file_name(source),
                                     self.locate(source, ref.clause, kind, number, ref.text)))
        return out


def _section(text: str, clause: str) -> list[str] | None:
    """The lines of a clause, after its heading, up to the next heading or change mark."""
    lines = text.splitlines()
    if clause.startswith("Table "):
        caption, introduces = _table(clause, r"\s*:"), _table(clause, r"\s+\w")
        start = next((k for k, line in enumerate(lines) if caption.match(line)), None)
        if start is None:
            return None
        # the table's caption sentence is the line that introduces it
        intro = [line for line in lines[:start] if introduces.match(line)]
        body = []
        for line in lines[start + 1:]:
            if _END.match(line) or _HEADING.match(line):
                break
            body.append(line)
        return intro + body
    for k, line in enumerate(lines):
        m = _HEADING.match(line)
        if m and m.group(1) == clause:
            body = []
            for nxt in lines[k + 1:]:
                if _END.match(nxt) or _HEADING.match(nxt):
                    break
                body.append(nxt)
            return body
    return None


def _cut(line: str, prefix: str) -> str:
    return line[len(prefix):].strip() if prefix else line.strip()


def locate(text: str, clause: str, kind: str, number: str, words: str = "") -> str:
    """The sentences of one piece of a clause, verbatim, or "" when not located."""
    body = _section(text, clause)
    if body is None:
        return ""
    body = [line.strip() for line in body if line.strip()]  # table cells start with a tab
    if clause.startswith("Table "):
        if kind == "NOTE":
            return next((_cut(x, m.group(0)) for x in body
                         if (m := re.match(r"NOTE\s*:\s*", x))), "")
        if words.strip() and not kind:
            return ""  # an element by name: the table's cells are not sentences
        return body[0].strip() if body and _table(clause, r"\s+\w").match(body[0]) else ""
    figure = next((k for k, line in enumerate(body) if _FIGURE.match(line)), None)
    if kind == "step":
        steps = body[figure + 1:] if figure is not None else body
        return next((_cut(x, m.group(0)) for x in steps
                     if (m := re.match(rf"{re.escape(number)}\.\s+", x))), "")
    if kind == "pre-condition":
        start = next((k for k, line in enumerate(body) if line.startswith("Pre-condition")), None)
        if start is None or not number.isdigit():
            return ""
        items = []
        for line in body[start + 1:(figure if figure is not None else len(body))]:
            m = re.match(r"(?:\d+\.|-)\s+", line)
            if m is None:
                break
            items.append(_cut(line, m.group(0)))
        n = int(number)
        return items[n - 1] if 0 < n <= len(items) else ""
    if kind == "NOTE":
        pattern = rf"NOTE\s*{re.escape(number)}\s*:\s*" if number else r"NOTE\s*:\s*"
        return next((_cut(x, m.group(0)) for x in body if (m := re.match(pattern, x))), "")
    if kind == "Editor's note":
        return next((_cut(x, m.group(0)) for x in body
                     if (m := re.match(r"Editor[’']s note\s*:\s*", x))), "")
    if kind == "item":
        return _item(body, number)
    if kind == "last paragraph":
        return body[-1].strip() if body else ""
    if kind == "first paragraph":
        return body[0].strip() if body else ""
    if not kind:
        fragment = re.search(r'"([^"]+)"', words)
        if fragment is not None:  # the one sentence a finding turns on: X.1.6 "inform the"
            return "\n".join(sentence for line in body
                            for sentence in _SENTENCE_END.split(line.strip())
                            if fragment.group(1) in sentence)
        # the whole clause, paragraph by paragraph
        return "\n".join(line.strip() for line in body if not _FIGURE.match(line))
    return ""


def _item(body: list[str], number: str) -> str:
    """An item of a numbered list: "6" -> "6) ...", "6b" -> its "b)" sub-item, "3b(i)"
    -> the "i)" under that."""
    m = re.fullmatch(r"(\d+)([a-h]?)(?:\(([ivx]+)\))?", number)
    if m is None:
        return ""
    digit, letter, roman = m.groups()
    level = [(r"\d+", digit), (r"[a-h]", letter), (r"[ivx]+", roman)]
    start, stop = 0, len(body)
    found = ""
    for k, (pattern, want) in enumerate(level):
        if not want:
            break
        hit = None
        for j in range(start, stop):
            lm = re.match(rf"({pattern})\)\s+", body[j])
            if lm and lm.group(1) == want:
                hit = j
                break
            if k and re.match(r"\d+\)\s+", body[j]):
                break  # the next top-level item: the sub-item is not under this one
        if hit is None:
            return ""
        found = _cut(body[hit], re.match(rf"{pattern}\)\s+", body[hit]).group(0))  # type: ignore[union-attr]
        start = hit + 1
        # the sub-items of this one end at the next item of the same level
        stop = next((j for j in range(start, len(body))
                     if re.match(rf"{level[k][0]}\)\s+", body[j])
                     or (k and re.match(r"\d+\)\s+", body[j]))), len(body))
    return found


def sentences(text: str) -> list[str]:
    """A quote's sentences, each verbatim: its lines (paragraphs, list items) cut where a
    sentence ends and the next begins."""
    return [s.strip() for line in text.split("\n") if line.strip()
            for s in _SENTENCE_END.split(line.strip()) if s.strip()]


# What a line is within a clause: a procedure's step ("1.\t" after the figure), a
# pre-condition ("1.\t" before it), a list item ("5)", "b)"), a NOTE.
_NUMBERED = re.compile(r"(\d+)\.\s+")
_ITEM = re.compile(r"(\d+[a-h]?|[a-h])\)\s+")
_NOTE = re.compile(r"NOTE\s*(\d*)\s*:")


def _where(clause: str, body: list[str], k: int) -> str:
    """The citation of line `k` of a clause's body ("10.16.2.2 step 1", "X.1.7.1 item 5")."""
    line = body[k].strip()
    figure = next((j for j, x in enumerate(body) if _FIGURE.match(x.strip())), None)
    if (m := _NUMBERED.match(line)) is not None:
        pre = next((j for j, x in enumerate(body) if x.strip().startswith("Pre-condition")), None)
        if pre is not None and pre < k and (figure is None or k < figure):
            return f"{clause} pre-condition {m.group(1)}"
        return f"{clause} step {m.group(1)}"
    if (m := _ITEM.match(line)) is not None and m.group(1)[0].isdigit():
        return f"{clause} item {m.group(1)}"
    if (m := _NOTE.match(line)) is not None:
        return f"{clause} NOTE{' ' + m.group(1) if m.group(1) else ''}"
    return clause


def _fragment_quotes(spec: SpecText, fragment: str) -> list[Quote]:
    """The sentences of the spec files that hold `fragment` verbatim, each with its
    citation (see SpecText.find)."""
    out: list[Quote] = []
    for source in dict.fromkeys(row.source for row in spec.rows):
        name, text = spec.file(source)
        if fragment not in text:
            continue
        clause, body = "", []
        for line in text.splitlines() + [""]:
            m = _HEADING.match(line)
            if m or _END.match(line):
                clause, body = (m.group(1) if m else ""), []
                continue
            body.append(line)
            if clause and fragment in line:
                where = _where(clause, body, len(body) - 1)
                for s in _SENTENCE_END.split(line.strip()):
                    if fragment in s:
                        out.append(Quote(where, name, s.strip()))
    return out


def find_sentences(spec: SpecText, fragment: str) -> list[Quote]:
    """Where a reviewer's quoted words ('if the group contains ...') stand in the text:
    the one sentence that holds them, verbatim, with its clause, step or item, in each
    file that holds it (none when the words are not the text's own)."""
    return spec.fragment(fragment.strip()) if fragment.strip() else []


def cr_of(spec: SpecText, file: str) -> str:
    """The CR a spec file holds ("000" for 000_*.txt when the clause list's rows for it
    name CR 000), or "" for an excerpt of the published text."""
    source = file.split("_", 1)[0]
    return next((row.ref.cr for row in spec.rows if row.source == source and row.ref.cr), "")
