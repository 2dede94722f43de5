"""One search on all cores: a hash-partitioned breadth-first search (issue 20).

Partition w of N owns the states whose stable hash (stable_hash.py) is w modulo N. Each
partition keeps its own store (interning, visited set, parent and step columns), compiled
steps, judge and engine core (core.py: compiled or the twin), and runs in its own process
(a forked one here, a Ray actor in ray_backend.py). The search goes level by level:

1. every partition expands its frontier (the states it added in the previous round):
   successors it owns join its visited set, the others go to per-owner outboxes;
2. the driver hands each partition the batches addressed to it, in sender order, with the
   component values and coverage names each sender interned since its previous batch; the
   partition renumbers the rows into its own numbering and adds the new ones.

What it keeps from the single search, and why:
- TLC counting: distinct states are the union of disjoint partitions; totals and pruned
  counts are summed; depth counts the rounds that found a new state. They do not depend on N.
- Shortest counterexamples: a property found first in round r is found on the lowest BFS
  level that has it, as in the single search; among the partitions that found it in that
  round, the lowest-numbered one's is taken, so the result is the same on every run with
  the same N (the trace may differ from the single search's when several traces are
  equally short).
- Parents across partitions: an added state's parent column holds -2 - j, j indexing the
  partition's `foreign` columns (sender, sender's state index, sender's step id). A trace is
  read back hop by hop, each hop as the position of the step in System.successors(before)
  (as the cache stores traces), and replayed in the driver on its own system.

What it does not do, and says so: temporal properties need the whole state graph (their
verdicts read "unknown", with the reason in Result.search); depth-first search and
keep_states are single-search features. A budget is checked between rounds, so a
--max-states cut may overshoot by up to one level.
"""

from __future__ import annotations

import gc
import io
import itertools
import multiprocessing
import pickle
import time
import traceback
from array import array
from collections.abc import Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ..errors import McfsmError
from ..lang.guard import unhashable_error
from ..lang.loader import model_modules
from ..lang.system import System
from .core import load
from .explorer import Judge
from .results import Budget, Progress, ProgressFn, Result, Trace, Verdict
from .stable_hash import combine, stable_hash
from .steps import CompiledSteps
from .store import Store
from .verdicts import coverage_by_role, safety_verdicts

__all__ = ["ForkedPartitions", "InProcessPartitions", "Partition", "PartitionError",
           "explore_split", "owner_of"]


class PartitionError(McfsmError):
    """A partition of a split search failed or died."""


def owner_of(state: Sequence[Any], nparts: int) -> int:
    """The partition that owns a decoded state (the cores compute the same from indices)."""
    return combine(stable_hash(v) for v in state) % nparts


class Partition:
    """One partition of the split search: its share of the visited set and the code that
    expands it. Its methods are the protocol the driver speaks (in-process, through a pipe
    or as a Ray actor): every argument and answer is plain data."""

    def __init__(self, system: System, part: int, nparts: int, stop_on: frozenset[str],
                 memoize: bool = True) -> None:
        self.system = system
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
        _register_records(system)
        _register_model_classes()
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
        self.steps.poll = None if deadline is None else (
            lambda choices: self.judge.poll(choices, None, deadline, None))
        try:
            stopped_by, hit = self.core.expand_range(self.level_start, self.level_end, None,
                                                     deadline, stop_at_hit)
        except KeyboardInterrupt:
            stopped_by, hit = "interrupted", False
        values = self.store.values
        fresh = [(k, values[k][self.announced[k]:]) for k in range(len(values))
                 if len(values[k]) > self.announced[k]]
        self.announced = [len(v) for v in values]
        names = self.system.coverage_names
        coverage, self.announced_cov = names[self.announced_cov:], len(names)
        report = self._report(stopped_by, hit)
        blob, coverage = _pack_values(fresh, self.system), list(coverage)
        report["parcels"] = [(self.part, blob, coverage, batch)
                             for batch in self.core.take_outbox()]
        return report

    def ingest(self, parcels: list[tuple[int, list, list, tuple]]) -> dict[str, Any]:
        """Add what the others sent: per sender, in sender order, (sender, its new values per
        slot, its new coverage names, its batch for this partition)."""
        width = self.system.slot_count
        hit = False
        for sender, values, coverage, (rows, parents, sids, tids) in parcels:
            maps = self.maps.setdefault(sender, [array("I", range(n)) for n in self.common])
            for slot, new in _unpack_values(values):
                maps[slot].extend(self.store.intern(slot, v) for v in new)
            tid_map = self.tid_maps.setdefault(sender, array("I"))
            tid_map.extend(self.system.coverage_id(actor, name) for actor, name in coverage)
            if not len(tids):
                continue
            local = self.core.translate(rows, width, maps)
            local_tids = self.core.translate(tids, 1, [tid_map])
            positions, more = self.core.ingest(local, local_tids, -2 - len(self.f_sender))
            hit = hit or more
            for j in positions:
                self.f_sender.append(sender)
                self.f_index.append(parents[j])
                self.f_sid.append(sids[j])
        self.level_start, self.level_end = self.level_end, len(self.core)
        return self._report(None, hit)

    def _report(self, stopped_by: str | None, hit: bool) -> dict[str, Any]:
        found = self.judge.found
        fresh = sorted(set(found) - self.reported)
        self.reported.update(fresh)
        return {"stopped_by": stopped_by, "hit": hit, "found": fresh,
                "distinct": len(self.core), "frontier": self.level_end - self.level_start}

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


