"""The engine core: the breadth-first search proper (frontier, expansion from memoized local
steps, the visited set with its parent and step columns, edge recording), in two
implementations with one interface and identical results:

- `_core.pyx`, compiled with Cython: states packed in one flat buffer, an open-addressing
  visited set of 4-byte indices into it, the memo of local steps and the inbox tables as C
  hash tables. Python runs only on a memo miss (model code, through CompiledSteps) and to
  judge what the search found (explorer.Judge: property predicates, step properties,
  bounds, deadlock and unhandled findings, progress).
- `PyCore` below, the pure-Python twin: the same loop on CompiledSteps.expand and the
  Store's bytes/set/array columns. Read it first; the compiled core follows it line by line.

Why Cython: gcc and Cython wheels are on every machine here and `pip install -e .` builds the
extension with them; Rust crates cannot be fetched from these machines (Debian's packaged
pyo3 is old), and a C extension by hand would need the same refcounting Cython writes for
us. When the extension is missing (no compiler, a failed build) or MCFSM_PURE=1 is set,
`load()` returns the twin, and the Result says which engine ran (Result.engine), so a
difference is never silent.

Two frontiers, one expansion: `search` is breadth-first (a BFS level is a range of the
states in discovery order), `search_depth_first` pops a stack (`check --dfs`); both expand
a state and record its successors with the same `expand`.

The core calls back into Python through two objects: `steps` (CompiledSteps: memo misses
and inbox tables) and `judge` (explorer.Judge), with these methods:

    judge.state(index, idxs, parent, parent_index) -> bool
                                                 a new state (found from the state parent
                                                 expanded, at parent_index, or None):
                                                 predicates; whether to stop
    judge.expansion(i, idxs, has_steps, unhandled) -> bool
                                                 an unhandled message or a dead end
    judge.step(i, idxs, tid, sid, new) -> int    only with step properties or bounds:
                                                 0 drop (out of bounds), 1 keep, 2 keep and stop
    judge.progress(states, total, depth, queued) every progress_every expansions
    judge.cut_reason() -> str                    why a StepCut was raised
"""

from __future__ import annotations

import os
import time
from array import array
from typing import Any

from ...lang.system import State, StepCut
from ..state.edges import EdgeRecorder
from ..state.fingerprints import FingerprintSet, fingerprint
from ..state.stable_hash import combine
from ..state.steps import CompiledSteps
from ..state.store import Store

# Which engine ran, as Result.engine reports it.
COMPILED = "compiled"
PURE = "python"


def compiled() -> tuple[Any, str]:
    """The compiled module (None unless it imports and MCFSM_PURE is unset or 0) and the
    name of the engine that runs."""
    if os.environ.get("MCFSM_PURE", "") not in ("", "0"):
        return None, f"{PURE} (MCFSM_PURE={os.environ['MCFSM_PURE']})"
    try:
        from . import _core  # type: ignore[attr-defined]
    except ImportError as exc:
        # (a wheel or sdist installed where no C compiler ran, or an editable install whose
        # build failed): the same results, more slowly, and said where a result is read
        return None, (f"{PURE} (compiled core unavailable: {exc}; the pure-Python twin runs, "
                      "same results, slower; reinstall mcfsm where a C compiler is to build it)")
    return _core, COMPILED


def load() -> tuple[type, str]:
    """The core class to run and its name: the compiled one unless MCFSM_PURE=1 or it
    cannot be imported (then the name says why)."""
    module, name = compiled()
    return (PyCore if module is None else module.Core), name


def count(generated: list[int], discovered: list[int], column: list[int], tid: int) -> None:
    """One more in `column` (generated or discovered) for coverage id tid, both columns
    grown to hold it (coverage ids are handed out as the search meets steps)."""
    if tid >= len(column):
        extra = [0] * (tid + 1 - len(column))
        generated.extend(extra)
        discovered.extend(extra)
    column[tid] += 1


