"""Role declarations in the `transitions` library's vocabulary.

A role is a state machine: states, an initial state, typed local variables, and
transitions (trigger, source, dest, conditions, after) each citing the clause and step it
realises. A trigger is either a Message subclass (the transition receives that message) or
a string naming an internal or environment event (the role takes the step on its own).

Declarations are validated when built (python-statemachine's habit): unknown states,
unreachable states, duplicate names and missing clauses raise ModelError with a fix-it.
"""

from __future__ import annotations

import dataclasses
import difflib
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from ..errors import ModelError
from .declared import check_clause, check_name, check_text, check_variable, type_name
from .deferral import validate_defers
from .fairness import check_kind
from .guard import check_callable
from .initial import alternatives
from .messages import Message

Guard = Callable[[Any], bool]
Action = Callable[[Any], None]
Choices = Callable[[Any], Iterable[Any]]

ANY_STATE = "*"


@dataclasses.dataclass(frozen=True)
class Var:
    """A typed local variable with its initial value, or a set of them: `one_of(a, b)`
    (TLC's `x \\in S` in Init; every alternative is an initial state)."""

    type: type | tuple[type, ...]
    initial: Any
    doc: str = ""


@dataclasses.dataclass(frozen=True)
class Transition:
    """One transition, in `transitions` terms plus the clause it realises.

    `sends` lists the message types the `after` callbacks may send: it makes the arrows of
    the protocol visible without running it (validation, diagrams). `choices` returns the
    values a nondeterministic step may pick (TLA+'s \\E); each value is a separate step and
    is available to guards and actions as `ctx.arg`. `fair` ("weak" or "strong") assumes
    the transition is taken when it stays (weak) or keeps becoming (strong) enabled; see
    lang/fairness.py.
    """

    trigger: str | type[Message]
    source: str | Sequence[str]
    dest: str | None
    clause: str
    conditions: Sequence[Guard] = ()
    after: Sequence[Action] = ()
    sends: Sequence[type[Message]] = ()
    choices: Choices | None = None
    name: str = ""
    label: str = ""
    environment: bool = False
    fair: str | None = None

    @property
    def trigger_name(self) -> str:
        return self.trigger if isinstance(self.trigger, str) else self.trigger.__name__

    @property
    def receives(self) -> type[Message] | None:
        return None if isinstance(self.trigger, str) else self.trigger

    @property
    def sources(self) -> tuple[str, ...]:
        return (self.source,) if isinstance(self.source, str) else tuple(self.source)

    @property
    def words(self) -> str:
        """How a trace narrates this transition."""
        if self.label:
            return self.label
        if self.receives is not None:
            return f"receives {self.receives.title}"
        return self.trigger_name.replace("_", " ")


class Variables:
    """Typed variables as model code sees them: attribute reads, type-checked assignment.

    Both executions use it: the explorer hands actions a fresh one per step; the runtime
    keeps one per instance and freezes it while guards run (`frozen`)."""

    __slots__ = ("_owner", "_types", "_values", "frozen")

    def __init__(self, types: Mapping[str, Any], values: dict[str, Any], owner: str,
                 frozen: bool = False) -> None:
        object.__setattr__(self, "_types", types)
        object.__setattr__(self, "_values", values)
        object.__setattr__(self, "_owner", owner)
        object.__setattr__(self, "frozen", frozen)

    def freeze(self, frozen: bool) -> None:
        object.__setattr__(self, "frozen", frozen)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"{self._owner} has no variable {name!r}; declared: "
                                 f"{list(self._types)}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        if self.frozen:
            raise ModelError(f"a guard assigns variable {name!r}",
                             fix="guards only read; assign variables in `after` actions")
        declared = self._types.get(name)
        if declared is None:
            raise ModelError(f"assigns undeclared variable {name!r}",
                             fix=f"declare it with Var(type, initial) in {self._owner}, "
                                 f"or use one of {list(self._types)}")
        if not isinstance(value, declared):
            raise ModelError(f"assigns {value!r} to variable {name!r} declared as {declared}",
                             fix="assign a value of the declared type")
        self._values[name] = value


