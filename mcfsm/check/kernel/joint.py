"""The joint search of a variant's parameter combinations (issue 59 item 2): the pure-Python
twin, the reference the compiled one will follow.

A parameter is constant in every state, so each combination of choices has a state space of
its own, and check/choices.py searches them one after another: a state that several
combinations reach is stored once per combination. Here they are searched together:

- **One store of rows without their params.** A state is stored once, its params slot
  blanked (BLANK); which combinations reach it is kept per combination, not in the row.
- **Each combination's search is its own search.** A combination numbers its states (local
  indices) in the order its own breadth-first search finds them, with its own parent and
  step columns, counts, coverage, judge (explorer.Judge: predicates, step properties,
  deadlock and unhandled findings) and, for temporal properties, its own edge graph; each
  level is expanded in that order. So every figure, verdict and trace is exactly what its
  own search gives, and tests compare them whole.
- **Level by level, all combinations together.** Every combination expands level d before
  any expands level d + 1, so the states a level shares between combinations are expanded
  within one level of each other: the compiled core keeps a level's successors and gives
  them to the next combination that expands the same state, where no step read the params
  (this twin expands for each combination; CompiledSteps' memo spares it the model code).
  `level_states` counts what such a core expands: each (state, level) once.

Counting follows the explorer (TLC's): distinct states per combination include its initial
states; total = initial states + successors generated; depth = BFS levels.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from typing import Any

from ..state.edges import EdgeRecorder
from ..state.steps import CompiledSteps
from ..state.store import Store, follow_parents
from .core import count

BLANK = 0  # the params slot of a stored row: which combinations reach it is kept apart


class Combination:
    """One combination's side of the joint search: its states as indices into the shared
    rows, in the order its breadth-first search finds them, with its parents, steps, counts
    and judge. Read like a Store by search/verdicts.verdicts_of (path_to, decode_at,
    step_of)."""

    def __init__(self, store: Store, params_index: int, judge: Any,
                 record: EdgeRecorder | None) -> None:
        self.store = store
        self.params_index = params_index
        self.judge = judge
        self.record = record
        self.local_of: dict[int, int] = {}  # shared row -> local index
        self.rows = array("i")  # local index -> shared row
        self.parent = array("i")
        self.step_of = array("I")
        self.generated: list[int] = []  # per coverage id, as the explorer's cores count
        self.discovered: list[int] = []
        self.total = self.pruned = self.expanded = 0
        self.depth = 0

    def __len__(self) -> int:
        return len(self.rows)

    def idxs_at(self, index: int) -> tuple[int, ...]:
        """State `index`'s slot indices, its params those of this combination."""
        row = list(self.store.unpack(self.store.states[self.rows[index]]))
        row[0] = self.params_index
        return tuple(row)

    def decode_at(self, index: int) -> tuple:
        return self.store.decode(self.idxs_at(index))

    def path_to(self, index: int) -> list[int]:
        """Local indices from an initial state to `index`, following parents."""
        return follow_parents(self.parent, index)

    def add(self, g: int, parent: int, sid: int) -> int:
        """Record shared row g as this combination's next state; its local index."""
        local = self.local_of[g] = len(self.rows)
        self.rows.append(g)
        self.parent.append(parent)
        self.step_of.append(sid)
        return local

    def count(self, column: list[int], tid: int) -> None:
        count(self.generated, self.discovered, column, tid)


