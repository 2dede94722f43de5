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
from collections.abc import Iterator, Sequence

from ..kernel.core import compiled
from ..state.edges import EdgeGraph
from .lasso import Constraint, cycle_through, shortest_prefix

OPENS = 1  # flag bit: the obligation opens in this state (leads_to's P; always for []<>)
MET = 2  # flag bit: the obligation is met in this state (the target predicate)


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
    fast, _ = compiled()
    if fast is None:
        parent, order = _product_bfs(graph, initial_count, flags, kind)
    else:
        parent, order = fast.product_bfs(graph, initial_count, flags, kind == "eventually")
    if not order:
        return None
    region = _region_of(order, size) if fast is None else fast.region_of(order, size)
    component_of, components = _fair_components(graph, region, order, constraints, label_count)
    del region
    if not components:  # the property holds: no need to look for the first hit below
        return None
    for s in order:  # breadth-first order: the first hit has the shortest prefix
        c = component_of[s]
        if c >= 0:
            prefix, prefix_labels = shortest_prefix(graph, parent, s)
            cycle, cycle_labels = cycle_through(graph, s, list(components[c]), constraints)
            return Lasso(tuple(prefix + cycle[1:]), tuple(prefix_labels + cycle_labels),
                         len(prefix) - 1)
    return None


def _region_of(order: array, size: int) -> array:
    """The region the fair components are looked for in: 0 for the states whose pending
    node was reached (`order`), -1 for the others."""
    region = array("i", [-1]) * size
    for s in order:
        region[s] = 0
    return region


def _product_bfs(graph: EdgeGraph, initial_count: int, flags: bytearray,
                 kind: str) -> tuple[array, array]:
    """Breadth-first search of (state, pending); returns the parent of each product node
    (2 * state + pending; -1 for initial nodes, -2 unvisited) and the states whose pending
    node was reached, in the order found. Flat int arrays throughout: no Python object
    per state."""
    size = graph.size
    parent = array("i", [-2]) * (2 * size)
    offsets, targets = graph.offsets, graph.targets
    opens_later = kind != "eventually"
    queue = array("i")  # every product node once, in BFS order; `head` reads it
    order = array("i")
    for s in range(min(initial_count, size)):
        f = flags[s]
        node = 2 * s + (1 if not f & MET and (f & OPENS or kind == "eventually") else 0)
        if parent[node] == -2:
            parent[node] = -1
            queue.append(node)
            if node & 1:
                order.append(s)
    head = 0
    while head < len(queue):
        node = queue[head]
        head += 1
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


def fair_cycle(graph: EdgeGraph, constraints: Sequence[Constraint], label_count: int) -> bool:
    """Whether a behaviour that goes round one cycle through every state of `graph` forever
    is fair, by the rule `_judge` applies to a component. The graph's edges between its
    states are the cycle's steps; every other step enabled in a state leads to state
    graph.size (outside). check/temporal/run_lassos.py asks it of the cycles random runs close."""
    comp = array("i", range(graph.size))
    owner = array("i", [-1]) * (graph.size + 1)
    verdict, _ = _judge(graph, comp, 1, owner, constraints,
                        _by_label(constraints, label_count))
    return verdict == "fair"  # "refine": a strong action enabled on it is never taken


def _by_label(constraints: Sequence[Constraint], label_count: int) -> list[tuple[int, ...]]:
    """Per label, the constraints whose action it is."""
    by_label: list[tuple[int, ...]] = [()] * label_count
    for j, c in enumerate(constraints):
        for label in c.labels:
            if label < label_count:
                by_label[label] += (j,)
    return by_label


