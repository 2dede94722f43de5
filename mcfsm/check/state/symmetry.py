"""Symmetry reduction (TLC's SYMMETRY): each state the search reaches is replaced by one
canonical member of its orbit under the permutations of the instances the system declares
interchangeable (lang/symmetry.py), so the visited set holds one state per orbit.

The canonical member is, as TLC's, the least image of the state over every permutation g
of the group (all permutations of each declared set), in one fixed order of comparison
(`key`): first, per symmetric instance in declared order, its local, its inbox and its
marks (how the rest of the state mentions it: lang/symmetry.Marking, numbered in the
order first met), then the other slots (params, shared, the other instances' locals and
inboxes) in slot order. Values compare by their index in their slot's interning table;
the locals and inboxes of one set by their index in the table of the set's first instance
(`ref`), so that equal values compare equal wherever they sit. The order depends on the
order values were interned, which both engine cores share (they call this in the same
order); the orbit count does not depend on it.

Computing it without trying every permutation where possible (`__call__`): when no
symmetric instance's local or inbox mentions a symmetric instance (a name, or a sender
index in an inbox; true of TwoPhase's resource managers), a permutation only moves the
instances' keys, so the least arrangement sorts them; only permutations among instances
with equal keys (the tie blocks) can then lower the rest of the state, and the least rest
under those is memoized on (rest, blocks); usually no permutation within the blocks
changes the rest at all (tied instances are mentioned alike), which is checked on the
blocks' generators first. Otherwise every permutation is tried (`_by_group`, for
instances that mention each other: m! images for a set of m). Both give the same state.
Renamed values are memoized per (slot, index, permutation).
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from ...lang.symmetry import Marking, Renaming
from ...lang.system import System
from .store import Store

Perm = tuple[int, ...]


def group(system: System) -> list[Perm]:
    """Every permutation of the declared sets (their product), identity first, each as a
    tuple: perm[k] is the index instance k becomes."""
    n = len(system.instances)
    sets = [tuple(system.instance_names.index(name) for name in names)
            for names in system.symmetry]
    out = []
    for images in itertools.product(*(itertools.permutations(ks) for ks in sets)):
        perm = list(range(n))
        for ks, image in zip(sets, images):
            for k, j in zip(ks, image):
                perm[k] = j
        out.append(tuple(perm))
    return out


def generators(system: System) -> list[Perm]:
    """A generating set of the group: per set, a swap of its first two instances and the
    cycle through all of them. A value or predicate unchanged by these is unchanged by
    every permutation of the group."""
    n = len(system.instances)
    out = []
    for names in system.symmetry:
        ks = [system.instance_names.index(name) for name in names]
        swap = list(range(n))
        swap[ks[0]], swap[ks[1]] = ks[1], ks[0]
        out.append(tuple(swap))
        if len(ks) > 2:
            cycle = list(range(n))
            for q, k in enumerate(ks):
                cycle[k] = ks[(q + 1) % len(ks)]
            out.append(tuple(cycle))
    return out


def words(system: System) -> str:
    """The declaration as a report prints it: 'r1, r2, r3 (6 permutations)'."""
    count = math.prod(math.factorial(len(names)) for names in system.symmetry)
    return "; ".join(", ".join(names) for names in system.symmetry) + \
        f" ({count:,} permutations)"


class Canonical:
    """The canonical member of a state's orbit, on slot indices (module doc)."""

    def __init__(self, system: System, store: Store) -> None:
        self.system = system
        self.store = store
        n = self.n = len(system.instances)
        self.sets = [tuple(system.instance_names.index(name) for name in names)
                     for names in system.symmetry]
        symmetric = {k for ks in self.sets for k in ks}
        self.rest = [0, 1] + [2 + k for k in range(n) if k not in symmetric] + \
            [2 + n + k for k in range(n) if k not in symmetric]
        self._group: list[Perm] | None = None  # every permutation, made when first needed
        self.generators = generators(system)
        self._renamings: dict[Perm, Renaming] = {}
        # the reference slot of each symmetric slot: its set's first instance's local/inbox
        self._ref_slot = {}
        for ks in self.sets:
            for k in ks:
                self._ref_slot[2 + k] = 2 + ks[0]
                self._ref_slot[2 + n + k] = 2 + n + ks[0]
        slots = system.slot_count
        self._free: list[dict[int, bool]] = [{} for _ in range(slots)]
        self._ref: list[dict[int, int]] = [{} for _ in range(slots)]
        self._unref: list[dict[int, int]] = [{} for _ in range(slots)]
        self._moved: dict[tuple[int, int, Perm], int] = {}
        self._markings = {k: Marking(system, k) for ks in self.sets for k in ks}
        self._marks: dict[tuple[int, int, int], int] = {}  # (slot, index, k) -> mark id
        self._mark_ids: dict[Any, int] = {}
        self._least: dict[tuple[tuple[int, ...], tuple[tuple[int, ...], ...]],
                          tuple[tuple[int, ...], Perm | None]] = {}
        self.calls = 0
        self.by_group = 0  # states that needed every permutation (_by_group)
        # the permutation the last call applied (perm[k]: what instance k became), for
        # rebuilding traces (search/symmetric.py)
        self.last_perm: Perm = tuple(range(n))

    @property
    def group(self) -> list[Perm]:
        if self._group is None:
            self._group = group(self.system)
        return self._group

    def renaming(self, perm: Perm) -> Renaming:
        r = self._renamings.get(perm)
        if r is None:
            r = self._renamings[perm] = Renaming(self.system, perm)
        return r

    # -- memoized tables on indices ----------------------------------------------------------
    def free(self, slot: int, idx: int) -> bool:
        """Whether the value mentions no symmetric instance (unchanged by every
        permutation: checked on the generators)."""
        known = self._free[slot].get(idx)
        if known is None:
            value = self.store.values[slot][idx]
            known = self._free[slot][idx] = all(
                self.renaming(g).slot(slot, value) == value for g in self.generators)
        return known

    def moved(self, slot: int, idx: int, perm: Perm) -> int:
        """The index, in the slot it moves to, of the value at `slot` renamed by perm."""
        key = (slot, idx, perm)
        new = self._moved.get(key)
        if new is None:
            r = self.renaming(perm)
            value = r.slot(slot, self.store.values[slot][idx])
            new = self._moved[key] = self.store.intern(r.target(slot), value)
        return new

    def ref(self, slot: int, idx: int) -> int:
        """A symmetric slot's value as its index in the reference slot's table."""
        table = self._ref[slot]
        out = table.get(idx)
        if out is None:
            ref = self._ref_slot[slot]
            out = table[idx] = idx if ref == slot else self.store.intern(
                ref, self.store.values[slot][idx])
        return out

    def mark(self, slot: int, idx: int, k: int) -> int:
        """The id of a rest slot's value as symmetric instance k sees itself in it
        (lang/symmetry.Marking), numbered in the order first met."""
        key = (slot, idx, k)
        out = self._marks.get(key)
        if out is None:
            value = self._markings[k].slot(slot, self.n, self.store.values[slot][idx])
            out = self._mark_ids.setdefault(value, len(self._mark_ids))
            self._marks[key] = out
        return out

    def unref(self, slot: int, ref_idx: int) -> int:
        table = self._unref[slot]
        out = table.get(ref_idx)
        if out is None:
            ref = self._ref_slot[slot]
            out = table[ref_idx] = ref_idx if ref == slot else self.store.intern(
                slot, self.store.values[ref][ref_idx])
        return out

    # -- the canonical member ----------------------------------------------------------------
    def key(self, idxs: Any, k: int) -> tuple[Any, ...]:
        """What orders symmetric instance k in a state: its local and inbox (reference
        indices), then how the rest of the state mentions it (its marks)."""
        n = self.n
        return (self.ref(2 + k, idxs[2 + k]), self.ref(2 + n + k, idxs[2 + n + k]),
                tuple([self.mark(s, idxs[s], k) for s in self.rest]))

    def __call__(self, idxs: Any) -> list[int]:
        """The canonical member of the orbit of a state given as slot indices."""
        self.calls += 1
        n = self.n
        free = self.free
        keys_of = []
        for ks in self.sets:
            for k in ks:
                if not (free(2 + k, idxs[2 + k]) and free(2 + n + k, idxs[2 + n + k])):
                    return self._by_group(idxs)
            keys_of.append([self.key(idxs, k) for k in ks])
        new = list(idxs)
        perm = list(range(n))
        blocks: list[tuple[int, ...]] = []
        unref = self.unref
        for ks, keys in zip(self.sets, keys_of):
            order = sorted(range(len(ks)), key=keys.__getitem__)
            start = 0
            for q, j in enumerate(order):
                perm[ks[j]] = ks[q]
                new[2 + ks[q]] = unref(2 + ks[q], keys[j][0])
                new[2 + n + ks[q]] = unref(2 + n + ks[q], keys[j][1])
                if q and keys[order[q - 1]] != keys[j]:  # a tie block ends before q
                    if q - start > 1:
                        blocks.append(ks[start:q])
                    start = q
            if len(ks) - start > 1:
                blocks.append(ks[start:])
        g = tuple(perm)
        rest = tuple(idxs[s] for s in self.rest)
        if any(g[k] != k for k in range(n)):
            moved = self.moved
            rest = tuple([moved(s, v, g) for s, v in zip(self.rest, rest)])
        h = None
        if blocks:
            rest, h = self._least_rest(rest, tuple(blocks))
        self.last_perm = g if h is None else tuple(h[j] for j in g)
        for s, v in zip(self.rest, rest):
            new[s] = v
        return new

    def _block_perms(self, blocks: tuple[tuple[int, ...], ...]) -> list[Perm]:
        n = self.n
        out = []
        for images in itertools.product(*(itertools.permutations(b) for b in blocks)):
            perm = list(range(n))
            for b, image in zip(blocks, images):
                for k, j in zip(b, image):
                    perm[k] = j
            out.append(tuple(perm))
        return out

    def _least_rest(self, rest: tuple[int, ...], blocks: tuple[tuple[int, ...], ...],
                    ) -> tuple[tuple[int, ...], Perm | None]:
        """The least image of the rest of a state under the permutations within the tie
        blocks (memoized). Instances tied in local, inbox and marks are usually mentioned
        alike (TwoPhase: all in the TM's set or all out), so that no permutation within
        the blocks changes the rest: that is checked first, on the blocks' generators.
        (the least rest, the permutation that gives it or None for the identity)"""
        key = (rest, blocks)
        found = self._least.get(key)
        if found is None:
            slots, moved, n = self.rest, self.moved, self.n
            out, best = rest, None
            gens = []
            for b in blocks:
                swap = list(range(n))
                swap[b[0]], swap[b[1]] = b[1], b[0]
                cycle = list(range(n))
                for q, k in enumerate(b):
                    cycle[k] = b[(q + 1) % len(b)]
                gens += [tuple(swap), tuple(cycle)]
            if any(moved(s, v, g) != v for g in gens for s, v in zip(slots, rest)):
                for g in self._block_perms(blocks):
                    candidate = tuple([moved(s, v, g) for s, v in zip(slots, rest)])
                    if candidate < out:
                        out, best = candidate, g
            found = self._least[key] = (out, best)
        return found

    def _by_group(self, idxs: Any) -> list[int]:
        """The least image over every permutation (some symmetric local or inbox mentions
        a symmetric instance): the same order as `__call__`'s."""
        self.by_group += 1
        moved = self.moved
        best: tuple[Any, ...] | None = None
        best_state: list[int] = list(idxs)
        for g in self.group:
            state = list(idxs)
            target = self.renaming(g).target
            for slot, idx in enumerate(idxs):
                state[target(slot)] = moved(slot, idx, g)
            key = tuple([self.key(state, k) for ks in self.sets for k in ks]
                        + [state[s] for s in self.rest])
            if best is None or key < best:
                best, best_state, self.last_perm = key, state, g
        return best_state