# -- where the partitions run ------------------------------------------------------------------
# A backend is built as backend(system, workers, stop_on, memoize) and offers: expand(...)
# (every partition expands its frontier: their reports), deliver() (each partition takes
# what the others sent it: their reports), call(method, args per partition),
# call_one(partition, method, *args) and close().
class _Routed:
    """The driver carries the parcels from each sender to their owners, in sender order."""

    _parcels: list[list[tuple]]

    def call(self, method: str, args: list[tuple]) -> list[Any]:
        raise NotImplementedError

    def expand(self, stop_at_hit: bool, left: float | None) -> list[dict[str, Any]]:
        answers = self.call("expand", [(stop_at_hit, left)] * self.nparts)
        self._parcels = [[a["parcels"][owner] for sender, a in enumerate(answers)
                          if sender != owner] for owner in range(self.nparts)]
        for a in answers:
            del a["parcels"]
        return answers

    def deliver(self) -> list[dict[str, Any]]:
        parcels, self._parcels = self._parcels, []
        return self.call("ingest", [(p,) for p in parcels])

    nparts: int


class InProcessPartitions(_Routed):
    """Every partition in this process, one after the other (tests; the reference for the
    other backends)."""

    def __init__(self, system: System, nparts: int, stop_on: frozenset[str],
                 memoize: bool = True) -> None:
        self.nparts = nparts
        self.parts = [Partition(system, w, nparts, stop_on, memoize) for w in range(nparts)]

    def call(self, method: str, args: list[tuple]) -> list[Any]:
        return [getattr(p, method)(*a) for p, a in zip(self.parts, args)]

    def call_one(self, part: int, method: str, *args: Any) -> Any:
        return getattr(self.parts[part], method)(*args)

    def close(self) -> None:
        self.parts = []


_MAKE: Any = None  # set before forking: the children build their partition with it


class ForkedPartitions(_Routed):
    """Each partition in a forked process (it inherits the built system: model code is
    never pickled), spoken to through a pipe; all partitions work at once."""

    def __init__(self, system: System, nparts: int, stop_on: frozenset[str],
                 memoize: bool = True) -> None:
        global _MAKE
        self.nparts = nparts
        context = multiprocessing.get_context("fork")
        _MAKE = lambda w: Partition(system, w, nparts, stop_on, memoize)  # noqa: E731
        self.pipes: list[Connection] = []
        self.processes = []
        try:
            for w in range(nparts):
                mine, theirs = context.Pipe()
                process = context.Process(target=_serve, args=(w, theirs), daemon=True)
                process.start()
                theirs.close()
                self.pipes.append(mine)
                self.processes.append(process)
        finally:
            _MAKE = None
        for w in range(nparts):
            self._answer(w)  # the partition is built (or its error is raised here)

    def call(self, method: str, args: list[tuple]) -> list[Any]:
        for pipe, a in zip(self.pipes, args):
            pipe.send((method, a))
        return [self._answer(w) for w in range(len(self.pipes))]

    def call_one(self, part: int, method: str, *args: Any) -> Any:
        self.pipes[part].send((method, args))
        return self._answer(part)

    def _answer(self, w: int) -> Any:
        try:
            kind, payload = self.pipes[w].recv()
        except (EOFError, OSError):
            self.processes[w].join(1)
            raise PartitionError(
                f"partition {w} of the split search died without an answer (exit status "
                f"{self.processes[w].exitcode})\n  how to fix: explore this variant with "
                "--workers 1 to see its error; if memory ran out, lower --max-states") from None
        if kind == "error":
            raise payload if isinstance(payload, BaseException) else PartitionError(payload)
        return payload

    def close(self) -> None:
        for pipe in self.pipes:
            try:
                pipe.send(("exit", ()))
            except OSError:
                pass
        for process in self.processes:
            process.join(2)
            if process.is_alive():
                process.terminate()
                process.join()
        for pipe in self.pipes:
            pipe.close()


