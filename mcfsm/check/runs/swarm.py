"""A swarm: several diversified simulations of one system at once, merged into one outcome
(issue 20 items 2 and 5): `mcfsm simulate --workers N` on this machine's cores,
`--ray ADDRESS` as Ray tasks on a cluster.

As in SPIN's swarm, the members never talk while they run: member k is simulation.simulate
with seed `seed + k`, so hypothesis draws its own swarm configurations (transitions avoided,
depth bounds) and its own runs, and a member's failure replays alone from its seed. Each
member returns what it found (`Share`), and the merge says what the whole swarm covered:
- a property violated by any member is violated, with the shortest counterexample any
  member found ("shortest" when that member's breadth-first search settled the length);
- steps, runs and closed cycles add up; distinct states are the union of the members',
  counted by the states' stable 64-bit hashes (stable_hash.py: equal in every process), so
  two distinct states that share a hash count once (probability about n^2 / 2^65 for n
  states: about 3e-10 at 100,000 states);
- the estimate of the reachable states (Chao1) is computed from the merged visit counts;
- a transition never fired is one no member fired; `sometimes` is witnessed when any
  member witnessed it.
Every budget (--max-states, --time-limit, --max-depth) is each member's.

Forked members inherit the built system (model code is never pickled); Ray tasks build it
from the model file (ray_backend.SystemSpec). Results travel as value_pickle bytes.
"""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing
import multiprocessing.connection
import os
import signal
import time
from collections import Counter
from typing import Any

from ...errors import McfsmError
from ...interrupt import bind_to_parent
from ...lang.system import System
from ..results import Budget, Trace
from ..split.backends import portable_exception
from ..state import value_pickle
from ..state.stable_hash import combine, stable_hash
from ..temporal.run_lassos import CycleCounts
from .simulation import Simulation, outcomes, simulate
from .walk import Walker, chao1


@dataclasses.dataclass(frozen=True)
class Share:
    """What one member found, in terms every process reads alike (property names, stable
    state hashes, coverage ids, decoded traces)."""

    seed: int
    runs: int
    steps: int
    elapsed_s: float
    stopped_by: str | None
    visits: dict[int, int]  # stable state hash -> times visited
    fired: frozenset[int]  # coverage ids of the transitions it took
    violated: dict[str, Trace]
    shortest: frozenset[str]  # violated properties whose trace a BFS proved shortest
    raw_lengths: dict[str, int]
    shrunk_lengths: dict[str, int]
    found_after: dict[str, float]
    witness_counts: dict[str, int]
    first_witness: dict[str, Trace]
    cycles: CycleCounts | None
    shrink_cut: frozenset[str] = frozenset()  # violated: shrinking cut by --shrink-time
    # how deep its runs went (Simulation.deepest, runs_cut, runs_ended, depth_bound)
    deepest: int = 0
    runs_cut: int = 0
    runs_ended: int = 0
    depth_bound: str = ""


@dataclasses.dataclass(frozen=True)
class SwarmOptions:
    """simulate()'s options, the same for every member (the seed is the first member's)."""

    examples: int
    steps: int | None  # None: runs that grow deeper (simulation._Depths)
    seed: int
    budget: Budget | None = None
    known: frozenset[str] = frozenset()
    swarm: bool = True
    guided: bool = True
    shortest_within: int = 200_000
    shrink_time: float | None = None  # seconds to shrink each violation (None: unbounded)


def member(system: System, k: int, options: SwarmOptions) -> Share:
    """Member k of the swarm: one simulation with seed options.seed + k."""
    walker = Walker(system)
    sim = simulate(system, examples=options.examples, steps=options.steps,
                   seed=options.seed + k, budget=options.budget, known=options.known,
                   swarm=options.swarm, guided=options.guided, walker=walker,
                   shortest_within=options.shortest_within, shrink_time=options.shrink_time)
    violated = {o.property.name: o.trace for o in sim.outcomes
                if o.status == "violated" and o.trace is not None}
    witnessed = {o.property.name: o.trace for o in sim.outcomes
                 if o.status == "witnessed" and o.trace is not None}
    return Share(options.seed + k, sim.examples, sim.steps, sim.elapsed_s, sim.stopped_by,
                 _hashed_visits(walker), frozenset(t for t, n in walker.fired.items() if n),
                 violated, frozenset(sim.shortest), dict(sim.raw_lengths),
                 dict(sim.shrunk_lengths), dict(sim.found_after),
                 dict(walker.witness_counts), witnessed, sim.cycles, sim.shrink_cut,
                 sim.deepest, sim.runs_cut, sim.runs_ended, sim.depth_bound)


