"""The memo of an instance that missed in the first levels is judged again later (issue 59
item 4: no cliffs). An instance is no longer memoized when most of its first 2,048
lookups missed (the first BFS levels are mostly new); it used to stay so for good, and a
model whose later levels revisit a few locals of it ran its code on every state (P's
EspressoMachine at nOps 6: 14x). Now a probe counts how many keys of a later window
repeat, and memoizes it again when more than half do.

The model: a walker counts 0..2,499 alone (2,500 states, each a new local of the walker:
its memo is switched off in the first window), then cycles through 10 locals while a
counter counts to 1,000 (10,010 more states, 10 distinct walker locals). Counted by hand:
the walker's code runs for each of its 2 transitions on each lookup that misses. Switched
off for good (the old engine), every one of the 12,510 expansions misses: 25,020 runs.
With the probe: off at expansion 2,048, probed from 4,096 (2,048 later), memoized again
after the probe's window of 2,048 lookups, then 10 misses: about 2 x 6,154 = 12,308.
"""

from __future__ import annotations

import pytest

from mcfsm import Instance, Role, System, Transition, Var, explore

from .test_engine_core import BUILT

WALK, LOOP, COUNT = 2_500, 10, 1_000


def _walk(ctx) -> None:
    ctx.v.n += 1


def _loop(ctx) -> None:
    ctx.v.n = WALK if ctx.v.n == WALK + LOOP - 1 else ctx.v.n + 1


def _count(ctx) -> None:
    ctx.v.m += 1


WALKER = Role("walker", states=["on"], initial="on", final=["on"], variables={"n": Var(int, 0)},
              transitions=[Transition("walk", "on", None, after=[_walk],
                                      conditions=[lambda ctx: ctx.v.n < WALK]),
                           Transition("loop", "on", None, after=[_loop],
                                      conditions=[lambda ctx: ctx.v.n >= WALK])])
COUNTER = Role("counter", states=["on"], initial="on", final=["on"],
               variables={"m": Var(int, 0)},
               transitions=[Transition("count", "on", None, after=[_count], conditions=[
                   lambda ctx: ctx.v.m < COUNT and ctx.world["w"].n >= WALK])])


def _system() -> System:
    return System("cliff", instances=[Instance("w", WALKER), Instance("c", COUNTER)])


@pytest.mark.parametrize("engine", ["python", "compiled"] if BUILT else ["python"])
def test_a_memo_switched_off_early_is_switched_on_again(engine, monkeypatch):
    monkeypatch.setenv("MCFSM_PURE", "1" if engine == "python" else "0")
    system = _system()
    runs = []
    original = system.local_step
    monkeypatch.setattr(system, "local_step",
                        lambda *a, **k: runs.append(a[1]) or original(*a, **k))
    result = explore(system)
    assert result.engine.startswith(engine)
    assert result.distinct_states == WALK + LOOP * (COUNT + 1)
    walker_runs = runs.count(0)
    assert 2 * 6_144 <= walker_runs <= 2 * (6_144 + LOOP), walker_runs  # not 25,020
