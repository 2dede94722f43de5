"""A transition whose destination depends on data (`dest=Route(decide, states)`, issue 22
item 5): one declaration, one branch per state it may reach, each validated, drawn and
counted like any transition."""

from __future__ import annotations

import pytest

from mcfsm import Instance, ModelError, Role, Route, System, Transition, Var, explore
from mcfsm.check.stateful import Stats, simulate


def add(ctx) -> None:
    ctx.v.n += 1


def gauge(states: tuple[str, ...] = ("low", "high"), decide=None) -> Role:
    decide = decide or (lambda ctx: "high" if ctx.v.n >= 1 else "low")
    return Role("gauge", states=["low", "high"], initial="low", final=["low", "high"],
                variables={"n": Var(int, 0)},
                transitions=[Transition("add", ["low", "high"], Route(decide, states),
                                        conditions=[lambda ctx: ctx.v.n < 3], after=[add])])


def system(role: Role) -> System:
    return System("gauge", instances=[Instance("g", role)])


def test_a_route_is_one_branch_per_state():
    assert [t.name for t in gauge().transitions] == ["add->low", "add->high"]
    assert [t.dest for t in gauge().transitions] == ["low", "high"]


def test_a_route_chooses_on_the_pre_state_and_counts_as_tlc_counts():
    # (low, 0) -add-> (low, 1) since n = 0 < 1; then n >= 1: (high, 2), (high, 3), where
    # n < 3 fails. 4 distinct states, 1 initial + 3 successors = 4 total, depth 4.
    result = explore(system(gauge()))
    assert (result.distinct_states, result.total_states, result.depth) == (4, 4, 4)
    fired = {key for key, count in result.coverage.items() if count}
    assert fired == {("gauge", "add->low"), ("gauge", "add->high")}  # (role, transition)


def test_a_route_to_an_undeclared_state_is_refused_when_built():
    with pytest.raises(ModelError, match="'nowhere' is not declared"):
        gauge(states=("low", "nowhere"))


def test_a_route_that_chooses_outside_its_states_names_the_transition():
    role = gauge(states=("low", "high"), decide=lambda ctx: "middle")
    with pytest.raises(ModelError, match=r"add.*route chose 'middle'"):
        explore(system(role))


def test_a_route_that_is_not_callable_is_refused():
    with pytest.raises(ModelError, match="not callable"):
        Role("r", states=["a"], initial="a",
             transitions=[Transition("t", "a", Route("a", ("a",)))])  # type: ignore[arg-type]


def test_the_transitions_runtime_agrees_with_the_explorer():
    # hypothesis drives the `transitions` library's machine: every state it reaches is one
    # the explorer found
    exhaustive = explore(system(gauge()), keep_states=True)
    stats = Stats()
    simulate(system(gauge()), examples=10, steps=10, derandomize=True, shrink=False,
             stats=stats)
    assert stats.states and all(exhaustive.contains(s) for s in stats.states)
