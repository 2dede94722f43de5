"""The Chandy-Misra dining philosophers in PlusCal, tlaplus/Examples
specifications/DiningPhilosophers/DiningPhilosophers.tla (Jeff Hemphill), NP = 5.

`fair process Philosopher \\in 1..NP` gives \\A self : WF_vars(Philosopher(self)); here
each philosopher is an instance of a role with fair="weak". Labels Loop, Eat, Think are
the role's states; the Loop label's three outcomes (to Eat, to Think, back to Loop) are
three transitions with disjoint guards, so each Loop(self) step is exactly one of them.
The forks are the shared variable (holder, clean) per fork.

Published TLC figures (specifications/DiningPhilosophers/manifest.json, feature
"liveness", result "success"): 67 distinct states, 336 total, depth 29, i.e.
NobodyStarves == \\A p \\in 1..NP : []<>(~hungry[p]) holds. The model config is not in
the index we searched; NP = 5 is the value a third-party port of the same model
(SwiftTLA's DiningPhilosophersCorpusStateGraphTests) names as "upstream NP=5", and the
counts below match the manifest exactly with it. The module's comment: "If you remove
the 'fair' in 'fair process', each process can stop at any time and will never run
again" -- the no_fairness variant shows that lasso.
"""

from mcfsm import Instance, Model, Role, System, Transition, Var
from mcfsm.lang.properties import always_eventually

NP = 5


def left_fork(p: int) -> int:
    return p


def right_fork(p: int) -> int:
    return 1 if p == NP else p + 1


def left_phil(p: int) -> int:
    return NP if p == 1 else p - 1


def right_phil(p: int) -> int:
    return 1 if p == NP else p + 1


def can_eat(forks: tuple, p: int) -> bool:
    left, right = forks[left_fork(p) - 1], forks[right_fork(p) - 1]
    return left == (p, True) and right == (p, True)


def hand_over(ctx) -> None:
    """The if/elsif at the top of Loop: give away a dirty fork, cleaned."""
    p, forks = ctx.v.me, ctx.shared.forks
    lf, rf = left_fork(p) - 1, right_fork(p) - 1
    if forks[lf] == (p, False):
        ctx.shared.forks = forks[:lf] + ((left_phil(p), True),) + forks[lf + 1:]
    elif forks[rf] == (p, False):
        ctx.shared.forks = forks[:rf] + ((right_phil(p), True),) + forks[rf + 1:]


def eat(ctx) -> None:
    p, forks = ctx.v.me, list(ctx.shared.forks)
    ctx.v.hungry = False
    for f in (left_fork(p) - 1, right_fork(p) - 1):
        forks[f] = (forks[f][0], False)
    ctx.shared.forks = tuple(forks)


def think(ctx) -> None:
    ctx.v.hungry = True


def build(fair: str | None) -> System:
    clause = "DiningPhilosophers.tla"
    phil = Role("philosopher", states=["Loop", "Eat", "Think"], initial="Loop", fair=fair,
                variables={"me": Var(int, 1), "hungry": Var(bool, True)}, transitions=[
        Transition("Loop", "Loop", "Eat", name="Loop_to_Eat", after=[hand_over],
                   conditions=[lambda c: c.v.hungry and can_eat(c.shared.forks, c.v.me)],
                   clause=f"{clause} Loop (hungry, CanEat)"),
        Transition("Loop", "Loop", "Loop", name="Loop_again", after=[hand_over],
                   conditions=[lambda c: c.v.hungry and not can_eat(c.shared.forks, c.v.me)],
                   clause=f"{clause} Loop (hungry, cannot eat)"),
        Transition("Loop", "Loop", "Think", name="Loop_to_Think", after=[hand_over],
                   conditions=[lambda c: not c.v.hungry], clause=f"{clause} Loop (not hungry)"),
        Transition("Eat", "Eat", "Loop", after=[eat], clause=f"{clause} Eat"),
        Transition("Think", "Think", "Loop", after=[think], clause=f"{clause} Think"),
    ])
    forks = tuple((1 if f == 2 else f, False) for f in range(1, NP + 1))
    return System(
        "dining_philosophers",
        instances=[Instance(f"p{p}", phil, init={"me": p}) for p in range(1, NP + 1)],
        shared={"forks": Var(tuple, forks)},
        properties=[always_eventually(f"NobodyStarves-{p}", lambda v, p=p: not v[f"p{p}"].hungry,
                                      clause=f"{clause} NobodyStarves")
                    for p in range(1, NP + 1)])


model = Model("dining_philosophers", source="tlaplus/Examples specifications/DiningPhilosophers",
              doc=__doc__)
model.add_variant("fair_process", lambda: build("weak"), doc="fair process Philosopher")
model.add_variant("no_fairness", lambda: build(None), doc="process Philosopher (not fair)",
                  expect={f"NobodyStarves-{p}": "violated" for p in range(1, NP + 1)})


def build_one_unfair() -> System:
    """Philosopher 1 is not fair (it may stop for ever, holding forks); the others are."""
    system = build(None)
    return System(system.name, instances=system.instances, shared=system.shared,
                  properties=[p for p in system.properties if p.name != "no-unhandled-message"],
                  fairness={f"p{p}": "weak" for p in range(2, NP + 1)})


# Philosopher 1 stops at the start holding forks 1 and 2 (dirty); the others hand their
# forks on once and then only take Loop steps that change nothing, which neither enable nor
# fulfil their fairness (TLA+'s <<A>>_vars): all five starve.
model.add_variant("p1_not_fair", build_one_unfair, doc="only philosophers 2..5 are fair",
                  expect={f"NobodyStarves-{p}": "violated" for p in range(1, NP + 1)})
