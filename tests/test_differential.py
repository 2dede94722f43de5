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
  breadth-first search stored) is checked on every validation model in the quick suite (on
  the runs that are stepped through, in the same test) and on each bundled model's first
  variant (its baseline) in the slow suite: the bundled
  variants' searches run to millions of states, one more search each would put CI past its
  budget, and every bundled variant's counts are pinned by tests/test_engine_reference.py.

The quick cases read the explorer's verdicts through the result cache, which the plugin's
items for the same variant fill (or read) too: each bundled variant is searched once per
test session, not once per test that needs its verdicts.

Both random engines run on every validation variant and on COVER of the bundled ones: for
each bundled model, variants that between them fire every transition any of its variants
fires and judge every property any declares, with each verdict class (violated or witnessed,
or neither) it has in any (the recorded figures, tests/data/engine_reference.json; a variant
not recorded yet is taken), so every piece of model code and every kind of finding is
stepped through by both. Random engine runs on every bundled variant against its declared
verdicts (which its exhaustive items hold to the explorer's) are README's test command's
hypothesis items, one per variant."""

import json
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
RECORDED = json.loads((ROOT / "tests" / "data" / "engine_reference.json").read_text())["variants"]


def bundled(lm) -> bool:
    return lm.path.parent == BUNDLED


def _features(name: str) -> set[tuple]:
    """What a variant's recorded search shows of its model: each transition that fires, and
    each property with its verdict class."""
    model, record = name.split("[")[0], RECORDED[name]
    return ({(model, "fires", t) for t, (generated, _) in record["coverage"].items()
             if generated} |
            {(model, "judges", p, status in ("violated", "witnessed"))
             for p, (status, _) in record["verdicts"].items()} | {(model,)})


def _cover(names: list[str]) -> set[str]:
    """Greedy set cover (the variant adding the most features first, ties by name), then
    each chosen variant whose features the others cover dropped (the last chosen first)."""
    features = {n: _features(n) for n in names}
    wanted = set().union(*features.values())
    chosen: list[str] = []
    covered: set[tuple] = set()
    while covered != wanted:
        best = max(sorted(features), key=lambda n: len(features[n] - covered))
        chosen.append(best)
        covered |= features[best]
    for n in reversed(chosen[:]):
        if set().union(*(features[m] for m in chosen if m != n)) == wanted:
            chosen.remove(n)
    return set(chosen)


_BUNDLED_IDS = [i for (lm, _), i in zip(CASES, IDS) if bundled(lm)]
COVER = _cover([i for i in _BUNDLED_IDS if i in RECORDED]) | {
    i for i in _BUNDLED_IDS if i not in RECORDED}
STEPPED = [pytest.param(lm, variant, id=i) for (lm, variant), i in zip(CASES, IDS)
           if not bundled(lm) or i in COVER]
# every bundled model is stepped through, and the cover is a real subset (36 of 67 bundled
# variants when it was chosen)
assert {i.split("[")[0] for i in COVER} == {i.split("[")[0] for i in _BUNDLED_IDS}


@pytest.mark.parametrize("lm,variant", STEPPED)
def test_random_runs_take_the_engine_s_steps_and_find_its_verdicts(lm, variant):
    """Both random engines against the engine's successor function, step by step, and
    against the explorer's verdicts; on a validation model (a small search, its states
    kept) the explorer's completeness too, from the same runs: every state they reach is
    one the search stored."""
    system = lm.model.system(variant)
    explored = (explore_cached(system, loaded=lm, variant=variant) if bundled(lm)
                else explore(system, keep_states=True))
    assert explored.complete
    reached = [*hypothesis_runs_agree(system, explored), *walker_runs_agree(system, explored)]
    if not bundled(lm):
        assert_inside(explored, reached)


# each bundled model's first variant (its baseline): the validation models' runs are held
# to their stored states in the test above
COMPLETENESS = [pytest.param(lm, variant, id=i, marks=[pytest.mark.slow])
                for (lm, variant), i in zip(CASES, IDS, strict=True)
                if bundled(lm) and variant == next(iter(lm.model.variants))]


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
    assert_inside(exhaustive, [*stats.states, *map(walker.store.decode, walker.visits)])


def assert_inside(exhaustive, reached):
    assert reached
    outside = [s for s in reached if not exhaustive.contains(s)]
    assert not outside, f"{len(outside)} states reached by random runs that the explorer never found"


def hypothesis_runs_agree(system, explored):
    """Hypothesis on the transitions runtime (the independent semantics), step by step
    against System.successors; the states its runs reached."""
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
    return stats.states


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
    return list(map(walker.store.decode, walker.visits))
