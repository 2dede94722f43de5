"""`mcfsm contribution FINDING --out DIR` (issue 56 item 3): a finding's discussion paper and
draft CR as .docx, read back with python-docx. The two findings are the cheapest to explore
that have a fix (setup-abandoned: 3,544 and 2,636 states; group-document: about 41,000 each).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from mcfsm.lang.findings import GAP_IN_THE_TEXT
from mcfsm.lang.loader import load_path
from mcfsm.show.contribution import model_names
from mcfsm.show.fix_text import DELETED, INSERTED, KEPT, word_diff

from .conftest import ROOT, run_cli

# finding -> (a word the fix inserts, a word it deletes or None, the clause it changes)
# (the findings whose class gets a CR: a gap with a declared change, and a property of an
# element the change adds; a finding that turns on a reading gets a question paper instead)
FINDINGS = {
    # two sentences of one clause (pre-condition 1 and step 1), words inserted only
    "setup-abandoned": ("still being set up", None, "10.16.3.2"),
    # "client 2" becomes "client 2, indicating ...": the comma is inserted, nothing deleted
    "suspended-wait-unbounded": ("for a bounded time", None, "10.16.3.2"),
}
COVER = ("Specification", "CR", "rev", "Current version", "Title", "Source to WG",
         "Work item code", "Category", "Reason for change", "Summary of change",
         "Consequences if not approved", "Clauses affected", "Other specs affected",
         "Proposed change affects", "Other comments")


@pytest.fixture
def written(contributions: Path) -> dict[str, Path]:
    """Each finding's folder: the session's `contribution --all` (conftest.py), read by the
    slow step's tests of every document too; these tests are in that step with them. The
    one-finding command runs in the quick step's tests below (note2-unanswerable's joint
    paper, release-overtaken's question, the refusals)."""
    return dict.fromkeys(FINDINGS, contributions)


def _model_names() -> set[str]:
    names: set[str] = set()
    for lm in load_path(ROOT / "models"):
        names |= model_names(lm.model, [lm.model.system(v) for v in lm.model.variants])
    return names


def _revisions(path: Path) -> tuple[list[str], list[str]]:
    """The text of every w:ins and w:del in the document's body."""
    body = docx.Document(str(path)).element.body
    ins = ["".join(t.text or "" for t in e.iter(qn("w:t"))) for e in body.iter(qn("w:ins"))]
    dels = ["".join(t.text or "" for t in e.iter(qn("w:delText"))) for e in body.iter(qn("w:del"))]
    for e in [*body.iter(qn("w:ins")), *body.iter(qn("w:del"))]:
        assert e.get(qn("w:id")) and e.get(qn("w:author")) and e.get(qn("w:date"))
    return ins, dels


@pytest.mark.slow
@pytest.mark.parametrize("finding", FINDINGS)
def test_the_cr_carries_the_change_as_word_revision_marks(written, finding):
    inserted, deleted, _ = FINDINGS[finding]
    ins, dels = _revisions(written[finding] / f"{finding}-cr.docx")
    assert any(inserted in text for text in ins), ins
    assert any(deleted in text for text in dels) if deleted else not dels, dels
    # a deletion is w:delText, never w:t (Word would show it as text still present)
    body = docx.Document(str(written[finding] / f"{finding}-cr.docx")).element.body
    assert not [t for d in body.iter(qn("w:del")) for t in d.iter(qn("w:t"))]


@pytest.mark.slow
@pytest.mark.parametrize("finding", FINDINGS)
def test_the_cr_cover_page_is_filled_and_the_change_is_framed(written, finding):
    _, _, clause = FINDINGS[finding]
    cr = docx.Document(str(written[finding] / f"{finding}-cr.docx"))
    fields = {row.cells[0].text.rstrip(":"): row.cells[1].text for row in cr.tables[0].rows[1:]}
    for label in COVER:
        assert fields.get(label, "").strip(), label
    assert fields["Specification"] == "TS 23.280"
    assert fields["rev"] == "-"
    assert "not stated in the spec text" in fields["Current version"]  # no version in it
    assert fields["Category"] in ("F", "B")  # the letter once; why, under Other comments
    assert fields["Other comments"].startswith(fields["Category"] + " (")
    assert len(fields["Title"].split()) <= 20
    assert fields["Clauses affected"] == clause
    text = [p.text for p in cr.paragraphs]
    first, end = text.index("* * * First Change * * *"), text.index("* * * End of Changes * * *")
    assert any(t.startswith(clause + "\t") for t in text[first:end])  # the clause's heading


