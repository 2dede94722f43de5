"""A delegate's whole path with a change request, through the real commands (issue 56):
`cr new` from a clause, one change declared without editing a model file, `check`, `diff`
(failing on a change of verdicts, and on a change of readings alone), `diagram` writing the
CR diff against the declared baseline, the contribution's two .docx files read back with
their revision marks, and `impact` of seeds 000 and 001 naming the transitions and
findings they touch (and of the contribution's own CR, read from its revision marks)."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT, SPEC_TEXT, needs_spec_text, run_cli

SPEC = SPEC_TEXT or ROOT.parent / "shared" / "spec"
GROUP = ROOT / "models" / "group_call_migration.py"


@pytest.fixture(scope="module")
def cr_file(tmp_path_factory) -> Path:
    """`cr new` on X.1.7.5 (the group document), then the one edit a delegate makes: the
    title, the new sentence and the behaviour it selects."""
    folder = tmp_path_factory.mktemp("cr")
    out = folder / "group_lists_all_ids.toml"
    proc = run_cli("cr", "new", str(GROUP), "--from", "break_before_make", "--clause",
                   "X.1.7.5", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    text = out.read_text()
    assert "choice point 'group_document'" in text and "behaviour 'all_ids'" in text
    text = text.replace("<one line: what the change does>",
                        "The group document lists every MC service ID of its members")
    text = re.sub(r'^behaviour = ".*"$', 'behaviour = "all_ids"', text, flags=re.M)
    text = re.sub(r'^sentence = ".*"$', 'sentence = "The group document of an MC service '
                  'group lists every MC service ID of each member, the partner\'s included."',
                  text, flags=re.M)
    out.write_text(text)
    return out


def test_cr_new_lists_the_clauses_choice_points_and_refuses_a_clause_without_one(tmp_path):
    proc = run_cli("cr", "list", str(GROUP), "--clause", "X.1.7.5")
    assert proc.returncode == 0 and "group_document" in proc.stdout
    proc = run_cli("cr", "new", str(GROUP), "--from", "break_before_make", "--clause",
                   "99.9.9", "--out", str(tmp_path / "x.toml"))
    assert proc.returncode == 2 and "no choice point" in proc.stderr
    proc = run_cli("cr", "new", str(GROUP), "--from", "nosuch", "--clause", "X.1.7.5")
    assert proc.returncode == 2 and "--from 'nosuch'" in proc.stderr


def test_check_and_diff_take_the_cr_file_like_a_model(cr_file):
    proc = run_cli("check", str(cr_file), "--json")
    assert proc.returncode in (0, 1), proc.stderr
    results = {r["variant"]: r for r in json.loads(proc.stdout)}
    assert set(results) == {"as_published", "changed"}
    assert all(r["complete"] for r in results.values())
    diff = run_cli("diff", str(cr_file))  # as_published against changed, from the baseline
    assert diff.returncode == 1, diff.stdout + diff.stderr  # the CR changes verdicts
    assert "as_published" in diff.stdout and "changed" in diff.stdout
    assert re.search(r"rejoins-when-affiliated\s+VIOLATED\s+holds", diff.stdout)


def test_diagram_of_the_changed_variant_writes_its_cr_diff(cr_file, tmp_path):
    out = tmp_path / "d"
    proc = run_cli("diagram", str(cr_file), "--variant", "changed", "--no-svg", "--out",
                   str(out))
    assert proc.returncode == 0, proc.stderr
    [page] = list(out.glob("*/diff-as_published-vs-changed.md"))
    assert "rejoins-when-affiliated" in page.read_text()


def test_a_bad_cr_file_is_refused_naming_the_file_and_the_fix(tmp_path, cr_file):
    bad = tmp_path / "bad.toml"
    bad.write_text(cr_file.read_text().replace('behaviour = "all_ids"', 'behaviour = "some"')
                   .replace(f'model = "{_model_line(cr_file)}"',
                            f'model = "{GROUP.as_posix()}"'))
    proc = run_cli("check", str(bad))
    assert proc.returncode == 2
    assert "bad.toml" in proc.stderr and "no behaviour 'some'" in proc.stderr
    assert "use one of ['all_ids', 'primary_only']" in proc.stderr


def _model_line(cr: Path) -> str:
    return re.search(r'^model = "(.*)"$', cr.read_text(), flags=re.M).group(1)  # type: ignore[union-attr]


# -- diff fails on a change of readings alone ---------------------------------------------------
READINGS_MODEL = '''
from mcfsm import Instance, Model, Param, Role, System, Transition, Var, always

def bump(ctx):
    ctx.v.n += 1

def role(limit):
    return Role("counter", states=["on"], initial="on", final=["on"],
                variables={{"n": Var(int, 0)}},
                transitions=[Transition("bump", "on", None, clause="t 1", after=[bump],
                                        conditions=[lambda ctx: ctx.v.n < {limit}])])

def system(reach_two):
    return System("c", instances=[Instance("c", role(3))],
                  params={{"p": Param((1, 2), clause="t 0")}},
                  properties=[always("under-three", lambda v: v["c"].n < 3 or (
                      v.params.p == 2 and not reach_two), clause="t 2")])

model = Model("readings", source="test", clause="t")
model.add_variant("a", lambda: system(False))
model.add_variant("b", lambda: system(True), baseline="a")
'''


def test_diff_fails_when_only_the_readings_a_verdict_needs_change(tmp_path):
    """'violated only with p=1' in A, violated under both choices in B: the same status,
    a CR's effect; the diff fails unless --status-only, and --markdown charts it."""
    path = tmp_path / "readings.py"
    path.write_text(READINGS_MODEL.format(limit=3))
    proc = run_cli("diff", str(path), "--markdown", str(tmp_path / "d.md"))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "more readings" in proc.stdout
    assert "![under-three in a]" in (tmp_path / "d.md").read_text()
    proc = run_cli("diff", str(path), "--status-only")
    assert proc.returncode == 0, proc.stdout + proc.stderr


