"""The swarm (check/runs/swarm.py, `simulate --workers N`): members are independent simulations
with seeds S, S+1, ...; their findings merge by the rules in swarm.py's doc."""

from __future__ import annotations

from mcfsm.check.results import Trace
from mcfsm.check.runs.swarm import Share, SwarmOptions, chao1, member, merge, swarm
from mcfsm.lang.loader import load_path

from .conftest import ROOT, run_cli

DIEHARD = ROOT / "tests" / "validation" / "diehard.py"


def _diehard():
    [lm] = load_path(DIEHARD)
    return lm.model.system("jugs_3_5")


def _share(seed: int, visits: dict[int, int], fired: set[int], violated: dict[str, int],
           shortest: set[str] = frozenset(), found: dict[str, float] | None = None) -> Share:
    traces = {name: Trace(tuple(range(n + 1)), tuple(("s",) for _ in range(n)))
              for name, n in violated.items()}
    return Share(seed, 10, 100, 1.0, None, visits, frozenset(fired), traces,
                 frozenset(shortest), {n: 2 * len(t) for n, t in traces.items()},
                 {n: len(t) for n, t in traces.items()}, found or {}, {}, {}, None)


def test_the_merge_keeps_the_shortest_trace_the_union_of_states_and_what_no_member_fired():
    system = _diehard()
    a = _share(1, {1: 1, 2: 3}, {0}, {"NotSolved": 9}, found={"NotSolved": 2.0})
    b = _share(2, {2: 1, 3: 1}, {1}, {"NotSolved": 6}, shortest={"NotSolved"},
               found={"NotSolved": 5.0})
    sim = merge(system, [a, b], 3.0)
    assert (sim.members, sim.seeds, sim.examples, sim.steps) == (2, (1, 2), 20, 200)
    assert sim.distinct_states == 3  # state 2 seen by both members counts once
    assert sim.estimated_states == chao1({1: 1, 2: 4, 3: 1})
    [outcome] = [o for o in sim.outcomes if o.property.name == "NotSolved"]
    assert outcome.status == "violated" and len(outcome.trace) == 6
    assert "shortest counterexample" in outcome.words  # member 2's BFS settled it
    assert sim.raw_lengths["NotSolved"] == 12  # the member whose trace was kept
    assert sim.found_after["NotSolved"] == 2.0  # the first member to find it
    fired = {0, 1}
    assert sim.never_fired == tuple(name for tid, name in enumerate(system.coverage_names)
                                    if tid not in fired)


def test_equal_lengths_prefer_the_trace_a_breadth_first_search_settled():
    system = _diehard()
    a = _share(1, {1: 1}, set(), {"NotSolved": 6})
    b = _share(2, {1: 1}, set(), {"NotSolved": 6}, shortest={"NotSolved"})
    [outcome] = [o for o in merge(system, [a, b], 1.0).outcomes
                 if o.property.name == "NotSolved"]
    assert "shortest counterexample" in outcome.words


def test_forked_members_give_what_the_same_members_give_in_this_process():
    """Each member is deterministic given its seed (no time budget): the forked swarm's
    merged figures equal the merge of the same members run here one after another."""
    system = _diehard()
    options = SwarmOptions(examples=40, steps=20, seed=7, shortest_within=0)
    forked = swarm(system, 2, options)
    here = merge(system, [member(system, k, options) for k in range(2)], 0.0)
    assert forked.members == 2 and forked.seeds == (7, 8)
    assert (forked.examples, forked.steps, forked.distinct_states, forked.never_fired) == \
        (here.examples, here.steps, here.distinct_states, here.never_fired)
    assert [(o.property.name, o.status, o.trace and len(o.trace)) for o in forked.outcomes] == \
        [(o.property.name, o.status, o.trace and len(o.trace)) for o in here.outcomes]
    assert any(o.status == "violated" for o in forked.outcomes)


def test_simulate_workers_runs_a_swarm_and_says_so(tmp_path):
    proc = run_cli("simulate", str(DIEHARD), "--workers", "2", "--seed", "5",
                   "--examples", "40", "--traces", str(tmp_path))
    assert proc.returncode == 1, proc.stderr
    assert "2 simulations at once, seeds 5..6, merged" in proc.stdout
    assert "VIOLATED" in proc.stdout and "NotSolved" in proc.stdout
    assert "union of the members' states" in proc.stdout
    assert list(tmp_path.glob("*NotSolved*.trace.json"))
