"""Peterson's mutual exclusion for two processes, the PlusCal algorithm of tlaplus/Examples
(labels a0 to a4 and cs; `await ~flag[other] \\/ turn = self` at a3).

Published TLC figures (the Examples manifest): 42 distinct states, 77 total, depth 11.
The shared variables flag and turn are the system's shared=; pc is each process's state.
"""

from mcfsm import Instance, Model, Role, System, Transition, Var, always


def raise_flag(ctx) -> None:
    flag = list(ctx.shared.flag)
    flag[ctx.v.self_id] = True
    ctx.shared.flag = tuple(flag)


def give_turn(ctx) -> None:
    ctx.shared.turn = 1 - ctx.v.self_id


def may_enter(ctx) -> bool:
    other = 1 - ctx.v.self_id
    return not ctx.shared.flag[other] or ctx.shared.turn == ctx.v.self_id


def lower_flag(ctx) -> None:
    flag = list(ctx.shared.flag)
    flag[ctx.v.self_id] = False
    ctx.shared.flag = tuple(flag)


PROC = Role(
    "process",
    states=["a0", "a1", "a2", "a3", "cs", "a4"],
    initial="a0",
    variables={"self_id": Var(int, 0)},
    transitions=[
        Transition("a0", "a0", "a1", clause="Peterson.tla a0 (while TRUE)"),
        Transition("a1", "a1", "a2", after=[raise_flag], clause="Peterson.tla a1"),
        Transition("a2", "a2", "a3", after=[give_turn], clause="Peterson.tla a2"),
        Transition("a3", "a3", "cs", conditions=[may_enter], clause="Peterson.tla a3 (await)"),
        Transition("cs", "cs", "a4", clause="Peterson.tla cs"),
        Transition("a4", "a4", "a0", after=[lower_flag], clause="Peterson.tla a4"),
    ],
)

model = Model("peterson", source="tlaplus/Examples Peterson.tla", doc=__doc__)


@model.variant("two_processes", doc="processes 0 and 1")
def two() -> System:
    return System(
        "peterson",
        instances=[Instance("p0", PROC, init={"self_id": 0}),
                   Instance("p1", PROC, init={"self_id": 1})],
        shared={"flag": Var(tuple, (False, False)), "turn": Var(int, 0)},
        properties=[always("MutualExclusion",
                           lambda v: not (v["p0"].state == "cs" and v["p1"].state == "cs"),
                           clause="Peterson.tla MutualExclusion")],
    )
