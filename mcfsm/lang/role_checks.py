"""Validation of a role declaration when it is built (python-statemachine's habit):
unknown, duplicate or unreachable states, malformed transitions, missing clauses and
callables of the wrong shape raise ModelError naming the role and transition, with a fix.
Kept apart from roles.py, which holds the declaration records themselves."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from ..errors import ModelError
from .declared import check_clause, check_text, check_variable
from .deferral import validate_defers
from .fairness import check_kind
from .guard import check_callable
from .messages import Message
from .timers import TimerEvent

ANY_STATE = "*"  # a transition source meaning "every state of the role"


def validate_role(self: Any) -> None:
    """Every field of a role declaration, then that the transitions library takes it and
    that every state is reachable; a ModelError with a fix-it otherwise."""
    known = set(self.states)
    if len(known) != len(self.states):
        dup = sorted({s for s in self.states if self.states.count(s) > 1})
        raise ModelError(f"states {dup} are declared twice", role=self.name,
                         fix="list each state once in states=[...]")
    if not isinstance(self.initial, str) or self.initial not in known:
        raise ModelError(
            f"initial state {self.initial!r} is not among the declared states",
            role=self.name, fix=f"declare it in states=[...] or pick one of {list(self.states)}",
        )
    for state in self.final:
        if state not in known:
            raise ModelError(f"final state {state!r} is not a declared state", role=self.name,
                             fix=f"pick final states among {list(self.states)}")
    for var, decl in self.variables.items():
        check_variable(var, decl, owner=f"role {self.name!r}", role=self.name)
    for msg, states in self.ignores.items():
        if not (isinstance(msg, type) and issubclass(msg, Message)):
            raise ModelError(f"ignores lists {msg!r}, which is not a Message subclass",
                             role=self.name, fix="list Message classes in ignores=")
        unknown = sorted(set(states) - known)
        if unknown:
            raise ModelError(f"ignores {msg.__name__} in undeclared states {unknown}",
                             role=self.name, fix=f"use states among {list(self.states)}")
    check_kind(self.fair, f"role {self.name!r}")
    validate_defers(self, known)
    names: dict[str, Any] = {}
    for t in self.transitions:
        where = dict(role=self.name, transition=t.name, clause=t.clause or None)
        if t.name in names:
            raise ModelError(
                f"two transitions are named {t.name!r}", **where,
                fix="give each transition with the same trigger its own name=... "
                    "(names appear in coverage and traces)")
        names[t.name] = t
        # may be empty here; a model that cites a text requires it (Model.system)
        check_clause(t.clause, "transition", required=False, **where)
        check_text(t.label, "label", **where)
        if not isinstance(t.environment, bool):
            raise ModelError(f"environment={t.environment!r} is not True or False", **where,
                             fix="pass environment=True for an environment event")
        check_kind(t.fair, f"role {self.name!r}, transition {t.name!r}")
        if not isinstance(t.trigger, str | TimerEvent) and not (
            isinstance(t.trigger, type) and issubclass(t.trigger, Message)
        ):
            raise ModelError(f"trigger {t.trigger!r} is neither an event name nor a Message "
                             "subclass", **where,
                             fix="use a string for an internal event or a Message subclass")
        for src in t.sources:
            if not isinstance(src, str):
                raise ModelError(f"source state {src!r} is not a state name", **where,
                                 fix=state_fix(self, str(src)))
            if src != ANY_STATE and src not in known:
                raise ModelError(f"source state {src!r} is not declared", **where,
                                 fix=state_fix(self, src))
        check_destinations(self, t, known, where)
        for field in ("conditions", "after", "sends"):
            value = getattr(t, field)
            if isinstance(value, str | bytes) or not isinstance(value, Iterable):
                raise ModelError(f"{field}={value!r} is not a list", **where,
                                 fix=f"pass {field}=[...] (a list, even of one)")
        for sent in t.sends:
            if not (isinstance(sent, type) and issubclass(sent, Message)):
                raise ModelError(f"sends lists {sent!r}, which is not a Message subclass",
                                 **where, fix="list the Message classes the actions send")
        for field in ("conditions", "after"):
            for cb in getattr(t, field):
                check_callable(cb, 1, what=f"{field}=[...] entry", takes="the step context",
                               **where)
        if t.choices is not None:
            check_callable(t.choices, 1, what="choices=", takes="the step context", **where)
    _transitions_library_takes(self)
    unreachable = [s for s in self.states if s not in reachable_states(self)]
    # a CR's generic change that omits a step may leave states its transitions led to
    # unreachable: that is the change's consequence, which the check reports, not an error
    if unreachable and not self.changed_by_cr:
        raise ModelError(
            f"states {unreachable} cannot be reached from initial state {self.initial!r} "
            "by any transition", role=self.name,
            fix="add the transition that leads there, or remove the state")

def check_destinations(self: Any, t: Any, known: set[str], where: dict[str, Any]) -> None:
    """dest: a declared state, None, or a function with the states it may return in dests."""
    if callable(t.dest):
        check_callable(t.dest, 1, what="dest=", takes="the step context", **where)
        if isinstance(t.dests, str | bytes) or not isinstance(t.dests, Iterable) or not t.dests:
            raise ModelError(f"dest= is a function, but dests={t.dests!r} does not list the "
                             "states it may return", **where,
                             fix="declare them, e.g. dests=('accepted', 'rejected'): diagrams "
                                 "and the reachability check need them")
        for d in t.dests:
            if not isinstance(d, str) or d not in known:
                raise ModelError(f"dests lists {d!r}, which is not a declared state", **where,
                                 fix=state_fix(self, str(d)))
        if len(set(t.dests)) != len(tuple(t.dests)):
            raise ModelError(f"dests={tuple(t.dests)!r} lists a state twice", **where,
                             fix="list each possible destination once")
        return
    if t.dests:
        raise ModelError(f"dests={t.dests!r} is given, but dest={t.dest!r} is not a function",
                         **where, fix="dests= lists the states a dest=function may return; "
                                      "drop it, or make dest a function of the step context")
    if t.dest is not None and (not isinstance(t.dest, str) or t.dest not in known):
        raise ModelError(f"destination state {t.dest!r} is not declared", **where,
                         fix=state_fix(self, str(t.dest)))


def state_fix(self: Any, wrong: str) -> str:
    close = difflib.get_close_matches(wrong, self.states, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"{hint}declare it in states=[...] or use one of {list(self.states)}"

def reachable_states(self: Any, fires: Any = None) -> set[str]:
    """The role's states reachable from its initial state through its transitions (only
    those `fires(t)` accepts, when given: a system that never sends what a transition
    receives)."""
    seen = {self.initial}
    todo = [self.initial]
    while todo:
        here = todo.pop()
        for t in self.transitions:
            if fires is not None and not fires(t):
                continue
            if (ANY_STATE in t.sources or here in t.sources):
                for dest in t.destinations or (here,):
                    if dest not in seen:
                        seen.add(dest)
                        todo.append(dest)
    return seen


# The declarations (states, initial state, triggers with their sources and destinations)
# the transitions library took: a variant's roles are declared again at every build of it,
# and building a Machine to ask was a tenth of building a system
_TAKEN: set[tuple[Any, ...]] = set()


def _transitions_library_takes(role: Any) -> None:
    """The same declaration must also be one the transitions library takes."""
    shape = (tuple(role.states), role.initial,
             tuple((t["trigger"], t["source"] if isinstance(t["source"], str)
                    else tuple(t["source"]), t["dest"]) for t in role.transitions_spec()))
    if shape not in _TAKEN:
        role.machine()
        _TAKEN.add(shape)

