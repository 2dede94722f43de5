"""Issue 56 item 4: a finding page a delegate reads in five minutes. Every committed page
under diagrams/findings/ is measured against the budget a 3GPP delegate set: a title of at
most 20 words, at most 800 words outside the spec's quotes, the chart and the folded block
for the modeller, a paragraph to paste of at most 200 words, no `param=value` token outside
the modeller's block and code, nothing said twice, and the sentences the finding turns on
quoted first."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import ROOT

PAGES = sorted((ROOT / "diagrams" / "findings").glob("*.md"))
TITLE_WORDS = 20
PAGE_WORDS = 800
PASTE_WORDS = 200
REPEAT_WORDS = 12  # a sentence this long, said twice, is a repetition, not a phrase

MODELLER_OPEN = "<details><summary>For the modeller</summary>"
TOKEN = re.compile(r"\b\w+=\w+")
WORD = re.compile(r"[\w'’@.-]*\w")


def words(text: str) -> int:
    return len(WORD.findall(text))


def parts(text: str) -> dict[str, list[str]]:
    """The page's lines sorted by what they are: the delegate's prose, the spec's quotes,
    fenced code (the chart, the paragraph to paste), the folded block for the modeller."""
    out: dict[str, list[str]] = {"prose": [], "quote": [], "chart": [], "paste": [],
                                 "modeller": []}
    fence = ""
    modeller = False
    for line in text.splitlines():
        if fence:
            if line.startswith("```"):
                fence = ""
            else:
                out["paste" if fence == "text" else "chart"].append(line)
            continue
        if line.startswith("```"):
            fence = line[3:].strip() or "code"
            continue
        if line.startswith(MODELLER_OPEN):
            modeller = True
            continue
        if modeller:
            if line.strip() == "</details>":
                modeller = False
            else:
                out["modeller"].append(line)
            continue
        out["quote" if line.startswith(">") else "prose"].append(line)
    return out


def _no_code(line: str) -> str:
    return re.sub(r"`[^`]*`", "", line)


def _sentences(lines: list[str]) -> list[str]:
    text = " ".join(re.sub(r"^\s*(?:[-*#]+\s+|\d+\.\s+)", "", line) for line in lines)
    text = re.sub(r"[*_`]|\]\([^)]*\)|\[", " ", text)
    out = []
    for s in re.split(r"(?<=[.!?])\s+", text):
        w = [x.lower() for x in WORD.findall(s)]
        if len(w) >= REPEAT_WORDS:
            out.append(" ".join(w))
    return out


def _repeated(lines: list[str]) -> list[str]:
    said = _sentences(lines)
    return sorted({s for s in said if said.count(s) > 1})


def measure(text: str) -> dict[str, object]:
    p = parts(text)
    title = text.splitlines()[0]
    return {"title": words(title.removeprefix("# ")) if title.startswith("# ") else 0,
            "prose": sum(words(_no_code(x)) for x in p["prose"]) + sum(
                words(x) for x in p["paste"]),
            "paste": sum(words(x) for x in p["paste"]),
            "tokens": sorted({t for x in p["prose"] + p["paste"] + p["quote"]
                              for t in TOKEN.findall(_no_code(x))}),
            "repeated": _repeated(p["prose"] + p["paste"] + p["modeller"]),
            "first_quote": next((k for k, x in enumerate(text.splitlines())
                                 if x.startswith("> ")), None),
            "parts": p}


def test_there_are_pages():
    assert len(PAGES) >= 20


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_a_finding_page_fits_the_delegates_budget(page: Path):
    text = page.read_text(encoding="utf-8")
    m = measure(text)
    problems = []
    if not 0 < m["title"] <= TITLE_WORDS:  # type: ignore[operator]
        problems.append(f"title of {m['title']} words (at most {TITLE_WORDS})")
    if m["prose"] > PAGE_WORDS:  # type: ignore[operator]
        problems.append(f"{m['prose']} words outside the quotes, chart and modeller's block "
                        f"(at most {PAGE_WORDS})")
    if m["paste"] > PASTE_WORDS:  # type: ignore[operator]
        problems.append(f"a paragraph to paste of {m['paste']} words (at most {PASTE_WORDS})")
    if m["tokens"]:
        problems.append(f"param=value tokens outside the modeller's block: {m['tokens'][:6]}")
    if m["repeated"]:
        problems.append(f"said twice: {m['repeated'][0][:100]!r}")
    lines = text.splitlines()
    first = m["first_quote"]
    heading = next((k for k, x in enumerate(lines) if x.startswith("## ")), None)
    if first is None or heading is None or not lines[heading].startswith("## The text"):
        problems.append("the first section does not quote the text the finding turns on")
    assert not problems, f"{page.name}: " + "; ".join(problems)
