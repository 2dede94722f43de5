"""Lamport's live hour clock (Specifying Systems, ch. 8), tlaplus/Examples
specifications/SpecifyingSystems/Liveness/LiveHourClock.tla (with HourClock.tla):

    HCini == hr \\in (1 .. 12)          HCnxt == hr' = IF hr # 12 THEN hr + 1 ELSE 1
    LSpec == HC /\\ WF_hr(HCnxt)        AllTimes == \\A n \\in 1..12 : []<>(hr = n)
    THEOREM LSpec => AlwaysTick /\\ AllTimes /\\ TypeInvariance

Published TLC figures (specifications/SpecifyingSystems/manifest.json, LiveHourClock.cfg,
result "success"): 12 distinct states, 24 total, depth 1. The twelve initial states come
from `hr \\in 1..12` (an initial-state set, not a parameter). AllTimes is checked as one
always_eventually per hour. AlwaysTick ([]<><<HCnxt>>_hr) is a property of steps, not
states, and is not stated here. Without WF_hr(HCnxt) the clock may stop: AllTimes fails.
"""

from mcfsm import Instance, Model, Role, System, Transition, Var
from mcfsm.lang.initial import one_of
from mcfsm.lang.properties import always_eventually


def tick(ctx) -> None:
    ctx.v.hr = ctx.v.hr + 1 if ctx.v.hr != 12 else 1


def build(fair: str | None) -> System:
    clock = Role("hour clock", states=["ticking"], initial="ticking",
                 variables={"hr": Var(int, one_of(*range(1, 13)))},
                 transitions=[Transition("tick", "ticking", "ticking", after=[tick], fair=fair,
                                         clause="HourClock.tla HCnxt; LiveHourClock.tla WF_hr(HCnxt)")])
    return System(
        "live_hour_clock", instances=[Instance("clock", clock)], check_deadlock=False,
        properties=[always_eventually(f"AllTimes-{n}", lambda v, n=n: v["clock"].hr == n,
                                      clause="LiveHourClock.tla AllTimes")
                    for n in range(1, 13)])


model = Model("live_hour_clock", source="tlaplus/Examples SpecifyingSystems/Liveness", doc=__doc__)
model.add_variant("weak_fairness", lambda: build("weak"), doc="LSpec: HC /\\ WF_hr(HCnxt)")
model.add_variant("no_fairness", lambda: build(None), doc="HC alone: the clock may stop",
                  expect={f"AllTimes-{n}": "violated" for n in range(1, 13)})
