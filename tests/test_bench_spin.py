"""benchmarks/bench_spin.py's Promela twins of TwoPhase, verified by SPIN against the engine
(issue 34): without reduction both twins (one process; a process per actor) store exactly
the states the engine counts, and SPIN's own reduction on the second stores no more. A
correctness test of the twins; the benchmark measures their speed. Skipped where `spin` or
`gcc` is missing (.ci/setup installs both)."""

from __future__ import annotations

import shutil

import pytest

from benchmarks import bench_spin
from mcfsm import explore
from tests.validation import twophase

pytestmark = pytest.mark.skipif(not (shutil.which("spin") and shutil.which("gcc")),
                                reason="SPIN or gcc is not installed (apt-get install spin gcc)")


@pytest.mark.parametrize("n", [3, 4])
def test_twins_store_the_engines_states(n: int) -> None:
    engine = explore(twophase.build(n))
    if n == 3:
        assert engine.distinct_states == 288  # TLC's published figure for 3 RMs
    one = bench_spin.spin(n, engine.distinct_states)
    source = bench_spin.promela_processes(n)
    full = bench_spin.spin(n, engine.distinct_states, source, flags=("-DNOREDUCE",), run=("-a",))
    reduced = bench_spin.spin(n, engine.distinct_states, source, flags=(), run=("-a",))
    assert one["distinct"] == full["distinct"] == engine.distinct_states
    assert 0 < reduced["distinct"] <= full["distinct"]
    assert one["errors"] == full["errors"] == reduced["errors"] == 0
    assert all(v.status == "holds" for v in engine.verdicts if v.property.kind == "always")


def test_an_inconsistent_twin_is_caught() -> None:
    """The claim is live: an RM that may commit on its own makes SPIN report a violation."""
    source = bench_spin.promela_processes(3).replace(
        ":: d_step { rm[0] == 0 -> rm[0] = 3 }", ":: d_step { rm[0] == 0 -> rm[0] = 2 }")
    assert bench_spin.spin(3, 288, source, flags=(), run=("-a",))["errors"] >= 1
