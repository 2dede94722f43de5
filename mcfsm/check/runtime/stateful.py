"""The hypothesis bridge: a RuleBasedStateMachine over the runtime (mcfsm.check.runtime.machines), so a
model is also a property-based test. Rules pick among the steps enabled in the current
state; invariants are the model's `always`, step, deadlock and unhandled-message
properties; `sometimes` witnesses are counted.

    TestRedirect = state_machine(model.system("base")).TestCase   # a unittest/pytest test

`simulate()` runs it and gives every property a verdict, worded as simulation.py words
them; after a violation it runs again without that property. `mcfsm simulate` and the pytest
plugin run simulation.py on the engine's successor function instead: this one is the
independent semantics that tests/test_differential.py holds the engine against.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from hypothesis import HealthCheck, Phase, note, reject, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    get_state_machine_test,
    initialize,
    invariant,
    precondition,
    rule,
)

from ...lang.guard import call_predicate, unhashable_error
from ...lang.properties import Property
from ...lang.system import State, StepKey, System, View
from ..runs.simulation import Simulation, SimulationStopped, budget_stop, outcomes, spent_or_raise
from ..search.explorer import Budget, Trace
from .machines import Runtime


def _step_index(n: int) -> st.SearchStrategy[int]:
    """Which enabled step to take. Hypothesis's own integers favour low indices, but they
    shrink fast; wide integers taken modulo n explored a little more and shrank an order of
    magnitude slower (benchmarks/ measures bug finding; the exhaustive explorer is the
    complete search)."""
    return st.integers(0, n - 1)


STEP_INDEX = _step_index


class PropertyViolatedError(AssertionError):
    """Raised inside a hypothesis run; carries the (shrunk, once hypothesis is done) trace."""

    def __init__(self, prop: Property, trace: Trace) -> None:
        self.prop = prop
        self.trace = trace
        super().__init__(f"{prop.name} violated ({prop.clause}) after {len(trace)} steps"
                         + (f": {trace.note}" if trace.note else ""))


@dataclasses.dataclass
class Stats:
    """What the runs saw, across examples."""

    examples: int = 0
    steps: int = 0
    states: set[State] = dataclasses.field(default_factory=set)
    starts: set[State] = dataclasses.field(default_factory=set)
    # every step taken, (before, key, after): what a differential test replays on the
    # engine's successor function
    moves: set[tuple[State, Any, State]] = dataclasses.field(default_factory=set)
    witnessed: dict[str, int] = dataclasses.field(default_factory=dict)
    first_witness: dict[str, Trace] = dataclasses.field(default_factory=dict)


def state_machine(system: System, *, stats: Stats | None = None,
                  skip: frozenset[str] = frozenset(),
                  stop: Any = None) -> type[RuleBasedStateMachine]:
    """A RuleBasedStateMachine class exploring `system` on the transitions runtime.
    `stop()` (optional) returns why to stop now (a budget is spent), or None."""
    stats = stats if stats is not None else Stats()
    props = [p for p in system.properties if p.name not in skip]
    always = [p for p in props if p.kind == "always"]
    steps_props = [p for p in props if p.kind == "step"]
    sometimes = [p for p in props if p.kind == "sometimes"]
    deadlock = next((p for p in props if p.kind == "deadlock"), None)
    unhandled = next((p for p in props if p.kind == "unhandled"), None)
    initial_count = system.initial_count()

    class ModelStateMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.runtime: Runtime | None = None
            self.states: list[State] = []
            self.keys: list[StepKey] = []
            self.enabled: list[Any] = []
            self.unhandled: list[Any] = []

        def _trace(self, note: str = "") -> Trace:
            return Trace(tuple(self.states), tuple(self.keys), note)

        def _refresh(self) -> None:
            assert self.runtime is not None
            self.enabled, self.unhandled = self.runtime.enabled()
            state = self.runtime.export()
            self.states.append(state)
            try:
                stats.states.add(state)
            except TypeError as exc:  # model code put an unhashable value in the state
                raise unhashable_error(system, state, exc,
                                       self.keys[-1] if self.keys else None) from exc
            view = View(system, state)
            for p in sometimes:
                if call_predicate(p, view):
                    stats.witnessed[p.name] = stats.witnessed.get(p.name, 0) + 1
                    stats.first_witness.setdefault(p.name, self._trace())

        @initialize(initial=st.integers(0, initial_count - 1))
        def start(self, initial: int) -> None:
            """Start in one of the initial states (one per combination of parameter choices)."""
            if stop is not None and (reason := stop()):
                raise SimulationStopped(reason)
            stats.examples += 1
            self.runtime = Runtime(system, initial)
            self._refresh()
            stats.starts.add(self.states[-1])

        @precondition(lambda self: bool(self.enabled))
        @rule(data=st.data())
        def step(self, data: Any) -> None:
            """Take one of the enabled steps."""
            if stop is not None and (reason := stop()):
                raise SimulationStopped(reason)
            index = data.draw(STEP_INDEX(len(self.enabled)), label="step index")
            key, fire = self.enabled[index]
            note(f"step {len(self.keys) + 1}: {_Choice(self.enabled[index])!r}")
            before = self.states[-1]
            fire()
            if system.bounded and not system.within_bounds(self.runtime.export()):
                reject()  # TLC CONSTRAINT: the explorer neither counts nor explores such states
            if not system.allows(before, key, self.runtime.export()):
                reject()  # TLC ACTION_CONSTRAINT: the explorer does not take this step
            if not system.within_capacity(self.runtime.export()):
                reject()  # a send on a full channel is not enabled in the explorer
            self.keys.append(key)
            stats.steps += 1
            self._refresh()
            stats.moves.add((before, key, self.states[-1]))
            if steps_props:
                b, a = View(system, before), View(system, self.states[-1])
                for p in steps_props:
                    if not call_predicate(p, b, key, a):
                        raise PropertyViolatedError(p, self._trace())

        @precondition(lambda self: self.runtime is not None and not self.enabled)
        @rule()
        def stutter(self) -> None:
            """No step is enabled (a final state): nothing happens."""

        @invariant()
        def properties(self) -> None:
            if self.runtime is None:
                return
            view = View(system, self.states[-1])
            for p in always:
                if not call_predicate(p, view):
                    raise PropertyViolatedError(p, self._trace())
            if unhandled is not None and self.unhandled:
                u = self.unhandled[0]
                raise PropertyViolatedError(unhandled, self._trace(
                    f"{u.receiver} in state {u.state!r} has no transition for "
                    f"{type(u.message).__name__} from {u.sender}"))
            if deadlock is not None and not self.enabled and not system.is_final(self.states[-1]):
                raise PropertyViolatedError(deadlock, self._trace(
                    "no step is enabled and the state is not final"))

    ModelStateMachine.__name__ = ModelStateMachine.__qualname__ = (
        "".join(part.title() for part in system.name.split("_")) + "Machine")
    return ModelStateMachine


class _Choice:
    """An enabled step as hypothesis prints it: in the model's words, not as a closure."""

    __slots__ = ("pair",)

    def __init__(self, pair: tuple[StepKey, Any]) -> None:
        self.pair = pair

    def __repr__(self) -> str:
        key = self.pair[0]
        text = f"{key.actor}: {key.transition}"
        if key.message is not None:
            text += f" <- {key.sender}: {key.message!r}"
        if key.arg is not None:
            text += f" [{key.arg!r}]"
        return text


