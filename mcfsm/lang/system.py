"""A system (product model): role instances, their inboxes under a network semantics,
parameters, shared variables, properties and bounds. Its one job: given an immutable,
hashable global state, list the enabled steps and their successor states.

A global state is a tuple of components, in a fixed slot order:
    (params, shared, local of instance 0..n-1, inbox of instance 0..n-1)
Locals are the roles' named tuples (state, *variables). An inbox holds what is in flight
towards one instance; its shape depends on the network:
    FIFO        tuple of (sender index, tuple of messages), one queue per sender, sorted
    BAG         frozenset of ((sender index, message), count)
    PERSISTENT  frozenset of (sender index, message): sent messages stay and may be read
                again (TLA+'s `msgs` set), so nothing is consumed
Keeping components separate lets the explorer intern each one and store a state as a few
small integers (see explorer.py).
"""

from __future__ import annotations

import copy
import dataclasses
import enum
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from ..errors import ModelError
from .channels import capacity_table, check_capacity, deferred_table
from .context import Context, View
from .declared import check_name, check_text, check_variable
from .fairness import Fairness, FairnessDecl, compile_fairness
from .guard import call_model, check_callable, model_code_error
from .initial import alternatives
from .messages import Message
from .properties import Property, deadlock_property, unhandled_property
from .roles import ANY_STATE, Role, Transition, Var, Variables

State = tuple  # a global state: see the module docstring


class Network(enum.Enum):
    FIFO = "fifo"  # ordered per sender-receiver pair
    BAG = "bag"  # unordered
    PERSISTENT = "persistent"  # TLA+-style message set; messages are never consumed


@dataclasses.dataclass(frozen=True)
class Instance:
    """One instance of a role: `name` is used in code and JSON, `label` in charts."""

    name: str
    role: Role
    label: str = ""
    init: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        check_name(self.name, "instance name")
        where = f"instance {self.name!r}"
        if not isinstance(self.role, Role):
            raise ModelError(f"role={self.role!r} is not a Role", where=where,
                             fix="pass the Role(...) this instance runs")
        check_text(self.label, "label", where=where)
        if not isinstance(self.init, Mapping):
            raise ModelError(f"init={self.init!r} is not a mapping", where=where,
                             fix="pass init={'variable': value, ...}")

    @property
    def words(self) -> str:
        return self.label or self.name


@dataclasses.dataclass(frozen=True)
class Param:
    """A model parameter. Every choice is explored: each is a separate initial state, so a
    counterexample shows which choice it needs. A variant pins a parameter by giving one."""

    choices: tuple[Any, ...]
    doc: str = ""
    clause: str = ""

    def __post_init__(self) -> None:
        fix = "declare it as Param(choices=(a, b, ...), doc=..., clause=...)"
        choices = self.choices
        if isinstance(choices, str | bytes) or not isinstance(choices, Iterable):
            raise ModelError(f"Param choices={choices!r} is not a collection of values", fix=fix)
        if isinstance(choices, set | frozenset):  # sets iterate in hash order: fix one
            choices = sorted(choices, key=repr)
        choices = tuple(choices)
        if not choices:
            raise ModelError("Param has no choices", fix=fix)
        for value in choices:
            try:
                hash(value)
            except TypeError:
                raise ModelError(f"Param choice {value!r} is not hashable (states must be)",
                                 fix="use str, int, bool, None, tuples or frozensets") from None
        object.__setattr__(self, "choices", choices)
        check_text(self.doc, "Param doc")
        check_text(self.clause, "Param clause")


class StepKey(NamedTuple):
    """What happened in one step, compact enough to store per state.

    kind is "internal", "receive", "ignore" (a message the role declares it ignores was
    consumed), "lose" or "duplicate" (network faults)."""

    actor: str
    transition: str
    kind: str
    sender: str | None = None
    message: Message | None = None
    arg: Any = None


class StepCut(Exception):  # noqa: N818 - a stop, not an error
    """A step abandoned because the explorer's budget says stop (see local_step)."""


class Unhandled(NamedTuple):
    """A deliverable message for which the receiver has no transition in its state."""

    receiver: str
    state: str
    sender: str
    message: Message


NETWORK_ACTOR = "network"
SHARED_OWNER = "the system's shared="


