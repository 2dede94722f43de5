"""Symmetry reduction (System(symmetry=...), check/state/symmetry.py; TLC's SYMMETRY).

The counts: with TwoPhase's RMs declared interchangeable, the reduced search stores one
state per orbit, so its distinct count must equal the number of orbits of the unreduced
state space. That number is computed here independently of mcfsm's canonical form: an
unreduced breadth-first search on System.successors, each state's orbit built by a
TwoPhase-specific permutation written for this test (move the RMs' locals and inboxes,
rename the TM's prepared set and the Prepared messages' senders and fields), and the
distinct orbits counted. TLC's canonicalisation is exact in the same way (the least
permuted state), and mcfsm's TwoPhase states correspond one to one with TLC's (288 for 3
RMs, the published count), so these are the counts TLC reports with SYMMETRY
Permutations(RM): 80 for 3 RMs, 166 for 4. No TLC figure with SYMMETRY is published for
TwoPhase (the tlaplus/Examples manifest lists runs without it); Stateright's 2pc example
pins 665 for 5 RMs with `.symmetry()`, but its representative sorts the RMs by state only
(not a canonical form: one orbit can have several representatives), so it is no orbit
count; the exact count for 5 RMs is 314 (benchmarks/bench_symmetry.py).
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import sys
from collections import deque

import pytest

from mcfsm import (
    Instance,
    M,
    Message,
    Network,
    Role,
    System,
    Transition,
    Var,
    always,
    eventually,
    explore,
    step,
)
from mcfsm.check.results import Budget
from mcfsm.check.search.checkpoint import CheckpointPlan
from mcfsm.check.search.symmetric import check_symmetric
from mcfsm.check.split.partitioned import explore_split
from mcfsm.errors import ModelError, UsageError
from mcfsm.show.report import verdict_detail

from .conftest import ROOT, run_cli

_spec = importlib.util.spec_from_file_location(
    "twophase_for_symmetry", ROOT / "tests" / "validation" / "twophase.py")
twophase = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
sys.modules[_spec.name] = twophase  # importable by name: the split search pickles its values
_spec.loader.exec_module(twophase)  # type: ignore[union-attr]


# -- an independent orbit count ---------------------------------------------------------------
def reachable(system: System) -> set[tuple]:
    seen = set(system.initial_states())
    queue = deque(seen)
    while queue:
        for _, after in system.successors(queue.popleft()):
            if after not in seen:
                seen.add(after)
                queue.append(after)
    return seen


def twophase_image(state: tuple, n: int, perm: tuple[int, ...]) -> tuple:
    """TwoPhase's state with RM j (0-based) renamed RM perm[j]: slots are (params, shared,
    tm, r1..rn, tm's inbox, r1..rn's inboxes); instance index of RM j is j + 1."""
    name = {f"r{j + 1}": f"r{perm[j] + 1}" for j in range(n)}
    index = {j + 1: perm[j] + 1 for j in range(n)}
    params, shared, tm, *rest = state
    rms, tm_inbox, rm_inboxes = rest[:n], rest[n], rest[n + 1:]
    new_rms, new_inboxes = [None] * n, [None] * n
    for j in range(n):
        new_rms[perm[j]] = rms[j]
        new_inboxes[perm[j]] = rm_inboxes[j]  # (tm's index 0, Commit/Abort): nothing to rename
    tm = tm._replace(prepared=frozenset(name[r] for r in tm.prepared))
    tm_inbox = frozenset((index[s], type(m)(rm=name[m.rm])) for s, m in tm_inbox)
    return (params, shared, tm, *new_rms, tm_inbox, *new_inboxes)


def twophase_orbits(n: int) -> int:
    states = reachable(twophase.build(n))
    perms = list(itertools.permutations(range(n)))
    return len({frozenset(twophase_image(s, n, p) for p in perms) for s in states})


def figures(result) -> tuple:
    return (result.distinct_states, result.total_states, result.depth,
            [(v.property.name, v.status, None if v.trace is None else len(v.trace))
             for v in result.verdicts])


@pytest.mark.parametrize("n", [3, 4])
def test_twophase_states_are_the_orbits_of_the_unreduced_search(n, engine):
    reduced = explore(twophase.build(n, symmetric=True))
    full = explore(twophase.build(n))
    orbits = twophase_orbits(n)
    assert full.distinct_states == len(reachable(twophase.build(n)))
    assert reduced.complete and reduced.distinct_states == orbits
    # a small group is verified on every stored state's whole orbit (issue 73): the orbits'
    # members are the unreduced search's states, each checked once
    assert reduced.reduced and reduced.symmetry == (
        ", ".join(twophase.rm_names(n)) + f" ({len(list(itertools.permutations(range(n))))}"
        f" permutations); verified: the whole orbit of each of the {orbits} states checked "
        f"({full.distinct_states - orbits:,} images besides them)")
    assert not reduced.symmetry_assumed
    assert reduced.depth == full.depth  # BFS levels: an orbit's members share a depth
    assert [(v.property.name, v.status) for v in reduced.verdicts] == \
        [(v.property.name, v.status) for v in full.verdicts] == \
        [("TCConsistent", "holds"), ("no-deadlock", "holds")]
    assert (engine == "pure") == reduced.engine.startswith("python")


def test_three_rms_give_80_orbits_as_tlc_with_symmetry_would():
    """The number the module doc derives: 288 states in 80 orbits."""
    assert twophase_orbits(3) == 80
    assert explore(twophase.build(3, symmetric=True)).distinct_states == 80


@pytest.mark.parametrize("n", [3, 4])
def test_compiled_and_pure_cores_agree(n, monkeypatch):
    monkeypatch.delenv("MCFSM_PURE", raising=False)
    compiled = explore(twophase.build(n, symmetric=True, properties=VIOLATED))
    monkeypatch.setenv("MCFSM_PURE", "1")
    pure = explore(twophase.build(n, symmetric=True, properties=VIOLATED))
    assert compiled.engine == "compiled" and pure.engine.startswith("python")
    assert figures(compiled) == figures(pure)
    for a, b in zip(compiled.verdicts, pure.verdicts):
        assert (a.trace is None) == (b.trace is None)
        if a.trace is not None:
            assert a.trace.states == b.trace.states and a.trace.steps == b.trace.steps


# -- violations: same verdicts, same shortest lengths, traces that replay --------------------
def _committed(view) -> bool:
    return all(view[rm].state != "committed" for rm in view.instances_of(twophase.RM))


def _two_aborted(view) -> bool:
    return sum(view[rm].state == "aborted" for rm in view.instances_of(twophase.RM)) < 2


def _no_abort_after_prepare(before, key, after) -> bool:
    return not (key.actor != "tm" and before[key.actor].state == "prepared"
                and after[key.actor].state == "aborted")


VIOLATED = (always("no-rm-commits", _committed), always("at-most-one-aborts", _two_aborted),
            step("no-abort-after-prepare", _no_abort_after_prepare))


def replays(system: System, trace) -> bool:
    """Whether a trace is a run of the unreduced system: it starts in an initial state and
    each step is one of System.successors."""
    return trace.states[0] in system.initial_states() and all(
        (key, after) in system.successors(before)
        for key, before, after in zip(trace.steps, trace.states, trace.states[1:]))


@pytest.mark.parametrize("n", [3, 4])
def test_violations_have_the_same_shortest_counterexamples(n, engine):
    reduced = explore(twophase.build(n, symmetric=True, properties=VIOLATED))
    full = explore(twophase.build(n, properties=VIOLATED))
    plain = twophase.build(n, properties=VIOLATED)
    assert reduced.distinct_states < full.distinct_states
    for r, f in zip(reduced.verdicts, full.verdicts):
        assert r.property.name == f.property.name and r.status == f.status
        if f.trace is None:
            assert r.trace is None
            continue
        assert r.status == "violated" and len(r.trace) == len(f.trace)
        assert replays(plain, r.trace), r.property.name
        last = plain.view(r.trace.states[-1])
        if r.property.kind == "always":
            assert not r.property.predicate(last)
        else:
            before = plain.view(r.trace.states[-2])
            assert not r.property.predicate(before, r.trace.steps[-1], last)


@pytest.mark.parametrize("mode", ["dfs", "hash-compact"])
def test_depth_first_and_hash_compaction_reduce_alike(mode):
    budget = Budget(depth_first=True) if mode == "dfs" else Budget(hash_compact=True)
    reduced = explore(twophase.build(4, symmetric=True, properties=VIOLATED[:1]), budget)
    bfs = explore(twophase.build(4, symmetric=True, properties=VIOLATED[:1]))
    assert reduced.complete and reduced.reduced
    assert reduced.distinct_states == bfs.distinct_states == twophase_orbits(4)
    assert reduced.verdicts[1].status == "violated"
    trace = reduced.verdicts[1].trace
    assert replays(twophase.build(4, properties=VIOLATED[:1]), trace)
    if mode == "hash-compact":  # breadth-first: the shortest, as without compaction
        assert len(trace) == len(bfs.verdicts[1].trace)


def test_keep_states_answers_for_every_member_of_an_orbit():
    result = explore(twophase.build(3, symmetric=True), keep_states=True)
    states = reachable(twophase.build(3))
    assert result.distinct_states == 80 and all(result.contains(s) for s in states)


def test_no_symmetry_budget_searches_unreduced():
    result = explore(twophase.build(3, symmetric=True), Budget(symmetry=False))
    assert result.distinct_states == 288 and not result.reduced
    assert result.symmetry == "not applied (--no-symmetry): r1, r2, r3 (6 permutations)"


def test_temporal_properties_are_judged_on_the_unreduced_search():
    prop = eventually("decided", lambda v: v["tm"].state != "init")
    result = explore(twophase.build(3, symmetric=True, properties=(prop,)))
    assert result.distinct_states == 288 and not result.reduced
    assert result.symmetry.startswith("not applied: r1, r2, r3 (6 permutations); temporal")
    assert {v.property.name: v.status for v in result.verdicts}["decided"] == "violated"


def test_split_search_and_checkpoints_refuse_symmetry(tmp_path):
    system = twophase.build(3, symmetric=True)
    with pytest.raises(UsageError, match="--no-symmetry"):
        explore_split(system, Budget(), workers=2)
    with pytest.raises(UsageError, match="--no-symmetry"):
        explore(system, checkpoint=CheckpointPlan(tmp_path))
    assert explore_split(system, Budget(symmetry=False), workers=1).distinct_states == 288


# -- a model whose symmetric instances mention each other (every permutation is tried) -------
class Hello(Message, clause="test"):
    greets: str = M("the peer greeted")


def _greet(ctx):
    ctx.v.sent = ctx.v.sent | {ctx.arg}
    ctx.send(ctx.arg, Hello(greets=ctx.arg))


def _heard(ctx):
    ctx.v.heard = ctx.v.heard | {ctx.sender}


PEER = Role(
    "peer", states=["on"], initial="on", final=["on"],
    variables={"sent": Var(frozenset, frozenset()), "heard": Var(frozenset, frozenset())},
    transitions=[
        Transition("greet", "on", "on", after=[_greet], sends=[Hello],
                   choices=lambda ctx: sorted(p for p in ("p1", "p2", "p3")
                                              if p != ctx.me and p not in ctx.v.sent)),
        Transition(Hello, "on", "on", after=[_heard]),
    ])


def peers(symmetric: bool, network: Network = Network.FIFO, properties: tuple = ()) -> System:
    return System("peers", instances=[Instance(p, PEER) for p in ("p1", "p2", "p3")],
                  network=network, properties=properties,
                  symmetry=[("p1", "p2", "p3")] if symmetric else None)


def generic_image(value, names: dict[str, str], index: dict[int, int], network: Network):
    """A test-local renaming for the peers model: strings, tuples, frozensets, Hello."""
    if isinstance(value, str):
        return names.get(value, value)
    if isinstance(value, Hello):
        return Hello(greets=names[value.greets])
    if isinstance(value, frozenset):
        return frozenset(generic_image(v, names, index, network) for v in value)
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return type(value)(value[0], *(generic_image(v, names, index, network)
                                       for v in value[1:]))
    return tuple(generic_image(v, names, index, network) for v in value)


def peers_image(state: tuple, perm: tuple[int, ...], network: Network) -> tuple:
    names = {f"p{j + 1}": f"p{perm[j] + 1}" for j in range(3)}
    index = dict(enumerate(perm))
    out = list(state)
    for j in range(3):
        out[2 + perm[j]] = generic_image(state[2 + j], names, index, network)
        inbox = state[5 + j]
        if network is Network.FIFO:
            new = tuple(sorted(((index[s], tuple(Hello(greets=names[m.greets]) for m in q))
                                for s, q in inbox), key=lambda e: e[0]))
        else:  # BAG
            new = frozenset(((index[s], Hello(greets=names[m.greets])), c)
                            for (s, m), c in inbox)
        out[5 + perm[j]] = new
    return tuple(out)


@pytest.mark.parametrize("network", [Network.FIFO, Network.BAG])
def test_instances_that_mention_each_other_reduce_to_orbits(network, engine):
    full = reachable(peers(False, network))
    perms = list(itertools.permutations(range(3)))
    orbits = len({frozenset(peers_image(s, p, network) for p in perms) for s in full})
    reduced = explore(peers(True, network))
    assert explore(peers(False, network)).distinct_states == len(full)
    assert reduced.distinct_states == orbits < len(full)


def test_peers_compiled_and_pure_agree(monkeypatch):
    prop = (always("not-all-heard", lambda v: not all(len(v[p].heard) == 2
                                                        for p in ("p1", "p2", "p3"))),)
    monkeypatch.delenv("MCFSM_PURE", raising=False)
    compiled = explore(peers(True, properties=prop))
    monkeypatch.setenv("MCFSM_PURE", "1")
    pure = explore(peers(True, properties=prop))
    assert figures(compiled) == figures(pure)
    assert compiled.verdicts[0].status == "violated"
    assert compiled.verdicts[0].trace.states == pure.verdicts[0].trace.states
    # each peer greets the two others (6 steps) and each greeting is received (6 more)
    assert len(compiled.verdicts[0].trace) == len(explore(peers(False, properties=prop))
                                                  .verdicts[0].trace) == 12
    assert replays(peers(False, properties=prop), compiled.verdicts[0].trace)


# -- declarations and asymmetric models refused --------------------------------------------------
OTHER = Role("other", states=["on"], initial="on", final=["on"],
             variables={"x": Var(int, 0)}, transitions=[])


@pytest.mark.parametrize("symmetry, words", [
    ([("r1", "r9")], "'r9', which is no instance"),
    ([("tm", "r1")], "runs role 'transaction manager'"),
    ([("r1", "r2"), ("r2", "r3")], "'r2' is in symmetry sets 1 and 2"),
    ([("r1",)], "nothing to permute"),
    (["r1r2"], "not a tuple of instance names"),
    ("r1", "not a list of sets"),
])
def test_declaration_errors_say_what_and_how_to_fix(symmetry, words):
    base = twophase.build(3)
    with pytest.raises(ModelError, match="how to fix") as info:
        System("twophase", instances=base.instances, network=Network.PERSISTENT,
               symmetry=symmetry)
    assert words in str(info.value)


def test_instances_with_different_init_are_refused():
    with pytest.raises(ModelError, match="init=") as info:
        System("s", instances=[Instance("a", OTHER), Instance("b", OTHER, init={"x": 1})],
               symmetry=[("a", "b")])
    assert "'a' and 'b' alike" in str(info.value)


def test_an_asymmetric_property_is_refused_by_name():
    prop = always("r1-never-aborts", lambda v: v["r1"].state != "aborted")
    with pytest.raises(ModelError, match="r1-never-aborts") as info:
        explore(twophase.build(3, symmetric=True, properties=(prop,)))
    assert "not symmetric" in str(info.value) and "--no-symmetry" in str(info.value)


def test_an_asymmetric_model_is_refused():
    rm = Role("rm", states=["working", "done"], initial="working", final=["done"],
              transitions=[Transition("finish", "working", "done",
                                      conditions=[lambda ctx: ctx.me != "r2"])])
    with pytest.raises(ModelError, match="steps are not symmetric"):
        explore(System("s", instances=[Instance(f"r{k}", rm) for k in (1, 2, 3)],
                       symmetry=[("r1", "r2", "r3")]))


# -- issue 57 item 2: a symmetry checked on every state stored, not on a sample ---------------------
def _committed_first(n: int):
    """Asymmetric (it names r1), and first false deep down: r1 committed while every other RM
    is still prepared, 14 steps in with 6 RMs, far beyond check_symmetric's 200 states."""
    return always("r1-not-committed-first", lambda v: not (
        v["r1"].state == "committed"
        and all(v[f"r{k}"].state == "prepared" for k in range(2, n + 1))))


