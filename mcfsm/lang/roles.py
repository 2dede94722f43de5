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
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from ..errors import ModelError
from . import step_changes
from .declared import Var, check_name, check_text, type_name
from .initial import alternatives
from .messages import Message
from .role_checks import ANY_STATE, state_fix, validate_role
from .state_actions import normalise, with_state_actions
from .timers import (
    NO_TIMERS,
    TIMERS,
    TimerEvent,
    TimerTable,
    check_observed_triggers,
    check_timer_triggers,
    compile_timers,
    handled_in,
    initially_armed,
    timer_variable,
    with_timers,
)

Guard = Callable[[Any], bool]
Action = Callable[[Any], None]
Choices = Callable[[Any], Iterable[Any]]



@dataclasses.dataclass(frozen=True)
class Transition:
    """One transition, in `transitions` terms plus the clause it realises.

    `sends` lists the message types the `after` callbacks may send: it makes the arrows of
    the protocol visible without running it (validation, diagrams). `choices` returns the
    values a nondeterministic step may pick (TLA+'s \\E); each value is a separate step and
    is available to guards and actions as `ctx.arg`. `fair` ("weak" or "strong") assumes
    the transition is taken when it stays (weak) or keeps becoming (strong) enabled; see
    lang/fairness.py.

    `dest` may be a function of the step context that returns the destination (a state
    that depends on data, P's `goto` chosen in a handler): `dests` then lists every state
    it may return, so that validation, reachability and diagrams know them. It runs after
    the transition's own actions (it sees the updated `ctx.v`), before the entry actions of
    the state it returns; a state outside `dests` is a model error. Returning None stays
    in the source state without running its exit or entry actions (P's handler that does
    not `goto`); returning the source state itself re-runs both (P's `goto` to it).
    """

    trigger: str | type[Message] | TimerEvent
    source: str | Sequence[str]
    dest: str | Callable[[Any], str] | None
    clause: str = ""  # required where the model cites a text (Model(clause=...))
    conditions: Sequence[Guard] = ()
    after: Sequence[Action] = ()
    sends: Sequence[type[Message]] = ()
    choices: Choices | None = None
    name: str = ""
    label: str = ""
    environment: bool = False
    fair: str | None = None
    dests: Sequence[str] = ()

    @property
    def dynamic(self) -> bool:
        """Whether the destination is computed by a function (`dest=f, dests=(...)`)."""
        return callable(self.dest)

    @property
    def destinations(self) -> tuple[str, ...]:
        """The states this transition may lead to: its dest, or the declared dests of a
        computed one; none for dest=None (it stays in its source state)."""
        if callable(self.dest):
            return tuple(self.dests)
        return () if self.dest is None else (self.dest,)

    @property
    def trigger_name(self) -> str:
        if isinstance(self.trigger, TimerEvent):
            return self.trigger.event_name
        return self.trigger if isinstance(self.trigger, str) else self.trigger.__name__

    @property
    def receives(self) -> type[Message] | None:
        return None if isinstance(self.trigger, str | TimerEvent) else self.trigger

    @property
    def timer(self) -> str | None:
        """The timer whose expiry (or transaction timeout) triggers it, else None."""
        return self.trigger.timer if isinstance(self.trigger, TimerEvent) else None

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
        if isinstance(self.trigger, TimerEvent):
            return self.trigger.words
        return self.trigger_name.replace("_", " ")