def _make(cls: type, values: tuple) -> Any:
    """Build a named tuple from a plain tuple in C (NamedTuple's own __new__ is Python code,
    and the explorer builds one per step)."""
    return tuple.__new__(cls, values)


Constraint = Callable[[View], bool]
# (step, successor state, slots that changed, coverage id): what System.expand yields
Successor = tuple[StepKey, State, tuple[int, ...], int]
# (choice, new local, new shared, sends as (receiver index, message)): one run of model code
LocalOutcome = tuple[Any, Any, Any, tuple[tuple[int, Message], ...]]


class System:
    """Role instances composed under one network semantics, with properties and bounds."""

    def __init__(
        self,
        name: str,
        *,
        instances: Sequence[Instance],
        network: Network = Network.FIFO,
        loss: bool = False,
        duplication: bool = False,
        params: Mapping[str, Param] | None = None,
        shared: Mapping[str, Var] | None = None,
        properties: Sequence[Property] = (),
        constraint: Constraint | None = None,
        max_in_flight: int | None = None,
        capacity: int | Mapping[tuple[str, str], int] | None = None,
        fairness: FairnessDecl = None,
        final: Callable[[View], bool] | None = None,
        check_deadlock: bool = True,
        doc: str = "",
    ) -> None:
        self.name = name
        self.doc = doc
        self.instances: tuple[Instance, ...] = tuple(instances)
        self.network = network
        self.loss = loss
        self.duplication = duplication
        self.params: dict[str, Param] = dict(params or {})
        self.shared: dict[str, Var] = dict(shared or {})
        self.constraint = constraint
        self.max_in_flight = max_in_flight
        self.capacity = capacity
        self._final = final
        self.check_deadlock = check_deadlock
        self._validate()
        self.instance_names = [i.name for i in self.instances]
        n = len(self.instances)
        self.slot_count = 2 + 2 * n
        self._local_slot = {inst.name: 2 + k for k, inst in enumerate(self.instances)}
        self._inbox_slot = {inst.name: 2 + n + k for k, inst in enumerate(self.instances)}
        self._index = {inst.name: k for k, inst in enumerate(self.instances)}
        self._instances_of: dict[str, list[str]] = {}
        self._Params = NamedTuple("Params", [(p, Any) for p in self.params])  # type: ignore[misc]
        self._Shared = NamedTuple("Shared", [(s, Any) for s in self.shared])  # type: ignore[misc]
        self._shared_types = {k: v.type for k, v in self.shared.items()}
        self._compile()
        # capacity: per (sender index, receiver index), the most messages in flight on it;
        # a send that would exceed it is not enabled (the sender waits). None: unbounded.
        self._capacity = capacity_table(self, capacity)
        self._deferred = deferred_table(self)
        self.fairness: tuple[Fairness, ...] = compile_fairness(self, fairness)
        self.properties: tuple[Property, ...] = self._all_properties(properties)

    # -- validation -------------------------------------------------------------------------
    def _validate(self) -> None:
        check_name(self.name, "system name")
        where = f"system {self.name!r}"
        check_text(self.doc, "doc", where=where)
        for flag in ("loss", "duplication", "check_deadlock"):
            if not isinstance(getattr(self, flag), bool):
                raise ModelError(f"{flag}={getattr(self, flag)!r} is not True or False",
                                 where=where, fix=f"pass {flag}=True or {flag}=False")
        if self.max_in_flight is not None and (
                type(self.max_in_flight) is not int or self.max_in_flight < 1):
            raise ModelError(f"max_in_flight={self.max_in_flight!r} is not a positive whole "
                             "number", where=where, fix="pass max_in_flight=N with N >= 1, or None")
        for field, fn in (("constraint", self.constraint), ("final", self._final)):
            if fn is not None:
                check_callable(fn, 1, what=f"{field}=", takes="the state view", where=where)
        if not self.instances:
            raise ModelError("has no instances", where=where,
                             fix="pass instances=[Instance('client1', client_role), ...]")
        seen: set[str] = set()
        for inst in self.instances:
            if not isinstance(inst, Instance):
                raise ModelError(f"instances contains {inst!r}", where=where,
                                 fix="wrap each role as Instance(name, role)")
            if inst.name in seen or inst.name == NETWORK_ACTOR:
                raise ModelError(f"instance name {inst.name!r} is used twice or reserved",
                                 where=where, fix="give every instance its own name")
            seen.add(inst.name)
            inst.role.initial_local(dict(inst.init))  # validates the overrides
        if not isinstance(self.network, Network):
            raise ModelError(f"network={self.network!r} is not a Network", where=where,
                             fix="use Network.FIFO, Network.BAG or Network.PERSISTENT")
        if self.duplication and self.network is Network.PERSISTENT:
            raise ModelError("duplication has no meaning on a persistent message set",
                             where=where, fix="drop duplication=True or use FIFO/BAG")
        if self.loss and self.network is Network.PERSISTENT:
            raise ModelError("loss on a persistent message set is not modelled (a reader may "
                             "simply never read)", where=where, fix="drop loss=True")
        if self.duplication and self.max_in_flight is None:
            raise ModelError("duplication without max_in_flight makes the state space infinite",
                             where=where, fix="pass max_in_flight=N to bound each inbox")
        for pname, p in self.params.items():
            if not isinstance(pname, str) or not pname.isidentifier():
                raise ModelError(f"parameter name {pname!r} is not a Python identifier",
                                 where=where, fix="name parameters like variables: 'policy'")
            if not isinstance(p, Param):
                raise ModelError(f"parameter {pname!r} is {p!r}", where=where,
                                 fix="declare it as Param(choices=(a, b, ...), doc=..., clause=...)")
        for sname, var in self.shared.items():
            check_variable(sname, var, owner=f"shared variable of {where}")
        roles = {i.role.name: i.role for i in self.instances}
        accepted = {m for r in roles.values() for m in r.accepted}
        ignored = {m for r in roles.values() for m in r.ignores}
        sent = {m: r for r in roles.values() for m in r.sent}
        for role in roles.values():
            for t in role.transitions:
                if t.receives is not None and t.receives not in sent:
                    raise ModelError(
                        f"receives {t.receives.__name__}, which no role of this system sends",
                        role=role.name, transition=t.name, clause=t.clause, where=where,
                        fix=f"add {t.receives.__name__} to sends= of the transition that "
                            "sends it, or add the role that sends it to the system")
        for msg, role in sent.items():
            if msg not in accepted and msg not in ignored:
                sender_t = next(t for t in role.transitions if msg in t.sends)
                raise ModelError(
                    f"sends {msg.__name__}, which no role of this system accepts or ignores",
                    role=role.name, transition=sender_t.name, clause=sender_t.clause,
                    where=where,
                    fix=f"add a transition with trigger={msg.__name__} to the receiving role, "
                        "or declare ignores=[...] there")

    # -- compile declarations into dispatch tables (the explorer's hot loop reads these) ----
    def _compile(self) -> None:
        self._coverage_ids: dict[tuple[str, str], int] = {}
        self.coverage_names: list[tuple[str, str]] = []
        self._internal: list[dict[str, list[tuple[Transition, int]]]] = []
        self._receive: list[dict[tuple[str, type], list[tuple[Transition, int]]]] = []
        self._ignored: list[dict[type, frozenset[str]]] = []
        self._var_types: list[dict[str, Any]] = []
        self._var_owner: list[str] = []
        for inst in self.instances:
            role = inst.role
            internal: dict[str, list[tuple[Transition, int]]] = {s: [] for s in role.states}
            receive: dict[tuple[str, type], list[tuple[Transition, int]]] = {}
            for t in role.transitions:
                tid = self.coverage_id(inst.name, t.name)
                sources = role.states if ANY_STATE in t.sources else t.sources
                for s in sources:
                    if t.receives is None:
                        internal[s].append((t, tid))
                    else:
                        receive.setdefault((s, t.receives), []).append((t, tid))
            self._internal.append(internal)
            self._receive.append(receive)
            self._ignored.append(role.ignores)
            self._var_types.append({k: v.type for k, v in role.variables.items()})
            self._var_owner.append(f"role {role.name!r}")

    def _all_properties(self, declared: Sequence[Property]) -> tuple[Property, ...]:
        out: list[Property] = []
        names: set[str] = set()
        for p in declared:
            if not isinstance(p, Property):
                raise ModelError(f"properties contains {p!r}", where=f"system {self.name!r}",
                                 fix="build properties with always(), sometimes() or step()")
            if p.name in names:
                raise ModelError(f"two properties are named {p.name!r}",
                                 where=f"system {self.name!r}", fix="rename one of them")
            names.add(p.name)
            out.append(p)
        if self.check_deadlock and "no-deadlock" not in names:
            out.append(deadlock_property())
        if self.network is not Network.PERSISTENT and "no-unhandled-message" not in names:
            out.append(unhandled_property())
        return tuple(out)

    # -- the successor function -----------------------------------------------------------
    def instance(self, name: str) -> Instance:
        return self.instances[self._index[name]]

    def restricted(self, choices: Mapping[str, Any]) -> System:
        """The same system with some parameters pinned to one choice each: its initial
        states are those of that choice combination only (the explorer's per-choice runs)."""
        params = dict(self.params)
        for name, value in choices.items():
            if name not in params:
                raise ModelError(f"has no parameter {name!r}", where=f"system {self.name!r}",
                                 fix=f"use one of {sorted(params) or 'no parameters'}")
            if value not in params[name].choices:
                raise ModelError(f"parameter {name!r} has no choice {value!r}",
                                 where=f"system {self.name!r}",
                                 fix=f"use one of {list(params[name].choices)}")
            params[name] = dataclasses.replace(params[name], choices=(value,))
        clone = copy.copy(self)
        clone.params = params
        return clone

    def initial_states(self) -> list[State]:
        """Every initial state, in a fixed order: each parameter choice times each
        combination of one_of alternatives (shared variables, then each instance)."""
        shared = [self._Shared(*combo) for combo in itertools.product(
            *(alternatives(v.initial) for v in self.shared.values()))]
        locals_ = [i.role.initial_locals(dict(i.init)) for i in self.instances]
        empty = self._empty_inbox()
        inboxes = [empty] * len(self.instances)
        out = []
        for combo in itertools.product(*(p.choices for p in self.params.values())):
            params = self._Params(*combo)
            for sh in shared:
                for locs in itertools.product(*locals_):
                    out.append((params, sh, *locs, *inboxes))
        return out

    def _empty_inbox(self) -> Any:
        return () if self.network is Network.FIFO else frozenset()

    def successors(self, state: State) -> list[tuple[StepKey, State]]:
        """The successor function: every enabled step and the state it leads to."""
        return [(key, nxt) for key, nxt, _, _ in self.expand(state)[0]]

    def expand(self, state: State) -> tuple[list[Successor], list[Unhandled]]:
        """Every enabled step with its successor, and every unhandled deliverable message.

        Each successor also names the slots it changed and its step's coverage id, so the
        explorer re-interns only what changed and counts coverage in a flat list."""
        out: list[Successor] = []
        unhandled: list[Unhandled] = []
        n = len(self.instances)
        for k, inst in enumerate(self.instances):
            local = state[2 + k]
            for t, tid in self._internal[k][local.state]:
                self._fire(state, k, inst, t, tid, local, None, None, None, out)
            inbox = state[2 + n + k]
            if not inbox:
                continue
            receive = self._receive[k]
            deferred = self._deferred[k]
            for sender, msg, rest in (self._deliverable(inbox) if deferred is None else
                                      self._deliverable_deferring(inbox, deferred, local.state)):
                candidates = receive.get((local.state, type(msg)))
                if candidates is None:
                    ignored_in = self._ignored[k].get(type(msg))
                    if ignored_in is not None and local.state in ignored_in:
                        if rest is not None:
                            name = "ignore " + type(msg).__name__
                            out.append((StepKey(inst.name, name, "ignore",
                                                self.instances[sender].name, msg),
                                        _replace(state, 2 + n + k, rest), (2 + n + k,),
                                        self.coverage_id(inst.name, name)))
                    elif self.network is not Network.PERSISTENT:
                        unhandled.append(Unhandled(inst.name, local.state,
                                                   self.instances[sender].name, msg))
                    continue
                for t, tid in candidates:
                    self._fire(state, k, inst, t, tid, local, sender, msg, rest, out)
        if self.loss or self.duplication:
            self._faults(state, out)
        return out, unhandled

    def coverage_id(self, actor: str, transition: str) -> int:
        """A small integer per (instance, transition) for the explorer's coverage counters."""
        key = (actor, transition)
        tid = self._coverage_ids.get(key)
        if tid is None:
            tid = self._coverage_ids[key] = len(self.coverage_names)
            self.coverage_names.append(key)
        return tid

    def _deliverable(self, inbox: Any) -> Iterator[tuple[int, Message, Any]]:
        """(sender, message, inbox after consuming it; None when nothing is consumed)."""
        net = self.network
        if net is Network.FIFO:
            for pos, (sender, queue) in enumerate(inbox):
                if len(queue) == 1:
                    rest = inbox[:pos] + inbox[pos + 1:]
                else:
                    rest = inbox[:pos] + ((sender, queue[1:]),) + inbox[pos + 1:]
                yield sender, queue[0], rest
        elif net is Network.BAG:
            for (sender, msg), _count in sorted(inbox, key=canonical_key):
                yield sender, msg, _bag_change(inbox, (sender, msg), -1)
        else:
            for sender, msg in sorted(inbox, key=canonical_key):
                yield sender, msg, None

    def _deliverable_deferring(self, inbox: Any, deferred: dict[type, frozenset[str]],
                               here: str) -> Iterator[tuple[int, Message, Any]]:
        """_deliverable for a role that defers messages: a message deferred in state `here`
        is not delivered and stays queued; on FIFO the sender's next message is offered
        instead (SDL save: the queue is scanned past saved signals)."""
        def kept(msg: Message) -> bool:
            states = deferred.get(type(msg))
            return states is not None and here in states

        if self.network is not Network.FIFO:
            for sender, msg, rest in self._deliverable(inbox):
                if not kept(msg):
                    yield sender, msg, rest
            return
        for pos, (sender, queue) in enumerate(inbox):
            for q, msg in enumerate(queue):
                if kept(msg):
                    continue
                shorter = queue[:q] + queue[q + 1:]
                rest = (inbox[:pos] + ((sender, shorter),) + inbox[pos + 1:] if shorter
                        else inbox[:pos] + inbox[pos + 1:])
                yield sender, msg, rest
                break

    def _fire(self, state: State, k: int, inst: Instance, t: Transition, tid: int, local: Any,
              sender: int | None, msg: Message | None, rest: Any, out: list[Successor]) -> None:
        """The reference (unmemoized) step: run the model code, then assemble each successor.
        The compiled engine (check/steps.py) runs the same `local_step` once per distinct
        local step and assembles successors from tables; tests/test_compiled_steps.py checks
        that both give the same successors."""
        sender_name = None if sender is None else self.instances[sender].name
        kind = "internal" if msg is None else "receive"
        n = len(self.instances)
        for arg, new_local, new_shared, sends in self.local_step(state, k, t, local, sender, msg)[0]:
            nxt = list(state)
            changed = []
            if rest is not None:
                nxt[2 + n + k] = rest
                changed.append(2 + n + k)
            if new_local != local:
                nxt[2 + k] = new_local
                changed.append(2 + k)
            if new_shared is not state[1]:
                nxt[1] = new_shared
                changed.append(1)
            for to, message in sends:
                slot = 2 + n + to
                nxt[slot] = self._inbox_add(nxt[slot], k, message)
                changed.append(slot)
            if self._capacity is not None and not check_capacity(
                    self, nxt, k, [(self.instance_names[to], m) for to, m in sends]):
                continue  # a channel it sends on is full: the sender waits
            out.append((_make(StepKey, (inst.name, t.name, kind, sender_name, msg, arg)),
                        tuple(nxt), tuple(changed), tid))

    def local_step(self, state: State, k: int, t: Transition, local: Any, sender: int | None,
                   msg: Message | None, poll: Callable[[int], bool] | None = None,
                   ) -> tuple[list[LocalOutcome], bool]:
        """Run one transition's model code (choices, guards, actions) for instance k.

        Returns one outcome per enabled choice: (choice, new local, new shared variables,
        sends as (receiver index, message)), the shared record being `state[1]` itself when
        unchanged; and whether the code read other instances (`ctx.world`, `ctx.peers()`).
        Without such a read, the outcomes depend only on (k, local, sender, message,
        params, shared): the compiled engine memoizes exactly those calls.

        Choices are taken lazily; `poll` (the explorer's budget check) is called every 256
        choices with the number taken so far and, when it returns True, the step is
        abandoned with StepCut, so a step with very many choices cannot outlast the time
        limit, a stop request or the state budget."""
        if not (t.conditions or t.after or t.choices):
            # A pure state change (and/or consumption): no model code to run.
            dest = local.state if t.dest is None else t.dest
            new = local if dest == local.state else _make(type(local), (dest, *local[1:]))
            return [(None, new, state[1], ())], False
        inst = self.instances[k]
        sender_name = None if sender is None else self.instances[sender].name
        ctx = Context(self, state, inst.name, local, msg, sender_name, t)
        outcomes: list[LocalOutcome] = []
        cut = False
        what = "choices="  # which model code runs, for the guard's message
        try:
            args: Iterable[Any] = (None,) if t.choices is None else _in_order(t.choices(ctx))
            for count, arg in enumerate(args):
                if poll is not None and not count & 255 and poll(count):
                    cut = True
                    break
                ctx.arg = arg
                ctx.v = local
                ctx.shared = state[1]
                enabled = True
                what = "a guard (conditions=)"
                for cond in t.conditions:
                    if not cond(ctx):
                        enabled = False
                        break
                if enabled:
                    what = "an action (after=)"
                    outcomes.append(self._apply(state, k, t, local, ctx, arg))
        except BaseException as exc:  # the model-code guard (guard.py): say where
            if isinstance(exc, ModelError):
                raise _in_context(exc, inst, t) from exc.__cause__
            raise _in_context(model_code_error(exc, what=what, fix=f"fix {what}"),
                              inst, t) from exc
        if cut:
            raise StepCut()
        return outcomes, ctx.read_world

    def _apply(self, state: State, k: int, t: Transition, local: Any, ctx: Context,
               arg: Any) -> LocalOutcome:
        ctx._sends = []
        dest = local.state if t.dest is None else t.dest
        new_shared = state[1]
        if t.after:
            values = dict(zip(local._fields[1:], local[1:]))
            ctx.v = Variables(self._var_types[k], values, self._var_owner[k])
            shared_values = None
            if self.shared:
                shared_values = state[1]._asdict()
                ctx.shared = Variables(self._shared_types, shared_values, SHARED_OWNER)
            for cb in t.after:
                cb(ctx)
            new_local = _make(type(local), (dest, *values.values()))
            if new_local == local:
                new_local = local
            if shared_values is not None:
                candidate = self._Shared(*shared_values.values())
                if candidate != state[1]:
                    new_shared = candidate
        elif dest != local.state:
            new_local = _make(type(local), (dest, *local[1:]))
        else:
            new_local = local
        sends = tuple((self._index[to], message) for to, message in ctx._sends)
        return arg, new_local, new_shared, sends

    def _inbox_add(self, inbox: Any, sender: int, message: Message) -> Any:
        net = self.network
        if net is Network.FIFO:
            for pos, (s, queue) in enumerate(inbox):
                if s == sender:
                    return inbox[:pos] + ((s, queue + (message,)),) + inbox[pos + 1:]
                if s > sender:
                    return inbox[:pos] + ((sender, (message,)),) + inbox[pos:]
            return inbox + ((sender, (message,)),)
        if net is Network.BAG:
            return _bag_change(inbox, (sender, message), +1)
        return inbox | {(sender, message)}

    def _faults(self, state: State, out: list[Successor]) -> None:
        n = len(self.instances)
        for k in range(n):
            slot = 2 + n + k
            for key, new, tid in self.fault_steps(k, state[slot]):
                out.append((key, _replace(state, slot, new), (slot,), tid))

    def fault_steps(self, k: int, inbox: Any) -> list[tuple[StepKey, Any, int]]:
        """Loss and duplication steps on the inbox of instance k: (step, new inbox, coverage
        id). They depend on the inbox alone, so the compiled engine tabulates them."""
        out: list[tuple[StepKey, Any, int]] = []
        lose = self.coverage_id(NETWORK_ACTOR, "lose")
        duplicate = self.coverage_id(NETWORK_ACTOR, "duplicate")
        receiver = self.instances[k].name
        if self.network is Network.FIFO:
            for pos, (sender, queue) in enumerate(inbox):
                sname = self.instances[sender].name
                for q, msg in enumerate(queue):
                    if self.loss:
                        shorter = queue[:q] + queue[q + 1:]
                        new = (inbox[:pos] + ((sender, shorter),) + inbox[pos + 1:]
                               if shorter else inbox[:pos] + inbox[pos + 1:])
                        out.append((StepKey(NETWORK_ACTOR, "lose", "lose", sname, msg, receiver),
                                    new, lose))
                    if self.duplication and self._room(inbox, sender, k):
                        longer = queue[:q + 1] + queue[q:]
                        new = inbox[:pos] + ((sender, longer),) + inbox[pos + 1:]
                        out.append((StepKey(NETWORK_ACTOR, "duplicate", "duplicate", sname,
                                            msg, receiver), new, duplicate))
        else:
            for (sender, msg), _count in sorted(inbox, key=canonical_key):
                sname = self.instances[sender].name
                if self.loss:
                    out.append((StepKey(NETWORK_ACTOR, "lose", "lose", sname, msg, receiver),
                                _bag_change(inbox, (sender, msg), -1), lose))
                if self.duplication and self._room(inbox, sender, k):
                    out.append((StepKey(NETWORK_ACTOR, "duplicate", "duplicate", sname, msg,
                                        receiver), _bag_change(inbox, (sender, msg), +1),
                                duplicate))
        return out

    def _room(self, inbox: Any, sender: int, receiver: int) -> bool:
        """Whether the channel sender -> receiver can take one more message."""
        if self._capacity is None:
            return True
        limit = self._capacity.get((sender, receiver))
        return limit is None or self.channel_size(inbox, sender) < limit

    def channel_size(self, inbox: Any, sender: int) -> int:
        """Messages in flight from `sender` in one receiver's inbox."""
        if self.network is Network.FIFO:
            return next((len(q) for s, q in inbox if s == sender), 0)
        if self.network is Network.BAG:
            return sum(c for (s, _), c in inbox if s == sender)
        return sum(1 for s, _ in inbox if s == sender)

    def within_capacity(self, state: State) -> bool:
        """Whether every channel holds at most its capacity (for the hypothesis runtime,
        which fires a step before it can see what it sends)."""
        if self._capacity is None:
            return True
        n = len(self.instances)
        return all(self.channel_size(state[2 + n + r], s) <= limit
                   for (s, r), limit in self._capacity.items())

    # -- state-level queries used by explorers and reports ---------------------------------
    def view(self, state: State) -> View:
        return View(self, state)

    def is_final(self, state: State) -> bool:
        if self._final is not None:
            return bool(call_model(self._final, View(self, state), what="final=",
                                   where=f"system {self.name!r}"))
        n = len(self.instances)
        for k, inst in enumerate(self.instances):
            if state[2 + k].state not in inst.role.final:
                return False
            if self.network is not Network.PERSISTENT and state[2 + n + k]:
                return False
        return True

    @property
    def bounded(self) -> bool:
        """Whether any successor can fall outside the bounds (lets the explorer skip the call)."""
        return self.max_in_flight is not None or self.constraint is not None

    def within_bounds(self, state: State) -> bool:
        """TLC CONSTRAINT semantics: a state outside the bounds is neither counted nor explored."""
        if self.max_in_flight is not None:
            n = len(self.instances)
            for k in range(n):
                if self._inbox_size(state[2 + n + k]) > self.max_in_flight:
                    return False
        return self.constraint is None or bool(call_model(
            self.constraint, View(self, state), what="constraint=", where=f"system {self.name!r}"))

    def _inbox_size(self, inbox: Any) -> int:
        if self.network is Network.FIFO:
            return sum(len(q) for _, q in inbox)
        if self.network is Network.BAG:
            return sum(c for _, c in inbox)
        return len(inbox)

    def envelopes(self, state: State, message_type: type[Message] | None = None, *,
                  to: str | None = None, sender: str | None = None,
                  ) -> list[tuple[str, str, Message]]:
        """(sender, receiver, message) for every message in flight (with multiplicity),
        optionally only of one type, to one receiver or from one sender."""
        n = len(self.instances)
        names = self.instance_names
        receivers = range(n) if to is None else (self._index[to],)
        out = []
        for k in receivers:
            inbox = state[2 + n + k]
            if not inbox:
                continue
            if self.network is Network.FIFO:
                pairs = [(s, m) for s, queue in inbox for m in queue]
            elif self.network is Network.BAG:  # unordered: listed canonically (hash-seed free)
                pairs = [(s, m) for (s, m), count in sorted(inbox, key=canonical_key)
                         for _ in range(count)]
            else:
                pairs = sorted(inbox, key=canonical_key)
            for s, m in pairs:
                if (message_type is None or isinstance(m, message_type)) and (
                        sender is None or names[s] == sender):
                    out.append((names[s], names[k], m))
        return out

    def instances_of(self, role: Role | str) -> list[str]:
        """Names of the instances of a role (by Role or role name)."""
        name = role if isinstance(role, str) else role.name
        cached = self._instances_of.get(name)
        if cached is None:
            cached = self._instances_of[name] = [i.name for i in self.instances
                                                 if i.role.name == name]
        return cached

    def replay(self, state: State, key: StepKey) -> tuple[State, list[tuple[str, Message]]]:
        """Re-run one step from `state`: the successor and the messages it sent (for traces)."""
        for candidate, nxt in self.successors(state):
            if candidate == key:
                if self.network is Network.PERSISTENT:
                    before = set(self.envelopes(state))
                    sent = [(r, m) for s, r, m in self.envelopes(nxt) if (s, r, m) not in before]
                else:
                    sent = _sent_by_diff(self.envelopes(state), self.envelopes(nxt), key)
                return nxt, sent
        raise ModelError(f"step {key.actor}: {key.transition} is not enabled in this state",
                         fix="the model changed since the trace was recorded; re-run the check")

    def __repr__(self) -> str:
        return f"System({self.name!r}, {len(self.instances)} instances, {self.network.value})"


