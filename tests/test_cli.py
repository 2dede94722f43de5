"""The real `mcfsm` command: exit statuses, listings, and clear errors for bad input."""

import json

import pytest

from .conftest import ROOT, run_cli

FIX = "tests/fixtures"


def test_check_exit_status_is_0_when_everything_holds():
    proc = run_cli("check", "tests/validation/peterson.py")
    assert proc.returncode == 0, proc.stderr
    assert "peterson[two_processes]: 42 distinct states, 77 total, depth 11" in proc.stdout
    assert "holds" in proc.stdout and "MutualExclusion" in proc.stdout


def test_check_exit_status_is_1_with_the_counterexample_in_the_models_words():
    proc = run_cli("check", "tests/validation/diehard.py")
    assert proc.returncode == 1
    assert "VIOLATED  NotSolved" in proc.stdout
    assert "6. jugs: BigToSmall" in proc.stdout and "big: 5 -> 4" in proc.stdout


def test_budget_gives_exit_3_and_never_says_holds():
    proc = run_cli("check", "tests/validation/twophase.py", "--max-states", "50", "--json")
    assert proc.returncode == 3
    [record] = json.loads(proc.stdout)
    assert record["complete"] is False and record["stopped_by"] == "max-states"
    assert {p["verdict"] for p in record["properties"]} == {"unknown"}


def test_json_has_the_documented_keys():
    proc = run_cli("check", "tests/validation/tcommit.py", "--json")
    [record] = json.loads(proc.stdout)
    for key in ("model", "variant", "distinct_states", "total_states", "depth", "complete",
                "elapsed_s", "properties", "coverage"):
        assert key in record
    for prop in record["properties"]:
        assert set(prop) >= {"name", "kind", "clause", "verdict", "counterexample"}
    assert record["coverage"]["never_fired"] == []
    assert record["coverage"]["transitions"]["resource manager.Prepare"]["generated"] > 0


def test_variant_selection_and_folder_scan():
    proc = run_cli("check", "tests/validation", "--variant", "rm3", "--json")
    names = sorted(r["model"] for r in json.loads(proc.stdout))
    assert names == ["tcommit", "twophase"]


def test_list_shows_variants_parameters_and_properties():
    proc = run_cli("list", "models/private_call_redirect.py")
    assert proc.returncode == 0, proc.stderr
    assert "variant base" in proc.stdout
    assert "no-repeated-redirection-to-left-id" in proc.stdout and "10.16.5.3" in proc.stdout


def test_out_writes_reports(tmp_path):
    proc = run_cli("check", "tests/validation/tcommit.py", "--out", str(tmp_path))
    assert proc.returncode == 0
    record = json.loads((tmp_path / "tcommit" / "rm3.json").read_text())
    assert record["distinct_states"] == 34
    assert "34 distinct states" in (tmp_path / "tcommit" / "rm3.txt").read_text()
    assert json.loads((tmp_path / "summary.json").read_text())[0]["model"] == "tcommit"
    # the record is --json's, written a top-level key a line and a property a line
    [printed] = json.loads(run_cli("check", "tests/validation/tcommit.py", "--json").stdout)
    text = (tmp_path / "tcommit" / "rm3.json").read_text()
    assert {k: v for k, v in record.items() if k != "elapsed_s"} == \
        {k: v for k, v in printed.items() if k != "elapsed_s"}
    lines = text.splitlines()
    assert lines[0] == "{" and lines[-1] == "}"
    start = lines.index(' "properties": [') + 1
    assert lines[start + len(record["properties"])].startswith(" ]")
    assert [json.loads(line.strip().rstrip(","))
            for line in lines[start:start + len(record["properties"])]] == record["properties"]


