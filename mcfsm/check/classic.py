"""The explorer as it was before issue 11's compiled engine (kept from main, with
liveness's edges): used for systems with temporal properties, deferred messages or channel
capacities, which the compiled engine (explorer.py) does not handle yet. It is single-process
and runs model code for every step.

Exhaustive breadth-first explorer with TLC's counting, shortest counterexamples and
budgets. It consumes only the system's successor function.

Counting follows TLC: distinct states include the initial states; total states = initial
states + every successor generated (also those already seen, and those a state constraint
then drops); depth = BFS levels with the initial states at depth 1.

Memory: every component of a global state (each local, each inbox, ...) is interned in a
per-slot table, so a state is stored as one `bytes` of slot indices, each as narrow as its
table allows (1, 2 or 4 bytes; when a table outgrows its width, the states stored so far
are re-encoded once). The states live in one list in discovery order; a BFS level is a
range of that list, so there is no separate queue. Parents and the step taken are two
`array` columns. A trace is read back by following parents and decoding the packed states.

Temporal properties (check/temporal.py): only when the system has some, `seen` maps each
state to its index and every generated successor within the bounds is recorded as an
edge (source index, target index, coverage id), duplicates and self-loops included, in
source order (check/edges.py); each new state is also marked with what the temporal
properties say of it. After a complete search check/liveness.py looks for fair lassos.
"""

from __future__ import annotations

import gc
import struct
import time
from array import array
from typing import Any

from ..lang.guard import model_code_error, none_result_error, unhashable_error
from ..lang.system import State, StepKey, System, View
from .results import Budget, Progress, ProgressFn, Result, Trace
from .temporal import TemporalCheck, temporal_verdicts
from .verdicts import coverage_by_role, safety_verdicts, unhandled_note


def explore_classic(system: System, budget: Budget, progress: ProgressFn | None = None,
                    progress_every: int = 1 << 14, keep_states: bool = False) -> Result:
    """Breadth-first search of every state reachable within the budget and bounds.
    With keep_states, the result can answer whether a state was found (it then keeps the
    state tables alive)."""
    # The search allocates millions of short-lived tuples and keeps its own tables acyclic;
    # Python's cyclic collector would rescan every live table entry again and again, so it
    # is paused for the search and restored afterwards.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _explore(system, budget, progress, progress_every, keep_states)
    finally:
        if was_enabled:
            gc.enable()


