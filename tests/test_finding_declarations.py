"""What a finding declares beyond its verdicts is judged by `check --expected` (issue 58: the
stances of facts and a gap's outside_readings were checked by nothing): each mutant of a
declaration below is caught by check.expectations.finding_gaps with a message that names
the finding, and the declarations as committed pass. Two small variants are searched once:
group_call_migration's slow_answers_after_break (the reading no-way-back-after-break and the
artefact ghost-affiliation, whose facts bear on one choice) and private_call_migration's
setup_in_progress (the gap setup-abandoned and its outside reading)."""

from __future__ import annotations

import copy
import dataclasses

import pytest

from mcfsm import AGAINST, LEFT_OUT, SUPPORTS
from mcfsm.check.choices import explore_by_choice
from mcfsm.check.expectations import finding_gaps
from mcfsm.lang.loader import load_path

from .conftest import ROOT

VARIANT = "slow_answers_after_break"
GAP_VARIANT = "setup_in_progress"


@pytest.fixture(scope="module")
def searched():
    model = next(lm.model for lm in load_path(ROOT / "models" / "group_call_migration.py"))
    return model, {VARIANT: explore_by_choice(model.system(VARIANT))}


@pytest.fixture(scope="module")
def gap_searched():
    """setup-abandoned: a gap in the text saved only by its outside reading
    setup_on_migration=resume (the change proposed)."""
    model = next(lm.model for lm in load_path(ROOT / "models" / "private_call_migration.py"))
    return model, {GAP_VARIANT: explore_by_choice(model.system(GAP_VARIANT))}


def with_finding(model, name, **changes):
    """A copy of the model whose finding `name` has `changes` (its other findings kept)."""
    other = copy.copy(model)
    other.findings = {**model.findings,
                      name: dataclasses.replace(model.findings[name], **changes)}
    return other


def restance(finding, old, new):
    return tuple(dataclasses.replace(u, how=new) if u.how == old else u for u in finding.facts)


def test_the_committed_findings_pass(searched):
    model, results = searched
    assert finding_gaps(model, results) == []


def test_the_committed_gap_passes(gap_searched):
    model, results = gap_searched
    assert model.findings["setup-abandoned"].outside_readings == ("setup_on_migration=resume",)
    assert finding_gaps(model, results) == []


def test_an_outside_reading_swapped_for_another_choice_fails(gap_searched):
    model, results = gap_searched
    gaps = finding_gaps(with_finding(model, "setup-abandoned",
                                     outside_readings=("setup_on_migration=wait",)), results)
    assert any("setup-abandoned" in g and "gap in the text" in g for g in gaps), gaps


def test_a_dropped_outside_reading_fails(gap_searched):
    model, results = gap_searched
    gaps = finding_gaps(with_finding(model, "setup-abandoned", outside_readings=()), results)
    assert any("setup-abandoned" in g and "outside_readings=" in g for g in gaps), gaps


def test_an_outside_reading_that_saves_nothing_fails(gap_searched):
    model, results = gap_searched
    f = model.findings["setup-abandoned"]
    gaps = finding_gaps(with_finding(model, f.name, outside_readings=(
        *f.outside_readings, "same_peer_call=busy")), results)
    assert any("'same_peer_call=busy'" in g and "saves nothing" in g for g in gaps), gaps


def test_a_supporting_fact_flipped_against_its_reading_fails(searched):
    model, results = searched
    f = model.findings["no-way-back-after-break"]
    gaps = finding_gaps(with_finding(model, f.name, facts=restance(f, SUPPORTS, AGAINST)),
                        results)
    assert any(f.name in g and "argues against the reading it needs" in g for g in gaps), gaps
    # the same fact now supports transaction_timeout=free in ghost-affiliation and argues
    # against it here: one fact, one reading, two stances
    assert any("both supports and argues against transaction_timeout=free" in g
               for g in gaps), gaps


def test_a_left_out_fact_flipped_fails(searched):
    model, results = searched
    f = model.findings["ghost-affiliation"]
    gaps = finding_gaps(with_finding(model, f.name, facts=restance(f, LEFT_OUT, SUPPORTS)),
                        results)
    assert any(f.name in g and "names no fact it leaves out" in g for g in gaps), gaps


def test_a_fact_on_a_reading_the_finding_does_not_need_fails(searched):
    model, results = searched
    f = model.findings["no-way-back-after-break"]
    facts = tuple(dataclasses.replace(u, detail="transaction_timeout=outlasts_answer")
                  if u.how == SUPPORTS else u for u in f.facts)
    gaps = finding_gaps(with_finding(model, f.name, facts=facts), results)
    assert any("never fails with it" in g for g in gaps), gaps


def test_a_finding_of_a_property_that_holds_fails(searched):
    model, results = searched
    gaps = finding_gaps(with_finding(model, "no-way-back-after-break",
                                     prop="registered-where-it-believes"), results)
    assert any("where it is holds" in g for g in gaps), gaps


def test_a_fact_against_a_reading_it_does_not_name_fails(searched):
    model, results = searched
    f = model.findings["no-way-back-after-break"]
    facts = tuple(dataclasses.replace(u, how=AGAINST, detail="Timer F bounds the wait")
                  for u in f.facts[:1])
    gaps = finding_gaps(with_finding(model, "group-document", facts=facts), results)
    assert any("argues against a reading it does not name" in g for g in gaps), gaps


def test_a_stance_against_what_the_fact_favours_fails(searched):
    """A fact that declares the reading it favours bears on that reading one way only:
    no-way-back-after-break's Timer F fact favouring the free timer, flipped to argue
    against it, is caught even were no other finding to use the fact."""
    model, results = searched
    f = model.findings["no-way-back-after-break"]
    fact = dataclasses.replace(f.facts[0].fact, favours=("transaction_timeout=free",))
    right = (dataclasses.replace(f.facts[0], fact=fact), *f.facts[1:])
    flipped = (dataclasses.replace(f.facts[0], fact=fact, how=AGAINST), *f.facts[1:])
    assert finding_gaps(with_finding(model, f.name, facts=right), results) == []
    gaps = finding_gaps(with_finding(model, f.name, facts=flipped), results)
    assert any("favours transaction_timeout=free, so it supports" in g for g in gaps), gaps


def test_a_fact_favours_one_choice_of_a_parameter():
    from mcfsm import Fact, ModelError

    with pytest.raises(ModelError, match="favours two choices of one parameter"):
        Fact("f", clause="X", says="s", favours=("p=a", "p=b"))
