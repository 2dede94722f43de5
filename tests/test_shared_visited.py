"""The split search over one shared visited set of fingerprints (`--workers N --hash-compact`,
check/split/shared_table.py): a partition expands the states it claims first, and after
each level gives its surplus of new states to the partitions that found fewer. Against
the single search: the same TLC counts, depths, verdicts, shortest counterexample lengths
and coverage, in this process and in forked ones, with the compiled core and its twin;
the work is spread; the table grows between levels; the command says what it ran."""

from __future__ import annotations

import os

import pytest

from mcfsm import Budget, explore
from mcfsm.check.split import partitioned, shared_table
from mcfsm.check.split.partitioned import InProcessPartitions, explore_split

from .conftest import ROOT, run_cli
from .test_partitioned import SYSTEMS, _figures, _validation

SHARED = Budget(hash_compact=True)


@pytest.mark.parametrize("name", sorted(SYSTEMS))
def test_the_shared_visited_set_gives_the_single_search_figures(name):
    system = SYSTEMS[name]()
    single = _figures(explore(system))
    for workers in (2, 3):
        assert _figures(explore_split(system, SHARED, workers=workers,
                                      backend=InProcessPartitions)) == single, workers
    forked = explore_split(system, SHARED, workers=2)
    assert _figures(forked) == single
    assert "sharing one visited set of fingerprints" in forked.search


def test_the_twin_claims_as_the_compiled_core_does(monkeypatch):
    system = _validation("twophase").build(4)
    single = _figures(explore(system))
    monkeypatch.setenv("MCFSM_PURE", "1")
    twin = explore_split(system, SHARED, workers=2)  # forked, claiming under the lock
    assert twin.engine.startswith("python")
    assert _figures(twin) == single


class _Kept(InProcessPartitions):
    """In-process partitions kept after the search, to see how the states were shared."""

    last: _Kept | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _Kept.last = self
        self.kept = self.parts

    def close(self) -> None:
        self.kept = self.parts
        super().close()


def test_the_work_is_spread_although_one_partition_holds_the_initial_state():
    """TwoPhase has one initial state: without giving away states, the partition that
    claims it would claim every other (no other partition would ever expand one)."""
    system = _validation("twophase").build(5)
    result = explore_split(system, SHARED, workers=2, backend=_Kept)
    kept = _Kept.last
    assert kept is not None
    stored = [len(p.core) - p.given for p in kept.kept]
    assert sum(stored) == result.distinct_states == 8832
    assert min(stored) > result.distinct_states // 3, stored  # each about half
    assert sum(p.given for p in kept.kept) > 0


def test_the_table_grows_between_levels_and_the_counts_stay(monkeypatch):
    monkeypatch.setattr(shared_table, "FIRST_SLOTS", 1 << 8)
    system = _validation("twophase").build(5)
    grew = []
    real = shared_table.SharedTable.grown

    def grown(self, claimed, last_level):
        larger = real(self, claimed, last_level)
        if larger is not None:
            grew.append(larger.slots)
        return larger

    monkeypatch.setattr(shared_table.SharedTable, "grown", grown)
    assert _figures(explore_split(system, SHARED, workers=2)) == _figures(explore(system))
    assert grew and grew == sorted(grew) and grew[-1] >= 4 * 8832


def test_no_table_file_is_left_behind(tmp_path, monkeypatch):
    """In a folder of this test's own (the table's folder, /dev/shm, is the machine's: CI saw
    another process's table appear there during the search and fail the test)."""
    asked = []
    monkeypatch.setattr(shared_table, "_folder", lambda: asked.append(1) or str(tmp_path))
    explore_split(_validation("twophase").build(3), SHARED, workers=2)
    assert asked  # the table was made there
    assert not [f for f in os.listdir(tmp_path) if f.startswith("mcfsm-visited-")]


def test_ray_is_refused_with_a_shared_visited_set():
    def ray_like(*args, **kwargs):  # any backend but this machine's processes
        raise AssertionError("not to be built")

    with pytest.raises(partitioned.UsageError, match="--ray"):
        explore_split(_validation("twophase").build(3), SHARED, workers=2, backend=ray_like)


def test_check_workers_with_hash_compact_shares_the_visited_set():
    """A variant of one combination (several would run side by side, each search whole)."""
    model = str(ROOT / "models" / "private_call_migration.py")
    variant = ("--variant", "fix_peer_call_resumes", "--no-cache")
    plain = run_cli("check", model, *variant, "--workers", "1", "--summary")
    shared = run_cli("check", model, *variant, "--workers", "2", "--hash-compact")
    out = shared.stdout
    assert "split over 2 processes sharing one visited set of fingerprints" in out, (
        out + shared.stderr)
    assert "a state missed with probability at most" in out, out
    states = plain.stdout.split(" states")[0].rsplit(": ", 1)[-1]
    assert f"{states} states" in out, (states, out)
    assert shared.returncode == 3, out  # its temporal properties are not judged


def test_a_table_filled_within_a_level_is_an_error_that_says_what_to_do(monkeypatch):
    """A level that adds far more states than the table was grown for: a PartitionError
    naming the cause and the fix, not a bare OverflowError."""
    monkeypatch.setattr(shared_table, "FIRST_SLOTS", 1 << 2)  # 3 fingerprints at most
    monkeypatch.setattr(shared_table, "LEVEL_GROWTH", 0)
    with pytest.raises(partitioned.PartitionError, match="--workers 1"):
        explore_split(_validation("twophase").build(4), SHARED, workers=2,
                      backend=InProcessPartitions)
