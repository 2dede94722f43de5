"""Symmetry reduction (TLC's SYMMETRY): each state the search reaches is replaced by one
canonical member of its orbit under the permutations of the instances the system declares
interchangeable (lang/symmetry.py), so the visited set holds one state per orbit.

Where no symmetric local or inbox mentions a symmetric instance, the canonical member is,
as TLC's, the least image of the state over every permutation g of the group (all
permutations of each declared set), in one fixed order of comparison (`key`): first, per
symmetric instance in declared order, its local, its inbox and its marks (how the rest of
the state mentions it: lang/symmetry.Marking, numbered in the order first met), then the
other slots (params, shared, the other instances' locals and inboxes) in slot order.
Values compare by their index in their slot's interning table; the locals and inboxes of
one set by their index in the table of the set's first instance (`ref`), so that equal
values compare equal wherever they sit. The order depends on the order values were
interned, which both engine cores share (they call this in the same order); the orbit
count does not depend on it.

Computing it without trying every permutation where possible (`__call__`): when no
symmetric instance's local or inbox mentions a symmetric instance (a name, or a sender
index in an inbox; true of TwoPhase's resource managers), a permutation only moves the
instances' keys, so the least arrangement sorts them; only permutations among instances
with equal keys (the tie blocks) can then lower the rest of the state, and the least rest
under those is memoized on (rest, blocks); usually no permutation within the blocks
changes the rest at all (tied instances are mentioned alike), which is checked on the
blocks' generators first.

Otherwise (a symmetric local or inbox mentions a symmetric instance: Paxos's replicas hold
values, peers greet peers) the instances are sorted by a signature that every permutation
carries along (`signature`: marks of each slot as the instance sees itself in it, and of
the other instances' locals as they mention it), and only the permutations among
instances whose signatures tie are tried (`_by_signature`, which says why this is exact):
on TLA+'s SimplifiedFastPaxos one image a state instead of 144. The canonical member is
then the least such image as slot indices, which is not always `_by_group`'s member (the
least image over every permutation, kept as the reference `ExhaustiveCanonical`), but is
one member per orbit as that is, so counts, depths and verdicts are the same
(tests/test_symmetry_canonical.py). Whether a state takes the sorting shortcut or the
signature is the same for every member of its orbit, so each orbit has one form.
Renamed values are memoized per (slot, index, permutation).
"""

from __future__ import annotations

import functools
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
    return list(swaps_and_cycles(len(system.instances), tuple(
        tuple(system.instance_names.index(name) for name in names)
        for names in system.symmetry)))


@functools.lru_cache(maxsize=1024)
def swaps_and_cycles(n: int, blocks: tuple[tuple[int, ...], ...]) -> tuple[Perm, ...]:
    """Per block of slots, the swap of its first two and the cycle through all of them
    (for more than two): generators of the permutations within the blocks. Cached: the
    canonical form asks it of every state's tie blocks."""
    out = []
    for ks in blocks:
        swap = list(range(n))
        swap[ks[0]], swap[ks[1]] = ks[1], ks[0]
        out.append(tuple(swap))
        if len(ks) > 2:
            cycle = list(range(n))
            for q, k in enumerate(ks):
                cycle[k] = ks[(q + 1) % len(ks)]
            out.append(tuple(cycle))
    return tuple(out)


def group_size(system: System) -> int:
    """How many permutations the declared sets give (the product of their factorials)."""
    return math.prod(math.factorial(len(names)) for names in system.symmetry)


