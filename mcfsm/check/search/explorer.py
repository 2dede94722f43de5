"""Exhaustive breadth-first explorer with TLC's counting, shortest counterexamples and
budgets, on compiled local steps (steps.py), an interned store (store.py) and the engine
core (core.py: compiled, or its pure-Python twin).

Counting follows TLC: distinct states include the initial states; total states = initial
states + every successor generated (also those already seen, and those a state constraint
then drops); depth = BFS levels with the initial states at depth 1.

The explorer in four parts: the initial states (here), the frontier and the expansion of
each state (the core's `search` and `expand`), the recording of successors (the core's
visited set, parent and step columns, edges), and the judgement of what was found
(`Judge`: property predicates, step properties, bounds, deadlocks, unhandled messages),
which the core calls only for new states and findings. Values are decoded only for what
needs them: predicates that miss their memo, the state constraint, the final-state test of
a dead end, and traces.

With a declared symmetry (System(symmetry=...); state/symmetry.py), the core stores the
canonical member of each successor's orbit, after its step was judged on the real
successor; search/symmetric.py checks the model respects the symmetry before the search
and replays counterexamples as real runs after it.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Iterator
from typing import Any

from ...errors import UsageError
from ...lang.guard import model_code_error, unhashable_error
from ...lang.system import State, StepKey, System
from ..kernel.core import load
from ..results import (
    NOT_APPLIED,
    SYMMETRY_VERIFIED,
    Budget,
    Progress,
    ProgressFn,
    Result,
    Status,
    Trace,
    Verdict,
)
from ..state.fingerprints import replayed_trace_to
from ..state.predicates import MemoPredicate, MemoStep, predicate_guard, truth
from ..state.steps import CompiledSteps
from ..state.store import Store
from ..state.symmetry import Canonical, generators, group_size, words
from ..temporal.marking import TemporalCheck, temporal_verdicts
from . import memo_oracle
from .checkpoint import Checkpointer, CheckpointPlan, restore
from .symmetric import check_orbits, check_stored_rows, check_symmetric, symmetric_trace_to
from .verdicts import coverage_by_role, safety_verdicts, unhandled_note, verdicts_of

__all__ = ["Budget", "Progress", "ProgressFn", "Result", "Status", "Trace", "Verdict", "explore"]

Found = dict[str, tuple[int, tuple[StepKey, State] | None, str]]


class SharedTables:
    """What the searches of one variant's parameter combinations share (choices.py): the
    interning tables, the memo of local steps and the memos of the predicates and step
    properties. A parameter is constant in every state, so each combination is its own
    search; but most model code and most properties never read the parameters, and a
    memo keyed on component indices (a state's params are one of them) is as true in one
    combination's search as in another's. Each search still has its own visited set,
    judge and core, so its figures are those of a search on its own."""

    def __init__(self, system: System, memoize: bool = True) -> None:
        self.memoize = memoize
        self.store = Store(system.slot_count)
        self.steps = CompiledSteps(system, self.store, memoize=memoize)
        self.memos: dict[Any, Any] = {}  # (kind, property, function) -> its memo (Judge)
        # the compiled core of the last plain search on these tables, whose C memo of local
        # steps the next search's core takes over (Core.adopt_memo): else each
        # combination's core asks Python again for every memo entry it meets
        self.core: Any = None


def explore(system: System, budget: Budget | None = None, progress: ProgressFn | None = None,
            progress_every: int = 1 << 14, keep_states: bool = False,
            memoize: bool = True, checkpoint: CheckpointPlan | None = None,
            tables: SharedTables | None = None) -> Result:
    """Breadth-first search of every state reachable within the budget and bounds
    (depth-first with Budget(depth_first=True): the same search, a stack for its frontier).
    With keep_states, the result can answer whether a state was found (it then keeps the
    state tables alive). memoize=False runs model code for every step (for differential
    tests and for timing the memoization). `checkpoint`: write the search's state between
    BFS levels, and with `resume`, continue from the checkpoint found there
    (checkpoint.py). `tables`: the memo tables of the searches before this one, for the
    parameter combinations of one variant (SharedTables)."""
    budget = budget or Budget()
    with gc_paused():
        result = _explore(system, budget, progress, progress_every, keep_states, memoize,
                          checkpoint, tables)
        if memoize and memo_oracle.enabled() and checkpoint is None:
            return memo_oracle.checked(result, lambda: _explore(
                system, budget, None, progress_every, False, False))
        return result


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic collector paused, and restored afterwards. A search allocates
    millions of short-lived tuples and keeps its own tables acyclic; the collector would
    rescan every live table entry again and again (between the searches of a variant's
    combinations too, whose shared memo tables stay alive: 6-9% of
    private_call_redirect[primary_policies]'s CPU)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def changed_slots(before: Any, after: Any) -> int:
    """The slots in which two states differ, a bit per slot."""
    mask = 0
    for k, (x, y) in enumerate(zip(before, after)):
        if x != y:
            mask |= 1 << k
    return mask


class Judge:
    """What the core asks of Python besides model code: each new state's predicates, each
    expansion's findings (unhandled message, deadlock), each step's step properties and
    bounds, progress. It fills `found` (property name -> where its trace ends)."""

    def __init__(self, system: System, store: Store, steps: CompiledSteps,
                 temporal: TemporalCheck | None, memoize: bool, budget: Budget,
                 progress: ProgressFn | None, started: float,
                 memos: dict[Any, Any] | None = None) -> None:
        self.system = system
        self.steps = steps
        self.decode = store.decode
        self.values = store.values
        self.found: Found = {}
        self.stop_on = budget.stop_on
        self._progress = progress
        self.started = started
        props = system.properties
        always = [p for p in props if p.kind == "always"]
        somet = [p for p in props if p.kind == "sometimes"]
        self.stepp = [p for p in props if p.kind == "step"]
        self.check_deadlock = any(p.kind == "deadlock" for p in props)
        self.check_unhandled = any(p.kind == "unhandled" for p in props)
        self.check_states = bool(always or somet or temporal)
        # Property predicates memoized on the fields and slots they read (predicates.py).
        projections = steps.projections  # shared with the world readers' memo

        # `memos`: each predicate's memo, by (kind, property, function), kept across the
        # searches that share their tables (SharedTables)
        memos = {} if memos is None else memos

        def kept(key: tuple, make: Any) -> Any:
            made = memos.get(key)
            if made is None:
                made = memos[key] = make()
            return made

        def memo(p: Any, fn: Any) -> MemoPredicate:
            return kept(("state", p, fn), lambda: MemoPredicate(  # type: ignore[no-any-return]
                system, fn, memoize, projections, predicate_guard(p)))
        self.memo_always = [(p.name, memo(p, p.predicate)) for p in always]
        self.memo_somet = [(p.name, memo(p, p.predicate)) for p in somet]
        # Temporal properties mark each new state (liveness.py's flags), memoized alike.
        self.marks = [] if temporal is None else temporal.memo_plan(memo)
        self.mark = None if temporal is None else temporal.memoized(memo)
        n = len(system.instances)
        self.inbox_slots = range(2 + n, 2 + 2 * n)
        self.max_in_flight = system.max_in_flight
        self.constraint = None if system.constraint is None else kept(
            ("constraint", system.constraint), lambda: MemoPredicate(
                system, truth(system.constraint), memoize, projections,
                lambda exc: model_code_error(exc, what="constraint=", fn=system.constraint,  # type: ignore[arg-type]
                                             where=f"system {system.name!r}")))
        self.bounded = system.bounded
        self.action_constraint = system.action_constraint
        self.cut = ""
        self._last: list[Any] = [None, None]
        self._before: list[Any] = [None, None, None, None]
        self.width = system.slot_count
        self.memo_steps = [(p, kept(("step", p), lambda p=p: MemoStep(
            system, p, memoize, projections))) for p in self.stepp]
        # Per step id, once each step property has a memo there: True when every memo is
        # the leaf True (nothing to judge there again: a leaf never misses), False when
        # not (a node never becomes a leaf). The compiled core keeps the same flags.
        self.sid_settled: dict[int, bool] = {}

    def hit(self) -> bool:
        """Whether a finding named in budget.stop_on was made (stop at the first one)."""
        return bool(self.stop_on) and not self.stop_on.isdisjoint(self.found)

    def decode_once(self, idxs: Any) -> State:
        """Several predicates that miss their memo on one state share one decoding."""
        last = self._last
        if last[0] is not idxs:
            last[0], last[1] = idxs, self.decode(idxs)
        return last[1]  # type: ignore[no-any-return]

    def state(self, index: int, idxs: Any, parent: Any = None, parent_index: int = -1) -> bool:
        """Judge a new state. `parent`: a state this judge judged before (the one expanded,
        at `parent_index`), or None. A property not yet found held (always) or was not met
        (sometimes) there, so a predicate that reads none of the slots in which the two
        differ is not evaluated (MemoPredicate.unchanged_for), and the temporal marks are
        the parent's where neither of their predicates reads them; the compiled core does
        the same."""
        found = self.found
        decode = self.decode_once
        before = len(found)
        changed = -1 if parent is None else changed_slots(parent, idxs)
        if self.mark is not None:
            self.mark(idxs, decode, parent_index if parent is not None else -1, changed)
        for name, holds in self.memo_always:
            if name not in found and not (holds.unchanged_for(changed) or holds(idxs, decode)):
                found[name] = (index, None, "")
        for name, holds in self.memo_somet:
            if name not in found and not holds.unchanged_for(changed) and holds(idxs, decode):
                found[name] = (index, None, "")
        return len(found) > before and self.hit()

    # -- for the compiled core, which walks the memo trees itself ----------------------------
    def compiled_plan(self) -> tuple[list, list, list, list | None]:
        """What `state` and `step` evaluate, in their order: the temporal marks, the always
        and sometimes predicates (name, MemoPredicate), and the step properties (name,
        MemoStep). With bounds the core asks `allowed` first, as `step` does, then walks
        the step properties' trees itself (a TLA+ port with a CONSTRAINT and an action
        property would otherwise judge every step here, in Python)."""
        steps = [(p.name, memo) for p, memo in self.memo_steps]
        return self.marks, self.memo_always, self.memo_somet, steps

    def found_state(self, name: str, index: int) -> bool:
        """A compiled core's finding on a new state (see `state`)."""
        self.found[name] = (index, None, "")
        return self.hit()

    def found_step(self, name: str, i: int, sid: int, after: tuple[int, ...]) -> bool:
        """A compiled core's finding on a step (see `step`)."""
        self.found[name] = (i, (self.steps.step_list[sid], self.decode(after)), "")
        return self.hit()

    def step_miss(self, tree: Any, idxs: tuple[int, ...], after: tuple[int, ...]) -> bool:
        """A step tree's miss in a compiled core: evaluate it like `step` does."""
        before = self._before
        if before[0] is not idxs:
            before[0], before[1] = idxs, idxs
        return tree(idxs + after, self._decode_step)  # type: ignore[no-any-return]

    def expansion(self, i: int, idxs: Any, has_steps: bool, unhandled: Any) -> bool:
        found = self.found
        before = len(found)
        if unhandled is not None and self.check_unhandled and "no-unhandled-message" not in found:
            found["no-unhandled-message"] = (i, None, unhandled_note(self.system, unhandled))
        if not has_steps and self.check_deadlock and "no-deadlock" not in found \
                and not self.system.is_final(self.decode(idxs)):
            found["no-deadlock"] = (i, None, "no step is enabled and the state is not final")
        return len(found) > before and self.hit()

    def within_bounds(self, new: Any) -> bool:
        if self.max_in_flight is not None:
            for slot in self.inbox_slots:
                if self.steps.inbox_size(slot, new[slot]) > self.max_in_flight:
                    return False
        return self.constraint is None or self.constraint(new, self.decode)

    # -- one step: whether it is taken, which step properties it breaks ----------------------
    def allowed(self, idxs: Any, sid: int, new: Any) -> bool:
        """Whether a step is taken at all (new is None for a self-loop): its successor within
        the bounds (TLC's CONSTRAINT) and the step allowed by the action constraint."""
        if new is not None and self.bounded and not self.within_bounds(new):
            return False
        if self.action_constraint is None:
            return True
        states = self._decode_step(self._combined(idxs, new))
        return self.system.allows(states[0], self.steps.step_list[sid], states[1])

    def broken_steps(self, idxs: Any, sid: int, new: Any, skip: Any) -> list[str]:
        """The step properties (not in skip) that a step violates."""
        settled = self.sid_settled.get(sid)
        if not self.memo_steps or settled:
            return []
        combined = self._combined(idxs, new)
        key = self.steps.step_list[sid]
        # a property whose memo here is the leaf True holds on every such step: not walked
        # (the compiled core drops it from the step id's list for good)
        broken = [p.name for p, holds in self.memo_steps
                  if p.name not in skip and not holds.holds_always(sid)
                  and not holds(sid, key, combined, self._decode_step)]
        if settled is None:
            always = [holds.holds_always(sid) for _, holds in self.memo_steps]
            if None not in always:
                self.sid_settled[sid] = all(always)
        return broken

    def _combined(self, idxs: Any, new: Any) -> tuple[int, ...]:
        before = self._before
        if before[0] is not idxs:  # the source's indices once for all its steps
            before[0], before[1] = idxs, tuple(idxs)
        return before[1] + (before[1] if new is None else tuple(new))  # type: ignore[no-any-return]

    def step(self, i: int, idxs: Any, tid: int, sid: int, new: Any) -> int:
        """A step from state i (new is None for a self-loop): 0 when its successor is out of
        bounds (dropped), else 1, or 2 when a step property's violation asks to stop."""
        if not self.allowed(idxs, sid, new):
            return 0  # out of bounds, or TLC's ACTION_CONSTRAINT: the step is not taken
        if not self.stepp:
            return 1
        found = self.found
        hit = False
        for name in self.broken_steps(idxs, sid, new, found):
            after = idxs if new is None else new
            found[name] = (i, (self.steps.step_list[sid], self.decode(after)), "")
            hit = self.hit()
        return 2 if hit else 1

    def _decode_step(self, combined: tuple[int, ...]) -> tuple[State, State]:
        width = self.width
        before = self._before
        if before[2] is None or before[3] is not before[1]:  # decode the source once
            before[2], before[3] = self.decode(before[1]), before[1]
        after = combined[width:]
        return before[2], (before[2] if after == before[1] else self.decode(after))

    def progress(self, states: int, total: int, depth: int, queued: int) -> None:
        if self._progress is not None:
            self._progress(Progress(states, total, depth, queued, time.perf_counter() - self.started))

    def poll(self, choices: int, stop: Any, deadline: float | None, max_states: int | None) -> bool:
        """Inside a step, every 256 choices: the budget. A step whose choices alone outnumber
        --max-states cannot fit it (each choice is a successor to hold in memory), so it cuts
        the search as the state budget would, rather than materialise them all."""
        if stop is not None and stop():
            self.cut = "interrupted"
        elif deadline is not None and time.perf_counter() > deadline:
            self.cut = "time-limit"
        elif max_states is not None and choices > max_states:
            self.cut = "max-states"
        return bool(self.cut)

    def cut_reason(self) -> str:
        return self.cut


