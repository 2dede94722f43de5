"""The sentence a candidate fix changes, against the published text: what a draft CR shows
as revision marks.

A `fix_*` variant models one changed sentence of the text, but the model holds behaviour,
not words. The words live beside the models in `fix_sentences.toml` (one table per change,
keyed by model and variant; the file's header says how to write one). Each change names a
citation; its published sentence is taken verbatim from the spec files through the clause
list (spec/quotes.py), and a published sentence that the cited piece does not hold is an
error, so the file cannot drift from the spec text unnoticed.

`word_diff` is the word-level difference of the published and the changed sentence, as
runs of kept, deleted and inserted words: the CR writer turns them into Word's w:del and
w:ins revision marks.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import tomllib
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..spec.clauses import parse_ref
from ..spec.quotes import SpecText, cr_of

FILE_NAME = "fix_sentences.toml"
KEPT, DELETED, INSERTED = "kept", "deleted", "inserted"
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")


@dataclasses.dataclass(frozen=True)
class TextChange:
    """One changed piece of a clause: `clause` the citation, `published` the sentence(s) as
    the spec file gives them, `changed` as the fix reads; `file` the spec file quoted,
    `heading` the clause's heading ("10.16.5.3 Procedure") and `body` its lines, the line
    holding the published sentence being `line`."""

    clause: str
    published: str
    changed: str
    file: str
    heading: str
    body: tuple[str, ...]
    line: int

    @property
    def clause_number(self) -> str:
        return self.heading.split()[0] if self.heading else ""


def _plain(text: str) -> str:
    """The text with no-break spaces as spaces (the spec files write "3GPP\\xa0TS"), for
    matching a sentence typed with ordinary spaces; one character for one, so an index into
    the plain text is an index into the original."""
    return text.replace("\xa0", " ")


def sentences_file(models: Path) -> Path:
    """Where the fix sentences of the model(s) at `models` are declared."""
    return (models if models.is_dir() else models.parent) / FILE_NAME


def load_declared(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML ({exc}); fix the file") from exc


def _quote(spec: SpecText, citation: str, path: Path, what: str) -> tuple[str, str]:
    """(spec file name, text) of the first located quote of a citation."""
    located = [q for q in spec.quotes(citation) if q.located]
    if not located:
        raise UsageError(f"{path}: {what} cites {citation!r}, which the spec files do not "
                         "hold (no quote located); cite a clause, step or NOTE as a model's "
                         "clause= does ('CR 000 10.16.5.3 step 2')")
    return located[0].file, located[0].text


def _clause_lines(spec: SpecText, file: str, citation: str) -> tuple[str, list[str]]:
    """The heading and the lines of the clause a citation names, from one spec file."""
    ref = parse_ref(citation)
    assert ref is not None  # _quote located it
    heading, lines = spec.clause_lines(file, ref.clause)
    # a document conversion's bookmark marks are no part of the text a CR shows
    return (" ".join(_BOOKMARK.sub("", heading).split()),
            [_BOOKMARK.sub("", line) for line in lines if _BOOKMARK.sub("", line).strip()])


def fix_changes(spec: SpecText, path: Path, model: str, variant: str) -> list[TextChange]:
    """The changes `fix_sentences.toml` declares for a model's variant; [] when none."""
    declared = entries(load_declared(path), model, variant)
    out = []
    for k, entry in enumerate(declared, 1):
        what = f"[[{model}.{variant}]] number {k}"
        if isinstance(entry, dict) and "same_as" in entry:
            # another variant's sentences, declared once: a fix made of several fixes
            other = entry["same_as"]
            if not isinstance(other, str) or other == variant or not load_declared(path).get(
                    model, {}).get(other) or any("same_as" in e for e in entries(
                        load_declared(path), model, other)):
                raise UsageError(f"{path}: {what} has same_as = {other!r}, which is not "
                                 f"another variant of {model} with sentences of its own; name "
                                 "a [[model.variant]] that declares clause and changed")
            out += fix_changes(spec, path, model, other)
            continue
        if not isinstance(entry, dict) or not isinstance(entry.get("clause"), str):
            raise UsageError(f"{path}: {what} has no clause; give clause = 'the citation'")
        citation = entry["clause"]
        file, quote = _quote(spec, citation, path, what)
        published = entry.get("published") or quote
        if entry.get("changed_from"):
            _, changed = _quote(spec, entry["changed_from"], path, what)
        elif isinstance(entry.get("changed"), str) and entry["changed"].strip():
            changed = entry["changed"]
        else:
            raise UsageError(f"{path}: {what} says neither changed = 'the text as the fix "
                             "reads' nor changed_from = 'the citation that holds it'")
        if _plain(published) not in _plain(quote):
            raise UsageError(f"{path}: {what}: the published sentence {published!r} is not "
                             f"in {citation} as {file} gives it; copy it from there verbatim")
        # the base text as published: a sentence cited in a CR's draft (CR 000) that the
        # published text holds alike is changed there, not in the other CR's draft
        published_ref = re.sub(r"^CR \d{3} ", "", citation)
        if published_ref != citation:
            draft = citation.split()[1]
            located = [q for q in spec.quotes(published_ref) if q.located
                       and cr_of(spec, q.file) != draft and _plain(published) in _plain(q.text)]
            if located:
                file, citation = located[0].file, published_ref
        heading, body = _clause_lines(spec, file, citation)
        line = next((n for n, text in enumerate(body) if _plain(published) in _plain(text)), None)
        if line is None:
            raise UsageError(f"{path}: {what}: the published sentence spans several lines of "
                             f"{citation}; declare one change per paragraph")
        # the original characters (no-break spaces and all), found through the plain text
        at = _plain(body[line]).index(_plain(published))
        published = body[line][at:at + len(published)]
        out.append(TextChange(citation, published, changed, file, heading, tuple(body), line))
    return out


