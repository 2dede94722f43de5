"""The memo oracle covers the split searches (issue 73 item 1).

`MCFSM_MEMO_ORACLE=1` runs a memoized search again without memos and fails on any
difference (check/search/memo_oracle.py). It was wired into `explore` only, so `mcfsm check
--workers 2` (one search split over processes, check/split/partitioned.py), with or without
--hash-compact (the partitions sharing one visited set), was silent: exit 0 and a wrong
"holds" on a model whose code reads what the memo cannot see. Each partition memoizes on its
own; a split search is now compared with the single search without memos, whose figures it
must give whatever the number of partitions (temporal properties aside, which it does not
judge).

The model: a watcher that goes bad once switch `a` is on, through a guard that also counts
its own calls in a module global and answers only from the eleventh call of its process on
(model code with a memory, which memoization hides). Memoized, the guard runs once per
distinct key and value of `a` read (a few times a process): the watcher never goes bad.
Without memos it runs in every state where the watcher is idle, dozens of them thanks to
an independent ticker, and the violation is found.
"""

from __future__ import annotations

import pytest

from mcfsm import Budget, Instance, Role, System, Transition, Var, always, eventually, explore
from mcfsm.check.search import memo_oracle
from mcfsm.check.search.memo_oracle import MemoOracleError
from mcfsm.check.split.backends import InProcessPartitions
from mcfsm.check.split.partitioned import NotReplayedError, explore_split

from .conftest import ROOT, run_cli

CALLS = [0]  # the guard's calls in this process (each forked partition has its own count)


def _counting(ctx) -> bool:
    CALLS[0] += 1
    return CALLS[0] > 10 and ctx.world["a"].state == "on"


def _tick(ctx) -> None:
    ctx.v.n += 1


def build() -> System:
    switch = Role("switch", states=["off", "on"], initial="off", final=["off", "on"],
                  transitions=[Transition("switch_on", "off", "on")])
    watcher = Role("watcher", states=["idle", "bad"], initial="idle", final=["idle", "bad"],
                   transitions=[Transition("see", "idle", "bad", conditions=[_counting])])
    ticker = Role("ticker", states=["on"], initial="on", final=["on"],
                  variables={"n": Var(int, 0)},
                  transitions=[Transition("tick", "on", "on", after=[_tick],
                                          conditions=[lambda ctx: ctx.v.n < 30])])
    return System("counting", instances=[Instance("a", switch), Instance("w", watcher),
                                         Instance("t", ticker)],
                  properties=[always("never-bad", lambda v: v["w"].state != "bad")])


def _verdict(result) -> str:
    return next(v.status for v in result.verdicts if v.property.name == "never-bad")


def test_the_model_fools_a_memoized_split_search(engine, monkeypatch):
    """Without the oracle the split search says "holds"; the search without memos finds the
    violation. Split, its counterexample does not even replay in the driving process (whose
    guard has counted no calls): that is said as a model error, not an IndexError."""
    monkeypatch.delenv(memo_oracle.ENV, raising=False)
    CALLS[0] = 0
    assert _verdict(explore_split(build(), workers=2)) == "holds"
    CALLS[0] = 0
    assert _verdict(explore(build(), memoize=False)) == "violated"
    CALLS[0] = 0
    with pytest.raises(NotReplayedError, match="does not answer the same twice"):
        explore_split(build(), workers=2, memoize=False)


@pytest.mark.parametrize("budget", [Budget(), Budget(hash_compact=True)],
                         ids=["split", "shared visited set"])
def test_the_oracle_fails_a_split_search_that_memos_fool(engine, budget, monkeypatch):
    monkeypatch.setenv(memo_oracle.ENV, "1")
    CALLS[0] = 0
    with pytest.raises(MemoOracleError, match="different from the same search without memos"):
        explore_split(build(), budget, workers=2)


def test_the_oracle_covers_a_split_in_this_process_too(monkeypatch):
    monkeypatch.setenv(memo_oracle.ENV, "1")
    CALLS[0] = 0
    with pytest.raises(MemoOracleError):
        explore_split(build(), workers=2, backend=InProcessPartitions)


def test_the_oracle_passes_a_split_search_of_a_sound_model(monkeypatch):
    """TwoPhase, and a model with a temporal property (which the split search leaves
    unjudged, and the single search judges: not a difference)."""
    import sys
    sys.path.insert(0, str(ROOT / "tests" / "validation"))
    import twophase
    monkeypatch.setenv(memo_oracle.ENV, "1")
    decided = eventually("decided", lambda v: v["tm"].state != "init")
    for budget in (Budget(), Budget(hash_compact=True)):
        result = explore_split(twophase.build(3), budget, workers=2)
        assert result.complete and result.distinct_states == 288
        result = explore_split(twophase.build(3, properties=(decided,)), budget, workers=2)
        assert {v.property.name: v.status for v in result.verdicts}["decided"] == "unknown"


MODEL = f'''
import sys
sys.path.insert(0, {str(ROOT)!r})
from tests.test_memo_oracle_split import build
from mcfsm import Model
model = Model("counting", source="tests/test_memo_oracle_split.py")

@model.variant("one", doc="a watcher whose guard counts its calls")
def one():
    return build()
'''


@pytest.mark.parametrize("flags", [(), ("--hash-compact",)], ids=["split", "shared"])
def test_check_workers_2_under_the_oracle_exits_2_not_holds(tmp_path, flags, monkeypatch):
    path = tmp_path / "counting.py"
    path.write_text(MODEL)
    monkeypatch.setenv(memo_oracle.ENV, "1")  # run_cli passes the environment on
    proc = run_cli("check", str(path), "--workers", "2", "--no-cache", *flags)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "memo oracle" in proc.stderr and "holds" not in proc.stdout
