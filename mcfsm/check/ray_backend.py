"""The split search's partitions as Ray actors and the swarm's members as Ray tasks (issue
20 item 5): `check --ray ADDRESS`, `simulate --ray ADDRESS`.

Ray is an optional extra (`pip install mcfsm[ray]`); nothing here imports it until a Ray
backend is asked for. Each partition of partitioned.py becomes an actor on whichever node
Ray places it. The actor cannot inherit the built system as a forked process does, so it
loads the model file itself and builds the same variant with the same parameter choices
(`SystemSpec`); the stable hash (stable_hash.py) gives every process the same owners.
The driver never fetches the batches: each actor's `expand` returns its report and one
object per owner, and the driver hands those object references to the owners' `ingest`,
so the rows travel through Ray's object store from sender to owner.

Addresses, as `ray.init` takes them: "local" starts a Ray instance for this run only,
"auto" joins the one `ray start --head` runs on this machine, and HOST:PORT (or
ray://HOST:PORT) joins a cluster. On a cluster, mcfsm and the model folder must be at
the same paths on every node (a shared file system, or the same install everywhere).

Clean stops (issue 57 item 4). Ray's core worker replaces the driver's SIGTERM handler with
its own, which exits 15 without running a `finally`; `connect` puts mcfsm's back, and
Ray is shut down as Terminated unwinds: a Ray run ends 143 on SIGTERM as a local one does. A
SIGKILL runs nothing in the driver: the processes it started itself die with it (Ray
binds them with PR_SET_PDEATHSIG), but the raylet's agents only notice the raylet is gone
by polling, then wait on the dead GCS (measured: two processes still alive after 90 s).
With `--ray local`, a watchdog process (`_watchdog`) keeps a list of the driver's
descendants and kills them when the driver ends; a cluster's processes are not ours to
kill (its GCS ends a dead driver's actors).
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Terminated, UsageError
from ..lang.system import System
from .split.partition import Partition


@dataclass(frozen=True)
class SystemSpec:
    """How an actor builds the system the driver explores: a model file, a model in it,
    a variant, and the parameter choices of this run."""

    path: str
    model: str
    variant: str

    def variant_system(self) -> System:
        from ..lang.loader import load_path

        [lm] = [m for m in load_path(Path(self.path)) if m.model.name == self.model]
        return lm.model.system(self.variant)

    def build(self, choices: tuple[tuple[str, Any], ...],
              whole: System | None = None) -> System:
        """The variant restricted to `choices` (from `whole`, the variant as built, when
        given: an actor loads the model file once for all its searches)."""
        system = whole if whole is not None else self.variant_system()
        return system.restricted(dict(choices)) if choices else system


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise UsageError("--ray needs the Ray package: pip install 'mcfsm[ray]' (or "
                         "pip install ray), or drop --ray to split the search over local "
                         "processes with --workers N") from None
    return ray


def connect(address: str) -> Any:
    """The ray module, initialised on `address` (once per process)."""
    ray = _ray()
    if not ray.is_initialized():
        _reachable(address)
        if address == "local":
            _watchdog()  # before ray.init: no process of the run is started unwatched
        ours = signal.getsignal(signal.SIGTERM)
        try:
            # "local" is Ray's own word for a new instance even where one is running:
            # address=None would attach to the latest `ray start` cluster (or RAY_ADDRESS),
            # whose owner may stop it under this run (seen in CI: a test's cluster stopped
            # while another test's `--ray local` run had attached to it)
            ray.init(address=address, include_dashboard=False, log_to_driver=False,
                     configure_logging=False)
        except ConnectionError as exc:
            raise UsageError(f"--ray {address}: no Ray cluster answers there ({exc}); "
                             "start one with `ray start --head`, or use --ray local") from None
        finally:
            # Ray's processes have it now (the raylet passes it to the workers it forks);
            # a process this one starts later is none of the watchdog's business
            os.environ.pop(RUN_MARK, None)
        _take_back_sigterm(ray, ours)
    return ray


# Set by the SIGTERM handler below. Ray's get() runs Python's signal handlers while it
# waits and turns whatever they raise into a KeyboardInterrupt: `_get` says Terminated again.
_terminating = [False]


def _get(ray: Any, refs: Any) -> Any:
    """ray.get, with a SIGTERM received while it waits raised as Terminated (exit 143), not
    as the KeyboardInterrupt Ray makes of it (which would read as a Ctrl-C, exit 130); Ray
    is shut down first, here rather than inside the signal handler (a shutdown from within
    the get() it interrupts waits for ever: measured on a simulate swarm)."""
    try:
        return ray.get(refs)
    except KeyboardInterrupt:
        if _terminating[0]:
            _shut_down(ray)
            raise Terminated from None
        raise


def _shut_down(ray: Any) -> None:
    """Ray shut down (its local cluster's processes end), a second SIGTERM ignored
    meanwhile."""
    previous = signal.getsignal(signal.SIGTERM) \
        if threading.current_thread() is threading.main_thread() else None
    if previous is not None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        ray.shutdown()
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _take_back_sigterm(ray: Any, ours: Any) -> None:
    """mcfsm's SIGTERM handler again (ray.init replaced it with Ray's, which exits 15 at
    once): SIGTERM raises Terminated, Ray is shut down (by `_get`, or by the `finally` of
    `connect`'s callers and Ray's own exit hook), and the command exits 143. Without a
    handler of mcfsm's (a library call), Terminated ends the caller all the same."""
    if threading.current_thread() is not threading.main_thread():
        return

    def ended(signum: int, frame: Any) -> None:
        _terminating[0] = True
        if callable(ours):
            ours(signum, frame)  # mcfsm's: raises Terminated
        elif ours != signal.SIG_IGN:
            raise Terminated

    signal.signal(signal.SIGTERM, ended)


