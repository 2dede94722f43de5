"""Every bundled migration model gives the verdicts its file declares (expect=...), and
its sometimes-witnesses are reached. The verdicts come from running the checker."""

import json
from pathlib import Path

import pytest

from .conftest import ROOT, run_cli

MODEL_FILES = sorted(p.name for p in (ROOT / "models").glob("*.py") if not p.name.startswith("_"))


@pytest.mark.parametrize("name", MODEL_FILES)
def test_model_verdicts_are_as_declared(name):
    proc = run_cli("check", f"models/{name}", "--expected", "--json")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr
    for record in json.loads(proc.stdout):
        assert record["complete"], f"{record['model']}[{record['variant']}] was cut short"
        assert record["as_expected"] is True
        for prop in record["properties"]:
            assert prop["verdict"] == prop["expected"], prop["name"]


def test_private_call_redirect_race_is_the_shortest_one():
    """The gap found in 10.16.5.3: A rejects a call because user 2 de-registered before B's
    migration notification reached A. Shortest path: call, migrate, de-registration reaches
    A, call reaches A and is rejected, reject delivered, registration at B, response."""
    [record] = json.loads(run_cli("check", "models/private_call_redirect.py", "--json").stdout)
    prop = next(p for p in record["properties"] if p["name"] == "migrated-user-reachable")
    transitions = [s["transition"] for s in prop["counterexample"]]
    assert len(transitions) == 7
    assert "reject_unannounced_departure" in transitions
    assert transitions.index("Deregistration") < transitions.index("reject_unannounced_departure")
    witness = next(p for p in record["properties"] if p["name"] == "call-connects-after-redirection")
    assert "redirect_call" in [s["transition"] for s in witness["witness"]]


def test_every_transition_of_every_model_fires():
    proc = run_cli("check", "models/", "--json")
    for record in json.loads(proc.stdout):
        assert record["coverage"]["never_fired"] == [], record["model"]


def test_models_readme_lists_every_model():
    text = (Path(ROOT) / "models" / "README.md").read_text()
    for name in MODEL_FILES:
        assert name.removesuffix(".py") in text
