"""Every bundled migration model gives the verdicts its file declares (expect=...), its
sometimes-witnesses are reached, and every declared transition fires in some variant.
All of it comes from one real run of `mcfsm check models/ --expected --json`."""

from pathlib import Path

import pytest

from .conftest import ROOT

# One real run of `mcfsm check models/` (about 20 s of CPU): CI's slow step runs it.
pytestmark = pytest.mark.slow

MODEL_FILES = sorted(p.stem for p in (ROOT / "models").glob("*.py") if not p.name.startswith("_"))


@pytest.fixture(scope="module")
def records(models_check):
    return models_check[1]


def by_variant(records, model):
    return {r["variant"]: r for r in records if r["model"] == model}


def test_every_model_file_is_checked(records):
    assert sorted({r["model"] for r in records}) == MODEL_FILES


def test_every_variant_is_exhaustive_and_as_declared(records):
    for r in records:
        where = f"{r['model']}[{r['variant']}]"
        assert r["complete"], f"{where} was cut short"
        surprises = [(p["name"], p["expected"], p["found"]) for p in r["properties"]
                     if not p["as_expected"]]
        assert not surprises, f"{where}: {surprises}"


def test_every_declared_transition_fires_in_some_variant(records):
    for model in MODEL_FILES:
        fired: dict[str, int] = {}
        for r in by_variant(records, model).values():
            for name, counts in r["coverage"]["transitions"].items():
                fired[name] = fired.get(name, 0) + counts["generated"]
        never = sorted(name for name, count in fired.items() if count == 0)
        assert never == [], f"{model}: never fired in any variant: {never}"


def test_every_choice_dependent_verdict_is_declared_in_the_model(records):
    """The choices each verdict rests on are declared in the model's expect=... ("violated
    only with notification=one_way"), so `check --expected`, the plugin and the reports all
    judge them; a verdict whose choices the model leaves undeclared fails here (issue 17:
    two choices whose meanings were swapped must not pass)."""
    undeclared = sorted((r["model"], r["variant"], p["name"], p["found"])
                        for r in records for p in r["properties"]
                        if p["depends_on"] not in (None, "whatever the choices")
                        and p["expected"] != p["found"])
    assert not undeclared, undeclared
    assert all(p["as_expected"] for r in records for p in r["properties"])


def test_every_choice_has_its_own_run_and_every_failure_a_class(records):
    for r in records:
        combos = 1
        for choices in r["params"].values():
            combos *= len(choices)
        for p in r["properties"]:
            assert len(p["by_choice"]) == combos, (r["model"], r["variant"], p["name"])
            if p["verdict"] in ("violated", "never"):
                assert p["finding"], (r["model"], r["variant"], p["name"])


def test_every_parameter_choice_changes_some_verdict(records):
    """A choice no verdict depends on would be a parameter the model ignores (issue 12's
    "removing a parameter choice changes no verdict"): each parameter of each model must
    decide at least one verdict in some variant."""
    deciding: dict[str, set[str]] = {}
    declared: dict[str, set[str]] = {}
    for r in records:
        declared.setdefault(r["model"], set()).update(
            n for n, c in r["params"].items() if len(c) > 1)
        deciding.setdefault(r["model"], set()).update(deciding_parameters(r))
    idle = {m: sorted(declared[m] - deciding.get(m, set())) for m in declared}
    assert not any(idle.values()), f"parameters that decide no verdict: {idle}"


def deciding_parameters(record) -> set[str]:
    """The parameters some verdict of this variant depends on ("only with p=...")."""
    out: set[str] = set()
    for p in record["properties"]:
        words = p["depends_on"] or ""
        out.update(n for n in record["params"] if f"{n}=" in words or f"{n} in" in words)
    return out


def test_every_explored_choice_is_seen_in_its_variant(records):
    """Issue 18's "a witness per parameter choice, so that dropping either is seen", per
    variant: every parameter a variant explores (two or more choices) decides one of its
    verdicts, so dropping a choice changes a verdict or the choices it rests on. One
    exception, for candidate fixes (the models name them fix_...): a parameter that decides
    a verdict of the fix's baseline and none of the fix's is what the fix makes irrelevant,
    which its diff shows. An environment or a new question gets no such pass."""
    from mcfsm.lang.loader import load_path

    found = {(r["model"], r["variant"]): r for r in records}
    idle = []
    for lm in load_path(ROOT / "models"):
        first = next(iter(lm.model.variants))
        for name, variant in lm.model.variants.items():
            r = found[(lm.model.name, name)]
            base = variant.baseline or (first if name != first else None)
            made_irrelevant = (deciding_parameters(found[(lm.model.name, base)])
                               if base is not None and name.startswith("fix_") else set())
            explored = {n for n, c in r["params"].items() if len(c) > 1}
            unseen = explored - deciding_parameters(r) - made_irrelevant
            if unseen:
                idle.append(f"{lm.model.name}[{name}]: {sorted(unseen)}")
    assert not idle, f"explored parameters no verdict of the variant depends on: {idle}"


def test_models_readme_links_a_verdict_table_for_every_model(records):
    """models/README.md links the generated per-model tables (diagrams/MODEL/verdicts.md),
    and each of those names every variant and property the check reports."""
    text = (Path(ROOT) / "models" / "README.md").read_text()
    for model in MODEL_FILES:
        assert f"(../diagrams/{model}/verdicts.md)" in text, f"models/README.md: link {model}"
        table = (Path(ROOT) / "diagrams" / model / "verdicts.md").read_text()
        for variant, r in by_variant(records, model).items():
            assert f"| {variant} " in table.splitlines()[4] + " ", f"{model}: column {variant}"
            for p in r["properties"]:
                assert f"| {p['name']}" in table, f"{model}: {p['name']} missing from verdicts.md"


def test_every_variant_differs_from_the_variant_it_is_diffed_against(records):
    """Issue 18: a variant whose verdicts all equal its baseline's shows nothing its diff
    could attribute to it (a fix that flips nothing, an environment that changes nothing
    seen): each needs a verdict, or a witness of its distinguishing behaviour, of its own."""
    from mcfsm.lang.loader import load_path

    found = {(r["model"], r["variant"]): {p["name"]: p["found"] for p in r["properties"]}
             for r in records}
    same = []
    for lm in load_path(ROOT / "models"):
        first = next(iter(lm.model.variants))
        for name, variant in lm.model.variants.items():
            base = variant.baseline or (first if name != first else None)
            if base is not None and found[(lm.model.name, name)] == found[(lm.model.name, base)]:
                same.append(f"{lm.model.name}[{name}] vs {base}")
    assert not same, same
