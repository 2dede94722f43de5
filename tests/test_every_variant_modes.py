"""A cover of the parameter combinations of the bundled and validation variants of up to
400,000 states, each searched split over 3 partitions in this process, over one shared
visited set by 2 forked processes, and with hash compaction, gives the single search's
results: the same TLC counts, coverage, safety verdicts and shortest counterexample lengths
(split, shared), the same traces state by state (compaction).

One test per unit of the cover (a combination, or a whole variant), so that pytest-xdist
spreads them over the cores. The single search each is compared with is the result cache's
entry (check/cache.py: the answer a fresh search gives, keyed by the sources) for the
combination (`under` its choices, as a finding's chart is drawn: the same search as
`explore` on the variant restricted to them), which the first of the three tests to want it
stores for the other two; for a variant of one combination (and a whole variant), the
variant's own entry, which CI's quick step fills and tests/test_engine_reference.py holds to
the recorded figures. The splitting of a variant found a model predicate that compared
messages by object identity (equal messages may be distinct objects in two states):
private_call_redirect's step properties now compare what a step sent by value
(View.sent_since).

Why single combinations are enough: a parameter is constant in every state, so a variant's
search is the disjoint union of one search per combination (check/choices.py), in every
mode; what a mode gets wrong on a variant it gets wrong on one of its combinations, and it
shows there: a state lost or stored twice changes the counts of a transition that fires, a
trace rebuilt across partitions or from fingerprints changes a verdict, its length or a
state of it. So COVER holds, for each model, combinations that between them fire every
transition that fires in any combination of any of its variants, judge every property any
declares, and give each safety property each verdict class it has in any (violated or
witnessed: a trace to rebuild; or neither), by the recorded figures
(tests/data/combination_features.json, written by benchmarks/combination_features.py, held
below to tests/data/engine_reference.json: a variant's combinations add up to its record),
chosen greedily, the one that adds the most per recorded state (and 2,000 for the search
itself) first, then each one the others cover dropped. A variant whose model file changed
since the combinations were recorded, or that the file lacks, is a unit whole (every
combination, on the engine reference's figures, as before): a stale file costs time, never
coverage. Left to a whole variant of that kind: a mode's results merged over combinations
(check/choices.py's merge_runs, the code the plain search's merge runs through, which the
quick step tests).

Measured (`-n 0 -m slow` on this file, MCFSM_PROFILE=ci, one process's CPU), issue 72 item
6: the cover of whole variants, 44 of 83 variants, 252 combinations, 3,036,308 states, 756
searches of the modes, took 160 s of CPU (split 82, shared 53, compaction 22 s; the single
searches read from the cache). This cover, 76 of the 445 combinations (in 58 variants),
1,458,489 states, 228 searches of the modes and the single searches of 57 combinations,
77 s of CPU with those run (split 40, shared 23, compaction 11 s), 68 s with them cached.
tests/test_partitioned.py, tests/test_shared_visited.py, tests/test_memo_oracle_split.py and
tests/test_hash_compact.py hold the modes to the single search on their own systems in the
quick step."""

from __future__ import annotations

import json

import pytest

from benchmarks.combination_features import MAX_STATES, STATUS
from benchmarks.combination_features import load as load_combinations
from benchmarks.engine_reference import source_digest
from mcfsm import Budget, explore
from mcfsm.check.cache import explore_cached
from mcfsm.check.choices import combinations, explore_by_choice
from mcfsm.check.split.partitioned import InProcessPartitions, explore_split
from mcfsm.lang.loader import load_path

from .conftest import ROOT
from .test_partitioned import _figures

# MAX_STATES: the recorded whole-variant count (400,000) above which a variant is left out
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

_RECORDED_COMBINATIONS = load_combinations()
# per case, its combinations' record when it was written from today's model text, else None
# (the variant is then searched whole, every combination, on the engine reference's figures)
FRESH = [next((r for r in [_RECORDED_COMBINATIONS.get(i)]
               if r is not None and r["source"] == source_digest(lm.path)), None)
         for (lm, _), i in zip(CASES, IDS)]
