"""What a meeting would reject in a generated document, found before a delegate sends it:
the modeller's words (a parameter, variant, property or assumption name, "p=v"), this
project's words, brackets or quotes left open, a title over 20 words or cut mid-word, and a
message the text does not define named without saying so. `contribution` documents are
checked by the tests with it (tests/test_contribution.py), each generated document whole."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from .contribution import PROJECT_WORDS, SESSION_WORDS, model_words_in

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_TITLE_WORDS = 20
NOT_DEFINED = "(a message the text does not define)"


def paragraphs(docx: Path) -> list[str]:
    """Every paragraph's text, in order (table cells included; deleted text left out)."""
    with zipfile.ZipFile(docx) as z:
        root = ElementTree.fromstring(z.read("word/document.xml"))
    out = []
    for p in root.iter(f"{_W}p"):
        out.append("".join(e.text or "" if e.tag == f"{_W}t" else "\t"
                           for e in p.iter() if e.tag in (f"{_W}t", f"{_W}tab")))
    return out


def problems(text: list[str], names: set[str], undefined: set[str]) -> list[str]:
    """What a meeting would reject in a document's paragraphs; [] when nothing.
    `undefined`: the titles of the messages the text does not define (each must be marked
    where it is named)."""
    out = []
    for n, para in enumerate(text):
        words = model_words_in(para, names)
        if words:
            out.append(f"paragraph {n}: the modeller's words {sorted(set(words))}: {para[:120]!r}")
        project = [w for w in PROJECT_WORDS if w in para] + SESSION_WORDS.findall(para)
        if project:
            out.append(f"paragraph {n}: this project's words {project}: {para[:120]!r}")
        for a, b in ("()", "[]", "\u201c\u201d"):
            if para.count(a) != para.count(b):
                out.append(f"paragraph {n}: {a}{b} unbalanced: {para[:120]!r}")
        for title in undefined:
            for m in re.finditer(re.escape(title), para, flags=re.IGNORECASE):
                if not para[m.end():].lstrip().startswith(NOT_DEFINED):
                    out.append(f"paragraph {n}: {title!r} named without {NOT_DEFINED!r}")
                    break
        if para.startswith("Title:\t"):
            title = para.removeprefix("Title:\t")
            if len(title.split()) > MAX_TITLE_WORDS:
                out.append(f"title of {len(title.split())} words (at most {MAX_TITLE_WORDS}): "
                           f"{title!r}")
    return out
