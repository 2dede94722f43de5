"""Property-based exploration at engine speed: hypothesis chooses, the walker (walk.py) steps.

Each hypothesis example is a batch of runs (about 1,000 steps, so that hypothesis's cost per
example stays small against the steps): a swarm configuration (half the examples avoid a
random subset of the transitions, half bound their runs at a random depth), then per run
an initial state and one byte per step. Hypothesis keeps what it is best at: choosing (guided by `target()`
towards runs that reach states no earlier run reached), replaying a failure from its
database, and shrinking the bytes to a small failing run; the walker then shortens the run
itself (walk.Walker.minimize). A safety violation that the breadth-first pass after
shrinking settles (`shortest_within`) is not shrunk by hypothesis unless an example
database keeps it: the pass finds the shortest run whatever run it starts from. One
search checks every property at once; after a violation the search goes on without that
property, so the others still get their verdicts.

Temporal properties are judged on the lassos the runs close (a run that revisits a state,
or may stop for ever where it is: check/temporal/run_lassos.py), with the exhaustive checker's
fairness: a violating fair lasso is a real counterexample, reported as the shortest one
among the states of the run that found it.

What it cannot prove is said in every outcome: "no violation in N random steps over M
distinct states" is not a proof, nor is "no violating fair cycle among N cycles found".
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable, Iterator
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings, target
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from ...interrupt import stop_word
from ...lang.properties import Property
from ...lang.system import System
from ..results import Budget, Trace
from ..search.explorer import explore
from ..temporal.run_lassos import CycleCounts
from .walk import Run, Walker

CHUNK = 256  # the bytes of a run's choices hypothesis draws at once (`_Search._choices`)


class SimulationStopped(BaseException):
    """Raised inside a hypothesis run when the budget is spent: a BaseException, so
    hypothesis lets it through instead of shrinking it as a failure."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


SHRINK_TIME = "shrink-time"  # SimulationStopped's reason when a shrink window runs out


class _FoundCallbackError(BaseException):
    """simulate(on_found=...) raised: carried out of hypothesis (a BaseException, as
    SimulationStopped) and raised again as it was."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(repr(error))
        self.error = error


class _Shrinking:
    """The shrink window of each violation (`mcfsm simulate --shrink-time`): shrinking a
    violation (hypothesis's shrink phase, then Walker.minimize, then the breadth-first
    search that settles the shortest length) stops `seconds` after the violation was found,
    and reports the shortest run it had by then. Only shrinking is bounded: while no
    window is open, `spent` is False, so the search for violations runs on its own budget."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.deadline: float | None = None  # of the window open now, if any
        self.cut: set[str] = set()  # violations whose shrinking the window cut
        self.took: dict[str, float] = {}  # seconds from finding to the shrunk run

    def window(self, found_at: float) -> float | None:
        return None if self.seconds is None else found_at + self.seconds

    def spent(self) -> bool:
        return self.deadline is not None and time.perf_counter() > self.deadline


class ViolatingRunError(AssertionError):
    """A run violated a property (raised inside hypothesis, which shrinks it)."""

    def __init__(self, run: Run) -> None:
        super().__init__(f"{run.violated} violated after {len(run.sids)} steps")
        self.run = run


class _ToBeSettled(BaseException):
    """A run violated a safety property that the breadth-first pass will settle (see
    simulate's `shortest_within`): carried out of hypothesis unshrunk (a BaseException, as
    SimulationStopped). Hypothesis's shrinking of it was two thirds of a simulation's time
    and changed nothing: the breadth-first pass finds the shortest run from the initial
    states whatever the run it is given, and stops on the lowest level that has one."""

    def __init__(self, run: Run) -> None:
        super().__init__(f"{run.violated} violated after {len(run.sids)} steps")
        self.run = run


@dataclasses.dataclass(frozen=True)
class PropertyOutcome:
    property: Property
    status: str  # "violated", "no violation found", "witnessed", "not witnessed", "not checked"
    trace: Trace | None
    words: str


