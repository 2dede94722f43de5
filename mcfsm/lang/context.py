"""What model code sees of a state: a read-only View (properties, guards that read the
world) and the step Context handed to guards and actions (split from system.py)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

from ..errors import ModelError
from .messages import Message
from .records import State
from .roles import Role, Transition
from .timers import set_timer, timer_running

# `system` below is the System that builds views and contexts; it is typed Any so that
# this module stays below system.py in lang/'s one-way order.
System = Any


class Slot(NamedTuple):
    """A slot of mcfsm's own that holds raw state, taken out of model code's reach by
    `hidden_slot`: `get(obj)` and `set(obj, value)` are mcfsm's only way in."""

    get: Callable[[Any], Any]
    set: Callable[[Any, Any], None]


def hidden_slot(cls: type, name: str, *, instead: str) -> Slot:
    """Take slot `name` of `cls` out of model code's reach. Memoized search is exact only if
    every read of the state by model code is recorded (the memo keys on what was read); a
    private attribute that holds raw state (`ctx._state`, a record's `_local`) would hand it
    out unrecorded, so reading it raises a ModelError that says what to read `instead`. The
    slot keeps its storage; mcfsm reaches it through the Slot returned."""
    member = cls.__dict__[name]
    what = f"{cls.__name__}.{name}"

    def refuse(self: Any) -> Any:
        raise ModelError(f"model code reads {what}, mcfsm's own copy of the state, whose "
                         "reads are not recorded (a memoized search would key a step on "
                         "less than it read, and could print a wrong verdict)",
                         fix=f"read {instead}: every read through them is recorded")

    setattr(cls, name, property(refuse))
    return Slot(member.__get__, member.__set__)


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

    def in_flight_values(self, message_type: type[Message], element: str, *,
                         to: str | None = None, sender: str | None = None) -> list[Any]:
        """The values one element takes in the messages of `message_type` in flight (with
        multiplicity, in `in_flight`'s order): `me in world.in_flight_values(Request,
        "calling_id")`. Where reads are memoized (`ctx.world`, a property's view) the
        memo keys on those values alone, so it still hits when another element of such a
        message, or a message of another type, changes."""
        _check_element(message_type, element)
        return _values(self._system, self.state, message_type, element, to, sender)


def _values(system: Any, state: State, message_type: Any, element: str,
            to: str | None, sender: str | None) -> list[Any]:
    return [getattr(m, element)
            for _, _, m in system.envelopes(state, message_type, to=to, sender=sender)]


_ELEMENTS_SEEN: set[tuple[Any, str]] = set()  # (message type, element) checked once


def _check_element(message_type: Any, element: str) -> None:
    if (message_type, element) in _ELEMENTS_SEEN:
        return
    names = [e.name for e in getattr(message_type, "elements", ())]
    if element in names:
        _ELEMENTS_SEEN.add((message_type, element))
    else:
        what = getattr(message_type, "__name__", repr(message_type))
        raise ModelError(f"in_flight_values({what}, {element!r}): {what} has no element "
                         f"{element!r}",
                         fix=f"name one of its elements: {', '.join(names) or '(none)'}")


class InFlight(NamedTuple):
    """What `ctx.world.in_flight(message_type, sender=...)` read of one inbox: the envelopes
    of that type from that sender (None: any), or, `any_`, only whether there is one; or,
    `element` (in_flight_values), only the values of that element they carry."""

    message_type: Any
    sender: str | None
    any_: bool = False
    element: str | None = None