class Variables:
    """Typed variables as model code sees them: attribute reads, type-checked assignment.

    Both executions use it: the explorer hands actions a fresh one per step; the runtime
    keeps one per instance and freezes it while guards run (`frozen`)."""

    __slots__ = ("_owner", "_types", "_values", "frozen")
    # what lang/timers.py asks of `ctx.v` before arming: a guard's view lacks it
    _mcfsm_writable = True

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
        on_enter: dict[str, Any] | None = None,
        on_exit: dict[str, Any] | None = None,
        reusable: bool = False,
        timers: Sequence[Any] | None = None,
        transactions: Sequence[Any] | None = None,
        doc: str = "",
        observer: bool = False,
        _environment: Sequence[Transition] = (),
        _stopped: str | None = None,
    ) -> None:
        check_name(name, "role name")
        # a CR's generic change to a step (lang/step_changes.py) while one is in force
        given = list(transitions)
        transitions = step_changes.apply(given)
        self.changed_by_cr = transitions != given
        # The declaration as given, so that a system can derive a variant of the role (a
        # SwitchOff adds a state and a step: lang/faults.py) from the same text.
        self.declared: dict[str, Any] = dict(
            name=name, states=states, initial=initial, transitions=transitions,
            variables=variables, final=final, ignores=ignores, defers=defers, fair=fair,
            on_enter=on_enter, on_exit=on_exit, reusable=reusable, timers=timers,
            transactions=transactions, doc=doc, observer=observer, _environment=_environment,
            _stopped=_stopped)
        # A role written once for several systems: a transition on a message that a system
        # using it never sends is a warning there (the transition never fires), not an error.
        if not isinstance(reusable, bool):
            raise ModelError(f"reusable={reusable!r} is not True or False", role=name,
                             fix="pass reusable=True for a role shared between systems")
        self.reusable = reusable
        # A monitor's role (lang/monitors.py): its Timeout triggers observe the transactions
        # of the instances it watches, not clocks of its own.
        if not isinstance(observer, bool):
            raise ModelError(f"observer={observer!r} is not True or False", role=name,
                             fix="pass observer=True for the role of a Monitor that observes "
                                 "transaction timeouts")
        self.observer = observer
        check_text(doc, "doc", role=name)
        self.name = name
        self.doc = doc
        self.states: tuple[str, ...] = _names(states, "states", name)
        self.initial = initial
        if variables is not None and not isinstance(variables, dict):
            raise ModelError(f"variables={variables!r} is not a dict", role=name,
                             fix="pass variables={'name': Var(type, initial), ...}")
        self.variables: dict[str, Var] = dict(variables or {})
        # Timers and transactions (lang/timers.py): armed ones live in the variable `timers`.
        self.timer_table: TimerTable = compile_timers(name, timers, transactions)
        if self.timer_table:
            if TIMERS in self.variables:
                raise ModelError(f"declares a variable named {TIMERS!r}, which holds the "
                                 "armed timers of a role with timers or transactions",
                                 role=name, fix=f"rename the variable {TIMERS!r}")
            self.variables[TIMERS] = timer_variable()
        else:
            self.timer_table = NO_TIMERS
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
        # Entry and exit actions are folded into the transitions (lang/state_actions.py).
        self.on_enter = normalise(on_enter, self.states, name, "on_enter")
        self.on_exit = normalise(on_exit, self.states, name, "on_exit")
        self.transitions: tuple[Transition, ...] = tuple(
            with_state_actions(_named(t, i, name), self.on_enter, self.on_exit, self.states,
                               ANY_STATE)
            for i, t in enumerate(transitions)
        )
        # Steps the environment adds (a switch-off): no entry or exit actions run.
        self.transitions += tuple(_named(t, len(self.transitions) + i, name)
                                  for i, t in enumerate(_environment))
        self.transitions += _ignored_responses(self, self.timer_table, _stopped)
        if observer:
            check_observed_triggers(name, self.transitions, self.timer_table)
        elif self.timer_table or any(t.timer for t in self.transitions):
            check_timer_triggers(name, self.transitions, self.timer_table)
            handled = handled_in(self.transitions, self.states, ANY_STATE)
            self.transitions = tuple(with_timers(t, self.timer_table, handled)
                                     for t in self.transitions)
        self._validate()
        # The local state of an instance: a named tuple (state, *variables), compact and
        # hashable, read by properties as `view["client1"].state`.
        self.Local: type[tuple] = NamedTuple(  # type: ignore[misc]
            _identifier(name) + "Local",
            [("state", str)] + [(v, Any) for v in self.variables],
        )

    # -- validation (role_checks.py) -------------------------------------------------------
    def _validate(self) -> None:
        validate_role(self)

    def _state_fix(self, wrong: str) -> str:
        return state_fix(self, wrong)

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

    def sent_by(self, name: str) -> tuple[type[Message], ...] | None:
        """The message types the transitions named `name` may send (names may repeat; the
        engine refuses a send not in sends=), or None when no transition has that name."""
        found = [t for t in self.transitions if t.name == name]
        return tuple({m: None for t in found for m in t.sends}) if found else None

    def initial_local(self, overrides: dict[str, Any] | None = None) -> tuple:
        """The first initial local state (the only one unless a variable is a one_of set)."""
        return self.initial_locals(overrides)[0]

    def initial_locals(self, overrides: dict[str, Any] | None = None) -> list[tuple]:
        """Every initial local state: one per combination of one_of alternatives."""
        values = {v: alternatives(d.initial) for v, d in self.variables.items()}
        for var, value in (overrides or {}).items():
            if var == TIMERS and self.timer_table:  # timers armed in the initial state
                values[var] = [initially_armed(self.timer_table, value)]
                continue
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
                # a computed destination: the runtime moves the machine itself (runtime.py)
                "dest": None if t.dynamic else t.dest,
                "conditions": list(t.conditions),
                "after": list(t.after),
            })
        return out

    def __repr__(self) -> str:
        return f"Role({self.name!r}, {len(self.states)} states, {len(self.transitions)} transitions)"


