"""The record of the sentences the models cite: quotes.json beside the clause list.

Every answer the spec text gives a model's pages (a step's sentence, the sentences that hold
a reviewer's words, the lines of a clause a CR shows, a spec file's name) is kept here under
the question that asked it. With the text reachable each answer is read from the text and
compared with the record: one that differs is an error naming the piece (the text changed
under the models: `mcfsm quotes` shows what cites it), one the record lacks is added and
written when the process ends. Without the text the record answers, and a question it
cannot answer is an error that says how to record it, never a guess.

The file is JSON with sorted keys, one entry per line of a kind, so a change of the text
reads as a reviewable diff.
"""

from __future__ import annotations

import atexit
import fcntl
import json
import os
import tempfile
from pathlib import Path
from typing import Any, ClassVar

from ..errors import UsageError

FILE_NAME = "quotes.json"
VERSION = 1
# The kinds of question, and what their answers are (JSON).
KINDS = {
    "files": "the spec file's name for a clause list's file id",
    "quotes": "the sentences of one cited piece (source | clause | kind | number | words)",
    "fragments": "the sentences holding a reviewer's quoted words: [where, file, text]",
    "clauses": "a clause's heading and lines, as a CR shows them (file | clause)",
    "positions": "where a sentence stands in its spec file (source | sentence)",
}
SEP = " | "


class TextChangedError(UsageError):
    """The text gives another answer than the record holds."""


def key(*parts: str) -> str:
    return SEP.join(parts)


class QuoteRecord:
    """One record file, loaded once per process; additions written at exit."""

    _open: ClassVar[dict[Path, QuoteRecord]] = {}

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, dict[str, Any]] = {kind: {} for kind in KINDS}
        self.added: dict[str, dict[str, Any]] = {kind: {} for kind in KINDS}
        if path.is_file():
            self.entries = _read(path)

    @classmethod
    def at(cls, path: Path) -> QuoteRecord:
        path = path.resolve()
        if path not in cls._open:
            cls._open[path] = cls(path)
            if len(cls._open) == 1:
                atexit.register(_flush_all)
        return cls._open[path]

    def get(self, kind: str, k: str) -> Any:
        """The recorded answer; without the text, a question never recorded is an error."""
        if k in self.added[kind]:
            return self.added[kind][k]
        if k not in self.entries[kind]:
            raise UsageError(f"{self.path} has no record of {KINDS[kind]} {k!r}, and the spec "
                             "text is not reachable to read it: run the command once with the "
                             "text (--spec DIR, or MCFSM_SPEC=DIR) to record it, and commit "
                             f"{self.path.name}")
        return self.entries[kind][k]

    def compare(self, kind: str, k: str, answer: Any, folder: Path) -> Any:
        """The text's answer, checked against the record (added when it is new)."""
        if k in self.entries[kind]:
            if self.entries[kind][k] != answer:
                raise TextChangedError(
                    f"the spec text in {folder} no longer gives what {self.path} records for "
                    f"{k!r}:\n  recorded: {self.entries[kind][k]!r}\n  now:      {answer!r}\n"
                    f"`mcfsm quotes --spec {folder}` lists every changed sentence and what "
                    "cites it; `mcfsm quotes --spec ... --write` takes the new text into the "
                    "record once the models are checked against it")
        elif self.added[kind].get(k, answer) == answer:
            self.added[kind][k] = answer
        return answer

    def replace(self, kind: str, k: str, answer: Any) -> None:
        """Take the text's answer in place of the recorded one (`quotes --write`)."""
        self.entries[kind].pop(k, None)
        self.added[kind][k] = answer

    def flush(self) -> bool:
        """Merge what this process added into the file (under a lock: pytest workers and
        parallel runs share it); True when the file changed."""
        if not any(self.added.values()):
            return False
        if not self.path.parent.is_dir():
            return False
        lock = self.path.with_name(self.path.name + ".lock")
        try:
            with open(lock, "w") as held:
                fcntl.flock(held, fcntl.LOCK_EX)
                current = _read(self.path) if self.path.is_file() else {k: {} for k in KINDS}
                for kind, answers in self.added.items():
                    current[kind].update(answers)
                _write(self.path, current)
            lock.unlink(missing_ok=True)
        except OSError:
            return False  # a read-only checkout: the answers were still used, not kept
        for kind, answers in self.added.items():
            self.entries[kind].update(answers)
            answers.clear()
        return True


def _read(path: Path) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{path}: not a readable record of quotes ({exc}); restore it from "
                         "git, or delete it and run once with the spec text to write it anew"
                         ) from None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise UsageError(f"{path}: not a version {VERSION} record of quotes; restore it from "
                         "git, or delete it and run once with the spec text to write it anew")
    return {kind: dict(data.get(kind, {})) for kind in KINDS}


def _write(path: Path, entries: dict[str, dict[str, Any]]) -> None:
    data: dict[str, Any] = {
        "version": VERSION,
        "about": "The sentences the models cite, as the spec text gave them (mcfsm/spec/"
                 "record.py). Written by mcfsm whenever the text is reachable; read when it "
                 "is not. `mcfsm quotes --spec DIR` compares them with another text.",
    }
    for kind in KINDS:
        data[kind] = dict(sorted(entries[kind].items()))
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".quotes-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, indent=1, ensure_ascii=False)
        out.write("\n")
    os.replace(tmp, path)


def _flush_all() -> None:
    for record in QuoteRecord._open.values():
        record.flush()