class Envelopes(Sequence):
    """What `in_flight` returns where reads are recorded (ctx.world, a memoized predicate's
    view): the envelopes, listed when first used as a sequence, which reads each inbox's
    envelopes passing the filter (`read(slot, False)`); its truth value alone reads, inbox by
    inbox up to the first that holds one, only whether it does (`read(slot, True)`), so that
    a quiescence test (`not v.in_flight()`) is memoized on emptiness, not on messages."""

    __slots__ = ("_filter", "_items", "_read", "_slots", "_state", "_system")

    def __init__(self, system: System, state: State, slots: tuple[int, ...],
                 message_type: Any, to: str | None, sender: str | None,
                 read: Callable[[int, bool], None]) -> None:
        self._system, self._slots, self._read = system, slots, read
        _ENVELOPES_STATE.set(self, state)
        self._filter = (message_type, to, sender)
        self._items: list[tuple[str, str, Message]] | None = None

    def _listed(self) -> list[tuple[str, str, Message]]:
        if self._items is None:
            for slot in self._slots:
                self._read(slot, False)
            message_type, to, sender = self._filter
            self._items = self._system.envelopes(_ENVELOPES_STATE.get(self), message_type, to=to,
                                                 sender=sender)
        return self._items

    def __bool__(self) -> bool:
        if self._items is not None:
            return bool(self._items)
        system, state = self._system, _ENVELOPES_STATE.get(self)
        message_type, _, sender = self._filter
        n = len(system.instances)
        for slot in self._slots:
            self._read(slot, True)
            if state[slot] and system.envelopes(state, message_type, sender=sender,
                                                to=system.instance_names[slot - 2 - n]):
                return True
        return False

    def __len__(self) -> int:
        return len(self._listed())

    def __getitem__(self, index: Any) -> Any:
        return self._listed()[index]

    def __iter__(self) -> Iterator[tuple[str, str, Message]]:
        return iter(self._listed())

    def __eq__(self, other: object) -> bool:
        return self._listed() == (list(other) if isinstance(other, Envelopes) else other)

    __hash__ = None  # type: ignore[assignment]  # like the list it stands for

    def __add__(self, other: Any) -> list[tuple[str, str, Message]]:
        return self._listed() + list(other)

    def __radd__(self, other: Any) -> list[tuple[str, str, Message]]:
        return list(other) + self._listed()

    def __repr__(self) -> str:
        return repr(self._listed())


_ENVELOPES_STATE = hidden_slot(Envelopes, "_state", instead="the envelopes (iterate, index)")


# What model code read of other instances or of the params (slot 0): (slot, field), (slot,
# None) for a whole slot (a local it iterated or compared whole), or (inbox slot, InFlight)
# for what in_flight saw there. The compiled engine memoizes a step that read other
# instances on the values of exactly these (check/state/steps.py).
Read = tuple[int, str | InFlight | None]


class ReadRecord(ABC):
    """A record (an instance's local, the params, the shared variables) handed to code whose
    reads are recorded: reading a field notes the field; any other use (comparing it
    whole, iterating, hashing) notes the whole slot (`_note(None)`). Subclasses say where
    a note goes."""

    __slots__ = ("_local", "_slot")

    def __init__(self, local: Any, slot: int) -> None:
        _RECORD_LOCAL.set(self, local)
        self._slot = slot

    @abstractmethod
    def _note(self, field: str | None) -> None:
        """Record a read of `field` of this slot, or of the whole slot (None)."""

    def __getattr__(self, field: str) -> Any:
        value = getattr(_RECORD_LOCAL.get(self), field)
        self._note(None if field.startswith("_") or callable(value) else field)
        return value

    def _whole(self) -> Any:
        self._note(None)
        return _RECORD_LOCAL.get(self)

    @property
    def __dict__(self) -> dict[str, Any]:  # type: ignore[override]  # vars(record): all read
        return self._whole()._asdict()  # type: ignore[no-any-return]

    # copy.copy, copy.deepcopy and pickle take the record itself (immutable), all of it read
    def __copy__(self) -> Any:
        return self._whole()

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        return self._whole()

    def __reduce__(self) -> Any:
        return self._whole().__reduce__()

    def __eq__(self, other: object) -> bool:
        return self._whole() == (other._whole() if isinstance(other, ReadRecord) else other)

    def __hash__(self) -> int:
        return hash(self._whole())

    def __iter__(self) -> Any:
        return iter(self._whole())

    def __len__(self) -> int:
        return len(self._whole())

    def __getitem__(self, index: Any) -> Any:
        return self._whole()[index]

    def __repr__(self) -> str:
        return repr(self._whole())


_RECORD_LOCAL = hidden_slot(ReadRecord, "_local", instead="its fields (`record.name`)")


class _ReadLocal(ReadRecord):
    """Another instance's local as model code sees it through `ctx.world`, or the params
    (slot 0): a note is a Read, (slot, field) or (slot, None)."""

    __slots__ = ("_reads",)

    def __init__(self, local: Any, slot: int, reads: dict[Read, None]) -> None:
        super().__init__(local, slot)
        self._reads = reads

    def _note(self, field: str | None) -> None:
        self._reads[(self._slot, field)] = None


