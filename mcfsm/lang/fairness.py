"""Fairness, declared the way TLA+ users expect, and compiled into constraints.

A fairness constraint names an *action* of one instance and a kind:
- weak (TLA+'s WF): if the action stays enabled forever from some point, it is taken
  infinitely often ("a step that stays possible eventually happens");
- strong (TLA+'s SF): if the action is enabled infinitely often, it is taken infinitely
  often (needed when something else keeps disabling it, e.g. a lossy channel).

Where it is declared:
- `Transition(..., fair="weak"|"strong")`: the action is that transition of each instance of
  the role (PlusCal's fair label `l:+` / TLA+'s WF_vars(l(self))).
- `Role(..., fair="weak"|"strong")`: the action is *every* step of each instance that is not
  an environment event (PlusCal's `fair process` / `fair+ process`, TLA+'s
  WF_vars(proc(self))): the instance does not stop while it has something to do.
- `System(..., fairness="weak"|"strong")`: the default for every role that declares none.
  `System(fairness={"client1": "weak", "server.Release": "strong"})` names instances, roles,
  or instance/role "." transition, which overrides or adds to the declarations.
Environment transitions (`environment=True`: a user calls, a UE migrates) are never part of
a role's fairness: a user may never call again. Declare `fair=` on the transition itself
to assume otherwise. Network faults (loss, duplication) are never fair.

Like TLA+'s <<A>>_vars, a step that leaves the state unchanged neither enables nor
fulfils an action. With no fairness at all, a behaviour may stop (stutter) in any state,
so `eventually` only holds where it already holds initially: exactly TLA+'s semantics.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping
from typing import Any

from ..errors import ModelError

# `system` below is the System being compiled (typed Any: this module stays below
# system.py in lang/'s one-way order).
System = Any

FAIRNESS_KINDS = ("weak", "strong")
FairnessDecl = str | Mapping[str, str] | None


@dataclasses.dataclass(frozen=True)
class Fairness:
    """One constraint: `kind` fairness of the action `transitions` of `instance` (None: every
    step of the instance that is not an environment event)."""

    kind: str
    instance: str
    transitions: frozenset[str] | None
    declared_by: str

    def covers(self, actor: str, transition: str, environment: frozenset[str]) -> bool:
        if actor != self.instance:
            return False
        if self.transitions is None:
            return transition not in environment
        return transition in self.transitions

    def words(self, label: str) -> str:
        what = ("every step" if self.transitions is None
                else ", ".join(sorted(self.transitions)))
        return f"{self.kind} fairness of {label}: {what} ({self.declared_by})"


def check_kind(value: Any, where: str) -> None:
    if value is not None and value not in FAIRNESS_KINDS:
        raise ModelError(f"fair={value!r} is not a fairness kind", where=where,
                         fix='use fair="weak" (TLA+ WF) or fair="strong" (TLA+ SF), or leave it out')


def compile_fairness(system: System, declared: FairnessDecl) -> tuple[Fairness, ...]:
    """Every fairness constraint of the system, one per instance and declaration."""
    where = f"system {system.name!r}"
    default: str | None = None
    named: dict[str, str] = {}
    if isinstance(declared, str) or declared is None:
        check_kind(declared, where)
        default = declared
    elif isinstance(declared, Mapping):
        for name, kind in declared.items():
            check_kind(kind, f"{where}, fairness[{name!r}]")
            named[name] = kind
    else:
        raise ModelError(f"fairness={declared!r} is neither a kind nor a mapping", where=where,
                         fix='pass fairness="weak", or {"client1": "weak", "role.transition": "strong"}')
    _check_names(system, named, where)
    out: list[Fairness] = []
    for inst in system.instances:
        if inst.observer:
            continue  # a monitor takes no step: nothing to be fair to
        role = inst.role
        for t in role.transitions:
            if t.fair is not None:
                out.append(Fairness(t.fair, inst.name, frozenset({t.name}),
                                    f"fair= on transition {t.name!r}"))
        for key in (f"{inst.name}.", f"{role.name}."):
            for name, kind in named.items():
                if name.startswith(key) and name[len(key):] in {t.name for t in role.transitions}:
                    out.append(Fairness(kind, inst.name, frozenset({name[len(key):]}),
                                        f"System fairness[{name!r}]"))
        kind = named.get(inst.name) or named.get(role.name)
        source = "System fairness[...]"
        if kind is None and role.fair is not None:
            kind, source = role.fair, f"fair= on role {role.name!r}"
        if kind is None and default is not None:
            kind, source = default, "System fairness= default"
        if kind is not None:
            out.append(Fairness(kind, inst.name, None, source))
    return tuple(out)


def _check_names(system: System, named: Mapping[str, str], where: str) -> None:
    known: set[str] = set()
    for inst in system.instances:
        known |= {inst.name, inst.role.name}
        for t in inst.role.transitions:
            known |= {f"{inst.name}.{t.name}", f"{inst.role.name}.{t.name}"}
    for name in named:
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise ModelError(f"fairness names {name!r}, which is no instance, role or "
                             "instance.transition of this system", where=where,
                             fix=f"{hint}name an instance, a role, or 'role.transition'")
