"""Differential test: hypothesis on the transitions runtime against the exhaustive
explorer, for every bundled model variant (and the validation models). Every state a
random run reaches must be in the explorer's reachable set, and every property the runs
find violated must be violated in the explorer's verdict. A mismatch is a bug in one of
the two engines."""

import pytest

from mcfsm import explore
from mcfsm.check.stateful import Stats, simulate
from mcfsm.lang.loader import load_path

from .conftest import ROOT

CASES = [(lm, variant) for folder in ("models", "tests/validation")
         for lm in load_path(ROOT / folder) for variant in lm.model.variants]


@pytest.mark.parametrize("lm,variant", CASES,
                         ids=[f"{lm.model.name}[{variant}]" for lm, variant in CASES])
def test_hypothesis_runs_stay_inside_the_explored_state_space(lm, variant):
    system = lm.model.system(variant)
    exhaustive = explore(system, keep_states=True)
    assert exhaustive.complete
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
