"""Exhaustive breadth-first explorer with TLC's counting, shortest counterexamples and
budgets, on compiled local steps (steps.py) and an interned store (store.py).

Counting follows TLC: distinct states include the initial states; total states = initial
states + every successor generated (also those already seen, and those a state constraint
then drops); depth = BFS levels with the initial states at depth 1.

The hot loop works on vectors of slot indices: it unpacks a state, asks the compiled steps
for its successors (index vectors), packs each and looks it up in the visited set. Values
are decoded only for what needs them: property predicates, the state constraint, the
final-state test of a deadlock candidate, and traces.
"""

from __future__ import annotations

import gc
import time
from typing import Any

from ..lang.guard import model_code_error, unhashable_error
from ..lang.system import State, StepCut, StepKey, System, View
from .predicates import MemoPredicate, Projections, predicate_guard, step_holds, truth
from .results import Budget, Progress, ProgressFn, Result, Status, Trace, Verdict
from .steps import CompiledSteps
from .store import LazyState, Store
from .temporal import TemporalCheck, temporal_verdicts
from .verdicts import coverage_by_role, unhandled_note, verdicts_of

__all__ = ["Budget", "Progress", "ProgressFn", "Result", "Status", "Trace", "Verdict", "explore"]


def explore(system: System, budget: Budget | None = None, progress: ProgressFn | None = None,
            progress_every: int = 1 << 14, keep_states: bool = False,
            memoize: bool = True) -> Result:
    """Breadth-first search of every state reachable within the budget and bounds.
    With keep_states, the result can answer whether a state was found (it then keeps the
    state tables alive). memoize=False runs model code for every step (for differential
    tests and for timing the memoization)."""
    # The search allocates millions of short-lived tuples and keeps its own tables acyclic;
    # Python's cyclic collector would rescan every live table entry again and again, so it
    # is paused for the search and restored afterwards.
    if _needs_classic(system):
        # Deferred messages and channel capacities change the successor function; the
        # compiled steps do not handle them yet, so such systems run on the pre-issue-11
        # engine (classic.py), with model code run for every step.
        from .classic import explore_classic
        return explore_classic(system, budget or Budget(), progress, progress_every, keep_states)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _explore(system, budget or Budget(), progress, progress_every, keep_states, memoize)
    finally:
        if was_enabled:
            gc.enable()


