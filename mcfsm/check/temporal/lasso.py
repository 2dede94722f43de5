"""The two halves of a lasso (check/temporal/liveness.py finds where it is): the shortest product
path from an initial state to a pending state of a fair component, and a cycle inside
that component which discharges every fairness constraint."""

from __future__ import annotations

import dataclasses
import itertools
from array import array
from collections import deque
from collections.abc import Callable, Sequence

from ..state.edges import EdgeGraph


# Declared here, below liveness.py (which imports this module), so the two stay one-way.
@dataclasses.dataclass(frozen=True)
class Constraint:
    """A fairness constraint as the algorithm sees it: the labels of its action."""

    strong: bool
    labels: frozenset[int]


def shortest_prefix(graph: EdgeGraph, parent: array, s: int) -> tuple[list[int], list[int]]:
    nodes = []
    node = 2 * s + 1
    while node >= 0:
        nodes.append(node >> 1)
        node = parent[node]
    nodes.reverse()
    return nodes, [_label_between(graph, a, b) for a, b in itertools.pairwise(nodes)]


def _label_between(graph: EdgeGraph, a: int, b: int) -> int:
    for pos in graph.row(a):
        if graph.targets[pos] == b:
            return graph.labels[pos]
    raise AssertionError(f"no edge {a} -> {b}")


def cycle_through(graph: EdgeGraph, start: int, comp: list[int],
           constraints: Sequence[Constraint]) -> tuple[list[int], list[int]]:
    """A cycle from `start` inside comp that discharges every constraint: for each, take
    one of its edges or visit a state where it is disabled (weak) or take one of its edges
    (strong, when it is enabled somewhere in comp). Empty when start alone discharges them
    all (the behaviour stutters there)."""
    members = set(comp)
    offsets, targets, labels = graph.offsets, graph.targets, graph.labels

    def enabled_at(s: int) -> set[int]:
        out = set()
        for pos in range(offsets[s], offsets[s + 1]):
            if targets[pos] != s:
                out |= {j for j, c in enumerate(constraints) if labels[pos] in c.labels}
        return out

    everywhere = set(range(len(constraints)))
    somewhere: set[int] = set()
    for s in comp:
        here = enabled_at(s)
        everywhere &= here
        somewhere |= here
    # obligations: (constraint, needs an edge) -- otherwise a disabled state also does
    duties = [(j, c.strong or j in everywhere) for j, c in enumerate(constraints) if j in somewhere]
    states, steps = [start], []

    def done(j: int, edge_only: bool) -> bool:
        if any(lab in constraints[j].labels and a != b
               for a, b, lab in zip(states, states[1:], steps)):
            return True
        return not edge_only and any(j not in enabled_at(s) for s in states)

    for j, edge_only in duties:
        if done(j, edge_only):
            continue
        labs = constraints[j].labels

        def goal(v: int, j: int = j, edge_only: bool = edge_only, labs: frozenset = labs
                 ) -> tuple[int, int] | None:
            if not edge_only and j not in enabled_at(v):
                return (-1, -1)
            for pos in range(offsets[v], offsets[v + 1]):
                t = targets[pos]
                if t != v and t in members and labels[pos] in labs:
                    return (t, labels[pos])
            return None

        path, path_labels, hit = _search(graph, states[-1], members, goal)
        states += path[1:]
        steps += path_labels
        if hit[0] >= 0:
            states.append(hit[0])
            steps.append(hit[1])
    if states[-1] != start:  # close the loop
        path, path_labels, _ = _search(graph, states[-1], members,
                                       lambda v: (-1, -1) if v == start else None)
        states += path[1:]
        steps += path_labels
    return states, steps


def _search(graph: EdgeGraph, source: int, members: set[int],
            goal: Callable[[int], tuple[int, int] | None],
            ) -> tuple[list[int], list[int], tuple[int, int]]:
    """Breadth-first path inside members from source to the first v where goal(v) is not
    None; returns the path, its labels and goal's answer."""
    offsets, targets, labels = graph.offsets, graph.targets, graph.labels
    parent: dict[int, tuple[int, int]] = {source: (-1, -1)}
    queue = deque([source])
    while queue:
        v = queue.popleft()
        hit = goal(v)
        if hit is not None:
            path, path_labels = [v], []
            while parent[path[-1]][0] >= 0:
                p, lab = parent[path[-1]]
                path_labels.append(lab)
                path.append(p)
            return path[::-1], path_labels[::-1], hit
        for pos in range(offsets[v], offsets[v + 1]):
            t = targets[pos]
            if t in members and t not in parent:
                parent[t] = (v, labels[pos])
                queue.append(t)
    raise AssertionError("a strongly connected component has a path between any two states")
