"""The joint search of a variant's parameter combinations (search/joint.py, kernel/joint.py)
gives each combination exactly what its own search gives: distinct and total states, depth,
coverage, pruned steps, edges, every verdict with its whole trace (each a real run of that
combination); and it stores each state once, whichever combinations reach it (the distinct
states with the params left out, counted here by a plain search of each combination)."""

from __future__ import annotations

import dataclasses

import pytest

from benchmarks.param_sharing import sharing
from mcfsm.check.choices import combinations, explore_by_choice
from mcfsm.check.results import Budget
from mcfsm.check.search.joint import applies, explore_jointly
from mcfsm.lang.loader import load_path
from tests.conftest import ROOT
from tests.test_simulation import assert_real_run

# bundled variants with several combinations, small enough for the twin: temporal
# properties (lassos), step properties, deadlock and unhandled findings among them
CASES = [("private_call_migration", "setup_in_progress"),  # 32 combinations, 8,980 states
         ("private_call_migration", "fix_setup_resumed"),  # 8
         ("migration_lifecycle", "lossy_registration_bbm"),  # 8, no temporal property
         ("migration_lifecycle", "lossy_registration_retries")]  # 4


def _system(model: str, variant: str):
    return load_path(ROOT / "models" / f"{model}.py")[0].model.system(variant)


def _figures(result) -> dict:
    return {
        "counts": (result.distinct_states, result.total_states, result.depth,
                   result.complete, result.pruned, result.edges),
        "coverage": sorted(result.coverage.items()),
        "verdicts": [(v.property.name, v.status, None if v.trace is None else (
            v.trace.states, v.trace.steps, v.trace.note, v.trace.loop_start), v.assumes)
            for v in result.verdicts],
    }


@pytest.mark.parametrize("model,variant", CASES, ids=[f"{m}[{v}]" for m, v in CASES])
def test_each_combination_gets_what_its_own_search_gives(model, variant):
    system = _system(model, variant)
    combos = list(combinations(system))
    each = explore_by_choice(system)  # one search per combination (the compiled core)
    run = explore_jointly(system, combos)
    assert run.stopped_by is None
    assert len(run.results) == len(combos) == len(each.per_choice) > 1
    separate = [explore_by_choice(system.restricted(dict(c))) for c in combos]
    for combo, mine, theirs in zip(combos, run.results, separate, strict=True):
        assert _figures(mine) == _figures(theirs), combo
        for v in mine.verdicts:
            if v.trace is not None:
                assert_real_run(system.restricted(dict(combo)), v.trace)
    # each state stored once: the distinct states with the params left out
    assert run.rows == sharing(system, 10**6)[2]
    assert run.expansions == sum(r.distinct_states for r in run.results)
    assert run.level_states < run.expansions


def test_some_temporal_verdict_is_a_lasso_found_per_combination():
    """The cases above judge temporal properties on each combination's own graph; at least
    one of them is violated in some combinations and holds in others (so the per-combination
    graphs are not one graph)."""
    system = _system("private_call_migration", "setup_in_progress")
    run = explore_jointly(system, list(combinations(system)))
    temporal = {v.property.name for v in run.results[0].verdicts if v.property.temporal}
    assert temporal
    split = [name for name in temporal if len({next(
        v.status for v in r.verdicts if v.property.name == name) for r in run.results}) > 1]
    assert split, "no temporal property differs between combinations in this variant"


def test_a_stop_request_cuts_every_combination_and_says_so():
    system = _system("private_call_migration", "fix_setup_resumed")
    calls = []

    def stop() -> bool:
        calls.append(1)
        return len(calls) > 2
    run = explore_jointly(system, list(combinations(system)), Budget(stop=stop))
    assert run.stopped_by == "interrupted"
    assert all(not r.complete and r.stopped_by == "interrupted" for r in run.results)
    assert all(v.status in ("unknown", "violated", "witnessed")
               for r in run.results for v in r.verdicts)


@pytest.mark.parametrize("change", [
    {"max_states": 10}, {"max_depth": 3}, {"time_limit": 5.0}, {"depth_first": True},
    {"hash_compact": True}, {"stop_on": frozenset({"no-deadlock"})}])
def test_budgets_it_cannot_honour_leave_it_to_the_combinations_own_searches(change):
    system = _system("private_call_migration", "fix_setup_resumed")
    budget = dataclasses.replace(Budget(), **change)
    assert applies(system, Budget())
    assert not applies(system, budget)
    with pytest.raises(ValueError, match="plain breadth-first"):
        explore_jointly(system, list(combinations(system)), budget)