# The watchdog of a `--ray local` run (a separate process, started in a session of its own
# so that a signal to the driver's process group leaves it to clean up): every WATCH_S
# seconds it lists the driver's descendants (pid and start time, from /proc). Once the
# driver is gone, it stops with SIGSTOP (so that none forks again) those still alive with
# the same start time (never a reused pid), and every process whose environment carries this
# run's mark: Ray's processes inherit the driver's environment, and the raylet dies with the
# driver (Ray's fate sharing, PR_SET_PDEATHSIG), so a worker it forked after the last look is
# an orphan nobody's descendant by then (CI, under load: such workers outlived the run). It
# looks again until nothing new turns up, SIGKILLs them all, and ends.
WATCH_S = 0.2
RUN_MARK = "MCFSM_RAY_LOCAL_RUN"
_WATCHDOG = r"""
import os, signal, sys, time
driver, me, every = int(sys.argv[1]), os.getpid(), float(sys.argv[2])
mark = sys.argv[3].encode()
def table():
    out = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            out[int(name)] = (int(fields[1]), fields[19], fields[0])
    return out
def alive(pid, started):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[19] == started and fields[0] != "Z"
def marked(pid):
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            return mark in f.read().split(b"\0")
    except OSError:
        return False
def live(kin, procs):  # never a reused pid's children
    return {p for p in kin if p in procs and procs[p][1] == kin[p]}
def take_in(kin, procs, roots):
    grew, seen = False, True
    while seen:
        seen = False
        for pid, (ppid, started, state) in procs.items():
            if ppid in roots and pid not in kin and pid != me and pid != driver:
                kin[pid] = started
                roots.add(pid)
                grew = seen = True
    return grew
def signal_all(kin, how):
    for pid, started in kin.items():
        if alive(pid, started):
            try:
                os.kill(pid, how)
            except OSError:
                pass
kin = {}
while True:
    procs = table()
    if driver not in procs or procs[driver][2] == "Z":
        break
    take_in(kin, procs, {driver} | live(kin, procs))
    time.sleep(every)
grew = True
while grew:
    procs = table()
    grew = take_in(kin, procs, live(kin, procs))
    for pid, (ppid, started, state) in procs.items():
        if pid not in kin and pid != me and pid != driver and state != "Z" and marked(pid):
            kin[pid] = started
            grew = True
    signal_all(kin, signal.SIGSTOP)
signal_all(kin, signal.SIGKILL)
"""


