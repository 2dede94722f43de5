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
- A tuple of such names, `System(fairness={("a", "b"): "weak"})`, is ONE constraint whose
  action is the disjunction of theirs: TLA+'s `WF_vars(Next)` where Next is `\\E p \\in
  {a, b}: Proc(p)` (or `WF_vars(A \\/ B)`): while some step of a or b stays possible, one of
  them is eventually taken, but not necessarily b's (weaker than `{"a": "weak", "b":
  "weak"}`, which is WF of each). An instance or a role in a tuple contributes every step
  of it that is not an environment event.
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
FairnessDecl = str | Mapping[str | tuple[str, ...], str] | None


@dataclasses.dataclass(frozen=True)
class Fairness:
    """One constraint: `kind` fairness of the action `transitions` of `instance` (None: every
    step of the instance that is not an environment event)."""

    kind: str
    instance: str
    transitions: frozenset[str] | None
    declared_by: str
    # a constraint on a disjunction across instances (a tuple in System fairness=): the
    # other (instance, transitions) parts of the one action, the first being the fields above
    also: tuple[tuple[str, frozenset[str] | None], ...] = ()

    @property
    def parts(self) -> tuple[tuple[str, frozenset[str] | None], ...]:
        return ((self.instance, self.transitions), *self.also)

    def covers(self, actor: str, transition: str, environment: frozenset[str]) -> bool:
        for instance, transitions in self.parts:
            if actor == instance and (transition not in environment if transitions is None
                                      else transition in transitions):
                return True
        return False

    def words(self, label: str, labels: dict[str, str] | None = None) -> str:
        """In words; `labels` (instance -> its label) names the parts of a disjunction."""
        def what(transitions: frozenset[str] | None) -> str:
            return "every step" if transitions is None else ", ".join(sorted(transitions))
        if not self.also:
            return f"{self.kind} fairness of {label}: {what(self.transitions)} ({self.declared_by})"
        names = labels or {}
        steps = " or ".join(f"{names.get(i, i)}: {what(t)}" for i, t in self.parts)
        return f"{self.kind} fairness of one action, any of ({steps}) ({self.declared_by})"


def check_kind(value: Any, where: str) -> None:
    if value is not None and value not in FAIRNESS_KINDS:
        raise ModelError(f"fair={value!r} is not a fairness kind", where=where,
                         fix='use fair="weak" (TLA+ WF) or fair="strong" (TLA+ SF), or leave it out')


def compile_fairness(system: System, declared: FairnessDecl) -> tuple[Fairness, ...]:
    """Every fairness constraint of the system, one per instance and declaration."""
    where = f"system {system.name!r}"
    default: str | None = None
    named: dict[str, str] = {}
    groups: dict[tuple[str, ...], str] = {}  # a disjunction across instances: one constraint
    if isinstance(declared, str) or declared is None:
        check_kind(declared, where)
        default = declared
    elif isinstance(declared, Mapping):
        for name, kind in declared.items():
            check_kind(kind, f"{where}, fairness[{name!r}]")
            if isinstance(name, tuple):
                if len(name) < 2 or not all(isinstance(n, str) for n in name):
                    raise ModelError(f"fairness names {name!r}, not a tuple of two or more "
                                     "names", where=where,
                                     fix='name the disjunction\'s parts: {("a", "b"): "weak"}')
                _check_names(system, dict.fromkeys(name, kind), where)
                groups[name] = kind
            else:
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
    for names, kind in groups.items():
        parts = [part for name in names for part in _parts(system, name)]
        (first, transitions), *rest = parts
        out.append(Fairness(kind, first, transitions, f"System fairness[{names!r}]",
                            tuple(rest)))
    return tuple(out)


def _parts(system: System, name: str) -> list[tuple[str, frozenset[str] | None]]:
    """What one name of a disjunction contributes: (instance, its transitions or None for
    every step that is not an environment event), per instance it covers."""
    out: list[tuple[str, frozenset[str] | None]] = []
    for inst in system.instances:
        if inst.observer:
            continue
        if name in (inst.name, inst.role.name):
            out.append((inst.name, None))
            continue
        for key in (f"{inst.name}.", f"{inst.role.name}."):
            if name.startswith(key) and name[len(key):] in {t.name for t in inst.role.transitions}:
                out.append((inst.name, frozenset({name[len(key):]})))
    return out


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
