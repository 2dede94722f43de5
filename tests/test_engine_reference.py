"""The engine reproduces the figures of the engine it replaced (commit 4bfe139, recorded in
tests/data/engine_reference.json by benchmarks/engine_reference.py; re-recorded in session 3
after the models changed, once `--against-classic` had shown both engines identical on every
variant; the classic engine was retired in issue 19): distinct, total and
depth, every verdict with the length of its shortest trace, and per-transition coverage.
The unit suite compares the small variants; `benchmarks/engine_reference.py --check` compares
all of them.

The same small variants searched without memos (model code run for every step) are
tests/test_memo_oracle.py's: MCFSM_MEMO_ORACLE runs each of them (each parameter combination
on its own, as `check` does) memoized and again without memos and fails on any difference in
counts, depth, verdicts, trace lengths or a transition's coverage, so an unmemoized search
that left the reference would fail there (here, it ran the same unmemoized searches a second
time: 26 s of CI's CPU)."""

import pytest

from benchmarks.engine_reference import FOLDERS, SMALL, key, load, source_digest, summarize, variants
from mcfsm import explore

from .test_engine_core import BUILT
from .test_engine_core import SMALL_VARIANTS as SMALL_CORE_VARIANTS

REFERENCE = load()
ALL = [(key(m, v), model, v, path) for folder in FOLDERS for m, v, model, path in variants(folder)]
SMALL_VARIANTS = [case for case in ALL if REFERENCE.get(case[0], {}).get("distinct", SMALL + 1) <= SMALL]


def test_the_reference_covers_the_small_variants():
    assert len(SMALL_VARIANTS) >= 8


@pytest.mark.parametrize("name,model,variant,path", SMALL_VARIANTS, ids=[c[0] for c in SMALL_VARIANTS])
def test_small_variant_matches_the_reference(name, model, variant, path):
    want = REFERENCE[name]
    if want["source"] != source_digest(path):
        pytest.skip(f"{path.name} changed since the reference was recorded")
    got = summarize(explore(model.system(variant)))
    assert got == {k: v for k, v in want.items() if k != "source"}


def _small(name: str, model, variant) -> bool:
    """Whether a variant has at most SMALL states: by its recorded size, or (a variant the
    reference does not know yet) by a budget-cut probe, run in the test, never at
    collection."""
    size = REFERENCE.get(name, {}).get("distinct")
    if size is not None:
        return size <= SMALL
    from mcfsm.check.results import Budget

    return explore(model.system(variant), Budget(max_states=SMALL + 1)).complete


LIVE = [case for case in ALL if REFERENCE.get(case[0], {}).get("distinct", 0) <= SMALL]


def test_the_live_comparison_covers_temporal_and_bundled_variants():
    names = {case[0] for case in LIVE}
    assert any(n.startswith("live_hour_clock") for n in names)
    # variants of at least two bundled models (their smallest: the models grew in issue 32,
    # and the twin is compared on the rest by benchmarks/engine_reference.py --against-twin)
    assert len({case[3].name for case in LIVE if case[3].parent.name == "models"}) >= 2


# tests/test_engine_core.py's test_both_cores_agree_on_every_small_variant runs the same two
# searches (explore with its defaults, MCFSM_PURE=0 and =1) on every small variant the
# reference records, whenever the compiled core is built, and compares more (each trace
# state by state, the edges): the twin's comparison here is left to it there, and runs on
# the rest (a variant the reference does not record yet; every small one without a
# compiled core, the core in use then being the twin itself).
COMPARED_BY_ENGINE_CORE = {c[0] for c in SMALL_CORE_VARIANTS} if BUILT else set()
TWIN = [case for case in LIVE if case[0] not in COMPARED_BY_ENGINE_CORE]


if TWIN:  # (no empty parameter set: it would show as a skip in every run)
    @pytest.mark.parametrize("name,model,variant,path", TWIN, ids=[c[0] for c in TWIN])
    def test_compiled_core_matches_the_pure_python_twin(name, model, variant, path, monkeypatch):
        """The engine core in use against its pure-Python twin (check/kernel/core.py; the
        engine before issue 11, check/classic.py, was retired in issue 19 once both had
        matched it), run now on today's model text: counts, verdicts with trace lengths
        (lassos included), coverage."""
        if not _small(name, model, variant):
            pytest.skip(f"more than {SMALL:,} states: benchmarks/engine_reference.py "
                        "--against-twin compares it")
        monkeypatch.setenv("MCFSM_PURE", "0")
        system = model.system(variant)
        fast = summarize(explore(system))
        monkeypatch.setenv("MCFSM_PURE", "1")
        assert fast == summarize(explore(model.system(variant)))
