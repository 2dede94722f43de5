"""SPIN's sort.pml (Spin's Examples/sort.pml: "a program to sort concurrently N 'random'
numbers"), ported statement for statement as `pan -d` lists its automata after SPIN's
statement merging, so that its state space is SPIN's: with N = 7, 107,713 states stored and
512,419 transitions (`spin -a sort.pml; gcc -DNOREDUCE -DSAFETY pan.c; ./pan`), which this
port reproduces as 107,713 distinct states and 512,419 total (tests/test_simulate_depth.py).

The encoding, as Promela has it:
- each process is an instance whose states are its proctype's control states (SPIN's
  numbers in the names: left's `l12` is `pan -d`'s state 12), its locals its variables;
- the channels q[0..N-1] are one shared tuple of queues (global in Promela; capacity L = 10
  is never reached: N values pass through each);
- SPIN's process table is the shared `alive` (its _nr_pr): init is pid 0, left 1, the
  middles 2..N, right N + 1. A process runs once created (alive > pid) and takes its
  `-end-` step (is deleted) only when it is the last in the table, as SPIN deletes
  processes; a deleted process's locals return to their initial values (SPIN drops them
  from the state vector);
- init's `atomic { run left; do ... od }; run right` is one step (SPIN stores none of the
  atomic sequence's intermediate states, and keeps control through `run right`).

`seeded_bug` adds the assertion a hostile tester wrote (issue 73): right receives the
biggest value, 91, and "asserts" it is smaller. Every run that gets that far violates it,
and none gets there in fewer than 118 steps (the state space is 135 breadth-first levels
deep): `mcfsm simulate`'s runs must be that long to find it at all.

    .venv/bin/mcfsm check benchmarks/spin_sort.py --variant as_published
    .venv/bin/python benchmarks/bench_simulate_depth.py   # time to the seeded bug, 3 seeds
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mcfsm import Instance, Model, Role, System, Transition, Var, always

N = 7  # processes besides init and right: left and N - 1 middles (sort.pml's N)


def random_next(seed: int) -> int:
    """sort.pml's RANDOM: (seed * 3 + 14) % 100."""
    return (seed * 3 + 14) % 100


def _created(ctx) -> bool:
    return ctx.shared.alive > ctx.v.pid


def _last(ctx) -> bool:
    """SPIN deletes a process only when it is the last one in the process table."""
    return ctx.shared.alive == ctx.v.pid + 1


def _dies(*variables: str) -> Callable[[Any], None]:
    """The `-end-` step's action: the process leaves the table, its variables reset."""
    def die(ctx) -> None:
        ctx.shared.alive = ctx.v.pid
        for name in variables:
            setattr(ctx.v, name, 0)
    return die


def _put(ctx, channel: int, value: int) -> None:
    queues = list(ctx.shared.q)
    queues[channel] = queues[channel] + (value,)
    ctx.shared.q = tuple(queues)


def _take(ctx, channel: int) -> int:
    queues = list(ctx.shared.q)
    value, queues[channel] = queues[channel][0], queues[channel][1:]
    ctx.shared.q = tuple(queues)
    return value


def _can_take(ctx, channel: int) -> bool:
    return _created(ctx) and bool(ctx.shared.q[channel])


# -- proctype left(chan out): q[0] ------------------------------------------------------------
def _left_start(ctx) -> None:  # counter = 0; seed = 15 (merged)
    ctx.v.counter, ctx.v.seed = 0, 15


def _left_send(ctx) -> None:  # out!seed; counter = counter + 1 (merged)
    _put(ctx, 0, ctx.v.seed)
    ctx.v.counter += 1


def _left_next(ctx) -> None:  # (1); seed = RANDOM (merged)
    ctx.v.seed = random_next(ctx.v.seed)


LEFT = Role(
    "left", states=["l1", "l12", "l9", "l8", "l15", "dead"], initial="l1", final=["dead"],
    variables={"pid": Var(int, 1), "n": Var(int, N), "counter": Var(int, 0),
               "seed": Var(int, 0)},
    transitions=[
        Transition("counter = 0", "l1", "l12", conditions=[_created], after=[_left_start],
                   clause="sort.pml:20"),
        Transition("out!seed", "l12", "l9", conditions=[_created], after=[_left_send],
                   clause="sort.pml:22"),
        Transition("counter == N", "l9", "l15",
                   conditions=[lambda ctx: _created(ctx) and ctx.v.counter == ctx.v.n],
                   clause="sort.pml:25"),
        Transition("counter != N", "l9", "l8",
                   conditions=[lambda ctx: _created(ctx) and ctx.v.counter != ctx.v.n],
                   clause="sort.pml:25"),
        Transition("skip", "l8", "l12", conditions=[_created], after=[_left_next],
                   clause="sort.pml:26"),
        Transition("-end-", "l15", "dead", conditions=[_last],
                   after=[_dies("counter", "seed")],
                   clause="sort.pml:30"),
    ])


# -- proctype middle(chan inp, out; byte procnum): q[procnum - 1] -> q[procnum] --------------
def _middle_start(ctx) -> None:  # counter = N - procnum
    ctx.v.counter = ctx.v.n - ctx.v.procnum


def _receive_myval(ctx) -> None:  # inp?myval
    ctx.v.myval = _take(ctx, ctx.v.procnum - 1)


def _receive_nextval(ctx) -> None:  # inp?nextval
    ctx.v.nextval = _take(ctx, ctx.v.procnum - 1)


def _pass_next(ctx) -> None:  # out!nextval; counter = counter - 1 (merged)
    _put(ctx, ctx.v.procnum, ctx.v.nextval)
    ctx.v.counter -= 1


