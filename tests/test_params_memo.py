"""Model code that reads the parameters in some states only (`ctx.params` in a guard, and
`ctx.world.params` in a world reader's): its memo entries, made under one combination of
choices, must never answer for another, in one joint search (every combination's initial
states at once) or in the searches of each combination on shared tables
(explorer.SharedTables). The counts are counted by hand, and are the unmemoized search's
too, on both engine cores. And the other way round: a step that reads no parameter, or
reads the same values, is one memo entry for every combination on shared tables, so its
model code runs once for them all."""

from __future__ import annotations

import pytest

from mcfsm import Instance, Param, Role, System, Transition, Var, explore
from mcfsm.check.choices import explore_by_choice

from .test_engine_core import BUILT


def tick(ctx) -> None:
    ctx.v.n += 1


def jump(ctx) -> None:
    ctx.v.n = 3


COUNTER = Role(
    "counter", states=["run"], initial="run", final=["run"], variables={"n": Var(int, 0)},
    transitions=[
        Transition("tick", "run", None, conditions=[lambda ctx: ctx.v.n < 3], after=[tick]),
        # reads the params only where n == 1
        Transition("jump", "run", None,
                   conditions=[lambda ctx: ctx.v.n == 1 and ctx.params.mode == "fast"],
                   after=[jump]),
    ])

WATCHER = Role(
    "watcher", states=["idle", "seen"], initial="idle", final=["idle", "seen"],
    transitions=[Transition(
        "see", "idle", "seen",
        # a world reader that reads the params through the world view, first
        conditions=[lambda ctx: ctx.world.params.mode == "slow" and ctx.world["c"].n == 2])])


def system() -> System:
    return System("params_memo", instances=[Instance("c", COUNTER), Instance("w", WATCHER)],
                  params={"mode": Param(choices=("fast", "slow"))})


# By hand. mode=fast: n = 0..3 with the watcher idle (4 states); successors: 0 ticks (1),
# 1 ticks or jumps (2), 2 ticks (1), 3 none: total 1 + 4 = 5. mode=slow: n = 0..3 idle and
# n = 2, 3 seen (6 states); successors: 0 and 1 tick (2), (2, idle) ticks or is seen (2),
# (2, seen) ticks (1): total 1 + 5 = 6. Both: 10 distinct, 11 in all.
FAST, SLOW = (4, 5), (6, 6)


@pytest.mark.parametrize("engine", ["python", "compiled"])
@pytest.mark.parametrize("memoize", [True, False], ids=["memoized", "unmemoized"])
def test_a_step_that_reads_the_params_is_keyed_on_them(engine, memoize, monkeypatch):
    if engine == "compiled" and not BUILT:
        pytest.skip("the compiled core is not built")
    monkeypatch.setenv("MCFSM_PURE", "1" if engine == "python" else "0")
    joint = explore(system(), memoize=memoize)
    assert joint.engine.startswith(engine)
    assert (joint.distinct_states, joint.total_states) == (10, 11)
    for choice, want in (("fast", FAST), ("slow", SLOW)):
        one = explore(system().restricted({"mode": choice}), memoize=memoize)
        assert (one.distinct_states, one.total_states) == want, choice


@pytest.mark.parametrize("engine", ["python", "compiled"])
def test_combinations_sharing_tables_keep_the_hand_counts(engine, monkeypatch):
    if engine == "compiled" and not BUILT:
        pytest.skip("the compiled core is not built")
    monkeypatch.setenv("MCFSM_PURE", "1" if engine == "python" else "0")
    result = explore_by_choice(system())
    by_choice = {dict(run.choices)["mode"]: run.distinct_states for run in result.per_choice}
    assert by_choice == {"fast": FAST[0], "slow": SLOW[0]}
    assert (result.distinct_states, result.total_states) == (10, 11)


# -- a step is shared by the combinations in which it reads the same params ---------------
RUNS: dict[str, int] = {}


def counted(name: str, holds):
    def guard(ctx) -> bool:
        RUNS[name] = RUNS.get(name, 0) + 1
        return holds(ctx)
    return guard


def two_counters() -> System:
    """Two counters to 3 under six combinations (mode x label): "plain" reads no param,
    "moded" reads `mode` (its guard), so its steps differ between two of them only."""
    plain = Role("plain", states=["run"], initial="run", final=["run"],
                 variables={"n": Var(int, 0)},
                 transitions=[Transition("tick", "run", None, after=[tick], conditions=[
                     counted("plain", lambda ctx: ctx.v.n < 3)])])
    moded = Role("moded", states=["run"], initial="run", final=["run"],
                 variables={"n": Var(int, 0)},
                 transitions=[Transition("tick", "run", None, after=[tick], conditions=[
                     counted("moded", lambda ctx: ctx.v.n < (3 if ctx.params.mode == "fast"
                                                             else 2))])])
    return System("shared_steps", instances=[Instance("p", plain), Instance("m", moded)],
                  params={"mode": Param(choices=("fast", "slow")),
                          "label": Param(choices=("a", "b", "c"))})


@pytest.mark.parametrize("engine", ["python", "compiled"])
def test_model_code_runs_once_for_the_combinations_that_read_alike(engine, monkeypatch):
    if engine == "compiled" and not BUILT:
        pytest.skip("the compiled core is not built")
    monkeypatch.setenv("MCFSM_PURE", "1" if engine == "python" else "0")
    RUNS.clear()
    result = explore_by_choice(two_counters())
    # Each combination: 4 x 4 states under mode=fast, 4 x 3 under slow; 3 of each.
    assert result.distinct_states == 3 * 16 + 3 * 12
    # "plain"'s guard runs once per n (0..3), not once per n and combination (24);
    # "moded"'s once per n and mode: 0..3 under fast, 0..2 under slow (not 21)
    assert RUNS == {"plain": 4, "moded": 4 + 3}
