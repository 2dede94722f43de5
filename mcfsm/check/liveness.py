"""Temporal properties under fairness on the explored state graph (TLC's approach for
these property shapes, over compact edge storage, with no recursion).

All three shapes reduce to one question: is there a fair behaviour in which an obligation
opens and is never met?
- eventually(P)          opens in the initial state;          met by a P state
- leads_to(P, Q)         opens in every P state;              met by a Q state
- always_eventually(P)   opens in every state;                met by a P state
Tableau (a pending bit in the product): a node is (state, pending). In an initial state
pending = opens0(s) and not met(s); on a step to t, pending' = (pending or opens(t)) and
not met(t). The property is violated iff a fair behaviour reaches a pending node and stays
in pending nodes forever. The pending layer is closed under steps to states where the
obligation is not met, so that behaviour's cycle lies in the subgraph of states whose
pending node is reachable (the *region*); a breadth-first search of the product finds the
region and the shortest prefix to each pending node.

Fair cycles: the region is split into strongly connected components by an iterative
Tarjan search (an explicit stack, not recursion). Every state may stutter (TLA+: a
behaviour may stop anywhere unless fairness forbids it; terminal states stutter forever),
so every component, even a single state, carries a cycle. A behaviour that visits all
states and edges of a component C forever is fair iff, for every constraint on action A:
- weak:   A is taken on an edge inside C, or A is disabled in some state of C;
- strong: A is taken inside C, or A is disabled in every state of C.
A weak failure rules out every cycle inside C too (A is enabled throughout and never
taken). A strong failure does not: the states where A is enabled are removed and the rest
is split again (the Emerson-Lei / Streett refinement), at most once per constraint and
state. "Enabled" means the state has a successor by A within the bounds that changes the
state (TLA+'s ENABLED <<A>>_vars; a successor that a state constraint drops cannot be
taken, so it does not count).

The counterexample is a lasso: the shortest product path to a pending state of a fair
component, then a cycle inside the component that visits a state or edge discharging
every constraint (or stuttering in place when that state alone does).
"""

from __future__ import annotations

import dataclasses
from array import array
from collections import deque
from collections.abc import Sequence

from .edges import EdgeGraph
from .lasso import cycle_through, shortest_prefix

OPENS = 1  # flag bit: the obligation opens in this state (leads_to's P; always for []<>)
MET = 2  # flag bit: the obligation is met in this state (the target predicate)


@dataclasses.dataclass(frozen=True)
class Constraint:
    """A fairness constraint as the algorithm sees it: the labels of its action."""

    strong: bool
    labels: frozenset[int]


@dataclasses.dataclass(frozen=True)
class Lasso:
    """states[0] is initial; edges[i] = (label) leads from states[i] to states[i + 1];
    states[loop_start:] repeats forever (states[-1] == states[loop_start]); when
    loop_start == len(states) - 1 the behaviour stutters in that state forever."""

    states: tuple[int, ...]
    labels: tuple[int, ...]
    loop_start: int


def find_violation(graph: EdgeGraph, initial_count: int, flags: bytearray, kind: str,
                   constraints: Sequence[Constraint], label_count: int) -> Lasso | None:
    """A fair lasso violating the property, or None when the property holds."""
    size = graph.size
    parent, order = _product_bfs(graph, initial_count, flags, kind)
    region = array("i", [-1]) * size
    for s in order:
        region[s] = 0
    if not order:
        return None
    fair_component = _fair_components(graph, region, order, constraints, label_count)
    for s in order:  # breadth-first order: the first hit has the shortest prefix
        comp = fair_component.get(s)
        if comp is not None:
            prefix, prefix_labels = shortest_prefix(graph, parent, s)
            cycle, cycle_labels = cycle_through(graph, s, comp, constraints)
            return Lasso(tuple(prefix + cycle[1:]), tuple(prefix_labels + cycle_labels),
                         len(prefix) - 1)
    return None


def _product_bfs(graph: EdgeGraph, initial_count: int, flags: bytearray,
                 kind: str) -> tuple[array, list[int]]:
    """Breadth-first search of (state, pending); returns the parent of each product node
    (2 * state + pending; -1 for initial nodes, -2 unvisited) and the states whose pending
    node was reached, in the order found."""
    size = graph.size
    parent = array("i", [-2]) * (2 * size)
    offsets, targets = graph.offsets, graph.targets
    opens_later = kind != "eventually"
    queue: deque[int] = deque()
    order: list[int] = []
    for s in range(min(initial_count, size)):
        f = flags[s]
        node = 2 * s + (1 if not f & MET and (f & OPENS or kind == "eventually") else 0)
        if parent[node] == -2:
            parent[node] = -1
            queue.append(node)
            if node & 1:
                order.append(s)
    while queue:
        node = queue.popleft()
        s, pending = node >> 1, node & 1
        for pos in range(offsets[s], offsets[s + 1]):
            t = targets[pos]
            f = flags[t]
            nxt = 2 * t + (1 if not f & MET and (pending or (opens_later and f & OPENS)) else 0)
            if parent[nxt] == -2:
                parent[nxt] = node
                queue.append(nxt)
                if nxt & 1:
                    order.append(t)
    return parent, order