def _explore(system: System, budget: Budget, progress: ProgressFn | None,
             progress_every: int, keep_states: bool, memoize: bool,
             checkpoint: CheckpointPlan | None = None,
             tables: SharedTables | None = None) -> Result:
    started = time.perf_counter()
    # Temporal properties (temporal.py): every generated successor within the bounds is
    # recorded as an edge (source, target, coverage id), duplicates and self-loops
    # included, and each new state is marked; after a complete search, liveness.py looks
    # for fair lassos. Without temporal properties none of this costs anything.
    # A depth-first search records no edges: its temporal verdicts say unknown (below).
    depth_first = budget.depth_first
    compact = budget.hash_compact
    if compact and (depth_first or checkpoint is not None or keep_states):
        raise UsageError("--hash-compact is for the breadth-first search without "
                         "checkpoints, keeping no states: drop --dfs, --checkpoint or "
                         "keep_states=True")
    # hash compaction keeps no state graph: temporal properties are not judged (below)
    temporal = TemporalCheck(system) if any(p.temporal for p in system.properties) \
        and not depth_first and not compact else None
    # Symmetry reduction (state/symmetry.py): the core stores each successor's canonical
    # member; liveness under symmetry is unsound (TLC warns of it), so a system with
    # temporal properties is searched unreduced, and the report says so.
    symmetry = _symmetry(system, budget, checkpoint)
    canon: Canonical | None = None
    core_class, engine = load()
    # indexed: edges, or a depth-bounded DFS's revisits, need a seen state's index
    indexed = temporal is not None or (depth_first and budget.max_depth is not None)
    if tables is None or checkpoint is not None:  # a checkpoint restores its own tables
        store = Store(system.slot_count, indexed=indexed)
        steps = CompiledSteps(system, store, memoize=memoize)
        memos = None
    else:
        if tables.memoize != memoize:
            raise UsageError("explore: memoize differs from the shared tables'")
        store = tables.store.sharing_values(indexed)
        steps = tables.steps
        steps.use_store(store)
        memos = tables.memos
        for memo in memos.values():  # each judged again from its first window
            memo.restart()
    judge = Judge(system, store, steps, temporal, memoize, budget, progress, started, memos)
    core = core_class(steps, store, judge, None if temporal is None else temporal.edges,
                      judge.check_states, bool(judge.stepp or judge.bounded),
                      judge.check_deadlock or judge.check_unhandled)

    if compact:
        core.set_compact()
    if symmetry and not symmetry.startswith(NOT_APPLIED):
        canon = Canonical(system, store)
        core.set_symmetry(canon)
    # a plain search on shared tables takes over the C memo the last one filled (a core
    # with compaction or symmetry neither gives nor takes one: compaction fits no slot
    # widths, and the two share one budget for a variant's every combination)
    passes_memo = (tables is not None and checkpoint is None and not compact and canon is None
                   and not keep_states and hasattr(core, "adopt_memo"))
    if passes_memo and tables.core is not None:
        core.adopt_memo(tables.core)
        tables.core = None  # the last search's core and its visited set go now
    initials: dict[int, State] = {}  # by index: where a replayed trace starts (compact)

    max_states = budget.max_states
    stopped_by: str | None = None
    total = pruned = 0
    if checkpoint is not None and depth_first:
        raise UsageError("checkpoints are written between breadth-first levels: drop --dfs")
    parts = {"store": store, "steps": steps, "judge": judge, "core": core,
             "temporal": temporal}
    resumed = restore(checkpoint, system, parts) if checkpoint and checkpoint.resume else None
    for init in (system.initial_states() if resumed is None else ()):
        if max_states is not None and len(core) >= max_states:
            stopped_by = "max-states"  # initial states count toward the budget too
            break
        total += 1
        if not system.within_bounds(init):
            pruned += 1
            continue
        try:
            idxs = store.encode(init)
        except TypeError as exc:
            raise unhashable_error(system, init, exc) from exc
        if canon is not None:
            idxs = canon(idxs)
        index = core.add_initial(idxs)
        if index >= 0:
            initials[index] = init
        if index >= 0 and judge.check_states:
            judge.state(index, tuple(idxs))
    initial_count = len(core)
    core.total = total if resumed is None else core.total
    start = None
    if resumed is not None:
        initial_count, pruned = resumed["initial"]
        start = (resumed["level_start"], resumed["depth"])
    writer = None if checkpoint is None else Checkpointer(
        checkpoint, system, {**parts, "initial": (initial_count, pruned)})

    deadline = None if budget.time_limit is None else started + budget.time_limit
    stop = budget.stop
    if stop is not None or deadline is not None or max_states is not None:
        steps.poll = lambda choices: judge.poll(choices, stop, deadline, max_states)
    if stopped_by is None:
        if depth_first:
            depth, stopped_by = core.search_depth_first(budget.max_depth, max_states, deadline,
                                                        stop, progress_every, judge.hit())
        else:
            depth, stopped_by = core.search(
                budget.max_depth, max_states, deadline, stop, progress_every, judge.hit(),
                start, None if writer is None else writer.at_level)
        if writer is not None and stopped_by is None:
            writer.write(depth, len(core))  # complete: a resume answers at once
    else:
        depth = 1 if len(core) else 0

    complete = stopped_by is None
    if canon is not None:
        symmetry += _stored_checked(system, budget, canon, steps, core, compact)
    if canon is not None:  # paths of canonical states, printed as real runs
        verdicts = safety_verdicts(system, judge.found, complete, symmetric_trace_to(
            system, canon, store.encode, store.decode, core, compact))
    elif compact:  # the expanded states' rows are gone: traces are replayed
        verdicts = safety_verdicts(system, judge.found, complete, replayed_trace_to(
            system, store.encode, core, steps.step_list, initials))
    else:
        verdicts = verdicts_of(system, core, steps.step_list, judge.found, complete)  # type: ignore[arg-type]
    if depth_first or compact:  # no state graph was recorded: temporal properties not judged
        verdicts = [Verdict(v.property, "unknown", None, ())
                    if v.property.temporal else v for v in verdicts]
    if temporal is not None:
        if not keep_states:
            core.release_index()  # the state -> index map is not needed any more
        verdicts = temporal_verdicts(system, temporal, core.decode_at, verdicts, complete,
                                     core.expanded, initial_count)
    if passes_memo:
        tables.core = core  # its memo for the next combination's core (adopt_memo)
    return Result(
        contains=None if not keep_states else core.contains if canon is None else (
            lambda state: core.contains(store.decode(canon(store.encode(state))))),
        system=system,
        distinct_states=len(core),
        total_states=core.total,
        depth=depth,
        complete=complete,
        stopped_by=stopped_by,
        elapsed_s=time.perf_counter() - started,
        verdicts=tuple(verdicts),
        coverage=coverage_by_role(system, list(core.generated), list(core.discovered)),
        pruned=pruned + core.pruned,
        edges=temporal.graph_size[1] if temporal is not None else 0,
        engine=engine,
        search="depth-first" if depth_first else
        "breadth-first, hash compaction" if compact else
        "breadth-first" if resumed is None else (
            f"breadth-first, resumed from a checkpoint at depth {resumed['depth']}"),
        symmetry=symmetry,
    )


