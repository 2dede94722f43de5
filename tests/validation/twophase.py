"""TwoPhase commit (Gray & Lamport; tlaplus/Examples specifications/transaction_commit/
TwoPhase.tla) with RM = {r1, r2, r3}, over a persistent message set as in the spec: sent
messages stay in `msgs` and may be received again.

Published TLC figures (the Examples manifest): 288 distinct states, 1146 total, depth 11,
no deadlock. The TM's Commit and Abort are broadcast; under the persistent set one copy
per RM is one state per TLA+ record, so the counts agree.
"""

from mcfsm import Instance, M, Message, Model, Network, Role, System, Transition, Var, always


class Prepared(Message, clause="TwoPhase.tla Message"):
    rm: str = M("the RM that is prepared")


class Commit(Message, clause="TwoPhase.tla Message"):
    pass


class Abort(Message, clause="TwoPhase.tla Message"):
    pass


def rm_names(n: int) -> list[str]:
    return [f"r{k}" for k in range(1, n + 1)]


def tm_role(n: int) -> Role:
    everyone = frozenset(rm_names(n))

    def all_prepared(ctx) -> bool:
        return ctx.v.prepared == everyone

    def record_prepared(ctx) -> None:
        ctx.v.prepared = ctx.v.prepared | {ctx.msg.rm}

    def broadcast(message: Message):
        def send(ctx) -> None:
            for rm in sorted(everyone):
                ctx.send(rm, message)
        return send

    return Role(
        "transaction manager",
        states=["init", "committed", "aborted"],
        initial="init",
        variables={"prepared": Var(frozenset, frozenset())},
        transitions=[
            Transition(Prepared, "init", None, after=[record_prepared],
                       clause="TwoPhase.tla TMRcvPrepared(rm)"),
            Transition("TMCommit", "init", "committed", conditions=[all_prepared],
                       after=[broadcast(Commit())], sends=[Commit], clause="TwoPhase.tla TMCommit"),
            Transition("TMAbort", "init", "aborted", after=[broadcast(Abort())], sends=[Abort],
                       clause="TwoPhase.tla TMAbort"),
        ],
    )


def send_prepared(ctx) -> None:
    ctx.send("tm", Prepared(rm=ctx.me))


RM = Role(
    "resource manager",
    states=["working", "prepared", "committed", "aborted"],
    initial="working",
    transitions=[
        Transition("RMPrepare", "working", "prepared", after=[send_prepared], sends=[Prepared],
                   clause="TwoPhase.tla RMPrepare(rm)"),
        Transition("RMChooseToAbort", "working", "aborted", clause="TwoPhase.tla RMChooseToAbort(rm)"),
        Transition(Commit, "*", "committed", clause="TwoPhase.tla RMRcvCommitMsg(rm)"),
        Transition(Abort, "*", "aborted", clause="TwoPhase.tla RMRcvAbortMsg(rm)"),
    ],
)


def consistent(view) -> bool:
    states = {view[rm].state for rm in view.instances_of(RM)}
    return not {"committed", "aborted"} <= states


def build(n: int, symmetric: bool = False, properties: tuple = ()) -> System:
    """TwoPhase with n RMs; symmetric: the RMs declared interchangeable (TLC's SYMMETRY
    Permutations(RM), tests/test_symmetry.py); properties: more, for tests."""
    return System(
        "twophase",
        instances=[Instance("tm", tm_role(n))] + [Instance(rm, RM) for rm in rm_names(n)],
        network=Network.PERSISTENT,
        properties=[always("TCConsistent", consistent, clause="TCommit.tla TCConsistent, "
                           "implied by TwoPhase.tla THEOREM TPSpec => TC!TCSpec"),
                    *properties],
        symmetry=[tuple(rm_names(n))] if symmetric else None,
    )


model = Model("twophase", source="tlaplus/Examples TwoPhase.tla", doc=__doc__)


@model.variant("rm3", doc="three resource managers, as in TwoPhase.cfg")
def rm3() -> System:
    return build(3)
