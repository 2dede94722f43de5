"""The explorer's state store: interned components, packed states, the visited set and the
parent/step columns.

Every component of a global state (params, shared, each local, each inbox) is interned in
a per-slot table, so a state is a vector of small integers, stored as one `bytes` of
slot indices, each as narrow as its table allows (1, 2 or 4 bytes; when a table outgrows
its width, the states stored so far are re-encoded once, and indices never change). The
states live in one list in discovery order; a BFS level is a range of that list, so there
is no separate queue. Parents and the step taken are two `array` columns.

Why pure Python and not a compiled extension (issue 11 asked to measure): after the
compiled local steps (steps.py), a cProfile of TwoPhase with 8 resource managers (1.7M
states) puts the store's own work (the `pack` call, the `seen` lookup/insert, the three
appends) at about 30% of the run, and each of those is already a single C call on
CPython's own bytes, set and array types. A Rust/Cython store would replace those calls
but still cross the Python/C boundary once per successor, which is where the time goes;
the remaining gain would need the whole hot loop (successor assembly included) in the
extension, i.e. a second engine. Bytes per state are bounded by the `bytes` object header
(33 bytes) plus the set and list slots; see benchmarks/bench_engine.py for the measured
figure.
"""

from __future__ import annotations

import struct
from array import array
from typing import Any

_LIMIT = {"B": 0xFF, "H": 0xFFFF, "I": 0xFFFFFFFF}


class Store:
    """Interning tables per slot, packed states in discovery order, and the trace columns."""

    __slots__ = (
        "_codes",
        "pack",
        "parent",
        "seen",
        "states",
        "step_of",
        "tables",
        "unpack",
        "values",
    )

    def __init__(self, slots: int) -> None:
        self.tables: list[dict[Any, int]] = [{} for _ in range(slots)]
        self.values: list[list[Any]] = [[] for _ in range(slots)]
        self.states: list[bytes] = []
        self.seen: set[bytes] = set()
        self.parent = array("i")
        self.step_of = array("I")
        self._codes = ["B"] * slots  # struct code per slot: widened to H, then I
        codec = struct.Struct("<" + "".join(self._codes))
        self.pack = codec.pack
        self.unpack = codec.unpack

    def intern(self, slot: int, value: Any) -> int:
        """The index of a component value in its slot's table (added when new)."""
        idx = self.tables[slot].get(value)
        if idx is not None:
            return idx
        values = self.values[slot]
        idx = self.tables[slot][value] = len(values)
        values.append(value)
        if idx > _LIMIT[self._codes[slot]]:
            self._widen(slot)
        return idx

    def _widen(self, slot: int) -> None:
        """Give a slot more bytes and re-encode every stored state (in place)."""
        old_unpack = self.unpack
        self._codes[slot] = "H" if self._codes[slot] == "B" else "I"
        codec = struct.Struct("<" + "".join(self._codes))
        self.pack, self.unpack = codec.pack, codec.unpack
        states = self.states
        for j, packed in enumerate(states):  # one by one: no second copy of the list
            states[j] = codec.pack(*old_unpack(packed))
        self.seen.clear()
        self.seen.update(states)

    def encode(self, state: tuple) -> list[int]:
        return [self.intern(k, value) for k, value in enumerate(state)]

    def decode(self, idxs: Any) -> tuple:
        return tuple([vals[j] for vals, j in zip(self.values, idxs)])

    def decode_at(self, index: int) -> tuple:
        return self.decode(self.unpack(self.states[index]))

    def add(self, packed: bytes, parent: int, step: int) -> bool:
        """Record a state unless it was seen; whether it was new."""
        if packed in self.seen:
            return False
        self.seen.add(packed)
        self.states.append(packed)
        self.parent.append(parent)
        self.step_of.append(step)
        return True

    def path_to(self, index: int) -> list[int]:
        """State indices from an initial state to `index`, following parents."""
        path = []
        while index >= 0:
            path.append(index)
            index = self.parent[index]
        path.reverse()
        return path

    def contains(self, state: tuple) -> bool:
        indices = []
        for k, value in enumerate(state):
            idx = self.tables[k].get(value)
            if idx is None:
                return False
            indices.append(idx)
        return self.pack(*indices) in self.seen

    def __len__(self) -> int:
        return len(self.states)
