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
        for c in self.clauses:
            check_text(c, "clauses", where=where)
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
