"""Vacuous properties: a property whose state comparisons never change truth value over
the whole search says nothing about the model, whatever its verdict.

The comparisons (atoms) are read off the predicate's code (lang/predicate_atoms.py); the
states each role reached come from the search's coverage (the initial state and the
destination of every transition that fired). An atom `client2.state == "x"` is never true
when no role that could be meant reaches "x", and never false when such roles reach
nothing else. A property is reported vacuous when it has atoms and none of them ever
changes truth value; it is a warning in every output and an error under `--strict`.
Comparisons written with names built at run time are not read, so a property without
readable atoms is never called vacuous.

A field compared with a string (`after["c"].cause == "donee"`, in any kind of property, step
properties included) is a comparison that can never be true when no code of the model
could put that string there: it is no constant of the model's code outside the properties
themselves (the modules that define its roles and properties: functions, classes,
module-level values), no initial value, init= or parameter choice. A typo, or values
listed only in a comment, then makes the property vacuous; it is reported so whatever
the other atoms do. A prefix or suffix test (`after["c"].cause.startswith("dne")`,
`.endswith(...)`) is such a comparison when no such string starts (ends) with it; a
`.state` tested so, when no state a role declares does (refused when the system is built,
as `== "x"` is), and it is an atom whose truth value the states reached decide.
Strings the model builds at run time (f-strings, concatenation) are not among the ones
known, here as for `==`.
"""

from __future__ import annotations

import sys
import types
from typing import Any

from ...lang.predicate_atoms import (
    AFFIXES,
    StateAtom,
    field_atoms,
    matches,
    own_codes,
    predicate_functions,
    state_atoms,
    string_constants,
)
from ...lang.roles import ANY_STATE, Role
from ..results import Result


def reached_states(result: Result) -> dict[str, set[str]]:
    """Role name -> the states some instance of it was in during the search."""
    roles: dict[str, Role] = {inst.role.name: inst.role for inst in result.system.instances}
    reached = {name: {role.initial} for name, role in roles.items()}
    for inst in result.system.instances:  # a monitor's observations are not in the coverage:
        if inst.observer:                 # every state of it may have been reached
            reached[inst.role.name] = set(inst.role.states)
    for (role_name, transition), (generated, _) in result.coverage.items():
        role = roles.get(role_name)
        if role is None or not generated:
            continue
        for t in role.transitions:
            if t.name == transition:  # a computed dest: each state it may return
                reached[role_name].update(d for d in t.destinations if d != ANY_STATE)
    return reached


def _atom_words(atom: StateAtom, truth: str) -> str:
    who = atom.instance or "no instance"
    if truth == "never true":
        return f"{who} is never in {atom.words()}"
    return f"{who} is never anywhere but {atom.words()}"


def model_strings(system: Any) -> set[str]:
    """Every string the model's code could write into a state (module doc): the string
    constants of the modules that define its roles' and properties' functions, except the
    properties' own code, and the strings in initial values, init= and parameter choices."""
    callables: list[Any] = [p for prop in system.properties for p in predicate_functions(prop)]
    for inst in system.instances:
        for t in inst.role.transitions:
            callables += [*t.conditions, *t.after]
    modules = {getattr(f, "__module__", None) for f in callables}
    codes: set[types.CodeType] = set()
    values: list[Any] = []
    for name in modules:
        module = sys.modules.get(name) if name else None
        for value in vars(module).values() if module is not None else ():
            values.append(value)
            for member in (vars(value).values() if isinstance(value, type) else (value,)):
                code = getattr(member, "__code__", None)
                if isinstance(code, types.CodeType):
                    codes.add(code)
    for f in callables:  # lambdas and closures defined inside functions of the module
        code = getattr(f, "__code__", None)
        if isinstance(code, types.CodeType):
            codes.add(code)
    stack = list(codes)
    while stack:
        code = stack.pop()
        for k in code.co_consts:
            if isinstance(k, types.CodeType) and k not in codes:
                codes.add(k)
                stack.append(k)
    for prop in system.properties:
        for f in predicate_functions(prop):
            codes -= own_codes(f)
    out: set[str] = set().union(*(string_constants(c) for c in codes)) if codes else set()
    for inst in system.instances:
        values += [v.initial for v in inst.role.variables.values()]
        values += list(inst.init.values())
    values += [v.initial for v in system.shared.values()]
    values += [c for p in system.params.values() for c in p.choices]
    stack = values
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            out.add(v)
        elif isinstance(v, tuple | frozenset | list | set):
            stack.extend(v)
    return out


def _field_reasons(system: Any, prop: Any, strings: set[str]) -> list[str]:
    """Why the property compares a field with a string nothing writes (module doc)."""
    reasons = []
    for f in predicate_functions(prop):
        for atom in field_atoms(f):
            unknown = sorted(v for v in atom.values
                             if not any(matches(atom.method, s, v) for s in strings))
            if not unknown:
                continue
            who = atom.instance or "a record"
            if atom.method in AFFIXES:  # str.startswith / endswith: no string it could be
                reasons.append(f"it tests whether {who}.{atom.field} {AFFIXES[atom.method]} "
                               f"{unknown[0]!r} (.{atom.method}), and no string any code, "
                               "initial value or choice of the model writes does, so that "
                               "test is never true (a typo?)")
            else:
                reasons.append(f"it compares {who}.{atom.field} with {unknown[0]!r}, which no "
                               "code, initial value or choice of the model writes, so that "
                               "comparison is never true (a typo?)")
    return reasons


def vacuity(result: Result) -> tuple[dict[str, str], dict[str, str]]:
    """(property name -> why it is vacuous, for every vacuous property whose vacuity the
    model does not explain (Model.vacuous_where_so); property name -> what the search found
    and the model's reason, for those it explains), from one pass over the properties."""
    declared = getattr(result.system, "vacuity_reasons", {})
    found = vacuous_all(result)
    return ({p: why for p, why in found.items() if p not in declared},
            {p: f"{why}; as the model says: {declared[p]}"
             for p, why in found.items() if p in declared})


def vacuous(result: Result) -> dict[str, str]:
    """The unexplained vacuous properties (`vacuity`'s first half)."""
    return vacuity(result)[0]


def vacuous_all(result: Result) -> dict[str, str]:
    """Property name -> why it is vacuous, for every vacuous property of a complete search."""
    if not result.complete:
        return {}
    system = result.system
    reached = reached_states(result)
    role_of = {inst.name: inst.role.name for inst in system.instances}
    out: dict[str, str] = {}
    strings: set[str] | None = None
    for prop in system.properties:
        if any(field_atoms(f) for f in predicate_functions(prop)):
            if strings is None:
                strings = model_strings(system)
            reasons = _field_reasons(system, prop, strings)
            if reasons:
                out[prop.name] = "; ".join(dict.fromkeys(reasons))
                continue
        atoms = [a for f in predicate_functions(prop) for a in state_atoms(f)]
        if not atoms:
            continue
        reasons = []
        for atom in atoms:
            roles = ([role_of[atom.instance]] if atom.instance in role_of else
                     [r.name for r in {i.role for i in system.instances}
                      if atom.among(r.states)])
            seen = set().union(*(reached[r] for r in roles)) if roles else set()
            if not atom.among(seen):
                reasons.append(_atom_words(atom, "never true"))
            elif not seen - atom.among(seen):
                reasons.append(_atom_words(atom, "never false"))
            else:
                break  # this atom changes truth value: the property is not vacuous
        else:
            out[prop.name] = ("every state comparison in it has one truth value over the whole "
                              "search: " + "; ".join(dict.fromkeys(reasons)))
    return out