# A unit of the cover: (case, index of a combination in check/choices.combinations order),
# or (case, None), the whole variant.
UNITS = [(k, c) for k, record in enumerate(FRESH)
         for c in (range(len(record["combinations"])) if record is not None else [None])]


def _unit_id(unit: tuple[int, int | None]) -> str:
    """The variant's id, and a combination's choices of its parameters of more than one
    choice: "model[variant]{p=a,q=b}"."""
    k, c = unit
    if c is None or len(FRESH[k]["combinations"]) == 1:
        return IDS[k]
    choices = [combination["choices"].split(", ") for combination in FRESH[k]["combinations"]]
    varied = [choice for n, choice in enumerate(choices[c])
              if len({other[n] for other in choices}) > 1]
    return f"{IDS[k]}{{{','.join(varied)}}}"


def _distinct(unit: tuple[int, int | None]) -> int:
    k, c = unit
    return RECORDED[IDS[k]]["distinct"] if c is None else FRESH[k]["combinations"][c]["distinct"]


def _features(unit: tuple[int, int | None]) -> set[tuple]:
    """What a unit's recorded search shows of its model: each transition that fires
    (generates a successor), each property it judges, and each non-temporal property's
    verdict class (violated or witnessed: a trace the mode rebuilds; or neither)."""
    k, c = unit
    model = IDS[k].split("[")[0]
    if c is None:
        record = RECORDED[IDS[k]]
        lm, variant = CASES[k]
        temporal = {p.name for p in lm.model.system(variant).properties if p.temporal}
        fired = {t for t, (generated, _) in record["coverage"].items() if generated}
        verdicts = {p: status for p, (status, _) in record["verdicts"].items()}
    else:
        record = FRESH[k]
        temporal = set(record["temporal"])
        combination = record["combinations"][c]
        fired = {record["transitions"][i] for i in combination["fires"]}
        verdicts = {p: STATUS[letter]
                    for p, letter in zip(record["properties"], combination["verdicts"])}
    return ({(model, "fires", t) for t in fired} | {(model, "judges", p) for p in verdicts} |
            {(model, "finds", p, status in ("violated", "witnessed"))
             for p, status in verdicts.items() if p not in temporal} | {(model,)})


def _cover(units: list[tuple[int, int | None]]) -> list[tuple[int, int | None]]:
    """Greedy set cover of every unit's features, the unit that adds the most features per
    recorded state first (ties by id), then each chosen unit whose features the others
    cover dropped, largest first."""
    features = {u: _features(u) for u in units}
    ordered = sorted(units, key=_unit_id)
    wanted = set().union(*features.values())
    chosen: list[tuple[int, int | None]] = []
    covered: set[tuple] = set()
    while covered != wanted:
        best = max(ordered, key=lambda u: len(features[u] - covered) / (_distinct(u) + 2_000))
        chosen.append(best)
        covered |= features[best]
    for u in sorted(chosen, key=lambda u: (-_distinct(u), _unit_id(u))):
        if set().union(*(features[m] for m in chosen if m != u)) == wanted:
            chosen.remove(u)
    return sorted(chosen, key=_unit_id)


def _consistent(k: int) -> bool:
    """Whether a variant's recorded combinations add up to its engine reference record
    (when both were written from today's model text): states, transitions fired, the
    properties, and each non-temporal property violated or witnessed in some combination
    exactly when the whole variant's search says so."""
    lm, _ = CASES[k]
    record, whole = FRESH[k], RECORDED[IDS[k]]
    if record is None or whole["source"] != source_digest(lm.path):
        return True
    fired = {record["transitions"][i] for c in record["combinations"] for i in c["fires"]}
    found = {p for c in record["combinations"]
             for p, letter in zip(record["properties"], c["verdicts"]) if letter in "vw"}
    return (sum(c["distinct"] for c in record["combinations"]) == whole["distinct"]
            and fired == {t for t, (g, _) in whole["coverage"].items() if g}
            and set(record["properties"]) == set(whole["verdicts"])
            and {p for p in found if p not in record["temporal"]}
            == {p for p, (status, _) in whole["verdicts"].items()
                if status in ("violated", "witnessed") and p not in record["temporal"]})


