"""The spec text is an input (issue 72): the record of cited sentences (models/quotes.json)
answers for the text on a clone with nothing beside it, is checked against the text when it
is reachable, and `mcfsm quotes --spec` reports the cited sentences another version of the
text changes, with what cites them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mcfsm.errors import UsageError
from mcfsm.spec import where
from mcfsm.spec.quotes import SpecText
from mcfsm.spec.record import FILE_NAME, QuoteRecord, TextChangedError

from .conftest import ROOT, SPEC_TEXT, needs_spec_text, run_cli

CLAUSES = ROOT / "models" / "clauses.txt"
RECORD = ROOT / "models" / FILE_NAME
# Pieces the bundled models' pages quote (each is in the record, asked by `mcfsm diagram`).
CITED = ("10.16.5.3 step 2", "10.16.3.2 NOTE 3", "X.1.7.1 item 6b",
         'X.1.6 "to inform the primary MC system"', "10.16.2.2 step 1")
STEP_2 = "MC service server A checks that MC service user 2 has migrated"


@pytest.fixture
def text_off(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(where.ENV, where.OFF)


def _as_tuples(spec: SpecText, citation: str) -> list[tuple[str, str, str]]:
    return [(q.where, q.file, q.text) for q in spec.quotes(citation)]


def test_without_the_text_the_record_answers(text_off, capsys):
    spec = SpecText(CLAUSES)
    assert spec.folder is None
    (q,) = spec.quotes("10.16.3.2 NOTE 3")
    assert q.file.startswith("002_") and q.text.startswith("If another private call request")
    two = spec.quotes("10.16.5.3 step 2")  # published (CR 001) and changed (CR 000)
    assert {x.file[:3] for x in two} == {"000", "001"}
    heading, lines = spec.clause_lines(q.file, "10.16.3.2")  # as a CR shows the clause
    assert "10.16.3.2" in heading and any(q.text in line for line in lines)
    # a question the record never held is an error that says how to record it, not a guess
    with pytest.raises(UsageError, match=r"no record of .*--spec DIR"):
        spec.quotes("10.16.3.2 step 9")


@needs_spec_text
def test_the_record_gives_what_the_text_gives(monkeypatch):
    """Every cited piece above, read from the text and from the record: the same quotes."""
    from_text = {c: _as_tuples(SpecText(CLAUSES), c) for c in CITED}
    monkeypatch.setenv(where.ENV, where.OFF)
    from_record = {c: _as_tuples(SpecText(CLAUSES), c) for c in CITED}
    assert from_text == from_record
    assert all(text for quotes in from_text.values() for _, _, text in quotes)


def test_the_one_line_is_said_once(text_off, capsys):
    where._said = False
    SpecText(CLAUSES)
    SpecText(CLAUSES)
    err = capsys.readouterr().err
    assert err.count("not re-read") == 1 and "MCFSM_SPEC off" in err


@pytest.fixture
def edited_copy(tmp_path: Path) -> Path:
    """The spec text with 10.16.5.3 step 2 (as CR 001 publishes it) edited in one word."""
    assert SPEC_TEXT is not None
    copy = tmp_path / "spec"
    shutil.copytree(SPEC_TEXT, copy)
    (published,) = copy.glob("001_*.txt")
    text = published.read_text(encoding="utf-8")
    assert STEP_2 in text
    published.write_text(text.replace(STEP_2, STEP_2.replace("checks", "verifies")),
                         encoding="utf-8")
    return copy


@needs_spec_text
def test_a_changed_quote_is_an_error_where_the_text_is_read(monkeypatch, edited_copy):
    monkeypatch.setenv(where.ENV, str(edited_copy))
    with pytest.raises(TextChangedError, match=r"10\.16\.5\.3 \| step \| 2") as info:
        SpecText(CLAUSES).quotes("10.16.5.3 step 2")
    assert "mcfsm quotes --spec" in str(info.value) and "verifies" in str(info.value)


@needs_spec_text
def test_quotes_with_the_seeds_finds_nothing_changed():
    proc = run_cli("quotes", "--spec", str(SPEC_TEXT))
    assert proc.returncode == 0, proc.stderr
    assert ": 0 changed, 0 gone" in proc.stdout


@needs_spec_text
def test_quotes_reports_an_edited_step_and_what_cites_it(edited_copy):
    proc = run_cli("quotes", "--spec", str(edited_copy), "--json")
    assert proc.returncode == 1, proc.stderr
    (changed,) = json.loads(proc.stdout)  # one step changed, and nothing else
    assert changed["where"] == "10.16.5.3 step 2" and changed["file"].startswith("001_")
    assert changed["status"] == "changed" and "verifies" in changed["now"]
    assert "private_call_redirect: MC service server.redirect" in changed["transitions"]
    assert "private_call_redirect: redirect-loop" in changed["findings"]
    assert "private_call_redirect.fix_migration_checked_first" in changed["contributions"]
    text = run_cli("quotes", "--spec", str(edited_copy))
    assert "CHANGED 10.16.5.3 step 2" in text.stdout and "  now: MC service server A verifies" \
        in text.stdout


@needs_spec_text
def test_quotes_reads_a_docx_version(tmp_path, edited_copy):
    """A folder of .docx files (a release as Word files) is read as the text files are."""
    import docx

    for source in edited_copy.glob("*.txt"):
        document = docx.Document()
        for line in source.read_text(encoding="utf-8").splitlines():
            document.add_paragraph(line)
        document.save(str(source.with_suffix(".docx")))
        source.unlink()
    proc = run_cli("quotes", "--spec", str(edited_copy), "--json")
    assert proc.returncode == 1, proc.stderr
    assert [c["where"] for c in json.loads(proc.stdout)] == ["10.16.5.3 step 2"]


@needs_spec_text
def test_quotes_write_takes_the_new_text(tmp_path, edited_copy):
    """--write on a copy of models/ (never the repository's record): the record then gives
    the edited sentence, and the edited text compares as unchanged."""
    models = tmp_path / "models"
    shutil.copytree(ROOT / "models", models, ignore=shutil.ignore_patterns("__pycache__"))
    proc = run_cli("quotes", str(models), "--spec", str(edited_copy), "--write")
    assert proc.returncode == 0, proc.stderr
    assert "verifies" in (models / FILE_NAME).read_text(encoding="utf-8")
    again = run_cli("quotes", str(models), "--spec", str(edited_copy))
    assert again.returncode == 0 and ": 0 changed, 0 gone" in again.stdout, again.stdout


def test_quotes_without_any_text_says_what_to_give(text_off):
    proc = run_cli("quotes")
    assert proc.returncode == 2 and "--spec DIR_OR_DOCX" in proc.stderr


@needs_spec_text
def test_impact_of_a_copy_of_a_cr_compares_it_with_the_text_it_changes(tmp_path):
    """A CR copied out of the spec folder (the folder still holding the original) is
    compared with the text it changes, not with its own original."""
    assert SPEC_TEXT is not None
    (seed,) = SPEC_TEXT.glob("000_*.txt")
    copy = tmp_path / seed.name
    shutil.copy(seed, copy)
    proc = run_cli("impact", str(copy), "--json")
    assert proc.returncode == 0, proc.stderr
    records = json.loads(proc.stdout)
    assert any(r["where"] == "10.16.5.3 step 2" and r["against"].startswith("001_")
               for r in records)


def test_a_broken_record_names_the_file(tmp_path):
    bad = tmp_path / FILE_NAME
    bad.write_text("{not json")
    with pytest.raises(UsageError, match=FILE_NAME):
        QuoteRecord(bad)


def test_the_committed_record_is_sorted_and_complete_json():
    data = json.loads(RECORD.read_text(encoding="utf-8"))
    assert data["version"] == 1
    for kind in ("files", "quotes", "fragments", "clauses", "positions"):
        assert list(data[kind]) == sorted(data[kind]), kind
    assert any(STEP_2 in text for text in data["quotes"].values())