def _explore(system: System, budget: Budget, progress: ProgressFn | None,
             progress_every: int, keep_states: bool) -> Result:
    started = time.perf_counter()
    slots = system.slot_count
    tables: list[dict[Any, int]] = [{} for _ in range(slots)]
    values: list[list[Any]] = [[] for _ in range(slots)]
    states: list[bytes] = []
    temporal = TemporalCheck(system) if any(p.temporal for p in system.properties) else None
    # With temporal properties, seen maps each state to its index (edges need the target's
    # index even when it was seen before); otherwise a set is enough.
    seen: Any = {} if temporal is not None else set()
    record = temporal.edges.add if temporal is not None else None
    codes = ["B"] * slots  # struct code per slot: widened to H, then I, as tables grow
    codec = [struct.Struct("<" + "".join(codes))]
    pack, unpack = codec[0].pack, codec[0].unpack

    def widen(slot: int) -> None:
        """Give a slot more bytes and re-encode every stored state (in place)."""
        old_unpack = codec[0].unpack
        codes[slot] = "H" if codes[slot] == "B" else "I"
        codec[0] = struct.Struct("<" + "".join(codes))
        new_pack = codec[0].pack
        for j, packed in enumerate(states):  # one by one: no second copy of the list
            states[j] = new_pack(*old_unpack(packed))
        seen.clear()
        if record is None:
            seen.update(states)
        else:
            seen.update((p, j) for j, p in enumerate(states))

    def add(slot: int, value: Any) -> int:
        """Intern a value not seen before in this slot (the hot loop does the lookup)."""
        idx = tables[slot][value] = len(values[slot])
        values[slot].append(value)
        if idx > _LIMIT[codes[slot]]:
            widen(slot)
        return idx

    def intern(slot: int, value: Any) -> int:
        idx = tables[slot].get(value)
        return add(slot, value) if idx is None else idx

    parent = array("i")
    step_of = array("I")
    step_ids: dict[StepKey, int] = {}
    step_list: list[StepKey] = [StepKey("", "", "init")]

    props = system.properties
    always = [p for p in props if p.kind == "always"]
    somet = [p for p in props if p.kind == "sometimes"]
    stepp = [p for p in props if p.kind == "step"]
    check_deadlock = any(p.kind == "deadlock" for p in props)
    check_unhandled = any(p.kind == "unhandled" for p in props)
    found: dict[str, tuple[int, tuple[StepKey, State] | None, str]] = {}
    bounded = system.bounded
    # Coverage counters by the system's coverage id; ids for ignore and network steps are
    # handed out while exploring, so the lists grow on demand.
    generated = [0] * len(system.coverage_names)
    discovered = [0] * len(system.coverage_names)

    def grow(tid: int) -> None:
        extra = [0] * (tid + 1 - len(generated))
        generated.extend(extra)
        discovered.extend(extra)

    def check_state(index: int, state: State) -> None:
        if not (always or somet or temporal):
            return
        view = View(system, state)
        if temporal is not None:
            temporal.mark(view)  # guarded inside (check/temporal.py)
        p = None
        try:  # the model-code guard (mcfsm/lang/guard.py): free unless a predicate raises
            for p in always:
                if p.name not in found:
                    ok = p.predicate(view)  # type: ignore[misc]
                    if not ok:
                        if ok is None:
                            raise none_result_error(p)
                        found[p.name] = (index, None, "")
            for p in somet:
                if p.name not in found:
                    ok = p.predicate(view)  # type: ignore[misc]
                    if ok:
                        found[p.name] = (index, None, "")
                    elif ok is None:
                        raise none_result_error(p)
        except BaseException as exc:
            assert p is not None
            raise model_code_error(exc, what="the predicate", fn=p.predicate, prop=p.name,
                                   clause=p.clause) from exc

    total = 0
    pruned = 0
    for init in system.initial_states():
        total += 1
        if not system.within_bounds(init):
            pruned += 1
            continue
        try:
            indices = [intern(k, init[k]) for k in range(slots)]  # may widen a slot
            packed = codec[0].pack(*indices)
        except TypeError as exc:
            raise unhashable_error(system, init, exc) from exc
        if packed in seen:
            continue
        if record is None:
            seen.add(packed)
        else:
            seen[packed] = len(states)
        states.append(packed)
        parent.append(-1)
        step_of.append(0)
        check_state(len(states) - 1, init)

    initial_count = len(states)
    stopped_by: str | None = None
    depth = 1 if states else 0
    level_start, level_end = 0, len(states)
    expanded = 0
    max_states = budget.max_states
    stop_on = budget.stop_on
    deadline = None if budget.time_limit is None else started + budget.time_limit
    stop = budget.stop
    pack, unpack = codec[0].pack, codec[0].unpack
    while level_start < level_end and stopped_by is None:
        if budget.max_depth is not None and depth >= budget.max_depth:
            stopped_by = "max-depth"
            break
        for i in range(level_start, level_end):
            packed = states[i]
            idxs = unpack(packed)
            state = tuple([vals[j] for vals, j in zip(values, idxs)])
            succs, unhandled = system.expand(state)
            expanded += 1
            if unhandled and check_unhandled and "no-unhandled-message" not in found:
                found["no-unhandled-message"] = (i, None, unhandled_note(system, unhandled[0]))
            if not succs and check_deadlock and "no-deadlock" not in found \
                    and not system.is_final(state):
                found["no-deadlock"] = (i, None, "no step is enabled and the state is not final")
            total += len(succs)
            before_view = View(system, state) if stepp else None
            for key, nxt, changed, tid in succs:
                try:
                    generated[tid] += 1
                except IndexError:
                    grow(tid)
                    generated[tid] += 1
                if bounded and not system.within_bounds(nxt):
                    pruned += 1
                    continue
                if stepp:
                    after_view = View(system, nxt)
                    for p in stepp:
                        if p.name not in found:
                            try:
                                ok = p.predicate(before_view, key, after_view)  # type: ignore[misc]
                                if ok is None:
                                    raise none_result_error(p)
                            except BaseException as exc:
                                raise model_code_error(exc, what="the predicate", fn=p.predicate,
                                                       prop=p.name, clause=p.clause) from exc
                            if not ok:
                                found[p.name] = (i, (key, nxt), "")
                new_idxs = list(idxs)
                try:
                    for k in changed:
                        value = nxt[k]
                        idx = tables[k].get(value)
                        if idx is None:
                            idx = add(k, value)
                            pack, unpack = codec[0].pack, codec[0].unpack  # may have widened
                        new_idxs[k] = idx
                    sid = step_ids.get(key)
                except TypeError as exc:  # a value model code produced cannot be hashed
                    raise unhashable_error(system, nxt, exc, key) from exc
                new = pack(*new_idxs)
                if new in seen:
                    if record is not None:
                        record(i, seen[new], tid)
                    continue
                if record is None:
                    seen.add(new)
                else:
                    record(i, len(states), tid)
                    seen[new] = len(states)
                states.append(new)
                parent.append(i)
                if sid is None:
                    sid = step_ids[key] = len(step_list)
                    step_list.append(key)
                step_of.append(sid)
                discovered[tid] += 1
                check_state(len(states) - 1, nxt)
                if max_states is not None and len(states) >= max_states:
                    stopped_by = "max-states"
                    break
            if stop_on and not stop_on.isdisjoint(found):
                stopped_by = "first-violation"
            if stopped_by:
                break
            # Polled after every expansion, so a stop request or the time limit is honoured
            # within one step's cost.
            if stop is not None and stop():
                stopped_by = "interrupted"
                break
            if deadline is not None and time.perf_counter() > deadline:
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

    def decode(packed: bytes) -> State:
        return tuple([vals[i] for vals, i in zip(values, codec[0].unpack(packed))])

    def decode_index(index: int) -> State:
        return decode(states[index])

    def trace_to(index: int, tail: tuple[StepKey, State] | None, note: str) -> Trace:
        path = []
        while index >= 0:
            path.append(index)
            index = parent[index]
        path.reverse()
        trace_states = [decode(states[j]) for j in path]
        trace_steps = [step_list[step_of[j]] for j in path[1:]]
        if tail is not None:
            trace_steps.append(tail[0])
            trace_states.append(tail[1])
        return Trace(tuple(trace_states), tuple(trace_steps), note)

    if temporal is not None and not keep_states:
        seen.clear()  # the state -> index map is not needed any more: free it for the search
    verdicts = safety_verdicts(system, found, complete, trace_to)
    if temporal is not None:
        verdicts = temporal_verdicts(system, temporal, decode_index, verdicts, complete,
                                     expanded, initial_count)
    by_role = coverage_by_role(system, generated, discovered)

    def contains(state: State) -> bool:
        indices = []
        for k in range(slots):
            idx = tables[k].get(state[k])
            if idx is None:
                return False
            indices.append(idx)
        return codec[0].pack(*indices) in seen

    return Result(
        contains=contains if keep_states else None,
        system=system,
        distinct_states=len(states),
        total_states=total,
        depth=depth,
        complete=complete,
        stopped_by=stopped_by,
        elapsed_s=time.perf_counter() - started,
        verdicts=tuple(verdicts),
        coverage=by_role,
        pruned=pruned,
        edges=temporal.graph_size[1] if temporal is not None else 0,
    )


_LIMIT = {"B": 0xFF, "H": 0xFFFF, "I": 0xFFFFFFFF}
