"""Steps whose model code reads other instances (`ctx.world`, `ctx.peers()`) are memoized
on what they read (issue 19 item 2): the fields they read, in the order read, and their
values. A data-dependent read (the guard reads c only when b is on) must still give the
counts of the unmemoized reference, on both engine cores."""

from __future__ import annotations

import random

import pytest

from mcfsm import Instance, Role, System, Transition
from mcfsm.check.steps import CompiledSteps
from mcfsm.check.store import Store

from .test_compiled_steps import in_engine_order, random_states
from .test_engine_core import BUILT, run

SWITCH = Role("switch", states=["off", "on"], initial="off", final=["off", "on"],
              transitions=[Transition("switch_on", "off", "on", environment=True)])


def both_on(ctx) -> bool:
    return ctx.world["b"].state == "on" and ctx.world["c"].state == "on"  # reads c only if b


def only_b_on(ctx) -> bool:
    return ctx.world["b"].state == "on" and ctx.world["c"].state == "off"


WATCHER = Role("watcher", states=["idle", "both", "b_only"], initial="idle",
               final=["idle", "both", "b_only"],
               transitions=[Transition("sees_both", "idle", "both", conditions=[both_on]),
                            Transition("sees_b_only", "idle", "b_only", conditions=[only_b_on])])


def lights() -> System:
    return System("lights", instances=[Instance("a", WATCHER), Instance("b", SWITCH),
                                       Instance("c", SWITCH)])


# By hand: with the watcher idle, b and c are each off or on (4 states); it sees both only
# in (on, on) (1 state); it sees b only in (on, off), after which c may still switch on
# (2 states): 7 distinct states. Total, as TLC counts (the initial state and every
# successor generated): from (off, off) b or c switches on (2); from (on, off) c switches
# on or the watcher sees b only (2); from (off, on) b switches on (1); from (on, on) the
# watcher sees both (1); from b_only (on, off) c switches on (1): 1 + 7 = 8.
DISTINCT, TOTAL = 7, 8


@pytest.mark.parametrize("engine", ["python", "compiled"])
def test_a_data_dependent_read_gives_the_hand_counted_states(engine, monkeypatch):
    if engine == "compiled" and not BUILT:
        pytest.skip("the compiled core is not built")
    result = run(lights(), engine, monkeypatch)
    assert (result.distinct_states, result.total_states) == (DISTINCT, TOTAL)


def test_memoized_reads_equal_the_reference_and_are_reused(monkeypatch):
    system = lights()
    states = random_states(system, random.Random(3), walks=20, length=6)
    steps = CompiledSteps(system, Store(system.slot_count))
    for state in states:
        want, _ = system.expand(state)
        want_pairs = in_engine_order(state, [(key, nxt) for key, nxt, _, _ in want])
        assert in_engine_order(state, steps.successors(state)) == want_pairs
    assert steps.world_readers == {0}
    assert steps.read_slots(0) == (3, 4)  # b's local, then c's
    calls = []
    original = system.local_step
    monkeypatch.setattr(system, "local_step",
                        lambda *a, **k: calls.append(a[1]) or original(*a, **k))
    for state in states:  # the second pass is answered from the memo, reads included
        steps.successors(state)
    assert 0 not in calls


def test_the_memo_keys_on_the_values_read_not_on_the_whole_peer():
    """The watcher reads only `state` of b and c: a field it does not read may change
    without a new call of its code."""
    system = lights()
    steps = CompiledSteps(system, Store(system.slot_count))
    [init] = system.initial_states()
    steps.successors(init)
    recorded = [reads for by_key in steps._read_memo[0].values() for reads in by_key]
    assert recorded and all(field == "state" for reads in recorded for _, field in reads)


@pytest.mark.parametrize("engine", ["python", "compiled"])
def test_explore_counts_do_not_depend_on_the_memo(engine, monkeypatch):
    """The same search with memoization off (every step runs model code)."""
    if engine == "compiled" and not BUILT:
        pytest.skip("the compiled core is not built")
    memoized = run(lights(), engine, monkeypatch)
    plain = run(lights(), engine, monkeypatch, memoize=False)
    assert (memoized.distinct_states, memoized.total_states) == \
        (plain.distinct_states, plain.total_states) == (DISTINCT, TOTAL)
