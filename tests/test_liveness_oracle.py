"""check/temporal/liveness.py against a brute-force oracle on small random graphs.

The oracle enumerates every set S of states: a fair behaviour can stay in S forever while
the obligation stays open iff S is strongly connected through its own edges (a single
state counts: it may stutter), every state of S has its pending node reachable, and S is
fair when all of its states and internal edges are visited forever (weak: the action is
taken inside S or disabled somewhere in S; strong: taken inside S or disabled everywhere
in S). Visiting all of S's edges is the best a behaviour in S can do, so the property is
violated iff such an S exists. Each lasso returned is also checked edge by edge."""

import itertools
import random

import pytest

from mcfsm.check.state.edges import EdgeRecorder
from mcfsm.check.temporal.liveness import MET, OPENS, Constraint, find_violation


def random_case(seed: int):
    rng = random.Random(seed)
    n = rng.randint(1, 6)
    labels = 3
    edges = sorted((s, rng.randrange(n), rng.randrange(labels))
                   for s in range(n) for _ in range(rng.randint(0, 3)))
    flags = bytearray(rng.choice((0, OPENS, MET, OPENS | MET)) for _ in range(n))
    kind = rng.choice(("eventually", "leads_to", "always_eventually"))
    if kind == "always_eventually":
        flags = bytearray(f | OPENS for f in flags)
    constraints = [Constraint(rng.random() < 0.5, frozenset(rng.sample(range(labels), rng.randint(1, 2))))
                   for _ in range(rng.randint(0, 3))]
    initial = rng.randint(1, n)
    return n, edges, flags, kind, constraints, initial


def pending_states(n, edges, flags, kind, initial):
    nodes = set()
    todo = []
    for s in range(initial):
        b = int(not flags[s] & MET and (kind == "eventually" or bool(flags[s] & OPENS)))
        todo.append((s, b))
    while todo:
        s, b = todo.pop()
        if (s, b) in nodes:
            continue
        nodes.add((s, b))
        for a, t, _ in edges:
            if a == s:
                opens = kind != "eventually" and flags[t] & OPENS
                todo.append((t, int(not flags[t] & MET and bool(b or opens))))
    return {s for s, b in nodes if b}


def oracle(n, edges, flags, kind, constraints, initial) -> bool:
    region = pending_states(n, edges, flags, kind, initial)
    for size in range(1, len(region) + 1):
        for subset in itertools.combinations(sorted(region), size):
            members = set(subset)
            inner = [(a, t, lab) for a, t, lab in edges if a in members and t in members]
            if size > 1 and not all(reaches(inner, x, y) for x in members for y in members if x != y):
                continue
            if fair(members, inner, edges, constraints):
                return True
    return False


def reaches(edges, x, y):
    seen, todo = {x}, [x]
    while todo:
        v = todo.pop()
        for a, t, _ in edges:
            if a == v and t not in seen:
                seen.add(t)
                todo.append(t)
    return y in seen


def fair(members, inner, edges, constraints):
    for c in constraints:
        taken = any(lab in c.labels and a != t for a, t, lab in inner)
        enabled = [any(a == s and t != s and lab in c.labels for a, t, lab in edges) for s in members]
        if taken:
            continue
        if c.strong and any(enabled):
            return False
        if not c.strong and all(enabled):
            return False
    return True


def graph_of(n, edges):
    rec = EdgeRecorder()
    for s, t, lab in edges:
        rec.add(s, t, lab)
    return rec.finish(n)


@pytest.mark.parametrize("seed", range(400))
def test_find_violation_agrees_with_the_brute_force_oracle(seed):
    n, edges, flags, kind, constraints, initial = random_case(seed)
    lasso = find_violation(graph_of(n, edges), initial, flags, kind, constraints, 3)
    assert (lasso is not None) == oracle(n, edges, flags, kind, constraints, initial)
    if lasso is None:
        return
    states, labels, k = lasso.states, lasso.labels, lasso.loop_start
    assert states[0] < initial and states[k] == states[-1]
    for a, b, lab in zip(states, states[1:], labels):
        assert (a, b, lab) in set(edges)
    loop = set(states[k:])
    assert loop <= pending_states(n, edges, flags, kind, initial)
    assert fair(loop, list(zip(states[k:], states[k + 1:], labels[k:])), edges, constraints)
