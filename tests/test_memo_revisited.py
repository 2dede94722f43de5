"""The memo of an instance that missed in the first levels is judged again later (issue 59
item 4: no cliffs). An instance is no longer memoized on its whole local when most of its
first 2,048 lookups missed (the first BFS levels are mostly new); it used to stay so for
good, and a model whose later levels revisit a few locals of it ran its code on every
state (P's EspressoMachine at nOps 6: 14x).

The model: a walker counts 0..WALK - 1 alone (each state a new local of the walker: its
memo on whole locals misses in the first window), then cycles through 10 locals while a
counter counts to 1,000 (10,010 more states, 10 distinct walker locals). Counted by hand,
the walker's code runs for each of its 2 transitions on each lookup that misses:

- its guards read its variable `n` (issue 59 item 3): after the first window it is keyed
  on the value of `n` each transition reads, so its code runs once per (transition, value
  of n): 2 x (2,500 + 10) = 5,020 runs. Keyed on whole locals for good (the old engine),
  every one of the 12,510 expansions would miss: 25,020 runs.
- its guards read its whole local (`ctx.v == ctx.v`), and the walk is 6,000 long: keyed
  on the fields read (the whole local) from the first window's end (2,048), it misses in
  every lookup of its next window too, so it is no longer memoized from 4,096; a probe
  from 6,144 (2,048 later) counts how many keys of a window of 2,048 lookups repeat and
  memoizes it again when more than half do (the loop's 10 locals), then 10 misses: at most
  2 x (6,144 + 2,048 + 10) = 16,404 runs, not 2 x 16,010 = 32,020.
"""

from __future__ import annotations

import pytest

from mcfsm import Instance, Role, System, Transition, Var, explore

from .test_engine_core import BUILT

LOOP, COUNT = 10, 1_000


def _system(walk: int, whole: bool) -> System:
    def reads(ctx) -> bool:  # the whole local, or nothing more
        return not whole or ctx.v == ctx.v

    def _walk(ctx) -> None:
        ctx.v.n += 1

    def _loop(ctx) -> None:
        ctx.v.n = walk if ctx.v.n == walk + LOOP - 1 else ctx.v.n + 1

    def _count(ctx) -> None:
        ctx.v.m += 1

    walker = Role("walker", states=["on"], initial="on", final=["on"],
                  variables={"n": Var(int, 0)},
                  transitions=[Transition("walk", "on", None, after=[_walk],
                                          conditions=[reads, lambda ctx: ctx.v.n < walk]),
                               Transition("loop", "on", None, after=[_loop],
                                          conditions=[reads, lambda ctx: ctx.v.n >= walk])])
    counter = Role("counter", states=["on"], initial="on", final=["on"],
                   variables={"m": Var(int, 0)},
                   transitions=[Transition("count", "on", None, after=[_count], conditions=[
                       lambda ctx: ctx.v.m < COUNT and ctx.world["w"].n >= walk])])
    return System("cliff", instances=[Instance("w", walker), Instance("c", counter)])


@pytest.mark.parametrize("whole", [False, True], ids=["field", "whole-local"])
@pytest.mark.parametrize("engine", ["python", "compiled"] if BUILT else ["python"])
def test_a_memo_switched_off_early_is_switched_on_again(engine, whole, monkeypatch):
    monkeypatch.setenv("MCFSM_PURE", "1" if engine == "python" else "0")
    walk = 6_000 if whole else 2_500
    system = _system(walk, whole)
    runs = []
    original = system.local_step
    monkeypatch.setattr(system, "local_step",
                        lambda *a, **k: runs.append(a[1]) or original(*a, **k))
    result = explore(system)
    assert result.engine.startswith(engine)
    assert result.distinct_states == walk + LOOP * (COUNT + 1)
    walker_runs = runs.count(0)
    if whole:
        assert 2 * walk <= walker_runs <= 2 * (6_144 + 2_048 + LOOP), walker_runs
    else:
        assert walker_runs == 2 * (walk + LOOP)
