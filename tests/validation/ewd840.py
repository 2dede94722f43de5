"""Dijkstra's termination detection on a ring (EWD 840), tlaplus/Examples
specifications/ewd840/EWD840.tla (Stephan Merz), with N = 3 as in EWD840.cfg.

Init: active \\in [Nodes -> BOOLEAN], color \\in [Nodes -> Color], tpos \\in Nodes,
tcolor = "black": 2^3 * 2^3 * 3 = 192 initial states, declared as initial-state sets.
Spec == Init /\\ [][Next]_vars /\\ WF_vars(System), where System is the token passing
(InitiateProbe, PassToken) and Environment (SendMsg, Deactivate) is unfair. Here System is
one role with fair="weak" (WF of the disjunction of its steps, like WF_vars(System)),
Environment another role with no fairness; the variables are the system's shared=.

Published TLC figures (specifications/ewd840/manifest.json, EWD840.cfg with N = 3):
302 distinct states, 2001 total, depth 10. We match the 302 distinct states but find
1,817 total and depth 9; a plain-Python BFS of Init and Next as quoted above, written
without mcfsm (tests/test_liveness.py), finds the same 302/1,817/9, so the difference is
not in the engine: the manifest's figures may come from another version of the module or
its config than the one we read. We do not assert the published total and depth.
Published liveness verdict: EWD840.tla states
"Liveness property: termination is eventually detected", Liveness ==
(\\A i \\in Nodes : ~ active[i]) ~> terminationDetected, checked as a PROPERTY of Spec
by the repository's EWD840.cfg (an earlier version, N = 4). Without WF_vars(System) the
token may stop moving, and Liveness fails.
"""

import itertools

from mcfsm import Instance, Model, Role, System, Transition, Var
from mcfsm.lang.initial import one_of
from mcfsm.lang.properties import leads_to

N = 3
NODES = range(N)
BOOLS = [tuple(bits) for bits in itertools.product((False, True), repeat=N)]
COLORS = [tuple(c) for c in itertools.product(("white", "black"), repeat=N)]


def _set(seq: tuple, i: int, value) -> tuple:
    return seq[:i] + (value,) + seq[i + 1:]


def may_initiate(ctx) -> bool:
    sh = ctx.shared
    return sh.tpos == 0 and (sh.tcolor == "black" or sh.color[0] == "black")


def initiate(ctx) -> None:
    sh = ctx.shared
    sh.tpos, sh.tcolor, sh.color = N - 1, "white", _set(sh.color, 0, "white")


def may_pass(ctx) -> bool:
    sh, i = ctx.shared, ctx.arg
    return sh.tpos == i and (not sh.active[i] or sh.color[i] == "black" or sh.tcolor == "black")


def pass_token(ctx) -> None:
    sh, i = ctx.shared, ctx.arg
    sh.tcolor = "black" if sh.color[i] == "black" else sh.tcolor
    sh.tpos, sh.color = i - 1, _set(sh.color, i, "white")


def send_msg(ctx) -> None:
    sh, (i, j) = ctx.shared, ctx.arg
    sh.active = _set(sh.active, j, True)
    if j > i:
        sh.color = _set(sh.color, i, "black")


def deactivate(ctx) -> None:
    ctx.shared.active = _set(ctx.shared.active, ctx.arg, False)


def terminated(v) -> bool:
    return not any(v.shared.active)


def termination_detected(v) -> bool:
    sh = v.shared
    return sh.tpos == 0 and sh.tcolor == "white" and sh.color[0] == "white" and not sh.active[0]


def build(fair: str | None) -> System:
    ring = Role("token ring", states=["run"], initial="run", fair=fair, transitions=[
        Transition("InitiateProbe", "run", "run", conditions=[may_initiate], after=[initiate],
                   clause="EWD840.tla InitiateProbe"),
        Transition("PassToken", "run", "run", choices=lambda ctx: range(1, N),
                   conditions=[may_pass], after=[pass_token], clause="EWD840.tla PassToken(i)"),
    ])
    nodes = Role("underlying computation", states=["run"], initial="run", transitions=[
        Transition("SendMsg", "run", "run",
                   choices=lambda ctx: [(i, j) for i in NODES for j in NODES if j != i],
                   conditions=[lambda ctx: ctx.shared.active[ctx.arg[0]]], after=[send_msg],
                   clause="EWD840.tla SendMsg(i)"),
        Transition("Deactivate", "run", "run", choices=lambda ctx: NODES,
                   conditions=[lambda ctx: ctx.shared.active[ctx.arg]], after=[deactivate],
                   clause="EWD840.tla Deactivate(i)"),
    ])
    return System(
        "ewd840", instances=[Instance("ring", ring), Instance("nodes", nodes)],
        shared={"active": Var(tuple, one_of(*BOOLS)), "color": Var(tuple, one_of(*COLORS)),
                "tpos": Var(int, one_of(*NODES)), "tcolor": Var(str, "black")},
        check_deadlock=False,  # EWD840.cfg: CHECK_DEADLOCK FALSE
        properties=[leads_to("Liveness", terminated, termination_detected,
                             clause="EWD840.tla Liveness")])


model = Model("ewd840", source="tlaplus/Examples specifications/ewd840", doc=__doc__)
model.add_variant("wf_system", lambda: build("weak"), doc="Spec: WF_vars(System)")
model.add_variant("no_fairness", lambda: build(None), doc="Init /\\ [][Next]_vars only",
                  expect={"Liveness": "violated"})
