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
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, Literal

from ..errors import ModelError

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

    def __post_init__(self) -> None:
        if not self.name or not self.name.replace("-", "").replace("_", "").isalnum():
            raise ModelError(f"property name {self.name!r} is not a plain name",
                             fix="use letters, digits and dashes, e.g. 'redirects-never-loop'")
        if self.kind in _SIGNATURE:
            if not callable(self.predicate):
                raise ModelError(f"property {self.name!r} ({self.kind}) has {self.predicate!r} "
                                 "where a predicate belongs",
                                 fix=f"pass {_SIGNATURE[self.kind]}, e.g. lambda v: ...")
            if self.kind == "leads_to" and not callable(self.trigger):
                raise ModelError(f"property {self.name!r} (leads_to) has {self.trigger!r} as its "
                                 "'p' (the state that must lead to q)",
                                 fix="pass leads_to(name, lambda v: <p>, lambda v: <q>, clause=...)")
            if not self.clause.strip():
                raise ModelError(f"property {self.name!r} cites no clause",
                                 fix='pass clause="X.1.4.1" (where the spec asks for it)')

    @property
    def temporal(self) -> bool:
        return self.kind in TEMPORAL_KINDS


def always(name: str, predicate: Callable[[Any], bool], *, clause: str, doc: str = "") -> Property:
    return Property(name, "always", predicate, clause, doc)


def sometimes(name: str, predicate: Callable[[Any], bool], *, clause: str,
              doc: str = "") -> Property:
    return Property(name, "sometimes", predicate, clause, doc)


def step(name: str, predicate: Callable[[Any, Any, Any], bool], *, clause: str,
         doc: str = "") -> Property:
    return Property(name, "step", predicate, clause, doc)


def eventually(name: str, predicate: Callable[[Any], bool], *, clause: str,
               doc: str = "") -> Property:
    """<>P: on every fair behaviour, predicate holds at some point."""
    return Property(name, "eventually", predicate, clause, doc)


def leads_to(name: str, p: Callable[[Any], bool], q: Callable[[Any], bool], *, clause: str,
             doc: str = "") -> Property:
    """P ~> Q: on every fair behaviour, whenever p holds, q holds then or later."""
    return Property(name, "leads_to", q, clause, doc, trigger=p)


def always_eventually(name: str, predicate: Callable[[Any], bool], *, clause: str,
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
