"""The Coffee Can problem (Gries, The Science of Programming; tlaplus/Examples
specifications/CoffeeCan/CoffeeCan.tla by Andrew Helwer), whose initial states are
correlated: the two counts are drawn together, not each from its own set.

    Can  == [black : 0..MaxBeanCount, white : 0..MaxBeanCount]
    Init == can \\in {c \\in Can : c.black + c.white \\in 1..MaxBeanCount}

`one_of` per variable would give the product 0..N x 0..N, with the empty can and cans of
more than N beans; `initial_states=` gives exactly the set above (issue 22 item 2).

Published TLC figures (specifications/CoffeeCan/manifest.json, model CoffeeCan100Beans.cfg,
MaxBeanCount = 100, result "success"): 5150 distinct states, 20002 total, depth 1. Every
state is initial (any can of 1 to 100 beans is), so the depth is 1. By hand: sum over
s = 1..100 of (s + 1) cans holding s beans = 5050 + 100 = 5150. The .cfg file is not in the
index we searched; MaxBeanCount = 100 is read off its name. Which properties that model
checks is not known to us; the ones below are the module's (TypeInvariant,
MonotonicDecrease, LoopInvariant, EventuallyTerminates) under its WF_<<can>>(Next).
"""

from mcfsm import Instance, Model, Role, System, Transition, Var, always, eventually, step

MAX_BEANS = 100


def beans(v) -> int:
    return v.black + v.white


def more_than_one(ctx) -> bool:
    return beans(ctx.v) > 1


def same_black(ctx) -> None:
    ctx.v.black -= 1


def same_white(ctx) -> None:
    ctx.v.black += 1
    ctx.v.white -= 2


def different(ctx) -> None:
    ctx.v.black -= 1


CAN = Role(
    "coffee can",
    states=["picking"],
    initial="picking",
    final=["picking"],
    fair="weak",  # WF_<<can>>(Next): the role's steps, taken together
    variables={"black": Var(int, 0), "white": Var(int, 0)},
    transitions=[
        Transition("PickSameColorBlack", "picking", None, after=[same_black],
                   conditions=[more_than_one, lambda ctx: ctx.v.black >= 2],
                   clause="CoffeeCan.tla PickSameColorBlack"),
        Transition("PickSameColorWhite", "picking", None, after=[same_white],
                   conditions=[more_than_one, lambda ctx: ctx.v.white >= 2],
                   clause="CoffeeCan.tla PickSameColorWhite"),
        Transition("PickDifferentColor", "picking", None, after=[different],
                   conditions=[more_than_one, lambda ctx: ctx.v.black >= 1 and ctx.v.white >= 1],
                   clause="CoffeeCan.tla PickDifferentColor"),
        Transition("Termination", "picking", None,
                   conditions=[lambda ctx: beans(ctx.v) == 1],
                   clause="CoffeeCan.tla Termination (UNCHANGED can)"),
    ],
)


def cans(max_beans: int) -> list[dict]:
    """Init: every can of 1 to max_beans beans, in TLC's order of Can's records."""
    return [{"can": {"black": b, "white": w}}
            for b in range(max_beans + 1) for w in range(max_beans + 1)
            if 1 <= b + w <= max_beans]


model = Model("coffee_can", source="tlaplus/Examples CoffeeCan.tla", doc=__doc__)


@model.variant("beans_100", doc="MaxBeanCount = 100 (CoffeeCan100Beans.cfg)")
def beans_100() -> System:
    return System(
        "coffee_can",
        instances=[Instance("can", CAN)],
        initial_states=lambda: cans(MAX_BEANS),
        properties=[
            always("TypeInvariant",
                   lambda v: 0 <= v["can"].black <= MAX_BEANS
                   and 0 <= v["can"].white <= MAX_BEANS,
                   clause="CoffeeCan.tla TypeInvariant"),
            step("MonotonicDecrease",
                 lambda before, key, after: beans(before["can"]) <= 1
                 or beans(after["can"]) < beans(before["can"]),
                 clause="CoffeeCan.tla MonotonicDecrease"),
            step("LoopInvariant",
                 lambda before, key, after: (before["can"].white % 2 == 0)
                 == (after["can"].white % 2 == 0),
                 clause="CoffeeCan.tla LoopInvariant"),
            eventually("EventuallyTerminates", lambda v: beans(v["can"]) == 1,
                       clause="CoffeeCan.tla EventuallyTerminates"),
        ],
    )