# -- the contribution's Word files, and impact ----------------------------------------------------
@pytest.fixture(scope="module")
def contribution(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("contribution")
    proc = run_cli("contribution", "setup-abandoned", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return out


def _marks(docx: Path) -> tuple[str, str]:
    xml = zipfile.ZipFile(docx).read("word/document.xml").decode()
    ins = " ".join(re.findall(r"<w:ins\b.*?</w:ins>", xml, flags=re.S))
    dele = " ".join(re.findall(r"<w:del\b.*?</w:del>", xml, flags=re.S))
    return ins, dele


def test_the_contributions_cr_carries_revision_marks(contribution):
    cr = contribution / "setup-abandoned-cr.docx"
    assert (contribution / "setup-abandoned-discussion.docx").is_file()
    ins, dele = _marks(cr)
    # words inserted into pre-condition 1 and step 1, none deleted
    assert "still being set up" in ins and "<w:delText" not in dele


def test_impact_of_the_contributions_cr_reads_its_revision_marks(contribution):
    proc = run_cli("impact", str(contribution / "setup-abandoned-cr.docx"), "--json")
    assert proc.returncode in (0, 1), proc.stderr
    records = json.loads(proc.stdout)
    assert [r["where"] for r in records] == ["10.16.3.2 pre-condition 1", "10.16.3.2 step 1"]
    step = records[1]
    assert any("still being set up" in s for s in step["inserted"])
    assert step["covered"] and any("private_call_migration" in t for t in step["transitions"])


@needs_spec_text
def test_impact_of_seed_000_names_the_transitions_and_findings_it_touches():
    proc = run_cli("impact", str(next(SPEC.glob("000_*.txt"))), "--json")
    assert proc.returncode == 0, proc.stderr  # every changed piece is covered
    records = {r["where"]: r for r in json.loads(proc.stdout)}
    assert set(records) == {"10.16.5.3 step 2", "10.16.5.3 step 4", "10.16.5.3 NOTE 2"}
    step2 = records["10.16.5.3 step 2"]
    assert "private_call_redirect: MC service server.otherwise_forward" in step2["transitions"]
    assert "private_call_redirect: foreign-caller-redirected" in step2["findings"]
    assert any(s.startswith("This check is performed only if") for s in step2["inserted"])
    assert "private_call_redirect: note2-stale-id" in records["10.16.5.3 NOTE 2"]["findings"]
    # each changed sentence pinned, whole (issue 71 item 6: a change of where a region ends
    # or which sentences it lists must fail a test)
    assert [len(step2["inserted"]), len(step2["deleted"])] == [1, 0]
    step4 = records["10.16.5.3 step 4"]
    assert step4["inserted"] == [
        "The MC service client 1 initiates a private call towards MC service user 2, including "
        "the MC service ID of MC service user 2 obtained from MC system with call redirection "
        "due to migration indication."]
    assert step4["deleted"] == [
        "The MC service client 1 initiates a private call towards MC service user 2, including "
        "the MC service ID of MC service user 2 obtained from MC system."]
    note2 = records["10.16.5.3 NOTE 2"]
    assert [s.split()[:3] for s in note2["inserted"]] == [
        ["The", "subsequent", "calls"], ["This", "indicator", "directs"], ["If", "updated", "or"]]
    assert [s.split()[:4] for s in note2["deleted"]] == [["If", "end-to-end", "encryption", "is"]]
    assert all(r["against"].startswith("001_") for r in records.values())
    text = run_cli("impact", str(next(SPEC.glob("000_*.txt")))).stdout
    assert text.splitlines()[0] == "000_44893c2c9ed11270.txt: 3 changed pieces, 0 that no model covers"


@needs_spec_text
def test_impact_of_seed_001_names_the_kms_uri_table_and_its_findings():
    proc = run_cli("impact", str(next(SPEC.glob("001_*.txt"))))
    assert proc.returncode == 0, proc.stderr
    assert "Table 10.16.5.2-1" in proc.stdout and "KMS URI" in proc.stdout
    assert "follow_redirection_after_kms_lookup" in proc.stdout


def test_impact_of_a_cr_reads_whole_sentences_and_its_finding(contribution):
    """The contribution's CR read back: the step's sentences whole (not the revision runs'
    fragments), and the finding whose change it is named among those it touches."""
    proc = run_cli("impact", str(contribution / "setup-abandoned-cr.docx"), "--json")
    records = json.loads(proc.stdout)
    [step] = [r for r in records if r["where"] == "10.16.3.2 step 1"]
    assert step["deleted"] == [
        "MC service client 1 releases the private call towards the MC service client 2 and "
        "puts the call into suspended state in MC service client."]
    assert all(s.endswith(".") for s in step["inserted"] + step["deleted"])
    assert "private_call_migration: setup-abandoned" in step["findings"]


def test_impact_reads_a_changed_pre_condition_as_a_pre_condition(tmp_path):
    """A CR that changes pre-condition 1 (setup-abandoned's sentence, written as a CR with
    the contribution's writer) is read as pre-condition 1, not as step 1."""
    from mcfsm.show.fix_text import fix_changes, line_runs
    from mcfsm.show.tdoc import write_cr
    from mcfsm.spec.quotes import SpecText

    spec = SpecText(ROOT / "models" / "clauses.txt")
    change = next(c for c in fix_changes(spec, ROOT / "models" / "fix_sentences.toml",
                                         "private_call_migration", "fix_setup_resumed")
                  if c.clause == "10.16.3.2 pre-condition 1")
    cr = {"source": "s", "title": "t", **{k: "x" for k in (
        "spec", "cr", "rev", "version", "work_item", "date", "category", "category_why",
        "release", "reason", "summary", "consequences", "clauses", "other_specs")},
        "changes": [{"heading": change.heading, "body": list(change.body),
                     "line": change.line, "runs": line_runs(change), "clause": change.clause}]}
    path = tmp_path / "pre.docx"
    write_cr(cr, path)
    proc = run_cli("impact", str(path), "--json")
    assert proc.returncode in (0, 1), proc.stderr
    assert [r["where"] for r in json.loads(proc.stdout)] == ["10.16.3.2 pre-condition 1"]


@needs_spec_text
def test_impact_says_apart_choice_points_and_transitions_only():
    """CR 001's step 2 has choice points a CR file can select; its Table 10.16.5.2-1 is
    cited by transitions only (a CR there needs the modeller), and the output says which is
    which. (CR 000's step 4 was the transitions-only case until partner_authorises_caller,
    the partner's check of step 4's call, became a choice point there in session 49.)"""
    proc = run_cli("impact", str(next(SPEC.glob("001_*.txt"))), "--json")
    records = {r["where"]: r for r in json.loads(proc.stdout)}
    assert "private_call_redirect: redirect_disclosure" in records["10.16.5.3 step 2"]["choice_points"]
    assert records["Table 10.16.5.2-1"]["choice_points"] == []
    text = run_cli("impact", str(next(SPEC.glob("001_*.txt")))).stdout
    assert "cited by transitions only" in text and "covered by choice points" in text
