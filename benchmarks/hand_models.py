"""Hand-written plain-Python breadth-first searches of the benchmark models: the baseline
the engine is measured against. Each is the simplest fast Python a person would write:
states as nested tuples in one visited set, a list per BFS level, the invariant checked on
every new state. They implement the same protocol as the model files, step for step, and
the benchmark checks that distinct, total and depth agree before it prints any ratio.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

State = Any


def bfs(initial: State, successors: Callable[[State], Iterable[State]],
        invariants: list[Callable[[State], bool]]) -> tuple[int, int, int, list[bool]]:
    """(distinct, total, depth, which invariants held), with TLC's counting. Like the
    engine, each invariant is checked on every new state until it is first violated."""
    seen = {initial}
    frontier = [initial]
    total, depth = 1, 1
    pending = [inv for inv in invariants if inv(initial)]
    while frontier:
        nxt = []
        for s in frontier:
            for t in successors(s):
                total += 1
                if t not in seen:
                    seen.add(t)
                    nxt.append(t)
                    if pending:
                        pending = [inv for inv in pending if inv(t)]
        if nxt:
            depth += 1
        frontier = nxt
    return len(seen), total, depth, [inv in pending for inv in invariants]


# -- TwoPhase.tla with n resource managers -----------------------------------------------------
def twophase(n: int) -> tuple[int, int, int, bool]:
    rms = range(n)
    everyone = frozenset(rms)

    def succ(s):
        rm, tm, prepared, msgs = s
        if tm == "init":
            for r in rms:
                if ("Prepared", r) in msgs:
                    yield rm, tm, prepared | {r}, msgs
            if prepared == everyone:
                yield rm, "committed", prepared, msgs | {("Commit",)}
            yield rm, "aborted", prepared, msgs | {("Abort",)}
        for r in rms:
            if rm[r] == "working":
                yield rm[:r] + ("prepared",) + rm[r + 1:], tm, prepared, msgs | {("Prepared", r)}
                yield rm[:r] + ("aborted",) + rm[r + 1:], tm, prepared, msgs
            if ("Commit",) in msgs:
                yield rm[:r] + ("committed",) + rm[r + 1:], tm, prepared, msgs
            if ("Abort",) in msgs:
                yield rm[:r] + ("aborted",) + rm[r + 1:], tm, prepared, msgs

    def consistent(s):
        return not ("committed" in s[0] and "aborted" in s[0])

    return bfs((("working",) * n, "init", frozenset(), frozenset()), succ, [consistent])


# -- benchmarks/redirect_model.py with k calling clients ------------------------------------
U2A, U2B = "user2@A", "user2@B"


def redirect(k: int) -> tuple[int, int, int, bool]:
    """Callers 0..k-1, client 2, server A, server B; one FIFO queue per used channel."""
    ids = ["user1@A" if i == 0 else f"user1-{i + 1}@A" for i in range(k)]
    caller_of = {cid: i for i, cid in enumerate(ids)}
    C2A = [i for i in range(k)]            # caller i -> A
    A2C = [k + i for i in range(k)]        # A -> caller i
    c2_A, c2_B, B_c2, B_A, A_c2, A_B = range(2 * k, 2 * k + 6)

    def send(chans, ch, msg):
        return chans[:ch] + (chans[ch] + (msg,),) + chans[ch + 1:]

    def pop(chans, ch):
        return chans[:ch] + (chans[ch][1:],) + chans[ch + 1:]

    def succ(s):
        callers, c2, a, b, chans = s
        # calling clients
        for i, (st, target, tried, redirects) in enumerate(callers):
            if st == "idle":
                new = ("calling", U2A, (U2A,), 0)
                yield (callers[:i] + (new,) + callers[i + 1:], c2, a, b,
                       send(chans, C2A[i], ("PCR", ids[i], U2A)))
            elif st == "calling" and chans[A2C[i]]:
                msg = chans[A2C[i]][0]
                rest = pop(chans, A2C[i])
                if msg[0] == "RED":
                    new_id = msg[3]
                    new = ("calling", new_id, (*tried, new_id), redirects + 1)
                    yield (callers[:i] + (new,) + callers[i + 1:], c2, a, b,
                           send(rest, C2A[i], ("PCR", ids[i], new_id)))
                else:
                    new = ("connected" if msg[0] == "ACC" else "rejected", target, tried, redirects)
                    yield callers[:i] + (new,) + callers[i + 1:], c2, a, b, rest
        # called client 2
        st, partner, in_call = c2
        if st == "at_A":
            yield callers, ("migrating", partner, in_call), a, b, \
                send(send(chans, c2_A, ("DEREG",)), c2_B, ("MREG", U2A))
        for ch, via in ((A_c2, "A"), (B_c2, "B")):
            if not chans[ch]:
                continue
            msg, rest = chans[ch][0], pop(chans, ch)
            back = c2_A if via == "A" else c2_B
            if msg[0] == "RR" and st == "migrating":
                yield callers, ("at_B", msg[1], in_call), a, b, rest
            elif msg[0] == "PCR":
                if st == "at_A" or (st == "at_B" and via == "B"):
                    yield callers, (st, partner, True), a, b, send(rest, back, ("ACC", msg[1], msg[2]))
                elif via == "A":
                    yield callers, c2, a, b, send(rest, back, ("REJ", msg[1], msg[2], "not registered"))
        # server A
        registered, migrated = a
        for i in range(k):
            if not chans[C2A[i]]:
                continue
            _, calling, called = chans[C2A[i]][0]
            rest = pop(chans, C2A[i])
            if called == U2A and migrated:
                yield callers, c2, a, b, send(rest, A2C[i], ("RED", calling, U2A, migrated, "migrated"))
            elif called == U2A and registered:
                yield callers, c2, a, b, send(rest, A_c2, ("PCR", calling, called))
            elif called == U2A:
                yield callers, c2, a, b, send(rest, A2C[i], ("REJ", calling, called, "not reachable"))
            if called.endswith("@B"):
                yield callers, c2, a, b, send(rest, A_B, ("PCR", calling, called))
        for ch in (c2_A, B_A):
            if not chans[ch]:
                continue
            msg, rest = chans[ch][0], pop(chans, ch)
            if msg[0] == "DEREG":
                yield callers, c2, (False, migrated), b, rest
            elif msg[0] == "MN":
                yield callers, c2, (registered, msg[2]), b, rest
            else:  # accept or reject: relay to the caller by its MC service ID
                yield callers, c2, a, b, send(rest, A2C[caller_of[msg[1]]], msg)
        # server B
        if chans[c2_B]:
            msg, rest = chans[c2_B][0], pop(chans, c2_B)
            if msg[0] == "MREG":
                yield callers, c2, a, (True,), send(send(rest, B_c2, ("RR", U2B)), B_A, ("MN", U2A, U2B))
            else:
                yield callers, c2, a, b, send(rest, B_A, msg)
        if chans[A_B]:
            msg, rest = chans[A_B][0], pop(chans, A_B)
            if msg[2] == U2B and b[0]:
                yield callers, c2, a, b, send(rest, B_c2, msg)

    def primary_binding_fresh(s):
        _, c2, a, _, chans = s
        return not (c2[0] == "at_B" and not any(m[0] == "MN" for m in chans[B_A])
                    and a[1] != c2[1])

    def redirects_never_loop(s):
        return all(len(tried) == len(set(tried)) and redirects <= 1
                   for _, _, tried, redirects in s[0])

    def redirect_only_own_users(s):
        return all(m[1].endswith("@A") for ch in A2C for m in s[4][ch] if m[0] == "RED")

    def migrated_user_reachable(s):
        return s[1][0] != "at_B" or all(c[0] != "rejected" for c in s[0])

    initial = (tuple(("idle", "", (), 0) for _ in range(k)), ("at_A", "", False), (True, ""),
               (False,), ((),) * (2 * k + 6))
    return bfs(initial, succ, [primary_binding_fresh, redirects_never_loop,
                               redirect_only_own_users, migrated_user_reachable])
