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
"""

from __future__ import annotations

from ...lang.predicate_atoms import StateAtom, predicate_functions, state_atoms
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
    names = " or ".join(repr(n) for n in sorted(atom.names))
    if truth == "never true":
        return f"{who} is never in {names}"
    return f"{who} is never anywhere but {names}"


def vacuous(result: Result) -> dict[str, str]:
    """Property name -> why it is vacuous, for every vacuous property of a complete search."""
    if not result.complete:
        return {}
    system = result.system
    reached = reached_states(result)
    role_of = {inst.name: inst.role.name for inst in system.instances}
    out: dict[str, str] = {}
    for prop in system.properties:
        atoms = [a for f in predicate_functions(prop) for a in state_atoms(f)]
        if not atoms:
            continue
        reasons = []
        for atom in atoms:
            roles = ([role_of[atom.instance]] if atom.instance in role_of else
                     [r.name for r in {i.role for i in system.instances}
                      if atom.names & set(r.states)])
            seen = set().union(*(reached[r] for r in roles)) if roles else set()
            if not seen & atom.names:
                reasons.append(_atom_words(atom, "never true"))
            elif not seen - atom.names:
                reasons.append(_atom_words(atom, "never false"))
            else:
                break  # this atom changes truth value: the property is not vacuous
        else:
            out[prop.name] = ("every state comparison in it has one truth value over the whole "
                              "search: " + "; ".join(dict.fromkeys(reasons)))
    return out
