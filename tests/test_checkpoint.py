"""Checkpoints (check/search/checkpoint.py): a search cut off and resumed gives what one
uninterrupted search gives (counts, verdicts, counterexample and lasso lengths, coverage),
across the two engine cores too; a checkpoint of another search is refused."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from mcfsm import Budget, explore
from mcfsm.check.choices import combinations
from mcfsm.check.search.checkpoint import CheckpointPlan
from mcfsm.errors import UsageError
from mcfsm.lang.loader import load_path

from .conftest import ROOT, run_cli


def _twophase(n: int):
    sys.path.insert(0, str(ROOT / "tests" / "validation"))
    try:
        import twophase
    finally:
        sys.path.pop(0)
    return twophase.build(n)


def _migration():
    """A first parameter combination of private_call_migration: leads_to properties, so
    the checkpoint carries edges and marks."""
    [lm] = load_path(ROOT / "models" / "private_call_migration.py")
    system = lm.model.system("as_published")
    return system.restricted(dict(next(combinations(system))))


def _figures(result):
    return (result.distinct_states, result.total_states, result.depth, result.pruned,
            result.complete, result.coverage,
            [(v.property.name, v.status, None if v.trace is None else len(v.trace),
              None if v.trace is None else v.trace.loop_start) for v in result.verdicts])


@pytest.mark.parametrize("build, cut", [(lambda: _twophase(5), 3000), (_migration, 3000)])
def test_a_search_cut_off_and_resumed_gives_the_uninterrupted_results(tmp_path, build, cut):
    system = build()
    whole = explore(system)
    plan = CheckpointPlan(tmp_path, every_s=0, identity="same")
    first = explore(system, Budget(max_states=cut), checkpoint=plan)
    assert not first.complete and first.distinct_states <= cut < whole.distinct_states
    resumed = explore(system, checkpoint=CheckpointPlan(tmp_path, 0, "same", resume=True))
    assert resumed.search.startswith("breadth-first, resumed from a checkpoint at depth")
    assert _figures(resumed) == _figures(whole)
    # the final checkpoint of a complete search answers at once, with the same results
    again = explore(system, checkpoint=CheckpointPlan(tmp_path, 0, "same", resume=True))
    assert _figures(again) == _figures(whole)


def test_a_checkpoint_resumes_on_the_other_engine_core(tmp_path, monkeypatch):
    system = _twophase(4)
    whole = explore(system)
    explore(system, Budget(max_states=500), checkpoint=CheckpointPlan(tmp_path, 0, "x"))
    monkeypatch.setenv("MCFSM_PURE", "1")
    resumed = explore(system, checkpoint=CheckpointPlan(tmp_path, 0, "x", resume=True))
    assert resumed.engine.startswith("python")
    assert _figures(resumed) == _figures(whole)


def test_a_checkpoint_of_another_search_is_refused(tmp_path):
    system = _twophase(4)
    explore(system, Budget(max_states=500), checkpoint=CheckpointPlan(tmp_path, 0, "model v1"))
    with pytest.raises(UsageError, match="delete the checkpoint"):
        explore(system, checkpoint=CheckpointPlan(tmp_path, 0, "model v2", resume=True))


def test_no_checkpoint_yet_starts_afresh(tmp_path):
    system = _twophase(3)
    result = explore(system, checkpoint=CheckpointPlan(tmp_path, 0, "x", resume=True))
    assert (result.distinct_states, result.search) == (288, "breadth-first")


def test_check_resumes_a_cut_search_from_the_command_line(tmp_path):
    # a bundled model with two parameter combinations, small enough to search three times
    model = str(ROOT / "models" / "group_call_migration.py")
    folder = str(tmp_path / "ck")
    cut = run_cli("check", model, "--variant", "break_before_make", "--no-cache", "--summary",
                  "--checkpoint", folder, "--checkpoint-every", "0", "--max-states", "3000")
    assert cut.returncode in (1, 3) and "INCOMPLETE" in cut.stdout
    resumed = run_cli("check", model, "--variant", "break_before_make", "--no-cache", "--json",
                      "--checkpoint", folder, "--resume")
    whole = run_cli("check", model, "--variant", "break_before_make", "--no-cache", "--json")
    assert resumed.returncode == whole.returncode, resumed.stderr
    import json

    [a], [b] = json.loads(resumed.stdout), json.loads(whole.stdout)
    assert a["search"].startswith("breadth-first, resumed")
    for key in ("distinct_states", "total_states", "depth", "complete"):
        assert a[key] == b[key]
    assert [(p["name"], p["verdict"]) for p in a["properties"]] == \
        [(p["name"], p["verdict"]) for p in b["properties"]]
    assert len(list(Path(folder).glob("*.ckpt"))) >= 2  # one per parameter combination
    refused = run_cli("check", model, "--variant", "break_before_make", "--resume")
    assert refused.returncode == 2 and "--checkpoint DIR" in refused.stderr
