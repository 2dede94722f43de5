"""One partition of the split search (partitioned.py): its share of the visited set, the
engine core that expands it, and the protocol the driver speaks to it (in this process,
through a pipe, or as a Ray actor). Every argument and answer is plain data: component
values travel as value_pickle bytes, rows as narrow integer arrays.
"""

from __future__ import annotations

import itertools
import time
from array import array
from typing import Any

from ...errors import McfsmError
from ...interrupt import stop_word
from ...lang.guard import unhashable_error
from ...lang.system import System
from ..kernel.core import load
from ..results import Budget
from ..search.explorer import Judge
from ..state import value_pickle
from ..state.stable_hash import combine, stable_hash
from ..state.steps import CompiledSteps
from ..state.store import Store
from .shared_table import attach

__all__ = ["Partition", "PartitionError"]


class PartitionError(McfsmError):
    """A partition of a split search failed or died."""


class Partition:
    """One partition of the split search: its share of the visited set and the code that
    expands it. Its methods are the protocol the driver speaks (in-process, through a pipe
    or as a Ray actor): every argument and answer is plain data."""

    def __init__(self, system: System, part: int, nparts: int, stop_on: frozenset[str],
                 memoize: bool = True, stop: Any = None, shared: Any = None,
                 lock: Any = None) -> None:
        self.system = system
        # a stop request polled after each expansion: in a forked partition, the driver's
        # Ctrl-C flag and --max-memory guard, which then measures this process's memory
        self.stop = stop
        self.part, self.nparts = part, nparts
        core_class, self.engine = load()
        store = self.store = Store(system.slot_count)
        steps = self.steps = CompiledSteps(system, store, memoize=memoize)
        judge = self.judge = Judge(system, store, steps, None, memoize,
                                   Budget(stop_on=stop_on), None, time.perf_counter())
        self.core = core_class(steps, store, judge, None, judge.check_states,
                               bool(judge.stepp or judge.bounded),
                               judge.check_deadlock or judge.check_unhandled)
        self.core.set_partition(part, nparts, stable_hash)
        # --hash-compact: one visited set of fingerprints for all partitions (shared_table.py),
        # a SharedTable (this process) or its (path, size) (a process of its own)
        self.shared, self.lock = shared, lock
        self.mapped: Any = None
        self.mark = 0  # where this round's new states begin
        self.given = self.given_now = 0  # states given away (kept, never expanded here)
        self.announced_to: dict[int, list[int]] = {}  # receiver -> values sent, per slot
        if shared is not None:
            self.reshare(shared)
        value_pickle.register(system)
        # Every partition interns the components of all initial states first, in the same
        # order: those indices agree everywhere and are never sent (the parameter record
        # among them is of a class made per system, which pickling cannot name).
        for init in system.initial_states():
            try:
                store.encode(init)
            except TypeError as exc:
                raise unhashable_error(system, init, exc) from exc
        self.common = [len(v) for v in store.values]
        self.level_start = self.level_end = 0
        self.initial_of: dict[int, int] = {}  # state index -> its ordinal among the initial states
        # parents in other partitions: (sender, its state index, its step id) per added state
        self.f_sender, self.f_index, self.f_sid = array("i"), array("i"), array("I")
        self.announced = list(self.common)  # values per slot already sent to the others
        self.announced_cov = 0
        self.maps: dict[int, list[array]] = {}  # sender -> per slot: its index -> ours
        self.tid_maps: dict[int, array] = {}  # sender -> its coverage id -> ours
        self.reported: set[str] = set()

    # -- the rounds ---------------------------------------------------------------------------
    def add_initials(self, ordinals: list[int]) -> dict[str, Any]:
        """Add the initial states the driver found this partition owns (by their ordinal in
        System.initial_states(), within the bounds)."""
        initial = self.system.initial_states()
        for o in ordinals:
            try:
                idxs = self.store.encode(initial[o])
            except TypeError as exc:
                raise unhashable_error(self.system, initial[o], exc) from exc
            if self.shared is not None and not self.core.claim_initial(idxs):
                continue  # an equal initial state, claimed already
            index = self.core.add_initial(idxs)
            if index >= 0:
                self.initial_of[index] = o
                if self.judge.check_states:
                    self.judge.state(index, tuple(idxs))
        self.level_start, self.level_end = 0, len(self.core)
        return self._report(None, self.judge.hit())

    def expand(self, stop_at_hit: bool, deadline_s: float | None) -> dict[str, Any]:
        """Expand this partition's frontier; the answer holds the batches for the others."""
        deadline = None if deadline_s is None else time.perf_counter() + deadline_s
        self.mark = len(self.core)
        self.steps.poll = None if deadline is None and self.stop is None else (
            lambda choices: self.judge.poll(choices, self.stop, deadline, None))
        began = time.perf_counter()
        try:
            stopped_by, hit = self.core.expand_range(self.level_start, self.level_end,
                                                     self.stop, deadline, stop_at_hit)
        except KeyboardInterrupt:
            stopped_by, hit = "interrupted", False
        except OverflowError as exc:  # the shared visited set (shared_table.py) filled
            raise PartitionError(
                "the visited set the partitions share filled within one BFS level: the level "
                "added more than 4 times the states of the one before\n  how to fix: check "
                "this variant with --workers 1 (with or without --hash-compact)") from exc
        stopped_by = stop_word(stopped_by, self.stop)  # this partition's own memory
        if self.shared is not None:  # nothing to send: each keeps what it claimed
            report = self._report(stopped_by, hit)
            report["parcels"] = [None] * self.nparts
            report["new"] = len(self.core) - self.mark
            # how fast this partition went (its frontier, in wall seconds): the driver
            # gives the faster partitions more of the next level (backends.py `balance`)
            report["seconds"] = time.perf_counter() - began
            return report
        values = self.store.values
        fresh = [(k, values[k][self.announced[k]:]) for k in range(len(values))
                 if len(values[k]) > self.announced[k]]
        self.announced = [len(v) for v in values]
        names = self.system.coverage_names
        coverage, self.announced_cov = names[self.announced_cov:], len(names)
        report = self._report(stopped_by, hit)
        blob = value_pickle.dumps(fresh, self.system, "a state component")
        coverage = list(coverage)
        report["parcels"] = [(self.part, blob, coverage, batch)
                             for batch in self.core.take_outbox()]
        return report

    def ingest(self, parcels: list[tuple[int, list, list, tuple]]) -> dict[str, Any]:
        """Add what the others sent: per sender, in sender order, (sender, its new values per
        slot, its new coverage names, its batch for this partition)."""
        report = self._take(parcels, tally=True)
        self.level_start, self.level_end = self.level_end, len(self.core)
        report["frontier"] = self.level_end - self.level_start
        return report

    def _take(self, parcels: list[tuple[int, list, list, tuple]], tally: bool) -> dict[str, Any]:
        width = self.system.slot_count
        hit = False
        for sender, values, coverage, (rows, parents, sids, tids) in parcels:
            maps = self.maps.setdefault(sender, [array("I", range(n)) for n in self.common])
            for slot, new in value_pickle.loads(values):
                maps[slot].extend(self.store.intern(slot, v) for v in new)
            tid_map = self.tid_maps.setdefault(sender, array("I"))
            tid_map.extend(self.system.coverage_id(actor, name) for actor, name in coverage)
            if not len(tids):
                continue
            local = self.core.translate(rows, width, maps)
            local_tids = self.core.translate(tids, 1, [tid_map]) if tally else tids
            positions, more = self.core.ingest(local, local_tids, -2 - len(self.f_sender),
                                               tally)
            hit = hit or more
            for j in positions:
                self.f_sender.append(sender)
                self.f_index.append(parents[j])
                self.f_sid.append(sids[j])
        return self._report(None, hit)

    # -- work stealing over a shared visited set (shared_table.py) --------------------------
    def give(self, count: int, receiver: int) -> tuple[int, Any, list, tuple]:
        """Give the last `count` states this round added to `receiver`, to expand in this
        one's place (they stay stored here, counted and never expanded): a parcel as
        `ingest` takes it, with the component values the receiver has not had from here."""
        core, values = self.core, self.store.values
        first = len(core) - self.given_now - count
        if count <= 0 or first < self.mark:
            raise PartitionError(f"partition {self.part} cannot give {count} states")
        rows, parents, sids = array("I"), array("i"), array("I")
        step_of = core.step_of
        for g in range(first, first + count):
            rows.extend(core.unpack(g))
            parents.append(core.parent_of(g))
            sids.append(step_of[g])
        sent = self.announced_to.setdefault(receiver, list(self.common))
        fresh = [(k, values[k][sent[k]:]) for k in range(len(values)) if len(values[k]) > sent[k]]
        self.announced_to[receiver] = [len(v) for v in values]
        self.given_now += count
        blob = value_pickle.dumps(fresh, self.system, "a state component")
        return (self.part, blob, [], (core.narrow(rows), parents, sids, array("I", [0]) * count))

    def receive(self, parcels: list[tuple[int, Any, list, tuple]]) -> dict[str, Any]:
        """Take the states other partitions gave: stored and judged here, expanded next."""
        return self._take(parcels, tally=False)

    def next_level(self) -> dict[str, Any]:
        """The next level to expand: what this round added here, but what was given."""
        self.level_start, self.level_end = self.mark, len(self.core) - self.given_now
        self.given += self.given_now
        self.given_now = 0
        return self._report(None, False)

    def reshare(self, table: Any) -> None:
        """Map the shared visited set (first, or a larger one the driver made: this
        partition's fingerprints are claimed in it again)."""
        mapped = table.map if hasattr(table, "map") else attach(*table)
        if self.mapped is None:
            self.core.set_shared(mapped, self.lock)
        else:
            self.core.reshare(mapped, self.lock)
        self.mapped = mapped

    def _report(self, stopped_by: str | None, hit: bool) -> dict[str, Any]:
        found = self.judge.found
        fresh = sorted(set(found) - self.reported)
        self.reported.update(fresh)
        return {"stopped_by": stopped_by, "hit": hit, "found": fresh,
                "distinct": len(self.core) - self.given - self.given_now,
                "frontier": self.level_end - self.level_start}

    def totals(self) -> dict[str, Any]:
        """The counts the driver sums: totals, pruned, coverage by (actor, transition)."""
        names = self.system.coverage_names
        generated, discovered = list(self.core.generated), list(self.core.discovered)
        coverage = {}
        for tid, name in enumerate(names):
            g = generated[tid] if tid < len(generated) else 0
            d = discovered[tid] if tid < len(discovered) else 0
            if g or d:
                coverage[name] = (g, d)
        return {"total": self.core.total, "pruned": self.core.pruned, "coverage": coverage,
                "engine": self.engine}

    # -- traces, read back hop by hop ---------------------------------------------------------
    def _successor_position(self, before: Any, key: Any, after: Any) -> int:
        return self.system.successors(before).index((key, after))

    def chain(self, index: int) -> tuple[list[int], tuple]:
        """The steps from where this partition's part of a trace starts to state `index`
        (positions in System.successors), and where it starts: ("initial", ordinal) or
        ("foreign", sender, its state index, its step id, the stable hash of the state)."""
        path = self.core.path_to(index)
        positions = []
        decode, step_list = self.core.decode_at, self.steps.step_list
        for parent, child in itertools.pairwise(path):
            positions.append(self._successor_position(
                decode(parent), step_list[self.core.step_of[child]], decode(child)))
        first = path[0]
        if first in self.initial_of:
            return positions, ("initial", self.initial_of[first])
        j = -2 - self.core.parent_of(first)
        return positions, ("foreign", self.f_sender[j], self.f_index[j], self.f_sid[j],
                           self.core.state_hash(first))

    def hop(self, index: int, sid: int, after_hash: int) -> int:
        """The position of step `sid` from state `index` to the state of hash `after_hash`."""
        before = self.core.decode_at(index)
        key = self.steps.step_list[sid]
        for position, (k, after) in enumerate(self.system.successors(before)):
            if k == key and combine(stable_hash(v) for v in after) == after_hash:
                return position
        raise PartitionError(f"partition {self.part}: the step {key!r} of a trace was not "
                             "found again (a model whose steps differ between processes?)")

    def finding(self, name: str) -> tuple[int, int | None, str]:
        """Where the trace of a finding ends: (state index, the position of the closing step
        for a step property or None, the note)."""
        index, tail, note = self.judge.found[name]
        if tail is None:
            return index, None, note
        return index, self._successor_position(self.core.decode_at(index), *tail), note
