"""Two threads and one lock, from Learn TLA+ (Hillel Wayne), "Liveness" chapter:
hwayne/learntla-v2 raw-specs/liveness/strong_fairness__1.tla (`fair process`) and
strong_fairness__2.tla (`fair+ process`):

    process thread \\in 1..2:  GetLock: await lock = NULL; lock := self;
                               ReleaseLock: lock := NULL;   Reset: goto GetLock;
    Liveness == \\A t \\in Threads : <>(lock = t)

Published verdicts (learntla.com, Liveness / strong fairness): with `fair process` (weak
fairness) Liveness fails -- one thread can take the lock again and again, so the other's
GetLock is enabled only intermittently and weak fairness does not force it; with
`fair+ process` (strong fairness) it holds. Published TLC figures for the strong variant
(strong_fairness__2.tla header, "states: 15, distinct: 8"): 8 distinct states, 15 total.
The PlusCal labels are the role's states; `lock` is the system's shared variable (0 for
NULL).
"""

from mcfsm import Instance, Model, Role, System, Transition, Var
from mcfsm.lang.properties import eventually

NULL = 0


def take(ctx) -> None:
    ctx.shared.lock = ctx.v.me


def release(ctx) -> None:
    ctx.shared.lock = NULL


def build(fair: str | None) -> System:
    thread = Role("thread", states=["GetLock", "ReleaseLock", "Reset"], initial="GetLock",
                  fair=fair, variables={"me": Var(int, 1)}, transitions=[
        Transition("GetLock", "GetLock", "ReleaseLock", conditions=[lambda c: c.shared.lock == NULL],
                   after=[take], clause="strong_fairness.tla GetLock"),
        Transition("ReleaseLock", "ReleaseLock", "Reset", after=[release],
                   clause="strong_fairness.tla ReleaseLock"),
        Transition("Reset", "Reset", "GetLock", clause="strong_fairness.tla Reset (goto GetLock)"),
    ])
    return System(
        "threads", instances=[Instance(f"t{t}", thread, init={"me": t}) for t in (1, 2)],
        shared={"lock": Var(int, NULL)},
        properties=[eventually(f"Liveness-{t}", lambda v, t=t: v.shared.lock == t,
                               clause="strong_fairness.tla Liveness") for t in (1, 2)])


model = Model("strong_fairness", source="hwayne/learntla-v2 raw-specs/liveness", doc=__doc__)
model.add_variant("fair_plus_process", lambda: build("strong"), doc="fair+ process (SF)")
model.add_variant("fair_process", lambda: build("weak"), doc="fair process (WF)",
                  expect={"Liveness-1": "violated", "Liveness-2": "violated"})
model.add_variant("no_fairness", lambda: build(None), doc="process (no fairness)",
                  expect={"Liveness-1": "violated", "Liveness-2": "violated"})