def _hashed_visits(walker: Walker) -> dict[int, int]:
    """The walker's visit counts keyed by each state's stable hash (the hash the split
    search owns states by: combine of its components' stable hashes, in slot order)."""
    values = walker.store.values
    cache: list[dict[int, int]] = [{} for _ in values]
    hashed: dict[int, int] = {}
    for idxs, count in walker.visits.items():
        parts = []
        for slot, i in enumerate(idxs):
            h = cache[slot].get(i)
            if h is None:
                h = cache[slot][i] = stable_hash(values[slot][i])
            parts.append(h)
        key = combine(parts)
        hashed[key] = hashed.get(key, 0) + count
    return hashed


def merge(system: System, shares: list[Share], elapsed_s: float,
          known: frozenset[str] = frozenset()) -> Simulation:
    """One Simulation from the members' shares (the rules in the module doc)."""
    visits: Counter[int] = Counter()
    for share in shares:
        visits.update(share.visits)
    best: dict[str, Share] = {}  # per violated property: the member with the shortest trace
    for share in shares:
        for name, trace in share.violated.items():
            held = best.get(name)
            if held is None or (len(trace), name not in share.shortest) < (
                    len(held.violated[name]), name not in held.shortest):
                best[name] = share
    violated = {name: s.violated[name] for name, s in best.items()}
    shortest = frozenset(name for name, s in best.items() if name in s.shortest)
    witness_counts: Counter[str] = Counter()
    first_witness: dict[str, Trace] = {}
    for share in shares:
        witness_counts.update(share.witness_counts)
        for name, trace in share.first_witness.items():
            if name not in first_witness or len(trace) < len(first_witness[name]):
                first_witness[name] = trace
    cycles = _merged_cycles([s.cycles for s in shares])
    runs = sum(s.runs for s in shares)
    steps = sum(s.steps for s in shares)
    fired = frozenset().union(*(s.fired for s in shares))
    never = tuple(name for tid, name in enumerate(system.coverage_names) if tid not in fired)
    stopped = next((s.stopped_by for s in shares if s.stopped_by), None)
    cut = frozenset(n for n, s in best.items() if n in s.shrink_cut)
    return Simulation(
        system, runs, steps, len(visits), elapsed_s,
        tuple(outcomes(system, violated, witness_counts, first_witness, known, steps,
                       len(visits), cycles, runs, shortest, shrink_cut=cut)),
        stopped, chao1(visits), never, len(system.coverage_names),
        {n: s.raw_lengths[n] for n, s in best.items() if n in s.raw_lengths},
        {n: min(x.found_after[n] for x in shares if n in x.found_after)
         for n in best if any(n in x.found_after for x in shares)},
        cycles,
        {n: s.shrunk_lengths[n] for n, s in best.items() if n in s.shrunk_lengths},
        shortest, members=len(shares), seeds=tuple(s.seed for s in shares), shrink_cut=cut,
        deepest=max((s.deepest for s in shares), default=0),
        runs_cut=sum(s.runs_cut for s in shares), runs_ended=sum(s.runs_ended for s in shares),
        depth_bound=shares[0].depth_bound if shares else "")


def _merged_cycles(counts: list[CycleCounts | None]) -> CycleCounts | None:
    present = [c for c in counts if c is not None]
    if not present:
        return None
    judged: Counter[str] = Counter()
    unfair: Counter[str] = Counter()
    for c in present:
        judged.update(c.judged)
        unfair.update(c.unfair)
    # graph_states: each member searched its own runs' graph; the largest is what one
    # member's union covered (the members' graphs are not joined)
    return CycleCounts(sum(c.cycles for c in present), sum(c.stops for c in present),
                       dict(judged), max(c.graph_states for c in present), dict(unfair))