def _serve(w: int, pipe: Connection) -> None:
    """A forked partition: build it, then answer the driver's calls until told to exit."""
    gc.disable()  # as explore does: the tables are acyclic and large
    try:
        partition = _MAKE(w)
        pipe.send(("ok", None))
    except BaseException as exc:  # reported by the driver
        pipe.send(("error", _portable(exc)))
        return
    while True:
        try:
            method, args = pipe.recv()
        except (EOFError, OSError):
            return
        if method == "exit":
            return
        try:
            pipe.send(("ok", getattr(partition, method)(*args)))
        except BaseException as exc:
            pipe.send(("error", _portable(exc)))


# Component values travel as pickles. The parameter record, the shared record and each
# role's local record are classes made per system (NamedTuples built in lang/), which
# pickle cannot name; they travel as (which record, fields) and are rebuilt with the
# receiving process's own system, which has the same classes.
_CLASSES: dict[tuple[str, ...], type] = {}
_KEYS: dict[type, tuple[str, ...]] = {}


def _register_records(system: System) -> None:
    records: dict[tuple[str, ...], type] = {("params",): system._Params,
                                            ("shared",): system._Shared}
    for inst in system.instances:  # by instance: roles of one name may differ (a Param each)
        records[("local", inst.name)] = inst.role.Local
    _KEYS.clear()
    for key, cls in records.items():
        _CLASSES[key] = cls
        _KEYS.setdefault(cls, key)  # a role shared by instances: its first instance names it


def _rebuild(key: tuple[str, ...], fields: tuple) -> Any:
    return _CLASSES[key](*fields)


# Classes of model files and their sibling modules (messages, enums, dataclasses): the
# loader keeps sibling modules out of sys.modules, so pickle cannot import them by name;
# they travel as (file name, qualified name) and are looked up in the receiving process's
# loaded modules. A name that two loaded files share is left out (it would be ambiguous).
_MODEL_CLASSES: dict[tuple[str, str], type] = {}
_MODEL_KEYS: dict[type, tuple[str, str]] = {}


def _register_model_classes() -> None:
    found: dict[tuple[str, str], type | None] = {}
    for module in model_modules():
        file = Path(getattr(module, "__file__", "") or module.__name__).name
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == module.__name__:
                key = (file, value.__qualname__)
                found[key] = value if found.get(key, value) is value else None
    _MODEL_CLASSES.clear()
    _MODEL_KEYS.clear()
    for key, cls in found.items():
        if cls is not None:
            _MODEL_CLASSES[key] = cls
            _MODEL_KEYS[cls] = key


class _RecordPickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        key = _KEYS.get(type(obj))
        if key is None:
            return NotImplemented
        return _rebuild, (key, tuple(obj))

    def persistent_id(self, obj: Any) -> Any:
        return _MODEL_KEYS.get(obj) if isinstance(obj, type) else None


class _RecordUnpickler(pickle.Unpickler):
    def persistent_load(self, pid: Any) -> Any:
        return _MODEL_CLASSES[tuple(pid)]  # type: ignore[index]


def _unpack_values(blob: bytes) -> list[tuple[int, list]]:
    return _RecordUnpickler(io.BytesIO(blob)).load()  # type: ignore[no-any-return]


def _pack_values(fresh: list[tuple[int, list]], system: System) -> bytes:
    """The new component values as they travel to the other partitions."""
    buffer = io.BytesIO()
    try:
        _RecordPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(fresh)
    except Exception:
        for slot, values in fresh:  # name the value that does not travel
            for value in values:
                try:
                    _RecordPickler(io.BytesIO()).dump(value)
                except Exception as exc:
                    raise PartitionError(
                        f"system {system.name!r}: a value of state slot {slot} cannot be "
                        f"sent to another partition of the split search "
                        f"({type(value).__qualname__}: {exc})\n  how to fix: use "
                        "module-level classes, enums, tuples or plain values in states, or "
                        "explore this variant with --workers 1") from None
        raise
    return buffer.getvalue()