def _fair_components(graph: EdgeGraph, region: array, roots: array,
                     constraints: Sequence[Constraint], label_count: int,
                     ) -> tuple[array, list[array]]:
    """For every state, the number of its fair component in the returned list (-1: none)."""
    by_label = _by_label(constraints, label_count)
    size = graph.size
    index = array("i", [-1]) * size
    low = array("i", [0]) * size
    owner = array("i", [-1]) * size
    component_of = array("i", [-1]) * size
    on_stack = bytearray(size)  # every state pushed in a pass is popped by its end
    fair: list[array] = []
    work: list[tuple[int, array]] = [(0, roots)]
    next_region = 1
    serial = 0

    def judge(comp: array) -> None:
        nonlocal serial, next_region
        serial += 1
        verdict, rest = _judge(graph, comp, serial, owner, constraints, by_label)
        if verdict == "fair":
            for s in comp:
                component_of[s] = len(fair)
            fair.append(comp)
        elif verdict == "refine" and rest:
            for s in rest:
                region[s] = next_region
                index[s] = -1
            work.append((next_region, array("i", rest)))
            next_region += 1

    fast, _ = compiled()
    # the compiled pass judges components of one state itself (liveness's common case)
    constrained = None if not constraints else bytes(1 if cs else 0 for cs in by_label)
    while work:
        rid, nodes = work.pop()
        if fast is not None:
            fast.tarjan_pass(graph, region, rid, nodes, index, low, on_stack, constrained,
                             component_of, fair, judge)
            continue
        for comp in _tarjan(graph, region, rid, nodes, index, low, on_stack):
            judge(comp)
    return component_of, fair


def _tarjan(graph: EdgeGraph, region: array, rid: int, roots: array, index: array,
            low: array, on_stack: bytearray) -> Iterator[array]:
    """Strongly connected components of the states with region[s] == rid, one at a time
    (iterative: explicit stacks in flat arrays, no recursion)."""
    offsets, targets = graph.offsets, graph.targets
    stack = array("i")
    call_node, call_pos = array("i"), array("I")
    counter = 0
    for root in roots:
        if region[root] != rid or index[root] != -1:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = 1
        call_node.append(root)
        call_pos.append(offsets[root])
        while call_node:
            v, pos = call_node[-1], call_pos[-1]
            end = offsets[v + 1]
            descended = False
            while pos < end:
                w = targets[pos]
                pos += 1
                if region[w] != rid:
                    continue
                if index[w] == -1:
                    call_pos[-1] = pos
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack[w] = 1
                    call_node.append(w)
                    call_pos.append(offsets[w])
                    descended = True
                    break
                if on_stack[w] and index[w] < low[v]:
                    low[v] = index[w]
            if descended:
                continue
            call_node.pop()
            call_pos.pop()
            if call_node:
                u = call_node[-1]
                if low[v] < low[u]:
                    low[u] = low[v]
            if low[v] == index[v]:
                comp = array("i")
                while True:
                    w = stack.pop()
                    on_stack[w] = 0
                    comp.append(w)
                    if w == v:
                        break
                yield comp


def _enabled_and_taken(graph: EdgeGraph, comp: array, serial: int, owner: array,
                       by_label: list[tuple[int, ...]], count: int,
                       ) -> tuple[list[int], list[bool]]:
    """Per constraint: in how many states of comp its action is enabled, and whether it is
    taken on an edge inside comp."""
    for s in comp:
        owner[s] = serial
    enabled = [0] * count
    taken = [False] * count
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
    return enabled, taken


def _enables_any(graph: EdgeGraph, s: int, unmet: set[int],
                 by_label: list[tuple[int, ...]]) -> bool:
    for pos in graph.row(s):
        if graph.targets[pos] != s and not unmet.isdisjoint(by_label[graph.labels[pos]]):
            return True
    return False


def _judge(graph: EdgeGraph, comp: array, serial: int, owner: array,
           constraints: Sequence[Constraint], by_label: list[tuple[int, ...]],
           ) -> tuple[str, list[int]]:
    if not constraints:
        return "fair", []
    if len(comp) == 1:
        # One state (the common case: most components of a protocol's graph): no edge
        # inside it but self-loops, so any constraint whose action it enables goes untaken,
        # which makes it unfair (weak) or leaves nothing after refinement (strong).
        s = comp[0]
        offsets, targets, labels = graph.offsets, graph.targets, graph.labels
        for pos in range(offsets[s], offsets[s + 1]):
            if targets[pos] != s and by_label[labels[pos]]:
                return "unfair", []
        return "fair", []
    enabled, taken = _enabled_and_taken(graph, comp, serial, owner, by_label, len(constraints))
    for j, c in enumerate(constraints):
        if not c.strong and not taken[j] and enabled[j] == len(comp):
            return "unfair", []
    unmet = {j for j, c in enumerate(constraints) if c.strong and not taken[j] and enabled[j]}
    if not unmet:
        return "fair", []
    return "refine", [s for s in comp if not _enables_any(graph, s, unmet, by_label)]
