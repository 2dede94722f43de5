"""Symmetry declarations (TLC's SYMMETRY, Stateright's symmetry sets): `System(...,
symmetry=[("r1", "r2", "r3")])` declares each set's instances interchangeable, and the
explorer then stores one state per orbit of the group of all permutations of each set
(check/state/symmetry.py).

A permutation renames an instance everywhere, as TLC renames a model value: its local and
its inbox move to the instance it becomes, and every occurrence of its name inside a value
(params, shared variables, locals, messages' fields, tuples, frozensets, records) and of
its index as a sender inside an inbox is renamed. A local's first field is its state name,
never renamed. This module checks the declaration and renames values; it knows nothing of
the search.
"""

from __future__ import annotations

import copy
import dataclasses
import enum
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from ..errors import ModelError
from .messages import Message
from .records import Network, StepKey

# `system` below is the System that asks (typed Any: this module stays below system.py).
System = Any
SymmetryDecl = Sequence[Iterable[str]]

_PLAIN = (bool, int, float, complex, bytes, type(None), enum.Enum)


def check_symmetry(system: System, declared: SymmetryDecl | None) -> tuple[tuple[str, ...], ...]:
    """The declared sets of interchangeable instances, checked: each a set of two or more
    instances of one role with the same init and initial sends (up to renaming), no name
    in two sets. A ModelError with a fix-it otherwise."""
    where = f"system {system.name!r}"
    fix_form = 'pass symmetry=[("r1", "r2", "r3")]: each tuple a set of instance names'
    if declared is None:
        return ()
    if isinstance(declared, str | bytes) or not isinstance(declared, Iterable):
        raise ModelError(f"symmetry={declared!r} is not a list of sets of instance names",
                         where=where, fix=fix_form)
    by_name = {inst.name: inst for inst in system.instances}
    monitors = {m.name for m in system.monitors}
    taken: dict[str, int] = {}
    sets: list[tuple[str, ...]] = []
    for number, names in enumerate(declared, 1):
        if isinstance(names, str | bytes) or not isinstance(names, Iterable):
            raise ModelError(f"symmetry set {number} is {names!r}, not a tuple of instance "
                             "names", where=where, fix=fix_form)
        names = tuple(names)
        unknown = [name for name in names if name not in by_name]
        if unknown and len(unknown) == len(names) and len(names) > 1:
            # TLC's Permutations(Value) over data values: the way that works (a permutation
            # renames an instance's name wherever it occurs in a value)
            shown = ", ".join(repr(n) for n in names)
            raise ModelError(
                f"symmetry set {number} names {shown}, none of them an instance: a symmetry "
                "over data values (TLC's Permutations(Value)) is declared on instances",
                where=where,
                fix="declare each value as an instance of a role that takes no step, "
                    "VALUE = Role('value', states=['v'], initial='v', final=['v'], "
                    "transitions=[]), instances=[..., *(Instance(v, VALUE) for v in "
                    f"({shown}))], and use those names as the values: a permutation renames "
                    "an instance's name wherever it occurs in a variable, a message or a "
                    "parameter")
        for name in names:
            if name not in by_name:
                raise ModelError(f"symmetry set {number} names {name!r}, which is no instance",
                                 where=where, fix=f"use instance names: {sorted(by_name)}")
            if name in monitors:
                raise ModelError(f"symmetry set {number} names the monitor {name!r}", where=where,
                                 fix="declare role instances only: a monitor observes all of "
                                     "them and is never interchangeable")
            if name in taken:
                raise ModelError(f"instance {name!r} is in symmetry sets {taken[name]} and "
                                 f"{number}", where=where,
                                 fix="put each instance in one set (merge the two sets if all "
                                     "their instances are interchangeable)")
            taken[name] = number
        if len(set(names)) != len(names):
            raise ModelError(f"symmetry set {number} names an instance twice: {names}",
                             where=where, fix="name each instance once")
        if len(names) < 2:
            raise ModelError(f"symmetry set {number} has {len(names)} instance {names}: there "
                             "is nothing to permute", where=where,
                             fix="declare two or more interchangeable instances, or drop the set")
        first = by_name[names[0]]
        for name in names[1:]:
            other = by_name[name]
            _same_declaration(system, first.name, other.name, where, number)
        sets.append(names)
    return tuple(sets)