def test_an_asymmetric_property_first_false_beyond_the_sample_is_refused():
    system = twophase.build(6, symmetric=True, properties=(_committed_first(6),))
    check_symmetric(system)  # the 200 states near the initial states show nothing
    unreduced = explore(system, Budget(symmetry=False))
    [v] = [v for v in unreduced.verdicts if v.property.name == "r1-not-committed-first"]
    assert v.status == "violated" and len(v.trace) == 14
    # the reduced search alone said "holds" (session 34); now the stored states refuse it
    with pytest.raises(ModelError, match="r1-not-committed-first") as info:
        explore(system)
    assert "not symmetric under the renaming" in str(info.value)


COUNTER = 10  # each counter counts to COUNTER - 1


def _counters(blocked_at: int | None) -> System:
    """Four interchangeable counters; with `blocked_at`, r1 alone stops there (an asymmetric
    guard first met at depth `blocked_at`, past the 200 states near the initial states)."""
    def step_on(ctx) -> None:
        ctx.v.n += 1
    guard = [lambda ctx: ctx.v.n < COUNTER - 1
             and not (ctx.me == "r1" and ctx.v.n == blocked_at)]
    counter = Role("counter", states=["on"], initial="on", final=["on"],
                   variables={"n": Var(int, 0)},
                   transitions=[Transition("count", "on", "on", conditions=guard,
                                           after=[step_on])])
    return System("counters", instances=[Instance(f"r{k}", counter) for k in (1, 2, 3, 4)],
                  symmetry=[("r1", "r2", "r3", "r4")])


