"""Reviewed declarations: what a model assumes, and how a finding is to be read.

The checker knows what it explored, what the model assumed and what it found; it cannot
know whether the spec text is to blame for a violation. That is a judgement a reviewer
makes and the model declares, with its reason:

    Assumption("network-fifo", clause="X.1.2", forced=False,
               why="signalling between two parties is assumed to arrive in order")

    model.finding("redirect-loop", prop="no-repeated-redirection-to-left-id", variants=("base",),
                  cls=CHOICE, why="violated only with notification=one_way: the text
                  does not say whether the partner answers the registration first",
                  title="The primary redirects a re-initiated call again ...",
                  fix="fix_departure_notice")

An assumption that the text forces (`forced=True`) must say where (`clause`) and how
(`why`); every other assumption is listed beside each verdict that rests on it. A finding's
class is printed only where the model declares it, and only when what the search found is
consistent with it (a "gap in the text" needs a violation under every choice explored).
"""

from __future__ import annotations

import dataclasses
import re

from ..errors import ModelError
from .declared import check_name, check_text

GAP_IN_THE_TEXT = "gap in the text"
TRADE_OFF = "documented trade-off"
CR_DEMONSTRATION = "CR demonstration"
MODEL_ARTEFACT = "artefact of the model"
CHOICE = "depends on a reading of the text"
# A finding whose violations all need an element or message the text does not have (one
# the model invents, as a candidate fix or a reading would): a property of that invention.
FIX_PROPERTY = "property of an element the text does not have"
# A finding the model lists but no reviewer has classed yet: `why` says what is pending.
UNDER_REVIEW = "not classed yet"
CLASSES = (GAP_IN_THE_TEXT, TRADE_OFF, CR_DEMONSTRATION, MODEL_ARTEFACT, CHOICE, FIX_PROPERTY,
           UNDER_REVIEW)


@dataclasses.dataclass(frozen=True)
class Assumption:
    """A modelling decision that is not a `Param`: network order and loss, atomic steps,
    bounds, which rule a server tests first. `forced`: the text leaves no other reading
    (then `clause` and `why` say where and how)."""

    name: str
    why: str
    clause: str = ""
    forced: bool = False
    derived: bool = False  # stated by mcfsm from the system's declaration, not reviewed

    def __post_init__(self) -> None:
        check_name(self.name, "assumption name", plain=True)
        where = f"assumption {self.name!r}"
        check_text(self.why, "why", where=where)
        check_text(self.clause, "clause", where=where)
        if not self.why.strip():
            raise ModelError("has no reason", where=where,
                             fix="say why the model assumes it: Assumption(name, why=...)")
        if not isinstance(self.forced, bool):
            raise ModelError(f"forced={self.forced!r} is not True or False", where=where,
                             fix="forced=True only where the text leaves no other reading")
        if self.forced and not self.clause.strip():
            raise ModelError("is declared forced by the text but names no clause", where=where,
                             fix="give the clause that forces it: clause='10.16.5.3 step 2'")

    def words(self) -> str:
        return f"{self.name} ({self.why}{'; ' + self.clause if self.clause else ''})"


# How a neighbouring clause bears on a finding (`Fact.bears`).
AGAINST = "argues against the reading it needs"
SUPPORTS = "supports the reading it needs"
LEFT_OUT = "is what the model leaves out (why it is an artefact)"
DECIDES = "would decide it, were it in the text"
BEARINGS = (AGAINST, SUPPORTS, LEFT_OUT, DECIDES)


