"""`mcfsm simulate` reaches deep bugs by default (issue 73 item 2).

SPIN's sort.pml (benchmarks/spin_sort.py, ported from pan's own automata: its state space is
SPIN's, pinned below) with an assertion that every complete run violates when `right`
receives the biggest number, 118 steps in at the least. With a fixed 50 steps a run (the
old default) simulate ran for as long as it was let and never got there, saying only "this
is not a proof"; now each example draws its runs' bound among 50 ... 6,400 steps, and a run
ends where its behaviour does, so the default finds it; and a simulation whose every run
was cut at its bound says so, with the depth it reached.
"""

from __future__ import annotations

import pytest

from benchmarks import spin_sort
from mcfsm import explore
from mcfsm.check.runs.simulation import DEPTH_TO, simulate

from .conftest import ROOT, run_cli

MODEL = str(ROOT / "benchmarks" / "spin_sort.py")
BUG = "right-gets-less-than-the-biggest"


@pytest.mark.parametrize("n, distinct, total", [(2, 45, 72), (3, 205, 449), (4, 969, 2_735),
                                                (7, 107_713, 512_419)])
def test_the_sort_port_has_spins_state_space(n, distinct, total):
    """`spin -a sort.pml; gcc -DNOREDUCE -DSAFETY pan.c; ./pan`: states stored and
    transitions (stored + matched) at N = n, SPIN 6.5.2."""
    result = explore(spin_sort.build(n=n))
    assert (result.distinct_states, result.total_states) == (distinct, total)
    assert [v.status for v in result.verdicts] == ["holds", "holds"]


def test_the_seeded_bug_lies_118_steps_deep():
    result = explore(spin_sort.build(bug=True))
    [v] = [v for v in result.verdicts if v.property.name == BUG]
    assert v.status == "violated" and len(v.trace) == 118 and result.depth == 135


def test_simulate_with_its_defaults_finds_it():
    proc = run_cli("simulate", MODEL, "--variant", "seeded_bug", "--seed", "1")
    assert proc.returncode == 1, proc.stdout + proc.stderr  # before issue 73: 0, "no violation"
    assert f"VIOLATED     {BUG}" in proc.stdout
    assert "shortest counterexample: 118 steps" in proc.stdout


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_default_bounds_find_it_on_every_seed_within_the_default_examples(seed):
    sim = simulate(spin_sort.build(bug=True), examples=100, steps=None, seed=seed,
                   stop_on=frozenset({BUG}), shortest_within=0, shrink_time=1.0)
    assert [o.status for o in sim.outcomes if o.property.name == BUG] == ["violated"]
    assert sim.depth_bound.startswith("one of 50, 100, 200") and f"{DEPTH_TO:,}" in \
        sim.depth_bound


def test_a_fixed_bound_that_cuts_every_run_is_said():
    proc = run_cli("simulate", MODEL, "--variant", "seeded_bug", "--seed", "1", "--steps",
                   "50", "--examples", "20")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    [depth] = [line for line in proc.stdout.splitlines() if line.startswith("  depth:")]
    assert "the longest run took 50 steps (bound: 50 steps a run)" in depth
    assert "0 ended where their behaviour does" in depth
    assert ("EVERY run was cut before its behaviour ended: no state deeper than 50 steps "
            "from an initial state was reached") in depth
    assert "raise --steps, or leave it out" in depth


def test_runs_that_reach_the_end_of_their_behaviour_are_counted():
    """Without the seeded assertion every run can go to the end: those that drew a bound
    deep enough end where sort.pml terminates (every process deleted), at most 155 steps."""
    sim = simulate(spin_sort.build(), examples=30, steps=None, seed=1)
    assert sim.runs_ended > 0 and 118 <= sim.deepest <= 155
