"""The explorer's state store: interned components, packed states, the visited set and the
parent/step columns.

Every component of a global state (params, shared, each local, each inbox) is interned in
a per-slot table, so a state is a vector of small integers, stored as one `bytes` of
slot indices, each as narrow as its table allows (1, 2 or 4 bytes; when a table outgrows
its width, the states stored so far are re-encoded once, and indices never change). The
states live in one list in discovery order; a BFS level is a range of that list, so there
is no separate queue. Parents and the step taken are two `array` columns.

The pure-Python twin of the engine core (core.PyCore) keeps its states here; the compiled
core (_core.pyx) keeps only the interning tables here and its states, visited set and
columns in flat C buffers (issue 19: issue 11's profile had shown that the gain needed
the whole hot loop in the extension, not the store alone, and so it was built). A state
here costs its `bytes` object (33 bytes of header plus one byte per slot, rounded up by
the allocator), a list slot (8), a set slot (8-byte hash and pointer, at most 60% full)
and the parent and step columns (8); in the compiled core, its packed bytes, 8 for the
columns and about 6 for the visited set (benchmarks/bench_twophase9.py measures it).
"""

from __future__ import annotations

import struct
from array import array
from typing import Any

_LIMIT = {"B": 0xFF, "H": 0xFFFF, "I": 0xFFFFFFFF}
# The indices at which `intern` widens a slot's code: a table that adds values without it
# (the compiled core's Core._made) calls `intern` there.
WIDENS_AT = tuple(top + 1 for top in _LIMIT.values() if top < 0xFFFFFFFF)


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

    def __init__(self, slots: int, indexed: bool = False) -> None:
        self.tables: list[dict[Any, int]] = [{} for _ in range(slots)]
        self.values: list[list[Any]] = [[] for _ in range(slots)]
        self.states: list[bytes] = []
        # indexed: `seen` maps each state to its index (edges for temporal properties need
        # the target's index even when it was seen before); otherwise a set is enough.
        self.seen: Any = {} if indexed else set()
        self.parent = array("i")
        self.step_of = array("I")
        self._codes = ["B"] * slots  # struct code per slot: widened to H, then I
        codec = struct.Struct("<" + "".join(self._codes))
        self.pack = codec.pack
        self.unpack = codec.unpack

    def sharing_values(self, indexed: bool = False) -> Store:
        """An empty store of states that interns into this one's tables: one variant's
        parameter combinations are searched one after another on the same component
        indices, so that memo tables keyed on them carry over (search/explorer.py's
        SharedTables). Each slot starts as wide as the indices its table holds already
        (another store sharing them may have widened its own)."""
        store = Store(len(self.tables), indexed)
        store.tables, store.values = self.tables, self.values
        store._codes = [next(code for code, top in _LIMIT.items() if len(values) - 1 <= top)
                        for values in self.values]
        codec = struct.Struct("<" + "".join(store._codes))
        store.pack, store.unpack = codec.pack, codec.unpack
        return store

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
        if isinstance(self.seen, dict):
            self.seen.update((packed, j) for j, packed in enumerate(states))
        else:
            self.seen.update(states)

    def encode(self, state: tuple) -> list[int]:
        return [self.intern(k, value) for k, value in enumerate(state)]

    def decode(self, idxs: Any) -> tuple:
        return tuple([vals[j] for vals, j in zip(self.values, idxs)])

    def decode_at(self, index: int) -> tuple:
        return self.decode(self.unpack(self.states[index]))

    def add(self, packed: bytes, parent: int, step: int) -> bool:
        """Record a state unless it was seen; whether it was new."""
        seen = self.seen
        if packed in seen:
            return False
        if isinstance(seen, dict):
            seen[packed] = len(self.states)
        else:
            seen.add(packed)
        self.states.append(packed)
        self.parent.append(parent)
        self.step_of.append(step)
        return True

    def path_to(self, index: int) -> list[int]:
        """State indices from an initial state to `index`, following parents."""
        return follow_parents(self.parent, index)

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


def follow_parents(parent: Any, index: int) -> list[int]:
    """The indices from an initial state (parent -1) to `index`, following `parent`."""
    path = []
    while index >= 0:
        path.append(index)
        index = parent[index]
    path.reverse()
    return path


class LazyState:
    """A state decoded slot by slot on access: what a step predicate's View of a successor
    needs (it reads a few slots of each of many successors). Indexable and iterable like
    the decoded tuple."""

    __slots__ = ("idxs", "values")

    def __init__(self, idxs: Any, values: list[list[Any]]) -> None:
        self.idxs = idxs
        self.values = values

    def __getitem__(self, k: Any) -> Any:
        if isinstance(k, slice):
            return tuple(self.values[j][self.idxs[j]] for j in range(*k.indices(len(self.idxs))))
        return self.values[k][self.idxs[k]]

    def __len__(self) -> int:
        return len(self.idxs)

    def __iter__(self) -> Any:
        return (vals[j] for vals, j in zip(self.values, self.idxs))