def swarm(system: System, members: int, options: SwarmOptions,
          runner: Any = None) -> Simulation:
    """`members` simulations of `system` at once, merged. `runner(system, members, options)`
    returns their shares (default: forked processes on this machine, `ForkedMembers`)."""
    started = time.perf_counter()
    shares = (runner or forked_members)(system, members, options)
    return merge(system, shares, time.perf_counter() - started, options.known)


_JOB: Any = None  # set before forking: the members inherit the system and options


def forked_members(system: System, members: int, options: SwarmOptions) -> list[Share]:
    """Each member in a forked process; all at once. Without fork (not Linux/macOS), one
    after another in this process, with the same results."""
    global _JOB
    if members <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [member(system, k, options) for k in range(members)]
    value_pickle.register(system)
    context = multiprocessing.get_context("fork")
    _JOB = (system, options)
    pipes, processes = [], []
    try:
        for k in range(members):
            mine, theirs = context.Pipe(duplex=False)
            process = context.Process(target=_serve, args=(k, theirs, os.getpid()), daemon=True)
            process.start()
            theirs.close()
            pipes.append(mine)
            processes.append(process)
    finally:
        _JOB = None
    shares: dict[int, Share] = {}
    failed = False
    try:
        # Answers as they come, from any member: a member that dies is reported at once
        # (the others stopped), not when the ones before it have spent their budgets.
        waiting = {pipe: k for k, pipe in enumerate(pipes)}
        ends = {processes[k].sentinel: k for k in range(members)}
        while waiting:
            for ready in multiprocessing.connection.wait([*waiting, *ends]):
                k = waiting.get(ready)  # type: ignore[call-overload]
                if k is None:  # a member ended
                    k = ends.pop(ready)  # type: ignore[call-overload]
                    if pipes[k] not in waiting or pipes[k].poll():
                        continue  # its answer was read, or is there to read
                pipe = pipes[k]
                try:
                    kind, payload = pipe.recv()
                except (EOFError, OSError):
                    failed = True
                    raise _died(k, processes[k], options.seed + k) from None
                if kind == "error":
                    failed = True
                    raise payload if isinstance(payload, BaseException) else \
                        SwarmMemberError(payload)
                shares[k] = value_pickle.loads(payload)
                del waiting[pipe]
    except BaseException:
        failed = True
        raise
    finally:
        for process in processes:
            if failed and process.is_alive():
                process.terminate()  # the swarm stops with its first failure
            process.join(2)
            if process.is_alive():
                process.kill()
                process.join()
    return [shares[k] for k in range(members)]


def _died(k: int, process: Any, seed: int) -> SwarmMemberError:
    """The error of member k, whose pipe closed without an answer: how it ended (the signal
    that killed it, or its exit status)."""
    process.join(2)
    code = process.exitcode
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        how = f"was killed by {name}"
        if -code == signal.SIGKILL:
            how += (" (sent by someone, or by the kernel's out-of-memory killer: a member "
                    "holding too much memory; --max-memory MB stops it cleanly)")
    elif code is None:
        how = "closed its pipe and did not end"
    else:
        how = f"exited with status {code}"
    return SwarmMemberError(
        f"swarm member {k} (seed {seed}) {how} without an answer; the swarm was stopped"
        f"\n  how to fix: run `mcfsm simulate` with --seed {seed} and no --workers to see "
        "what it does")


class SwarmMemberError(McfsmError):
    """A swarm member died, or failed with an exception that could not travel."""


def _serve(k: int, pipe: Any, parent: int) -> None:
    bind_to_parent(parent)  # it ends with the driver, whatever ends the driver
    gc.disable()  # as explore does: the tables are acyclic and large
    system, options = _JOB
    try:
        share = member(system, k, options)
        pipe.send(("ok", value_pickle.dumps(share, system, f"swarm member {k}'s findings")))
    except BaseException as exc:  # reported by the driver
        pipe.send(("error", portable_exception(exc)))
