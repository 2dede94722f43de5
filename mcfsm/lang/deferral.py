"""Validation of deferred messages (`Role(defers={Msg: states})`, SDL's save / P's
defer); the semantics are in lang/channels.py and the successor function."""

from __future__ import annotations

from typing import Any

from ..errors import ModelError
from .messages import Message

# `role` below is the Role being validated (typed Any: this module stays below roles.py).
Role = Any

ANY_STATE = "*"  # roles.ANY_STATE (not imported: roles imports this module)


def validate_defers(role: Role, known: set[str]) -> None:
    for msg, states in role.defers.items():
        if not (isinstance(msg, type) and issubclass(msg, Message)):
            raise ModelError(f"defers lists {msg!r}, which is not a Message subclass",
                             role=role.name, fix="map Message classes to states in defers=")
        unknown = sorted(set(states) - known)
        if unknown:
            raise ModelError(f"defers {msg.__name__} in undeclared states {unknown}",
                             role=role.name, fix=role._state_fix(unknown[0]))
        both = sorted(states & role.ignores.get(msg, frozenset()))
        if both:
            raise ModelError(f"both ignores and defers {msg.__name__} in states {both}",
                             role=role.name,
                             fix="a message is either dropped (ignores=) or kept (defers=)")
        for t in role.transitions:
            handled = set(role.states) if ANY_STATE in t.sources else set(t.sources)
            clash = sorted(handled & states) if t.receives is msg else []
            if clash:
                raise ModelError(
                    f"defers {msg.__name__} in states {clash}, where transition "
                    f"{t.name!r} receives it", role=role.name,
                    fix="defer a message only in states that have no transition for it")