def _fair_components(graph: EdgeGraph, region: array, roots: list[int],
                     constraints: Sequence[Constraint], label_count: int) -> dict[int, list[int]]:
    """State -> its fair component, for every state of a fair component of the region."""
    by_label: list[tuple[int, ...]] = [()] * label_count
    for j, c in enumerate(constraints):
        for label in c.labels:
            if label < label_count:
                by_label[label] += (j,)
    size = graph.size
    index = array("i", [-1]) * size
    low = array("i", [0]) * size
    owner = array("i", [-1]) * size
    fair: dict[int, list[int]] = {}
    work: list[tuple[int, list[int]]] = [(0, roots)]
    next_region = 1
    serial = 0
    while work:
        rid, nodes = work.pop()
        for comp in _tarjan(graph, region, rid, nodes, index, low):
            serial += 1
            verdict, rest = _judge(graph, comp, serial, owner, constraints, by_label)
            if verdict == "fair":
                for s in comp:
                    fair[s] = comp
            elif verdict == "refine" and rest:
                for s in rest:
                    region[s] = next_region
                    index[s] = -1
                work.append((next_region, rest))
                next_region += 1
    return fair


def _tarjan(graph: EdgeGraph, region: array, rid: int, roots: list[int], index: array,
            low: array) -> list[list[int]]:
    """Strongly connected components of the states with region[s] == rid (iterative)."""
    offsets, targets = graph.offsets, graph.targets
    on_stack = set()
    stack: list[int] = []
    out: list[list[int]] = []
    counter = 0
    for root in roots:
        if region[root] != rid or index[root] != -1:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        calls = [(root, offsets[root])]
        while calls:
            v, pos = calls[-1]
            end = offsets[v + 1]
            descended = False
            while pos < end:
                w = targets[pos]
                pos += 1
                if region[w] != rid:
                    continue
                if index[w] == -1:
                    calls[-1] = (v, pos)
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    calls.append((w, offsets[w]))
                    descended = True
                    break
                if w in on_stack and index[w] < low[v]:
                    low[v] = index[w]
            if descended:
                continue
            calls.pop()
            if calls:
                u = calls[-1][0]
                if low[v] < low[u]:
                    low[u] = low[v]
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                out.append(comp)
    return out


def _enabled_and_taken(graph: EdgeGraph, comp: list[int], serial: int, owner: array,
                       by_label: list[tuple[int, ...]], count: int,
                       ) -> tuple[list[int], list[bool], dict[int, set[int]]]:
    for s in comp:
        owner[s] = serial
    enabled = [0] * count
    taken = [False] * count
    enabled_at: dict[int, set[int]] = {}
    offsets, targets, labels = graph.offsets, graph.targets, graph.labels
    for s in comp:
        here: set[int] = set()
        for pos in range(offsets[s], offsets[s + 1]):
            t = targets[pos]
            if t == s:
                continue  # a step that changes nothing neither enables nor takes an action
            cs = by_label[labels[pos]]
            if cs:
                here.update(cs)
                if owner[t] == serial:
                    for j in cs:
                        taken[j] = True
        for j in here:
            enabled[j] += 1
        if here:
            enabled_at[s] = here
    return enabled, taken, enabled_at


def _judge(graph: EdgeGraph, comp: list[int], serial: int, owner: array,
           constraints: Sequence[Constraint], by_label: list[tuple[int, ...]],
           ) -> tuple[str, list[int]]:
    if not constraints:
        return "fair", []
    enabled, taken, enabled_at = _enabled_and_taken(graph, comp, serial, owner, by_label,
                                                    len(constraints))
    for j, c in enumerate(constraints):
        if not c.strong and not taken[j] and enabled[j] == len(comp):
            return "unfair", []
    unmet = {j for j, c in enumerate(constraints) if c.strong and not taken[j] and enabled[j]}
    if not unmet:
        return "fair", []
    return "refine", [s for s in comp if not unmet & enabled_at.get(s, set())]
