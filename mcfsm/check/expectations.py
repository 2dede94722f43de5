"""Declared verdicts against found ones, per choice.

A variant's `expect` says, per property, the verdict and the choices it rests on
("violated only with notification=one_way"; a plain "violated" means under every
combination). A verdict meets its expectation when the status is the same and, for a
violation or a witness, the combinations it occurs in are exactly the declared ones: two
choices whose meanings were swapped no longer pass. A search that was cut judges nothing
it did not finish: an unknown verdict, or a per-choice reading of a cut run, is not judged.

This module is the one place that decides it: `check --expected`, the JSON and text
reports, the HTML report, the Markdown verdict tables, `simulate --expected` and the pytest
plugin all call `meets` (through `as_declared`, `surprises` or `declares_violation`), so
that no two outputs can disagree on which verdict is as declared
(tests/test_expectations_agree.py).
"""

from __future__ import annotations

import re

from ..lang.findings import (
    AGAINST,
    GAP_IN_THE_TEXT,
    LEFT_OUT,
    MODEL_ARTEFACT,
    SUPPORTS,
    Finding,
)
from ..lang.model import Model, split_expectation
from .choices import dependency, explore_by_choice, failing_runs, fails_in_every_reading
from .results import Result, Verdict


def found_reading(result: Result, v: Verdict) -> str | None:
    """The choices a violation or witness needs, in `expect` words; None when it needs
    none in particular (every combination, or a model without choices)."""
    depends = dependency(result, v.property.name)
    return None if depends in (None, "whatever the choices") else depends


def found_words(result: Result, v: Verdict) -> str:
    reading = found_reading(result, v) if v.status in ("violated", "witnessed") else None
    return v.status + (f" {reading}" if reading else "")


def meets(result: Result, v: Verdict, expectation: str) -> bool | None:
    """Whether the verdict is the declared one; None when the search cannot say."""
    status, reading = split_expectation(expectation)
    if v.status == "unknown":
        return None
    if v.status != status:
        return False
    if status not in ("violated", "witnessed"):
        return True
    if not result.complete:
        return None  # the status is right, but the choices it needs are not all explored
    return found_reading(result, v) == reading


def as_declared(result: Result, v: Verdict, expected: dict[str, str] | None) -> bool | None:
    """`meets` for one verdict of a run judged against `expected` (a variant's declared
    verdicts); None when nothing is declared for it, or the search cannot say."""
    if expected is None or v.property.name not in expected:
        return None
    return meets(result, v, expected[v.property.name])


def declares_violation(expectation: str) -> bool:
    """Whether a declared verdict says the property is violated (under some choices at
    least): random runs (simulate, the plugin's hypothesis item) cannot judge which choices
    a violation needs, so a violation they find is unexpected only when this is False."""
    return split_expectation(expectation)[0] == "violated"


def surprises(result: Result, expected: dict[str, str]) -> list[tuple[str, str, str]]:
    """(property, expected, found) for every verdict that is judged and differs."""
    return [(v.property.name, expected[v.property.name], found_words(result, v))
            for v in result.verdicts
            if v.property.name in expected and meets(result, v, expected[v.property.name]) is False]


def unexpected_verdicts(model: Model, variant: str) -> list[tuple[str, str, str]]:
    """Explore one variant, every choice on its own, and return (property, declared,
    found) for each verdict that is not the declared one; a search that could not finish
    is itself a difference (an ordinary test asserts this list is empty)."""
    system = model.system(variant)
    result = explore_by_choice(system)
    if not result.complete:
        return [("(the search)", "complete", f"stopped by {result.stopped_by}")]
    return surprises(result, model.expected(variant, system))


def coverage_gaps(model: Model, results: dict[str, Result]) -> list[str]:
    """Coverage as a verdict, over every variant of a model: each transition fires in some
    variant whose system has it, unless the model declares it never fires
    (Model.transition_never_fires) with its reason; one declared so must not fire. Cut
    searches judge nothing (an empty list). Each gap is a sentence naming the transition."""
    if set(results) != set(model.variants) or not all(r.complete for r in results.values()):
        return finding_gaps(model, results)
    fired: dict[tuple[str, str], list[str]] = {}
    for variant, result in results.items():
        for key, (generated, _) in result.coverage.items():
            fired.setdefault(key, [])
            if generated:
                fired[key].append(variant)
    gaps = finding_gaps(model, results)
    for (role, transition), where in fired.items():
        declared = model.never_fires.get((role, transition))
        if not where and declared is None:
            gaps.append(f"{model.name}: {role}.{transition} fires in no variant (a guard cut "
                        "off, or a path no variant explores); if that is intended, declare "
                        f"model.transition_never_fires({role!r}, {transition!r}, why=...)")
        elif where and declared is not None:
            gaps.append(f"{model.name}: {role}.{transition} is declared never to fire "
                        f"({declared}) but fires in {', '.join(where)}")
    for role, transition in sorted(set(model.never_fires) - set(fired)):
        gaps.append(f"{model.name}: transition_never_fires names {role}.{transition}, which "
                    "no variant has")
    props = {v.property.name for r in results.values() for v in r.verdicts}
    for prop in sorted(set(model.vacuity_reasons) - props):
        gaps.append(f"{model.name}: vacuous_where_so names property {prop!r}, which no "
                    "variant has")
    return gaps