def _same_declaration(system: System, a: str, b: str, where: str, number: int) -> None:
    """Instances a and b are interchangeable as declared: one role, and b's init and
    initial sends are a's with a and b swapped."""
    first, other = system.instance(a), system.instance(b)
    fix = f"declare {a!r} and {b!r} alike, or leave them out of one symmetry set"
    if first.role is not other.role and first.role.name != other.role.name:
        raise ModelError(f"symmetry set {number}: {a!r} runs role {first.role.name!r} and "
                         f"{b!r} runs {other.role.name!r}", where=where, fix=fix)
    if first.role is not other.role:
        raise ModelError(f"symmetry set {number}: {a!r} and {b!r} run different Role objects "
                         f"named {first.role.name!r} (a switch-off or another build of the "
                         "role)", where=where, fix=fix)
    swap = {a: b, b: a}
    if renamed(dict(first.init), swap) != dict(other.init):
        raise ModelError(f"symmetry set {number}: {a!r} has init={dict(first.init)!r} and "
                         f"{b!r} init={dict(other.init)!r}", where=where, fix=fix)
    if renamed(first.sends, swap) != other.sends:
        raise ModelError(f"symmetry set {number}: {a!r} sends {first.sends!r} initially and "
                         f"{b!r} sends {other.sends!r}", where=where, fix=fix)


def renamed(value: Any, names: dict[str, str], memo: dict[Any, Any] | None = None) -> Any:
    """`value` with every instance name in it renamed through `names` (the value itself
    when nothing in it changes). A value mcfsm cannot see into is an error, since a name
    hidden in it would not be renamed. `memo`, kept by the caller for one `names`, holds
    the renamed compound values met so far, at every depth: the states of a search share
    most of their parts (Paxos's message sets differ by a message or two, each message a
    tuple met in thousands of sets), so each part is renamed once, not once per set."""
    if isinstance(value, str):
        return names.get(value, value)
    if isinstance(value, _PLAIN):
        return value
    if memo is None:
        return _renamed_inside(value, names, None)
    try:
        out = memo.get(value)
    except TypeError:  # unhashable (an init mapping, a dataclass that is not frozen)
        return _renamed_inside(value, names, None)
    if out is None:
        out = memo[value] = _renamed_inside(value, names, memo)
    return out


def _renamed_inside(value: Any, names: dict[str, str], memo: dict[Any, Any] | None) -> Any:
    """`renamed` of a value that is neither a string nor plain, its parts through `memo`."""
    if isinstance(value, tuple):
        items = [renamed(v, names, memo) for v in value]
        if all(x is y for x, y in zip(items, value)):
            return value
        return tuple.__new__(type(value), items) if hasattr(value, "_fields") else tuple(items)
    if isinstance(value, frozenset):
        items = [renamed(v, names, memo) for v in value]
        return value if all(x is y for x, y in zip(items, value)) else frozenset(items)
    if isinstance(value, dict):  # an init mapping (checked when the system is built)
        return {renamed(k, names): renamed(v, names) for k, v in value.items()}
    if isinstance(value, Message):
        fields = {e.name: getattr(value, e.name) for e in value.elements}
        new = {k: renamed(v, names, memo) for k, v in fields.items()}
        if all(new[k] is fields[k] for k in fields):
            return value
        return type(value)(**new)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        new = {k: renamed(v, names, memo) for k, v in fields.items()}
        if all(new[k] is fields[k] for k in fields):
            return value
        out = copy.copy(value)
        for k, v in new.items():
            object.__setattr__(out, k, v)
        return out
    raise ModelError(f"symmetry cannot look inside a value of type {type(value).__name__} "
                     f"({value!r}) to rename the instances in it",
                     fix="hold states in str, int, bool, None, tuples, frozensets, messages "
                         "or frozen dataclasses, or drop symmetry=")