@dataclasses.dataclass(frozen=True)
class Simulation:
    system: System
    examples: int  # runs, shrinking included
    steps: int  # steps taken over all runs
    distinct_states: int
    elapsed_s: float
    outcomes: tuple[PropertyOutcome, ...]
    stopped_by: str | None = None  # "max-states", "time-limit" or "interrupted": cut short
    estimated_states: int | None = None  # Chao1's estimate of the reachable states
    never_fired: tuple[tuple[str, str], ...] = ()  # (instance, transition) no run took
    transitions: int = 0  # transitions in the system
    raw_lengths: dict[str, int] = dataclasses.field(default_factory=dict)  # before minimize
    found_after: dict[str, float] = dataclasses.field(default_factory=dict)  # s to each violation
    cycles: CycleCounts | None = None  # the lassos the runs closed (temporal properties)
    shrunk_lengths: dict[str, int] = dataclasses.field(default_factory=dict)  # before the BFS
    shortest: frozenset[str] = frozenset()  # violated: traces a breadth-first search settled
    members: int = 1  # simulations merged into this one (a swarm: swarm.py)
    seeds: tuple[int, ...] = ()  # the members' hypothesis seeds
    # stopped at the first violation of a property in simulate(stop_on=...): the others
    # were not searched on (`mcfsm simulate` without --keep-going)
    stopped_at_first: bool = False
    # violated: counterexamples reported as the run found them, the budget having run out
    # while they were shrunk
    unshrunk: frozenset[str] = frozenset()
    # violated: counterexamples whose shrinking the shrink window cut (--shrink-time): the
    # shortest run found by then
    shrink_cut: frozenset[str] = frozenset()
    shrink_s: dict[str, float] = dataclasses.field(default_factory=dict)  # found -> reported
    # How deep the runs went (walk.Walker's counters): the most steps one run took, the
    # runs cut at their depth bound (or the end of their choices) and the runs whose
    # behaviour ended (no step left within the bounds); and the depth bound in words
    deepest: int = 0
    runs_cut: int = 0
    runs_ended: int = 0
    depth_bound: str = ""

    @property
    def failed(self) -> bool:
        return any(o.status == "violated" for o in self.outcomes)

    @property
    def steps_per_s(self) -> float:
        return self.steps / self.elapsed_s if self.elapsed_s > 0 else 0.0


def simulation_settings(examples: int, *, derandomize: bool = False, database: Any = None,
                        shrink: bool = True, guided: bool = True) -> settings:
    # No `explain` phase: it re-runs the failing example under a line tracer, and the
    # narrated trace says more.
    phases = [Phase.explicit, Phase.reuse, Phase.generate]
    phases += [Phase.target] if guided else []
    phases += [Phase.shrink] if shrink else []
    return settings(max_examples=examples, deadline=None, derandomize=derandomize,
                    database=database, report_multiple_bugs=False, print_blob=True,
                    suppress_health_check=list(HealthCheck), phases=phases)


SHORTEST_WITHIN = 200_000  # states (about a second per property); `mcfsm simulate --help` says 200,000

# Runs as deep as behaviours go (simulate(steps=None), `mcfsm simulate` without --steps): a
# fixed bound of 50 steps a run missed a violation every complete run of SPIN's sort.pml
# meets at depth 118 (issue 73); TLC's -simulate runs 100 steps deep, SPIN's random
# simulation to the end of a behaviour. Here each example draws its runs' bound among
# DEPTH_FROM, 2 DEPTH_FROM, ... DEPTH_TO, and a run still ends where its behaviour does (a
# final state, every step out of the bounds), the next one starting from an initial state:
# shallow runs (cheap, quick to shrink, enough for most bugs) go on beside runs to the end.
# The bound is drawn from the example's data, from a range that never changes, so that
# hypothesis replays and shrinks an example as it ran (a bound that grew with the examples
# run so far made replays draw differently: FlakyStrategyDefinition). DEPTH_TO: a run's
# choices are a byte a step, and hypothesis bounds an example's choices (8 KiB).
DEPTH_FROM = 50
DEPTH_TO = 6_400


class _Depths:
    """The runs' depth bounds: one fixed bound, or the levels DEPTH_FROM, 2 DEPTH_FROM, ...
    up to DEPTH_TO (or the budget's max_depth), one drawn per example."""

    def __init__(self, steps: int | None, most: int | None) -> None:
        self.drawn = steps is None
        top = DEPTH_TO if most is None else max(1, min(DEPTH_TO, most))
        if steps is not None:
            self.levels = [steps]
        else:
            self.levels = [min(DEPTH_FROM, top)]
            while self.levels[-1] < top:
                self.levels.append(min(2 * self.levels[-1], top))
        self.level = st.integers(0, len(self.levels) - 1)

    def words(self) -> str:
        if not self.drawn:
            return f"{self.levels[0]:,} steps a run"
        return (f"one of {', '.join(f'{n:,}' for n in self.levels)} steps a run, drawn per "
                "example")