def test_an_asymmetric_guard_beyond_the_sample_is_refused():
    system = _counters(blocked_at=COUNTER - 2)
    check_symmetric(system)  # depth 8 lies beyond the sample's 200 states
    with pytest.raises(ModelError, match="steps are not symmetric"):
        explore(system)
    assert explore(_counters(blocked_at=None)).complete  # the symmetric twin is accepted


def _ever_commits(n: int):
    return always("no-rm-commits", lambda v: all(v[f"r{k}"].state != "committed"
                                                  for k in range(1, n + 1)))


def test_verify_symmetry_checks_every_permutation_and_only_then_says_shortest():
    """6 RMs (720 permutations) exceed the whole-orbit check's default size: the default run
    checks the generators and says it assumes the symmetry; --verify-symmetry verifies it."""
    system = twophase.build(6, symmetric=True, properties=(_ever_commits(6),))
    unreduced = explore(system, Budget(symmetry=False))
    assumed = explore(system)
    verified = explore(system, Budget(verify_symmetry=True))
    assert verified.symmetry.endswith(
        f"verified: the whole orbit of each of the {verified.distinct_states} states checked "
        f"({unreduced.distinct_states - verified.distinct_states:,} images besides them)")
    assert "ASSUMED" in assumed.symmetry and "2 generators" in assumed.symmetry
    assert assumed.symmetry_assumed and not verified.symmetry_assumed
    for result in (assumed, verified):
        assert [(v.property.name, v.status, v.trace and len(v.trace)) for v in result.verdicts] \
            == [(v.property.name, v.status, v.trace and len(v.trace))
                for v in unreduced.verdicts]
    [v] = [v for v in assumed.verdicts if v.property.name == "no-rm-commits"]
    assert verdict_detail(assumed, v).startswith(
        "symmetry-reduced (not necessarily the shortest: the declared symmetry is ASSUMED")
    assert verdict_detail(verified, v).startswith("shortest counterexample")


