"""Spec drift: the record of cited sentences (record.py) against another version of the
text (a new release of the TS as a folder of the same files, one text file, or a .docx).

Each recorded answer is asked again of the other text; a sentence that reads differently
(white space aside) is changed, one the other text no longer holds is gone. The answers are
the record's own questions, so what is compared is exactly what the models' pages quote.
Which transitions, properties, findings and contributions cite a changed piece is the
command's to say (commands/quotes.py): this module only reads text.
"""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from ..errors import UsageError
from .clauses import ClauseRow, Ref, parse_ref
from .quotes import _fragment_quotes, _section, locate
from .record import SEP, QuoteRecord

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# A document.xml larger than this is not a spec (TS 23.280 as a whole is some 10 MB).
MAX_DOCX_XML = 256 * 1024 * 1024
# A text file larger than this is not a spec or a CR (TS 23.280's text is some 2 MB).
MAX_TEXT = 64 * 1024 * 1024


@dataclasses.dataclass(frozen=True)
class Drift:
    """One recorded piece that the other text gives differently."""

    where: str       # "10.16.5.3 step 2"
    source: str      # the clause list's file id ("001")
    file: str        # the recorded spec file's name
    recorded: str
    now: str         # "" when the other text no longer holds it
    ref: Ref

    @property
    def status(self) -> str:
        return "gone" if not self.now.strip() else "changed"


def _plain(text: str) -> str:
    return " ".join(text.split())


def document_xml(path: Path) -> ElementTree.Element:
    """A .docx's word/document.xml, parsed; its size checked before it is read (a spec or a
    CR is megabytes at most), every failure a UsageError naming the file."""
    try:
        with zipfile.ZipFile(path) as z:
            info = z.getinfo("word/document.xml")
            # the size the archive gives, checked before a byte is inflated; zipfile then
            # reads no more than that size (a member that inflates past it fails its CRC)
            if info.file_size > MAX_DOCX_XML:
                raise UsageError(f"{path}: its word/document.xml is {info.file_size:,} bytes, "
                                 f"more than the {MAX_DOCX_XML:,} a spec or a CR needs; it is "
                                 "refused unread",
                                 fix="pass the CR or spec itself (.docx as Word saves it, or "
                                     "its text as a .txt)")
            return ElementTree.fromstring(z.read(info))
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError) as exc:
        raise UsageError(f"{path}: not a readable .docx ({exc})") from None