def entries(declared: dict[str, Any], model: str, variant: str | None) -> list[Any]:
    """A variant's declared changes as a list ([model.variant] may be written as one table,
    not an array)."""
    found = declared.get(model, {}).get(variant or "", [])
    return found if isinstance(found, list) else [found]


_TOKEN = r"\s+|[,.;:](?=\s|$)|\S+?(?=[,.;:]?(?:\s|$))"


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """The word-level difference as runs [(KEPT | DELETED | INSERTED, text)]: a word keeps
    the white space after it, so the runs joined give `before` (kept and deleted) and
    `after` (kept and inserted). Words are compared with no-break spaces as spaces."""
    # a word's trailing comma, full stop, semicolon or colon is a token of its own, so that
    # "2" becoming "2," marks the comma inserted, not the word replaced
    a, b = re.findall(_TOKEN, before), re.findall(_TOKEN, after)
    matcher = difflib.SequenceMatcher(None, [_plain(w).strip() or " " for w in a],
                                      [_plain(w).strip() or " " for w in b], autojunk=False)
    runs: list[tuple[str, str]] = []

    def add(kind: str, text: str) -> None:
        if not text:
            return
        if runs and runs[-1][0] == kind:
            runs[-1] = (kind, runs[-1][1] + text)
        else:
            runs.append((kind, text))

    for op, i1, i2, j1, j2 in _coalesced(matcher.get_opcodes(), a):
        if op == "equal":
            # the changed text's spacing after a kept word (a word that now ends the
            # sentence loses its space only in what follows)
            add(KEPT, "".join(a[i1:i2]))
        if op in ("delete", "replace"):
            add(DELETED, "".join(a[i1:i2]))
        if op in ("insert", "replace"):
            add(INSERTED, "".join(b[j1:j2]))
    return runs


SHORT_KEPT = 2  # words: a kept run this short between two edits is read as part of them