def _watchdog() -> None:
    """Start the watchdog of this driver's `--ray local` processes (Linux: it reads /proc)."""
    if not sys.platform.startswith("linux"):
        return
    os.environ[RUN_MARK] = secrets.token_hex(8)  # for ray.init's processes to inherit
    subprocess.Popen([sys.executable, "-c", _WATCHDOG, str(os.getpid()), str(WATCH_S),
                      f"{RUN_MARK}={os.environ[RUN_MARK]}"],
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, close_fds=True, start_new_session=True)


def choices_of(system: System) -> tuple[tuple[str, Any], ...]:
    """The run's parameter choices: explore_by_choice pins every parameter to one value."""
    return tuple((name, p.choices[0]) for name, p in system.params.items()
                 if len(p.choices) == 1)


class RayBackend:
    """A backend factory for explore_split: backend(system, workers, stop_on, memoize, stop).
    The stop request stays with the driver (checked between levels): an actor's memory is
    Ray's to watch (its memory monitor), not --max-memory's.

    A variant's searches (one per combination of its parameter choices) take the same
    actors in turn, each rebuilt for the next combination: an actor is a Ray worker process
    that imports mcfsm and loads the model file, and one per partition per combination made
    the split search of the 16 combinations of private_call_redirect[base] 26 s of CPU on a
    two-node cluster against 1 s for the single search. `close()` ends them."""

    def __init__(self, spec: SystemSpec, address: str = "local") -> None:
        self.spec = spec
        self.address = address
        self._idle: list[Any] = []  # actors the last search of this variant gave back

    def __call__(self, system: System, nparts: int, stop_on: frozenset[str],
                 memoize: bool = True, stop: Any = None) -> RayPartitions:
        return RayPartitions(self, choices_of(system), nparts, stop_on, memoize)

    def take(self, ray: Any, n: int) -> list[Any]:
        """n actors: the idle ones first, new ones for the rest."""
        taken, self._idle = self._idle[:n], self._idle[n:]
        actor = ray.remote(num_cpus=1)(PartitionActor)
        return taken + [actor.remote(self.spec) for _ in range(n - len(taken))]

    def give_back(self, actors: list[Any]) -> None:
        self._idle.extend(actors)

    def close(self) -> None:
        """End the idle actors (those whose partitions failed to build were ended then)."""
        idle, self._idle = self._idle, []
        ray = _ray()
        if ray.is_initialized():
            for a in idle:
                ray.kill(a)


