"""Property declarations: what the explorer checks, each tied to the clause it comes from.

Kinds (Stateright's vocabulary, TLC's semantics):
- always(name, pred)      a state invariant: pred(view) holds in every reachable state
- sometimes(name, pred)   a witness: some reachable state satisfies pred(view); guards
                          against vacuous models
- step(name, pred)        pred(before, step, after) holds on every step taken
- deadlock                built in: no reachable non-final state without successors
- unhandled               built in: no deliverable message that its receiver has no
                          transition for (unspecified reception), unless the role ignores it

Temporal properties hold on every *fair* behaviour (see lang/fairness.py for what fair
means; with no fairness declared a behaviour may stop anywhere, as in TLA+):
- eventually(name, pred)          TLA+'s <>P: pred holds at some point of every behaviour
- leads_to(name, p, q)            TLA+'s P ~> Q: whenever p holds, q holds then or later
- always_eventually(name, pred)   TLA+'s []<>P: pred holds infinitely often
A violation is a lasso: a prefix and a cycle a fair behaviour can repeat forever.

Saying why a state violates a property (optional; reports use it in the counterexample's
note): build the predicate from named sub-conditions with `all_of`, whose names are the
spec's words, or pass `explain=`, a function of the same arguments returning a sentence.

    always("binding-fresh", all_of({"server A serves user 2": lambda v: ...,
                                    "the binding names server B": lambda v: ...}), clause=...)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, Literal

from ..errors import ModelError
from .declared import check_clause, check_name, check_text
from .guard import check_callable

Kind = Literal["always", "sometimes", "step", "deadlock", "unhandled",
               "eventually", "leads_to", "always_eventually"]

TEMPORAL_KINDS = ("eventually", "leads_to", "always_eventually")
_SIGNATURE = {
    "always": "a function of the state view",
    "sometimes": "a function of the state view",
    "step": "a function of (before, step, after)",
    "eventually": "a function of the state view",
    "always_eventually": "a function of the state view",
    "leads_to": "a function of the state view (the 'q' that must follow)",
}


@dataclasses.dataclass(frozen=True)
class Property:
    name: str
    kind: Kind
    predicate: Callable[..., bool] | None
    clause: str
    doc: str = ""
    # leads_to only: the state predicate that triggers the obligation (TLA+'s P in P ~> Q)
    trigger: Callable[..., bool] | None = None
    # Why a state violates it: a function of the predicate's arguments returning a sentence.
    explain: Callable[..., str] | None = None
    finding: str = ""  # refused: see model.finding (kept so the error can say so)

    def __post_init__(self) -> None:
        if self.finding:
            # A class of the text is a reviewed judgement of one variant's failure, not a
            # property's attribute: it lives in the model (lang/findings.py).
            raise ModelError(f"declares finding={self.finding!r} on the property",
                             prop=self.name,
                             fix="declare the reviewed class on the model: model.finding(name, "
                                 f"prop={self.name!r}, variants=(...), cls=..., why=...)")
        # Any readable name ("calls at most once" as TLC and Stateright users write them);
        # files it names are made from a slug of it, and reports quote it when it has spaces.
        check_name(self.name, "property name")
        if (self.name != self.name.strip() or any(ch in self.name for ch in "/\\")
                or not self.name.isprintable()):
            raise ModelError(f"property name {self.name!r} has a path separator, a control "
                             "character or surrounding spaces", prop=self.name.strip() or None,
                             fix="use words, digits, spaces, '_' and '-', e.g. 'never 4'")
        check_text(self.doc, "doc", prop=self.name)
        if self.kind in _SIGNATURE:
            arity, takes = ((3, "before, step, after") if self.kind == "step"
                            else (1, "the state view"))
            if self.predicate is None:
                raise ModelError(f"({self.kind}) has None where a predicate belongs",
                                 prop=self.name,
                                 fix=f"pass {_SIGNATURE[self.kind]}, e.g. lambda v: ...")
            check_callable(self.predicate, arity, what="the predicate", takes=takes,
                           prop=self.name)
            if self.kind == "leads_to":
                if self.trigger is None:
                    raise ModelError("(leads_to) has no 'p' (the state that must lead to q)",
                                     prop=self.name,
                                     fix="pass leads_to(name, lambda v: <p>, lambda v: <q>, "
                                         "clause=...)")
                check_callable(self.trigger, 1, what="the leads_to 'p'", takes=takes,
                               prop=self.name)
            check_clause(self.clause, "the property", required=False, prop=self.name)

    @property
    def temporal(self) -> bool:
        return self.kind in TEMPORAL_KINDS


class AllOf:
    """A predicate made of named sub-conditions (the spec's words): it holds when every one
    holds, and `failing(...)` names those that do not, for the counterexample's note."""

    __slots__ = ("conditions",)

    def __init__(self, conditions: dict[str, Callable[..., bool]]) -> None:
        if not conditions or not all(callable(c) for c in conditions.values()):
            raise ModelError("all_of(...) needs a non-empty dict of named callables",
                             fix='all_of({"the binding is fresh": lambda v: ..., ...})')
        self.conditions = dict(conditions)

    def __call__(self, *args: Any) -> bool:
        return all(condition(*args) for condition in self.conditions.values())

    def failing(self, *args: Any) -> list[str]:
        return [name for name, condition in self.conditions.items() if not condition(*args)]


def all_of(conditions: dict[str, Callable[..., bool]]) -> AllOf:
    return AllOf(conditions)


def always(name: str, predicate: Callable[[Any], bool], *, clause: str = "", doc: str = "",
           explain: Callable[[Any], str] | None = None, finding: str = "") -> Property:
    return Property(name, "always", predicate, clause, doc, explain=explain, finding=finding)


def sometimes(name: str, predicate: Callable[[Any], bool], *, clause: str = "",
              doc: str = "", finding: str = "") -> Property:
    return Property(name, "sometimes", predicate, clause, doc, finding=finding)


def step(name: str, predicate: Callable[[Any, Any, Any], bool], *, clause: str = "",
         doc: str = "", explain: Callable[[Any, Any, Any], str] | None = None,
         finding: str = "") -> Property:
    return Property(name, "step", predicate, clause, doc, explain=explain, finding=finding)


def eventually(name: str, predicate: Callable[[Any], bool], *, clause: str = "",
               doc: str = "") -> Property:
    """<>P: on every fair behaviour, predicate holds at some point."""
    return Property(name, "eventually", predicate, clause, doc)


def leads_to(name: str, p: Callable[[Any], bool], q: Callable[[Any], bool], *, clause: str = "",
             doc: str = "") -> Property:
    """P ~> Q: on every fair behaviour, whenever p holds, q holds then or later."""
    return Property(name, "leads_to", q, clause, doc, trigger=p)


def always_eventually(name: str, predicate: Callable[[Any], bool], *, clause: str = "",
                      doc: str = "") -> Property:
    """[]<>P: on every fair behaviour, predicate holds infinitely often."""
    return Property(name, "always_eventually", predicate, clause, doc)


def deadlock_property() -> Property:
    return Property("no-deadlock", "deadlock", None, "model-wide",
                    "no reachable state without successors unless it is declared final")


def unhandled_property() -> Property:
    return Property("no-unhandled-message", "unhandled", None, "model-wide",
                    "every deliverable message has a transition in its receiver's state, "
                    "or the receiver declares that it ignores it")