class JointCore:
    """The level-synchronous search of several combinations over one store (module doc)."""

    def __init__(self, steps: CompiledSteps, store: Store, combinations: list[Combination],
                 check_states: bool, judge_steps: bool, check_expansions: bool) -> None:
        self.steps = steps
        self.store = store
        self.combinations = combinations
        self.check_states = check_states
        self.judge_steps = judge_steps  # step properties or bounds: judge.step per successor
        self.check_expansions = check_expansions  # deadlock or unhandled properties
        self.expanded = 0  # (state, combination) expansions, all combinations together
        # states of a level, each counted once however many combinations hold it there: what
        # a core that assembles successors once for all of them expands
        self.level_states = 0

    def __len__(self) -> int:
        """Rows stored (each state once, whichever combinations reach it)."""
        return len(self.store.states)

    def _row(self, idxs: Any) -> int:
        """The shared row of a state (its params blanked), added when new."""
        blanked = list(idxs)
        blanked[0] = BLANK
        store = self.store
        packed = store.pack(*blanked)  # read afresh: interning may have widened the packing
        g = store.seen.get(packed)
        if g is None:
            g = len(store.states)
            store.add(packed, -1, 0)
        return g  # type: ignore[no-any-return]

    def add_initial(self, c: Combination, idxs: list[int]) -> int:
        """Add an initial state of combination c; its local index, or -1 when c has it."""
        g = self._row(idxs)
        if g in c.local_of:
            return -1
        return c.add(g, -1, 0)

    # -- the search ---------------------------------------------------------------------------
    def search(self, stop: Callable[[], bool] | None, progress: Callable[..., None] | None,
               progress_every: int) -> str | None:
        """Breadth-first from the initial states, every combination level by level: None
        when complete, else why it stopped ("interrupted")."""
        combos = self.combinations
        starts = [0] * len(combos)
        ends = [len(c) for c in combos]
        for c in combos:
            c.depth = 1 if len(c) else 0
        depth = 1
        store = self.store
        while any(s < e for s, e in zip(starts, ends, strict=True)):
            level: set[int] = set()  # the level's states, each once (level_states)
            for c, start, end in zip(combos, starts, ends, strict=True):
                rows = c.rows
                for i in range(start, end):  # in the combination's own order
                    g = rows[i]
                    level.add(g)
                    # unpacked afresh: interning may have widened the packing
                    self.expand(c, i, store.unpack(store.states[g]))
                    self.expanded += 1
                    if self.expanded & 255 == 0:
                        if stop is not None and stop():
                            return "interrupted"
                        if progress is not None and self.expanded % progress_every == 0:
                            stored = sum(len(c) for c in combos)
                            progress(stored, sum(c.total for c in combos), depth,
                                     stored - self.expanded)
            self.level_states += len(level)
            depth += 1
            for k, c in enumerate(combos):
                starts[k], ends[k] = ends[k], len(c)
                if ends[k] > starts[k]:
                    c.depth += 1
        return None

    def expand(self, c: Combination, i: int, row: tuple[int, ...]) -> None:
        """Expand combination c's state i (shared row `row`): record its successors."""
        mine = list(row)
        mine[0] = c.params_index  # the stored row with this combination's params
        idxs = tuple(mine)
        succs, loops, unhandled = self.steps.expand(idxs)
        c.expanded += 1
        if self.check_expansions and (unhandled is not None or not (succs or loops)):
            c.judge.expansion(i, idxs, bool(succs or loops), unhandled)
        c.total += len(succs) + len(loops)
        for tid, _ in loops:
            c.count(c.generated, tid)
        if (self.judge_steps and (succs or loops)) or c.record is not None:
            self.record_all(c, i, idxs, succs, loops)
        else:
            self.record_new(c, i, idxs, succs)

    def record_new(self, c: Combination, i: int, idxs: tuple[int, ...], succs: list) -> None:
        """No edges, no step properties, no bounds."""
        local_of, generated, discovered = c.local_of, c.generated, c.discovered
        judge = c.judge if self.check_states else None
        for tid, sid, new in succs:
            c.count(generated, tid)
            g = self._row(new)
            if g in local_of:
                continue
            local = c.add(g, i, sid)
            discovered[tid] += 1
            if judge is not None:
                judge.state(local, new, idxs, i)

    def record_all(self, c: Combination, i: int, idxs: tuple[int, ...], succs: list,
                   loops: list) -> None:
        """Step properties and bounds see every step (self-loops last); edges are kept for
        temporal properties."""
        judge, judge_steps, record = c.judge, self.judge_steps, c.record
        if record is not None:
            record.open(i)  # this state's edges follow, in successor order
            targets, labels = record.targets, record.labels
        for tid, sid, new in succs:
            c.count(c.generated, tid)
            if judge_steps and judge.step(i, idxs, tid, sid, new) == 0:
                c.pruned += 1
                continue
            g = self._row(new)
            local = c.local_of.get(g)
            if record is not None:
                targets.append(len(c) if local is None else local)
                labels.append(tid)
            if local is not None:
                continue
            local = c.add(g, i, sid)
            c.discovered[tid] += 1
            if self.check_states:
                judge.state(local, new, idxs, i)
        for tid, sid in loops:
            if judge_steps:
                judge.step(i, idxs, tid, sid, None)
            if record is not None:
                targets.append(i)
                labels.append(tid)
