"""One rule for classes (models/README.md, "How a finding is classed"), checked where a
test can check it, on every declared finding of the bundled models and the committed
shortest chart of its first variant (diagrams/, kept current by the slow staleness test):

(a) a violation that exists only because the model leaves something out is an artefact of
    the model, whatever parameter is also involved: a finding that says so in its title or
    reason ("the model gives ... no", "leaves out") is classed MODEL_ARTEFACT;
(b) a finding whose violation needs an element the text does not have (an information
    element marked `not_in_text`, or a message a candidate fix invents) is a property of
    that element (FIX_PROPERTY), an artefact, or a CR's demonstration, never a reading of
    the text nor a gap in it."""

from __future__ import annotations

import json
import re

import pytest

from mcfsm import CR_DEMONSTRATION, FIX_PROPERTY, MODEL_ARTEFACT
from mcfsm.lang.loader import load_path
from mcfsm.lang.messages import Message

from .conftest import ROOT

LOADED = load_path(ROOT / "models")
FINDINGS = [(lm.model, f) for lm in LOADED for f in lm.model.findings.values()]
LEAVES_OUT = re.compile(r"\bthe model (gives [^.;:]*\bno\b|leaves [^.;:]*\bout\b)", re.I)


def _message_classes() -> dict[str, type[Message]]:
    out: dict[str, type[Message]] = {}
    todo = list(Message.__subclasses__())
    while todo:
        cls = todo.pop()
        out[cls.__name__] = cls
        todo.extend(cls.__subclasses__())
    return out


def invented(record: dict) -> set[str]:
    """What the trace uses that the text does not have: set elements marked not_in_text,
    and messages a candidate fix invents."""
    classes = _message_classes()
    found = set()
    for step in record["steps"]:
        for m in [step.get("message"), *(s["message"] for s in step.get("sends", []))]:
            cls = classes.get(m["type"]) if m else None
            if cls is None:
                continue
            if cls.not_in_text.startswith("candidate fix"):
                found.add(m["type"])
            found |= {f"{m['type']}.{e.name}" for e in cls.elements
                      if e.not_in_text and m.get(e.name) is not None}
    return found


@pytest.mark.parametrize("model,finding", FINDINGS, ids=[f.name for _, f in FINDINGS])
def test_each_declared_class_follows_the_one_rule(model, finding):
    words = f"{finding.title} {finding.why}"
    if LEAVES_OUT.search(words):
        assert finding.cls == MODEL_ARTEFACT, (
            f"{finding.name} says the model leaves something out, so it is an artefact of the "
            f"model, not {finding.cls!r}")
    trace = ROOT / "diagrams" / model.name / finding.variants[0] / "charts" / \
        f"{finding.prop}.trace.json"
    assert trace.exists(), f"{finding.name}: no committed chart {trace}; run mcfsm diagram"
    needs = invented(json.loads(trace.read_text()))
    if needs:
        assert finding.cls in (FIX_PROPERTY, MODEL_ARTEFACT, CR_DEMONSTRATION), (
            f"{finding.name}'s shortest violation needs {sorted(needs)}, which the text does "
            f"not have: class it {FIX_PROPERTY!r}, not {finding.cls!r}")


def test_the_rule_catches_what_it_is_meant_to():
    """Not vacuous: the suspension indication is such an element, and at least one finding
    is classed by each half of the rule."""
    assert any(LEAVES_OUT.search(f"{f.title} {f.why}") for _, f in FINDINGS)
    assert any(f.cls == FIX_PROPERTY for _, f in FINDINGS)
    record = {"steps": [{"message": {"type": "CallRelease", "calling_id": "a", "called_id": "b",
                                     "suspension": True}, "sends": []}]}
    assert invented(record) == {"CallRelease.suspension"}