def _ignored_responses(role: Role, table: TimerTable,
                       stopped: str | None = None) -> tuple[Transition, ...]:
    """A response the role ignores still ends its transaction (the transaction layer
    matches it whatever the role then does): such an ignore becomes a reception that only
    ends the transaction, named "ignore <Response>". Not in `stopped`, the state a SwitchOff
    adds (lang/faults.py): the instance's clocks stopped with it, and what reaches it is
    lost like everything else."""
    out = []
    for message, declared in list(role.ignores.items()):
        ends = table.responses.get(message)
        if not ends:
            continue
        states = declared - {stopped}
        if states != declared:
            role.ignores[message] = frozenset({stopped})
        else:
            del role.ignores[message]
        if not states:
            continue
        clause = next((table.timers[n].clause for n in ends if table.timers[n].clause), "")
        out.append(Transition(message, sorted(states), None, clause=clause,
                              name=f"ignore {message.__name__}",
                              label=f"ignores {message.title} (its transaction ends)"))
    return tuple(out)


def _named(t: Transition, index: int, role: str) -> Transition:
    if not isinstance(t, Transition):
        raise ModelError(f"transitions[{index}] is {t!r}, not a Transition", role=role,
                         fix="declare each transition as Transition(trigger, source, dest, clause=...)")
    if (isinstance(t.trigger, tuple | list) and len(t.trigger) > 1
            and all(isinstance(m, type) and issubclass(m, Message) for m in t.trigger)):
        # TLA+ tcp's Note2 reads a two-message prefix of a channel in one action: refused
        # (one step takes one message), with the encoding that works
        first, second = t.trigger[0].__name__, t.trigger[1].__name__
        source = t.source if isinstance(t.source, str) else "<source>"
        raise ModelError(
            f"trigger ({', '.join(m.__name__ for m in t.trigger)}) takes {len(t.trigger)} "
            "queued messages in one step; a step takes one message (the head of one channel, "
            "or one of a bag)", role=role, transition=f"transitions[{index}]",
            fix=f"take them in consecutive steps through a state of their own: "
                f"Transition({first}, {source!r}, '{first.lower()}_taken', conditions=["
                f"lambda ctx: [type(m) for _, _, m in ctx.world.in_flight(to=ctx.me, "
                f"sender=ctx.sender)][1:2] == [{second}]]) then Transition({second}, "
                f"'{first.lower()}_taken', <dest>), with Role(defers={{<every other message>: "
                f"['{first.lower()}_taken']}}) so that the role takes nothing else in between "
                "(other instances may still step there, and the state between is counted)")
    if not isinstance(t.trigger, str | TimerEvent) and not (
            isinstance(t.trigger, type) and issubclass(t.trigger, Message)):
        raise ModelError(f"trigger {t.trigger!r} is neither an event name nor a Message "
                         "subclass", role=role, transition=f"transitions[{index}]",
                         fix="use a string for an internal event, a Message subclass, or "
                             "Expiry('timer') / Timeout(Request) for a timer")
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