# A FactUse's detail that names a reading starts with it: "notification=one_way, under
# which ..." (the choice, then the words about it).
LEADING_CHOICE = re.compile(r"(\w+)=([^\s,;:()]+)")


def _choice_of(detail: str) -> tuple[str, str] | None:
    m = LEADING_CHOICE.match(detail)
    return (m.group(1), m.group(2)) if m else None


def _fails_with(result: Result, prop: str, name: str, value: str) -> bool | None:
    """Whether the property fails (or is witnessed) in some finished run whose choices
    include name=value; None when the variant does not explore that parameter."""
    param = result.system.params.get(name)
    if param is None or not any(str(c) == value for c in param.choices):
        return None
    hits, _ = failing_runs(result, prop)
    return any(f"{n}={v}" == f"{name}={value}" for r in hits for n, v in r.choices) \
        or (len(param.choices) == 1 and bool(hits))


def finding_gaps(model: Model, results: dict[str, Result]) -> list[str]:
    """What a model's reviewed findings declare beyond the verdicts, judged against the
    search (issue 58: the stances of facts and a gap's outside_readings were checked by
    nothing, so a flipped stance or a wrong outside reading passed `check --expected`).
    Judged in every variant of a finding that ran to the end; each gap is a sentence naming
    the finding and how to fix it:

    - the finding's property fails in each of its variants, or for a `sometimes` is
      witnessed or never (a finding of a property that holds there is stale);
    - a gap in the text fails under every choice explored or, with `outside_readings`,
      under every choice but those (check.choices.fails_in_every_reading), and each outside
      reading is needed: without it the gap would not be one (a choice named as unable to
      save it must be one that does save it somewhere);
    - a fact that `bears` on a finding as LEFT_OUT explains an artefact of the model, so
      only a finding classed so uses it, and such a finding names the fact it leaves out;
      a gap in the text has no fact that argues AGAINST the reading it needs (then it is a
      reading's consequence, not a gap);
    - a fact that declares the readings it favours (Fact(favours=("p=v",))) SUPPORTS a
      favoured choice and argues AGAINST the others of that parameter, as it is used;
    - a fact that argues AGAINST a reading names it (its detail begins with the choice,
      "p=v"), and one that SUPPORTS or argues AGAINST a reading so named bears on a reading
      the finding needs: the property fails in some run with p=v where the variant
      explores p;
    - across the model's findings, one fact bears on one reading one way: it does not both
      support and argue against p=v, support two choices of p, or argue against every
      choice of p."""
    gaps: list[str] = []
    stances: dict[tuple[str, str, str], set[str]] = {}  # (fact, p, v) -> bearings
    choices_of: dict[str, tuple[str, ...]] = {}
    for f in model.findings.values():
        where = f"{model.name}: finding {f.name!r}"
        kinds = [u.how for u in f.facts]
        if LEFT_OUT in kinds and f.cls != MODEL_ARTEFACT:
            gaps.append(f"{where} is classed {f.cls!r} but a fact bears on it as {LEFT_OUT!r}: "
                        "only an artefact of the model rests on what the model leaves out; "
                        "class it an artefact, or say how the fact bears (SUPPORTS, AGAINST, "
                        "DECIDES)")
        if f.cls == MODEL_ARTEFACT and LEFT_OUT not in kinds:
            gaps.append(f"{where} is classed an artefact of the model but names no fact it "
                        f"leaves out: add facts=(FACT.bears(LEFT_OUT),) for what the model "
                        "leaves out, or class it otherwise")
        if f.cls == GAP_IN_THE_TEXT and AGAINST in kinds:
            against = [u.fact.name for u in f.facts if u.how == AGAINST]
            gaps.append(f"{where} is classed a gap in the text but fact {against[0]!r} argues "
                        "against the reading it needs: a gap fails under every reading the "
                        "text allows; class it a reading (CHOICE), or say how the fact bears")
        for u in f.facts:
            choice = _choice_of(u.detail)
            if choice is not None and u.how in (SUPPORTS, AGAINST):
                stances.setdefault((u.fact.name, *choice), set()).add(u.how)
            favoured = dict(c.partition("=")[::2] for c in u.fact.favours)
            if choice is not None and u.how in (SUPPORTS, AGAINST) and choice[0] in favoured:
                agrees = (choice[1] == favoured[choice[0]]) == (u.how == SUPPORTS)
                if not agrees:
                    gaps.append(f"{where}: fact {u.fact.name!r} favours "
                                f"{choice[0]}={favoured[choice[0]]}, so it "
                                f"{'supports' if choice[1] == favoured[choice[0]] else 'argues against'}"
                                f" {choice[0]}={choice[1]}, but the finding says it {u.how}: "
                                "correct the stance, or what the fact favours")
            if choice is None and u.how == AGAINST:
                gaps.append(f"{where}: fact {u.fact.name!r} argues against a reading it does "
                            "not name: begin its detail with the choice it argues against, "
                            f"FACT.bears(AGAINST, 'p=v, ...') (detail now {u.detail!r})")
        for variant in f.variants:
            result = results.get(variant)
            if result is None or not result.complete:
                continue
            for name, p in result.system.params.items():
                choices_of.setdefault(name, tuple(str(c) for c in p.choices))
            gaps.extend(_judged_in(f, variant, result, where))
    for (fact, name, value), hows in sorted(stances.items()):
        if len(hows) > 1:
            gaps.append(f"{model.name}: fact {fact!r} both supports and argues against "
                        f"{name}={value} in its findings: one fact bears on one reading one "
                        "way; correct the stance of one of them")
    by_param: dict[tuple[str, str], dict[str, set[str]]] = {}
    for (fact, name, value), hows in stances.items():
        for how in hows:
            by_param.setdefault((fact, name), {}).setdefault(how, set()).add(value)
    for (fact, name), hows in sorted(by_param.items()):
        supported, against = hows.get(SUPPORTS, set()), hows.get(AGAINST, set())
        if len(supported) > 1:
            gaps.append(f"{model.name}: fact {fact!r} supports {len(supported)} choices of "
                        f"{name} ({', '.join(sorted(supported))}) in its findings: a fact "
                        "favours one reading; correct the stance of one of them")
        every = set(choices_of.get(name, ()))
        if every and len(every) > 1 and against >= every:
            gaps.append(f"{model.name}: fact {fact!r} argues against every choice of {name} "
                        f"({', '.join(sorted(every))}) in its findings: it would favour no "
                        "reading; correct the stance of one of them")
    return gaps


