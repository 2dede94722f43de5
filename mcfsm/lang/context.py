"""What model code sees of a state: a read-only View (properties, guards that read the
world) and the step Context handed to guards and actions (split from system.py)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..errors import ModelError
from .messages import Message
from .records import State
from .roles import Role, Transition

# `system` below is the System that builds views and contexts; it is typed Any so that
# this module stays below system.py in lang/'s one-way order.
System = Any


class View:
    """Read-only access to a global state, for properties, guards and reports."""

    __slots__ = ("_system", "state")

    def __init__(self, system: System, state: State) -> None:
        self._system = system
        self.state = state

    def __getitem__(self, instance: str) -> Any:
        try:
            return self.state[self._system._local_slot[instance]]
        except KeyError:
            raise ModelError(f"no instance named {instance!r}",
                             fix=f"use one of {self._system.instance_names}") from None

    @property
    def params(self) -> Any:
        return self.state[0]

    @property
    def shared(self) -> Any:
        return self.state[1]

    def instances_of(self, role: Role | str) -> list[str]:
        return self._system.instances_of(role)

    def in_flight(
        self, message_type: type[Message] | None = None, *, to: str | None = None,
        sender: str | None = None,
    ) -> list[tuple[str, str, Message]]:
        """(sender, receiver, message) for every message in flight, optionally filtered."""
        return self._system.envelopes(self.state, message_type, to=to, sender=sender)

    def sent_since(self, before: View, message_type: type[Message] | None = None, *,
                   to: str | None = None, sender: str | None = None
                   ) -> list[tuple[str, str, Message]]:
        """What a step put in flight: the envelopes in flight now (`after`) and not before,
        counted as a multiset, so that a step property `(before, step, after)` can watch
        the sends (P's monitors, Stateright's history): `after.sent_since(before)`. On a
        persistent message set, re-sending a message already in the set changes nothing
        and is not seen."""
        now = Counter(self.in_flight(message_type, to=to, sender=sender))
        now.subtract(Counter(before.in_flight(message_type, to=to, sender=sender)))
        return sorted((e for e, n in now.items() for _ in range(max(n, 0))), key=repr)


class Context:
    """What guards and actions see. Guards get read-only variables; actions mutable ones."""

    __slots__ = (
        "_dest",
        "_sends",
        "_state",
        "_system",
        "_transition",
        "arg",
        "local",
        "me",
        "msg",
        "read_world",
        "sender",
        "shared",
        "v",
    )

    def __init__(self, system: System, state: State, me: str, local: Any, msg: Message | None,
                 sender: str | None, transition: Transition) -> None:
        self._system = system
        self._state = state
        self.me = me
        self.local = local
        self.v: Any = local
        self.shared: Any = state[1]
        self.msg = msg
        self.sender = sender
        self.arg: Any = None
        self._sends: list[tuple[str, Message]] = []
        self._dest: str | None = None  # a computed destination (Transition dest=function)
        self._transition = transition
        # Set when model code reads other instances: its outcome then depends on more than
        # the local step, and the compiled engine does not memoize it.
        self.read_world = False

    @property
    def state(self) -> str:
        return self.local.state

    @property
    def params(self) -> Any:
        return self._state[0]

    @property
    def world(self) -> View:
        """The whole pre-state, read-only (shared-memory specs such as TLA+ examples)."""
        self.read_world = True
        return View(self._system, self._state)

    def peers(self) -> list[Any]:
        """Locals of every instance of this role, this one included (pre-state)."""
        self.read_world = True
        system = self._system
        role = system.instance(self.me).role
        return [self._state[system._local_slot[i.name]] for i in system.instances if i.role is role]

    def send(self, to: str, message: Message) -> None:
        t = self._transition
        if type(message) not in t.sends:
            raise ModelError(
                f"sends {type(message).__name__}, which is not in its sends=[...]",
                fix=f"add {type(message).__name__} to sends= of this transition")
        if to not in self._system._local_slot:
            raise ModelError(f"sends to unknown instance {to!r}",
                             fix=f"send to one of {self._system.instance_names}")
        if self._system.instance(to).observer:
            raise ModelError(f"sends to monitor {to!r}",
                             fix="a monitor observes every message sent; send to an instance")
        self._sends.append((to, message))
