"""`mcfsm simulate` keeps to the contract: it stops at the first violation unless asked to
go on (--keep-going), says when it found each, writes trace files only when asked
(--traces DIR), and a run cut by --max-memory says so and exits 3 (not "Ctrl-C", 130)."""

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
    assert "1 steps" not in proc.stdout and "()" not in proc.stdout, proc.stdout


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