def simulation_settings(examples: int, steps: int, *, derandomize: bool = False,
                        database: Any = None, shrink: bool = True) -> settings:
    # No `explain` phase: it re-runs the failing example under a line tracer, which takes
    # minutes on the larger models and adds nothing the narrated trace does not say.
    phases = [Phase.explicit, Phase.reuse, Phase.generate] + ([Phase.shrink] if shrink else [])
    return settings(max_examples=examples, stateful_step_count=steps, deadline=None,
                    derandomize=derandomize, database=database, report_multiple_bugs=False,
                    suppress_health_check=list(HealthCheck), print_blob=True, phases=phases)


def simulate(system: System, *, examples: int = 100, steps: int = 50, seed: int | None = None,
             derandomize: bool = False, database: Any = None, shrink: bool = True,
             stats: Stats | None = None, budget: Budget | None = None,
             known: frozenset[str] = frozenset()) -> Simulation:
    """Run hypothesis over the model until every property has an outcome, or until the
    budget is spent (max_states: distinct states seen; max_depth: states per run, so
    max_depth - 1 steps; time_limit; the stop request). `known`: properties whose
    violation is already known (declared violated), not searched for: finding and
    shrinking their counterexamples again is most of the cost of a run."""
    started = time.perf_counter()
    stats = stats if stats is not None else Stats()
    stop = None
    if budget is not None:
        if budget.max_depth is not None:
            steps = max(1, min(steps, budget.max_depth - 1))
        stop = budget_stop(budget, lambda: len(stats.states), started)
    stopped_by: str | None = None
    violated: dict[str, Trace] = {}
    checkable = [p for p in system.properties
                 if p.kind != "sometimes" and not p.temporal and p.name not in known]
    while True:
        machine = state_machine(system, stats=stats, skip=frozenset(violated) | known,
                                stop=stop)
        test = get_state_machine_test(machine, settings=simulation_settings(
            examples, steps, derandomize=derandomize, database=database, shrink=shrink))
        if seed is not None:
            test = hypothesis_seed(seed)(test)
        try:
            test()
            break
        except SimulationStopped as stopped:
            stopped_by = stopped.reason
            break
        except PropertyViolatedError as failure:
            violated[failure.prop.name] = failure.trace
            if len(violated) == len(checkable):
                break
        except BaseException:
            stopped_by = spent_or_raise(stop)
            break
    found = outcomes(system, violated, stats.witnessed, stats.first_witness, known,
                     stats.steps, len(stats.states))
    return Simulation(system, stats.examples, stats.steps, len(stats.states),
                      time.perf_counter() - started, tuple(found), stopped_by)