@pytest.mark.slow
@pytest.mark.parametrize("finding", FINDINGS)
def test_the_paper_has_a_tdoc_shape_and_the_text_s_vocabulary(written, finding):
    paper = docx.Document(str(written[finding] / f"{finding}-discussion.docx"))
    text = [p.text for p in paper.paragraphs]
    assert text[0].startswith("3GPP TSG-SA WG6 Meeting") and "S6-" in text[0]
    for label in ("Source:", "Title:", "Agenda item:", "Document for:\tDiscussion and Approval"):
        assert any(t.startswith(label) for t in text), label
    headings = [p.text for p in paper.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["1\tIntroduction", "2\tDiscussion", "3\tProposal"]
    steps = [t for t in text if re.match(r"\d+\.\t", t)]
    assert len(steps) >= 3
    assert any("MC service client 1" in s for s in steps)
    assert any("MC service server A" in s for s in steps)
    assert paper.inline_shapes, "the chart is embedded as a figure"
    assert any(t.startswith("Figure 2-1:") for t in text)
    body = "\n".join(text)
    assert not re.findall(r"\b\w+=\S+", body), "a param=value token in the paper"
    names = _model_names()
    found = [n for n in names if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", body)]
    assert not found, f"model words in the paper: {found}"
    assert not re.findall(r"\b[a-z]+_[a-z_]+\b", body), "a snake_case model name in the paper"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None,
                    reason="LibreOffice (soffice/libreoffice) is not installed, so the .docx "
                           "files cannot be converted to PDF here")
def test_libreoffice_converts_both_documents_to_pdf(written, tmp_path):
    office = shutil.which("soffice") or shutil.which("libreoffice")
    # a profile of its own: another soffice running (a user's, a parallel test) would
    # otherwise take the conversion over and this one would return without a file
    profile = f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}"

    def convert(path: Path, to: str) -> Path:
        proc = subprocess.run([str(office), profile, "--headless", "--convert-to", to,
                               "--outdir", str(tmp_path), str(path)],
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        out = tmp_path / path.with_suffix("." + to).name
        assert out.is_file() and out.stat().st_size > 0, proc.stdout + proc.stderr
        return out

    for finding, folder in written.items():
        for name in (f"{finding}-discussion.docx", f"{finding}-cr.docx"):
            convert(folder / name, "pdf")
        # LibreOffice reads the revision marks as tracked changes, not as plain text
        odt = convert(folder / f"{finding}-cr.docx", "odt")
        with zipfile.ZipFile(odt) as z:
            content = z.read("content.xml").decode()
        assert "<text:insertion>" in content
        assert ("<text:deletion>" in content) == bool(FINDINGS[finding][1])


def test_word_diff_gives_back_both_texts():
    before = "MC service server A checks that MC service user 2 has migrated."
    after = "MC service server A first checks that MC service user 2 has migrated to B."
    runs = word_diff(before, after)
    assert "".join(t for k, t in runs if k in (KEPT, DELETED)).split() == before.split()
    assert "".join(t for k, t in runs if k in (KEPT, INSERTED)).split() == after.split()
    assert (INSERTED, " first") in runs and (INSERTED, " to B") in runs
    # exactly, not only word for word: a trailing comma or stop is a token of its own
    assert "".join(t for k, t in runs if k in (KEPT, DELETED)) == before
    assert "".join(t for k, t in runs if k in (KEPT, INSERTED)) == after


# -- bad input: one message naming the finding or option and the fix, exit 2 ------------
def test_an_unknown_finding_is_named_with_the_ones_that_have_a_fix(tmp_path):
    proc = run_cli("contribution", "no-such-finding", "--out", str(tmp_path))
    assert proc.returncode == 2
    assert "'no-such-finding'" in proc.stderr and "setup-abandoned" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_gap_without_a_change_gets_a_paper_showing_the_case_and_no_cr(tmp_path):
    names = [f.name for lm in load_path(ROOT / "models") for f in lm.model.findings.values()
             if not f.fix and f.cls == GAP_IN_THE_TEXT]  # a gap no change closes yet
    assert names, "every bundled gap has a fix: pick another case"
    proc = run_cli("contribution", names[0], "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert not list(tmp_path.glob("*-cr.docx"))
    paper = docx.Document(str(tmp_path / f"{names[0]}-discussion.docx"))
    text = "\n".join(p.text for p in paper.paragraphs)
    assert "needs a step for the case above" in text


def test_a_finding_that_turns_on_a_reading_gets_a_question_and_no_cr(tmp_path):
    """resumed-call-priority: the paper asks which reading is intended, offers the declared
    sentence as a clarification checked as worded, and no CR assumes a reading."""
    proc = run_cli("contribution", "resumed-call-priority", "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert not list(tmp_path.glob("*-cr.docx"))
    text = "\n".join(p.text for p in docx.Document(
        str(tmp_path / "resumed-call-priority-discussion.docx")).paragraphs)
    assert "SA6 to decide which reading of clause 10.16.3.2 is intended" in text
    assert "emergency private call" in text and "checked as worded" in text
    assert "The property was checked under every reading explored" in text


def _cr_text(path) -> tuple[str, list[str]]:
    """A CR's paragraphs as text, and the text its revision marks insert."""
    doc = docx.Document(str(path))
    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    inserted = ["".join(t.text or "" for t in ins.iter(f"{ns}t"))
                for ins in doc.element.body.iter(f"{ns}ins")]
    return "\n".join(p.text for p in doc.paragraphs), inserted


def test_a_probable_gap_s_change_is_checked_under_every_reading_the_published_search_explores(
        tmp_path):
    """setup-abandoned (a gap: releasing a call being set up is the change, not a reading)
    gets a CR. Its behaviour is a choice of the published search, so the change is checked
    as that search's own runs with that choice: under the free Timer B, which the fix's own
    variant does not explore, the change still fails, and the paper says so instead of
    "holds under every reading". Its two sentences of 10.16.3.2 are one change block."""
    proc = run_cli("contribution", "setup-abandoned", "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert "setup-abandoned-cr.docx" in proc.stdout  # the files written are named
    paper = "\n".join(p.text for p in docx.Document(
        str(tmp_path / "setup-abandoned-discussion.docx")).paragraphs)
    assert "The text has no step for this case" in paper
    assert "varies every other reading as the check of the published text does" in paper
    assert ("with the change, the property fails" in paper
            and "with the change, the property holds" in paper)
    assert "the case still occurs where the private call request" in paper
    assert "no longer occurs under any reading explored" not in paper
    text, inserted = _cr_text(tmp_path / "setup-abandoned-cr.docx")
    assert text.count("10.16.3.2\tProcedure") == 1, "one block for the clause's two changes"
    assert "Next Change" not in text
    assert any("or a private call that is still being set up" in i for i in inserted)
    assert any("also when that private call is still being set up" in i for i in inserted)


def test_a_chained_change_shows_its_sentence_once_with_both_additions(tmp_path):
    """crossed-resumptions-refused's change is built on fix_primary_reaches_migrated_user's,
    and both add a sentence to 10.16.3.2 step 3: the CR shows step 3 once, with both."""
    proc = run_cli("contribution", "crossed-resumptions-refused", "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    text, inserted = _cr_text(tmp_path / "crossed-resumptions-refused-cr.docx")
    assert len([line for line in text.splitlines()
                if line.startswith("3.\tMC service client 1")]) == 1
    added = " ".join(inserted)
    assert "has itself migrated" in added and "takes it as the resumption" in added
    assert added.index("has itself migrated") < added.index("takes it as the resumption")


def test_a_witness_is_never_told_as_a_failure(joint):
    """note2-another-partner is a witness (a case the procedure allows), case 3 of the
    joint paper on CR 000's readings: its section says the case is reached, never that
    the procedure fails."""
    paragraphs = docx.Document(str(joint / "cr000-readings-discussion.docx")).paragraphs
    texts = [p.text for p in paragraphs]
    start = next(k for k, t in enumerate(texts) if t.startswith("2.3\t"))
    end = next(k for k, t in enumerate(texts) if t.startswith("3\t"))
    case3 = "\n".join(texts[start:end])
    assert "reached" in texts[start] or "another partner" in texts[start]
    assert "After the last step, the case is reached" in case3
    assert "in which the procedure fails" not in case3
    assert "what the procedure should ensure does not hold" not in case3


def test_the_all_index_says_what_every_finding_got(tmp_path):
    proc = run_cli("contribution", "--all", "--out", str(tmp_path), "--models",
                   str(ROOT / "models" / "group_call_migration.py"))
    assert proc.returncode == 0, proc.stderr
    index = (tmp_path / "INDEX.md").read_text()
    lm = load_path(ROOT / "models" / "group_call_migration.py")[0]
    for name in lm.model.findings:
        assert f"| {name} |" in index, name
    assert "artefact of the model" in index  # ghost-affiliation: none, and why
    # a finding that turns on a reading: a question paper, and no CR
    assert ("[no-way-back-after-break-discussion.docx](no-way-back-after-break-discussion.docx)"
            in index)
    assert not (tmp_path / "no-way-back-after-break-cr.docx").exists()
    assert not (tmp_path / "ghost-affiliation-discussion.docx").exists()


def test_an_artefact_of_the_model_gets_no_contribution(tmp_path):
    proc = run_cli("contribution", "ghost-affiliation", "--out", str(tmp_path))
    assert proc.returncode == 2 and "artefact of the model" in proc.stderr




def test_an_out_that_is_a_file_is_refused_before_the_search(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    proc = run_cli("contribution", "setup-abandoned", "--out", str(blocker))
    assert proc.returncode == 2
    assert "--out" in proc.stderr and "is a file" in proc.stderr
    assert proc.stdout == ""


def test_a_published_sentence_not_in_the_spec_is_refused(tmp_path):
    models = tmp_path / "models"
    shutil.copytree(ROOT / "models", models, ignore=shutil.ignore_patterns("__pycache__"))
    # the copy's clause list names the same spec folder, relative to where the copy is
    clauses = (models / "clauses.txt").read_text()
    relative = re.search(r"(\.{1,2}/[^\s,;)]+)", clauses).group(1)
    spec = (ROOT / "models" / relative).resolve()
    (models / "clauses.txt").write_text(
        clauses.replace(relative, os.path.relpath(spec, models) + "/", 1))
    sentences = models / "fix_sentences.toml"
    sentences.write_text(sentences.read_text().replace(
        'clause = "10.16.3.2 pre-condition 1"',
        'clause = "10.16.3.2 pre-condition 1"\npublished = "A sentence the text never had."'))
    proc = run_cli("contribution", "setup-abandoned", "--out", str(tmp_path / "out"), "--models",
                   str(models))
    assert proc.returncode == 2, proc.stderr
    assert "'A sentence the text never had.'" in proc.stderr and "verbatim" in proc.stderr


@pytest.mark.slow
@pytest.mark.parametrize("finding", FINDINGS)
def test_both_documents_are_a4_with_the_tdoc_number_inside_the_margin(written, finding):
    """3GPP's page is A4; the header line's tab stop for the tdoc number lies within the
    text width (it ran off the right edge at 9,071 twips of an 8,640-twip US Letter line)."""
    for name in (f"{finding}-discussion.docx", f"{finding}-cr.docx"):
        doc = docx.Document(str(written[finding] / name))
        section = doc.sections[0]
        assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
        width = section.page_width - section.left_margin - section.right_margin
        stops = doc.paragraphs[0].paragraph_format.tab_stops
        assert stops and all(stop.position <= width for stop in stops), name
        assert "S6-" in doc.paragraphs[0].text



def test_a_question_draws_the_shortest_scenario_under_each_reading_that_fails(tmp_path):
    """release-overtaken fails with same_peer_call=busy and either release_ack=none or
    release_timeout=free: its question paper draws a scenario under each of the two."""
    proc = run_cli("contribution", "release-overtaken", "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    captions = [p.text for p in docx.Document(
        str(tmp_path / "release-overtaken-discussion.docx")).paragraphs
        if p.text.startswith("Figure 2-")]
    assert [c.split(":")[0] for c in captions] == ["Figure 2-1", "Figure 2-2", "Figure 2-3"]
    assert "release of step 1 by MC service client 1 times out" in captions[2]
    assert all("rejects as busy" in c for c in captions[1:])


# -- one root, one contribution (issue 71 item 3) ----------------------------------------------
JOINT = ("own-caller-foreign", "note2-unanswerable", "note2-another-partner")


@pytest.fixture(scope="module")
def joint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cr000-readings")
    proc = run_cli("contribution", "note2-unanswerable", "--out", str(out), "--author", "D (Co)")
    assert proc.returncode == 0, proc.stderr
    assert "3 cases: " + ", ".join(JOINT) in proc.stdout
    return out


def test_findings_with_one_root_get_one_paper_with_a_case_each(joint):
    """own-caller-foreign, note2-unanswerable and note2-another-partner each turn on a
    reading of CR 000's wording: one paper, one subclause per case, one proposal."""
    paper = docx.Document(str(joint / "cr000-readings-discussion.docx"))
    headings = [p.text for p in paper.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:2] == ["1\tIntroduction", "2\tDiscussion"] and headings[-1] == "3\tProposal"
    cases = [h for h in headings if h.startswith("2.")]
    assert [h.split("\t")[0] for h in cases] == ["2.1", "2.2", "2.3"]
    assert all(h.split("\t")[1].startswith(f"Case {k}: ") for k, h in enumerate(cases, 1))
    text = [p.text for p in paper.paragraphs]
    # the sentences quoted once, however many cases cite them
    assert text.count("Clause CR 000 10.16.5.3 NOTE 2:") == 1
    [first] = [t for t in text if t.startswith("Proposal 1: ")]
    assert all(f"in case {k}, " in first for k in (1, 2, 3))
    [second] = [t for t in text if t.startswith("Proposal 2: ")]
    # the change re-checked as worded against every case: two failures closed, the witness
    # of case 3 still reached (under the reading the change names)
    assert ("in case 1, the case no longer occurs under any reading explored; in case 2, the "
            "case no longer occurs under any reading explored; in case 3, the case is still "
            "reached" in second), second
    assert not (joint / "own-caller-foreign-discussion.docx").exists()


def test_the_joint_cr_carries_the_three_sentences_and_says_it_builds_on_cr_000(joint):
    ins, _ = _revisions(joint / "cr000-readings-cr.docx")
    inserted = " ".join(ins)
    # (kept words such as "of" sit between the inserted runs)
    for words in ("given by the primary MC service ID", "which holds the migrated user status",
                  "passes it to the primary MC system"):
        assert words in inserted, words
    cr = docx.Document(str(joint / "cr000-readings-cr.docx"))
    fields = {row.cells[0].text.rstrip(":"): row.cells[1].text for row in cr.tables[0].rows[1:]}
    assert "depends on that change request" in fields["Other comments"]
    assert fields["Clauses affected"] == "10.16.5.3"
    text = [p.text for p in cr.paragraphs]
    assert text.count("10.16.5.3\tProcedure") == 1, "one block for the clause's three changes"
    xml = __import__("zipfile").ZipFile(joint / "cr000-readings-cr.docx").read(
        "word/document.xml").decode()
    assert 'w:author="D (Co)"' in xml


def test_a_fix_made_of_other_fixes_takes_their_sentences_whole():
    """fix_cr000_readings_settled declares its sentences as same_as the three fixes': one
    sentence, declared once, cannot drift between a fix and the joint change."""
    from mcfsm.show.fix_text import fix_changes, sentences_file
    from mcfsm.spec.quotes import SpecText

    path = sentences_file(ROOT / "models" / "private_call_redirect.py")
    spec = SpecText(ROOT / "models" / "clauses.txt")
    joint = fix_changes(spec, path, "private_call_redirect", "fix_cr000_readings_settled")
    parts = [c for v in ("fix_same_system_by_primary_id", "fix_note2_at_primary",
                         "fix_note2_via_primary")
             for c in fix_changes(spec, path, "private_call_redirect", v)]
    assert joint == parts and len(joint) == 3


def test_same_as_a_fix_without_sentences_is_refused(tmp_path):
    from mcfsm.errors import UsageError
    from mcfsm.show.fix_text import fix_changes
    from mcfsm.spec.quotes import SpecText

    path = tmp_path / "fix_sentences.toml"
    path.write_text('[[m.fix_a]]\nsame_as = "fix_b"\n')
    with pytest.raises(UsageError, match="same_as = 'fix_b', which is not another variant"):
        fix_changes(SpecText(ROOT / "models" / "clauses.txt"), path, "m", "fix_a")


def test_one_contribution_names_declared_findings_once_and_a_declared_fix():
    from mcfsm import Model, ModelError
    from mcfsm.lang.findings import CHOICE

    model = Model("m")
    model.add_variant("base", lambda: None)
    for name in ("a", "b", "c"):
        model.finding(name, prop=f"p-{name}", variants=("base",), cls=CHOICE, why="w")
    with pytest.raises(ModelError, match="names finding 'z', which is not declared"):
        model.one_contribution("j", findings=("a", "z"), fix="base", why="w")
    with pytest.raises(ModelError, match="names fix 'nope'"):
        model.one_contribution("j", findings=("a", "b"), fix="nope", why="w")
    with pytest.raises(ModelError, match="two or more findings"):
        model.one_contribution("j", findings=("a",), fix="base", why="w")
    model.one_contribution("j", findings=("a", "b"), fix="base", why="one root")
    with pytest.raises(ModelError, match="contribution 'j' already answers"):
        model.one_contribution("k", findings=("b", "c"), fix="base", why="w")
    assert model.joint_of("b").name == "j" and model.joint_of("c") is None
