"""Issue 57 item 4, clean stops: a long run says it is alive where nobody watches a terminal
(a CI log), and a run under a time limit or a signal ends when it should, saying why."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT

UNBOUNDED = '''
from mcfsm import Instance, Model, Role, System, Transition, Var, always


def inc(ctx):
    ctx.v.n += 1


def more(ctx):
    ctx.v.m += 1


COUNTER = Role("counter", states=["on"], initial="on", final=["on"],
               variables={"n": Var(int, 0), "m": Var(int, 0)},
               transitions=[Transition("inc", "on", None, after=[inc]),
                            Transition("more", "on", None, after=[more])])

model = Model("unbounded")


@model.variant("base")
def base() -> System:
    return System("unbounded", instances=[Instance("c", COUNTER)],
                  properties=[always("non-negative", lambda v: v["c"].n >= 0)])


@model.variant("again")
def again() -> System:
    return base()
'''


def mcfsm(*args: str, cwd: Path, timeout: float = 120, **env: str
          ) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run `python -m mcfsm ARGS` (stderr a pipe, not a terminal): (its outcome, seconds)."""
    environ = dict(os.environ, PYTHONPATH=str(ROOT), MCFSM_NO_CACHE="1", **env)
    environ.pop("MCFSM_DEBUG", None)
    began = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "mcfsm", *args], cwd=cwd, env=environ,
                          capture_output=True, text=True, timeout=timeout)
    return proc, time.monotonic() - began


# -- a progress line in CI logs ------------------------------------------------------------------
def test_an_unbounded_search_prints_a_plain_progress_line_off_a_terminal(tmp_path):
    """Before: no line at all when stderr is not a terminal; now one every 30 s
    (MCFSM_PROGRESS_EVERY), a plain line each: no carriage return to redraw it."""
    (tmp_path / "unbounded.py").write_text(UNBOUNDED)
    proc, _ = mcfsm("check", "unbounded.py", "--variant", "base", "--time-limit", "4",
                    "--summary", cwd=tmp_path, MCFSM_PROGRESS_EVERY="0.5")
    assert proc.returncode == 3, proc.stderr  # the time limit cut it
    lines = [line for line in proc.stderr.splitlines() if line.startswith("mcfsm: unbounded[base]: ")]
    assert len(lines) >= 2, proc.stderr
    assert "\r" not in proc.stderr
    assert all(" distinct, " in line and " depth " in line and line.endswith(" s")
               for line in lines)
    counts = [int(line.split(": ")[2].split(" distinct")[0].replace(",", "")) for line in lines]
    assert counts == sorted(counts) and counts[0] < counts[-1]  # it moves on


def test_the_default_is_a_line_every_30_seconds_and_0_turns_them_off(tmp_path):
    (tmp_path / "unbounded.py").write_text(UNBOUNDED)
    for every in ("", "0"):  # a 2 s run: no line before 30 s; none at all with 0
        proc, _ = mcfsm("check", "unbounded.py", "--variant", "base", "--time-limit", "2",
                        "--summary", cwd=tmp_path, MCFSM_PROGRESS_EVERY=every)
        assert proc.returncode == 3 and "distinct, " not in proc.stderr, proc.stderr
    bad, _ = mcfsm("check", "unbounded.py", "--time-limit", "1", cwd=tmp_path,
                   MCFSM_PROGRESS_EVERY="soon")
    assert bad.returncode == 2 and "MCFSM_PROGRESS_EVERY='soon'" in bad.stderr
    assert "how to fix:" in bad.stderr


def test_variants_in_worker_processes_print_a_plain_line_too(tmp_path):
    (tmp_path / "unbounded.py").write_text(UNBOUNDED)
    proc, _ = mcfsm("check", "unbounded.py", "--workers", "2", "--time-limit", "4",
                    "--summary", cwd=tmp_path, MCFSM_PROGRESS_EVERY="0.5")
    assert proc.returncode == 3, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if " of 2 done | " in line]
    assert len(lines) >= 2 and all(line.startswith("mcfsm: ") for line in lines), proc.stderr
    assert "\r" not in proc.stderr and "unbounded[base] " in proc.stderr


