"""`mcfsm simulate` keeps to the contract: it stops at the first violation unless asked to
go on (--keep-going), says when it found each, writes trace files only when asked
(--traces DIR), a run cut by --max-memory says so and exits 3 (not "Ctrl-C", 130), and
--time-limit holds with a slow property."""

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


SLOW_WALK = '''"""A walk in three dimensions whose property is slow to judge (0.05 s a state): shrinking
its counterexample judges balls of states around the run."""

import time

from mcfsm import Instance, Model, Role, System, Transition, Var, always


def move(dx, dy, dz):
    def after(ctx):
        ctx.v.x += dx
        ctx.v.y += dy
        ctx.v.z += dz
    return after


def near(v):
    time.sleep(0.05)
    # reads the whole position, so no memo spares it a state: slow on every new one
    position = (v["w"].x, v["w"].y, v["w"].z)
    return position[0] < 12


MOVES = (("east", 1, 0, 0), ("west", -1, 0, 0), ("north", 0, 1, 0), ("south", 0, -1, 0),
         ("up", 0, 0, 1), ("down", 0, 0, -1))
WALKER = Role("walker", states=["s"], initial="s", final=["s"],
              variables={"x": Var(int, 0), "y": Var(int, 0), "z": Var(int, 0)},
              transitions=[Transition(name, "s", None, environment=True, name=name,
                                      after=[move(dx, dy, dz)])
                           for name, dx, dy, dz in MOVES])

model = Model("slow_walk")
model.add_variant("base", lambda: System("slow_walk", instances=[Instance("w", WALKER)],
                                         properties=[always("near", near)]))
'''


def test_simulate_keeps_to_its_time_limit_with_a_slow_property(tmp_path):
    """Issue 33: `simulate --time-limit 3` with a slow property ran 25 s past the limit
    (shrinking judged every state around the run without looking at the clock)."""
    import time

    (tmp_path / "slow_walk.py").write_text(SLOW_WALK)
    started = time.monotonic()
    proc = run_cli("simulate", "slow_walk.py", "--seed", "1", "--time-limit", "2",
                   cwd=tmp_path)
    took = time.monotonic() - started
    assert took < 2 + 8, (took, proc.stdout, proc.stderr)
    # what it found before the limit is reported (a real run, perhaps not shrunk), and the
    # cut is said
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert re.search(r"VIOLATED +near", proc.stdout), proc.stdout
    assert "time-limit" in proc.stdout, proc.stdout