class RayPartitions:
    """The partitions as Ray actors; the backend protocol of partitioned.py."""

    def __init__(self, backend: RayBackend, choices: tuple, nparts: int,
                 stop_on: frozenset[str], memoize: bool) -> None:
        ray = self.ray = connect(backend.address)
        self.backend = backend
        self.nparts = nparts
        self.actors = backend.take(ray, nparts)
        self._pending: list[list[Any]] = []
        try:  # built (or their error raised here)
            _get(ray, [a.start.remote(choices, w, nparts, stop_on, memoize)
                       for w, a in enumerate(self.actors)])
        except BaseException:
            if ray.is_initialized():  # no search owns them: ended here, never taken again
                for a in self.actors:
                    ray.kill(a)
            raise

    def expand(self, stop_at_hit: bool, left: float | None) -> list[dict[str, Any]]:
        n = self.nparts
        refs = [a.expand.options(num_returns=n + 1).remote(stop_at_hit, left)
                for a in self.actors]
        # owner o's parcels: every other sender's o-th object, in sender order
        self._pending = [[refs[s][1 + o] for s in range(n) if s != o] for o in range(n)]
        return list(_get(self.ray, [r[0] for r in refs]))

    def deliver(self) -> list[dict[str, Any]]:
        pending, self._pending = self._pending, []
        return list(_get(self.ray, [a.ingest.remote(*p) for a, p in zip(self.actors, pending)]))

    def grow(self, claimed: int, last_level: int) -> None:
        """Ray partitions share no visited set (partitioned.py refuses --hash-compact)."""

    def balance(self, answers: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return []  # each partition expands the states it owns by hash

    def call(self, method: str, args: list[tuple]) -> list[Any]:
        return list(_get(self.ray, [a.call.remote(method, *x) for a, x in zip(self.actors, args)]))

    def call_one(self, part: int, method: str, *args: Any) -> Any:
        return _get(self.ray, self.actors[part].call.remote(method, *args))

    def close(self) -> None:
        if self.ray.is_initialized():  # (a SIGTERM in a get() shuts Ray down before this)
            if _terminating[0]:
                _shut_down(self.ray)  # the whole run ends: its actors with it
            else:
                # the next combination's search rebuilds them (`start`); the parcels of
                # a level a budget cut are dropped with the partition they were for
                self.backend.give_back(self.actors)
        self.actors = []


def _reachable(address: str) -> None:
    """A HOST:PORT where nothing listens is an error at once (ray.init would wait minutes)."""
    if address in ("local", "auto"):
        return
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise UsageError(f"--ray {address}: not an address; give HOST:PORT (a Ray head's GCS "
                         "port, 6379 by default), 'auto' or 'local'")
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
    except OSError as exc:
        raise UsageError(f"--ray {address}: no Ray cluster answers there ({exc.strerror or exc}); "
                         "start one with `ray start --head`, or use --ray local") from None


class PartitionActor:
    """One partition in a Ray actor (wrapped by ray.remote when the backend starts): the
    model file loaded once, a partition built for each search the actor is given."""

    def __init__(self, spec: SystemSpec) -> None:
        import gc

        gc.disable()  # as explore does: the tables are acyclic and large
        self.spec = spec
        self.whole: System | None = None
        self.partition: Partition | None = None

    def start(self, choices: tuple, part: int, nparts: int, stop_on: frozenset[str],
              memoize: bool) -> bool:
        self.partition = None  # the last search's tables freed before the next is built
        if self.whole is None:
            self.whole = self.spec.variant_system()
        self.partition = Partition(self.spec.build(choices, self.whole), part, nparts,
                                   stop_on, memoize)
        return True

    def call(self, method: str, *args: Any) -> Any:
        return getattr(self.partition, method)(*args)

    def expand(self, stop_at_hit: bool, left: float | None) -> tuple:
        assert self.partition is not None
        report = self.partition.expand(stop_at_hit, left)
        return (report, *report.pop("parcels"))

    def ingest(self, *parcels: tuple) -> dict[str, Any]:
        assert self.partition is not None
        return self.partition.ingest(list(parcels))


class RaySwarm:
    """A swarm runner for swarm.swarm: each member a Ray task that builds the system from
    the model file and returns its findings as value_pickle bytes. The stop request and
    --max-memory stay with the driver's process (a task's memory is Ray's to watch)."""

    def __init__(self, spec: SystemSpec, address: str = "local") -> None:
        self.spec = spec
        self.address = address

    def __call__(self, system: System, members: int, options: Any) -> list[Any]:
        import dataclasses

        from .state import value_pickle

        ray = connect(self.address)
        budget = options.budget
        if budget is not None and budget.stop is not None:
            options = dataclasses.replace(options, budget=dataclasses.replace(budget, stop=None))
        task = ray.remote(num_cpus=1)(_swarm_member)
        blobs = _get(ray, [task.remote(self.spec, choices_of(system), k, options)
                         for k in range(members)])
        value_pickle.register(system)
        return [value_pickle.loads(blob) for blob in blobs]


def _swarm_member(spec: SystemSpec, choices: tuple, k: int, options: Any) -> bytes:
    from .runs.swarm import member
    from .state import value_pickle

    system = spec.build(choices)
    value_pickle.register(system)
    return value_pickle.dumps(member(system, k, options), system, f"swarm member {k}'s findings")
