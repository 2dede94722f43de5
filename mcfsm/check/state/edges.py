"""Compact storage of the explored state graph's edges, for temporal properties.

The explorer calls `EdgeRecorder.add(source, target, label)` once per generated successor
that is within the bounds (duplicates and self-loops included), where source and target
are state indices (discovery order) and label is the step's coverage id (which instance
took which transition). It records only when the system has temporal properties, so a
safety-only run pays nothing.

Storage is compressed sparse rows: the successors of state i are targets[offsets[i]:
offsets[i + 1]] with their labels alongside, 6 bytes per edge and 4 per state (array
module, no Python object per edge). Rows are filled in source order, which is the BFS
expansion order: a caller that expands states out of order (a parallel engine) must sort
its edges by source first.
"""

from __future__ import annotations

from array import array

from ...errors import McfsmError


class EdgeRecorder:
    __slots__ = ("_last", "labels", "offsets", "targets")

    def __init__(self) -> None:
        self.offsets = array("I", [0])  # offsets[i] = first edge of state i; one past the end
        self.targets = array("i")
        self.labels = array("H")
        self._last = 0

    def add(self, source: int, target: int, label: int) -> None:
        if source != self._last:
            self._open(source)
        self.targets.append(target)
        self.labels.append(label)

    def open(self, source: int) -> None:
        """Start the row of `source`; its edges are then appended to `targets` and
        `labels` directly (the explorer's hot path)."""
        if source != self._last:
            self._open(source)

    def _open(self, source: int) -> None:
        if source < self._last:
            raise McfsmError(f"edges must be recorded in source order ({source} after "
                             f"{self._last}); sort them by source first")
        offsets, end = self.offsets, len(self.targets)
        while len(offsets) <= source:  # states in between had no recorded successor
            offsets.append(end)
        self._last = source

    def finish(self, expanded: int) -> EdgeGraph:
        """The graph of the first `expanded` states (the ones whose successors are known)."""
        if expanded:
            self._open(expanded - 1)
        offsets = self.offsets
        del offsets[expanded + 1:]
        while len(offsets) < expanded + 1:
            offsets.append(len(self.targets))
        offsets[expanded] = len(self.targets)
        return EdgeGraph(offsets, self.targets, self.labels)


class EdgeGraph:
    """Read-only CSR graph: `succ(i)` yields (target, label) for state i."""

    __slots__ = ("labels", "offsets", "size", "targets")

    def __init__(self, offsets: array, targets: array, labels: array) -> None:
        self.offsets = offsets
        self.targets = targets
        self.labels = labels
        self.size = len(offsets) - 1  # states with known successors

    @property
    def edge_count(self) -> int:
        return len(self.targets)

    def row(self, i: int) -> range:
        return range(self.offsets[i], self.offsets[i + 1])

    def nbytes(self) -> int:
        return sum(a.itemsize * len(a) for a in (self.offsets, self.targets, self.labels))