class Role:
    """A declared state machine, shared by every instance of the role."""

    def __init__(
        self,
        name: str,
        *,
        states: Sequence[str],
        initial: str,
        transitions: Sequence[Transition],
        variables: dict[str, Var] | None = None,
        final: Sequence[str] = (),
        ignores: dict[type[Message], Sequence[str]] | Sequence[type[Message]] = (),
        defers: dict[type[Message], Sequence[str]] | None = None,
        fair: str | None = None,
        doc: str = "",
    ) -> None:
        check_name(name, "role name")
        check_text(doc, "doc", role=name)
        self.name = name
        self.doc = doc
        self.states: tuple[str, ...] = _names(states, "states", name)
        self.initial = initial
        if variables is not None and not isinstance(variables, dict):
            raise ModelError(f"variables={variables!r} is not a dict", role=name,
                             fix="pass variables={'name': Var(type, initial), ...}")
        self.variables: dict[str, Var] = dict(variables or {})
        self.final: frozenset[str] = frozenset(_names(final, "final", name))
        self.ignores: dict[type[Message], frozenset[str]] = _normalise_ignores(ignores, self.states,
                                                                               name)
        if isinstance(transitions, str | bytes) or not isinstance(transitions, Iterable):
            raise ModelError(f"transitions={transitions!r} is not a list", role=name,
                             fix="pass transitions=[Transition(...), ...]")
        if defers is not None and not isinstance(defers, dict):
            raise ModelError(f"defers={defers!r} is not a dict", role=name,
                             fix="pass defers={Message: ['state', ...]}")
        # SDL's save / P's defer: in these states the message stays queued, and later
        # messages (from the same sender too) may be taken before it.
        self.defers: dict[type[Message], frozenset[str]] = {
            m: frozenset([s] if isinstance(s, str) else s) for m, s in (defers or {}).items()}
        self.fair = fair
        self.transitions: tuple[Transition, ...] = tuple(
            _named(t, i, name) for i, t in enumerate(transitions)
        )
        self._validate()
        # The local state of an instance: a named tuple (state, *variables), compact and
        # hashable, read by properties as `view["client1"].state`.
        self.Local: type[tuple] = NamedTuple(  # type: ignore[misc]
            _identifier(name) + "Local",
            [("state", str)] + [(v, Any) for v in self.variables],
        )

    # -- validation ----------------------------------------------------------------------
    def _validate(self) -> None:
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
        names: dict[str, Transition] = {}
        for t in self.transitions:
            where = dict(role=self.name, transition=t.name, clause=t.clause or None)
            if t.name in names:
                raise ModelError(
                    f"two transitions are named {t.name!r}", **where,
                    fix="give each transition with the same trigger its own name=... "
                        "(names appear in coverage and traces)")
            names[t.name] = t
            check_clause(t.clause, "transition", **where)
            check_text(t.label, "label", **where)
            if not isinstance(t.environment, bool):
                raise ModelError(f"environment={t.environment!r} is not True or False", **where,
                                 fix="pass environment=True for an environment event")
            check_kind(t.fair, f"role {self.name!r}, transition {t.name!r}")
            if not isinstance(t.trigger, str) and not (
                isinstance(t.trigger, type) and issubclass(t.trigger, Message)
            ):
                raise ModelError(f"trigger {t.trigger!r} is neither an event name nor a Message "
                                 "subclass", **where,
                                 fix="use a string for an internal event or a Message subclass")
            for src in t.sources:
                if not isinstance(src, str):
                    raise ModelError(f"source state {src!r} is not a state name", **where,
                                     fix=self._state_fix(str(src)))
                if src != ANY_STATE and src not in known:
                    raise ModelError(f"source state {src!r} is not declared", **where,
                                     fix=self._state_fix(src))
            if t.dest is not None and (not isinstance(t.dest, str) or t.dest not in known):
                raise ModelError(f"destination state {t.dest!r} is not declared", **where,
                                 fix=self._state_fix(str(t.dest)))
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
        self.machine()  # the same declaration must also be one the transitions library takes
        unreachable = [s for s in self.states if s not in self._reachable_states()]
        if unreachable:
            raise ModelError(
                f"states {unreachable} cannot be reached from initial state {self.initial!r} "
                "by any transition", role=self.name,
                fix="add the transition that leads there, or remove the state")

    def _state_fix(self, wrong: str) -> str:
        close = difflib.get_close_matches(wrong, self.states, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return f"{hint}declare it in states=[...] or use one of {list(self.states)}"

    def _reachable_states(self) -> set[str]:
        seen = {self.initial}
        todo = [self.initial]
        while todo:
            here = todo.pop()
            for t in self.transitions:
                if (ANY_STATE in t.sources or here in t.sources):
                    dest = here if t.dest is None else t.dest
                    if dest not in seen:
                        seen.add(dest)
                        todo.append(dest)
        return seen

    # -- queries used by systems, explorers and renderers -----------------------------------
    def transition(self, name: str) -> Transition:
        for t in self.transitions:
            if t.name == name:
                return t
        raise KeyError(name)

    @property
    def accepted(self) -> set[type[Message]]:
        return {t.receives for t in self.transitions if t.receives is not None}

    @property
    def sent(self) -> set[type[Message]]:
        return {m for t in self.transitions for m in t.sends}

    def initial_local(self, overrides: dict[str, Any] | None = None) -> tuple:
        """The first initial local state (the only one unless a variable is a one_of set)."""
        return self.initial_locals(overrides)[0]

    def initial_locals(self, overrides: dict[str, Any] | None = None) -> list[tuple]:
        """Every initial local state: one per combination of one_of alternatives."""
        values = {v: alternatives(d.initial) for v, d in self.variables.items()}
        for var, value in (overrides or {}).items():
            if var not in self.variables:
                raise ModelError(f"instance sets unknown variable {var!r}", role=self.name,
                                 fix=f"declare it in variables= or use one of {list(self.variables)}")
            for alt in alternatives(value):
                if not isinstance(alt, self.variables[var].type):
                    raise ModelError(
                        f"instance sets variable {var!r} to {alt!r}, not of type "
                        f"{_type_name(self.variables[var].type)}", role=self.name,
                        fix="pass a value of the declared type")
            values[var] = alternatives(value)
        return [self.Local(self.initial, *combo) for combo in itertools.product(*values.values())]

    def machine(self, model: Any = None, *, callbacks: bool = False, **kwargs: Any) -> Any:
        """This role as a `transitions.Machine` (the runtime of the hypothesis bridge and
        the source of state diagrams). Without `callbacks`, guards and actions are left out:
        they take mcfsm's step context, which only the caller can supply."""
        from transitions import Machine

        spec = self.transitions_spec()
        if not callbacks:
            spec = [{k: v for k, v in t.items() if k not in ("conditions", "after")} for t in spec]
        try:
            return Machine(model=model, states=list(self.states), initial=self.initial,
                           transitions=spec, auto_transitions=False, **kwargs)
        except Exception as exc:
            raise ModelError(f"the transitions library rejects this role: {exc}",
                             role=self.name, fix="correct the states and transitions") from exc

    def transitions_spec(self) -> list[dict[str, Any]]:
        """The declaration as `transitions.Machine(transitions=...)` takes it (diagrams, runtime)."""
        out = []
        for t in self.transitions:
            out.append({
                "trigger": t.name,
                "source": "*" if ANY_STATE in t.sources else list(t.sources),
                "dest": t.dest,
                "conditions": list(t.conditions),
                "after": list(t.after),
            })
        return out

    def __repr__(self) -> str:
        return f"Role({self.name!r}, {len(self.states)} states, {len(self.transitions)} transitions)"


def _named(t: Transition, index: int, role: str) -> Transition:
    if not isinstance(t, Transition):
        raise ModelError(f"transitions[{index}] is {t!r}, not a Transition", role=role,
                         fix="declare each transition as Transition(trigger, source, dest, clause=...)")
    if not isinstance(t.trigger, str) and not (isinstance(t.trigger, type)
                                               and issubclass(t.trigger, Message)):
        raise ModelError(f"trigger {t.trigger!r} is neither an event name nor a Message "
                         "subclass", role=role, transition=f"transitions[{index}]",
                         fix="use a string for an internal event or a Message subclass")
    if not isinstance(t.name, str):
        raise ModelError(f"name={t.name!r} is not a string", role=role,
                         transition=f"transitions[{index}]", fix="name transitions with strings")
    if not isinstance(t.source, str) and not (isinstance(t.source, Iterable)
                                              and not isinstance(t.source, bytes)):
        raise ModelError(f"source={t.source!r} is neither a state nor a list of states",
                         role=role, transition=t.name or t.trigger_name,
                         fix='pass a state name, a list of them, or "*"')
    return t if t.name else dataclasses.replace(t, name=t.trigger_name)


def _names(values: Any, field: str, role: Any) -> tuple[str, ...]:
    """A list of state names (a lone string is a common slip: it would be split into letters)."""
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ModelError(f"{field}={values!r} is not a list of state names", role=role,
                         fix=f"pass {field}=['state', ...] (a list, even of one)")
    out = tuple(values)
    for value in out:
        if not isinstance(value, str) or not value:
            raise ModelError(f"{field} lists {value!r}, which is not a state name", role=role,
                             fix="name states with non-empty strings")
    return out


def _normalise_ignores(
    ignores: dict[type[Message], Sequence[str]] | Sequence[type[Message]], states: Sequence[str],
    role: str,
) -> dict[type[Message], frozenset[str]]:
    if isinstance(ignores, dict):
        return {m: frozenset(_names(s, "ignores", role)) for m, s in ignores.items()}
    if isinstance(ignores, str | bytes) or not isinstance(ignores, Iterable):
        raise ModelError(f"ignores={ignores!r} is neither a list nor a dict", role=role,
                         fix="pass ignores=[Message, ...] or {Message: ['state', ...]}")
    return {m: frozenset(states) for m in ignores}


def _identifier(name: str) -> str:
    cleaned = "".join(ch if ch.isalnum() else "_" for ch in name.title())
    return cleaned if cleaned[:1].isalpha() else "R" + cleaned


_type_name = type_name
