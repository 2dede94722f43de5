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

import dataclasses
import time
from collections.abc import Sequence
from typing import Any

from ...errors import McfsmError, ModelError, UsageError
from ...interrupt import stop_word
from ...lang.system import System
from ..results import Budget, Progress, ProgressFn, Result, Trace, Verdict
from ..search import memo_oracle
from ..search.explorer import explore
from ..search.verdicts import coverage_by_role, safety_verdicts
from ..state.stable_hash import combine, stable_hash
from .backends import ForkedPartitions, InProcessPartitions
from .partition import Partition, PartitionError

__all__ = ["ForkedPartitions", "InProcessPartitions", "Partition", "PartitionError",
           "explore_split", "owner_of"]


def owner_of(state: Sequence[Any], nparts: int) -> int:
    """The partition that owns a decoded state (the cores compute the same from indices)."""
    return combine(stable_hash(v) for v in state) % nparts


# -- the driver ------------------------------------------------------------------------------
def explore_split(system: System, budget: Budget | None = None, workers: int = 2,
                  progress: ProgressFn | None = None, backend: Any = None,
                  memoize: bool = True) -> Result:
    """Breadth-first search of `system` split over `workers` partitions (see the module
    doc). `backend(system, workers, stop_on, memoize, stop)` runs the partitions (default: forked
    processes, or this process for one partition); ray_backend.py gives one for Ray."""
    budget = budget or Budget()
    if budget.depth_first:
        raise McfsmError("a split search is breadth-first: drop --dfs or use --workers 1")
    if system.symmetry and budget.symmetry:
        raise UsageError(f"system {system.name!r} declares symmetry=, which the split search "
                         "does not reduce by (its partitions intern values apart, so one "
                         "orbit could be stored twice): use --workers 1 and no --ray, or pass "
                         "--no-symmetry")
    started = time.perf_counter()
    if backend is None:
        backend = InProcessPartitions if workers == 1 else ForkedPartitions
    if budget.hash_compact:  # one visited set of fingerprints, shared (shared_table.py)
        if not (isinstance(backend, type)
                and issubclass(backend, (InProcessPartitions, ForkedPartitions))):
            raise UsageError("--hash-compact with --workers N shares one table of fingerprints "
                             "in this machine's memory: drop --ray, or --hash-compact")
        parts = backend(system, workers, budget.stop_on, memoize, budget.stop, shared=True)
    else:
        parts = backend(system, workers, budget.stop_on, memoize, budget.stop)
    try:
        result = _drive(system, parts, workers, budget, progress, started)
    finally:
        parts.close()
    if memoize and memo_oracle.enabled():
        # The memo oracle (MCFSM_MEMO_ORACLE=1) covers the split searches as it covers the
        # single one (issue 73: `--workers 2` printed a wrong "holds" where it was silent).
        # Each partition memoizes on its own; the reference is the single search without
        # memos, whose figures a split search must give whatever N (the module doc), so
        # model code whose answers depend on its process (a memory of its own, a global)
        # is caught too, where two split searches would agree on the same wrong answer.
        return memo_oracle.checked(result, lambda: _as_split(
            explore(system, budget, memoize=False)))
    return result


def _as_split(result: Result) -> Result:
    """A single search's result as a split search gives it: temporal properties unjudged
    (a split search records no state graph)."""
    return dataclasses.replace(result, verdicts=tuple(
        Verdict(v.property, "unknown", None, ()) if v.property.temporal else v
        for v in result.verdicts))


class NotReplayedError(ModelError):
    """A trace a partition stored does not replay in the driver (its model code is not
    deterministic): said as a model error, not an IndexError."""


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
        received = parts.balance(expanded)  # shared visited set: work moves (backends.py)
        _note_findings(first_round, received, round_no)
        reports = parts.deliver()
        _note_findings(first_round, reports, round_no)
        before = distinct
        distinct = sum(r["distinct"] for r in reports)
        parts.grow(distinct, distinct - before)
        if distinct > before:
            depth += 1
        cut = next((a["stopped_by"] for a in expanded if a["stopped_by"]), None)
        if cut is not None:
            stopped_by = cut
        elif (any(a["hit"] for a in expanded) or any(r["hit"] for r in received)
              or any(r["hit"] for r in reports)):
            stopped_by = "first-violation"
        elif budget.max_states is not None and distinct >= budget.max_states:
            stopped_by = "max-states"
        elif budget.stop is not None and budget.stop():
            stopped_by = stop_word("interrupted", budget.stop)  # or the driver's memory
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

    replays: dict[Any, Any] = {}  # the traces share their first states: replayed once

    def trace_to(part: int, index: int, tail: int | None, note: str) -> Trace:
        positions, ordinal = _read_back(parts, part, index)
        if tail is not None:
            positions.append(tail)
        try:
            states, steps = system.replayed(ordinal, positions, replays)
        except IndexError:  # a step the partition took is not among the driver's successors
            raise NotReplayedError(
                "a counterexample a partition found does not replay in the driving process: "
                "some model code does not answer the same twice (it keeps a memory across "
                "calls, or reads a global another process changed)", where=f"system "
                f"{system.name!r}", fix="keep guards and actions free of side effects and "
                "of state of their own; MCFSM_MEMO_ORACLE=1 compares the search with and "
                "without memos") from None
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
        search=(f"breadth-first, hash compaction, split over {nparts} processes sharing one "
                "visited set of fingerprints" if budget.hash_compact else
                f"breadth-first, split over {nparts} processes"),
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