assert all(_consistent(k) for k in range(len(CASES))), [
    IDS[k] for k in range(len(CASES)) if not _consistent(k)]
COVER = _cover(UNITS)
COVER_IDS = [_unit_id(u) for u in COVER]
# every model is in the cover, and it is a real subset (recorded figures: 76 of 445
# combinations, 1,458,489 of the 6,173,093 states of 83 variants, when it was chosen;
# without tests/data/combination_features.json, 57 whole variants, 4,087,149 states)
assert {IDS[k].split("[")[0] for k, _ in COVER} == {i.split("[")[0] for i in IDS}
assert len(COVER) < len(UNITS) and sum(map(_distinct, COVER)) < sum(
    RECORDED[i]["distinct"] for i in IDS)


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


def _loaded(unit: tuple[int, int | None]):
    """The unit's system, from its model loaded afresh (a split search pickles state values
    by their class's module, and loading the file again, as another test module does,
    replaces the module the collection-time classes came from), with the single search's
    result: the result cache's entry for the variant, or for its one combination (`under`,
    as a finding's chart is drawn: the same search as `explore` on the restricted system),
    which the first of the three tests to want it stores for the other two."""
    k, c = unit
    lm, variant = CASES[k]
    [fresh] = [m for m in load_path(lm.path) if m.model.name == lm.model.name]
    system = fresh.model.system(variant)
    if c is None:
        return system, explore_cached(system, loaded=fresh, variant=variant)
    combo = list(combinations(system))[c]
    assert ", ".join(f"{p}={v}" for p, v in combo) == FRESH[k]["combinations"][c]["choices"]
    # a variant of one combination: the variant's own entry, which CI's quick step fills
    under = tuple(f"{p}={v}" for p, v in combo) if len(FRESH[k]["combinations"]) > 1 else ()
    assert system.choices_named(under) == (dict(combo) if under else {})
    restricted = system.restricted(dict(combo))
    single = explore_cached(system, loaded=fresh, variant=variant, under=under)
    assert single.distinct_states == FRESH[k]["combinations"][c]["distinct"]
    return restricted, single


@pytest.mark.slow
@pytest.mark.parametrize("unit", COVER, ids=COVER_IDS)
def test_the_split_search_gives_the_single_results(unit):
    system, single = _loaded(unit)
    assert single.complete
    split = explore_by_choice(system, explorer=_split3)
    # which transition first finds a state depends on the partitions' order: _figures
    # compares the steps each transition generates and the sum of the states they find
    assert _figures(split) == _figures(single)


@pytest.mark.slow
@pytest.mark.parametrize("unit", COVER, ids=COVER_IDS)
def test_hash_compaction_gives_the_single_results(unit):
    system, single = _loaded(unit)
    compact = explore_by_choice(system, explorer=_compacted)
    assert compact.search == "breadth-first, hash compaction"
    assert _safety(compact) == _safety(single)


@pytest.mark.slow
@pytest.mark.parametrize("unit", COVER, ids=COVER_IDS)
def test_the_shared_visited_set_gives_the_single_results(unit):
    """`--workers 2 --hash-compact`: two forked processes on one shared set of fingerprints,
    each keeping no index of its own rows (the claim says what is new)."""
    system, single = _loaded(unit)
    shared = explore_by_choice(system, explorer=_shared2)
    assert "sharing one visited set of fingerprints" in shared.search
    assert _figures(shared) == _figures(single)
