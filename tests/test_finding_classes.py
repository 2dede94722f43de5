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


# -- which reading or neighbouring clause each finding needs (issue 32's "Done when") --------
def _declared(model, finding) -> list[str]:
    """The verdicts the finding's variants declare for its property ('violated only with
    notification=one_way', ...)."""
    return [str(model.variants[v].expect.get(finding.prop, "")) for v in finding.variants]


@pytest.mark.parametrize("model,finding", FINDINGS, ids=[f.name for _, f in FINDINGS])
def test_each_finding_states_the_reading_or_the_fact_it_needs(model, finding):
    """Every finding says which reading of the text it turns on; a finding whose verdict
    needs the one-way notification names TS 23.280 10.6.3's service authorization, which
    argues against that reading; an artefact names what the model leaves out."""
    from mcfsm.lang.findings import AGAINST, LEFT_OUT

    assert finding.reading.strip(), f"finding {finding.name!r} states no reading"
    uses = {(u.fact.name, u.how) for u in finding.facts}
    if any("notification=one_way" in d for d in _declared(model, finding)):
        assert ("service-authorization", AGAINST) in uses, (
            f"finding {finding.name!r} needs notification=one_way but does not say that TS "
            "23.280 10.6.3 argues against it: facts=(SERVICE_AUTHORIZATION.bears(AGAINST, ...),)")
    if finding.cls == MODEL_ARTEFACT:
        assert any(how == LEFT_OUT for _, how in uses), (
            f"artefact {finding.name!r} does not name the fact the model leaves out")
    for u in finding.facts:
        assert u.fact.clause and u.fact.says and u.words().startswith(u.fact.says)


def test_a_finding_page_says_what_the_clauses_around_the_excerpts_say():
    """The committed page of a finding that bears a fact prints it, in our words with its
    clause and the fact sheet's items (never a quotation: only the excerpts are quoted)."""
    page = (ROOT / "diagrams" / "findings" / "stale-binding.md").read_text()
    section = page.split("## What the clauses around the excerpts say", 1)
    assert len(section) == 2, "the stale-binding page has no section on the neighbouring clauses"
    body = section[1].split("\n## ", 1)[0]
    assert "TS 23.280 10.6.3" in body and "fact sheet items 1, 2, 3, 4" in body
    # the reading in the text's words; its `param=value` sits in the modeller's block
    assert "argues against the reading it needs" in body
    assert "notification=one_way" not in body
