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
import multiprocessing
import os
import pickle
import traceback
from abc import ABC, abstractmethod
from multiprocessing.connection import Connection
from typing import Any

from ...interrupt import bind_to_parent
from ...lang.system import System
from .partition import Partition, PartitionError

__all__ = ["ForkedPartitions", "InProcessPartitions"]


class _Routed(ABC):
    """The driver carries the parcels from each sender to their owners, in sender order."""

    _parcels: list[list[tuple]]

    @abstractmethod
    def call(self, method: str, args: list[tuple]) -> list[Any]:
        """Run `method` on every partition, partition k with args[k]; their answers."""

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
                 memoize: bool = True, stop: Any = None) -> None:
        self.nparts = nparts
        self.parts = [Partition(system, w, nparts, stop_on, memoize, stop)
                      for w in range(nparts)]

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
                 memoize: bool = True, stop: Any = None) -> None:
        global _MAKE
        self.nparts = nparts
        context = multiprocessing.get_context("fork")
        _MAKE = lambda w: Partition(system, w, nparts, stop_on, memoize, stop)  # noqa: E731
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