class PyCore:
    """The pure-Python twin of `_core.Core`."""

    def __init__(self, steps: CompiledSteps, store: Store, judge: Any,
                 record: EdgeRecorder | None, check_states: bool, judge_steps: bool,
                 check_expansions: bool) -> None:
        self.steps = steps
        self.store = store
        self.judge = judge
        self.record = record
        self.check_states = check_states
        self.judge_steps = judge_steps  # step properties or bounds: judge.step per successor
        self.check_expansions = check_expansions  # deadlock or unhandled properties
        self.total = 0
        self.pruned = 0
        self.expanded = 0
        n = len(steps.system.coverage_names)
        self.generated = [0] * n
        self.discovered = [0] * n
        # Depth-first with a depth bound only (search_depth_first): each state's depth on
        # the path that reached it, and the stack, which `revisit` pushes onto.
        self.revisit = False
        self.depth_of = array("i")
        self.stack = array("i")
        # The split search (partitioned.py): this core keeps the successors it owns.
        self.part, self.nparts = 0, 1
        self.hash_value: Any = None
        self.value_hashes: list[list[int]] = []
        self.outbox: list[tuple[array, array, array, array]] = []
        # The shared visited set (set_shared): fingerprints every partition maps, word 0
        # the number claimed; `claimed`, this partition's own (reshare inserts them again).
        self.shared: memoryview | None = None
        self.shared_lock: Any = None
        self.claimed = array("Q")
        # Symmetry reduction (state/symmetry.py): each successor, once its step is judged,
        # is replaced by the canonical member of its orbit before it is looked up.
        self.canon: Any = None

    # -- the visited set and its columns ----------------------------------------------------
    def __len__(self) -> int:
        return len(self.store.states)

    def add_initial(self, idxs: list[int]) -> int:
        """Add an initial state; its index, or -1 when it was seen already."""
        store = self.store
        if store.add(store.pack(*idxs), -1, 0):
            return len(store.states) - 1
        return -1

    def unpack(self, index: int) -> tuple[int, ...]:
        return self.store.unpack(self.store.states[index])  # type: ignore[no-any-return]

    @property
    def step_of(self) -> array:
        return self.store.step_of

    def path_to(self, index: int) -> list[int]:
        return self.store.path_to(index)

    def parent_of(self, index: int) -> int:
        return self.store.parent[index]

    def decode_at(self, index: int) -> State:
        return self.store.decode_at(index)

    def contains(self, state: State) -> bool:
        return self.store.contains(state)

    def set_symmetry(self, canon: Any) -> None:
        """Store canonical states only: canon(slot indices) -> the canonical member's."""
        self.canon = canon

    def release_index(self) -> None:
        """The state -> index map is not needed any more (liveness runs next): free it."""
        self.store.seen.clear()

    def set_compact(self) -> None:
        """Hash compaction (fingerprints.py): seen states are compared by fingerprint. The
        twin keeps every row (the compiled core drops expanded ones); the counts, verdicts
        and traces are the same."""
        if self.store.states:
            raise RuntimeError("set_compact() comes before the first state")
        self.store.seen = FingerprintSet(lambda packed: self.store.unpack(packed))

    def fingerprint_at(self, index: int) -> int:
        return fingerprint(self.unpack(index))

    @property
    def rows_kept(self) -> int:
        return len(self.store.states)

    def _count(self, column: list[int], tid: int) -> None:
        count(self.generated, self.discovered, column, tid)

    # -- the search ---------------------------------------------------------------------------
    def search(self, max_depth: int | None, max_states: int | None, deadline: float | None,
               stop: Any, progress_every: int, stop_hit: bool,
               start: tuple[int, int] | None = None,
               at_level: Any = None) -> tuple[int, str | None]:
        """Breadth-first from the initial states added so far, or from `start` = (first state
        of the level to expand, its depth) of a restored checkpoint: (depth, stopped_by). A
        BFS level is a range of the states in discovery order (the frontier needs no
        queue). `at_level(depth, level_start)` is called at each level boundary."""
        states = self.store.states
        depth = 1 if states else 0
        level_start, level_end = 0, len(states)
        if start is not None:
            level_start, depth = start
        stopped_by: str | None = None
        while level_start < level_end and stopped_by is None:
            if max_depth is not None and depth >= max_depth:
                stopped_by = "max-depth"
                break
            for i in range(level_start, level_end):
                try:
                    stopped_by, hit = self.expand(i, max_states)
                except StepCut:  # a step with very many choices met the budget
                    stopped_by = self.judge.cut_reason()
                    break
                stop_hit = stop_hit or hit
                if stop_hit:
                    stopped_by = "first-violation"
                if stopped_by:
                    break
                stopped_by = self.poll(i, depth, deadline, stop, progress_every)
                if stopped_by:
                    break
            reached_next_level = len(states) > level_end
            level_start, level_end = level_end, len(states)
            if reached_next_level:
                depth += 1
            if at_level is not None and stopped_by is None and level_start < level_end:
                at_level(depth, level_start)
        return depth, stopped_by

    # -- checkpoints (checkpoint.py) ----------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """The visited set and its columns and counters as plain arrays (rows of slot
        indices, unpacked: independent of the packing widths)."""
        store = self.store
        rows = array("I")
        for packed in store.states:
            rows.extend(store.unpack(packed))
        return {"rows": rows, "parent": array("i", store.parent),
                "step": array("I", store.step_of), "generated": list(self.generated),
                "discovered": list(self.discovered), "total": self.total,
                "pruned": self.pruned, "expanded": self.expanded,
                "last_opened": self.record._last if self.record is not None else 0}

    def restore(self, snap: dict[str, Any]) -> None:
        """A snapshot's states, in their order, with their parents and steps and counters
        (into an empty core)."""
        store = self.store
        if store.states:
            raise ValueError("restore into an empty core")
        rows, width = snap["rows"], len(store.values)
        for j, (parent, step) in enumerate(zip(snap["parent"], snap["step"])):
            if not store.add(store.pack(*rows[j * width:(j + 1) * width]), parent, step):
                raise ValueError(f"state {j} of the checkpoint is there twice")
        self.generated[:] = snap["generated"]
        self.discovered[:] = snap["discovered"]
        self.total, self.pruned, self.expanded = snap["total"], snap["pruned"], snap["expanded"]
        if self.record is not None:
            self.record._last = snap["last_opened"]

    def search_depth_first(self, max_depth: int | None, max_states: int | None,
                           deadline: float | None, stop: Any, progress_every: int,
                           stop_hit: bool) -> tuple[int, str | None]:
        """The same search with a stack for its frontier: (the deepest depth reached,
        stopped_by). A state is expanded when popped, unless it lies at max_depth (it is
        then cut, and the search says it stopped at the bound); its new successors are
        pushed, the first one on top. With max_depth, a state reached again by a shorter
        path than the one it was first reached by gets that depth, parent and step, and is
        expanded again (SPIN's fix for depth-bounded DFS), so that no state within the bound
        is missed; such a re-expansion leaves the total and the coverage counts as they were
        (TLC counts each state's successors once)."""
        states = self.store.states
        n = len(states)
        depth_of = self.depth_of = array("i", [1]) * n
        done_at = array("i", [0]) * n  # the depth a state was expanded at, 0: not yet
        stack = self.stack = array("i", range(n - 1, -1, -1))
        self.revisit = max_depth is not None
        deepest = 1 if n else 0
        stopped_by: str | None = None
        while stack:
            i = stack.pop()
            d = depth_of[i]
            if done_at[i] and done_at[i] <= d:
                continue  # expanded already at this depth or less (a stale stack entry)
            if max_depth is not None and d >= max_depth:
                continue  # cut at the bound: counted below
            again = done_at[i] > 0
            done_at[i] = d
            if again:  # re-expanded: the totals count each state's successors once
                saved = (self.total, self.pruned, list(self.generated))
            old = len(states)
            try:
                stopped_by, hit = self.expand(i, max_states)
            except StepCut:  # a step with very many choices met the budget
                stopped_by = self.judge.cut_reason()
                break
            if again:
                self.total, self.pruned, generated = saved
                self.generated[:len(generated)] = generated
            new = len(states)
            if new > old:
                depth_of.extend(array("i", [d + 1]) * (new - old))
                done_at.extend(array("i", [0]) * (new - old))
                stack.extend(range(new - 1, old - 1, -1))
                deepest = max(deepest, d + 1)
            stop_hit = stop_hit or hit
            if stop_hit:
                stopped_by = "first-violation"
            if stopped_by:
                break
            stopped_by = self.poll(i, d, deadline, stop, progress_every, len(stack))
            if stopped_by:
                break
        if stopped_by is None and 0 in done_at:
            stopped_by = "max-depth"  # some state was left unexpanded at the bound
        self.revisit = False
        return deepest, stopped_by

    def revisit_at(self, target: int, i: int, sid: int) -> None:
        """A depth-bounded depth-first search reached `target` (seen before) from state i:
        when this path is shorter, take it and expand the state again."""
        depth_of = self.depth_of
        if target < len(depth_of) and depth_of[target] > depth_of[i] + 1:
            depth_of[target] = depth_of[i] + 1
            self.store.parent[target] = i
            self.store.step_of[target] = sid
            self.stack.append(target)

    def poll(self, i: int, depth: int, deadline: float | None, stop: Any,
             progress_every: int, queued: int | None = None) -> str | None:
        """After each expansion: the clock (about 0.1 us against the microseconds an
        expansion takes, so a time limit holds however slow one state is); every 256
        expansions a stop request (Ctrl-C) and progress, as the compiled core polls them."""
        if deadline is not None and time.perf_counter() > deadline:
            return "time-limit"
        expanded = self.expanded
        if expanded & 255 == 0:
            if stop is not None and stop():
                return "interrupted"
            if expanded % progress_every == 0:
                n = len(self.store.states)
                self.judge.progress(n, self.total, depth, n - i - 1 if queued is None else queued)
        return None

    def expand(self, i: int, max_states: int | None) -> tuple[str | None, bool]:
        """Expand state i: record its successors; (stopped_by, whether a judged finding asks
        to stop)."""
        store = self.store
        idxs = store.unpack(store.states[i])
        succs, loops, unhandled = self.steps.expand(idxs)
        self.expanded += 1
        hit = False
        if self.check_expansions and (unhandled is not None or not (succs or loops)):
            hit = self.judge.expansion(i, idxs, bool(succs or loops), unhandled)
        self.total += len(succs) + len(loops)
        generated = self.generated
        for tid, _ in loops:
            self._count(generated, tid)
        if (self.judge_steps and (succs or loops)) or self.record is not None or self.revisit:
            stopped_by, more = self.record_all(i, idxs, succs, loops, max_states)
        else:
            stopped_by, more = self.record_new(i, idxs, succs, max_states)
        return stopped_by, hit or more

    def record_new(self, i: int, idxs: Any, succs: list,
                   max_states: int | None) -> tuple[str | None, bool]:
        """The hot loop: no edges, no step properties, no bounds."""
        store = self.store
        pack = store.pack  # read afresh: interning may have widened the packing
        seen, states, parent, step_of = store.seen, store.states, store.parent, store.step_of
        generated, discovered = self.generated, self.discovered
        judge = self.judge if self.check_states else None
        canon = self.canon
        hit = False
        split = self.nparts > 1
        for tid, sid, new in succs:
            self._count(generated, tid)
            if canon is not None:
                new = canon(new)
                pack = store.pack  # the canonical member's values may have widened a slot
            if split and self._sent(i, tid, sid, new):
                continue
            packed = pack(*new)
            if packed in seen:
                continue
            seen.add(packed)
            states.append(packed)
            parent.append(i)
            step_of.append(sid)
            discovered[tid] += 1
            if judge is not None and judge.state(len(states) - 1, new, idxs, i):
                hit = True
            if max_states is not None and len(states) >= max_states:
                return "max-states", hit
        return None, hit

    def record_all(self, i: int, idxs: Any, succs: list, loops: list,
                   max_states: int | None) -> tuple[str | None, bool]:
        """The general loop: step properties and bounds see every step (self-loops last),
        edges are recorded for temporal properties."""
        store = self.store
        pack, seen, states = store.pack, store.seen, store.states
        generated, discovered = self.generated, self.discovered
        judge = self.judge
        judge_steps = self.judge_steps
        record = self.record
        if record is not None:
            record.open(i)  # this state's edges follow, in successor order
            targets, labels = record.targets, record.labels
        hit = False
        for tid, sid, new in succs:
            self._count(generated, tid)
            if judge_steps:
                verdict = judge.step(i, idxs, tid, sid, new)
                if verdict == 0:
                    self.pruned += 1
                    continue
                hit = hit or verdict == 2
            if self.canon is not None:
                new = self.canon(new)
                pack = store.pack  # the canonical member's values may have widened a slot
            if self.nparts > 1 and self._sent(i, tid, sid, new):
                continue
            packed = pack(*new)
            if record is not None:
                target = seen.get(packed)
                targets.append(len(states) if target is None else target)
                labels.append(tid)
                if target is not None:
                    continue
            if not store.add(packed, i, sid):
                if self.revisit:
                    self.revisit_at(seen[packed], i, sid)
                continue
            discovered[tid] += 1
            if self.check_states and judge.state(len(states) - 1, new, idxs, i):
                hit = True
            if max_states is not None and len(states) >= max_states:
                return "max-states", hit
        for tid, sid in loops:
            if judge_steps and judge.step(i, idxs, tid, sid, None) == 2:
                hit = True
            if record is not None:
                targets.append(i)
                labels.append(tid)
        return None, hit

    # -- the split search (partitioned.py) ----------------------------------------------------
    def set_partition(self, part: int, nparts: int, hash_value: Any) -> None:
        """Own the states whose owner (the stable hash of the state modulo nparts, see
        stable_hash.py) is `part`; a successor owned by another partition goes to that
        partition's outbox (take_outbox) instead of the visited set."""
        if self.record is not None:
            raise ValueError("a split search records no edges (temporal properties)")
        if not 0 <= part < nparts:
            raise ValueError(f"partition {part} of {nparts}")
        self.part, self.nparts, self.hash_value = part, nparts, hash_value
        self.value_hashes = [[] for _ in range(len(self.store.values))]
        self.outbox = self._empty_outbox()

    def _empty_outbox(self) -> list[tuple[array, array, array, array]]:
        self.sent_this_round: list[set[tuple[int, ...]]] = [set() for _ in range(self.nparts)]
        return [(array("I"), array("i"), array("I"), array("I")) for _ in range(self.nparts)]

    def _state_hash(self, idxs: Any) -> int:
        hashes = self.value_hashes
        for k, j in enumerate(idxs):
            column = hashes[k]
            if j >= len(column):  # hash the slot's values up to j (once a value)
                values = self.store.values[k]
                column.extend(self.hash_value(values[m]) for m in range(len(column), j + 1))
        return combine(hashes[k][j] for k, j in enumerate(idxs))

    def state_hash(self, index: int) -> int:
        """The stable hash of state `index` (equal in every partition for equal states)."""
        return self._state_hash(self.unpack(index))

    def set_shared(self, buffer: Any, lock: Any = None) -> None:
        """Share the visited set with the other partitions (the compiled core's docstring
        says how); the twin has no compare-and-swap, so it claims under `lock` (a
        multiprocessing lock every partition holds), or alone when there is none."""
        words = memoryview(buffer).cast("B").cast("Q")
        n = len(words) - 1
        if n < 2 or n & (n - 1):
            raise ValueError(f"a shared table of {n} slots: a power of two is needed")
        if self.nparts < 2:
            raise ValueError("set_shared needs set_partition first")
        self.shared, self.shared_lock = words, lock

    def reshare(self, buffer: Any, lock: Any = None) -> None:
        """Move to a larger shared table: claim again every fingerprint this partition
        claimed."""
        mine, self.claimed = self.claimed, array("Q")
        self.set_shared(buffer, lock)
        for want in mine:
            if not self._claim(want):
                raise ValueError("a fingerprint was claimed twice while the shared table "
                                 "grew: every partition must reshare before any expands")

    def claim_initial(self, idxs: Any) -> bool:
        """Claim an initial state's fingerprint; whether this partition claimed it first."""
        return self._claim(self._state_hash(idxs))

    def shared_load(self) -> tuple[int, int]:
        """(fingerprints claimed by all partitions, slots of the shared table)."""
        return (0, 0) if self.shared is None else (self.shared[0], len(self.shared) - 1)

    def _claim(self, h: int) -> bool:
        if self.shared_lock is None:
            return self._claim_locked(h)
        with self.shared_lock:
            return self._claim_locked(h)

    def _claim_locked(self, h: int) -> bool:
        table = self.shared
        assert table is not None
        want = h or 1  # 0 marks an empty slot
        mask = len(table) - 2
        pos = (want >> 7) & mask
        for _ in range(mask + 1):
            e = table[1 + pos]
            if e == want:
                return False
            if e == 0:
                table[1 + pos] = want
                table[0] += 1
                if table[0] * 8 > (mask + 1) * 7:
                    raise OverflowError("the shared visited set is full")
                self.claimed.append(want)
                return True
            pos = (pos + 1) & mask
        raise OverflowError("the shared visited set is full")

    def _sent(self, i: int, tid: int, sid: int, new: Any) -> bool:
        """A successor goes to its owner's outbox (once a round), unless this partition
        owns it; with a shared visited set, it is skipped unless this partition claims it."""
        if self.shared is not None:
            return not self._claim(self._state_hash(new))
        owner = self._state_hash(new) % self.nparts
        if owner == self.part:
            return False
        sent = self.sent_this_round[owner]
        key = tuple(new)
        if key in sent:
            return True  # sent once this round already
        sent.add(key)
        rows, parents, sids, tids = self.outbox[owner]
        rows.extend(new)
        parents.append(i)
        sids.append(sid)
        tids.append(tid)
        return True

    def take_outbox(self) -> list[tuple[array, array, array, array]]:
        """What was sent to each partition since the last call: per partition (rows of slot
        indices in this store's numbering, narrowed, parent indices, step ids, coverage ids)."""
        out, self.outbox = self.outbox, self._empty_outbox()
        return [(self.narrow(rows), *rest) for rows, *rest in out]

    def expand_range(self, start: int, end: int, stop: Any, deadline: float | None,
                     stop_at_hit: bool) -> tuple[str | None, bool]:
        """Expand states start..end-1 (this partition's share of one BFS level): successors
        it owns join the visited set, the others the outboxes. (stopped_by, whether a
        finding asks to stop)."""
        any_hit = False
        for i in range(start, end):
            try:
                _, hit = self.expand(i, None)
            except StepCut:
                return self.judge.cut_reason(), any_hit
            if hit:
                any_hit = True
                if stop_at_hit:
                    break
            if deadline is not None and time.perf_counter() > deadline:
                return "time-limit", any_hit
            if self.expanded & 255 == 0 and stop is not None and stop():
                return "interrupted", any_hit
        return None, any_hit

    def ingest(self, rows: array, tids: array, parent_base: int,
               tally: bool = True) -> tuple[array, bool]:
        """Add the states other partitions sent (rows of slot indices already in this
        store's numbering): the m-th new one gets parent `parent_base - m` (a negative
        reference that partitioned.py resolves to its sender's state) and is judged.
        (the positions of the rows that were new, whether a finding asks to stop)."""
        store, judge = self.store, self.judge
        width = len(store.values)
        positions = array("i")
        any_hit = False
        for j, tid in enumerate(tids):
            idxs = tuple(rows[j * width:(j + 1) * width])
            if not store.add(store.pack(*idxs), parent_base - len(positions), 0):
                continue
            positions.append(j)
            if tally:  # not for states another partition gave away (it counted them)
                self._count(self.discovered, tid)
            if self.check_states and judge.state(len(store.states) - 1, idxs):
                any_hit = True
        return positions, any_hit

    def narrow(self, rows: array) -> array:
        """The rows (array 'I') in the narrowest array that holds them ('B', 'H' or 'I'):
        what travels between partitions (most component indices are below 256)."""
        top = max(rows, default=0)
        return rows if top > 0xFFFF else array("B" if top <= 0xFF else "H", rows)

    def translate(self, rows: array, width: int, maps: list[array]) -> array:
        """Rows of `width` indices (an array 'B', 'H' or 'I') renumbered through maps[k]
        (an array 'I' per column): a sender's numbering into this store's, as an array 'I'."""
        try:
            return array("I", [maps[j % width][v] for j, v in enumerate(rows)])
        except IndexError:
            raise IndexError("a component was never announced") from None