def simulate(system: System, *, examples: int = 1000, steps: int | None = 100,
             seed: int | None = None,
             derandomize: bool = False, database: Any = None, shrink: bool = True,
             budget: Budget | None = None, known: frozenset[str] = frozenset(),
             swarm: bool = True, guided: bool = True, walker: Walker | None = None,
             episode: int = 1000, shortest_within: int = SHORTEST_WITHIN,
             stop_on: frozenset[str] | None = None, shrink_time: float | None = None,
             on_found: Callable[[str, Trace, float], None] | None = None,
             witness_traces: bool = True) -> Simulation:
    """Search for violations of every property with `examples` hypothesis examples, each an
    episode of `episode` steps in runs of at most `steps` steps (max_depth: states per run,
    so max_depth - 1 steps; steps=None: bounds drawn up to 6,400, `_Depths`), until every
    property has
    an outcome or the budget is spent (max_states: distinct states seen, time_limit, stop).
    `known`: properties whose violation is already declared and not searched for. `swarm`
    and `guided` off give plain uniform runs (the benchmark's comparison).
    `shortest_within`: after shrinking, a breadth-first search of at most that many states
    (0: none) looks for a shorter counterexample of each violated safety property; when it
    finds one it is the shortest (see `breadth_first_shortest`).
    `stop_on`: stop searching once one of these properties is violated (its counterexample
    is still shrunk and settled); None searches on for every property.
    `shrink_time`: shrinking each violation stops this many seconds after it was found
    (`_Shrinking`; None: no bound); the result says which were cut (`shrink_cut`).
    `on_found(name, trace, seconds)`: called the moment a property is first seen violated,
    with the run as found (unshrunk), before shrinking starts.
    `witness_traces=False`: a `sometimes` property seen true is counted, its run neither
    shrunk nor traced (the pytest plugin reads violations only: shrinking the witnesses was
    a sixth of its hypothesis items' time)."""
    started = time.perf_counter()
    if getattr(system, "initial_states_cut", None):
        return _not_started(system, known)
    walker = walker if walker is not None else Walker(system)
    most = None if budget is None or budget.max_depth is None else max(1, budget.max_depth - 1)
    if steps is not None and most is not None:
        steps = max(1, min(steps, most))
    depths = _Depths(steps, most)
    budget_stops = budget_stop(budget, lambda: walker.distinct_states, started)
    shrinking = _Shrinking(shrink_time)

    def stop() -> str | None:  # the budget's reason to stop, or the shrink window's
        reason = budget_stops() if budget_stops is not None else None
        return reason or (SHRINK_TIME if shrinking.spent() else None)

    with _judging_stops(walker, stop):
        checkable = {p.name for p in system.properties
                     if p.kind != "sometimes" and p.name not in known
                     and (not p.temporal or walker.lassos is not None)}
        violated: dict[str, Run] = {}
        raw: dict[str, int] = {}
        # every property's first violating run, with when it was seen: hypothesis shrinks
        # towards whichever failure is smallest, so a violation it saw may not be the one it
        # reports; one seen is never lost (it is reported from this run, minimized)
        first: dict[str, tuple[Run, float]] = {}
        stopped_by: str | None = None
        stopped_at_first = False
        unshrunk: set[str] = set()

        windows: dict[str, float] = {}  # when shrinking each violation began
        # whether the breadth-first pass settles the safety violations: hypothesis then
        # does not shrink them (the walker still does, for the pass's depth bound and for
        # the run reported when the pass is cut). With an example database it still does:
        # what it shrank is what the database keeps for the next run to replay first.
        settle = shrink and shortest_within > 0 and database is None

        def minimized(run: Run, name: str, window: float | None = None) -> Run:
            # shrunk; or, when the budget runs out while shrinking, the run as found (a
            # real one, only longer) and the simulation says it was cut; when the shrink
            # window closes first, the shortest run found by then, and the result says so
            nonlocal stopped_by
            if not shrink:
                return run
            shrinking.deadline = window
            try:
                shorter = walker.minimize(run, name, stop=stop)
                if shrinking.spent():
                    shrinking.cut.add(name)
                return shorter
            except SimulationStopped as stopped:
                if stopped.reason == SHRINK_TIME:
                    shrinking.cut.add(name)
                else:
                    stopped_by = stopped_by or stopped.reason
                    unshrunk.add(name)
                return run
            finally:
                shrinking.deadline = None

        def window_of(name: str) -> float | None:
            return shrinking.window(windows.setdefault(name, time.perf_counter()))

        while checkable - set(violated) or not checkable:
            skip = frozenset(violated) | known
            search = _Search(walker, depths, episode, skip, stop, swarm, guided,
                             first, shrinking, on_found, started, settle=settle)
            test = simulation_settings(examples, derandomize=derandomize, database=database,
                                       shrink=shrink, guided=guided)(search.test())
            if seed is not None:
                test = hypothesis_seed(seed)(test)
            try:
                test()
                break
            except (ViolatingRunError, _ToBeSettled) as failure:
                failing = failure.run
            except _FoundCallbackError as failure:
                raise failure.error from None
            except BaseException as exc:
                spent = budget_stops() if budget_stops is not None else None
                if spent or search.failing is None or not shrinking.spent():
                    if isinstance(exc, SimulationStopped) and exc.reason != SHRINK_TIME:
                        stopped_by = exc.reason
                    else:
                        stopped_by = spent_or_raise(budget_stops)
                    break
                # the shrink window closed while hypothesis shrank (SimulationStopped, or
                # hypothesis's own words for a run cut short): the shortest run it had
                failing = search.failing
                shrinking.cut.add(failing.violated)  # type: ignore[arg-type]
            finally:
                shrinking.deadline = None
            assert failing.violated is not None
            windows.setdefault(failing.violated, search.failing_at)
            raw[failing.violated] = len(failing.sids)
            violated[failing.violated] = minimized(failing, failing.violated,
                                                   window_of(failing.violated))
            if not checkable:
                break
            if stop_on is not None and failing.violated in stop_on:
                stopped_at_first = True
                break
        for name, (run, _) in first.items():
            if name not in violated and name in checkable and not stopped_at_first:
                raw[name] = len(run.sids)
                violated[name] = minimized(run, name, window_of(name))
        found_after = {name: first[name][1] - started for name in violated if name in first}
        if walker.lassos is not None and stopped_by is None and not stopped_at_first:
            # the runs' states as one graph: cycles and prefixes that no single run closed
            rest = sorted(checkable & walker.temporal_names - set(violated))
            try:
                among = walker.lassos_among_visited(rest)
            except SimulationStopped as stopped:
                among, stopped_by = {}, stopped.reason
            for name, run in among.items():
                raw[name] = len(run.sids)
                windows[name] = time.perf_counter()
                if on_found is not None:
                    on_found(name, walker.trace(run), windows[name] - started)
                violated[name] = minimized(run, name, window_of(name))
                found_after[name] = windows[name] - started
        traces = {name: walker.trace(run) for name, run in violated.items()}
        shrunk = {name: len(trace) for name, trace in traces.items()}
        shortest: set[str] = set()
        if shrink and shortest_within > 0 and stopped_by is None:
            for name, trace in traces.items():
                if name in walker.temporal_names or name in shrinking.cut:
                    continue
                shrinking.deadline = window_of(name)  # the rest of its shrink window
                bfs = breadth_first_shortest(system, name, len(trace), shortest_within, stop)
                if bfs is not None:
                    traces[name] = bfs
                    shortest.add(name)
                elif shrinking.spent():
                    shrinking.cut.add(name)
                shrinking.deadline = None
        shrinking.took.update((name, time.perf_counter() - windows[name]) for name in traces
                              if name in windows)
        outcomes = _outcomes(system, walker, traces, known, shortest, minimized, unshrunk,
                             shrinking, witness_traces)
        return Simulation(system, walker.runs, walker.steps_taken, walker.distinct_states,
                          time.perf_counter() - started, tuple(outcomes), stopped_by,
                          walker.estimated_states(), tuple(walker.never_fired()),
                          len(system.coverage_names), raw, found_after,
                          None if walker.lassos is None else walker.lassos.counts, shrunk,
                          frozenset(shortest), 1, () if seed is None else (seed,),
                          stopped_at_first, frozenset(unshrunk & set(traces)),
                          frozenset(shrinking.cut & set(traces)), dict(shrinking.took),
                          walker.deepest, walker.runs_cut, walker.runs_ended, depths.words())
        # (walker.tally stays as the last search left it: a walker serves one simulation)


