"""Type checks shared by every declaration (roles, systems, parameters, properties,
models), run when the declaration is built, so a wrong field is reported before any
exploration, with the field, where it is, and the fix."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from ..errors import ModelError
from .initial import alternatives

# Names that also become file names (reports, trace files, diagrams): no path separators,
# no leading dot, nothing a shell or file system treats specially.
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")

MUTABLE_TYPES = (list, dict, set, bytearray)


@dataclasses.dataclass(frozen=True)
class Var:
    """A typed local variable with its initial value, or a set of them: `one_of(a, b)`
    (TLC's `x \\in S` in Init; every alternative is an initial state). Declared here, at
    the bottom of lang/, so that the checks below and every declaration can use it."""

    type: type | tuple[type, ...]
    initial: Any
    doc: str = ""

# Python hashes and prints nested tuples recursively in C, without a depth check: a value
# nested 200,000 levels deep crashes the interpreter (a segfault, no error). Values in a
# state are refused past this depth, far beyond any protocol's records.
MAX_NESTING = 1000


def nesting_depth(value: Any, limit: int = MAX_NESTING) -> int:
    """How deep tuples and frozensets nest in a value (iteratively; stops past `limit`)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, tuple | frozenset | list | set):
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
            stack.extend((x, depth + 1) for x in item)
    return deepest


def check_nesting(value: Any, what: str, *, where: str | None = None, **site: Any) -> None:
    if nesting_depth(value) > MAX_NESTING:
        raise ModelError(f"{what} nests tuples or frozensets more than {MAX_NESTING} levels "
                         "deep; Python cannot hash or print such a value safely", where=where,
                         fix="flatten the value (a tuple of records rather than a chain of "
                             "nested pairs)", **site)


def check_name(value: Any, what: str, *, where: str | None = None, plain: bool = False) -> None:
    """A non-empty string; with `plain`, letters, digits, '_' and '-' only (it names files)."""
    if not isinstance(value, str) or not value.strip():
        raise ModelError(f"{what} {value!r} is not a name", where=where,
                         fix=f"give a non-empty string as the {what}")
    if plain and not _PLAIN.fullmatch(value):
        raise ModelError(f"{what} {value!r} is not a plain name (it is used in file names)",
                         where=where, fix="use letters, digits, '_' and '-', starting with a "
                                          "letter or digit, e.g. 'cr_kms_uri'")


def check_text(value: Any, what: str, *, where: str | None = None, **site: Any) -> None:
    if not isinstance(value, str):
        raise ModelError(f"{what}={value!r} is not a string", where=where,
                         fix=f"pass {what} as a string (or leave it out)", **site)


def check_clause(value: Any, what: str, *, where: str | None = None, required: bool = True,
                 **site: Any) -> None:
    """A clause citation: a string, and not empty where the model cites a text (a model
    that declares Model(clause=...); Model.system checks that once the system is built)."""
    if not isinstance(value, str) or (required and not value.strip()):
        raise ModelError(f"{what} cites no clause (clause={value!r})", where=where,
                         fix='pass clause="10.16.5.3 step 3" (where the spec says it)', **site)


def type_name(t: Any) -> str:
    if isinstance(t, tuple):
        return " | ".join(getattr(x, "__name__", repr(x)) for x in t)
    return getattr(t, "__name__", repr(t))


def check_variable(name: Any, decl: Any, *, owner: str, role: str | None = None) -> None:
    """A typed variable (a role's or the system's shared=): an identifier other than
    'state', declared as Var(type, initial) with an immutable type and a hashable initial
    value of that type."""
    where = None if role else owner
    if name == "state":  # a SPIN or TLA+ port often has one: say why, and what works
        raise ModelError("variable name 'state' is taken: it names the role's control state "
                         "(ctx.state, view['instance'].state, the state= of a transition)",
                         role=role, where=where,
                         fix="rename the variable in the port, e.g. Var(...) as 'st' or "
                             "'phase'; or, where the SPIN/TLA+ variable is the control state "
                             "itself, make its values the role's states=[...]")
    if not isinstance(name, str) or not name.isidentifier():
        raise ModelError(f"variable name {name!r} is not allowed", role=role, where=where,
                         fix="use a Python identifier other than 'state'")
    if not isinstance(decl, Var):
        raise ModelError(f"variable {name!r} is declared as {decl!r}", role=role, where=where,
                         fix="declare it as Var(type, initial), e.g. Var(int, 0)")
    declared = decl.type if isinstance(decl.type, tuple) else (decl.type,)
    if not declared or not all(isinstance(t, type) for t in declared):
        raise ModelError(f"variable {name!r} has type {decl.type!r}, which is not a type",
                         role=role, where=where,
                         fix="pass a type or a tuple of types, e.g. Var(int, 0) or "
                             "Var((str, type(None)), None)")
    if any(issubclass(t, MUTABLE_TYPES) for t in declared):
        raise ModelError(
            f"variable {name!r} has a mutable type {type_name(decl.type)}; states must "
            "be hashable", role=role, where=where,
            fix="use tuple, frozenset or a frozen record instead of list, set or dict")
    for initial in alternatives(decl.initial):  # one value, or a one_of(...) set of them
        check_nesting(initial, f"variable {name!r}'s initial value", role=role, where=where)
        if not isinstance(initial, decl.type):
            raise ModelError(
                f"variable {name!r} has initial value {initial!r}, not of type "
                f"{type_name(decl.type)}", role=role, where=where,
                fix="make the initial value match the declared type")
        try:
            hash(initial)
        except TypeError:
            raise ModelError(f"variable {name!r} has an unhashable initial value {initial!r}",
                             role=role, where=where,
                             fix="use tuples and frozensets inside the value, not lists or "
                                 "sets") from None
    check_text(decl.doc, "Var doc", where=where, role=role)