# After a reduced search, the stored states' whole orbits are checked by default
# (symmetric.check_orbits: complete; about one expansion, one renaming per generator and one
# evaluation of each property per state of the unreduced search) where that is small: a
# group of at most FULL_CHECK_GROUP permutations (5!: a set of five instances; sets of three
# and four make 144) and at most FULL_CHECK_IMAGES images to try (stored states times the
# group's other permutations, a bound: orbits are often smaller). Measured by
# benchmarks/bench_symmetry.py --orbits: about 20 us an image where the images' steps are
# memoized (TwoPhase), 240 us where renaming makes new values whose model code runs
# (SimplifiedFastPaxos, 144 permutations: 11.5 s against its 2.3 s reduced search). A
# larger check runs only with `check --verify-symmetry`; without it the group is checked
# under its generators, and every verdict says it assumes the symmetry.
FULL_CHECK_GROUP = 120
FULL_CHECK_IMAGES = 250_000


def _stored_checked(system: System, budget: Budget, canon: Canonical, steps: CompiledSteps,
                    core: Any, compact: bool) -> str:
    """Check the declared symmetry on the states the reduced search stored: against the
    whole group (symmetric.check_orbits) where it is small enough or --verify-symmetry asks,
    else under its generators (symmetric.check_stored_rows); and say how far it was checked
    (Result.symmetry's tail, which decides Result.symmetry_assumed)."""
    if compact:
        return ("; ASSUMED, not verified: checked on the 200 states nearest the initial states "
                "only (hash compaction keeps no states to check it on)")
    size = group_size(system)
    rows = (core.unpack(j) for j in range(len(core)))
    if budget.verify_symmetry or (size <= FULL_CHECK_GROUP
                                  and len(core) * (size - 1) <= FULL_CHECK_IMAGES):
        n, images = check_orbits(system, canon, steps, rows)
        return (f"{SYMMETRY_VERIFIED}: the whole orbit of each of the {n:,} states checked "
                f"({images:,} images besides them)")
    gens = generators(system)
    n = check_stored_rows(system, canon, steps, rows, gens)
    return (f"; ASSUMED (as TLC's SYMMETRY), not verified: checked under its {len(gens)} "
            f"generators on each of the {n:,} states, which a product of them can still break "
            f"(verified by default up to {FULL_CHECK_GROUP} permutations and "
            f"{FULL_CHECK_IMAGES:,} images; --verify-symmetry verifies it whole)")


def _symmetry(system: System, budget: Budget, checkpoint: CheckpointPlan | None) -> str:
    """What Result.symmetry says (results.py), after checking that the model respects the
    symmetry it declares (search/symmetric.py); the canonicaliser is made with the store."""
    if not system.symmetry:
        return ""
    declared = words(system)
    if not budget.symmetry:
        return f"{NOT_APPLIED} (--no-symmetry): {declared}"
    if any(p.temporal for p in system.properties):
        return (f"{NOT_APPLIED}: {declared}; temporal properties are judged on the unreduced "
                "search (symmetry is unsound for liveness, as TLC warns)")
    if checkpoint is not None:
        raise UsageError(f"system {system.name!r} declares symmetry=, and checkpoints store "
                         "unreduced searches only: drop --checkpoint, or pass --no-symmetry")
    check_symmetric(system)
    return declared

