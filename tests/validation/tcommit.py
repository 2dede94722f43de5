"""TCommit (Gray & Lamport, "Consensus on Transaction Commit"; tlaplus/Examples
specifications/transaction_commit/TCommit.tla) with RM = {r1, r2, r3}.

Published TLC figures (the Examples manifest): 34 distinct states, 94 total, depth 7.
The spec reads every RM's state in Decide (canCommit, notCommitted), so the RMs read each
other through ctx.peers(), as TLA+ variables are global.
"""

from mcfsm import Instance, Model, Role, System, Transition, always

STATES = ["working", "prepared", "committed", "aborted"]


def can_commit(ctx) -> bool:
    return all(p.state in ("prepared", "committed") for p in ctx.peers())


def not_committed(ctx) -> bool:
    return all(p.state != "committed" for p in ctx.peers())


RM = Role(
    "resource manager",
    states=STATES,
    initial="working",
    final=["committed", "aborted"],
    transitions=[
        Transition("Prepare", "working", "prepared", clause="TCommit.tla Prepare(rm)"),
        Transition("DecideCommit", "prepared", "committed", conditions=[can_commit],
                   clause="TCommit.tla Decide(rm), first disjunct"),
        Transition("DecideAbort", ["working", "prepared"], "aborted", conditions=[not_committed],
                   clause="TCommit.tla Decide(rm), second disjunct"),
    ],
)


def consistent(view) -> bool:
    states = {view[name].state for name in ("r1", "r2", "r3")}
    return not {"committed", "aborted"} <= states


model = Model("tcommit", source="tlaplus/Examples TCommit.tla", doc=__doc__)


@model.variant("rm3", doc="three resource managers, as in TCommit.cfg")
def rm3() -> System:
    return System(
        "tcommit",
        instances=[Instance(f"r{k}", RM) for k in (1, 2, 3)],
        properties=[always("TCConsistent", consistent, clause="TCommit.tla TCConsistent")],
    )