# -- a swarm member killed -----------------------------------------------------------------------
def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = (Path("/proc") / str(pid) / "stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc for the members")
def test_a_killed_swarm_member_is_reported_at_once_and_the_swarm_stops(tmp_path):
    """Before: member 1's death was reported when member 0 had spent its 60 s budget."""
    (tmp_path / "unbounded.py").write_text(UNBOUNDED)
    env = dict(os.environ, PYTHONPATH=str(ROOT), MCFSM_NO_CACHE="1")
    proc = subprocess.Popen([sys.executable, "-m", "mcfsm", "simulate", "unbounded.py",
                             "--variant", "base", "--workers", "2", "--examples", "1000000",
                             "--steps", "1000", "--time-limit", "60", "--seed", "7"],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        members: set[int] = set()
        deadline = time.monotonic() + 30
        while len(members) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
            members = _children(proc.pid)
        assert len(members) == 2, "the members never started"
        time.sleep(1)
        victim = max(members)  # forked second: member 1
        os.kill(victim, signal.SIGKILL)
        killed = time.monotonic()
        _, err = proc.communicate(timeout=30)
        took = time.monotonic() - killed
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert took < 10, took
    assert proc.returncode == 2, err
    said = re.search(r"swarm member (\d) \(seed (\d+)\) was killed by SIGKILL", err)
    assert said and int(said[2]) == 7 + int(said[1]), err  # (member 1, forked second)
    assert "the swarm was stopped" in err and f"--seed {said[2]}" in err
    assert "Traceback" not in err
    time.sleep(0.5)
    assert not [pid for pid in members if _alive(pid)], "a member outlived the swarm"


# -- simulate: the run as found at once, shrinking bounded by time --------------------------------
SLOW_TO_SHRINK = '''
import time

from mcfsm import Instance, Model, Role, System, Transition, Var, always


def inc(ctx):
    ctx.v.n += 1


def flip(ctx):
    ctx.v.b = (ctx.v.b + 1) % 7


COUNTER = Role("counter", states=["on"], initial="on", final=["on"],
               variables={"n": Var(int, 0)},
               transitions=[Transition("inc", "on", None, after=[inc])])
NOISE = Role("noise", states=["on"], initial="on", final=["on"], variables={"b": Var(int, 0)},
             transitions=[Transition("flip", "on", None, after=[flip])])


def below(v):
    time.sleep(0.005)  # 5 ms a state, and it reads every state's fields (no memo helps)
    return v["c"].n + 0 * sum(v[f"x{k}"].b for k in range(4)) < 12


model = Model("slow_to_shrink")


@model.variant("base")
def base() -> System:
    return System("slow_to_shrink",
                  instances=[Instance("c", COUNTER)] + [Instance(f"x{k}", NOISE) for k in range(4)],
                  properties=[always("below-12", below)])
'''


def test_simulate_prints_the_run_as_found_at_once_and_bounds_shrinking(tmp_path):
    """Before: "found after 0.1 s", and the trace 22 s later, once shrinking (and the
    breadth-first search for the shortest) had finished; now the run as found is printed
    and written at once, and shrinking stops at --shrink-time, saying so."""
    (tmp_path / "slow.py").write_text(SLOW_TO_SHRINK)
    env = dict(os.environ, PYTHONPATH=str(ROOT), MCFSM_NO_CACHE="1")
    began = time.monotonic()
    # unbuffered bytes: readline takes the first line and not a byte more, so communicate(),
    # which reads the pipe itself, gets all the rest (a buffered reader's readline may hold
    # the trace already written after the line, which communicate() then never sees: a
    # loaded machine let the child write the trace before this process read, and the test
    # saw the summary follow the line)
    proc = subprocess.Popen([sys.executable, "-m", "mcfsm", "simulate", "slow.py", "--seed", "1",
                             "--steps", "200", "--shrink-time", "2"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
    first = proc.stdout.readline().decode()  # type: ignore[union-attr]
    first_at = time.monotonic() - began
    out, error = proc.communicate(timeout=120)
    rest, err = out.decode(), error.decode()
    ended = time.monotonic() - began
    assert proc.returncode == 1, err
    assert "slow_to_shrink[base]: below-12 violated after " in first, first
    assert "the run as found, 12 steps (unshrunk; written to " in first
    assert first_at < ended - 1.5, (first_at, ended)  # printed before shrinking, not after
    written = Path(first.split("written to ")[1].split(")")[0])
    assert written.name == "slow_to_shrink.base.below-12.unshrunk.trace.json"
    assert "12. c: inc" in rest.split("\n\n")[0]  # the trace follows the line at once
    assert "shrinking cut by --shrink-time after 2 s" in rest
    assert "partly shrunk counterexample" in rest
    # the length hypothesis left, not called the run as found (printed first, 12 steps)
    assert " steps as hypothesis left it; shrinking cut" in rest, rest
    # 2 s of shrinking (without the bound: 22 s of its model's sleeps), counted from the
    # first line: the start-up before it is what a loaded machine stretches
    assert ended - first_at < 20, (first_at, ended)
    replay = subprocess.run([sys.executable, "-m", "mcfsm", "replay", str(written)], cwd=tmp_path,
                            env=env, capture_output=True, text=True, timeout=120)
    assert replay.returncode == 0, replay.stdout + replay.stderr


def test_simulate_says_when_shrinking_finished(tmp_path):
    (tmp_path / "slow.py").write_text(SLOW_TO_SHRINK.replace("time.sleep(0.005)", "pass"))
    proc, _ = mcfsm("simulate", "slow.py", "--seed", "1", "--steps", "200", "--traces", "tr",
                    cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "(unshrunk; written to tr/unshrunk/slow_to_shrink.base.below-12.unshrunk.trace.json)" \
        in proc.stdout
    assert "shrinking finished in " in proc.stdout and "cut by --shrink-time" not in proc.stdout
    assert (tmp_path / "tr" / "slow_to_shrink.base.below-12.trace.json").exists()


# -- initial_states= under --time-limit ----------------------------------------------------------
SLOW_INITIAL_STATES = '''
import time

from mcfsm import Instance, Model, Role, System, Transition, Var, always


def inc(ctx):
    ctx.v.n += 1


COUNTER = Role("counter", states=["on"], initial="on", final=["on"],
               variables={"n": Var(int, 0)},
               transitions=[Transition("inc", "on", None, after=[inc],
                                       conditions=[lambda ctx: ctx.v.n < 3])])


def configurations():
    time.sleep(15)  # one slow call (a solver, a file over the network): no generator
    return [{"c": {"n": 0}}, {"c": {"n": 1}}]


model = Model("slow_init")


@model.variant("base")
def base() -> System:
    return System("slow_init", instances=[Instance("c", COUNTER)],
                  initial_states=configurations,
                  properties=[always("small", lambda v: v["c"].n <= 3)])


@model.variant("again")
def again() -> System:
    return base()
'''


@pytest.mark.parametrize("extra", [[], ["--workers", "2"]], ids=["one", "workers"])
def test_a_slow_initial_states_is_cut_by_the_time_limit(tmp_path, extra):
    """Before: a 15 s initial_states= under --time-limit 2 ran 15.8 s and exited 0."""
    (tmp_path / "slow.py").write_text(SLOW_INITIAL_STATES)
    proc, took = mcfsm("check", "slow.py", "--time-limit", "2", "--json", *extra, cwd=tmp_path)
    assert proc.returncode == 3, proc.stderr  # a budget cut the search
    assert took < 10, took
    assert "initial_states= was still listing the initial configurations when the " \
        "--time-limit of 2 s ran out (0 listed); the search did not start" in proc.stderr
    for record in json.loads(proc.stdout):
        assert (record["complete"], record["stopped_by"]) == (False, "time-limit")
        assert {p["verdict"] for p in record["properties"]} == {"unknown"}


def test_a_slow_initial_states_is_cut_by_simulate_s_time_limit(tmp_path):
    (tmp_path / "slow.py").write_text(SLOW_INITIAL_STATES)
    proc, took = mcfsm("simulate", "slow.py", "--variant", "base", "--time-limit", "2",
                       cwd=tmp_path)
    assert proc.returncode == 3, proc.stderr
    assert took < 10, took
    assert "INCOMPLETE, stopped by the --time-limit budget" in proc.stdout
    assert "no run started" in proc.stderr


def test_initial_states_within_the_time_limit_are_searched(tmp_path):
    (tmp_path / "quick.py").write_text(SLOW_INITIAL_STATES.replace("time.sleep(15)", "pass"))
    proc, _ = mcfsm("check", "quick.py", "--variant", "base", "--time-limit", "2", "--summary",
                    cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "slow_init[base]: 4 states" in proc.stdout
