"""A cover of the bundled and validation variants of up to 400,000 states (each variant's
whole search, every parameter combination), searched split over 3 partitions in this
process, over one shared visited set by 2 forked processes, and with hash compaction, gives
the single search's
results: the same TLC counts, coverage, safety verdicts and shortest counterexample lengths
(split, shared), the same traces state by state (compaction).

One test per variant, so that pytest-xdist spreads them over the cores. The single search
they are compared with is the variant's entry in the result cache (check/cache.py: the
answer a fresh search gives, keyed by the sources), which CI's quick step has filled and
tests/test_engine_reference.py holds to the recorded figures; only the split and compacted
searches are run here. The splitting of a variant found a model predicate that compared
messages by object identity (equal messages may be distinct objects in two states):
private_call_redirect's step properties now compare what a step sent by value
(View.sent_since).

All three modes (hash compaction, which costs about one single search; the split in this
process, 3 partitions, each with its own successor memos: about 3x the single search's CPU;
the shared visited set, 2 forked processes) run on COVER: for each model,
a set of its variants that, between them, fire every transition that fires in any of its
variants and judge every property any of them declares, by the recorded figures
(tests/data/engine_reference.json), chosen greedily, the variant that adds the most per
recorded state first. What a split, a shared table or
compaction can get wrong shows there: a state lost or stored twice changes a transition's
counts, a trace rebuilt across partitions or from fingerprints changes a verdict, its
length or a state of it. (Compaction ran on every such variant until CI's time budget,
issue 72 item 6: the variants outside the cover, 33 of 73 then, cost about 27 s of CPU
and fire no transition and judge no property that the cover's do not.) tests/test_partitioned.py,
tests/test_shared_visited.py, tests/test_memo_oracle_split.py and tests/test_hash_compact.py
hold the modes to the single search on their own systems in the quick step."""

from __future__ import annotations

import json

import pytest

from mcfsm import Budget, explore
from mcfsm.check.cache import explore_cached
from mcfsm.check.choices import explore_by_choice
from mcfsm.check.split.partitioned import InProcessPartitions, explore_split
from mcfsm.lang.loader import load_path

from .conftest import ROOT
from .test_partitioned import _figures

MAX_STATES = 400_000  # the recorded whole-variant count; above it a variant is left out
RECORDED = json.loads((ROOT / "tests" / "data" / "engine_reference.json").read_text())["variants"]
CASES = [(lm, variant) for folder in (ROOT / "models", ROOT / "tests" / "validation")
         for lm in load_path(folder) for variant in lm.model.variants
         if RECORDED[f"{lm.model.name}[{variant}]"]["distinct"] <= MAX_STATES]
IDS = [f"{lm.model.name}[{variant}]" for lm, variant in CASES]
# The bound leaves out the millions-of-states variants, not the models: 57 variants when
# this was written, of every bundled model and every validation model.
assert len(CASES) >= 50 and {lm.model.name for lm, _ in CASES} == {
    lm.model.name for folder in (ROOT / "models", ROOT / "tests" / "validation")
    for lm in load_path(folder)}


def _features(name: str) -> set[tuple]:
    """What a variant's recorded search shows of its model: each transition that fires
    (generates a successor) and each property it judges."""
    model, record = name.split("[")[0], RECORDED[name]
    return ({(model, "fires", t) for t, (generated, _) in record["coverage"].items()
             if generated} |
            {(model, "judges", p) for p in record["verdicts"]} | {(model,)})


def _cover(names: list[str]) -> list[str]:
    """Greedy set cover of every variant's features, the variant that adds the most
    features per recorded state first (ties by name), then each chosen variant whose
    features the others cover dropped, largest first."""
    features = {n: _features(n) for n in names}
    wanted = set().union(*features.values())
    chosen: list[str] = []
    covered: set[tuple] = set()
    while covered != wanted:
        best = max(sorted(features), key=lambda n: len(features[n] - covered)
                   / (RECORDED[n]["distinct"] + 2_000))
        chosen.append(best)
        covered |= features[best]
    for n in sorted(chosen, key=lambda n: (-RECORDED[n]["distinct"], n)):
        if set().union(*(features[m] for m in chosen if m != n)) == wanted:
            chosen.remove(n)
    return chosen


COVER = _cover(IDS)
COVER_CASES = [k for k, i in enumerate(IDS) if i in COVER]
# every model is in the cover, and it is a real subset (recorded figures: 36 of 65 variants,
# 48% of their states, when it was chosen)
assert {IDS[k].split("[")[0] for k in COVER_CASES} == {i.split("[")[0] for i in IDS}


def _safety(result):
    """Counts, coverage and every non-temporal verdict with its whole trace."""
    return (result.distinct_states, result.total_states, result.depth, result.pruned,
            result.complete, dict(result.coverage),
            [(v.property.name, v.status, v.trace) for v in result.verdicts
             if not v.property.temporal])


def _split3(system, budget, progress=None):
    return explore_split(system, budget, workers=3, backend=InProcessPartitions)


def _shared2(system, budget, progress=None):
    return explore_split(system, Budget(hash_compact=True), workers=2)


def _compacted(system, budget, progress=None):
    return explore(system, Budget(hash_compact=True))


def _loaded(k: int):
    """The variant's model loaded afresh: a split search pickles state values by their
    class's module, and loading the file again (another test module does) replaces the
    module the collection-time classes came from."""
    lm, variant = CASES[k]
    [fresh] = [m for m in load_path(lm.path) if m.model.name == lm.model.name]
    return fresh, variant


def _single(lm, variant):
    return explore_cached(lm.model.system(variant), loaded=lm, variant=variant)


@pytest.mark.slow
@pytest.mark.parametrize("k", COVER_CASES, ids=[IDS[k] for k in COVER_CASES])
def test_the_split_search_gives_the_single_results(k):
    lm, variant = _loaded(k)
    single = _single(lm, variant)
    assert single.complete
    split = explore_by_choice(lm.model.system(variant), explorer=_split3)
    # which transition first finds a state depends on the partitions' order: _figures
    # compares the steps each transition generates and the sum of the states they find
    assert _figures(split) == _figures(single)


@pytest.mark.slow
@pytest.mark.parametrize("k", COVER_CASES, ids=[IDS[k] for k in COVER_CASES])
def test_hash_compaction_gives_the_single_results(k):
    lm, variant = _loaded(k)
    single = _single(lm, variant)
    compact = explore_by_choice(lm.model.system(variant), explorer=_compacted)
    assert compact.search == "breadth-first, hash compaction"
    assert _safety(compact) == _safety(single)


@pytest.mark.slow
@pytest.mark.parametrize("k", COVER_CASES, ids=[IDS[k] for k in COVER_CASES])
def test_the_shared_visited_set_gives_the_single_results(k):
    """`--workers 2 --hash-compact`: two forked processes on one shared set of fingerprints,
    each keeping no index of its own rows (the claim says what is new)."""
    lm, variant = _loaded(k)
    single = _single(lm, variant)
    shared = explore_by_choice(lm.model.system(variant), explorer=_shared2)
    assert "sharing one visited set of fingerprints" in shared.search
    assert _figures(shared) == _figures(single)
