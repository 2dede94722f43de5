"""The rough edges of issue 73 ("87 new bad inputs and 596 fuzz runs"): each input that got
no clean answer now gets a clean refusal or a bounded read, through the real CLI where it
is a CLI case. Big files are sparse (truncate), so no test fills the disk or reads much."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from mcfsm import ModelError, Param
from mcfsm.errors import UsageError
from mcfsm.lang.loader import load_path

from .conftest import run_cli
from .fuzz_corpus import grammar


def _model(tmp_path: Path, **slots: str) -> Path:
    path = tmp_path / grammar.MODEL_FILE
    path.write_text(grammar.model_source(**slots))
    return path


TWO_BIG_PARAMS = {"PARAM": 'Param(range(3000), clause="1.4"), "q": Param(range(3000), '
                           'clause="1.4")'}


# -- 1. parameter combinations outside every budget -----------------------------------------
def test_a_param_with_millions_of_choices_is_refused_before_it_is_read(tmp_path):
    _model(tmp_path, PARAM='Param(range(3_000_000), clause="1.4")')
    began = time.monotonic()
    proc = run_cli("check", "model.py", "--max-states", "100", "--time-limit", "3",
                   "--no-cache", cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "model.py" in proc.stderr and "Param(choices=range(0, 3000000))" in proc.stderr
    assert "3,000,000 choices, more than the 10,000" in proc.stderr
    assert "how to fix" in proc.stderr and "one_of" in proc.stderr
    assert time.monotonic() - began < 15  # it ran about 20 s


def test_an_endless_iterator_of_choices_is_read_one_past_the_limit():
    import itertools

    with pytest.raises(ModelError, match="over 10,000 choices"):
        Param(itertools.count())
    assert Param(x for x in (1, 2)).choices == (1, 2)  # a short generator still works


def test_two_params_of_3000_choices_stop_at_the_budget_and_say_so(tmp_path):
    _model(tmp_path, **TWO_BIG_PARAMS)
    began = time.monotonic()
    proc = run_cli("check", "model.py", "--max-states", "100", "--time-limit", "3",
                   "--no-cache", "--traces", "traces", cwd=tmp_path)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "INCOMPLETE, stopped by the --max-states budget" in proc.stdout
    assert "of 9,000,000 runs finished" in proc.stdout
    assert "2999 (3,000 choices)" in proc.stdout  # the line names the sizes, not each choice
    assert time.monotonic() - began < 30  # it ran about 20 s, most of it listing states
    # the witness found there replays without listing the 9 million initial states
    [trace] = sorted((tmp_path / "traces").glob("*.v1.two.trace.json"))
    replayed = run_cli("replay", str(trace), cwd=tmp_path)
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert "still shows two witnessed" in replayed.stdout


def test_simulate_refuses_a_product_of_choices_it_would_list_whole(tmp_path):
    _model(tmp_path, **TWO_BIG_PARAMS)
    proc = run_cli("simulate", "model.py", "--variant", "v1", "--time-limit", "3",
                   cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "model.py [v1]" in proc.stderr and "9,000,000 initial states" in proc.stderr
    assert "p (3,000 choices) x q (3,000 choices)" in proc.stderr
    assert "how to fix: pin parameters" in proc.stderr


def test_initial_states_are_counted_and_read_by_number_as_listed(tmp_path):
    path = _model(tmp_path, PARAM='Param((1, 2, 3), clause="1.4"), "q": Param(("a", "b"))',
                  SHARED="Var(int, one_of(0, 5))")
    path.write_text(path.read_text().replace("always, sometimes", "always, one_of, sometimes"))
    [lm] = load_path(path)
    system = lm.model.system("v1")
    listed = system.initial_states()
    assert system.initial_count() == len(listed) == 3 * 2 * 2
    for k, state in enumerate(listed):
        assert system.initial_state(k) == state and system.initial_index(state) == k
    with pytest.raises(IndexError):
        system.initial_state(len(listed))


# -- 2. --resume reads a checkpoint's signed header first --------------------------------------
def _resume(tmp_path: Path, model: Path):
    return run_cli("check", str(model), "--variant", "v1", "--no-cache", "--checkpoint",
                   str(tmp_path / "ck"), "--resume", cwd=tmp_path)


def test_resume_refuses_20_gb_of_zeros_after_reading_its_header(tmp_path, monkeypatch):
    from mcfsm.check.search import checkpoint

    from .test_checkpoint import _checkpointed

    model, file = _checkpointed(tmp_path)
    size = min(20 * 10**9, checkpoint.max_checkpoint_bytes() - 1)
    file.unlink()
    with open(file, "wb") as f:
        f.truncate(size)  # sparse: no disk space taken
    began = time.monotonic()
    proc = _resume(tmp_path, model)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert str(file) in proc.stderr and "not a checkpoint" in proc.stderr
    assert f"refused after reading {checkpoint.HEADER_BYTES} of its {size:,} bytes" in proc.stderr
    assert f"how to fix: delete {file}" in proc.stderr
    assert time.monotonic() - began < 20  # it read the 20 GB whole
    # what is read, counted in this process: the header, not a byte more
    read: list[int] = []
    real_read = checkpoint.os.read

    def counted(fd: int, n: int) -> bytes:
        data = real_read(fd, n)
        read.append(len(data))
        return data

    monkeypatch.setattr(checkpoint.os, "read", counted)
    with pytest.raises(UsageError, match="not a checkpoint"):
        checkpoint._signed_payload(file)
    assert sum(read) == checkpoint.HEADER_BYTES


def test_resume_refuses_a_signed_checkpoint_grown_since_without_reading_on(tmp_path):
    from .test_checkpoint import _checkpointed

    model, file = _checkpointed(tmp_path)
    written = file.stat().st_size
    with open(file, "r+b") as f:
        f.truncate(10**9)  # its signed header still says how long it was
    proc = _resume(tmp_path, model)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"1,000,000,000 bytes, but its signed header says {written:,}" in proc.stderr
    assert "refused unread" in proc.stderr and "how to fix: delete" in proc.stderr


def test_a_checkpoint_of_the_old_format_is_named_as_such(tmp_path):
    from .test_checkpoint import _checkpointed

    model, file = _checkpointed(tmp_path)
    file.write_bytes(b"mcfsm checkpoint 2, HMAC-SHA256 signed\n" + bytes(100))
    proc = _resume(tmp_path, model)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "a checkpoint of another format" in proc.stderr and "format 3" in proc.stderr


# -- 3. impact bounds what it reads of a CR ----------------------------------------------------
def _docx_claiming(path: Path, size: int) -> None:
    """A .docx whose word/document.xml the archive says is `size` bytes (its central
    directory patched: what zipfile reads before it inflates anything)."""
    import struct
    import zipfile

    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    data = bytearray(path.read_bytes())
    entry = data.index(b"PK\x01\x02")  # the central directory's entry
    data[entry + 24:entry + 28] = struct.pack("<I", size)  # its uncompressed size
    path.write_bytes(bytes(data))


def test_impact_refuses_a_docx_whose_document_xml_is_1_gib_before_inflating_it(tmp_path):
    from mcfsm.spec.drift import MAX_DOCX_XML

    cr = tmp_path / "big.docx"
    _docx_claiming(cr, 1 << 30)
    proc = run_cli("impact", str(cr), "--models", str(_model(tmp_path)), cwd=tmp_path.parent)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert str(cr) in proc.stderr and "1,073,741,824 bytes" in proc.stderr
    assert f"more than the {MAX_DOCX_XML:,}" in proc.stderr and "refused unread" in proc.stderr
    assert "how to fix: pass the CR" in proc.stderr


def test_impact_refuses_a_1_gib_text_cr_unread(tmp_path):
    from mcfsm.spec.drift import MAX_TEXT

    cr = tmp_path / "big.txt"
    with open(cr, "wb") as f:
        f.truncate(1 << 30)  # sparse
    began = time.monotonic()
    proc = run_cli("impact", str(cr), "--spec", str(tmp_path), "--models", str(_model(tmp_path)),
                   cwd=tmp_path.parent)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"CR {cr}: 1,073,741,824 bytes, more than the {MAX_TEXT:,}" in proc.stderr
    assert "refused unread" in proc.stderr and "how to fix" in proc.stderr
    assert time.monotonic() - began < 20


def test_impact_names_a_latin_1_cr_and_how_to_convert_it(tmp_path):
    cr = tmp_path / "cr.txt"
    cr.write_bytes("* * * First Change * * *\n10.1 Caf\xe9\n".encode("latin-1"))
    proc = run_cli("impact", str(cr), "--spec", str(tmp_path), "--models", str(_model(tmp_path)),
                   cwd=tmp_path.parent)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"CR {cr}: not UTF-8 text (byte 0xe9" in proc.stderr
    assert "iconv -f latin1 -t utf-8" in proc.stderr


# -- 4. contribution neither overwrites documents nor writes them from a cut search ------------
MIGRATION = str(Path(__file__).resolve().parent.parent / "models" / "private_call_migration.py")


def test_contribution_refuses_to_overwrite_documents_without_force(tmp_path):
    edited = tmp_path / "setup-abandoned-cr.docx"
    edited.write_text("a delegate's edits")
    proc = run_cli("contribution", "setup-abandoned", "--models", MIGRATION, "--out",
                   str(tmp_path))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"{edited} already exists" in proc.stderr and "not overwritten" in proc.stderr
    assert "how to fix: pass --force" in proc.stderr
    assert proc.stdout == "" and edited.read_text() == "a delegate's edits"  # before the search
    (tmp_path / "INDEX.md").write_text("mine")
    proc = run_cli("contribution", "--all", "--models", MIGRATION, "--out", str(tmp_path))
    assert proc.returncode == 2 and "INDEX.md" in proc.stderr and "--force" in proc.stderr


def test_contribution_writes_nothing_from_a_cut_search_unless_asked(tmp_path):
    out = tmp_path / "out"
    proc = run_cli("contribution", "setup-abandoned", "--models", MIGRATION, "--out", str(out),
                   "--max-states", "50")
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "INCOMPLETE: a budget cut the search of" in proc.stderr
    assert (f"no document written ({out / 'setup-abandoned-discussion.docx'}, "
            f"{out / 'setup-abandoned-cr.docx'}): pass --write-incomplete") in proc.stderr
    assert not list(tmp_path.rglob("*.docx"))
    proc = run_cli("contribution", "setup-abandoned", "--models", MIGRATION, "--out", str(out),
                   "--max-states", "50", "--write-incomplete")
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "the scenario is the shortest one the cut search found" in proc.stderr
    assert (out / "setup-abandoned-cr.docx").is_file()
    # --all: the index says which findings got none, and why
    proc = run_cli("contribution", "--all", "--models", MIGRATION, "--out", str(out),
                   "--max-states", "50", "--force")
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "no document written for" in proc.stderr and "setup-abandoned" in proc.stderr
    assert "none written: a budget cut its search" in (out / "INDEX.md").read_text()


# -- 5. cr new: a clause on one line, never empty, never written through a link ----------------
REDIRECT = str(Path(__file__).resolve().parent.parent / "models" / "private_call_redirect.py")


@pytest.mark.parametrize("clause, words", [
    ("10.16.5.3\nstep 2", ["control character '\\n'", "a clause is one line",
                           "how to fix: give the clause on one line"]),
    ("", ["--clause '': empty", "how to fix: give one", "mcfsm cr list MODEL"]),
    ("   ", ["empty"]),
])
def test_cr_new_refuses_a_clause_no_cr_file_can_carry(tmp_path, clause, words):
    out = tmp_path / "cr.toml"
    proc = run_cli("cr", "new", REDIRECT, "--from", "base", "--clause", clause, "--out", str(out))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    for word in words:
        assert word in proc.stderr, proc.stderr
    assert not out.exists()


def test_cr_new_refuses_to_write_through_a_dangling_link(tmp_path):
    out, target = tmp_path / "cr.toml", tmp_path / "elsewhere" / "made.toml"
    (tmp_path / "elsewhere").mkdir()
    out.symlink_to(target)
    proc = run_cli("cr", "new", REDIRECT, "--from", "base", "--clause", "10.16.5.3", "--out",
                   str(out))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"--out {out}: a symbolic link (to {target}, which does not exist)" in proc.stderr
    assert "how to fix: choose another name, or remove the link" in proc.stderr
    assert not target.exists()


def test_cr_new_writes_a_file_that_loads(tmp_path):
    import tomllib

    out = tmp_path / "cr.toml"
    proc = run_cli("cr", "new", REDIRECT, "--from", "base", "--clause", "10.16.5.3", "--out",
                   str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = tomllib.loads(out.read_text(encoding="utf-8"))
    assert data["change_request"]["start"] == "base" and data["change"][0]["clause"]


def test_every_string_cr_new_writes_reads_back_as_it_was():
    """Any text a model's words or a path may hold: quoted as TOML reads it back, and a
    comment line stays one line."""
    import tomllib

    from mcfsm.commands.cr import _comment, _toml

    text = "".join(map(chr, range(0, 128))) + "\u2028é\"\\'''\"\"\""
    assert tomllib.loads(f"x = {_toml(text)}\n")["x"] == text
    comment = _comment("# a\nb\rc\x00d")
    assert tomllib.loads(comment + "\nx = 1\n") == {"x": 1}


# -- 6. a CR file with a NUL in its model path, or saved as Latin-1 ----------------------------
def _cr_file(tmp_path: Path, **head: str) -> Path:
    """A CR file beside a copy of the fuzz model (its Param p is the choice point)."""
    _model(tmp_path)
    fields = {"title": '"A change"', "model": '"model.py"', "start": '"v1"'} | head
    text = "[change_request]\n" + "".join(f"{k} = {v}\n" for k, v in fields.items())
    text += ('[[change]]\nclause = "1.4"\nsentence = "The pinger pings twice."\n'
             'choice = "p"\nbehaviour = "2"\n')
    path = tmp_path / "cr.toml"
    path.write_text(text, encoding="utf-8")
    return path



def test_a_nul_in_a_cr_file_s_model_path_is_named(tmp_path):
    cr = _cr_file(tmp_path, model='"model\\u0000.py"')  # TOML's escape: a NUL in the value
    proc = run_cli("check", str(cr), cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "internal error" not in proc.stderr
    assert f"{cr}: model = 'model\\x00.py' holds the control character '\\x00'" in proc.stderr
    assert "how to fix: give the model file's path relative to this file" in proc.stderr


def test_a_latin_1_cr_file_is_named_with_the_byte_and_how_to_convert_it(tmp_path):
    cr = _cr_file(tmp_path, title='"Caf\u00e9"')
    cr.write_bytes(cr.read_text(encoding="utf-8").encode("latin-1"))
    for command in ("check", "diff"):
        proc = run_cli(command, str(cr), cwd=tmp_path)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert "internal error" not in proc.stderr
        assert f"{cr}: not UTF-8 text (byte 0xe9 on line 2)" in proc.stderr
        assert "how to fix: save it as UTF-8, e.g. iconv -f latin1 -t utf-8" in proc.stderr


def test_the_cr_file_of_these_tests_is_itself_a_valid_one(tmp_path):
    cr = _cr_file(tmp_path)
    proc = run_cli("check", str(cr), "--max-states", "1000", cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    assert "fuzz_model[changed]" in proc.stdout or "[changed]" in proc.stdout


# -- 8. replay of a trace without its status ---------------------------------------------------
@pytest.fixture
def witness_trace(tmp_path: Path) -> Path:
    _model(tmp_path)
    proc = run_cli("check", "model.py", "--variant", "v1", "--no-cache", "--traces", "traces",
                   cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    [trace] = (tmp_path / "traces").glob("*.v1.two.trace.json")
    return trace


@pytest.mark.parametrize("status, command, words", [
    (None, "replay", ["the trace file lacks 'status', the finding it shows",
                      "how to fix: add the status"]),
    (None, "export", ["lacks 'status'"]),
    ("", "replay", ["has status ''", "'violated', 'witnessed'"]),
    ("violated", "replay", ["its status is 'violated', but 'two' is a sometimes property",
                            'how to fix: set "status": "witnessed"']),
])
def test_replay_refuses_a_trace_without_the_status_it_shows(witness_trace, status, command,
                                                            words):
    record = json.loads(witness_trace.read_text())
    assert run_cli("replay", str(witness_trace), cwd=witness_trace.parent.parent).returncode == 0
    if status is None:
        del record["status"]
    else:
        record["status"] = status
    witness_trace.write_text(json.dumps(record))
    proc = run_cli(command, str(witness_trace), cwd=witness_trace.parent.parent)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert str(witness_trace) in proc.stderr
    for word in words:
        assert word in proc.stderr, proc.stderr


# -- 7. str.startswith / endswith in a property are comparisons vacuity reads ------------------
JUG = '''
from mcfsm import Instance, Model, Role, System, Transition, Var, always, step

def start(ctx):
    ctx.v.phase = "filling"

def finish(ctx):
    ctx.v.phase = "done"

JUG = Role("jug", states=["on", "off"], initial="on", final=["off"],
           variables={{"phase": Var(str, "idle")}},
           transitions=[Transition("Start", "on", None, clause="t 1", after=[start],
                                   conditions=[lambda ctx: ctx.v.phase == "idle"]),
                        Transition("Finish", "on", "off", clause="t 2", after=[finish],
                                   conditions=[lambda ctx: ctx.v.phase == "filling"])])

model = Model("jug", source="test", clause="t")

@model.variant("base")
def base():
    return System("jug", instances=[Instance("jug", JUG)],
                  properties=[{prop}])
'''


def _jug(tmp_path: Path, prop: str, *args: str):
    (tmp_path / "jug.py").write_text(JUG.format(prop=prop))
    return run_cli("check", "jug.py", "--no-cache", "--workers", "1", *args, cwd=tmp_path)


@pytest.mark.parametrize("test", ['startswith("typo")', 'endswith(("xx", "yy"))'])
def test_a_prefix_or_suffix_no_string_of_the_model_has_is_vacuous(tmp_path, test):
    prop = (f'step("phase-test", lambda before, s, after: not after["jug"].phase.{test}, '
            'clause="t 3")')
    proc = _jug(tmp_path, prop)
    assert proc.returncode == 0, proc.stdout + proc.stderr  # it holds, vacuously: said so
    assert "VACUOUS" in proc.stdout and "1 vacuous property" in proc.stderr
    method = test.split("(", 1)[0]
    verb = {"startswith": "starts with", "endswith": "ends with"}[method]
    assert f"it tests whether jug.phase {verb}" in proc.stdout
    assert f"(.{method}), and no string any code" in proc.stdout
    proc = _jug(tmp_path, prop, "--json")
    [record] = json.loads(proc.stdout)[0]["properties"][:1]
    assert "so that test is never true (a typo?)" in record["vacuous"]
    assert _jug(tmp_path, prop, "--strict").returncode == 2


@pytest.mark.parametrize("test", ['startswith("fill")', 'endswith("one")'])
def test_a_prefix_or_suffix_the_model_writes_is_not_vacuous(tmp_path, test):
    prop = f'always("phase", lambda v: not v["jug"].phase.{test}, clause="t 3")'
    proc = _jug(tmp_path, prop, "--strict")
    assert "VACUOUS" not in proc.stdout, proc.stdout
    assert proc.returncode == 1, proc.stdout + proc.stderr  # the model does write it


def test_a_state_tested_by_a_prefix_no_state_has_is_refused_as_a_typo(tmp_path):
    proc = _jug(tmp_path, 'always("st", lambda v: not v["jug"].state.startswith("typo"), '
                          'clause="t 3")')
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "property 'st'" in proc.stderr
    assert "tests whether a state's name starts with 'typo' (.startswith)" in proc.stderr
    assert "how to fix: test a part of one of ['off', 'on']" in proc.stderr


def test_a_state_prefix_test_that_never_changes_truth_value_is_vacuous(tmp_path):
    # both states start with "o": the test is true in every state reached
    proc = _jug(tmp_path, 'always("st", lambda v: v["jug"].state.startswith("o"), '
                          'clause="t 3")')
    assert proc.returncode == 0 and "VACUOUS" in proc.stdout, proc.stdout + proc.stderr
    assert "jug is never anywhere but a state whose name starts with 'o'" in proc.stdout
    # "ff" picks out "off", reached by Finish: the test changes truth value
    proc = _jug(tmp_path, 'always("st", lambda v: not v["jug"].state.endswith("ff"), '
                          'clause="t 3")', "--strict")
    assert proc.returncode == 1 and "VACUOUS" not in proc.stdout, proc.stdout + proc.stderr