def _portable(exc: BaseException) -> Any:
    """The exception itself when it survives pickling, else its text with the traceback."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return "".join(traceback.format_exception(exc))


# -- the driver ------------------------------------------------------------------------------
def explore_split(system: System, budget: Budget | None = None, workers: int = 2,
                  progress: ProgressFn | None = None, backend: Any = None,
                  memoize: bool = True) -> Result:
    """Breadth-first search of `system` split over `workers` partitions (see the module
    doc). `backend(system, workers, stop_on, memoize)` runs the partitions (default: forked
    processes, or this process for one partition); ray_backend.py gives one for Ray."""
    budget = budget or Budget()
    if budget.depth_first:
        raise McfsmError("a split search is breadth-first: drop --dfs or use --workers 1")
    started = time.perf_counter()
    if backend is None:
        backend = InProcessPartitions if workers == 1 else ForkedPartitions
    parts = backend(system, workers, budget.stop_on, memoize)
    try:
        return _drive(system, parts, workers, budget, progress, started)
    finally:
        parts.close()


def _drive(system: System, parts: Any, nparts: int, budget: Budget,
           progress: ProgressFn | None, started: float) -> Result:
    # the initial states: counted here, each sent to its owner
    total = pruned = 0
    owned: list[list[int]] = [[] for _ in range(nparts)]
    for o, init in enumerate(system.initial_states()):
        total += 1
        if not system.within_bounds(init):
            pruned += 1
            continue
        owned[owner_of(init, nparts)].append(o)
    reports = parts.call("add_initials", [(o,) for o in owned])
    first_round: dict[str, tuple[int, int]] = {}  # property -> (round, partition)
    _note_findings(first_round, reports, 0)
    distinct = sum(r["distinct"] for r in reports)
    depth = 1 if distinct else 0
    stopped_by: str | None = "first-violation" if any(r["hit"] for r in reports) else None
    deadline = None if budget.time_limit is None else started + budget.time_limit
    round_no = 0
    while stopped_by is None and any(r["frontier"] for r in reports):
        if budget.max_depth is not None and depth >= budget.max_depth:
            stopped_by = "max-depth"
            break
        round_no += 1
        left = None if deadline is None else max(deadline - time.perf_counter(), 0.0)
        expanded = parts.expand(bool(budget.stop_on), left)
        _note_findings(first_round, expanded, round_no)
        reports = parts.deliver()
        _note_findings(first_round, reports, round_no)
        before = distinct
        distinct = sum(r["distinct"] for r in reports)
        if distinct > before:
            depth += 1
        cut = next((a["stopped_by"] for a in expanded if a["stopped_by"]), None)
        if cut is not None:
            stopped_by = cut
        elif any(a["hit"] for a in expanded) or any(r["hit"] for r in reports):
            stopped_by = "first-violation"
        elif budget.max_states is not None and distinct >= budget.max_states:
            stopped_by = "max-states"
        elif budget.stop is not None and budget.stop():
            stopped_by = "interrupted"
        elif deadline is not None and time.perf_counter() > deadline:
            stopped_by = "time-limit"
        if progress is not None:
            progress(Progress(distinct, total, depth, sum(r["frontier"] for r in reports),
                              time.perf_counter() - started))
    complete = stopped_by is None
    totals = parts.call("totals", [()] * nparts)
    total += sum(t["total"] for t in totals)
    pruned += sum(t["pruned"] for t in totals)
    generated = [0] * len(system.coverage_names)
    discovered = [0] * len(system.coverage_names)
    for t in totals:
        for (actor, name), (g, d) in t["coverage"].items():
            tid = system.coverage_id(actor, name)
            if tid >= len(generated):
                generated.extend([0] * (tid + 1 - len(generated)))
                discovered.extend([0] * (tid + 1 - len(discovered)))
            generated[tid] += g
            discovered[tid] += d

    def trace_to(part: int, index: int, tail: int | None, note: str) -> Trace:
        positions, ordinal = _read_back(parts, part, index)
        if tail is not None:
            positions.append(tail)
        states = [system.initial_states()[ordinal]]
        steps = []
        for position in positions:
            key, after = system.successors(states[-1])[position]
            steps.append(key)
            states.append(after)
        return Trace(tuple(states), tuple(steps), note)

    found = {name: (part, *parts.call_one(part, "finding", name))
             for name, (_, part) in first_round.items()}
    verdicts = [Verdict(v.property, "unknown", None, ()) if v.property.temporal else v
                for v in safety_verdicts(system, found, complete, trace_to)]
    engines = {t["engine"] for t in totals}
    return Result(
        system=system,
        distinct_states=distinct,
        total_states=total,
        depth=depth,
        complete=complete,
        stopped_by=stopped_by,
        elapsed_s=time.perf_counter() - started,
        verdicts=tuple(verdicts),
        coverage=coverage_by_role(system, generated, discovered),
        pruned=pruned,
        engine=", ".join(sorted(engines)),
        search=f"breadth-first, split over {nparts} processes",
    )


def _note_findings(first_round: dict[str, tuple[int, int]], reports: list[dict[str, Any]],
                   round_no: int) -> None:
    """The first round a property was found in, and the lowest partition that found it then."""
    for part, report in enumerate(reports):
        for name in report["found"]:
            if name not in first_round:
                first_round[name] = (round_no, part)


def _read_back(parts: Any, part: int, index: int) -> tuple[list[int], int]:
    """The positions of a trace's steps from its initial state to state `index` of
    partition `part`, and the ordinal of that initial state."""
    positions: list[int] = []
    while True:
        chain, start = parts.call_one(part, "chain", index)
        positions[:0] = chain
        if start[0] == "initial":
            return positions, start[1]
        _, sender, sender_index, sid, state_hash = start
        positions.insert(0, parts.call_one(sender, "hop", sender_index, sid, state_hash))
        part, index = sender, sender_index
