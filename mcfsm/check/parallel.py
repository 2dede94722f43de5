"""All cores: the variants of a folder explored in parallel processes.

`explore_many` runs one exploration per (system, variant) in its own forked worker process,
at most `workers` at a time. Each worker inherits the built systems through fork (model code is never
pickled), explores through `explore_cached` (so the result lands in the cache too) and
sends back the cache's JSON form of the result; the parent rebuilds the Result by replaying
the trace steps on its own system, exactly as a warm cache read does. Without fork
(Windows, macOS spawn) or with one worker, variants run one after the other.

A worker is watched through its process sentinel, not a pool: one that dies without an
answer (killed by the kernel's OOM killer, a segfault in an extension, `os._exit` in model
code) is an error naming its variant, never a hang. A worker that stops because it was
interrupted (a SIGINT that reached it alone) stops the others too.

One variant on several processes (check --workers N on one variant): a variant with
parameters is the disjoint union of one search per combination of choices (choices.py), so
`explore_choices` runs those searches side by side, each whole (temporal properties
judged), each process taking the next combination not yet taken whenever it finishes one,
on its own shared memo tables (as the sequential run shares them), and merges them in
combination order as the sequential run does: every figure, verdict and trace is the one
`--workers 1` gives. A variant with one combination, or a
budget that counts across combinations, is split instead (partitioned.py, or --ray): this
module runs whole searches side by side.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import McfsmError
from ..interrupt import bind_to_parent, stop_word
from ..lang.loader import LoadedModel
from ..lang.system import System
from .cache import cached_result, explore_cached
from .choices import (
    choice_run,
    combination_count,
    combinations,
    explore_by_choice,
    merge_runs,
    verdict_sources,
)
from .results import Budget, Progress, ProgressFn, Result
from .search.explorer import SharedTables, explore
from .stored import dump_result, load_result

if TYPE_CHECKING:
    from multiprocessing.connection import Connection


def _can_fork() -> bool:
    # multiprocessing is imported only where processes are started: a check with one
    # worker (the common start-up) never needs it
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


@dataclass(frozen=True)
class Job:
    system: System
    loaded: LoadedModel | None
    variant: str
    budget: Budget
    cache: bool = True

    @property
    def name(self) -> str:
        model = self.loaded.model.name if self.loaded is not None else self.system.name
        return f"{model}[{self.variant}]"


class WorkerDiedError(McfsmError):
    """A worker process ended without a result (killed, crashed, or exited)."""


_JOBS: list[Job] = []  # set before forking: the workers inherit the built systems
_TABLES_OF: System | None = None  # the variant whose combinations share tables (_dumps)
_STOP: Any = None  # a multiprocessing Event, set when the parent is asked to stop
_NEXT: Any = None  # on shared tables: a multiprocessing Value, the next job to take


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else os.cpu_count() or 1)


# What a worker reports while it explores: (job index, its progress, or None when it is done).
JobProgress = Callable[[int, Progress | None], None]


def explore_many(jobs: list[Job], workers: int | None = None,
                 progress: JobProgress | None = None) -> list[Result | None]:
    """The result of every job, in order, on up to `workers` processes; None for a job
    that failed in its worker with an error (explore it in-process to raise its error
    where it reads best, with the caller's context). A worker that dies raises
    WorkerDiedError. `progress` hears from every worker about once a second."""
    workers = default_workers() if workers is None else workers
    # Cached results are read here; only the others are worth a process.
    results: list[Result | None] = [
        cached_result(job.system, loaded=job.loaded, variant=job.variant, budget=job.budget,
                      cache=job.cache) for job in jobs]
    pending = [i for i, r in enumerate(results) if r is None]
    if workers <= 1 or len(pending) <= 1 or not _can_fork():
        return results  # the caller explores the rest in-process
    for i, dump in _dumps(jobs, pending, workers, progress).items():
        if dump is not None:
            results[i] = load_result(jobs[i].system, dump, cached=dump["was_cached"])
    return results


def _dumps(jobs: list[Job], pending: list[int], workers: int,
           progress: JobProgress | None,
           shared_tables: System | None = None) -> dict[int, dict[str, Any] | None]:
    """The pending jobs explored in forked workers, at most `workers` at a time: each
    one's result in the cache's JSON form, or None where it failed with an error.

    Each job has its own process; with `shared_tables` (the variant whose parameter
    combinations the jobs are), `workers` processes each run jobs one after another on one
    SharedTables (search/explorer.py), as the sequential search does (a process per
    combination would build every memo again), each taking the next job nobody has taken
    whenever it finishes one: a variant's combinations differ in size by 10x or more, and
    the large ones fall on every other index where a two-valued choice varies last, so a
    fixed share (every N-th) left one process with most of the work."""
    global _JOBS, _STOP, _TABLES_OF, _NEXT
    import multiprocessing
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("fork")
    _JOBS = list(jobs)
    _TABLES_OF = shared_tables
    if shared_tables is None:
        batches = [[i] for i in pending]
    else:
        _NEXT = context.Value("i", 0)  # the index in `pending` of the next job to take
        batches = [pending] * min(workers, len(pending))  # each reads it, none changes it
    # A stop request reaches the workers through a shared event: a Ctrl-C in a terminal
    # signals every process of the group, but `kill -INT` (a CI runner's timeout) only
    # this one, whose stop request the forked workers do not share.
    _STOP = context.Event()
    stops = [job.budget.stop for job in jobs if job.budget.stop is not None]
    # sentinel -> (the batch's jobs not answered yet, process, pipe)
    running: dict[Any, tuple[list[int], Any, Connection]] = {}
    dumps: dict[int, dict[str, Any] | None] = {}
    try:
        queue = list(batches)
        while queue or running:
            while queue and len(running) < workers:
                batch = queue.pop(0)
                receive, send = context.Pipe(duplex=False)
                process = context.Process(target=_run, args=(batch, send, os.getpid()),
                                          daemon=True)
                process.start()
                send.close()
                # the jobs it has not answered: its batch, or on shared tables those it
                # took (it says so as it takes one) and has not answered yet
                running[process.sentinel] = ([] if shared_tables is not None else list(batch),
                                             process, receive)
            ready = wait([*running, *(pipe for _, _, pipe in running.values())], timeout=0.1)
            for sentinel, (left, process, pipe) in list(running.items()):
                if pipe not in ready and sentinel not in ready:
                    continue
                closed = _read(pipe, progress, dumps, left)
                if not closed and sentinel not in ready and (left or shared_tables is not None):
                    continue  # only progress so far (on shared tables: until it ends)
                if left:  # it ended without answering a job it had
                    process.join()
                    raise WorkerDiedError(
                        f"the worker process exploring {jobs[left[0]].name} died without a "
                        f"result ({_exit_words(process.exitcode)})\n  how to fix: explore "
                        "that variant alone with --workers 1 to see its error; if memory "
                        "ran out, lower --max-states or pass --max-memory")
                process.join()
                pipe.close()
                del running[sentinel]
            if not _STOP.is_set() and any(stop() for stop in stops):
                _STOP.set()
        # on shared tables a worker that died between two jobs answered all it took; the
        # jobs nobody took then are left
        lost = [i for i in pending if i not in dumps]
        if lost and not _STOP.is_set():
            raise WorkerDiedError(f"the worker processes ended without a result for "
                                  f"{jobs[lost[0]].name}\n  how to fix: explore that variant "
                                  "alone with --workers 1 to see its error")
    finally:
        for _, process, pipe in running.values():
            process.terminate()
            process.join()
            pipe.close()
        _JOBS = []
        _STOP = None
        _TABLES_OF = None
        _NEXT = None
    return dumps


def _read(pipe: Connection, progress: JobProgress | None,
          dumps: dict[int, dict[str, Any] | None], left: list[int]) -> bool:
    """Every message waiting in a worker's pipe: progress goes to `progress`, each answer
    to `dumps` (its job leaves `left`, and progress hears it is done). Whether the pipe
    closed."""
    try:
        while pipe.poll():
            kind, index, payload = pipe.recv()
            if kind == "done":
                dumps[index] = payload
                left.remove(index)
                if payload is not None and payload.get("stopped_by") == "interrupted":
                    _STOP.set()  # one interrupted worker stops them all
                if progress is not None:
                    progress(index, None)
            elif kind == "took":
                left.append(index)
            elif progress is not None:
                progress(index, Progress(*payload))
    except (EOFError, OSError):
        return True
    return False


def _exit_words(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


def _taken(batch: list[int]) -> Iterator[int]:
    """The jobs this worker runs: its batch, or, on shared tables, the next job of the
    batch (every pending job) that no worker has taken yet, until none is left."""
    if _NEXT is None:
        yield from batch
        return
    while True:
        with _NEXT.get_lock():
            at = _NEXT.value
            if at >= len(batch):
                return
            _NEXT.value = at + 1
        yield batch[at]


def _run(batch: list[int], send: Connection, parent: int) -> None:
    bind_to_parent(parent)  # it ends with the parent, whatever ends the parent
    shared = _STOP
    tables = None if _TABLES_OF is None else SharedTables(_TABLES_OF)
    next_read = [0.0]

    def shared_stop() -> bool:
        # The search polls this after every expansion; the shared event costs a lock (0.6
        # us, a fifth of a small model's search), so it is read at most every 50 ms (by
        # the clock, not a count: an expansion of a slow model may take that long itself).
        if shared is not None and time.monotonic() >= next_read[0]:
            if shared.is_set():
                return True  # set for good: next_read stays behind the clock
            next_read[0] = time.monotonic() + 0.05
        return False

    for index in _taken(batch):
        if _NEXT is not None:  # the parent learns which job it has, should it die
            send.send(("took", index, None))
        job = _JOBS[index]
        own_stop = job.budget.stop
        last = [0.0]

        def report(p: Progress, index: int = index, last: list[float] = last) -> None:
            now = time.monotonic()  # at most twice a second, to the parent's display
            if now - last[0] >= 0.5:
                last[0] = now
                send.send(("progress", index,
                           (p.distinct, p.total, p.depth, p.queued, p.elapsed_s)))

        def stop(own_stop: Any = own_stop) -> bool:
            return shared_stop() or bool(own_stop and own_stop())

        try:
            budget = dataclasses.replace(job.budget, stop=stop)
            result = (explore_cached(job.system, loaded=job.loaded, variant=job.variant,
                                     budget=budget, cache=job.cache, progress=report)
                      if tables is None else  # one combination: its per_choice record too
                      explore_by_choice(job.system, budget, progress=report,
                                        explorer=functools.partial(explore, tables=tables)))
            # this worker's own memory passed --max-memory
            result = dataclasses.replace(result,
                                         stopped_by=stop_word(result.stopped_by, own_stop))
            answer: dict[str, Any] | None = {**dump_result(job.system, result),
                                              "was_cached": result.cached}
        except Exception:  # reported by the parent (see explore_many)
            answer = None
        send.send(("done", index, answer))
    send.close()


# -- one variant's parameter combinations side by side ----------------------------------------
# The most combinations explored side by side: each is a job listed before the first runs;
# more are explored one at a time (explore_by_choice, which never lists them).
MAX_SIDE_BY_SIDE = 10_000


def explore_choices(system: System, budget: Budget, workers: int,
                    progress: ProgressFn | None = None) -> Result | None:
    """A variant's combinations of choices explored on up to `workers` processes and merged
    in combination order (see the module doc): the result `explore_by_choice` gives. None
    where that cannot hold, so the caller splits each search instead: one combination
    (or more than MAX_SIDE_BY_SIDE), fewer than two workers, no fork, or a budget the
    sequential run spends across combinations (--max-states, --time-limit, --fail-fast
    stops at the first), or a search of another kind (--dfs, --hash-compact)."""
    if (workers <= 1 or not 1 < combination_count(system) <= MAX_SIDE_BY_SIDE
            or not _can_fork()
            or budget.max_states is not None or budget.time_limit is not None
            or budget.stop_on or budget.depth_first or budget.hash_compact):
        return None
    started = time.perf_counter()
    combos = list(combinations(system))
    jobs = [Job(system.restricted(dict(combo)), None,
                ",".join(f"{name}={value}" for name, value in combo), budget, cache=False)
            for combo in combos]
    dumps = _dumps(jobs, list(range(len(jobs))), workers, _summed(progress, started),
                   shared_tables=system)
    # Read back without their traces first: a replay costs what the search's successor
    # function costs per step, and this process would spend it beside the workers. A
    # combination whose worker failed with an error is explored here, to raise it here.
    finished = [explore(job.system, budget) if dumps.get(i) is None else
                load_result(job.system, _without_traces(dumps[i], set()), cached=False)
                for i, job in enumerate(jobs)]
    # each run's own record, made in its worker from the whole traces (their lengths)
    runs = tuple(r.per_choice[0] if r.per_choice else choice_run(c, r)
                 for c, r in zip(combos, finished))
    # ... then each property's trace from the one run merge_runs takes it from
    wanted: dict[int, set[str]] = {}
    for name, i in verdict_sources(runs).items():
        wanted.setdefault(i, set()).add(name)
    for i, names in wanted.items():
        if dumps.get(i) is not None:
            finished[i] = load_result(jobs[i].system, _without_traces(dumps[i], names), cached=False)
    stopped_by = next((r.stopped_by for r in finished if not r.complete), None)
    merged = merge_runs(system, finished, runs, stopped_by, time.perf_counter() - started)
    return dataclasses.replace(merged, search=(
        f"breadth-first, parameter combinations side by side: {len(combos)} on "
        f"{min(workers, len(combos))} processes"))


def _without_traces(dump: dict[str, Any], keep: set[str]) -> dict[str, Any]:
    """The dump with the traces of the properties outside `keep` left out (not replayed)."""
    return {**dump, "verdicts": [v if v["property"] in keep or v["trace"] is None
                                 else {**v, "trace": None} for v in dump["verdicts"]]}


def _summed(progress: ProgressFn | None, started: float) -> JobProgress | None:
    """One progress line for the variant: the states of the finished combinations and of
    the running ones, added up."""
    if progress is None:
        return None
    last: dict[int, Progress] = {}
    done: dict[int, Progress] = {}

    def report(index: int, p: Progress | None) -> None:
        if p is None:
            if index in last:
                done[index] = last.pop(index)
        else:
            last[index] = p
        seen = [*done.values(), *last.values()]
        progress(Progress(distinct=sum(q.distinct for q in seen),
                          total=sum(q.total for q in seen),
                          depth=max((q.depth for q in seen), default=0),
                          queued=sum(q.queued for q in last.values()),
                          elapsed_s=time.perf_counter() - started))
    return report
