"""What an exploration returns: budgets, verdicts, traces and the run's figures."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, Literal

from ..lang.properties import Property
from ..lang.system import State, StepKey, System

# How Result.symmetry begins when a declared symmetry did not reduce the search.
NOT_APPLIED = "not applied"
# What follows the declaration in Result.symmetry once the reduced search's stored states
# have been checked against the whole group (search/symmetric.check_orbits). Anything else
# after a reduced search (generators only, or the sample before a hash-compacted one) leaves
# the symmetry an assumption that every verdict of the run rests on (Result.symmetry_assumed).
SYMMETRY_VERIFIED = "; verified"

Status = Literal["holds", "violated", "witnessed", "never", "unknown"]


@dataclasses.dataclass(frozen=True)
class Budget:
    max_states: int | None = None
    max_depth: int | None = None
    time_limit: float | None = None
    # Stop as soon as one of these properties is violated (fail fast; the verdicts of the
    # others then say the search was cut short).
    stop_on: frozenset[str] = frozenset()
    # A stop request (Ctrl-C), polled every 256 expansions and whenever model code runs:
    # when it returns True the search stops and the result says "interrupted".
    stop: Callable[[], bool] | None = None
    # Depth-first (`check --dfs`): the same search with a stack for its frontier, for bugs
    # deep down. Its counterexamples are not necessarily the shortest; with max_depth, a
    # state first reached deep and later by a shorter path is expanded again (as SPIN
    # does), so every state within max_depth steps of an initial state is reached.
    depth_first: bool = False
    # Hash compaction (`check --hash-compact`, fingerprints.py): the visited set keeps a
    # 64-bit fingerprint per state; a state may be missed with the probability it reports.
    hash_compact: bool = False
    # Symmetry reduction (state/symmetry.py) where the system declares symmetry=: one state
    # per orbit. False (`check --no-symmetry`): the unreduced search.
    symmetry: bool = True
    # After a reduced search, check the symmetry on the whole orbit of every stored state
    # (`check --verify-symmetry`; search/symmetric.check_orbits), whatever the group's size:
    # complete, at about the unreduced search's cost. Without it the same check runs where
    # it is small (explorer.FULL_CHECK_GROUP, FULL_CHECK_IMAGES), and elsewhere the group is
    # checked under its generators only, the verdicts saying they assume the symmetry.
    verify_symmetry: bool = False


@dataclasses.dataclass(frozen=True)
class Trace:
    """states[0] is initial; steps[i] leads from states[i] to states[i + 1]."""

    states: tuple[State, ...]
    steps: tuple[StepKey, ...]
    note: str = ""  # what the last state shows: the unhandled message, the deadlock, ...
    # A lasso (temporal counterexample): steps[loop_start:] lead from states[loop_start]
    # back to it and repeat forever; loop_start == len(steps) means it stutters there.
    loop_start: int | None = None

    def __len__(self) -> int:
        return len(self.steps)


@dataclasses.dataclass(frozen=True)
class Verdict:
    property: Property
    status: Status
    trace: Trace | None = None  # counterexample (violated) or witness (witnessed)
    # Temporal properties: the fairness constraints the verdict rests on, in words.
    assumes: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return self.status in ("violated", "never")


@dataclasses.dataclass(frozen=True)
class Progress:
    distinct: int
    total: int
    depth: int
    queued: int
    elapsed_s: float


@dataclasses.dataclass(frozen=True)
class Result:
    system: System
    distinct_states: int
    total_states: int
    depth: int
    complete: bool
    # "max-states", "max-depth", "time-limit", "first-violation" or "interrupted" (Ctrl-C)
    # when not complete
    stopped_by: str | None
    elapsed_s: float
    verdicts: tuple[Verdict, ...]
    coverage: dict[tuple[str, str], tuple[int, int]]  # (role, transition) -> (generated, new)
    pruned: int  # successors dropped by the state or action constraint or a bound
    # With explore(..., keep_states=True): whether a state is among those found.
    contains: Callable[[State], bool] | None = None
    edges: int = 0  # edges recorded for temporal properties (0 when there are none)
    cached: bool = False  # read from .mcfsm-cache/ (cache.py) rather than explored now
    # Which engine core ran (check/kernel/core.py): "compiled", or "python (why)" for the twin.
    engine: str = ""
    # Filled by check/choices.py (one run per parameter combination): a ChoiceRun per
    # combination, so reports can say which choices a verdict rests on.
    per_choice: tuple[Any, ...] = ()
    # "breadth-first" (shortest traces; depth = BFS levels) or "depth-first" (Budget's
    # depth_first: traces not necessarily shortest; depth = the deepest path searched).
    search: str = "breadth-first"
    # The system's symmetry= (state/symmetry.py): "" when it declares none; the sets and
    # the group's size when the states counted are orbits ("r1, r2, r3 (6 permutations)");
    # "not applied: why" when the search ran unreduced.
    symmetry: str = ""

    @property
    def reduced(self) -> bool:
        """Whether the states counted are orbits under a declared symmetry."""
        return bool(self.symmetry) and not self.symmetry.startswith(NOT_APPLIED)

    @property
    def symmetry_assumed(self) -> bool:
        """Whether the verdicts rest on a declared symmetry that was not verified: the
        search was reduced and its states were not checked against the whole group (only
        under its generators, which can miss an asymmetry that shows under a product of
        them, or only near the initial states). Every report then says so with each
        verdict, and a counterexample is not called the shortest."""
        return self.reduced and SYMMETRY_VERIFIED not in self.symmetry

    @property
    def ok(self) -> bool:
        return self.complete and all(v.status in ("holds", "witnessed") for v in self.verdicts)

    @property
    def failed(self) -> bool:
        return any(v.failed for v in self.verdicts)


ProgressFn = Callable[[Progress], None]
