"""Explore a variant's parameter combinations in one joint search (kernel/joint.py) and give
each combination the Result its own search would give: the same distinct and total states,
depth, coverage and verdicts, traces of the same (shortest) length.

It applies to the plain breadth-first search: no state, depth or time budget, no
first-violation stop, no depth-first, hash compaction, symmetry or checkpoint (`applies`);
check/choices.py runs each combination on its own otherwise. Temporal properties are
judged per combination on its own edge graph.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

from ...lang.guard import unhashable_error
from ...lang.system import System
from ..kernel.joint import Combination, JointCore
from ..results import Budget, Progress, ProgressFn, Result
from ..state.steps import CompiledSteps
from ..state.store import Store
from ..temporal.marking import TemporalCheck, temporal_verdicts
from .explorer import Judge, gc_paused
from .verdicts import coverage_by_role, verdicts_of

Choices = tuple[tuple[str, object], ...]
ENGINE = "python (joint search twin)"
SEARCH = "breadth-first, the parameter combinations in one search"


def applies(system: System, budget: Budget) -> bool:
    """Whether the joint search can stand for the combinations' own searches."""
    return (not budget.depth_first and not budget.hash_compact and budget.max_states is None
            and budget.max_depth is None and budget.time_limit is None and not budget.stop_on
            and (not system.symmetry or not budget.symmetry))


@dataclasses.dataclass(frozen=True)
class JointRun:
    """What a joint search gives: one Result per combination, in the order asked for."""

    results: list[Result]
    stopped_by: str | None  # None: complete; "interrupted": every combination's search cut
    rows: int  # states stored, each once whichever combinations reach it
    expansions: int  # (state, combination) expansions, as the combinations' own searches
    level_states: int  # (state, level) pairs: expansions if each served all its holders


def explore_jointly(system: System, combos: list[Choices], budget: Budget | None = None,
                    progress: ProgressFn | None = None, memoize: bool = True) -> JointRun:
    """Search the combinations `combos` of `system` together (module doc)."""
    budget = budget or Budget()
    if not applies(system, budget):
        raise ValueError("the joint search is the plain breadth-first search (see applies)")
    started = time.perf_counter()
    with gc_paused():
        store = Store(system.slot_count, indexed=True)
        steps = CompiledSteps(system, store, memoize=memoize)
        memos: dict[object, object] = {}
        systems = [system.restricted(dict(combo)) for combo in combos]
        temporal_of: list[TemporalCheck | None] = []
        combinations: list[Combination] = []
        for sub in systems:
            temporal = TemporalCheck(sub) if any(p.temporal for p in sub.properties) else None
            judge = Judge(sub, store, steps, temporal, memoize, budget, None, started, memos)
            combinations.append(Combination(store, -1, judge,
                                            None if temporal is None else temporal.edges))
            temporal_of.append(temporal)
        judge = combinations[0].judge  # the same properties in every combination
        core = JointCore(steps, store, combinations, judge.check_states,
                         bool(judge.stepp or judge.bounded),
                         judge.check_deadlock or judge.check_unhandled)
        initial_pruned, initial_counts = _initial_states(systems, store, core, combinations)
        report = None if progress is None else _progress(progress, started)
        stopped_by = core.search(budget.stop, report, 1 << 14)
        complete = stopped_by is None
        results = []
        for sub, c, temporal, pruned, initial in zip(systems, combinations, temporal_of,
                                                     initial_pruned, initial_counts, strict=True):
            verdicts = verdicts_of(sub, c, steps.step_list, c.judge.found, complete)  # type: ignore[arg-type]
            if temporal is not None:
                verdicts = temporal_verdicts(sub, temporal, c.decode_at, verdicts, complete,
                                             c.expanded, initial)
            results.append(Result(
                system=sub, distinct_states=len(c), total_states=c.total, depth=c.depth,
                complete=complete, stopped_by=stopped_by,
                elapsed_s=time.perf_counter() - started, verdicts=tuple(verdicts),
                coverage=coverage_by_role(sub, c.generated, c.discovered),
                pruned=pruned + c.pruned,
                edges=temporal.graph_size[1] if temporal is not None else 0,
                engine=ENGINE, search=SEARCH))
        return JointRun(results, stopped_by, len(core), core.expanded, core.level_states)


def _initial_states(systems: list[System], store: Store, core: JointCore,
                    combinations: list[Combination]) -> tuple[list[int], list[int]]:
    """Each combination's initial states, as the explorer adds them (those outside the
    bounds counted and left out): (pruned, initial states stored) per combination."""
    pruned, counts = [], []
    for sub, c in zip(systems, combinations, strict=True):
        out = 0
        for init in sub.initial_states():
            c.total += 1
            if not sub.within_bounds(init):
                out += 1
                continue
            try:
                idxs = store.encode(init)
            except TypeError as exc:
                raise unhashable_error(sub, init, exc) from exc
            c.params_index = idxs[0]  # every initial state of a combination has its params
            index = core.add_initial(c, idxs)
            if index >= 0 and c.judge.check_states:
                c.judge.state(index, tuple(idxs))
        pruned.append(out)
        counts.append(len(c))
    return pruned, counts


def _progress(progress: ProgressFn, started: float) -> Callable[..., None]:
    def report(distinct: int, total: int, depth: int, queued: int) -> None:
        progress(Progress(distinct, total, depth, queued, time.perf_counter() - started))
    return report