@dataclasses.dataclass(frozen=True)
class Fact:
    """What a clause outside the excerpts says: the clauses the excerpts point to (TS 23.280
    10.6.3 service authorization, 10.1.4.1, 10.8.2; RFC 3261's transaction timers), in the
    model's own words, never quoted. `items` are the items of the fact sheet that gather it
    (spec/context/FACTS.md); `confirmed=False` where only part of the clause was seen."""

    name: str
    clause: str
    says: str
    items: tuple[int, ...] = ()
    confirmed: bool = True
    # The readings the clause favours, as "p=v" choices, one per parameter it speaks to
    # ("notification=acknowledged"; a model's parameter it does not name is not judged). A
    # stance on a named reading then follows from it (check.expectations.finding_gaps): the
    # fact SUPPORTS a favoured choice and argues AGAINST another choice of that parameter.
    favours: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_name(self.name, "fact name", plain=True)
        where = f"fact {self.name!r}"
        object.__setattr__(self, "favours", _choices_field(
            self.favours, "favours", where, "('notification=acknowledged',)"))
        if len({c.partition("=")[0] for c in self.favours}) != len(self.favours):
            raise ModelError(f"favours two choices of one parameter: {self.favours!r}",
                             where=where, fix="name the one choice of each parameter the "
                                              "clause favours")
        check_text(self.clause, "clause", where=where)
        check_text(self.says, "says", where=where)
        if not self.clause.strip() or not self.says.strip():
            raise ModelError("needs the clause that states it and what it says", where=where,
                             fix="Fact(name, clause='TS 23.280 10.6.3.2', says='the partner ...')")
        if (isinstance(self.items, int | str) or not isinstance(self.items, tuple | list)
                or not all(isinstance(i, int) and i > 0 for i in self.items)):
            raise ModelError(f"has items={self.items!r}", where=where,
                             fix="name the fact sheet's items as a tuple of numbers: items=(2, 3)")
        object.__setattr__(self, "items", tuple(self.items))

    def bears(self, how: str, detail: str = "") -> FactUse:
        """This fact as a finding uses it: `how` is one of BEARINGS; `detail` names the
        reading or the element ("notification=one_way")."""
        return FactUse(self, how, detail)

    def source(self) -> str:
        """Where the fact is gathered, for a page: the clause, the fact sheet's items, and
        whether it rests on part of the clause only."""
        items = ", ".join(str(i) for i in self.items)
        sheet = f"; fact sheet item{'s' if len(self.items) > 1 else ''} {items}" if items else ""
        return f"{self.clause}{sheet}{'' if self.confirmed else '; unconfirmed: part of the clause'}"


@dataclasses.dataclass(frozen=True)
class FactUse:
    """A fact as one finding uses it (see `Fact.bears`)."""

    fact: Fact
    how: str
    detail: str = ""

    def __post_init__(self) -> None:
        where = f"fact {getattr(self.fact, 'name', self.fact)!r} on a finding"
        if not isinstance(self.fact, Fact):
            raise ModelError(f"is {self.fact!r}, not a Fact", where=where,
                             fix="declare it with Fact(name, clause=..., says=...) and use "
                                 "fact.bears(AGAINST, 'notification=one_way')")
        if self.how not in BEARINGS:
            raise ModelError(f"bears on it as {self.how!r}", where=where,
                             fix=f"use one of {', '.join(repr(b) for b in BEARINGS)}")
        check_text(self.detail, "detail", where=where)

    def words(self) -> str:
        """One line for a page: what the clause says and how it bears on the finding."""
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.fact.says} ({self.fact.source()}): it {self.how}{detail}"


CHOICE_FORM = re.compile(r"\w+=\S+")


def _choices_field(value: object, field: str, where: str, example: str) -> tuple[str, ...]:
    """A tuple of "parameter=value" strings, or a ModelError that shows the form."""
    if (isinstance(value, str) or not isinstance(value, tuple | list)
            or not all(isinstance(c, str) and CHOICE_FORM.fullmatch(c) for c in value)):
        raise ModelError(f"has {field}={value!r}", where=where,
                         fix=f"name each choice as parameter=value in a tuple: {field}={example}")
    return tuple(value)


@dataclasses.dataclass(frozen=True)
class Chart:
    """One chart a finding's page draws: the shortest run of `prop` (default: the finding's
    property) in `variant` (default: its first) among the runs whose parameter choices
    include every one of `under` ("notification=acknowledged": the reading the fact sheet
    favours, rather than the shortest run under any reading), with `says`, a sentence on
    what it shows."""

    under: tuple[str, ...] = ()
    prop: str = ""
    variant: str = ""
    says: str = ""

    def __post_init__(self) -> None:
        where = "a finding's Chart"
        object.__setattr__(self, "under", _choices_field(
            self.under, "under", where, "('notification=acknowledged',)"))
        for field in ("prop", "variant", "says"):
            check_text(getattr(self, field), field, where=where)


