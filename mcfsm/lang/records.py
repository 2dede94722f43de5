"""The records a system is made of: the network semantics, role instances, parameters,
the step key stored per state, and the type names of states and successors."""

from __future__ import annotations

import dataclasses
import enum
import itertools
from collections.abc import Callable, Iterable, Mapping, Sized
from typing import Any, NamedTuple

from ..errors import ModelError
from .declared import check_name, check_nesting, check_text
from .messages import Message
from .roles import Role

State = tuple  # a global state: see lang/system.py


class Network(enum.Enum):
    FIFO = "fifo"  # ordered per sender-receiver pair
    BAG = "bag"  # unordered
    PERSISTENT = "persistent"  # TLA+-style message set; messages are never consumed
    INBOX = "inbox"  # one FIFO queue per receiver for all senders (P's semantics)


@dataclasses.dataclass(frozen=True)
class Instance:
    """One instance of a role: `name` is used in code and JSON, `label` in charts."""

    name: str
    role: Role
    label: str = ""
    init: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    # Messages in flight before the first step: (receiver, message), in the order sent
    # (lang/initial_states.py).
    sends: tuple[tuple[str, Message], ...] = ()

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
        if isinstance(self.sends, str | bytes) or not isinstance(self.sends, Iterable):
            raise ModelError(f"sends={self.sends!r} is not a list", where=where,
                             fix="pass sends=[('receiver', Message(...)), ...]")
        object.__setattr__(self, "sends", tuple(self.sends))

    @property
    def words(self) -> str:
        return self.label or self.name

    @property
    def observer(self) -> bool:
        """Whether this is a monitor (lang/monitors.py), which only observes sends."""
        return False


# The most choices one Param may have: a parameter is a reading the text leaves open, each
# choice explored by a search of its own (check/choices.py); a test declares 300.
MAX_PARAM_CHOICES = 10_000


@dataclasses.dataclass(frozen=True)
class Param:
    """A model parameter. Every choice is explored: each is a separate initial state, so a
    counterexample shows which choice it needs. A variant pins a parameter by giving one."""

    choices: tuple[Any, ...]
    doc: str = ""
    clause: str = ""
    # What each choice means, in the text's words ("the partner acknowledges the
    # notification"): how a contribution, `cr list` and a reading's outcome name it where a
    # delegate reads (a choice's own value is the modeller's word). Keys are choices.
    means: Mapping[Any, str] = dataclasses.field(default_factory=dict, compare=False,
                                                 hash=False)

    def __post_init__(self) -> None:
        fix = "declare it as Param(choices=(a, b, ...), doc=..., clause=..., means={a: ...})"
        choices = self.choices
        if isinstance(choices, str | bytes) or not isinstance(choices, Iterable):
            raise ModelError(f"Param choices={choices!r} is not a collection of values", fix=fix)
        # counted before a value is read: range(3_000_000) would be read, checked and later
        # searched one choice at a time, outside every budget (issue 73); an iterator is
        # read one past the most there may be
        if not isinstance(choices, Sized):
            choices = list(itertools.islice(choices, MAX_PARAM_CHOICES + 1))
        if len(choices) > MAX_PARAM_CHOICES:
            size = (f"{len(choices):,}" if isinstance(self.choices, Sized)
                    else f"over {MAX_PARAM_CHOICES:,}")
            shown = repr(self.choices)
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            raise ModelError(
                f"Param(choices={shown}) has {size} choices, more than the "
                f"{MAX_PARAM_CHOICES:,} a parameter "
                "may have: each choice is a search of its own, so no budget would see them "
                "through", fix="a Param is a choice the text leaves open (a few readings): "
                "keep a few representative values, pin one per variant (Param((v,), ...)), or "
                "let the search choose the value as it runs (a Var with one_of(...) as its "
                "initial value, or a transition's choices=)")
        if isinstance(choices, set | frozenset):  # sets iterate in hash order: fix one
            choices = sorted(choices, key=repr)
        choices = tuple(choices)
        if not choices:
            raise ModelError("Param has no choices", fix=fix)
        for value in choices:
            check_nesting(value, "a Param choice")
            try:
                hash(value)
            except TypeError:
                raise ModelError(f"Param choice {value!r} is not hashable (states must be)",
                                 fix="use str, int, bool, None, tuples or frozensets") from None
        object.__setattr__(self, "choices", choices)
        if not isinstance(self.means, Mapping):
            raise ModelError(f"Param means={self.means!r} is not a mapping", fix=fix)
        for words in self.means.values():
            check_text(words, "Param means")
        # one means= for a parameter's whole domain, kept for the choices this one offers (a
        # variant pins a subset); a choice without words falls back to the doc and its value
        object.__setattr__(self, "means", {k: w for k, w in self.means.items() if k in choices})
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


Constraint = Callable[[Any], bool]  # a function of the state view (lang/context.View)
# (step, successor state, slots that changed, coverage id): what System.expand yields
Successor = tuple[StepKey, State, tuple[int, ...], int]
# (choice, new local, new shared, sends as (receiver index, message)): one run of model code
LocalOutcome = tuple[Any, Any, Any, tuple[tuple[int, Message], ...]]


class Writes(NamedTuple):
    """A step's change to its own local where reads of that local are recorded
    (`System.local_step(own=...)`): the state it goes to (None: it stays) and the variables
    its actions assigned, as (position in the local, value), in the local's order. Applied
    to any local with the values it read, it gives the step's new local
    (check/state/steps.py memoizes field-reading steps on those values)."""

    dest: str | None
    assigned: tuple[tuple[int, Any], ...]

    def apply(self, local: Any) -> Any:
        values = list(local)
        if self.dest is not None:
            values[0] = self.dest
        for position, value in self.assigned:
            values[position] = value
        new = _make(type(local), values)
        return local if new == local else new