# -- the command line ------------------------------------------------------------------------------
MODEL = f'''
import importlib.util
from mcfsm import Model
spec = importlib.util.spec_from_file_location("twophase", {str(ROOT / "tests/validation/twophase.py")!r})
twophase = importlib.util.module_from_spec(spec)
spec.loader.exec_module(twophase)
model = Model("twophase_symmetric", source="tests/test_symmetry.py")

@model.variant("rm3", doc="TwoPhase, its RMs declared interchangeable")
def rm3():
    return twophase.build(3, symmetric=True)
'''


def test_check_reports_orbits_and_no_symmetry_turns_it_off(tmp_path):
    path = tmp_path / "twophase_symmetric.py"
    path.write_text(MODEL)
    proc = run_cli("check", str(path))
    assert proc.returncode == 0, proc.stderr
    assert ("symmetry: r1, r2, r3 (6 permutations); verified: the whole orbit of each of the "
            "80 states checked (208 images besides them); the 80 distinct states are orbits"
            in proc.stdout)
    assert "states are orbits under the declared symmetry, verified" in proc.stdout
    reduced = json.loads(run_cli("check", str(path), "--json").stdout)[0]
    full = json.loads(run_cli("check", str(path), "--json", "--no-symmetry").stdout)[0]
    assert (reduced["distinct_states"], full["distinct_states"]) == (80, 288)
    assert reduced["symmetry"].startswith("r1, r2, r3 (6 permutations); verified")
    verified = json.loads(run_cli("check", str(path), "--json", "--verify-symmetry").stdout)[0]
    assert verified["symmetry"] == reduced["symmetry"]
    assert full["symmetry"].startswith("not applied (--no-symmetry)")
    assert [(p["name"], p["verdict"]) for p in reduced["properties"]] == \
        [(p["name"], p["verdict"]) for p in full["properties"]]
    split = run_cli("check", str(path), "--workers", "2")
    assert split.returncode == 2 and "--no-symmetry" in split.stderr
