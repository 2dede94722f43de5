"""TLA+'s SimplifiedFastPaxos Paxos.tla (tlaplus/Examples specifications/SimplifiedFastPaxos,
Lim Ngian Xin Terry and Gaurav Gandhi) with its Paxos.cfg: Replicas {r1..r4}, Values
{v1, v2, v3}, Ballots {0, 1, 2}, Quorums the four 3-subsets of the replicas, and SYMMETRY
Permutations(Values) \\union Permutations(Replicas). The published TLC run
(specifications/SimplifiedFastPaxos/manifest.json) finds 1,207 distinct states, depth 22;
mcfsm's symmetry group is the product of the two sets' permutations (4! x 3! = 144), and
its orbit count is that figure too (tests/test_symmetry_canonical.py checks it, and counts
the orbits of smaller configurations by brute force).

The encoding: the spec's variables `maxBallot`, `maxVBallot`, `maxValue` are each replica's
local; `messages` and `decision` are shared variables (a message is a tuple of its record's
fields); each value is an instance with no steps of its own, so that its name is a model
value the symmetry renames (a replica's maxValue and the messages mention values, and the
messages mention replicas, so every symmetric local mentions a symmetric instance: the
shape on which a canonical form that tries every permutation costs the most). The actions
with no actor of their own (PaxosPrepare, PaxosAccept, PaxosDecide) are steps of one
asymmetric instance, "ballots", each over the spec's existential choices.

    .venv/bin/python benchmarks/bench_symmetry.py --paxos   # the search with and without symmetry
    .venv/bin/python benchmarks/bench_simulate.py --driver  # simulate's rate on it, unreduced
"""

from __future__ import annotations

import itertools

from mcfsm import Instance, Role, System, Transition, Var, always, step

NONE = "none"  # the spec's model value `none` (no instance of that name)


def _of(messages: frozenset, kind: str) -> list[tuple]:
    return [m for m in messages if m[0] == kind]


