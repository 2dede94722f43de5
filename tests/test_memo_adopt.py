"""The searches of a variant's parameter combinations pass the compiled core's memo of
local steps on (explorer.SharedTables.core, Core.adopt_memo): each combination's search on
the shared tables must give what its own search gives from empty tables, whole (counts,
depth, coverage, verdicts with their traces state by state), and the memo must actually
pass on (Python is asked for fewer entries than when each search starts empty)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mcfsm.check.choices import combinations
from mcfsm.check.kernel.core import load
from mcfsm.check.search.explorer import SharedTables, explore
from mcfsm.lang.loader import load_path

ROOT = Path(__file__).resolve().parent.parent
# small variants with several combinations whose code reads the params (world readers)
VARIANTS = [("migration_lifecycle", "lossy_registration_bbm"),
            ("migration_lifecycle", "permission_and_provisioning"),
            ("private_call_migration", "fix_setup_resumed")]


def _system(model: str, variant: str) -> Any:
    (loaded,) = load_path(ROOT / "models" / f"{model}.py")
    if variant not in loaded.model.variants:
        pytest.skip(f"{model} has no variant {variant} any more")
    return loaded.model.system(variant)


def _whole(result: Any) -> tuple:
    return (result.distinct_states, result.total_states, result.depth, result.complete,
            sorted(result.coverage.items()),
            [(v.property.name, v.status, None if v.trace is None else
              (v.trace.states, v.trace.steps, v.trace.note, v.trace.loop_start))
             for v in result.verdicts])


def _searches(system: Any, passed_on: bool) -> tuple[list[tuple], int]:
    """Each combination's result on one SharedTables, and how often the cores asked Python
    for a memo entry (local_found, local_parts, add_message)."""
    tables = SharedTables(system)
    asked = [0]
    steps = tables.steps
    for name in ("local_found", "local_parts", "_add_message"):
        method = getattr(steps, name)

        def counted(*args: Any, _method: Any = method, **kwargs: Any) -> Any:
            asked[0] += 1
            return _method(*args, **kwargs)
        setattr(steps, name, counted)  # the core binds them when it is made
    out = []
    for combo in combinations(system):
        if not passed_on:
            tables.core = None
        out.append(_whole(explore(system.restricted(dict(combo)), tables=tables)))
    return out, asked[0]


@pytest.mark.parametrize("model,variant", VARIANTS)
def test_each_combination_as_its_own_search(model: str, variant: str) -> None:
    system = _system(model, variant)
    if load()[1] != "compiled":
        pytest.skip("the pure-Python twin keeps no C memo")
    passed, asked_passed = _searches(system, passed_on=True)
    fresh = [_whole(explore(system.restricted(dict(combo)))) for combo in combinations(system)]
    assert passed == fresh
    _, asked_empty = _searches(system, passed_on=False)
    assert asked_passed < asked_empty