def _sent_by_diff(before: list[tuple[str, str, Message]], after: list[tuple[str, str, Message]],
                  key: StepKey) -> list[tuple[str, Message]]:
    """Messages the step added to inboxes, with multiplicity (FIFO/BAG)."""
    remaining = list(before)
    if key.kind == "receive":
        remaining.remove((key.sender, key.actor, key.message))
    sent = []
    for env in after:
        if env in remaining:
            remaining.remove(env)
        else:
            sent.append((env[1], env[2]))
    return sent


def canonical_key(value: Any) -> str:
    """A sort key that does not depend on the hash seed. Sets iterate in an order that
    depends on string hashes (randomised per process) and on insertion history, so bag and
    persistent deliveries and set-valued choices are taken in this order instead: the same
    model gives the same steps, traces and coverage in every run and every worker."""
    if isinstance(value, frozenset | set):
        return "{" + ",".join(sorted(canonical_key(v) for v in value)) + "}"
    if isinstance(value, tuple):
        return "(" + ",".join(canonical_key(v) for v in value) + ")"
    if isinstance(value, Message):
        return (type(value).__name__ + "("
                + ",".join(canonical_key(getattr(value, e.name)) for e in value.elements) + ")")
    return repr(value)


def _in_order(choices: Iterable[Any]) -> Iterable[Any]:
    """A choices= result as the steps take it: sets in canonical order, other iterables
    as the model orders them (generators are consumed lazily)."""
    if isinstance(choices, frozenset | set):
        return sorted(choices, key=canonical_key)
    return choices


def _replace(state: State, slot: int, value: Any) -> State:
    nxt = list(state)
    nxt[slot] = value
    return tuple(nxt)


def _bag_change(bag: frozenset, item: tuple[int, Message], delta: int) -> frozenset:
    counts = dict(bag)
    counts[item] = counts.get(item, 0) + delta
    if counts[item] <= 0:
        del counts[item]
    return frozenset(counts.items())


def _in_context(exc: ModelError, inst: Instance, t: Transition) -> ModelError:
    if exc.role and exc.transition:
        return exc
    return exc.replaced(role=f"{inst.role.name} ({inst.name})", transition=t.name,
                        clause=t.clause)

