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

from ..lang.model import Model, split_expectation
from .choices import dependency, explore_by_choice
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
        return []
    fired: dict[tuple[str, str], list[str]] = {}
    for variant, result in results.items():
        for key, (generated, _) in result.coverage.items():
            fired.setdefault(key, [])
            if generated:
                fired[key].append(variant)
    gaps = []
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
