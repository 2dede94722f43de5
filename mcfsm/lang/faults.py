"""Faults as declarations: what the network and the environment may do to a system.

    System(..., faults=[
        Loss.around("client2", why="UE 2 may leave coverage"),     # to and from an instance
        Loss.of(Deregistration, why="..."),                          # one kind of message
        Duplication.on(("serverA", "serverB"), why="..."),           # one channel
        Reorder.around("client2", why="..."),                        # overtaking on FIFO
        SwitchOff("client2", clause="X.1.x", why="UE 2 is switched off"),
    ])

Each fault is one step of the trace, narrated and drawn as what it is (a lost message
ends in a cross; a switch-off is marked on the lifeline), and each is an assumption of
every verdict of the system: its `why` replaces the "no-loss" (or "no-duplication",
"network-fifo") assumption. A fault is an explored choice by declaring it in one variant
and not in another. `System(loss=True)` and `duplication=True` keep meaning "every
message"; several declarations of one kind combine (a message is lost where any of them
says so).

- **Loss** removes a message in flight. On a persistent message set (TLA+'s `msgs`,
  Stateright's duplicating network) it removes the message from the set for good.
- **Duplication** adds a second copy of a message in flight (it needs `max_in_flight`).
- **Reorder** lets a message on a FIFO channel (or a FIFO inbox) overtake the messages
  sent before it on that channel: it may be received while they wait.
- **SwitchOff** gives an instance an environment step to the state "switched off", from
  every other state: it stops (no further step, its timers stop), and whatever reaches
  it afterwards is lost. What it sent before stays in flight unless a Loss also covers it
  (a UE leaving coverage is `Loss.around`). Its exit actions do not run: a switched-off
  device does nothing on the way out.

`where(sender, receiver, message)` sees names and the message only, so the compiled engine
tabulates faults per inbox.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from ..errors import ModelError
from .declared import check_clause
from .messages import Message
from .roles import Role, Transition, _normalise_ignores
from .timers import TIMERS

Where = Callable[[str, str, Message], bool]
SWITCHED_OFF = "switched off"  # the state a SwitchOff leads to


@dataclasses.dataclass(frozen=True)
class _ChannelFault:
    """Where a network fault may happen: `where(sender, receiver, message)`, and why."""

    where: Where
    why: str
    # The instance names `around` and `on` were given: each must be an instance of the
    # system (check_fault_instances), or the fault would happen nowhere while every verdict
    # lists it among its assumptions.
    names: frozenset[str] = dataclasses.field(default=frozenset(), compare=False)
    # The message classes it covers, where the declaration names them (around/on with
    # messages=, of): each gets a witness that a message of that kind is lost (loss_witnesses);
    # None where it covers every kind (a where= function, or around/on without messages=).
    kinds: tuple[type, ...] | None = dataclasses.field(default=None, compare=False)

    kind = "fault"

    def __post_init__(self) -> None:
        name = type(self).__name__
        if not callable(self.where):
            raise ModelError(f"{name}(where={self.where!r}) is not a function", where=name,
                             fix="pass where=lambda sender, receiver, message: ... -> bool")
        if not isinstance(self.why, str) or not self.why.strip():
            raise ModelError(f"{name} has no reason", where=name,
                             fix=f"say which messages and why: {name}(where, why='...')")

    @classmethod
    def around(cls, *instances: str, why: str,
               messages: Iterable[type[Message]] | None = None) -> Any:
        """Every message to or from these instances (only of these types, if given): a UE
        leaving coverage drops what it sends and what is sent to it."""
        names = _names(instances, cls.__name__ + ".around")
        kinds = _kinds(messages, cls.__name__ + ".around")
        return cls(lambda s, r, m: (s in names or r in names)
                   and (kinds is None or isinstance(m, kinds)), why, names, kinds)

    @classmethod
    def of(cls, *messages: type[Message], why: str) -> Any:
        """These kinds of message, on every channel."""
        kinds = _kinds(messages, cls.__name__ + ".of")
        if kinds is None:
            raise ModelError(f"{cls.__name__}.of() names no message class", where=cls.__name__,
                             fix=f"pass the Message classes: {cls.__name__}.of(Register, why=...)")
        return cls(lambda s, r, m: isinstance(m, kinds), why, kinds=kinds)

    @classmethod
    def on(cls, *channels: tuple[str, str], why: str,
           messages: Iterable[type[Message]] | None = None) -> Any:
        """These channels, each a (sender, receiver) pair of instance names."""
        pairs = set()
        for c in channels:
            if not (isinstance(c, tuple) and len(c) == 2 and all(isinstance(x, str) for x in c)):
                raise ModelError(f"{cls.__name__}.on() is given {c!r}, not a (sender, receiver) "
                                 "pair", where=cls.__name__,
                                 fix=f'pass pairs of instance names: {cls.__name__}.on(("client1", '
                                     '"serverA"), why=...)')
            pairs.add(c)
        kinds = _kinds(messages, cls.__name__ + ".on")
        return cls(lambda s, r, m: (s, r) in pairs and (kinds is None or isinstance(m, kinds)),
                   why, frozenset(name for pair in pairs for name in pair), kinds)

    def applies(self, sender: str, receiver: str, message: Message) -> bool:
        try:
            return bool(self.where(sender, receiver, message))
        except Exception as exc:  # the model's function: name it, and the message
            name = type(self).__name__
            raise ModelError(f"{name}(where=...) raised {type(exc).__name__}: {exc} for "
                             f"{type(message).__name__} from {sender} to {receiver}",
                             where=name, fix="make where= total: return False for messages "
                                             "it does not apply to") from exc


def _names(instances: Iterable[str], where: str) -> frozenset[str]:
    names = tuple(instances)
    if not names or not all(isinstance(n, str) and n for n in names):
        raise ModelError(f"{where}() is given {names!r}, not instance names", where=where,
                         fix=f'name the instances: {where}("client2", why=...)')
    return frozenset(names)


def _kinds(messages: Iterable[type[Message]] | None, where: str) -> tuple[type, ...] | None:
    if messages is None:
        return None
    kinds = tuple(messages)
    if not kinds:
        return None
    for m in kinds:
        if not (isinstance(m, type) and issubclass(m, Message)):
            raise ModelError(f"{where}() names {m!r}, which is not a Message class", where=where,
                             fix="pass Message subclasses")
    return kinds


class Loss(_ChannelFault):
    """Loss where the model says it happens (`loss=True` on the System: everywhere)."""

    kind = "loss"


class Duplication(_ChannelFault):
    """Duplication where the model says it happens (`duplication=True`: everywhere)."""

    kind = "duplication"


class Reorder(_ChannelFault):
    """A message that may overtake those sent before it on its FIFO channel."""

    kind = "reorder"


@dataclasses.dataclass(frozen=True)
class SwitchOff:
    """An instance that may be switched off (or lose power) at any step: it stops, and
    what reaches it afterwards is lost. `clause`: where the text (or the model) says it
    can happen; `why`: the sentence every verdict prints among its assumptions."""

    instance: str
    why: str
    clause: str = ""
    label: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.instance, str) or not self.instance:
            raise ModelError(f"SwitchOff({self.instance!r}) does not name an instance",
                             where="SwitchOff", fix='SwitchOff("client2", why="...")')
        if not isinstance(self.why, str) or not self.why.strip():
            raise ModelError(f"SwitchOff({self.instance!r}) has no reason", where="SwitchOff",
                             fix="say why it may be switched off: why='...'")
        check_clause(self.clause, "SwitchOff clause", required=False, where="SwitchOff")


Fault = Loss | Duplication | Reorder | SwitchOff
ChannelDecl = bool | _ChannelFault


def combined(kind: type[_ChannelFault], flag: Any, faults: Iterable[Any],
             where: str) -> ChannelDecl:
    """One declaration of a kind from the System's flag (True, False or one declaration)
    and the `faults=` list: True when the flag says everywhere, else the union."""
    flag_name = kind.kind
    if not isinstance(flag, bool | kind):
        raise ModelError(f"{flag_name}={flag!r} is neither True/False nor a {kind.__name__}",
                         where=where,
                         fix=f"pass {flag_name}=True (every message), or "
                             f"{kind.__name__}(where, why=...) / {kind.__name__}.around(...) "
                             "for where it happens")
    parts = ([flag] if isinstance(flag, kind) else []) + [f for f in faults if isinstance(f, kind)]
    if flag is True:
        return True
    if not parts:
        return False
    if len(parts) == 1:
        return parts[0]
    kinds = (None if any(p.kinds is None for p in parts)
             else tuple(dict.fromkeys(k for p in parts for k in p.kinds or ())))
    return kind(lambda s, r, m: any(p.applies(s, r, m) for p in parts),
                "; ".join(p.why for p in parts), frozenset(n for p in parts for n in p.names),
                kinds)


def check_faults(faults: Any, where: str) -> tuple[Fault, ...]:
    if isinstance(faults, str | bytes) or not isinstance(faults, Iterable):
        raise ModelError(f"faults={faults!r} is not a list", where=where,
                         fix="pass faults=[Loss.around('client2', why=...), SwitchOff(...)]")
    out = tuple(faults)
    for f in out:
        if not isinstance(f, Loss | Duplication | Reorder | SwitchOff):
            raise ModelError(f"faults holds {f!r}", where=where,
                             fix="declare each as Loss(...), Duplication(...), Reorder(...) or "
                                 "SwitchOff(...)")
    return out


def check_fault_instances(decls: Iterable[Any], instances: Iterable[str], where: str) -> None:
    """Refuse a Loss, Duplication or Reorder `around` or `on` an instance the system does not
    have (as SwitchOff of one is refused): it would happen nowhere, yet every verdict would
    list it among the assumptions it rests on."""
    known = list(instances)
    for decl in decls:
        unknown = sorted(getattr(decl, "names", frozenset()) - set(known))
        if unknown:
            raise ModelError(f"{type(decl).__name__} ({decl.why}) names instance "
                             f"{unknown[0]!r}, which the system does not have: it would "
                             "happen nowhere", where=where, fix=f"use one of {known}")


def happens(decl: ChannelDecl, sender: str, receiver: str, message: Message) -> bool:
    """Whether the declared fault may hit `message` on the channel sender -> receiver."""
    if isinstance(decl, _ChannelFault):
        return decl.applies(sender, receiver, message)
    return bool(decl)


# The historical names (lang/channels.py exported these).
def check_loss(loss: Any, where: str) -> None:
    combined(Loss, loss, (), where)


def may_lose(loss: ChannelDecl, sender: str, receiver: str, message: Message) -> bool:
    return happens(loss, sender, receiver, message)


LossDecl = bool | Loss


def switchable(instances: tuple[Any, ...], offs: tuple[SwitchOff, ...], where: str
               ) -> tuple[Any, ...]:
    """The instances with the roles of those that may be switched off derived to allow it
    (every instance of such a role gets the derived role, so peers stay peers; the step is
    enabled for the named instances only)."""
    if not offs:
        return instances
    by_name = {getattr(i, "name", None): i for i in instances}
    by_role: dict[int, list[SwitchOff]] = {}
    for off in offs:
        inst = by_name.get(off.instance)
        if inst is None:
            raise ModelError(f"SwitchOff names instance {off.instance!r}, which the system does "
                             "not have", where=where,
                             fix=f"use one of {[n for n in by_name if n is not None]}")
        if inst.observer:
            raise ModelError(f"SwitchOff names monitor {off.instance!r}", where=where,
                             fix="a monitor observes; switch off an instance that takes steps")
        by_role.setdefault(id(inst.role), []).append(off)
    derived: dict[int, Any] = {}
    for inst in instances:
        key = id(inst.role)
        if key in by_role and key not in derived:
            derived[key] = _with_switch_off(inst.role, by_role[key])
    return tuple(dataclasses.replace(i, role=derived[id(i.role)]) if id(i.role) in derived
                 else i for i in instances)


def _with_switch_off(role: Any, offs: list[SwitchOff]) -> Any:
    if SWITCHED_OFF in role.states:
        raise ModelError(f"declares a state named {SWITCHED_OFF!r}, which a SwitchOff adds",
                         role=role.name, fix="rename that state")
    names = frozenset(off.instance for off in offs)
    has_timers = bool(role.timer_table)

    def may_switch_off(ctx: Any) -> bool:
        return ctx.me in names

    def stops(ctx: Any) -> None:
        if has_timers:  # its clocks stop with it
            setattr(ctx.v, TIMERS, ())

    may_switch_off.__qualname__ = f"it is {' or '.join(sorted(names))}"
    stops.__qualname__ = "its timers stop"
    step = Transition("switch off", list(role.states), SWITCHED_OFF, clause=offs[0].clause,
                      conditions=[may_switch_off], after=[stops] if has_timers else [],
                      environment=True, label=offs[0].label or "is switched off")
    # from the declaration: the role turned the ignored answers of its transactions into
    # receptions ("ignore Answer", roles._ignored_responses) and dropped them from its
    # ignores, and the role built here must turn them so again
    ignores = {m: tuple(states) for m, states in
               _normalise_ignores(role.declared["ignores"], role.states, role.name).items()}
    # in a fixed order (a set of classes iterates by their ids: diagrams would differ per run)
    for m in sorted(role.accepted | set(ignores) | set(role.defers), key=lambda m: m.__name__):
        ignores[m] = (*ignores.get(m, ()), SWITCHED_OFF)
    declared = dict(role.declared)
    declared.update(states=(*role.states, SWITCHED_OFF), final=(*role.final, SWITCHED_OFF),
                    ignores=ignores, _environment=(*declared["_environment"], step),
                    _stopped=SWITCHED_OFF)
    return Role(**declared)


# -- every declared loss is witnessed, per message kind (issue 58) ---------------------------
def lost_name(kind: type) -> str:
    """The derived witness of a loss of `kind`: "Deregistration-lost"."""
    return f"{kind.__name__}-lost"


def loss_witnesses(loss: ChannelDecl) -> list[Any]:
    """The witnesses derived from a Loss that names the message kinds it covers: per kind,
    `sometimes("<Kind>-lost")`, a reachable state from which the search takes the step that
    loses a message of that kind (issue 58: declared losses were not witnessed per kind).

    The engine lets the network lose any message in flight on a channel a Loss covers, at
    any position of its channel (inboxes.py, fault_steps), and an exhaustive search takes
    every step enabled in a reachable state: so a covered message of that kind in flight
    in a reachable state is the loss step taken. The witness reads the network (no model
    variable, no monitor: a counter would split every state by the losses so far, 3 to 5
    times the states of a lossy variant), so a mutant of the model cannot meet it with no
    loss; a Loss of a kind the model never sends on a covered channel, a send a mutant
    stops, or a Loss whose where= no longer covers it leaves that kind's witness `never`,
    which `check --expected` reports. Nothing is derived for `loss=True` or a Loss that
    covers every kind (no kinds to name). Each witness is expected `witnessed` unless the
    variant's expect= says otherwise."""
    from .properties import sometimes

    if not isinstance(loss, Loss) or not loss.kinds:
        return []
    decl = loss

    def witness(kind: type) -> Callable[[Any], bool]:
        def lossable(v: Any) -> bool:
            # the Loss the system holds now (the declaration it was built with, unless a
            # mutation benchmark replaced it): the witness follows the loss steps taken
            now = getattr(getattr(v, "_system", None), "loss", decl)
            return any(happens(now, s, r, m) for s, r, m in v.in_flight(kind))
        lossable.__qualname__ = f"a {kind.__name__} in flight where the Loss covers it"
        return lossable

    return [sometimes(lost_name(kind), witness(kind),
                      clause="not in the text: the Loss the variant declares (lang/faults.py)",
                      doc=f"the network loses a {kind.__name__} on a channel the declared "
                          f"Loss covers (derived from it: {decl.why})")
            for kind in decl.kinds or ()]