def _not_started(system: System, known: frozenset[str]) -> Simulation:
    """No run started: the --time-limit ran out while the model's initial_states= listed
    the initial configurations (System.initial_states_cut); the simulation says its time
    limit stopped it."""
    return Simulation(system, 0, 0, 0, 0.0, tuple(outcomes(system, {}, {}, {}, known, 0, 0)),
                      "time-limit", None, tuple(system.coverage_names),
                      len(system.coverage_names))


def breadth_first_shortest(system: System, name: str, length: int, max_states: int,
                            stop: Any) -> Trace | None:
    """The shortest counterexample of safety property `name`, when a breadth-first search
    of at most `max_states` states, `length` steps deep, finds one (the explorer, stopping
    at the first violation of `name`: it is found on the lowest level that has one, so no
    shorter one exists); None when the search is cut first. Shrinking shortens a run
    locally; this settles the length wherever the states within `length` steps fit."""
    result = explore(system, Budget(max_depth=length + 1, max_states=max_states,
                                    stop_on=frozenset({name}),
                                    stop=(lambda: bool(stop())) if stop is not None else None))
    [verdict] = [v for v in result.verdicts if v.property.name == name]
    if verdict.status == "violated" and verdict.trace is not None:
        return verdict.trace
    return None


class _Search:
    """The hypothesis test: one example is about `episode` steps in runs of at most its
    depth bound (`_Depths`: fixed, or drawn for the example), each run drawn as its
    own start and bytes, so that shrinking can delete whole runs before the failing one and
    then shrink the failing run's bytes."""

    def __init__(self, walker: Walker, depths: _Depths, episode: int, skip: frozenset[str],
                 stop: Any, swarm: bool, guided: bool,
                 first: dict[str, tuple[Run, float]], shrinking: _Shrinking | None = None,
                 on_found: Callable[[str, Trace, float], None] | None = None,
                 started: float = 0.0, settle: bool = False) -> None:
        self.walker, self.skip, self.depth_bounds, self.episode = walker, skip, depths, episode
        self.settle = settle  # safety violations carried out unshrunk (_ToBeSettled)
        walker.tally = True  # how deep the search's runs go is counted (not its shrinking)
        self.first = first
        self.shrinking, self.on_found, self.started = shrinking, on_found, started
        # the violation hypothesis shrinks in this test (the first raised) and the shortest
        # run of it raised so far: what is reported when the shrink window cuts it
        self.failing: Run | None = None
        self.failing_at = 0.0
        self.stop, self.swarm, self.guided = stop, swarm, guided
        n = len(walker.initials)
        self.starts = st.integers(0, n - 1) if n > 1 else st.just(0)
        # per depth bound: a random depth within it (swarm); a run's choices are drawn in
        # chunks as the walker takes them (`_choices`)
        self.depths = {steps: st.integers(1, steps) for steps in depths.levels}
        self.chunks = {n: st.binary(min_size=n, max_size=n)
                       for steps in depths.levels for n in {min(steps, CHUNK), steps % CHUNK}
                       if n}

    def test(self) -> Any:
        @given(st.data())
        def search(data: Any) -> None:
            self.example(data)
        return search

    def example(self, data: Any) -> None:
        if self.stop is not None and (reason := self.stop()):
            raise SimulationStopped(reason)
        bounds = self.depth_bounds
        steps = bounds.levels[data.draw(bounds.level)] if bounds.drawn else bounds.levels[0]
        disabled, depth = 0, steps
        if self.swarm:
            if data.draw(st.booleans()):  # a swarm example: some transitions avoided
                disabled = data.draw(st.integers(0, 2**64 - 1))
            if data.draw(st.booleans()):  # a random depth bound
                depth = data.draw(self.depths[steps])
        new_states = 0
        walker = self.walker
        for _ in range(max(1, self.episode // steps)):
            start = data.draw(self.starts)
            run = walker.run(self._choices(data, steps), start, disabled, self.skip, depth)
            new_states += run.new_states
            if run.violated is not None:
                self._failed(run)
                if self.settle and run.violated not in walker.temporal_names:
                    raise _ToBeSettled(run)
                raise ViolatingRunError(run)
        if self.guided:
            target(new_states, label="states no earlier run reached")

    def _choices(self, data: Any, steps: int) -> Iterator[int]:
        """A run's `steps` bytes, drawn CHUNK at a time as the walker takes them: a run that
        stops early (a violation) leaves the rest undrawn, so hypothesis shrinks the bytes
        the run used, not the run's whole bound (a 6,400-byte draw made hypothesis's
        shrinker compare 51,200-bit integers at every attempt: diehard took 6.9 s of CPU
        against 2.1 s, and on a loaded machine the 10 s window closed on its shrinking)."""
        chunks = self.chunks
        while steps > 0:
            n = min(steps, CHUNK)
            yield from data.draw(chunks[n])
            steps -= n

    def _failed(self, run: Run) -> None:
        """A violating run: the first of its property is recorded and reported at once
        (on_found), and the first violation of this test opens its shrink window."""
        name = run.violated
        assert name is not None
        if name not in self.first:
            now = time.perf_counter()
            self.first[name] = run, now
            if self.on_found is not None:
                try:
                    self.on_found(name, self.walker.trace(run), now - self.started)
                except BaseException as exc:  # through hypothesis, raised again as it was
                    raise _FoundCallbackError(exc) from exc
        if self.failing is None:
            self.failing, self.failing_at = run, time.perf_counter()
            self.walker.tally = False  # hypothesis shrinks it from now on
            if self.shrinking is not None:
                self.shrinking.deadline = self.shrinking.window(self.failing_at)
        elif name == self.failing.violated and len(run.sids) < len(self.failing.sids):
            self.failing = run


def _outcomes(system: System, walker: Walker, violated: dict[str, Trace],
              known: frozenset[str], shortest: set[str], minimized: Any,
              unshrunk: set[str], shrinking: _Shrinking | None = None,
              witness_traces: bool = True) -> list[PropertyOutcome]:
    # a witness is shrunk within a window of its own, from now (it is not reported early)
    first = {name: walker.trace(minimized(run, name, None if shrinking is None else
                                          shrinking.window(time.perf_counter())))
             for name, run in walker.witnesses.items()} if witness_traces else {}
    return outcomes(system, violated, walker.witness_counts, first, known, walker.steps_taken,
                    walker.distinct_states,
                    None if walker.lassos is None else walker.lassos.counts, walker.runs,
                    shortest, unshrunk, frozenset() if shrinking is None else
                    frozenset(shrinking.cut))


def outcomes(system: System, violated: dict[str, Trace], witnessed: dict[str, int],
             first_witness: dict[str, Trace], known: frozenset[str], steps: int,
             states: int, cycles: CycleCounts | None = None,
             runs: int = 0, shortest: set[str] | frozenset[str] = frozenset(),
             unshrunk: set[str] | frozenset[str] = frozenset(),
             shrink_cut: set[str] | frozenset[str] = frozenset()) -> list[PropertyOutcome]:
    """Every property's outcome after random runs, each saying what it rests on (both
    simulations, here and on the transitions runtime in stateful.py, word them so).
    `cycles`: the lassos the runs closed; without it temporal properties are not checked.
    `unshrunk`: counterexamples as the runs found them (the budget ran out first)."""
    over = f"{steps:,} random steps over {states:,} distinct states"
    result = []
    for p in system.properties:
        if p.kind == "sometimes":
            count = witnessed.get(p.name, 0)
            result.append(PropertyOutcome(
                p, "witnessed" if count else "not witnessed", first_witness.get(p.name),
                f"witnessed in {count:,} states of {over}" if count else
                f"not witnessed in {over} (this is not a proof)"))
        elif p.temporal and cycles is not None and p.name not in known:
            result.append(_temporal_outcome(p, violated.get(p.name), cycles, runs))
        elif p.temporal:  # without lassos from the runs, nothing to judge
            result.append(PropertyOutcome(
                p, "not checked", None, "temporal: only the exhaustive explorer checks it "
                "(mcfsm check); random runs are finite"))
        elif p.name in known:
            result.append(PropertyOutcome(p, "not checked", None,
                                          "declared violated: not searched for"))
        elif p.name in violated:
            trace = violated[p.name]
            result.append(PropertyOutcome(p, "violated", trace, (
                f"shortest counterexample: {len(trace)} steps (found by a breadth-first "
                "search bounded by the shrunk run's length)" if p.name in shortest else
                f"counterexample as found: {len(trace)} steps (the budget ran out while it "
                "was shrunk; not necessarily the shortest)" if p.name in unshrunk else
                f"counterexample shrunk until the shrink time ran out: {len(trace)} steps "
                "(shrinking cut by --shrink-time; not necessarily the shortest)"
                if p.name in shrink_cut else
                f"shrunk counterexample: {len(trace)} steps (not necessarily the shortest)")))
        else:
            result.append(PropertyOutcome(p, "no violation found", None,
                                          f"no violation in {over} (this is not a proof)"))
    return result


def _temporal_outcome(p: Property, trace: Trace | None, cycles: CycleCounts,
                      runs: int) -> PropertyOutcome:
    """A temporal property after random runs: a violating fair lasso is a counterexample;
    none found rests on the cycles the runs happened to close, which is not a proof."""
    if trace is not None:
        words = ("lasso counterexample: " + (f"{len(trace)} steps, then stutters forever"
                 if trace.loop_start == len(trace) else
                 f"{len(trace)} steps, steps {(trace.loop_start or 0) + 1}-{len(trace)} "
                 "repeat forever") + " (a real fair behaviour)")
        return PropertyOutcome(p, "violated", trace, words)
    unfair = cycles.unfair.get(p.name, 0)
    found = cycles.cycles + cycles.stops
    discarded = (f"; {unfair:,} left it unmet but are not fair behaviours, discarded"
                 if unfair else "")
    union = (f", nor in the graph of the {cycles.graph_states:,} states they visited"
             if cycles.graph_states else "")
    return PropertyOutcome(p, "no violation found", None,
                           f"no violating fair cycle among {found:,} cycles found in {runs:,} "
                           f"runs ({cycles.cycles:,} revisits of a state, {cycles.stops:,} "
                           f"stays in a state with an obligation open){discarded}{union} "
                           "(this is not a proof)")


@contextlib.contextmanager
def _judging_stops(walker: Walker, stop: Any) -> Iterator[None]:
    """While it lasts, the walker asks stop() before it judges a state it has not judged
    (its state predicates' first call there) and raises SimulationStopped when the time is
    up or a stop was requested: with a slow predicate, the stop between hypothesis examples
    comes too late (an example is about 1,000 steps), and shrinking judges every state of
    the balls around a run (issue 33: `--time-limit 3` ran 25 s past it). The max-states
    budget, which counts the search's distinct states, still stops between examples."""
    if stop is None or not (walker.always or walker.sometimes):
        yield
        return

    def guarded(holds: Any) -> Any:
        def judged(idxs: Any, decode: Any) -> Any:
            reason = stop()
            if reason and reason != "max-states":
                raise SimulationStopped(reason)
            return holds(idxs, decode)
        return judged

    saved = walker.always, walker.sometimes
    walker.always = [(name, guarded(holds)) for name, holds in walker.always]
    walker.sometimes = [(name, guarded(holds)) for name, holds in walker.sometimes]
    try:
        yield
    finally:
        walker.always, walker.sometimes = saved


def spent_or_raise(stop: Any) -> str:
    """Called while handling an exception from a hypothesis search: the budget's reason to
    stop, when it is spent, else the exception again. Hypothesis may report the stop in
    its own words (a run it replays stopped early reads to it as flaky data generation);
    once the budget is spent, that is the stop: its conditions do not un-happen."""
    reason = stop() if stop is not None else None
    if not reason:
        raise  # the exception the caller is handling
    return reason


def budget_stop(budget: Budget | None, distinct_states: Any, started: float) -> Any:
    """stop() for a simulation: why to stop now (interrupted, time-limit, max-states: the
    distinct states seen, as distinct_states() counts them), or None."""
    if budget is None:
        return None
    deadline = None if budget.time_limit is None else started + budget.time_limit

    def stop() -> str | None:
        if budget.stop is not None and budget.stop():
            # the --max-memory guard stops through the same request: say which it was
            return stop_word("interrupted", budget.stop)
        if deadline is not None and time.perf_counter() > deadline:
            return "time-limit"
        if budget.max_states is not None and distinct_states() >= budget.max_states:
            return "max-states"
        return None

    return stop
