"""Property declarations: what the explorer checks, each tied to the clause it comes from.

Kinds (Stateright's vocabulary, TLC's semantics):
- always(name, pred)      a state invariant: pred(view) holds in every reachable state
- sometimes(name, pred)   a witness: some reachable state satisfies pred(view); guards
                          against vacuous models
- step(name, pred)        pred(before, step, after) holds on every step taken
- deadlock                built in: no reachable non-final state without successors
- unhandled               built in: no deliverable message that its receiver has no
                          transition for (unspecified reception), unless the role ignores it
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, Literal

from ..errors import ModelError

Kind = Literal["always", "sometimes", "step", "deadlock", "unhandled"]


@dataclasses.dataclass(frozen=True)
class Property:
    name: str
    kind: Kind
    predicate: Callable[..., bool] | None
    clause: str
    doc: str = ""
    # How a violation is to be read when the text itself settles it: "documented trade-off
    # (X.1.7.4)" or "CR demonstration (CR 001 closes it)". Empty: the reports classify a
    # violation as a gap in the text or as depending on a parameter choice.
    finding: str = ""

    def __post_init__(self) -> None:
        if not self.name or not self.name.replace("-", "").replace("_", "").isalnum():
            raise ModelError(f"property name {self.name!r} is not a plain name",
                             fix="use letters, digits and dashes, e.g. 'redirects-never-loop'")
        if self.kind in ("always", "sometimes", "step"):
            if not callable(self.predicate):
                raise ModelError(f"property {self.name!r} has no callable predicate",
                                 fix="pass a function of the state view (or of before, step, "
                                     "after for step properties)")
            if not self.clause.strip():
                raise ModelError(f"property {self.name!r} cites no clause",
                                 fix='pass clause="X.1.4.1" (where the spec asks for it)')


def always(name: str, predicate: Callable[[Any], bool], *, clause: str, doc: str = "",
           finding: str = "") -> Property:
    return Property(name, "always", predicate, clause, doc, finding)


def sometimes(name: str, predicate: Callable[[Any], bool], *, clause: str,
              doc: str = "", finding: str = "") -> Property:
    return Property(name, "sometimes", predicate, clause, doc, finding)


def step(name: str, predicate: Callable[[Any, Any, Any], bool], *, clause: str,
         doc: str = "", finding: str = "") -> Property:
    return Property(name, "step", predicate, clause, doc, finding)


def deadlock_property() -> Property:
    return Property("no-deadlock", "deadlock", None, "model-wide",
                    "no reachable state without successors unless it is declared final")


def unhandled_property() -> Property:
    return Property("no-unhandled-message", "unhandled", None, "model-wide",
                    "every deliverable message has a transition in its receiver's state, "
                    "or the receiver declares that it ignores it")