class Renaming:
    """One permutation of the instances, applied to states, slots and steps. `perm[k]` is
    the index instance k becomes (k itself outside the symmetry sets)."""

    def __init__(self, system: System, perm: tuple[int, ...]) -> None:
        self.system = system
        self.perm = perm
        inst = system.instances
        self.names = {inst[k].name: inst[j].name for k, j in enumerate(perm) if j != k}
        self.identity = not self.names
        self.network = system.network
        self._states: dict[tuple[int, Any], Any] = {}  # state(): (slot, value) -> renamed
        self._parts: dict[Any, Any] = {}  # renamed()'s memo of compound values

    def value(self, value: Any) -> Any:
        return value if self.identity else renamed(value, self.names, self._parts)

    def local(self, local: Any) -> Any:
        """A local (state, *variables): the state name stays."""
        if self.identity:
            return local
        rest = renamed(tuple(local[1:]), self.names, self._parts)
        if all(x is y for x, y in zip(rest, local[1:])):
            return local
        return tuple.__new__(type(local), (local[0], *rest))

    def inbox(self, inbox: Any) -> Any:
        """An inbox with its senders and messages renamed (kept in the network's order)."""
        if self.identity:
            return inbox
        perm, value, net = self.perm, self.value, self.network
        if net is Network.FIFO:
            return tuple(sorted(((perm[s], tuple(value(m) for m in queue))
                                 for s, queue in inbox), key=lambda e: e[0]))
        if net is Network.INBOX:
            return tuple((perm[s], value(m)) for s, m in inbox)
        if net is Network.BAG:
            return frozenset(((perm[s], value(m)), c) for (s, m), c in inbox)
        return frozenset((perm[s], value(m)) for s, m in inbox)

    def slot(self, slot: int, value: Any) -> Any:
        """The value of `slot` renamed (it belongs in slot target(slot) afterwards)."""
        n = len(self.perm)
        if slot < 2:
            return self.value(value)
        if slot < 2 + n:
            return self.local(value)
        return self.inbox(value)

    def target(self, slot: int) -> int:
        """Where the content of `slot` goes: an instance's local or inbox moves with it."""
        n = len(self.perm)
        if slot < 2:
            return slot
        if slot < 2 + n:
            return 2 + self.perm[slot - 2]
        return 2 + n + self.perm[slot - 2 - n]

    def state(self, state: tuple) -> tuple:
        """A whole state renamed (its slot values memoized: states share most of them)."""
        out = list(state)
        memo = self._states
        for slot, value in enumerate(state):
            new = memo.get((slot, value))
            if new is None:
                new = memo[(slot, value)] = self.slot(slot, value)
            out[self.target(slot)] = new
        return tuple(out)

    def key(self, key: StepKey) -> StepKey:
        """A step's key renamed: its actor, sender, message and argument."""
        if self.identity:
            return key
        names = self.names
        return key._replace(actor=names.get(key.actor, key.actor),
                            sender=None if key.sender is None else names.get(key.sender,
                                                                             key.sender),
                            message=self.value(key.message), arg=self.value(key.arg))


class Marking:
    """A value as one instance sees itself in it: that instance's name (and sender index)
    replaced by a mark for "me", every other instance of a symmetry set by a mark for
    "another of set j", and an inbox as the multiset of its (sender, messages). It is the
    same for instance k in a state and for g(k) in g(state), whatever the permutation g,
    so it can order interchangeable instances (check/state/symmetry.py's signatures)."""

    def __init__(self, system: System, k: int) -> None:
        self.network = system.network
        me = system.instances[k].name
        self.names: dict[str, str] = {}
        self.senders: dict[int, int] = {}
        self._parts: dict[Any, Any] = {}  # renamed()'s memo of compound values
        index = {name: j for j, name in enumerate(system.instance_names)}
        for number, names in enumerate(system.symmetry):
            for name in names:
                self.names[name] = "\0me" if name == me else f"\0another of set {number + 1}"
                self.senders[index[name]] = -1 if name == me else -2 - number

    def slot(self, slot: int, n: int, value: Any) -> Any:
        """The marked value of a slot (n instances): params, shared, a local, an inbox."""
        names, memo = self.names, self._parts
        if slot < 2:
            return renamed(value, names, memo)
        if slot < 2 + n:
            return (value[0], renamed(tuple(value[1:]), names, memo))
        senders, net = self.senders, self.network
        if net is Network.FIFO:
            return frozenset(Counter((senders.get(s, s), renamed(queue, names, memo))
                                     for s, queue in value).items())
        if net is Network.INBOX:
            return tuple((senders.get(s, s), renamed(m, names, memo)) for s, m in value)
        if net is Network.BAG:
            return frozenset(_bag_marked(value, senders, names, memo).items())
        return frozenset((senders.get(s, s), renamed(m, names, memo)) for s, m in value)


def _bag_marked(value: Any, senders: dict[int, int], names: dict[str, str],
                memo: dict[Any, Any]) -> Counter:
    out: Counter = Counter()
    for (s, m), c in value:
        out[(senders.get(s, s), renamed(m, names, memo))] += c
    return out
