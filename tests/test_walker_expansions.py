"""The walker keeps each state's expansion (walk.Walker.expand, issue 59 item 4: simulate's
rate): the runs must be those of a walker that expands every step afresh, step for step,
whether the kept expansions fit or are emptied again and again. The speed itself is
measured in benchmarks/bench_simulate.py --driver, not here."""

from __future__ import annotations

import pytest

from mcfsm.check.runs import walk
from mcfsm.check.runs.simulation import simulate

from .test_symmetry import twophase


def _afresh(self, idxs):  # type: ignore[no-untyped-def]
    return self.steps.expand(idxs)


def _runs(system, **options):  # type: ignore[no-untyped-def]
    walker = walk.Walker(system)
    sim = simulate(system, examples=20, steps=30, seed=3, walker=walker, **options)
    return walker, (sim.steps, sim.distinct_states, walker.runs, dict(walker.fired),
                    [(o.property.name, o.status, o.trace and o.trace.states)
                     for o in sim.outcomes])


def _violated_system():  # type: ignore[no-untyped-def]
    from mcfsm import always
    return twophase.build(3, properties=(always(
        "no-rm-aborts", lambda v: all(v[f"r{k}"].state != "aborted" for k in (1, 2, 3))),))


@pytest.mark.parametrize("kept", [50_000, 7])
def test_kept_expansions_give_the_same_runs(kept, monkeypatch):
    system = _violated_system()
    monkeypatch.setattr(walk, "_EXPANDED_KEPT", kept)
    walker, with_kept = _runs(system)
    assert 0 < len(walker._expanded) <= kept
    monkeypatch.setattr(walk.Walker, "expand", _afresh)
    _, afresh = _runs(system)
    assert with_kept == afresh
    assert any(status == "violated" for _, status, _ in with_kept[4])  # shrinking ran too
