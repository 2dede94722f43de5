"""Differential test: hypothesis on the transitions runtime, and the walker on the engine's
successor function, against the engine and its exhaustive explorer, for every bundled model
variant and the validation models. A mismatch is a bug in one of the two engines.

- Every step a hypothesis run takes on the transitions runtime (the independent semantics)
  is one of the engine's successors of the state before it, and every run starts in one of
  the engine's initial states: the two semantics agree step by step, so (by induction) every
  state a run reaches is one the explorer reaches.
- Every property the runs find violated (or witnessed) has that verdict in the explorer's
  result; every shrunk trace is a real run, no shorter than the explorer's shortest.
- The explorer's own completeness (every state a random run reaches is in the set its
  breadth-first search stored) is checked on every validation model in the quick suite and
  on each bundled model's first variant (its baseline) in the slow suite: the bundled
  variants' searches run to millions of states, one more search each would put CI past its
  budget, and every bundled variant's counts are pinned by tests/test_engine_reference.py.

The quick cases read the explorer's verdicts through the result cache, which the plugin's
items for the same variant fill (or read) too: each bundled variant is searched once per
test session, not once per test that needs its verdicts."""

import random

import pytest

from mcfsm import explore
from mcfsm.check.cache import explore_cached
from mcfsm.check.runs.walk import Walker
from mcfsm.check.runtime.stateful import Stats, simulate
from mcfsm.lang.loader import load_path

from .conftest import ROOT
from .test_liveness import check_lasso_independently
from .test_simulation import assert_real_run

CASES = [(lm, variant) for folder in ("models", "tests/validation")
         for lm in load_path(ROOT / folder) for variant in lm.model.variants]
IDS = [f"{lm.model.name}[{variant}]" for lm, variant in CASES]
BUNDLED = ROOT / "models"


def bundled(lm) -> bool:
    return lm.path.parent == BUNDLED


@pytest.mark.parametrize("lm,variant", CASES, ids=IDS)
def test_random_runs_take_the_engine_s_steps_and_find_its_verdicts(lm, variant):
    """Both random engines against the engine's successor function, step by step, and
    against the explorer's verdicts."""
    system = lm.model.system(variant)
    explored = explore_cached(system, loaded=lm, variant=variant)
    assert explored.complete
    hypothesis_runs_agree(system, explored)
    walker_runs_agree(system, explored)


COMPLETENESS = [pytest.param(lm, variant, id=i, marks=[pytest.mark.slow] if bundled(lm) else [])
                for (lm, variant), i in zip(CASES, IDS, strict=True)
                if not bundled(lm) or variant == next(iter(lm.model.variants))]


@pytest.mark.parametrize("lm,variant", COMPLETENESS)
def test_random_runs_stay_inside_the_explored_state_space(lm, variant):
    """The explorer's completeness: every state either random engine reaches is in the
    set one exhaustive search of the variant stored."""
    system = lm.model.system(variant)
    exhaustive = explore(system, keep_states=True)
    assert exhaustive.complete
    stats = Stats()
    simulate(system, examples=15, steps=40, derandomize=True, shrink=False, stats=stats)
    walker = Walker(system)
    rng = random.Random(7)
    for _ in range(300):
        walker.run(rng.randbytes(60), rng.randrange(64))
    reached = [*stats.states, *map(walker.store.decode, walker.visits)]
    assert reached
    outside = [s for s in reached if not exhaustive.contains(s)]
    assert not outside, f"{len(outside)} states reached by random runs that the explorer never found"


def hypothesis_runs_agree(system, explored):
    """Hypothesis on the transitions runtime (the independent semantics), step by step
    against System.successors."""
    stats = Stats()
    sim = simulate(system, examples=15, steps=40, derandomize=True, shrink=False, stats=stats)
    assert sim.steps > 0 and stats.starts and stats.moves
    initial = set(system.initial_states())
    assert stats.starts <= initial, "a run started outside the engine's initial states"
    strays = [(key, after) for before, key, after in stats.moves
              if (key, after) not in system.successors(before)]
    assert not strays, (f"{len(strays)} steps of hypothesis runs are no successor the engine "
                        f"gives, e.g. {strays[0][0]}")
    verdicts = {v.property.name: v.status for v in explored.verdicts}
    for o in sim.outcomes:
        if o.status == "violated":
            assert verdicts[o.property.name] == "violated", o.property.name
        if o.status == "witnessed":
            assert verdicts[o.property.name] == "witnessed", o.property.name


def walker_runs_agree(system, explored):
    """The walker on the engine's successor function (check/runs/walk.py): every violation or
    witness it reports is one the explorer reports, every shrunk trace is a real run of the
    model (System.successors) and no shorter than the explorer's shortest."""
    walker = Walker(system)
    rng = random.Random(7)
    found = {}
    for _ in range(300):
        run = walker.run(rng.randbytes(60), rng.randrange(64), skip=frozenset(found))
        if run.violated is not None:
            found[run.violated] = run
    assert walker.steps_taken > 0
    verdicts = {v.property.name: v for v in explored.verdicts}
    for name, run in found.items():
        assert verdicts[name].status == "violated", name
        shrunk = walker.trace(walker.minimize(run, name))
        assert_real_run(system, shrunk)
        if shrunk.loop_start is not None:  # a lasso: real, fair and violating (the explorer's
            # lasso has the shortest prefix, not the shortest cycle: lengths do not compare)
            check_lasso_independently(system, verdicts[name].property, shrunk)
        else:
            assert len(shrunk) >= len(verdicts[name].trace), "shorter than the explorer's shortest"
    for name in walker.witness_counts:
        assert verdicts[name].status == "witnessed", name