def words(system: System) -> str:
    """The declaration as a report prints it: 'r1, r2, r3 (6 permutations)'."""
    return "; ".join(", ".join(names) for names in system.symmetry) + \
        f" ({group_size(system):,} permutations)"


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
        self._symmetric = [k for ks in self.sets for k in ks]
        self._set_of = {k: q for q, ks in enumerate(self.sets) for k in ks}
        self._targets: dict[Perm, list[int]] = {}
        self.calls = 0
        self.by_group = 0  # states that needed every permutation (_by_group)
        self.by_signature = 0  # states sorted by signature (_by_signature)
        self.tried = 0  # images _by_signature computed, over all its states
        self._last_tried = 0
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
                    return self._by_signature(idxs)
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

    # -- instances that mention each other: sorted by a signature, ties tried ----------------
    def signature(self, idxs: Any, k: int) -> tuple[Any, ...]:
        """What orders symmetric instance k when some symmetric local or inbox mentions a
        symmetric instance. Each part is a mark (lang/symmetry.Marking: k's name is "me",
        the other symmetric instances are anonymous), so the signature of k in a state is
        that of g(k) in g(state) for every permutation g of the group: k's local and inbox
        as k sees itself in them, how the rest of the state mentions k, and, as a sorted
        multiset over the other symmetric instances j, j's set, j's own local and inbox as j
        sees itself in them and how they mention k (which replica holds which value, which
        peer a peer greeted). The more it tells instances apart, the fewer ties to try."""
        n, mark = self.n, self.mark
        others = sorted([(self._set_of[j], mark(2 + j, idxs[2 + j], j),
                          mark(2 + n + j, idxs[2 + n + j], j), mark(2 + j, idxs[2 + j], k),
                          mark(2 + n + j, idxs[2 + n + j], k))
                         for j in self._symmetric if j != k])
        return (mark(2 + k, idxs[2 + k], k), mark(2 + n + k, idxs[2 + n + k], k),
                tuple([mark(s, idxs[s], k) for s in self.rest]), tuple(others))

    def image(self, idxs: Any, perm: Perm) -> list[int]:
        """A state (slot indices) renamed by perm, each slot's value memoized (`moved`)."""
        targets = self._targets.get(perm)
        if targets is None:
            target = self.renaming(perm).target
            targets = self._targets[perm] = [target(slot) for slot in range(len(idxs))]
        out = list(idxs)
        moved = self.moved
        for slot, (idx, to) in enumerate(zip(idxs, targets)):
            out[to] = moved(slot, idx, perm)
        return out

    def _by_signature(self, idxs: Any) -> list[int]:
        """The canonical member when some symmetric local or inbox mentions a symmetric
        instance, without trying every permutation: each set's instances are put in the
        order of their signatures (`signature`), and only the permutations among instances
        whose signatures tie are tried, the least image (as slot indices) kept.

        Exact: call a permutation g *sorting* for s when g(s) lists each set's instances in
        signature order. For t = h(s), g sorts t exactly when g.h sorts s (the signature
        of h(k) in t is that of k in s), so {g(t) : g sorts t} = {g(s) : g sorts s}: every
        member of an orbit has the same candidates, and the least of them is one state per
        orbit, as the least image over the whole group (`_by_group`, the reference) is.
        The sorting permutations are one of them followed by every permutation within the
        tie blocks; when the blocks' generators leave the sorted image unchanged (instances
        tied because they are alike: replicas still at their initial local, values no
        message names), so do all those permutations, and nothing more is tried."""
        self.by_signature += 1
        n = self.n
        sig = {k: self.signature(idxs, k) for k in self._symmetric}
        perm = list(range(n))
        blocks: list[tuple[int, ...]] = []
        for ks in self.sets:
            order = sorted(ks, key=sig.__getitem__)
            start = 0
            for q, k in enumerate(order):
                perm[k] = ks[q]
                if q and sig[order[q - 1]] != sig[k]:  # a tie block ends before q
                    if q - start > 1:
                        blocks.append(ks[start:q])
                    start = q
            if len(ks) - start > 1:
                blocks.append(ks[start:])
        g = tuple(perm)
        row = self.image(idxs, g) if any(g[k] != k for k in range(n)) else list(idxs)
        if blocks:
            row, h = self._least_within(row, tuple(blocks))
            if h is not None:
                g = tuple(h[j] for j in g)
        self.tried += 1 if not blocks else self._last_tried
        self.last_perm = g
        return row

    def _least_within(self, row: list[int], blocks: tuple[tuple[int, ...], ...],
                      ) -> tuple[list[int], Perm | None]:
        """The least image of a row under the permutations within the tie blocks (the
        permutation that gives it, None for the identity); the blocks' generators first."""
        gens = swaps_and_cycles(self.n, blocks)
        if all(self.image(row, h) == row for h in gens):
            self._last_tried = 1
            return row, None
        best, best_h = row, None
        perms = self._block_perms(blocks)
        self._last_tried = len(perms)
        for h in perms[1:]:  # the first is the identity: `row` itself
            candidate = self.image(row, h)
            if candidate < best:
                best, best_h = candidate, h
        return best, best_h

    def _by_group(self, idxs: Any) -> list[int]:
        """The least image over every permutation, in the order of `key` (TLC's
        definition, m! images for a set of m): the reference `ExhaustiveCanonical` applies
        to every state, which tests/test_symmetry_canonical.py compares with."""
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


class ExhaustiveCanonical(Canonical):
    """The reference canonical form: the least image over every permutation of the group,
    for every state (`_by_group`). It stores the same orbits as `Canonical`, which tries
    far fewer permutations, but not always the same member of each (the two orders
    differ); tests/test_symmetry_canonical.py holds the two to the same counts and
    verdicts, and benchmarks/bench_symmetry.py measures what the shortcut saves."""

    def __call__(self, idxs: Any) -> list[int]:
        self.calls += 1
        return self._by_group(idxs)