class OwnValues(dict):
    """The variables of an instance's own local as its actions see them (through
    Variables), where its reads are recorded (`System.local_step(own=...)`): a read of a
    variable not yet assigned in the step notes (slot, name), as `_ReadLocal` does; an
    assignment notes the name in `assigned`, so that the step's outcome is what it wrote
    (records.Writes), not a whole local."""

    __slots__ = ("_reads", "_slot", "assigned")

    def __init__(self, items: Any, slot: int, reads: dict[Read, None]) -> None:
        super().__init__(items)
        self._slot, self._reads = slot, reads
        self.assigned: dict[str, None] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self.assigned:
            self._reads[(self._slot, name)] = None
        return dict.__getitem__(self, name)

    def __setitem__(self, name: str, value: Any) -> None:
        self.assigned[name] = None
        dict.__setitem__(self, name, value)

    # Any other read (Variables uses none; code that reached the dict would): all read.
    def _all(self) -> dict:
        self._reads[(self._slot, None)] = None
        return {name: dict.__getitem__(self, name) for name in dict.keys(self)}

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        return self._all().get(name, default)

    def __iter__(self) -> Any:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __contains__(self, name: object) -> bool:
        return name in self._all()

    def keys(self) -> Any:  # type: ignore[override]
        return self._all().keys()

    def values(self) -> Any:  # type: ignore[override]
        return self._all().values()

    def items(self) -> Any:  # type: ignore[override]
        return self._all().items()

    def copy(self) -> dict:
        return self._all()

    def __eq__(self, other: object) -> bool:
        return self._all() == other

    __hash__ = None  # type: ignore[assignment]  # like the dict it is


class RecordedState(Sequence):
    """The whole state as a view whose reads are recorded hands it out (`ctx.world.state`):
    indexing notes a read of the whole slot (`note(slot)`), any use of the whole (iterating,
    comparing, hashing, printing) notes every slot. Its length is the system's, read freely."""

    __slots__ = ("_note", "_raw")

    def __init__(self, raw: State, note: Callable[[int], None]) -> None:
        _RAW.set(self, raw)
        self._note = note

    def _all(self) -> State:
        raw = _RAW.get(self)
        for slot in range(len(raw)):
            self._note(slot)
        return raw  # type: ignore[no-any-return]

    def __getitem__(self, index: Any) -> Any:
        raw = _RAW.get(self)
        if isinstance(index, slice):
            for slot in range(len(raw))[index]:
                self._note(slot)
        else:
            self._note(range(len(raw))[index])  # a negative index names its slot
        return raw[index]

    def __len__(self) -> int:
        return len(_RAW.get(self))

    def __iter__(self) -> Iterator[Any]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        return self._all() == (other._all() if isinstance(other, RecordedState) else other)

    def __hash__(self) -> int:
        return hash(self._all())

    def __repr__(self) -> str:
        return repr(self._all())

    def __reduce__(self) -> Any:  # copy.copy / pickle: the plain tuple, all of it read
        return (tuple, (self._all(),))


_RAW = hidden_slot(RecordedState, "_raw", instead="the slots by index (`state[k]`)")
# The plain View's state slot, for the views that hand out a recorded state instead.
_VIEW_STATE = Slot(View.__dict__["state"].__get__, View.__dict__["state"].__set__)


class _ReadingView(View):
    """`ctx.world`: a View that records what model code reads of other instances."""

    __slots__ = ("_reads",)

    def __init__(self, system: System, state: State, reads: dict[Read, None]) -> None:
        self._system = system
        _VIEW_STATE.set(self, state)
        self._reads = reads

    @property  # type: ignore[override]
    def state(self) -> Any:
        reads = self._reads

        def note(slot: int) -> None:
            reads[(slot, None)] = None
        return RecordedState(_VIEW_STATE.get(self), note)

    def __getitem__(self, instance: str) -> Any:
        slot = self._system._local_slot.get(instance)
        if slot is None:
            return View(self._system, _VIEW_STATE.get(self))[instance]  # the usual error
        return _ReadLocal(_VIEW_STATE.get(self)[slot], slot, self._reads)

    @property
    def params(self) -> Any:
        return _ReadLocal(_VIEW_STATE.get(self)[0], 0, self._reads)

    @property
    def shared(self) -> Any:  # in every step's memo key already: no need to record
        return _VIEW_STATE.get(self)[1]

    def in_flight(
        self, message_type: type[Message] | None = None, *, to: str | None = None,
        sender: str | None = None,
    ) -> list[tuple[str, str, Message]]:
        system = self._system
        if to is not None and to not in system._index:
            return super().in_flight(message_type, to=to, sender=sender)  # raises the usual error
        n = len(system.instances)
        slots = range(2 + n, 2 + 2 * n) if to is None else (2 + n + system._index[to],)
        reads = self._reads
        listed, any_ = InFlight(message_type, sender), InFlight(message_type, sender, True)

        def read(slot: int, only_any: bool) -> None:  # each inbox it looked in
            reads[(slot, any_ if only_any else listed)] = None
        return Envelopes(system, _VIEW_STATE.get(self), tuple(slots), message_type, to, sender,
                         read)  # type: ignore[return-value]

    def in_flight_values(self, message_type: type[Message], element: str, *,
                         to: str | None = None, sender: str | None = None) -> list[Any]:
        system = self._system
        if to is not None and to not in system._index:
            return super().in_flight_values(message_type, element, to=to, sender=sender)
        _check_element(message_type, element)
        n = len(system.instances)
        slots = range(2 + n, 2 + 2 * n) if to is None else (2 + n + system._index[to],)
        read = InFlight(message_type, sender, False, element)
        for slot in slots:
            self._reads[(slot, read)] = None
        return _values(system, _VIEW_STATE.get(self), message_type, element, to, sender)


