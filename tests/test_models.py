"""Every bundled migration model gives the verdicts its file declares (expect=...), its
sometimes-witnesses are reached, and every declared transition fires in some variant.
All of it comes from one real run of `mcfsm check models/ --expected --json`."""

import json
from pathlib import Path

import pytest

from .conftest import ROOT, run_cli

MODEL_FILES = sorted(p.stem for p in (ROOT / "models").glob("*.py") if not p.name.startswith("_"))


@pytest.fixture(scope="module")
def records():
    proc = run_cli("check", "models/", "--expected", "--json")
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def by_variant(records, model):
    return {r["variant"]: r for r in records if r["model"] == model}


def test_every_model_file_is_checked(records):
    assert sorted({r["model"] for r in records}) == MODEL_FILES


def test_every_variant_is_exhaustive_and_as_declared(records):
    for r in records:
        where = f"{r['model']}[{r['variant']}]"
        assert r["complete"], f"{where} was cut short"
        surprises = [(p["name"], p["expected"], p["verdict"]) for p in r["properties"]
                     if p["verdict"] != p["expected"]]
        assert not surprises, f"{where}: {surprises}"


def test_every_declared_transition_fires_in_some_variant(records):
    for model in MODEL_FILES:
        fired: dict[str, int] = {}
        for r in by_variant(records, model).values():
            for name, counts in r["coverage"]["transitions"].items():
                fired[name] = fired.get(name, 0) + counts["generated"]
        never = sorted(name for name, count in fired.items() if count == 0)
        assert never == [], f"{model}: never fired in any variant: {never}"


def test_models_readme_has_a_table_for_every_model(records):
    text = (Path(ROOT) / "models" / "README.md").read_text()
    for model in MODEL_FILES:
        assert f"## {model}" in text
        for variant, r in by_variant(records, model).items():
            assert variant in text
            for p in r["properties"]:
                assert p["name"] in text, f"{model}: {p['name']} missing from models/README.md"
