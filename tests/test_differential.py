"""Differential test: hypothesis on the transitions runtime, and the walker on the engine's
successor function, against the exhaustive explorer, for every bundled model variant (and
the validation models). Every state a
random run reaches must be in the explorer's reachable set, and every property the runs
find violated must be violated in the explorer's verdict. A mismatch is a bug in one of
the two engines."""

import random

import pytest

from mcfsm import explore
from mcfsm.check.stateful import Stats, simulate
from mcfsm.check.walk import Walker
from mcfsm.lang.loader import load_path

from .conftest import ROOT
from .test_liveness import check_lasso_independently
from .test_simulation import assert_real_run

CASES = [(lm, variant) for folder in ("models", "tests/validation")
         for lm in load_path(ROOT / folder) for variant in lm.model.variants]


@pytest.mark.parametrize("lm,variant", CASES,
                         ids=[f"{lm.model.name}[{variant}]" for lm, variant in CASES])
def test_random_runs_stay_inside_the_explored_state_space(lm, variant):
    """Both random engines against one exhaustive search of the variant (explored once:
    the search is most of the cost on the large variants)."""
    system = lm.model.system(variant)
    exhaustive = explore(system, keep_states=True)
    assert exhaustive.complete
    hypothesis_runs_agree(system, exhaustive)
    walker_runs_agree(system, exhaustive)


def hypothesis_runs_agree(system, exhaustive):
    """Hypothesis on the transitions runtime (the independent semantics)."""
    stats = Stats()
    sim = simulate(system, examples=15, steps=40, derandomize=True, shrink=False, stats=stats)
    assert sim.steps > 0 and stats.states
    outside = [s for s in stats.states if not exhaustive.contains(s)]
    assert not outside, f"{len(outside)} states reached by hypothesis that the explorer never found"
    verdicts = {v.property.name: v.status for v in exhaustive.verdicts}
    for o in sim.outcomes:
        if o.status == "violated":
            assert verdicts[o.property.name] == "violated", o.property.name
        if o.status == "witnessed":
            assert verdicts[o.property.name] == "witnessed", o.property.name


def walker_runs_agree(system, exhaustive):
    """The walker on the engine's successor function (check/walk.py): every state a run
    visits is reachable, every violation or witness it reports is one the explorer reports,
    every shrunk trace is a real run of the model (System.successors) and no shorter than
    the shortest."""
    walker = Walker(system)
    rng = random.Random(7)
    found = {}
    for _ in range(300):
        run = walker.run(rng.randbytes(60), rng.randrange(64), skip=frozenset(found))
        if run.violated is not None:
            found[run.violated] = run
    assert walker.steps_taken > 0
    decode = walker.store.decode
    outside = [s for s in walker.visits if not exhaustive.contains(decode(s))]
    assert not outside, f"{len(outside)} states reached by random runs that the explorer never found"
    verdicts = {v.property.name: v for v in exhaustive.verdicts}
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