class Context:
    """What guards and actions see. Guards get read-only variables; actions mutable ones."""

    __slots__ = (
        "_armed_now",
        "_dest",
        "_sends",
        "_state",
        "_system",
        "_transition",
        "arg",
        "local",
        "me",
        "msg",
        "reads",
        "sender",
        "shared",
        "v",
    )

    def __init__(self, system: System, state: State, me: str, local: Any, msg: Message | None,
                 sender: str | None, transition: Transition) -> None:
        self._system = system
        _CONTEXT_STATE.set(self, state)
        self.me = me
        self.local = local
        self.v: Any = local
        self.shared: Any = state[1]
        self.msg = msg
        self.sender = sender
        self.arg: Any = None
        self._sends: list[tuple[str, Message]] = []
        self._armed_now: set[str] = set()  # timers armed in this step (lang/timers.py)
        self._dest: str | None = None  # a computed destination (Transition dest=function)
        self._transition = transition
        # What model code read of other instances, in the order read (a dict as an ordered
        # set); None while it read nothing. The outcome then depends on these values too.
        self.reads: dict[Read, None] | None = None

    @property
    def state(self) -> str:
        return self.local.state

    @property
    def params(self) -> Any:
        """The parameter choices. A field read is recorded like a read of another instance
        (slot 0, field): a step that reads none of them is the same step in every
        combination of choices, and the searches of a variant's combinations share it."""
        if self.reads is None:
            self.reads = {}
        return _ReadLocal(_CONTEXT_STATE.get(self)[0], 0, self.reads)

    @property
    def world(self) -> View:
        """The whole pre-state, read-only (shared-memory specs such as TLA+ examples)."""
        if self.reads is None:
            self.reads = {}
        return _ReadingView(self._system, _CONTEXT_STATE.get(self), self.reads)

    def peers(self) -> list[Any]:
        """Locals of every instance of this role, this one included (pre-state)."""
        if self.reads is None:
            self.reads = {}
        system = self._system
        role = system.instance(self.me).role
        slots = [system._local_slot[i.name] for i in system.instances if i.role is role]
        for slot in slots:
            self.reads[(slot, None)] = None
        state = _CONTEXT_STATE.get(self)
        return [state[slot] for slot in slots]

    def arm(self, timer: str) -> None:
        """Arm (or re-arm) one of the role's timers (lang/timers.py)."""
        set_timer(self, self._system.instance(self.me).role.timer_table, timer, True)

    def cancel(self, timer: str) -> None:
        """Stop one of the role's timers; cancelling one that is not running does nothing."""
        set_timer(self, self._system.instance(self.me).role.timer_table, timer, False)

    def armed(self, timer: str) -> bool:
        """Whether one of the role's timers or transactions is running."""
        return timer_running(self, self._system.instance(self.me).role.timer_table, timer)

    def send(self, to: str, message: Message) -> None:
        t = self._transition
        if type(message) not in t.sends:
            raise ModelError(
                f"sends {type(message).__name__}, which is not in its sends=[...]",
                fix=f"add {type(message).__name__} to sends= of this transition")
        if to not in self._system._local_slot:
            raise ModelError(f"sends to unknown instance {to!r}",
                             fix=f"send to one of {self._system.instance_names}")
        monitor = self._system.instance(to)  # a send to a monitor announces (monitors.py)
        if monitor.observer and not any(t.receives is type(message)
                                        for t in monitor.role.transitions):
            raise ModelError(f"announces {type(message).__name__} to monitor {to!r}, which "
                             f"observes no {type(message).__name__}",
                             fix=f"add a transition on {type(message).__name__} to the role "
                                 f"{monitor.role.name!r} of monitor {to!r}, or announce to a "
                                 "monitor that observes it")
        self._sends.append((to, message))


_CONTEXT_STATE = hidden_slot(Context, "_state",
                             instead="ctx.world (other instances, in_flight), ctx.params, "
                                     "ctx.v and ctx.shared")
