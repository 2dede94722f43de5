"""The engine reproduces the figures of the engine it replaced (commit 4bfe139, recorded in
tests/data/engine_reference.json by benchmarks/engine_reference.py): distinct, total and
depth, every verdict with the length of its shortest trace, and per-transition coverage.
The unit suite compares the small variants, memoized and not; `benchmarks/engine_reference.py
--check` compares all of them."""

import pytest

from benchmarks.engine_reference import FOLDERS, SMALL, key, load, source_digest, summarize, variants
from mcfsm import explore

REFERENCE = load()
ALL = [(key(m, v), model, v, path) for folder in FOLDERS for m, v, model, path in variants(folder)]
SMALL_VARIANTS = [case for case in ALL if REFERENCE.get(case[0], {}).get("distinct", SMALL + 1) <= SMALL]


def test_the_reference_covers_the_small_variants():
    assert len(SMALL_VARIANTS) >= 8


@pytest.mark.parametrize("memoize", [True, False], ids=["memoized", "unmemoized"])
@pytest.mark.parametrize("name,model,variant,path", SMALL_VARIANTS, ids=[c[0] for c in SMALL_VARIANTS])
def test_small_variant_matches_the_reference(name, model, variant, path, memoize):
    want = REFERENCE[name]
    if want["source"] != source_digest(path):
        pytest.skip(f"{path.name} changed since the reference was recorded")
    got = summarize(explore(model.system(variant), memoize=memoize))
    assert got == {k: v for k, v in want.items() if k != "source"}
