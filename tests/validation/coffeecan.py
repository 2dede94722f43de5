"""The Coffee Can problem (Gries, The Science of Programming; Dijkstra and Scholten),
tlaplus/Examples specifications/CoffeeCan/CoffeeCan.tla, whose `Init` is correlated: not a
product of independent choices, but one set of records filtered by a condition that ties
the two fields together (issue 22 item 2, `System(initial_states=...)`):

    Can  == [black : 0..MaxBeanCount, white : 0..MaxBeanCount]
    Init == can \\in {c \\in Can : c.black + c.white \\in 1..MaxBeanCount}
    PickSameColorBlack == BeanCount > 1 /\\ can.black >= 2 /\\ can' = [can EXCEPT !.black = @ - 1]
    PickSameColorWhite == BeanCount > 1 /\\ can.white >= 2
                          /\\ can' = [can EXCEPT !.black = @ + 1, !.white = @ - 2]
    PickDifferentColor == BeanCount > 1 /\\ can.black >= 1 /\\ can.white >= 1
                          /\\ can' = [can EXCEPT !.black = @ - 1]
    Termination        == BeanCount = 1 /\\ UNCHANGED can
    MonotonicDecrease  == [][BeanCount > 1 => BeanCount' < BeanCount]_<<can>>
    EventuallyTerminates == <>(ENABLED Termination)
    LoopInvariant      == [][can.white % 2 = 0 <=> can'.white % 2 = 0]_<<can>>
    TerminationHypothesis == IF can.white % 2 = 0 THEN <>(can.black = 1 /\\ can.white = 0)
                                                  ELSE <>(can.black = 0 /\\ can.white = 1)
    Spec == Init /\\ [][Next]_<<can>> /\\ WF_<<can>>(Next)

Published TLC figures (specifications/CoffeeCan/manifest.json, model
CoffeeCan100Beans.cfg, "exhaustive search", result "success"): 5150 distinct states,
20002 total, depth 1; CoffeeCan1000Beans.cfg: 501500 distinct, 2000002 total, depth 1.
Depth 1: every reachable state is an initial state (a step removes a bean, and every can
of 1..MaxBeanCount beans is initial). The total counts each generated initial state and
every successor, the stuttering Termination step included. The 100-bean .cfg itself is
not in the index we searched; MaxBeanCount = 100 is read from its name (the 1000-bean
one, 1000BeanCoffeeCan.cfg, sets MaxBeanCount = 1000 and checks TypeInvariant and the
four properties above).

TerminationHypothesis conditions on the initial state, which mcfsm's properties cannot
name; we check it as two leads-to properties (white even ~> one black bean, white odd ~>
one white bean), which are stronger (they hold from every state, not only the initial
ones) and imply it. `can` is the one instance's two variables.
"""

from mcfsm import Instance, Model, Role, System, Transition, Var, always, eventually, leads_to, step

TLA = "CoffeeCan.tla"


def _count(v) -> int:
    return v["can"].black + v["can"].white


def _beans(ctx) -> int:
    return ctx.v.black + ctx.v.white


def _same_black(ctx) -> None:
    ctx.v.black -= 1


def _same_white(ctx) -> None:
    ctx.v.black += 1
    ctx.v.white -= 2


def _different(ctx) -> None:
    ctx.v.black -= 1


CAN = Role(
    "coffee can", states=["can"], initial="can", final=["can"], fair="weak",  # WF_<<can>>(Next)
    variables={"black": Var(int, 0, "black beans"), "white": Var(int, 0, "white beans")},
    transitions=[
        Transition("PickSameColorBlack", "can", None, clause=f"{TLA} PickSameColorBlack",
                   conditions=[lambda c: _beans(c) > 1 and c.v.black >= 2], after=[_same_black]),
        Transition("PickSameColorWhite", "can", None, clause=f"{TLA} PickSameColorWhite",
                   conditions=[lambda c: _beans(c) > 1 and c.v.white >= 2], after=[_same_white]),
        Transition("PickDifferentColor", "can", None, clause=f"{TLA} PickDifferentColor",
                   conditions=[lambda c: _beans(c) > 1 and c.v.black >= 1 and c.v.white >= 1],
                   after=[_different]),
        Transition("Termination", "can", None, clause=f"{TLA} Termination (UNCHANGED can)",
                   conditions=[lambda c: _beans(c) == 1]),
    ])


def build(max_beans: int) -> System:
    def init():  # {c \in Can : c.black + c.white \in 1..MaxBeanCount}
        return [{"can": {"black": b, "white": w}}
                for b in range(max_beans + 1) for w in range(max_beans + 1)
                if 1 <= b + w <= max_beans]

    return System(
        "coffeecan", instances=[Instance("can", CAN)], initial_states=init,
        properties=[
            always("TypeInvariant",
                   lambda v: 0 <= v["can"].black <= max_beans and 0 <= v["can"].white <= max_beans,
                   clause=f"{TLA} TypeInvariant"),
            step("MonotonicDecrease",
                 lambda before, key, after: _count(before) <= 1 or _count(after) < _count(before),
                 clause=f"{TLA} MonotonicDecrease"),
            step("LoopInvariant",
                 lambda before, key, after: before["can"].white % 2 == after["can"].white % 2,
                 clause=f"{TLA} LoopInvariant"),
            eventually("EventuallyTerminates", lambda v: _count(v) == 1,
                       clause=f"{TLA} EventuallyTerminates (ENABLED Termination: one bean)"),
            leads_to("TerminationHypothesis-even", lambda v: v["can"].white % 2 == 0,
                     lambda v: (v["can"].black, v["can"].white) == (1, 0),
                     clause=f"{TLA} TerminationHypothesis (white even)"),
            leads_to("TerminationHypothesis-odd", lambda v: v["can"].white % 2 == 1,
                     lambda v: (v["can"].black, v["can"].white) == (0, 1),
                     clause=f"{TLA} TerminationHypothesis (white odd)"),
        ])


model = Model("coffeecan", source="tlaplus/Examples specifications/CoffeeCan/CoffeeCan.tla",
              doc=__doc__)
model.add_variant("beans_100", lambda: build(100), doc="CoffeeCan100Beans.cfg: MaxBeanCount = 100")
