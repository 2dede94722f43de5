"""The state names a property compares, read off its code when the system is built.

A predicate such as `lambda v: v["client2"].state != "registred"` holds in every state
when the role has no state "registred": a typo makes a vacuous property that the search
then reports as holding. Reading the predicate's bytecode (and that of the model's helper
functions it calls) finds every comparison of a `.state` with string constants, so that

- a name that no role in the system declares is a model error at build time, naming the
  property, the name and the states there are (`check_state_names`);
- after a search, each such comparison (an atom) is known, and check/search/vacuity.py can say
  whether any of a property's atoms ever changed truth value.

Only comparisons written directly with constants are read (`== "x"`, `!= "x"`,
`in ("x", "y")`, and `.startswith("x")` / `.endswith(("x", "y"))` with one argument); a name
built at run time is not checked, and nothing is guessed.
"""

from __future__ import annotations

import dataclasses
import dis
import functools
import types
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..errors import ModelError

# How an atom compares: "==" (equality or membership), or str's own prefix and suffix
# tests, whose constants are then what a value starts or ends with.
AFFIXES = {"startswith": "starts with", "endswith": "ends with"}


def matches(method: str, value: str, constant: str) -> bool:
    """Whether `value` passes the comparison `method` with `constant`."""
    if method == "startswith":
        return value.startswith(constant)
    if method == "endswith":
        return value.endswith(constant)
    return value == constant


@dataclasses.dataclass(frozen=True)
class StateAtom:
    """`<view>[instance].state == name` (instance None when not a constant); with `method`
    "startswith" or "endswith", `names` are what the state's name starts or ends with."""

    instance: str | None
    names: frozenset[str]
    method: str = "=="

    def among(self, states: Iterable[str]) -> frozenset[str]:
        """The states of `states` for which the comparison is true."""
        return frozenset(s for s in states if any(matches(self.method, s, n) for n in self.names))

    def words(self) -> str:
        """The states compared with, in words: "'x' or 'y'", "a state whose name starts
        with 'x'"."""
        names = " or ".join(repr(n) for n in sorted(self.names))
        if self.method in AFFIXES:
            return f"a state whose name {AFFIXES[self.method]} {names}"
        return names


def _functions(fn: Any) -> list[Callable[..., Any]]:
    """The callables a predicate is made of (all_of's named conditions included)."""
    conditions = getattr(fn, "conditions", None)
    if isinstance(conditions, dict):
        return [c for c in conditions.values() if callable(c)]
    return [fn] if callable(fn) else []


def _codes(fn: Any, seen: set[types.CodeType], depth: int = 0) -> Iterator[types.CodeType]:
    """The code of `fn`, of functions nested in it, and of the model's own functions it
    calls by a global name (helpers defined in the same module), a few levels deep."""
    code = getattr(fn, "__code__", None)
    if code is None or code in seen or depth > 4:
        return
    stack = [code]
    module_globals = getattr(fn, "__globals__", {})
    module = module_globals.get("__name__")
    while stack:
        c = stack.pop()
        if c in seen:
            continue
        seen.add(c)
        yield c
        stack.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
        for name in c.co_names:
            helper = module_globals.get(name)
            if (isinstance(helper, types.FunctionType) and helper.__module__ == module
                    and helper.__code__ not in seen):
                yield from _codes(helper, seen, depth + 1)


def _str_names(value: Any) -> frozenset[str] | None:
    if isinstance(value, str):
        return frozenset({value})
    if isinstance(value, tuple | frozenset) and value and all(isinstance(x, str) for x in value):
        return frozenset(value)
    return None


@dataclasses.dataclass(frozen=True)
class FieldAtom:
    """`<view>[instance].<field> == value` for a field other than `state`, compared with
    string constants (instance None when not a constant); with `method` "startswith" or
    "endswith", the values are what the field starts or ends with."""

    instance: str | None
    field: str
    values: frozenset[str]
    method: str = "=="


def field_atoms(fn: Any) -> list[FieldAtom]:
    """Every comparison of a record's field (not `.state`) with string constants in the
    predicate's own code (its nested functions included, not the helpers it calls)."""
    atoms: list[FieldAtom] = []
    for f in _functions(fn):
        code = getattr(f, "__code__", None)
        stack = [code] if code is not None else []
        while stack:
            c = stack.pop()
            atoms.extend(a for a in _atoms_in(c) if isinstance(a, FieldAtom))
            stack.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
    return atoms


def own_codes(fn: Any) -> set[types.CodeType]:
    """The code of a predicate and of the functions nested in it (not its helpers)."""
    out: set[types.CodeType] = set()
    for f in _functions(fn):
        code = getattr(f, "__code__", None)
        stack = [code] if code is not None else []
        while stack:
            c = stack.pop()
            if c not in out:
                out.add(c)
                stack.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
    return out


def string_constants(code: types.CodeType) -> set[str]:
    """The strings a code object names as constants (in tuples and frozensets too)."""
    out: set[str] = set()
    stack = list(code.co_consts)
    while stack:
        k = stack.pop()
        if isinstance(k, str):
            out.add(k)
        elif isinstance(k, tuple | frozenset):
            stack.extend(k)
    return out