def _pass_mine(ctx) -> None:  # out!myval; myval = nextval; counter = counter - 1 (merged)
    _put(ctx, ctx.v.procnum, ctx.v.myval)
    ctx.v.myval = ctx.v.nextval
    ctx.v.counter -= 1


MIDDLE = Role(
    "middle", states=["m1", "m2", "m15", "m4", "m10", "m6", "m8", "m18", "dead"],
    initial="m1", final=["dead"],
    variables={"pid": Var(int, 2), "procnum": Var(int, 1), "n": Var(int, N),
               "counter": Var(int, 0),
               "myval": Var(int, 0), "nextval": Var(int, 0)},
    transitions=[
        Transition("counter = N - procnum", "m1", "m2", conditions=[_created],
                   after=[_middle_start], clause="sort.pml:38"),
        Transition("inp?myval", "m2", "m15",
                   conditions=[lambda ctx: _can_take(ctx, ctx.v.procnum - 1)],
                   after=[_receive_myval], clause="sort.pml:39"),
        Transition("counter > 0", "m15", "m4",
                   conditions=[lambda ctx: _created(ctx) and ctx.v.counter > 0],
                   clause="sort.pml:41"),
        Transition("counter == 0", "m15", "m18",
                   conditions=[lambda ctx: _created(ctx) and ctx.v.counter == 0],
                   clause="sort.pml:41"),
        Transition("inp?nextval", "m4", "m10",
                   conditions=[lambda ctx: _can_take(ctx, ctx.v.procnum - 1)],
                   after=[_receive_nextval], clause="sort.pml:42"),
        Transition("nextval >= myval", "m10", "m6",
                   conditions=[lambda ctx: _created(ctx) and ctx.v.nextval >= ctx.v.myval],
                   clause="sort.pml:44"),
        Transition("nextval < myval", "m10", "m8",
                   conditions=[lambda ctx: _created(ctx) and ctx.v.nextval < ctx.v.myval],
                   clause="sort.pml:44"),
        Transition("out!nextval", "m6", "m15", conditions=[_created], after=[_pass_next],
                   clause="sort.pml:44"),
        Transition("out!myval", "m8", "m15", conditions=[_created], after=[_pass_mine],
                   clause="sort.pml:46"),
        Transition("-end-", "m18", "dead", conditions=[_last],
                   after=[_dies("counter", "myval", "nextval")],
                   clause="sort.pml:52"),
    ])


# -- proctype right(chan inp): q[N - 1] --------------------------------------------------------
def _receive_biggest(ctx) -> None:  # inp?biggest
    ctx.v.biggest = _take(ctx, len(ctx.shared.q) - 1)


RIGHT = Role(
    "right", states=["r1", "r2", "dead"], initial="r1", final=["dead"],
    variables={"pid": Var(int, N + 1), "biggest": Var(int, 0)},
    transitions=[
        Transition("inp?biggest", "r1", "r2",
                   conditions=[lambda ctx: _created(ctx) and bool(ctx.shared.q[-1])],
                   after=[_receive_biggest], clause="sort.pml:59"),
        Transition("-end-", "r2", "dead", conditions=[_last], after=[_dies("biggest")],
                   clause="sort.pml:60"),
    ])


# -- init --------------------------------------------------------------------------------------
def _spawn(ctx) -> None:
    """atomic { run left(q[0]); do :: run middle(...) ... od }; run right(q[N-1]): pids 1 to
    N + 1. One step: SPIN's atomic sequence keeps control through the statement after it
    (`pan -d` marks `break` atomic, so `run right` follows it at once, as pan's verbose
    trace shows), and stores none of its intermediate states."""
    ctx.shared.alive = len(ctx.shared.q) + 2


INIT = Role(
    "init", states=["i11", "i12", "dead"], initial="i11", final=["dead"],
    variables={"pid": Var(int, 0)},
    transitions=[
        Transition("atomic run left, middles; run right", "i11", "i12", after=[_spawn],
                   clause="sort.pml:65-73"),
        Transition("-end-", "i12", "dead", conditions=[_last], after=[_dies()],
                   clause="sort.pml:75"),
    ])


def values(n: int = N) -> list[int]:
    """The n numbers left sends, in order."""
    out, seed = [], 15
    for _ in range(n):
        out.append(seed)
        seed = random_next(seed)
    return out


def build(bug: bool = False, n: int = N) -> System:
    """sort.pml with N = n; `bug`: the seeded assertion (the module doc)."""
    instances = [Instance("init", INIT), Instance("left", LEFT, init={"n": n})]
    instances += [Instance(f"middle{p}", MIDDLE, init={"pid": p + 1, "procnum": p, "n": n})
                  for p in range(1, n)]
    instances += [Instance("right", RIGHT, init={"pid": n + 1})]
    properties = []
    if bug:  # right receives the biggest value: every run that gets there violates this
        biggest = max(values(n))
        properties.append(always("right-gets-less-than-the-biggest",
                                 lambda v: v["right"].biggest < biggest,
                                 clause="issue 73's seeded assertion"))
    return System("sort", instances=instances,
                  shared={"q": Var(tuple, ((),) * n), "alive": Var(int, 1)},
                  properties=properties)


model = Model("spin_sort", source="Spin Examples/sort.pml", doc=__doc__)


@model.variant("as_published", doc="sort.pml with N = 7, as SPIN's Examples have it")
def as_published() -> System:
    return build()


@model.variant("seeded_bug", doc="sort.pml with an assertion every complete run violates")
def seeded_bug() -> System:
    return build(bug=True)