@dataclasses.dataclass(frozen=True)
class Finding:
    """A reviewed finding: a property's failure in one variant, its class and the reason
    for that class. `fix` names the variant that changes one sentence of the text to
    close it; `title` is the finding in one plain sentence."""

    name: str
    prop: str
    variants: tuple[str, ...]  # where it is found; the first one's chart shows it
    cls: str
    why: str
    title: str = ""
    fix: str = ""
    # Citations to quote on the finding's page besides those of its chart's transitions
    # ("10.16.5.3 pre-condition 3", "X.1.6"), in the words a transition's clause= uses.
    clauses: tuple[str, ...] = ()
    # The one sentence on which reading of the text the finding turns.
    reading: str = ""
    # What the clauses around the excerpts say that bears on it (`Fact.bears`): a fact that
    # argues against the reading it needs, or the fact the model leaves out.
    facts: tuple[FactUse, ...] = ()
    # A gap's choices that cannot save it as a reading ("p=v"): an element the text does not
    # have, a bound no UE can set, a case the property does not judge (`why` says which). A
    # gap is printed as such when the property fails in every run whose choices include none
    # of them; without them a gap needs a failure under every choice explored.
    outside_readings: tuple[str, ...] = ()
    # The charts its page draws, the first as the finding's own (its steps' clauses quoted,
    # its scenario written out); none: the shortest run of prop in the first variant.
    charts: tuple[Chart, ...] = ()

    def __post_init__(self) -> None:
        check_name(self.name, "finding name", plain=True)
        where = f"finding {self.name!r}"
        for field in ("prop", "why", "title", "fix", "reading"):
            check_text(getattr(self, field), field, where=where)
        if (isinstance(self.clauses, str) or not isinstance(self.clauses, tuple | list)
                or not all(isinstance(c, str) and c.strip() for c in self.clauses)):
            raise ModelError(f"has clauses={self.clauses!r}", where=where,
                             fix="name the clauses to quote as a tuple of citations: "
                                 "clauses=('10.16.5.3 pre-condition 3', 'X.1.6')")
        object.__setattr__(self, "clauses", tuple(self.clauses))  # a list is kept as a tuple
        if (not isinstance(self.facts, tuple | list)
                or not all(isinstance(u, FactUse) for u in self.facts)):
            raise ModelError(f"has facts={self.facts!r}", where=where,
                             fix="give the facts as a tuple of fact.bears(...): "
                                 "facts=(SERVICE_AUTHORIZATION.bears(AGAINST, 'notification=one_way'),)")
        object.__setattr__(self, "facts", tuple(self.facts))
        for c in self.clauses:
            check_text(c, "clauses", where=where)
        object.__setattr__(self, "outside_readings", _choices_field(
            self.outside_readings, "outside_readings", where, "('suspension_indication=present',)"))
        if (isinstance(self.charts, Chart) or not isinstance(self.charts, tuple | list)
                or not all(isinstance(c, Chart) for c in self.charts)):
            raise ModelError(f"has charts={self.charts!r}", where=where,
                             fix="give the charts as a tuple of Chart(...): "
                                 "charts=(Chart(under=('notification=acknowledged',)),)")
        object.__setattr__(self, "charts", tuple(self.charts))
        if self.outside_readings and self.cls != GAP_IN_THE_TEXT:
            raise ModelError(f"is classed {self.cls!r} but names outside_readings", where=where,
                             fix="outside_readings are for a gap in the text (choices under "
                                 "which it holds that are no reading of the text); drop them "
                                 "or class the finding a gap")
        if (isinstance(self.variants, str) or not self.variants
                or not all(isinstance(v, str) and v for v in self.variants)):
            raise ModelError(f"has variants={self.variants!r}", where=where,
                             fix="name the variants it is found in: variants=('base',)")
        if self.cls not in CLASSES:
            raise ModelError(f"has class {self.cls!r}", where=where,
                             fix=f"use one of {', '.join(repr(c) for c in CLASSES)}")
        if not self.why.strip():
            raise ModelError("has no reason for its class", where=where,
                             fix="say why, citing the text: why='nothing in 10.16.5.3 ...'")


@dataclasses.dataclass(frozen=True)
class Joint:
    """Findings with one root answered by one contribution (`Model.one_contribution`):
    each turns on a reading of the same wording, and one change, the `fix` variant's
    declared sentences, settles them all; `why` says what the root is."""

    name: str
    findings: tuple[str, ...]
    fix: str
    why: str

    def __post_init__(self) -> None:
        check_name(self.name, "contribution name", plain=True)
        where = f"contribution {self.name!r}"
        check_text(self.why, "why", where=where)
        if (isinstance(self.findings, str) or len(self.findings) < 2
                or not all(isinstance(n, str) and n for n in self.findings)):
            raise ModelError(f"names findings={self.findings!r}", where=where,
                             fix="name two or more findings with one root: "
                                 "findings=('first-finding', 'second-finding')")
        if not (isinstance(self.fix, str) and self.fix) or not self.why.strip():
            raise ModelError("needs the variant whose sentences settle the findings and why "
                             "they have one root", where=where,
                             fix="one_contribution(name, findings=(...), fix='fix_...', "
                                 "why='each turns on ...')")

