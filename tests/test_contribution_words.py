"""Every generated contribution, whole, in words a meeting accepts (issue 71 item 4):
`contribution --all` over the bundled models, then each .docx read back and linted
(show/document_lint.py): no modeller's or project words, brackets and quotes closed, titles
of at most 20 words, every message the text does not define marked so; the CR's revision
marks signed by --author; and INDEX.md names every finding with its document or why none."""

from __future__ import annotations

from pathlib import Path

import pytest

from mcfsm.lang.loader import load_path
from mcfsm.show.contribution import model_names
from mcfsm.show.document_lint import paragraphs, problems

from .conftest import ROOT


def _undefined_titles() -> set[str]:
    titles = set()
    for lm in load_path(ROOT / "models"):
        for v in lm.model.variants:
            for inst in lm.model.system(v).instances:
                for t in inst.role.transitions:
                    for m in [t.receives, *(t.sends or [])]:
                        if isinstance(m, type) and getattr(m, "not_in_text", ""):
                            titles.add(m.title)
    return titles


@pytest.fixture
def every(contributions: Path) -> Path:
    """`contribution --all --author "A. Delegate (Co)"`'s folder (conftest.py: one run per
    test session, read by tests/test_contribution.py too)."""
    return contributions


def _names() -> set[str]:
    names: set[str] = set()
    for lm in load_path(ROOT / "models"):
        names |= model_names(lm.model, [lm.model.system(v) for v in lm.model.variants])
    return names


@pytest.mark.slow
def test_every_document_reads_as_a_meeting_expects(every):
    names, undefined = _names(), _undefined_titles()
    found = {}
    docs = sorted(every.glob("*.docx"))
    assert docs
    for doc in docs:
        bad = problems(paragraphs(doc), names, undefined)
        if bad:
            found[doc.name] = bad
    assert not found, "\n".join(f"{k}:\n  " + "\n  ".join(v) for k, v in found.items())


@pytest.mark.slow
def test_the_index_names_every_finding_and_the_marks_their_author(every):
    index = (every / "INDEX.md").read_text()
    for lm in load_path(ROOT / "models"):
        for name in lm.model.findings:
            assert f"| {name} |" in index, name
    # one root, one contribution: note2-stale-id's change, as worded, is stale-binding's
    [row] = [line for line in index.splitlines() if line.startswith("| note2-stale-id |")]
    assert "the same change as stale-binding" in row
    assert not (every / "note2-stale-id-discussion.docx").exists()
    crs = sorted(every.glob("*-cr.docx"))
    assert crs
    for cr in crs:
        xml = __import__("zipfile").ZipFile(cr).read("word/document.xml").decode()
        assert 'w:author="A. Delegate (Co)"' in xml and 'w:author="mcfsm"' not in xml


def test_the_lint_finds_what_it_is_for():
    """The lint itself: each kind of fault it exists for, caught."""
    names = {"transaction_timeout", "no-way-back"}
    undefined = {"Migration notification ack"}
    text = ["Title:\t" + " ".join(["word"] * 21),
            "It fails with transaction_timeout=free (see fact sheet item 10",
            "MC service server A sends the migration notification ack to B.",
            "MC service server A sends the migration notification ack (a message the text "
            "does not define) to B."]
    found = problems(text, names, undefined)
    assert any("title of 21 words" in p for p in found)
    assert any("modeller's words" in p and "paragraph 1" in p for p in found)
    assert any("project's words" in p and "paragraph 1" in p for p in found)
    assert any("() unbalanced" in p and "paragraph 1" in p for p in found)
    assert [p for p in found if "named without" in p] == [
        "paragraph 2: 'Migration notification ack' named without '(a message the text does "
        "not define)'"]


@pytest.mark.slow
def test_every_probable_gap_gets_a_cr_checked_as_worded(every):
    """The four probable gaps of the review (abandoned-registration, note3-other-call,
    crossed-resumptions-refused, setup-abandoned) each get a CR whose paper states the
    outcome per reading; abandoned-registration's says why its change is worded in the
    informative annex, and that it holds under every reading explored."""
    import docx

    def paper(name: str) -> str:
        return "\n".join(p.text for p in docx.Document(
            str(every / f"{name}-discussion.docx")).paragraphs)

    for name in ("abandoned-registration", "note3-other-call", "crossed-resumptions-refused",
                 "setup-abandoned"):
        assert (every / f"{name}-cr.docx").is_file(), name
        assert "The property was checked under every reading explored" in paper(name), name
    text = paper("abandoned-registration")
    assert "outside the excerpts and would carry the requirement" in text
    assert "Under every reading explored: with the change, the property holds." in text

