"""All cores: the variants of a folder explored in parallel processes.

`explore_many` runs one exploration per (system, variant) in a pool of forked worker
processes. Each worker inherits the built systems through fork (model code is never
pickled), explores through `explore_cached` (so the result lands in the cache too) and
sends back the cache's JSON form of the result; the parent rebuilds the Result by replaying
the trace steps on its own system, exactly as a warm cache read does. Without fork
(Windows, macOS spawn) or with one worker, variants run one after the other.

Not built yet: one search split across processes. The plan, sized from the profile of the
single-process engine (about 1 µs of interpreter time per generated successor):
- Partitions as actors. Worker w owns the states whose owner hash is w (mod N). The owner
  hash combines per-component value hashes memoized per interned index, so it costs a few
  integer operations per successor. Each worker keeps its own store (interning, visited
  set, parent and step columns) and compiled steps; BFS runs level by level: a worker
  expands its frontier, keeps the successors it owns, and batches the others per owner.
- Batches carry packed states in the sender's own component numbering, plus the
  definitions (slot, plain value) of component indices the receiver has not seen from
  that sender; the receiver translates indices through a per-sender table. Step keys and
  coverage ids travel the same way. Batches are applied in sender order, so the result is
  deterministic for a given N; counts and verdicts follow TLC (distinct, total and depth
  do not depend on N), and a property violated first at level L yields a shortest
  counterexample of L - 1 steps, chosen as the lowest (worker, index) to be deterministic.
  Parents are (worker, index) pairs; a trace is read back hop by hop across workers.
- Ray. The workers only exchange batches at level barriers, so each can be a Ray actor
  (`@ray.remote class Partition`) on any machine: `expand_level()` returns batches as
  object refs, the driver passes the refs to their owners' `ingest(batches)`, and collects
  per-level counts and findings. Model code reaches the actors by importing the model
  file from a shared path (Ray's runtime_env working_dir), as the forked workers inherit
  it today.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..lang.system import System
from .cache import _dump, _load, cached_result, explore_cached
from .results import Budget, Result


@dataclass(frozen=True)
class Job:
    system: System
    path: Path | None
    variant: str
    budget: Budget
    cache: bool = True


_JOBS: list[Job] = []  # set before forking: the workers inherit the built systems
_STOP: Any = None  # a multiprocessing Event, set when the parent is asked to stop


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else os.cpu_count() or 1)


def explore_many(jobs: list[Job], workers: int | None = None) -> list[Result | None]:
    """The result of every job, in order, on up to `workers` processes; None for a job
    that failed in its worker (explore it in-process to raise its error where it reads
    best, with the caller's context)."""
    workers = default_workers() if workers is None else workers
    # Cached results are read here; only the others are worth a process.
    results: list[Result | None] = [
        cached_result(job.system, path=job.path, variant=job.variant, budget=job.budget,
                      cache=job.cache) for job in jobs]
    pending = [i for i, r in enumerate(results) if r is None]
    methods = multiprocessing.get_all_start_methods()
    if workers <= 1 or len(pending) <= 1 or "fork" not in methods:
        return results  # the caller explores the rest in-process
    global _JOBS, _STOP
    context = multiprocessing.get_context("fork")
    _JOBS = list(jobs)
    # A stop request reaches the workers through a shared event: a Ctrl-C in a terminal
    # signals every process of the group, but `kill -INT` (a CI runner's timeout) only
    # this one, whose stop request the forked workers do not share.
    _STOP = context.Event()
    stops = [job.budget.stop for job in jobs if job.budget.stop is not None]
    try:
        with context.Pool(min(workers, len(pending))) as pool:
            waiting = pool.map_async(_run, pending, chunksize=1)
            while not waiting.ready():
                waiting.wait(0.1)
                if not _STOP.is_set() and any(stop() for stop in stops):
                    _STOP.set()
            dumps = waiting.get()
    finally:
        _JOBS = []
        _STOP = None
    for i, dump in zip(pending, dumps):
        if dump is not None:
            results[i] = _load(jobs[i].system, dump, cached=dump["was_cached"])
    return results


def _run(index: int) -> dict[str, Any] | None:
    job = _JOBS[index]
    own_stop, shared = job.budget.stop, _STOP

    def stop() -> bool:
        return bool((shared is not None and shared.is_set()) or (own_stop and own_stop()))

    try:
        result = explore_cached(job.system, path=job.path, variant=job.variant,
                                 budget=dataclasses.replace(job.budget, stop=stop),
                                 cache=job.cache)
        return {**_dump(job.system, result), "was_cached": result.cached}
    except Exception:  # reported by the parent (see explore_many)
        return None