def _judged_in(f: Finding, variant: str, result: Result, where: str) -> list[str]:
    """The declarations of finding `f` judged in one of its variants (finding_gaps)."""
    out = []
    v = next((x for x in result.verdicts if x.property.name == f.prop), None)
    if v is None:
        return out  # Model.reviewed refuses a finding of a property the variant lacks
    if v.status in ("holds", "unknown"):  # a finding of a `sometimes` may be its witness
        out.append(f"{where} classes {f.prop!r} in variant {variant!r}, where it is "
                   f"{v.status}: drop {variant!r} from its variants, or find why it no "
                   "longer fails")
        return out
    if f.cls == GAP_IN_THE_TEXT:
        depends = dependency(result, f.prop)
        every = depends in (None, "whatever the choices")
        if not every and not (f.outside_readings
                              and fails_in_every_reading(result, f.prop, f.outside_readings)):
            out.append(f"{where} is classed a gap in the text, but in variant {variant!r} "
                       f"{f.prop!r} is {v.status} {depends}"
                       + (f" and holds in some run with none of its outside_readings "
                          f"({', '.join(f.outside_readings)})" if f.outside_readings else "")
                       + ": name the choices that cannot save it in outside_readings=, or "
                         "class it a reading (CHOICE)")
        elif not every:
            for o in f.outside_readings:
                rest = tuple(x for x in f.outside_readings if x != o)
                if fails_in_every_reading(result, f.prop, rest):
                    out.append(f"{where} names {o!r} among its outside_readings, but in "
                               f"variant {variant!r} {f.prop!r} fails in every run with it "
                               "too: it saves nothing, so it is no outside reading; drop it")
    for u in f.facts:
        choice = _choice_of(u.detail)
        if choice is None or u.how not in (SUPPORTS, AGAINST):
            continue
        fails = _fails_with(result, f.prop, *choice)
        if fails is False:
            out.append(f"{where}: fact {u.fact.name!r} {u.how} '{choice[0]}={choice[1]}', "
                       f"but in variant {variant!r} {f.prop!r} never fails with it: the "
                       "reading a fact bears on is one the finding needs; correct the "
                       "detail or the stance")
    return out
