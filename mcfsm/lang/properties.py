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
from .declared import check_clause, check_name, check_text
from .guard import check_callable

Kind = Literal["always", "sometimes", "step", "deadlock", "unhandled"]


@dataclasses.dataclass(frozen=True)
class Property:
    name: str
    kind: Kind
    predicate: Callable[..., bool] | None
    clause: str
    doc: str = ""

    def __post_init__(self) -> None:
        # The name also names trace files: plain letters, digits, '_' and '-'.
        check_name(self.name, "property name", plain=True)
        check_text(self.doc, "doc", prop=self.name)
        if self.kind in ("always", "sometimes", "step"):
            arity, takes = ((3, "before, step, after") if self.kind == "step"
                            else (1, "the state view"))
            if self.predicate is None:
                raise ModelError("has no predicate", prop=self.name,
                                 fix=f"pass a function of {takes}")
            check_callable(self.predicate, arity, what="the predicate", takes=takes,
                           prop=self.name)
            check_clause(self.clause, "the property", prop=self.name)


def always(name: str, predicate: Callable[[Any], bool], *, clause: str, doc: str = "") -> Property:
    return Property(name, "always", predicate, clause, doc)


def sometimes(name: str, predicate: Callable[[Any], bool], *, clause: str,
              doc: str = "") -> Property:
    return Property(name, "sometimes", predicate, clause, doc)


def step(name: str, predicate: Callable[[Any, Any, Any], bool], *, clause: str,
         doc: str = "") -> Property:
    return Property(name, "step", predicate, clause, doc)


def deadlock_property() -> Property:
    return Property("no-deadlock", "deadlock", None, "model-wide",
                    "no reachable state without successors unless it is declared final")


def unhandled_property() -> Property:
    return Property("no-unhandled-message", "unhandled", None, "model-wide",
                    "every deliverable message has a transition in its receiver's state, "
                    "or the receiver declares that it ignores it")
