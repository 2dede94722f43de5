"""Every bundled and validation variant of up to 400,000 states (its whole search, every
parameter combination), searched split over 3 partitions in this process, over one shared
visited set by 2 forked processes, and with hash compaction, gives the single search's
results: the same TLC counts, coverage, safety verdicts and shortest counterexample lengths
(split, shared), the same traces state by state (compaction).

One test per variant, so that pytest-xdist spreads them over the cores. The single search
they are compared with is the variant's entry in the result cache (check/cache.py: the
answer a fresh search gives, keyed by the sources), which CI's quick step has filled and
tests/test_engine_reference.py holds to the recorded figures; only the split and compacted
searches are run here. The splitting of a variant found a model predicate that compared
messages by object identity (equal messages may be distinct objects in two states):
private_call_redirect's step properties now compare what a step sent by value
(View.sent_since)."""

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
@pytest.mark.parametrize("k", range(len(CASES)), ids=IDS)
def test_the_split_search_gives_the_single_results(k):
    lm, variant = _loaded(k)
    single = _single(lm, variant)
    assert single.complete
    split = explore_by_choice(lm.model.system(variant), explorer=_split3)
    # which transition first finds a state depends on the partitions' order: _figures
    # compares the steps each transition generates and the sum of the states they find
    assert _figures(split) == _figures(single)


@pytest.mark.slow
@pytest.mark.parametrize("k", range(len(CASES)), ids=IDS)
def test_hash_compaction_gives_the_single_results(k):
    lm, variant = _loaded(k)
    single = _single(lm, variant)
    compact = explore_by_choice(lm.model.system(variant), explorer=_compacted)
    assert compact.search == "breadth-first, hash compaction"
    assert _safety(compact) == _safety(single)


@pytest.mark.slow
@pytest.mark.parametrize("k", range(len(CASES)), ids=IDS)
def test_the_shared_visited_set_gives_the_single_results(k):
    """`--workers 2 --hash-compact`: two forked processes on one shared set of fingerprints,
    each keeping no index of its own rows (the claim says what is new)."""
    lm, variant = _loaded(k)
    single = _single(lm, variant)
    shared = explore_by_choice(lm.model.system(variant), explorer=_shared2)
    assert "sharing one visited set of fingerprints" in shared.search
    assert _figures(shared) == _figures(single)
