"""A property's memo turned off for the misses of its first window is tried again later
(issue 73 item 5). The first BFS levels are mostly new, so a memo can miss in its first
2,048 lookups and pay for the rest of the search: kept off for good, one partition of a
split search judged its whole share in Python and held up every level (TwoPhase 9 shared by
2: 0.54x the single search, its CPU doubled; benchmarks/bench_contended.py).

The model, as tests/test_memo_revisited.py's: a walker counts 0..WALK - 1 alone (each state
a new value of the field the property reads: its first window misses), then cycles through
10 values while a counter counts to COUNT. Counted by hand, the property's code runs:
- on the first window's 2,048 new states (all misses: the memo is turned off),
- on each of the next _REPROBE (16,384) states, plainly,
- then, memoized again from a first window, once per value of the field it has not met:
  the 10 the walker cycles through (the walk is over by then),
so at most 2,048 + 16,384 + 10 runs (18,432 counted: the states that differ from their
parent only in the counter keep its result once it is memoized), where it ran on every one
of the 3,000 + 10 x 5,001 states (53,010 counted) before.
"""

from __future__ import annotations

from mcfsm import Instance, Role, System, Transition, Var, always, explore
from mcfsm.check.state import predicates

WALK, LOOP, COUNT = 3_000, 10, 5_000


def _system(runs: list[int]) -> System:
    def _walk(ctx) -> None:
        ctx.v.n += 1

    def _loop(ctx) -> None:
        ctx.v.n = WALK if ctx.v.n == WALK + LOOP - 1 else ctx.v.n + 1

    def _count(ctx) -> None:
        ctx.v.m += 1

    def reads_n(v) -> bool:
        runs.append(1)
        return v["w"].n >= 0

    walker = Role("walker", states=["on"], initial="on", final=["on"],
                  variables={"n": Var(int, 0)},
                  transitions=[Transition("walk", "on", None, after=[_walk],
                                          conditions=[lambda ctx: ctx.v.n < WALK - 1]),
                               Transition("loop", "on", None, after=[_loop],
                                          conditions=[lambda ctx: ctx.v.n >= WALK - 1])])
    counter = Role("counter", states=["on"], initial="on", final=["on"],
                   variables={"m": Var(int, 0)},
                   transitions=[Transition("count", "on", None, after=[_count], conditions=[
                       lambda ctx: ctx.v.m < COUNT and ctx.world["w"].n >= WALK])])
    return System("late_hits", instances=[Instance("w", walker), Instance("c", counter)],
                  properties=[always("n-known", reads_n)])


def test_a_memo_off_for_its_first_misses_is_tried_again() -> None:
    runs: list[int] = []
    result = explore(_system(runs))
    assert result.distinct_states == WALK + LOOP * (COUNT + 1)
    assert [v.status for v in result.verdicts if v.property.name == "n-known"] == ["holds"]
    first, reprobe = predicates._FIRST_WINDOW, predicates._REPROBE
    assert len(runs) <= first + reprobe + 2 * LOOP, len(runs)
    assert len(runs) < (WALK + LOOP * (COUNT + 1)) // 2


def test_the_next_try_waits_twice_as_long() -> None:
    """A memo that misses again in its new first window is turned off for twice as many
    plain evaluations: a predicate that never pays costs one window of recording per
    doubling, not one per _REPROBE."""
    memo = predicates.MemoPredicate(_system([]), lambda view: True)
    memo._unpaid, memo.memoize = True, False
    memo._plain_left, memo._reprobe = 1, 2 * predicates._REPROBE  # as _miss leaves it
    memo._memoize_again()
    assert memo.memoize and memo._window == predicates._FIRST_WINDOW
    memo.restart()
    assert memo._reprobe == predicates._REPROBE