def state_atoms(fn: Any) -> list[StateAtom]:
    """Every comparison of a `.state` with string constants in the predicate's code."""
    atoms: list[StateAtom] = []
    seen: set[types.CodeType] = set()
    for f in _functions(fn):
        for code in _codes(f, seen):
            atoms.extend(a for a in _atoms_in(code) if isinstance(a, StateAtom))
    return atoms


@functools.cache
def _atoms_in(code: types.CodeType) -> tuple[StateAtom | FieldAtom, ...]:
    """The atoms of one code object: a function of the code alone, and the same predicates
    are read for every variant of a model (dis costs about 1 s over `check models/`)."""
    return tuple(_scan(code))


def _scan(code: types.CodeType) -> Iterator[StateAtom | FieldAtom]:
    # A tiny symbolic stack over the instructions that matter: a constant, a subscript by a
    # constant (the instance), `.state`, and the comparison. Anything else resets it.
    window: list[tuple[str, Any]] = []
    for ins in dis.get_instructions(code):
        op = ins.opname
        if op == "LOAD_CONST":
            window.append(("const", ins.argval))
        elif op == "BINARY_SUBSCR" and window and window[-1][0] == "const":
            key = window.pop()[1]
            window.append(("instance", key if isinstance(key, str) else None))
        elif op in ("LOAD_ATTR", "LOAD_METHOD") and ins.argval in AFFIXES and window \
                and window[-1][0] in ("state", "field"):
            # `v["c"].cause.startswith("x")`: the test, then its one argument and the call
            window.append(("affix", (window.pop(), ins.argval)))
        elif op in ("PRECALL", "CALL") and ins.arg == 1 and len(window) >= 2 \
                and window[-2][0] == "affix" and window[-1][0] == "const":
            (kind, owner), method = window[-2][1]
            names = _str_names(window[-1][1])
            window.clear()
            if names is not None and kind == "state":
                yield StateAtom(owner, names, method)
            elif names is not None:
                yield FieldAtom(owner[0], owner[1], names, method)
        elif op in ("LOAD_ATTR", "LOAD_METHOD") and ins.argval == "state":
            owner = window.pop()[1] if window and window[-1][0] == "instance" else None
            window.append(("state", owner))
        elif op == "LOAD_ATTR" and window and window[-1][0] == "instance" \
                and not ins.argval.startswith("_"):
            window.append(("field", (window.pop()[1], ins.argval)))
        elif op in ("COMPARE_OP", "CONTAINS_OP", "IS_OP") and len(window) >= 2:
            (kind_a, a), (kind_b, b) = window[-2], window[-1]
            window.clear()
            for (kind_s, owner), (kind_c, const) in (((kind_a, a), (kind_b, b)),
                                                     ((kind_b, b), (kind_a, a))):
                names = _str_names(const) if kind_c == "const" else None
                if kind_s == "state" and names is not None:
                    yield StateAtom(owner, names)
                    break
                if kind_s == "field" and names is not None:
                    yield FieldAtom(owner[0], owner[1], names)
                    break
        elif op in ("LOAD_FAST", "LOAD_GLOBAL", "LOAD_DEREF", "LOAD_NAME", "LOAD_ATTR",
                    "LOAD_METHOD", "BINARY_SUBSCR", "PRECALL", "CALL", "BUILD_TUPLE"):
            window.append(("other", None))
        else:
            window.clear()
        del window[:-3]


def predicate_functions(prop: Any) -> list[Any]:
    return [f for f in (prop.predicate, prop.trigger) if f is not None]


def check_state_names(system: Any) -> None:
    """Refuse a property that compares a `.state` with a name no role declares (or, for a
    named instance, its own role does not declare)."""
    every = {s for inst in system.instances for s in inst.role.states}
    by_instance = {inst.name: inst.role for inst in system.instances}
    for prop in system.properties:
        for fn in predicate_functions(prop):
            for atom in state_atoms(fn):
                role = by_instance.get(atom.instance) if atom.instance else None
                known = set(role.states) if role is not None else every
                unknown = sorted(n for n in atom.names if not StateAtom(
                    atom.instance, frozenset({n}), atom.method).among(known))
                if unknown and atom.method in AFFIXES:
                    whose = (f"of role {role.name!r} (instance {atom.instance!r})" if role
                             else "of any role of this system")
                    raise ModelError(
                        f"tests whether a state's name {AFFIXES[atom.method]} {unknown[0]!r} "
                        f"(.{atom.method}), and no state {whose} does; the test can never be "
                        "true, so the property would be vacuous",
                        prop=prop.name, where=f"system {system.name!r}",
                        fix=f"test a part of one of {sorted(known)}")
                if unknown:
                    whose = (f"role {role.name!r} (instance {atom.instance!r}) does not declare"
                             if role else "no role of this system declares")
                    raise ModelError(
                        f"compares a state with {unknown[0]!r}, which {whose}; the "
                        "comparison can never be true, so the property would be vacuous",
                        prop=prop.name, where=f"system {system.name!r}",
                        fix=f"use one of {sorted(known)}")
