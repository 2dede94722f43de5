"""Monitors (P's spec machines, Coyote's monitors): a state machine that observes the
messages the system's steps send and keeps its own state, which is part of the system state.

    SPEC = Role("request-response spec", states=["idle", "pending", "error"], initial="idle",
                transitions=[Transition(Request, "idle", "pending", clause="..."),
                             Transition(Request, "pending", "error", clause="...")])
    System(..., monitors=[Monitor("spec", SPEC)],
           properties=[always("spec-ok", lambda v: v["spec"].state != "error")])

- A monitor is declared with a `Role` like any machine: its transitions' triggers are the
  Message classes it observes, with guards (`conditions`), actions (`after`, on its own
  variables `ctx.v`), a destination (a state, None, or `dest=f, dests=(...)`) and entry and
  exit actions. It never sends and takes no step of its own (no internal events, no choices).
- **When it runs.** As P composes spec machines synchronously: each step's sends, in the
  order sent, are offered to every monitor as part of that step (its successor holds the
  monitor's new state); messages in flight in an initial state (`Instance(sends=...)`) are
  offered before the first step. A monitor that has no transition for a message in its
  current state leaves its state as it was, unless it is declared `strict=True` (P's
  semantics, below). Observing must be deterministic: two enabled transitions for one
  message are a model error.
- **P's unhandled event** with `Monitor(..., strict=True)`: a message of a kind the monitor
  observes (one its role has a transition on) that finds no enabled transition in the
  monitor's current state, and that the role does not ignore there (`Role(ignores={Ping:
  ["a_first"]})`, P's `ignore Ping;`), puts the monitor in the state
  `"<state>: <event> unhandled"` for good, and the derived property
  `<monitor>-handles-what-it-observes` fails there, its note naming the monitor, the state
  and the event: P's "unhandled event" bug, with the shortest run to it.
- **Announcements** (P's `announce`): `ctx.send("spec", Ping(n=1))` to a monitor puts the
  message in no inbox; every monitor observes it with the step's other sends, in the order
  sent (`ctx.to` naming the monitor it was addressed to), as P offers an announced event to
  every monitor that observes it. Announcing a kind the addressed monitor does not observe
  is a model error.
- **Receptions too** with `Monitor(..., receipts=True)`: a step that receives a message
  (a transition that takes it; not an ignored one) offers it to the monitor first, with
  `ctx.received` True, then its sends. Such a monitor also sees a SIP transaction end in
  its timeout (`Transition(Timeout(Register), ...)` in the monitor's role): the sender's
  transaction layer gives the request up, which decides what the answers still on the wire
  mean (a late answer ends nothing). Then `ctx.msg` is None and `ctx.sender` and `ctx.to`
  both name the instance whose transaction timed out.
- **What it sees** (`ctx`): `ctx.msg` (the message), `ctx.sender` and `ctx.to` (instance
  names), `ctx.received`, `ctx.v` (its variables), `ctx.state`. Not the senders' variables, not parameters
  nor shared variables: a monitor judges what is said on the wire.
- **In the state.** It occupies a slot like an instance (after the instances): distinct
  states count its states (as a P spec machine's do), predicates read it as `v["spec"]`,
  traces and charts show it as "monitor spec", `mcfsm diagram` draws its role.

Engine: `observe` below is the reference (System.expand calls it per successor); the
compiled engine memoizes it per (monitor, its local, receiver, message and sender) in
check/state/steps.py and in the compiled core.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from ..errors import ModelError
from .guard import model_code_error
from .messages import Message
from .records import Instance
from .roles import ANY_STATE, Role, Variables
from .timers import Timeout


@dataclasses.dataclass(frozen=True)
class Monitor(Instance):
    """A monitor of a system: `Monitor(name, role, label=, init=, receipts=)` in
    `System(monitors=[...])`. With receipts=True it also observes each message a step
    receives (before that step's sends; `ctx.received` is then True)."""

    receipts: bool = False
    # P's semantics for an observed message the current state does not handle (module doc)
    strict: bool = False

    @property
    def observer(self) -> bool:
        return True

    @property
    def words(self) -> str:
        return self.label or f"monitor {self.name}"


def check_monitors(system: Any, monitors: Sequence[Any]) -> tuple[Monitor, ...]:
    """`System(monitors=[...])`: Monitor records whose roles only observe."""
    where = f"system {system.name!r}"
    if isinstance(monitors, str | bytes) or not isinstance(monitors, Sequence | tuple | list):
        raise ModelError(f"monitors={monitors!r} is not a list", where=where,
                         fix="pass monitors=[Monitor('spec', SPEC_ROLE)]")
    out = []
    for m in monitors:
        if not isinstance(m, Monitor):
            raise ModelError(f"monitors contains {m!r}, not a Monitor", where=where,
                             fix="declare it as Monitor(name, role)")
        if not isinstance(m.receipts, bool):
            raise ModelError(f"monitor {m.name!r}: receipts={m.receipts!r} is not True or False",
                             where=where, fix="pass receipts=True to observe receptions too")
        if m.receipts and getattr(system.network, "value", None) == "persistent":
            raise ModelError(f"monitor {m.name!r} observes receptions on a persistent message "
                             "set, where reading a message consumes nothing", where=where,
                             fix="drop receipts=True, or use Network.FIFO or Network.BAG")
        if not isinstance(m.strict, bool):
            raise ModelError(f"monitor {m.name!r}: strict={m.strict!r} is not True or False",
                             where=where, fix="pass strict=True for P's unhandled-event check")
        if m.strict:
            clash = sorted(set(m.role.states) & set(unhandled_states(m.role)))
            if clash:
                raise ModelError(f"monitor {m.name!r} (strict=True): its role declares the "
                                 f"state {clash[0]!r}, the name of an unhandled event",
                                 role=m.role.name, where=where, fix="rename that state")
        if m.sends:
            raise ModelError(f"monitor {m.name!r} declares initial sends", where=where,
                             fix="a monitor never sends: drop sends=")
        for t in m.role.transitions:
            at = dict(role=m.role.name, transition=t.name, clause=t.clause or None, where=where)
            if isinstance(t.trigger, Timeout) and not (m.receipts and m.role.observer):
                raise ModelError(f"monitor {m.name!r} has a transition on {t.trigger_name!r}, "
                                 "but observes no timeouts", **at,
                                 fix="declare its role with Role(..., observer=True) and the "
                                     "monitor with Monitor(..., receipts=True)")
            if t.receives is None and not isinstance(t.trigger, Timeout):
                raise ModelError(f"monitor {m.name!r} has a transition on the event "
                                 f"{t.trigger_name!r}, not on a message", **at,
                                 fix="a monitor's triggers are the Message classes it observes "
                                     "(and, with receipts=True, a transaction's Timeout)")
            if t.choices is not None or t.environment:
                raise ModelError(f"monitor {m.name!r} has a transition with choices= or "
                                 "environment=True", **at,
                                 fix="a monitor observes deterministically: drop choices= "
                                     "and environment=")
            if t.sends:
                raise ModelError(f"monitor {m.name!r} has a transition that sends "
                                 f"{[s.__name__ for s in t.sends]}", **at,
                                 fix="a monitor never sends: drop sends= (and entry or exit "
                                     "actions that send)")
        out.append(m)
    for inst in system.instances:
        if not isinstance(inst, Instance):
            continue  # System._validate says what it is instead
        if isinstance(inst, Monitor):
            raise ModelError(f"instances contains the Monitor {inst.name!r}", where=where,
                             fix="declare monitors in System(monitors=[...])")
        if getattr(inst.role, "observer", False):
            raise ModelError(f"instance {inst.name!r} has the role {inst.role.name!r}, declared "
                             "observer=True (a monitor's role)", where=where,
                             fix="declare it in System(monitors=[Monitor(...)]), or drop "
                                 "observer=True")
        for pair in inst.sends:  # malformed pairs: check_initial_sends says so
            to = pair[0] if isinstance(pair, tuple) and len(pair) == 2 else None
            if any(m.name == to for m in out):
                raise ModelError(f"instance {inst.name!r} sends to monitor {to!r}", where=where,
                                 fix="a monitor observes every message sent; send to an instance")
    return tuple(out)


def observed_events(role: Role) -> tuple[Any, ...]:
    """What a monitor's role observes (P's `observes`): the Message classes and the
    transactions' Timeouts its transitions are triggered by, in declaration order."""
    return tuple(dict.fromkeys(t.trigger if isinstance(t.trigger, Timeout) else t.receives
                               for t in role.transitions))


def _event_name(event: Any) -> str:
    return event.event_name if isinstance(event, Timeout) else event.__name__


def unhandled_state(state: str, event: Any) -> str:
    """The state a strict monitor takes for good when `event` (a Message class or a
    Timeout) finds no transition in `state`: the state and the event in one name, which
    every trace, chart and note shows as it is."""
    return f"{state}: {_event_name(event)} unhandled"


def unhandled_states(role: Role) -> dict[str, tuple[str, str]]:
    """Every unhandled-event state of a strict monitor of `role`: name -> (the state it
    left, the event's name); a finite set, so the engine's tables know them."""
    return {unhandled_state(s, e): (s, _event_name(e))
            for s in role.states for e in observed_events(role)}


def monitor_properties(monitors: Sequence[Monitor]) -> list[Any]:
    """Per strict monitor, the derived invariant that it never meets an event it observes
    but does not handle (P fails such a run with "unhandled event")."""
    from .properties import always

    out = []
    for m in monitors:
        if not m.strict:
            continue
        table = unhandled_states(m.role)
        name = m.name

        def handles(v: Any, name: str = name, table: dict = table) -> bool:
            return v[name].state not in table

        def why(v: Any, m: Monitor = m, table: dict = table) -> str:
            state, event = table[v[m.name].state]
            return (f"monitor {m.name!r} in state {state!r} observes {event}, for which it has "
                    f"no transition there (P: unhandled event); add a transition on {event} "
                    f"from {state!r} to its role {m.role.name!r}, or declare "
                    f"Role(ignores={{{event}: [{state!r}]}}) there (P's ignore)")

        handles.__qualname__ = f"monitor {name} handles every event it observes"
        out.append(always(f"{name}-handles-what-it-observes", handles, explain=why,
                          clause="not in the text: P's unhandled-event check (strict=True)",
                          doc=f"monitor {name} has a transition, or an ignores= entry, for "
                              "each event it observes in each state it meets it in"))
    return out


class MonitorContext:
    """What a monitor's guards and actions see (module doc)."""

    __slots__ = ("_dest", "_role", "local", "msg", "received", "sender", "to", "v")

    def __init__(self, role: Role, local: Any, msg: Message | None, sender: str, to: str,
                 received: bool = False) -> None:
        self._role = role
        self.local = local
        self.v: Any = local
        self.msg = msg
        self.sender = sender
        self.to = to
        self.received = received  # a reception (Monitor(receipts=True)), not a send
        self._dest: str | None = None

    @property
    def state(self) -> str:
        return self.local.state  # type: ignore[no-any-return]

    def send(self, to: str, message: Message) -> None:
        raise ModelError("a monitor sends a message", fix="a monitor only observes: drop the send")

    def __getattr__(self, name: str) -> Any:
        raise ModelError(f"a monitor reads ctx.{name}",
                         fix="a monitor sees ctx.msg, ctx.sender, ctx.to, ctx.received, ctx.v "
                             "and ctx.state only (what is said on the wire, and its own "
                             "variables)")


def receipt(t: Any, msg: Message | None) -> Message | Timeout | None:
    """What a receipt monitor observes of a step of transition `t` that took `msg`: the
    message, or the transaction's timeout the transition is triggered by, or nothing."""
    if msg is not None:
        return msg
    return t.trigger if isinstance(t.trigger, Timeout) else None


def observe(monitor: Monitor, local: Any, sender: str, to: str, message: Message | Timeout,
            received: bool = False) -> Any:
    """The monitor's local after it observes `message` sent by `sender` to `to` (received:
    taken by `to`, for a monitor with receipts=True; a Timeout: the transaction of `to` timed
    out); its local unchanged when no transition of its current state takes the message."""
    role = monitor.role
    if monitor.strict and local.state not in role.states:
        return local  # it met an unhandled event: P's run ends there
    enabled = []
    timeout = isinstance(message, Timeout)
    ctx = MonitorContext(role, local, None if timeout else message, sender, to, received)
    what = "a guard (conditions=)"
    try:
        for t in role.transitions:
            if (t.trigger != message) if timeout else (t.receives is not type(message)):
                continue
            if ANY_STATE not in t.sources and local.state not in t.sources:
                continue
            if all(cond(ctx) for cond in t.conditions):
                enabled.append(t)
        if not enabled:
            if monitor.strict:
                event = message if timeout else type(message)
                if event in observed_events(role) and not (
                        not timeout and local.state in role.ignores.get(event, ())):
                    return local._replace(state=unhandled_state(local.state, event))
            return local
        if len(enabled) > 1:
            raise ModelError(f"monitor {monitor.name!r} has {len(enabled)} transitions enabled "
                             f"for {type(message).__name__} in state {local.state!r}: "
                             f"{[t.name for t in enabled]}", role=role.name,
                             fix="a monitor observes deterministically: make their guards "
                                 "exclusive")
        [t] = enabled
        what = "an action (after=)"
        values = dict(zip(local._fields[1:], local[1:]))
        ctx.v = Variables({k: v.type for k, v in role.variables.items()}, values,
                          f"monitor {monitor.name!r}")
        for cb in t.after:
            cb(ctx)
    except ModelError as exc:
        raise exc.replaced(role=exc.role or f"{role.name} (monitor {monitor.name})",
                           transition=exc.transition or (enabled[0].name if enabled else None)
                           ) from exc.__cause__
    except BaseException as exc:  # the model-code guard (guard.py)
        err = model_code_error(exc, what=what, fix=f"fix {what}")
        raise err.replaced(role=f"{role.name} (monitor {monitor.name})",
                           transition=enabled[0].name if enabled else None) from exc
    if t.dynamic:
        dest = ctx._dest or local.state  # None: it stays
    else:
        dest = local.state if t.dest is None else t.dest
    return role.Local(dest, *values.values())