# -- bad input: every case exits 2 with a message naming what and where, no traceback ---
@pytest.mark.parametrize("args,expected", [
    (["check", "no/such/path.py"], ["no/such/path.py", "no such file"]),
    (["check", f"{FIX}/bad_syntax.py"], ["bad_syntax.py", "syntax error at line"]),
    (["check", f"{FIX}/no_model.py"], ["no_model.py", "defines no mcfsm Model",
                                       "model = Model("]),
    (["check", f"{FIX}/bad_unknown_state.py"],
     ["bad_unknown_state.py", "role 'MC service client'", "transition 'call'",
      "10.16.5.3 step 4", "'connectd'", "how to fix"]),
    (["check", f"{FIX}/bad_runtime.py"],
     ["bad_runtime.py", "missing mandatory element 'called_id_migrated'", "transition 'redirect'",
      "10.16.5.3 step 3", "how to fix"]),
    (["check", f"{FIX}/bad_import.py"], ["bad_import.py:4", "NameError", "undefined_name"]),
    (["check", f"{FIX}/bad_variant.py"], ["bad_variant.py", "must return a System"]),
    (["check", "tests/validation/tcommit.py", "--variant", "nope"],
     ["--variant 'nope'", "known variants: rm3"]),
    (["check", "tests/validation/tcommit.py", "--max-states", "0"], ["--max-states", "0"]),
    (["check", "tests/validation/tcommit.py", "--time-limit", "soon"], ["--time-limit", "soon"]),
    (["check", "pyproject.toml"], ["pyproject.toml", "not a Python model file"]),
])
def test_bad_input_gets_a_clear_error_and_exit_2(args, expected):
    proc = run_cli(*args)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    for part in expected:
        assert part in proc.stderr, proc.stderr


def test_progress_line_only_after_two_seconds(capsys):
    from mcfsm.check.search.explorer import Progress
    from mcfsm.cli import _ProgressLine

    line = _ProgressLine("m[v]")
    line.enabled = True  # as on a terminal
    line(Progress(10, 20, 3, 5, 1.0))
    assert capsys.readouterr().err == ""
    line(Progress(123456, 400000, 12, 4000, 3.2))
    err = capsys.readouterr().err
    assert "m[v]: 123,456 distinct, 400,000 total, depth 12" in err
    line.done()
    assert capsys.readouterr().err.startswith("\r")


def test_simulate_writes_the_shrunk_trace_and_replay_reexecutes_it(tmp_path):
    model = "models/group_call_migration.py"
    proc = run_cli("simulate", model, "--variant", "break_before_make", "--examples", "20",
                   "--steps", "20", "--seed", "3", "--traces", str(tmp_path))
    assert proc.returncode == 1, proc.stderr  # group-continuity is violated (declared so)
    assert "runs on the engine's successor function, hypothesis seed 3" in proc.stdout
    assert "VIOLATED     group-continuity" in proc.stdout
    assert "random steps" in proc.stdout and "not a proof" in proc.stdout
    assert "coverage: " in proc.stdout and "transitions" in proc.stdout
    trace = tmp_path / "group_call_migration.break_before_make.group-continuity.trace.json"
    record = json.loads(trace.read_text())
    assert record["source"] == "hypothesis" and len(record["steps"]) == 1

    expected = run_cli("simulate", model, "--variant", "break_before_make", "--examples", "20",
                       "--steps", "20", "--seed", "3", "--traces", str(tmp_path), "--expected")
    assert expected.returncode == 0, expected.stdout

    replayed = run_cli("replay", str(trace))
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert "still shows group-continuity violated" in replayed.stdout

    record["steps"][0]["transition"] = "teleport"
    changed = tmp_path / "changed.trace.json"
    changed.write_text(json.dumps(record))
    diverged = run_cli("replay", str(changed))
    assert diverged.returncode == 1
    assert "DIVERGED at step 1" in diverged.stdout and "client1: migrate" in diverged.stdout


def test_check_traces_replay_on_the_explorer_side(tmp_path):
    proc = run_cli("check", "tests/validation/diehard.py", "--traces", str(tmp_path))
    assert proc.returncode == 1
    trace = tmp_path / "diehard.jugs_3_5.NotSolved.trace.json"
    assert json.loads(trace.read_text())["source"] == "explorer"
    replayed = run_cli("replay", str(trace))
    assert replayed.returncode == 0 and "6. jugs: BigToSmall" in replayed.stdout


