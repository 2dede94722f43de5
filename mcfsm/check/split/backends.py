"""Where the split search's partitions run (partitioned.py drives them): all in this
process one after the other (tests, the reference), or each in a forked process spoken to
through a pipe. ray_backend.py runs them as Ray actors with the same protocol:

    backend(system, workers, stop_on, memoize, stop)  builds the partitions
    .expand(stop_at_hit, seconds_left)          every partition expands its frontier: reports
    .deliver()                                  each takes what the others sent it: reports
    .call(method, args per partition)           any Partition method on all of them
    .call_one(partition, method, *args)         on one (traces are read back this way)
    .close()
"""

from __future__ import annotations

import gc
import os
import pickle
import traceback
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

from ...interrupt import bind_to_parent
from ...lang.system import System
from .partition import Partition, PartitionError
from .shared_table import SharedTable

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

__all__ = ["ForkedPartitions", "InProcessPartitions"]


class _Routed(ABC):
    """The driver carries the parcels from each sender to their owners, in sender order."""

    _parcels: list[list[tuple]]

    @abstractmethod
    def call(self, method: str, args: list[tuple]) -> list[Any]:
        """Run `method` on every partition, partition k with args[k]; their answers."""

    table: SharedTable | None = None  # --hash-compact: the visited set all partitions share
    # Partitions that run at once on cores the OS shares with other work: each level is
    # divided by their measured speeds, not equally (`shares`); in-process ones run one
    # after the other at the same speed, and stay equal (their runs repeat exactly).
    concurrent = False
    speeds: list[float] | None = None  # states expanded per second, smoothed over levels

    def expand(self, stop_at_hit: bool, left: float | None) -> list[dict[str, Any]]:
        answers = self.call("expand", [(stop_at_hit, left)] * self.nparts)
        self._parcels = [[a["parcels"][owner] for sender, a in enumerate(answers)
                          if sender != owner and a["parcels"][owner] is not None]
                         for owner in range(self.nparts)]
        for a in answers:
            del a["parcels"]
        return answers

    def deliver(self) -> list[dict[str, Any]]:
        if self.table is not None:  # nothing was sent: each takes the level it holds
            return self.call("next_level", [()] * self.nparts)
        parcels, self._parcels = self._parcels, []
        return self.call("ingest", [(p,) for p in parcels])

    def balance(self, answers: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Work stealing over the shared visited set: a partition expands the states it
        claimed first, so the one that holds the initial state would claim all the others;
        after each level, the partitions that found the most new states give the surplus
        to those that found the fewest (the largest to the smallest, greedily, until each
        holds its share within 2% of the level or 64 states). The receivers' reports."""
        if self.table is None:
            return []
        new = [a["new"] for a in answers]
        total = sum(new)
        # surplus: what each holds beyond its share of the level (negative: below it)
        surplus = [n - total * share for n, share in zip(new, self.shares(answers))]
        gifts: dict[int, list[tuple]] = {}
        while True:
            g = max(range(self.nparts), key=surplus.__getitem__)
            r = min(range(self.nparts), key=surplus.__getitem__)
            count = int(min(surplus[g], -surplus[r]))
            if count < max(64, total // 50):
                break
            gifts.setdefault(r, []).append(self.call_one(g, "give", count, r))
            surplus[g] -= count
            surplus[r] += count
        return [self.call_one(r, "receive", parcels) for r, parcels in sorted(gifts.items())]

    def shares(self, answers: list[dict[str, Any]]) -> list[float]:
        """Each partition's share of the next level. Equal, unless the partitions run at
        once: then in proportion to their speeds (states expanded per wall second, half
        the last level's, half the levels' before), since a level ends when its slowest
        partition does. Another process on the machine takes its core from one partition
        more than from the other (issue 73: two partitions at 0.52x the single search
        beside one other process); given equal shares, the one that runs at half speed
        would hold up the other for the rest of each level. A share never falls below a
        quarter of an equal one, so a partition is still measured when its core frees."""
        equal = [1 / self.nparts] * self.nparts
        if not self.concurrent:
            return equal
        measured = [a["frontier"] / a["seconds"] if a["frontier"] >= 256
                    and a.get("seconds", 0) > 0.005 else None for a in answers]
        if None in measured:  # a level too small to time: the speeds so far stand
            return equal if self.speeds is None else self._normal(self.speeds)
        now = [float(m) for m in measured if m is not None]
        self.speeds = now if self.speeds is None else [
            (old + fresh) / 2 for old, fresh in zip(self.speeds, now)]
        return self._normal(self.speeds)

    def _normal(self, speeds: list[float]) -> list[float]:
        floor = 1 / (4 * self.nparts)
        raw = [s / sum(speeds) for s in speeds]
        lifted = [max(r, floor) for r in raw]
        return [x / sum(lifted) for x in lifted]

    def grow(self, claimed: int, last_level: int) -> None:
        """Between two levels: move the shared visited set to a larger table when the
        next level could fill it past half (shared_table.py)."""
        if self.table is None:
            return
        larger = self.table.grown(claimed, last_level)
        if larger is None:
            return
        self.call("reshare", [(self._handle(larger),)] * self.nparts)
        self.table.close()
        self.table = larger

    def _handle(self, table: SharedTable) -> Any:
        """What a partition maps the table by: the table itself in this process."""
        return table

    def close_table(self) -> None:
        if self.table is not None:
            self.table.close()
            self.table = None

    nparts: int


class InProcessPartitions(_Routed):
    """Every partition in this process, one after the other (tests; the reference for the
    other backends)."""

    def __init__(self, system: System, nparts: int, stop_on: frozenset[str],
                 memoize: bool = True, stop: Any = None, shared: bool = False) -> None:
        self.nparts = nparts
        self.table = SharedTable() if shared else None
        self.parts = [Partition(system, w, nparts, stop_on, memoize, stop, self.table)
                      for w in range(nparts)]

    def call(self, method: str, args: list[tuple]) -> list[Any]:
        return [getattr(p, method)(*a) for p, a in zip(self.parts, args)]

    def call_one(self, part: int, method: str, *args: Any) -> Any:
        return getattr(self.parts[part], method)(*args)

    def close(self) -> None:
        self.parts = []
        self.close_table()


_MAKE: Any = None  # set before forking: the children build their partition with it


class ForkedPartitions(_Routed):
    """Each partition in a forked process (it inherits the built system: model code is
    never pickled), spoken to through a pipe; all partitions work at once."""

    concurrent = True

    def __init__(self, system: System, nparts: int, stop_on: frozenset[str],
                 memoize: bool = True, stop: Any = None, shared: bool = False) -> None:
        global _MAKE
        import multiprocessing  # here: a search on one process never starts another

        self.nparts = nparts
        context = multiprocessing.get_context("fork")
        # the twin core claims fingerprints under this lock (the compiled one by CAS)
        self.table, lock = (SharedTable(), context.Lock()) if shared else (None, None)
        self.lock = lock
        table = None if self.table is None else self._handle(self.table)
        _MAKE = lambda w: Partition(system, w, nparts, stop_on, memoize, stop,  # noqa: E731
                                    table, lock)
        self.pipes: list[Connection] = []
        self.processes = []
        try:
            for w in range(nparts):
                mine, theirs = context.Pipe()
                process = context.Process(target=_serve, args=(w, theirs, os.getpid()),
                                          daemon=True)
                process.start()
                theirs.close()
                self.pipes.append(mine)
                self.processes.append(process)
            for w in range(nparts):
                self._answer(w)  # the partition is built (or its error is raised here)
        except BaseException:
            self.close()
            raise
        finally:
            _MAKE = None

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

    def _handle(self, table: SharedTable) -> Any:
        return (table.path, table.size)  # each process maps it by its path

    def close(self) -> None:
        self.close_table()
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


def _serve(w: int, pipe: Connection, parent: int) -> None:
    """A forked partition: build it, then answer the driver's calls until told to exit."""
    bind_to_parent(parent)  # it ends with the driver, whatever ends the driver
    gc.disable()  # as explore does: the tables are acyclic and large
    try:
        partition = _MAKE(w)
        pipe.send(("ok", None))
    except BaseException as exc:  # reported by the driver
        pipe.send(("error", portable_exception(exc)))
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
            pipe.send(("error", portable_exception(exc)))


def portable_exception(exc: BaseException) -> Any:
    """The exception itself when it survives pickling, else its text with the traceback."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return "".join(traceback.format_exception(exc))
