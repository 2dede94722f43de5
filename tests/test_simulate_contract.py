"""`mcfsm simulate` keeps to the contract: it stops at the first violation unless asked to
go on (--keep-going), says when it found each, writes trace files only when asked
(--traces DIR), and a run cut by --max-memory says so and exits 3 (not "Ctrl-C", 130)."""

import re

from .conftest import ROOT, run_cli

MODEL = str(ROOT / "tests" / "fixtures" / "sim_counter.py")


def test_simulate_stops_at_the_first_violation_and_says_when(tmp_path):
    proc = run_cli("simulate", MODEL, "--seed", "1", cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    violated = [line for line in proc.stdout.splitlines() if line.startswith("  VIOLATED")]
    assert len(violated) == 1, proc.stdout
    assert "found after" in violated[0], violated[0]
    assert "stopped at the first violation" in proc.stdout, proc.stdout
    assert "--keep-going" in proc.stdout
    assert not (tmp_path / "traces").exists()  # only with --traces DIR
    # "1 steps" as a count, not the tail of a rate ("591 steps/s")
    assert not re.search(r"(?<![\d.])1 steps", proc.stdout) and "()" not in proc.stdout, \
        proc.stdout


def test_simulate_keep_going_finds_every_violation_and_traces_when_asked(tmp_path):
    proc = run_cli("simulate", MODEL, "--seed", "1", "--keep-going", "--traces",
                   str(tmp_path / "tr"), cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    violated = [line for line in proc.stdout.splitlines() if line.startswith("  VIOLATED")]
    assert len(violated) == 2, proc.stdout
    assert len(list((tmp_path / "tr").glob("*.trace.json"))) == 2


def test_simulate_cut_by_max_memory_says_memory_and_exits_3(tmp_path):
    proc = run_cli("simulate", MODEL, "--seed", "1", "--max-memory", "1", cwd=tmp_path)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "memory" in proc.stdout and "Ctrl-C" not in proc.stdout + proc.stderr, proc.stdout


def test_replay_of_a_trace_from_another_checkout_finds_the_model_or_suggests_model(tmp_path):
    import json
    import shutil

    other = tmp_path / "other" / "models"
    other.mkdir(parents=True)
    shutil.copy(MODEL, other / "sim_counter.py")
    run_cli("simulate", str(other / "sim_counter.py"), "--seed", "1", "--traces",
            str(tmp_path / "tr"), cwd=tmp_path)
    [trace] = (tmp_path / "tr").glob("*.trace.json")
    assert json.loads(trace.read_text())["file"].startswith(str(other))
    here = tmp_path / "here"
    (here / "models").mkdir(parents=True)
    shutil.copy(MODEL, here / "models" / "sim_counter.py")
    moved = here / "traces" / trace.name
    moved.parent.mkdir()
    shutil.move(trace, moved)
    shutil.rmtree(tmp_path / "other")
    replayed = run_cli("replay", str(moved), cwd=here)
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    (here / "models" / "sim_counter.py").unlink()
    missing = run_cli("replay", str(moved), cwd=here)
    assert missing.returncode == 2 and "--model PATH" in missing.stderr, missing.stderr
    assert "Traceback" not in missing.stderr


def test_check_headings_of_a_model_without_clauses_have_no_empty_brackets(tmp_path):
    proc = run_cli("check", MODEL, "--no-cache", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "below-three violated: shortest counterexample, 3 steps" in proc.stdout, proc.stdout
    assert "()" not in proc.stdout