def _coalesced(opcodes: list[tuple[str, int, int, int, int]], a: list[str]
               ) -> list[tuple[str, int, int, int, int]]:
    """The opcodes with a short kept run between two edits folded into one replacement
    ("as ~~that of calling party MC system~~ the primary MC system of the calling party",
    not a word kept here and there between marks, as a delegate would write it)."""
    out: list[tuple[str, int, int, int, int]] = []
    k = 0
    while k < len(opcodes):
        op, i1, i2, j1, j2 = opcodes[k]
        words = sum(1 for w in a[i1:i2] if w.strip())
        if (op == "equal" and out and out[-1][0] != "equal" and k + 1 < len(opcodes)
                and words <= SHORT_KEPT):
            _, _, _, _, nj2 = nxt = opcodes[k + 1]
            _, pi1, _, pj1, _ = out.pop()
            out.append(("replace", pi1, nxt[2], pj1, nj2))
            k += 2
            continue
        if op != "equal" and out and out[-1][0] != "equal":  # two edits meet: one
            _, pi1, _, pj1, _ = out.pop()
            op, i1, j1 = "replace", pi1, pj1
        out.append((op, i1, i2, j1, j2))
        k += 1
    return out


def line_runs(*changes: TextChange) -> list[tuple[str, str]]:
    """The line of the clause that holds the changes (one or more sentences of one
    paragraph), as runs: the text around the published sentences kept, each sentence
    diffed against its changed one."""
    line = changes[0].body[changes[0].line]
    spans = sorted((line.index(c.published), c) for c in changes)
    runs: list[tuple[str, str]] = []
    at = 0
    for start, c in spans:
        if start < at:
            raise UsageError(f"two changes to {c.clause} overlap in one paragraph "
                             f"({c.published[:60]!r}...)",
                             fix="declare them as one change of the whole sentence, in "
                                 "fix_sentences.toml")
        if line[at:start]:
            runs.append((KEPT, line[at:start]))
        runs += word_diff(c.published, c.changed)
        at = start + len(c.published)
    if line[at:]:
        runs.append((KEPT, line[at:]))
    return runs


def chained(changes: list[TextChange]) -> list[TextChange]:
    """A chain of changes (a fix built on another fix) as one CR makes them: two changes to
    the same sentence become one, carrying both edits (as the chained variant checks them
    together), so the CR shows the sentence once. Edits that touch the same words of the
    published sentence do not compose: that is an error naming the fix."""
    out: list[TextChange] = []
    for c in changes:
        same = next((k for k, e in enumerate(out) if (e.heading, e.line, e.published)
                     == (c.heading, c.line, c.published)), None)
        if same is None:
            out.append(c)
            continue
        first = out[same]
        merged = _merge(_plain(c.published), _plain(first.changed), _plain(c.changed))
        if merged is None:
            raise UsageError(
                f"two chained changes rewrite the same words of {c.clause} "
                f"({first.changed[:60]!r}... and {c.changed[:60]!r}...)",
                fix="declare the later fix's published sentence as the earlier one's "
                    "changed text (published = ...), in fix_sentences.toml")
        out[same] = dataclasses.replace(first, changed=merged)
    return out


def _edits(base: list[str], new: list[str]) -> list[tuple[int, int, list[str]]]:
    matcher = difflib.SequenceMatcher(a=base, b=new, autojunk=False)
    return [(i1, i2, new[j1:j2]) for op, i1, i2, j1, j2 in matcher.get_opcodes()
            if op != "equal"]


def _merge(base: str, one: str, two: str) -> str | None:
    """Both edits of `base` applied, word by word (two insertions at the same place, as
    two sentences added after it, in the chain's order); None where they touch the same
    words."""
    def split(text: str) -> list[str]:  # the tokens word_diff compares
        return re.findall(_TOKEN, text)

    words = split(base)
    edits = sorted([(i1, i2, k, new) for k, text in enumerate((one, two))
                    for i1, i2, new in _edits(words, split(text))], key=lambda e: e[:3])
    merged: list[tuple[int, int, int, list[str]]] = []
    for e in edits:
        if merged and merged[-1][0] == merged[-1][1] == e[0] == e[1]:  # two insertions
            last = merged.pop()
            e = (e[0], e[1], e[2], last[3] + e[3])
        elif merged and e[0] < merged[-1][1]:
            return None
        merged.append(e)
    for i1, i2, _, new in reversed(merged):
        words[i1:i2] = new
    return "".join(words)