def build(symmetric: bool = True, replicas: int = 4, values: int = 3, ballots: int = 3,
          ) -> System:
    """Paxos.cfg's system (the defaults); smaller ones for tests. Quorums are every
    majority of the replicas: for 4 replicas, Paxos.cfg's four 3-subsets."""
    if replicas < 1 or values < 1 or ballots < 2:
        raise ValueError(f"Paxos needs a replica, a value and a ballot besides 0: got "
                         f"{replicas} replicas, {values} values, {ballots} ballots")
    replica_names = tuple(f"r{k}" for k in range(1, replicas + 1))
    value_names = tuple(f"v{k}" for k in range(1, values + 1))
    ballot_numbers = tuple(range(ballots))
    quorums = tuple(frozenset(q) for q in itertools.combinations(replica_names,
                                                                 replicas // 2 + 1))

    def prepare_choices(ctx) -> list[int]:
        return [b for b in ballot_numbers if b != 0]

    def prepare(ctx) -> None:
        ctx.shared.messages = ctx.shared.messages | {("P1a", ctx.arg)}

    def accept_choices(ctx) -> list[tuple]:
        """PaxosAccept's (b, q, v): no P2a of ballot b yet, a P1b of b from every acceptor
        of q, and v free when none of them accepted a value, else ForcedValue(M)."""
        messages = ctx.shared.messages
        p2a_ballots = {m[1] for m in _of(messages, "P2a")}
        p1b = _of(messages, "P1b")
        out = []
        for b in ballot_numbers:
            if b in p2a_ballots:
                continue
            for q in quorums:
                got = [m for m in p1b if m[1] == b and m[2] in q]
                if {m[2] for m in got} != q:
                    continue
                if all(m[4] == NONE for m in got):
                    out += [(b, q, v) for v in value_names]
                else:  # CHOOSE picks one of the highest; the spec guarantees they agree
                    top = max(m[3] for m in got)
                    out += [(b, q, v) for v in sorted({m[4] for m in got if m[3] == top})]
        return out

    def accept(ctx) -> None:
        b, _, v = ctx.arg
        ctx.shared.messages = ctx.shared.messages | {("P2a", b, v)}

    def decide_choices(ctx) -> list[tuple]:
        p2b = _of(ctx.shared.messages, "P2b")
        out = set()
        for b in ballot_numbers:
            for q in quorums:
                got = [m for m in p2b if m[1] == b and m[2] in q]
                if {m[2] for m in got} == q:
                    out |= {(b, q, m[3]) for m in got}
        return sorted(out, key=repr)

    def decide(ctx) -> None:
        ctx.shared.decision = ctx.arg[2]

    ballots_role = Role(
        "ballots", states=["on"], initial="on", final=["on"],
        transitions=[
            Transition("PaxosPrepare", "on", "on", choices=prepare_choices, after=[prepare],
                       clause="Paxos.tla PaxosPrepare"),
            Transition("PaxosAccept", "on", "on", choices=accept_choices, after=[accept],
                       clause="Paxos.tla PaxosAccept"),
            Transition("PaxosDecide", "on", "on", choices=decide_choices, after=[decide],
                       clause="Paxos.tla PaxosDecide"),
        ])

    def promise_choices(ctx) -> list[tuple]:
        return sorted((m for m in _of(ctx.shared.messages, "P1a") if ctx.v.maxBallot < m[1]),
                      key=repr)

    def promise(ctx) -> None:
        b, v = ctx.arg[1], ctx.v
        ctx.shared.messages = ctx.shared.messages | {
            ("P1b", b, ctx.me, v.maxVBallot, v.maxValue)}
        v.maxBallot = b

    def accepted_choices(ctx) -> list[tuple]:
        return sorted((m for m in _of(ctx.shared.messages, "P2a")
                       if m[2] in value_names and ctx.v.maxBallot <= m[1]), key=repr)

    def accepted(ctx) -> None:
        _, b, value = ctx.arg
        v = ctx.v
        v.maxBallot, v.maxVBallot, v.maxValue = b, b, value
        ctx.shared.messages = ctx.shared.messages | {("P2b", b, ctx.me, value)}

    replica = Role(
        "replica", states=["on"], initial="on", final=["on"],
        variables={"maxBallot": Var(int, 0), "maxVBallot": Var(int, 0),
                   "maxValue": Var(str, NONE)},
        transitions=[
            Transition("PaxosPromise", "on", "on", choices=promise_choices, after=[promise],
                       clause="Paxos.tla PaxosPromise"),
            Transition("PaxosAccepted", "on", "on", choices=accepted_choices,
                       after=[accepted], clause="Paxos.tla PaxosAccepted"),
        ])
    value = Role("value", states=["on"], initial="on", final=["on"], transitions=[])

    def nontriviality(view) -> bool:
        messages, decision = view.shared.messages, view.shared.decision
        return (decision == NONE or any(m[2] == decision for m in _of(messages, "P2a"))) \
            and all((m[4] in value_names or m[3] == 0) and (m[4] == NONE or m[3] > 0)
                    for m in _of(messages, "P1b"))

    def consistency(before, key, after) -> bool:
        """[][decision = none]_decision: the decision changes only from none."""
        return before.shared.decision in (NONE, after.shared.decision)

    return System(
        "simplified_paxos",
        instances=[Instance("ballots", ballots_role),
                   *(Instance(r, replica) for r in replica_names),
                   *(Instance(v, value) for v in value_names)],
        shared={"messages": Var(frozenset, frozenset()), "decision": Var(str, NONE)},
        properties=[always("PaxosNontriviality", nontriviality,
                           clause="Paxos.tla PaxosNontriviality"),
                    step("PaxosConsistency", consistency, clause="Paxos.tla PaxosConsistency")],
        symmetry=[replica_names, value_names] if symmetric else None,
    )