def read_text(path: Path, what: str) -> str:
    """A spec or CR text file, its size checked before it is read (MAX_TEXT) and its
    encoding after; each refusal names the file (`what`: "CR", "--spec") and the fix."""
    try:
        size = path.stat().st_size
        if size > MAX_TEXT:
            raise UsageError(f"{what} {path}: {size:,} bytes, more than the {MAX_TEXT:,} a spec "
                             "or a CR text needs; it is refused unread",
                             fix="pass the CR or spec itself (its text as a .txt, or the .docx)")
        with open(path, "rb") as f:
            data = f.read(MAX_TEXT + 1)  # a file that grew since is read no further
    except OSError as exc:
        raise UsageError(f"{what} {path}: cannot be read ({exc.strerror or exc})") from None
    try:
        return data[:MAX_TEXT].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{what} {path}: not UTF-8 text (byte {data[exc.start]:#04x} at "
                         f"offset {exc.start:,})",
                         fix=f"save it as UTF-8 (iconv -f latin1 -t utf-8 {path}), or pass "
                             "the .docx") from None


def docx_text(path: Path) -> str:
    """A .docx's text in the form of the spec files: a line per paragraph (tabs kept),
    a table row as one line per cell, each starting with a tab, then an empty line.
    Revision marks are read as accepted: inserted text kept, deleted text left out."""
    root = document_xml(path)

    def para(p: ElementTree.Element) -> str:
        out = []
        for e in p.iter():
            if e.tag == f"{_W}t":
                out.append(e.text or "")
            elif e.tag == f"{_W}tab":
                out.append("\t")
        return "".join(out)

    lines: list[str] = []
    body = root.find(f"{_W}body")
    for block in (body if body is not None else []):
        if block.tag == f"{_W}p":
            lines.append(para(block))
        elif block.tag == f"{_W}tbl":
            for row in block.iter(f"{_W}tr"):
                for cell in row.iter(f"{_W}tc"):
                    lines.append("\t" + " ".join(para(p) for p in cell.iter(f"{_W}p")))
                lines.append("")
    return "\n".join(lines)


class OtherText:
    """Another version of the spec text, answering as SpecText's files do: a folder of
    the same files (NNN_*.txt, or NNN_*.docx), or one file (.txt or .docx) standing for
    each of them (a release of the TS holds every clause)."""

    def __init__(self, path: Path, rows: list[ClauseRow]) -> None:
        if not path.exists():
            raise UsageError(f"--spec {path}: no such file or folder; give a folder of spec "
                             "text files, a .txt or a .docx")
        self.path = path
        self.rows = rows
        self._one: str | None = None
        if path.is_file():
            if path.suffix.lower() == ".docx":
                self._one = docx_text(path)
            else:
                self._one = read_text(path, "--spec")
        self._files: dict[str, tuple[str, str] | None] = {}

    def file(self, source: str) -> tuple[str, str]:
        found = self.lookup(source)
        return found if found is not None else ("", "")

    def lookup(self, source: str) -> tuple[str, str] | None:
        """(name, text) of the file standing for `source`, or None when there is none."""
        if self._one is not None:
            return self.path.name, self._one
        if source not in self._files:
            found = [f for pattern in (f"{source}_*", f"{source}*")
                     for f in sorted(self.path.glob(pattern))
                     if f.suffix.lower() in (".txt", ".docx")]
            self._files[source] = ((found[0].name, docx_text(found[0])
                                    if found[0].suffix.lower() == ".docx"
                                    else read_text(found[0], "--spec"))
                                   if found else None)
        return self._files[source]


def _ref(where: str) -> Ref:
    ref = parse_ref(where)
    assert ref is not None, where  # a recorded citation parses: it was parsed to record it
    return ref


def compare(record: QuoteRecord, other: OtherText) -> list[Drift]:
    """Every recorded sentence the other text gives differently, in the record's order."""
    out: list[Drift] = []
    files = {**record.entries["files"], **record.added["files"]}
    quotes = {**record.entries["quotes"], **record.added["quotes"]}
    changed_clauses: set[tuple[str, str]] = set()
    for k, recorded in quotes.items():
        source, clause, kind, number, words = k.split(SEP, 4)
        found = other.lookup(source)
        now = locate(found[1], clause, kind, number, words) if found else ""
        if _plain(now) != _plain(recorded):
            where = " ".join(w for w in (clause, kind, number) if w)
            if words and not kind and '"' in words:
                where = f"{clause} {words}"
            out.append(Drift(where, source, files.get(source, source), recorded, now,
                             _ref(where)))
            changed_clauses.add((source, clause))
    for k, answer in {**record.entries["clauses"], **record.added["clauses"]}.items():
        file, clause = k.split(SEP, 1)
        source = file.split("_", 1)[0]
        if (source, clause) in changed_clauses:
            continue  # its changed pieces are listed one by one
        found = other.lookup(source)
        lines = [x for x in (_section(found[1], clause) or []) if x.strip()] if found else []
        if [_plain(x) for x in lines] != [_plain(x) for x in answer["lines"]]:
            out.append(Drift(clause, source, file, "\n".join(answer["lines"]),
                             "\n".join(lines), _ref(clause)))
    for fragment, answer in {**record.entries["fragments"],
                             **record.added["fragments"]}.items():
        now_quotes = _fragment_quotes(other, fragment)  # type: ignore[arg-type]
        then = {(w, _plain(t)) for w, _, t in answer}
        if then != {(q.where, _plain(q.text)) for q in now_quotes}:
            where = answer[0][0] if answer else fragment
            out.append(Drift(f'{where} "{fragment}"', answer[0][1].split("_")[0] if answer
                             else "", answer[0][1] if answer else "",
                             "\n".join(t for _, _, t in answer),
                             "\n".join(q.text for q in now_quotes), _ref(where)))
    unique: dict[tuple[str, str, str, str], Drift] = {}  # one piece asked in two words: once
    for d in out:
        unique.setdefault((d.where, d.file, _plain(d.recorded), _plain(d.now)), d)
    return list(unique.values())