@pytest.mark.parametrize("content,message", [
    ("not json", "not a JSON trace file"),
    ('{"format": "other"}', "not an mcfsm trace"),
    ('{"format": "mcfsm-trace/1", "model": "m"}', "lacks 'file'"),
])
def test_replay_rejects_bad_trace_files(tmp_path, content, message):
    path = tmp_path / "t.json"
    path.write_text(content)
    proc = run_cli("replay", str(path))
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr


def test_a_trace_file_replays_from_another_folder(tmp_path):
    """check --traces names the model file by its absolute path; a committed trace under
    diagrams/ (relative path) is found from the trace's parent folders; else --model."""
    import shutil

    from click.testing import CliRunner

    from mcfsm.cli import main

    shutil.copy(ROOT / "tests" / "validation" / "diehard.py", tmp_path / "diehard.py")
    runner = CliRunner()
    r = runner.invoke(main, ["check", str(tmp_path / "diehard.py"), "--traces",
                             str(tmp_path / "traces"), "--no-cache"])
    assert r.exit_code == 1
    [trace] = (tmp_path / "traces").glob("*.trace.json")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for path in (trace, ROOT / "diagrams" / "group_call_migration" / "break_before_make"
                 / "charts" / "group-continuity.trace.json"):
        proc = run_cli("replay", str(path), cwd=elsewhere)
        assert proc.returncode == 0, proc.stderr
    copied = elsewhere / "lonely.trace.json"
    copied.write_text((ROOT / "diagrams" / "group_call_migration" / "break_before_make"
                       / "charts" / "group-continuity.trace.json").read_text())
    proc = run_cli("replay", str(copied), cwd=elsewhere)
    assert proc.returncode == 2 and "--model PATH" in proc.stderr


def test_diff_checks_both_variant_names_before_exploring():
    proc = run_cli("diff", "models/private_call_redirect.py", "--variant", "base",
                   "--variant", "no_such_variant", "--no-cache")
    assert proc.returncode == 2 and "'no_such_variant' is not a variant" in proc.stderr
    assert "exploring" not in proc.stderr  # refused before the search of base


def test_a_reader_that_closes_the_pipe_ends_the_report_quietly():
    """`mcfsm check ... | head -1`: no "Broken pipe" error, and the exit code is still the
    verdict (1: group-continuity is violated in break_before_make)."""
    import subprocess
    import sys
    proc = subprocess.Popen([sys.executable, "-m", "mcfsm", "check",
                             "models/group_call_migration.py", "--variant", "break_before_make"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=300) == 1, err
    assert "Broken pipe" not in err and "error" not in err, err


def test_check_of_a_folder_loads_only_the_files_that_define_a_model(tmp_path):
    import shutil
    shutil.copy(ROOT / "tests" / "validation" / "diehard.py", tmp_path / "diehard.py")
    (tmp_path / "test_something.py").write_text("import no_such_module\n")  # a test file
    (tmp_path / "helper.py").write_text("raise RuntimeError('not a model')\n")
    proc = run_cli("check", str(tmp_path), "--no-cache", "--summary")
    assert proc.returncode == 1, proc.stderr  # diehard's NotSolved is violated
    assert "diehard[jugs_3_5]" in proc.stdout
    # a broken model file is still named, not skipped
    (tmp_path / "broken.py").write_text("from mcfsm import Model\nmodel = Model('b'\n")
    proc = run_cli("check", str(tmp_path), "--no-cache")
    assert proc.returncode == 2 and "broken.py" in proc.stderr and "syntax error" in proc.stderr


def test_a_property_name_with_spaces_is_quoted_not_refused(tmp_path):
    """Issue 22 item 8: names as TLC and Stateright users write them."""
    source = (ROOT / "tests" / "validation" / "diehard.py").read_text().replace(
        'always("NotSolved"', 'always("big jug never 4"')
    (tmp_path / "diehard.py").write_text(source)
    proc = run_cli("check", "diehard.py", "--traces", "traces", "--no-cache", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert 'VIOLATED  "big jug never 4"' in proc.stdout
    [trace] = (tmp_path / "traces").glob("*.trace.json")
    assert trace.name == "diehard.jugs_3_5.big_jug_never_4.trace.json"
    assert run_cli("replay", str(trace), cwd=tmp_path).returncode == 0