def _explore(system: System, budget: Budget, progress: ProgressFn | None,
             progress_every: int, keep_states: bool, memoize: bool) -> Result:
    started = time.perf_counter()
    # Temporal properties (temporal.py): every generated successor within the bounds is
    # recorded as an edge (source, target, coverage id), duplicates and self-loops
    # included, and each new state is marked; after a complete search, liveness.py looks
    # for fair lassos. Without temporal properties none of this costs anything.
    temporal = TemporalCheck(system) if any(p.temporal for p in system.properties) else None
    record = temporal.edges if temporal is not None else None
    if record is not None:  # bound once: the loop appends to the edge columns directly
        open_row, edge_target, edge_label = record.open, record.targets.append, record.labels.append
    store = Store(system.slot_count, indexed=temporal is not None)
    steps = CompiledSteps(system, store, memoize=memoize)
    expand = steps.expand
    values = store.values
    decode = store.decode
    seen, states, parent, step_of = store.seen, store.states, store.parent, store.step_of

    props = system.properties
    always = [p for p in props if p.kind == "always"]
    somet = [p for p in props if p.kind == "sometimes"]
    stepp = [p for p in props if p.kind == "step"]
    check_deadlock = any(p.kind == "deadlock" for p in props)
    check_unhandled = any(p.kind == "unhandled" for p in props)
    found: dict[str, tuple[int, tuple[StepKey, State] | None, str]] = {}
    # Coverage counters by the system's coverage id; ids for ignore and network steps are
    # handed out while exploring, so the lists grow on demand.
    generated = [0] * len(system.coverage_names)
    discovered = [0] * len(system.coverage_names)

    def grow(tid: int) -> None:
        extra = [0] * (tid + 1 - len(generated))
        generated.extend(extra)
        discovered.extend(extra)

    check_states = bool(always or somet or temporal)
    # Property predicates memoized on the slots they read (predicates.py).
    projections = Projections(system, store.values)
    memo_always = [(p.name, MemoPredicate(system, p.predicate, memoize, projections,  # type: ignore[arg-type]
                                          predicate_guard(p))) for p in always]
    memo_somet = [(p.name, MemoPredicate(system, p.predicate, memoize, projections,  # type: ignore[arg-type]
                                         predicate_guard(p))) for p in somet]

    last_decoded: list[Any] = [None, None]

    def decode_once(idxs: Any) -> State:
        """Several predicates that miss their memo on one state share one decoding."""
        if last_decoded[0] is not idxs:
            last_decoded[0], last_decoded[1] = idxs, decode(idxs)
        return last_decoded[1]  # type: ignore[no-any-return]

    # Temporal properties mark each new state (liveness.py's flags), through memoized
    # predicates like the safety ones.
    mark = None if temporal is None else temporal.memoized(
        lambda p, fn: MemoPredicate(system, fn, memoize, projections, predicate_guard(p)))

    def check_state(index: int, idxs: Any) -> None:
        if mark is not None:
            mark(idxs, decode_once)
        for name, holds in memo_always:
            if name not in found and not holds(idxs, decode_once):
                found[name] = (index, None, "")
        for name, holds in memo_somet:
            if name not in found and holds(idxs, decode_once):
                found[name] = (index, None, "")

    n = len(system.instances)
    inbox_slots = range(2 + n, 2 + 2 * n)
    max_in_flight = system.max_in_flight
    constraint = None if system.constraint is None else MemoPredicate(
        system, truth(system.constraint), memoize, projections,
        lambda exc: model_code_error(exc, what="constraint=", fn=system.constraint,  # type: ignore[arg-type]
                                     where=f"system {system.name!r}"))
    bounded = system.bounded

    def within_bounds(new: Any) -> bool:
        if max_in_flight is not None:
            for slot in inbox_slots:
                if steps.inbox_size(slot, new[slot]) > max_in_flight:
                    return False
        return constraint is None or constraint(new, decode)

    total = 0
    pruned = 0
    stopped_by: str | None = None
    max_states = budget.max_states
    for init in system.initial_states():
        if max_states is not None and len(states) >= max_states:
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
        if store.add(store.pack(*idxs), -1, 0) and check_states:
            check_state(len(states) - 1, idxs)

    initial_count = len(states)
    depth = 1 if states else 0
    level_start, level_end = 0, len(states)
    expanded = 0
    stop_on = budget.stop_on
    deadline = None if budget.time_limit is None else started + budget.time_limit
    clock = time.perf_counter
    stop = budget.stop

    cut_reason = [""]

    def poll(choices: int) -> bool:
        """Inside a step, every 256 choices: the budget. A step whose choices alone outnumber
        --max-states cannot fit it (each choice is a successor to hold in memory), so it cuts
        the search as the state budget would, rather than materialise them all."""
        if stop is not None and stop():
            cut_reason[0] = "interrupted"
        elif deadline is not None and clock() > deadline:
            cut_reason[0] = "time-limit"
        elif max_states is not None and choices > max_states:
            cut_reason[0] = "max-states"
        return bool(cut_reason[0])

    if stop is not None or deadline is not None or max_states is not None:
        steps.poll = poll
    while level_start < level_end and stopped_by is None:
        if budget.max_depth is not None and depth >= budget.max_depth:
            stopped_by = "max-depth"
            break
        for i in range(level_start, level_end):
            idxs = store.unpack(states[i])
            try:
                succs, loops, unhandled = expand(idxs)
            except StepCut:  # a step with very many choices met the budget (poll below)
                stopped_by = cut_reason[0]
                break
            # Interning new components may have widened the packing: read it afresh.
            pack = store.pack
            expanded += 1
            if unhandled is not None and check_unhandled and "no-unhandled-message" not in found:
                found["no-unhandled-message"] = (i, None, unhandled_note(system, unhandled))
            if not succs and not loops and check_deadlock and "no-deadlock" not in found \
                    and not system.is_final(decode(idxs)):
                found["no-deadlock"] = (i, None, "no step is enabled and the state is not final")
            total += len(succs) + len(loops)
            for tid, _ in loops:
                try:
                    generated[tid] += 1
                except IndexError:
                    grow(tid)
                    generated[tid] += 1
            if (stepp and (succs or loops)) or (bounded and succs) or record is not None:
                # The general loop: step properties see every step, bounds drop successors,
                # temporal properties record every edge.
                if stepp:
                    before = decode(idxs)
                    before_view = View(system, before)
                if record is not None:
                    open_row(i)  # this state's edges follow, in successor order
                for tid, sid, new in succs + [(tid, sid, None) for tid, sid in loops]:
                    if new is None:  # a self-loop (counted above): only step properties see it
                        nxt = before if stepp else None
                    else:
                        try:
                            generated[tid] += 1
                        except IndexError:
                            grow(tid)
                            generated[tid] += 1
                        # step predicates read a few slots of the successor: decode lazily
                        nxt = LazyState(new, values) if stepp else None
                        if bounded and not within_bounds(new):
                            pruned += 1
                            continue
                    if stepp:
                        key = steps.step_list[sid]
                        after_view = View(system, nxt)  # type: ignore[arg-type]
                        for p in stepp:
                            if p.name not in found and not step_holds(p, before_view, key,
                                                                       after_view):
                                found[p.name] = (i, (key, tuple(nxt)), "")  # type: ignore[arg-type]
                    if new is None:
                        if record is not None:
                            edge_target(i)
                            edge_label(tid)
                        continue
                    packed = pack(*new)
                    if record is not None:
                        target = seen.get(packed)
                        edge_target(len(states) if target is None else target)
                        edge_label(tid)
                        if target is not None:
                            continue
                    if not store.add(packed, i, sid):
                        continue
                    discovered[tid] += 1
                    if check_states:
                        check_state(len(states) - 1, new)
                    if max_states is not None and len(states) >= max_states:
                        stopped_by = "max-states"
                        break
            else:
                # The hot loop: no bounds, no step properties.
                for tid, sid, new in succs:
                    try:
                        generated[tid] += 1
                    except IndexError:
                        grow(tid)
                        generated[tid] += 1
                    packed = pack(*new)
                    if packed in seen:
                        continue
                    seen.add(packed)
                    states.append(packed)
                    parent.append(i)
                    step_of.append(sid)
                    discovered[tid] += 1
                    if check_states:
                        check_state(len(states) - 1, new)
                    if max_states is not None and len(states) >= max_states:
                        stopped_by = "max-states"
                        break
            if stop_on and not stop_on.isdisjoint(found):
                stopped_by = "first-violation"
            if stopped_by:
                break
            # The clock is read after every expansion (about 0.1 us against the microseconds
            # an expansion takes), so a time limit holds however slow one state is to expand.
            if stop is not None and stop():
                stopped_by = "interrupted"
                break
            if deadline is not None and clock() > deadline:
                stopped_by = "time-limit"
                break
            if expanded & 255 == 0:
                if progress is not None and expanded % progress_every == 0:
                    progress(Progress(len(states), total, depth, len(states) - i - 1,
                                      time.perf_counter() - started))
        reached_next_level = len(states) > level_end
        level_start, level_end = level_end, len(states)
        if reached_next_level:
            depth += 1

    complete = stopped_by is None
    verdicts = verdicts_of(system, store, steps.step_list, found, complete)
    if temporal is not None:
        if not keep_states:
            seen.clear()  # the state -> index map is not needed any more: free it for the search
        verdicts = temporal_verdicts(system, temporal, store.decode_at, verdicts, complete,
                                     expanded, initial_count)
    return Result(
        contains=store.contains if keep_states else None,
        system=system,
        distinct_states=len(states),
        total_states=total,
        depth=depth,
        complete=complete,
        stopped_by=stopped_by,
        elapsed_s=time.perf_counter() - started,
        verdicts=tuple(verdicts),
        coverage=coverage_by_role(system, generated, discovered),
        pruned=pruned,
        edges=temporal.graph_size[1] if temporal is not None else 0,
    )


def _needs_classic(system: System) -> bool:
    return (getattr(system, "_capacity", None) is not None
            or any(d is not None for d in getattr(system, "_deferred", ())))
