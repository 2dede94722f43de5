"""A variant's parameter combinations searched one after another on shared memo tables
(search/explorer.py's SharedTables, used by choices.explore_by_choice) give exactly what
separate searches give: counts, every verdict with its whole trace, coverage, and the
verdicts of each combination; on both engine cores. And whether a memo pays is judged in
each search anew, as a fresh search judges it."""

from __future__ import annotations

import pytest

from mcfsm import explore
from mcfsm.check.choices import combinations, explore_by_choice
from mcfsm.check.search.explorer import SharedTables
from mcfsm.check.state.predicates import MemoPredicate
from mcfsm.check.state.store import Store
from mcfsm.errors import UsageError
from mcfsm.lang.loader import load_path
from tests.conftest import ROOT

# bundled variants with several combinations and at most about 46,000 states in all
CASES = [("private_call_migration", "setup_in_progress"),   # 16 combinations
         ("private_call_migration", "fix_release_completes"),  # 16
         ("migration_lifecycle", "lossy_registration_bbm"),  # 8
         ("group_call_migration", "make_before_break")]  # 2


def _system(model: str, variant: str):
    return load_path(ROOT / "models" / f"{model}.py")[0].model.system(variant)


def _separate(system, budget, progress=None):
    """One search per combination, each on its own tables (the explorer as it was)."""
    return explore(system, budget, progress=progress)


def _figures(result) -> dict:
    return {
        "counts": (result.distinct_states, result.total_states, result.depth,
                   result.complete),
        "coverage": sorted(result.coverage.items()),
        "verdicts": [(v.property.name, v.status, None if v.trace is None else (
            v.trace.states, v.trace.steps, v.trace.note, v.trace.loop_start))
            for v in result.verdicts],
        "per_choice": result.per_choice,
    }


@pytest.mark.parametrize("pure", ["0", "1"], ids=["compiled", "twin"])
@pytest.mark.parametrize("model,variant", CASES, ids=[f"{m}[{v}]" for m, v in CASES])
def test_shared_tables_give_what_separate_searches_give(model, variant, pure, monkeypatch):
    monkeypatch.setenv("MCFSM_PURE", pure)
    system = _system(model, variant)
    shared = explore_by_choice(system)
    separate = explore_by_choice(system, explorer=_separate)
    assert len(shared.per_choice) > 1
    assert _figures(shared) == _figures(separate)


def test_each_search_judges_again_whether_its_memos_pay():
    """A window of memo misses that spans two searches would judge the second by the
    first's: a new parameter value makes every key new for a while. Each combination's
    search on shared tables turns off the same memos a fresh search of it turns off."""
    system = _system("private_call_migration", "setup_in_progress")
    tables = SharedTables(system)
    for combo in combinations(system):
        one = system.restricted(dict(combo))
        explore(one, tables=tables)
        fresh = SharedTables(system)
        explore(one, tables=fresh)
        assert tables.steps.low_hit == fresh.steps.low_hit, combo
        # counted per search: the core sets it at its last memo miss, and the memo it takes
        # over from the last combination's core (Core.adopt_memo) can only spare misses, so
        # a count carried over from the earlier searches would exceed the fresh one's
        assert tables.steps.expansions <= fresh.steps.expansions, combo


def test_a_memo_turned_off_for_its_misses_starts_again_and_one_for_its_reads_does_not():
    system = _system("group_call_migration", "make_before_break")
    unpaid = MemoPredicate(system, lambda view: True)
    unpaid.memoize, unpaid._unpaid = False, True  # as _miss leaves it after a bad window
    unpaid.restart()
    assert unpaid.memoize
    whole = MemoPredicate(system, lambda view: True)
    whole.memoize = False  # as _miss leaves one that read the whole state
    whole.restart()
    assert not whole.memoize


def test_tables_are_shared_only_as_they_were_made():
    system = _system("group_call_migration", "make_before_break")
    tables = SharedTables(system, memoize=True)
    with pytest.raises(UsageError, match="memoize"):
        explore(system, memoize=False, tables=tables)
    with pytest.raises(ValueError, match="sharing_values"):
        tables.steps.use_store(Store(system.slot_count))
