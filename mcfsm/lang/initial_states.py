"""Initial states beyond a product of independent choices: messages already in flight,
and correlated initial values (issue 22 items 1 and 2).

- `Instance(..., sends=[("b", Ping(n=0))])`: messages the instance has sent before the
  first step, in order (Stateright's `on_start` output buffer, P's start entry, a TLA+
  `Init` with a non-empty network). They sit in the receivers' inboxes under the system's
  network semantics, so charts, FIFO order and the unhandled-message check see them.
- `System(initial_states=fn)`: `fn()` returns the initial configurations, each a mapping
  `{"shared": {var: value}, "<instance>": {var: value, "state": name}}`; what a
  configuration leaves out takes its declared initial value (a single value: a `one_of`
  cannot be combined with correlated states). TLA+'s `Init == \\E x \\in S: a = f(x) /\\
  b = g(x)` is `lambda: [{"a": {"v": f(x)}, "b": {"v": g(x)}} for x in S]`. Parameters
  still multiply: each configuration is explored under each choice.
- A configuration's `"in_flight": [(sender, receiver, message), ...]`: messages in flight
  in that initial state only, in the order sent, after the instances' `sends=` (TLA+
  MCtcp's `Init == \\E node \\in Node: ... /\\ network = ...`: the message in flight depends
  on which initial state is chosen). The system's monitors observe them before the first
  step, as they do the instances' `sends=`.

Counting follows TLC: each configuration is one generated initial state (the total counts
them all), and identical ones are one distinct state.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from ..errors import McfsmError, ModelError
from .declared import check_nesting
from .guard import model_code_error
from .initial import OneOf, alternatives
from .messages import Message

Configuration = Mapping[str, Mapping[str, Any]]


def check_initial_sends(system: Any) -> None:
    """Each instance's `sends=`: (receiver name, Message) pairs to instances of the system."""
    names = {i.name for i in system.instances}
    for inst in system.instances:
        where = f"system {system.name!r}, instance {inst.name!r}"
        for pair in inst.sends:
            if (not isinstance(pair, tuple) or len(pair) != 2 or not isinstance(pair[1], Message)):
                raise ModelError(f"sends contains {pair!r}", where=where,
                                 fix="list (receiver, message) pairs: sends=[('b', Ping(n=0))]")
            to, msg = pair
            if to not in names:
                raise ModelError(f"sends {type(msg).__name__} to unknown instance {to!r}",
                                 where=where, fix=f"send to one of {sorted(names)}")
            try:
                hash(msg)
            except TypeError:
                raise ModelError(f"sends an unhashable message {msg!r}", where=where,
                                 fix="use tuples and frozensets inside messages") from None


def initial_inboxes(system: Any, in_flight: Iterable[tuple[int, str, Message]] = ()
                    ) -> list[Any]:
    """Every instance's inbox before the first step: empty, or holding the declared sends,
    then `in_flight` ((sender index, receiver name, message): a configuration's own)."""
    inboxes = [system._empty_inbox() for _ in system.instances]
    slot = {inst.name: k for k, inst in enumerate(system.instances)}
    sends = [(sender, to, msg) for sender, inst in enumerate(system.instances)
             for to, msg in inst.sends]
    for sender, to, msg in [*sends, *in_flight]:
        inboxes[slot[to]] = system._inbox_add(inboxes[slot[to]], sender, msg)
    return inboxes


IN_FLIGHT = "in_flight"  # a configuration's key for the messages in flight in it


def _in_flight(system: Any, given: Any, where: str) -> tuple[tuple[int, str, Message], ...]:
    """A configuration's `in_flight`: (sender, receiver, message) triples naming instances
    that take steps, as (sender index, receiver name, message), in the order sent."""
    index = {i.name: k for k, i in enumerate(system.instances) if not i.observer}
    fix = ("list (sender, receiver, message) triples in the order sent: "
           "'in_flight': [('client', 'server', Syn(seq=0))]")
    if isinstance(given, str | bytes | Mapping) or not isinstance(given, Iterable):
        raise ModelError(f"in_flight={given!r} is not a list", where=where, fix=fix)
    out = []
    for triple in given:
        if not (isinstance(triple, tuple) and len(triple) == 3
                and isinstance(triple[2], Message)):
            raise ModelError(f"in_flight contains {triple!r}", where=where, fix=fix)
        sender, to, msg = triple
        for who in (sender, to):
            if who not in index:
                raise ModelError(f"in_flight names {who!r}, which is not an instance that "
                                 "takes steps", where=where, fix=f"use one of {sorted(index)}")
        try:
            hash(msg)
        except TypeError:
            raise ModelError(f"in_flight holds an unhashable message {msg!r}", where=where,
                             fix="use tuples and frozensets inside messages") from None
        out.append((index[sender], to, msg))
    return tuple(out)


# What a command's budget allows for enumerating initial_states= (set by commands/common.py's
# budget(): --max-states and --time-limit): every configuration is listed when the system is
# built, before the search, so an endless or slow generator would otherwise never return.
DEFAULT_MAX_CONFIGURATIONS = 1_000_000
_LIMITS: dict[str, Any] = {"configurations": None, "seconds": None}


def limit_initial_states(configurations: int | None, seconds: float | None) -> None:
    _LIMITS["configurations"], _LIMITS["seconds"] = configurations, seconds


class _TimeUp(BaseException):
    """The --time-limit ran out while initial_states= ran (raised by SIGALRM's handler; a
    BaseException, so that model code's `except Exception` does not swallow it)."""


@contextlib.contextmanager
def _alarm(seconds: float | None) -> Iterator[None]:
    """While inside, SIGALRM raises _TimeUp after `seconds`: the initial_states function is
    interrupted where it is (in a `time.sleep`, a loop, a generator's next item), not only
    between the configurations it yields. Only the main thread can take a signal; elsewhere
    the clock is read between configurations (`_listed`) and once the function returns.
    The caller catches _TimeUp outside the block: the alarm may ring in its `finally`."""
    if (seconds is None or not hasattr(signal, "setitimer")
            or threading.current_thread() is not threading.main_thread()):
        yield
        return

    def ring(signum: int, frame: Any) -> None:
        raise _TimeUp

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _listed(configs: Iterable[Any], where: str, out: list[Any],
            deadline: float | None) -> None:
    """The configurations, into `out`; a ModelError past the budget of configurations (an
    endless generator); _TimeUp past the deadline."""
    cap = _LIMITS["configurations"] or DEFAULT_MAX_CONFIGURATIONS
    for config in configs:
        out.append(config)
        if len(out) > cap:
            raise ModelError(f"gave more than {cap:,} configurations (an endless generator?)",
                             where=where,
                             fix="return a finite list: every initial configuration is listed "
                                 "before the search starts (raise --max-states if so many are "
                                 "meant)")
        if deadline is not None and time.monotonic() > deadline:
            raise _TimeUp


def _called(generator: Callable[[], Any], where: str) -> Any:
    """generator() under the model-code guard (lang/guard.py's call_model), letting the
    time limit's _TimeUp through."""
    try:
        return generator()
    except _TimeUp:
        raise
    except BaseException as exc:
        if os.environ.get("MCFSM_DEBUG") and not isinstance(exc, McfsmError):
            raise
        raise model_code_error(exc, what="the initial_states function", fn=generator,
                               where=where) from exc


def correlated(system: Any, generator: Callable[[], Iterable[Configuration]] | None
               ) -> tuple[list[tuple[Any, tuple[Any, ...], tuple[Any, ...]]] | None,
                          str | None]:
    """(the (shared, locals, messages in flight) of each configuration `generator` gives,
    validated, or None
    when the system declares none: the product of one_of alternatives applies; why listing
    them was cut, or None). The command's --time-limit bounds the call: when it runs out,
    the configurations listed so far are kept and the second item says so (the command
    then reports the search cut by its time limit, exit 3, without searching)."""
    if generator is None:
        return None, None
    where = f"system {system.name!r}, initial_states="
    if not callable(generator):
        raise ModelError(f"initial_states={generator!r} is not a function", where=where,
                         fix="pass a function returning a list of configurations: "
                             "initial_states=lambda: [{'a': {'x': 1}, 'b': {'x': 1}}]")
    seconds = _LIMITS["seconds"]
    deadline = None if seconds is None else time.monotonic() + seconds
    configs: list[Any] = []
    cut = None
    try:
        with _alarm(seconds):
            given = _called(generator, where)
            try:
                _listed(given, where, configs, deadline)
            except TypeError:
                raise ModelError(f"returned {given!r}, which is not a list of configurations",
                                 where=where,
                                 fix="return a list of mappings, one per initial state") from None
            if deadline is not None and time.monotonic() > deadline:
                raise _TimeUp  # it caught the alarm itself, or it ran where none rings
    except _TimeUp:
        cut = (f"initial_states= was still listing the initial configurations when the "
               f"--time-limit of {seconds:g} s ran out ({len(configs):,} listed)")
    if cut is not None:
        return [], cut  # nothing is searched: part of a listing is not the initial states
    if not configs:
        raise ModelError("returned no configuration: the system would have no initial state",
                         where=where, fix="return at least one mapping")
    instances = {i.name: i for i in system.instances}
    if IN_FLIGHT in instances:
        raise ModelError(f"has an instance named {IN_FLIGHT!r}, the key of a configuration's "
                         "messages in flight", where=where, fix="rename that instance")
    allowed = {"shared", IN_FLIGHT, *instances}
    out = []
    for n, config in enumerate(configs):
        at = f"{where} configuration {n}"
        if not isinstance(config, Mapping):
            raise ModelError(f"{config!r} is not a mapping", where=at,
                             fix="{'shared': {...}, 'instance name': {'var': value}, "
                                 "'in_flight': [(sender, receiver, message)]}")
        if not allowed.issuperset(config):  # (a set test: CoffeeCan lists 501,500 of them)
            unknown = sorted(k for k in config if k not in allowed)
            raise ModelError(f"names {unknown[0]!r}, which is neither 'shared' nor an "
                             f"instance (nor {IN_FLIGHT!r})", where=at,
                             fix=f"use 'shared', {IN_FLIGHT!r} or one of {sorted(instances)}")
        in_flight = _in_flight(system, config[IN_FLIGHT], at) if IN_FLIGHT in config else ()
        shared = _values(system.shared, config.get("shared", {}), at + ", shared", None)
        locals_ = []
        for name, inst in instances.items():
            given = dict(config.get(name, {}))
            state = given.pop("state", inst.role.initial)
            if state not in inst.role.states:
                raise ModelError(f"sets {name!r} to state {state!r}, which role "
                                 f"{inst.role.name!r} does not declare", where=at,
                                 fix=f"use one of {list(inst.role.states)}")
            values = _values(inst.role.variables, {**inst.init, **given}, f"{at}, {name}",
                             inst.role.name)
            locals_.append(inst.role.Local(state, *values))
        out.append((system._Shared(*shared), tuple(locals_), in_flight))
    return out, None  # TLC: each generated initial state counts in the total, duplicates included


def _values(declared: Mapping[str, Any], given: Mapping[str, Any], where: str,
            role: str | None) -> list[Any]:
    if not isinstance(given, Mapping):
        raise ModelError(f"gives {given!r}, not a mapping of variables", where=where,
                         fix="{'variable': value, ...}")
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise ModelError(f"sets unknown variable {unknown[0]!r}", where=where, role=role,
                         fix=f"use one of {sorted(declared)}")
    out = []
    for var, decl in declared.items():
        value = given[var] if var in given else decl.initial
        if isinstance(value, OneOf) and len(alternatives(value)) > 1:
            raise ModelError(f"leaves {var!r} out, whose declared initial value is a one_of",
                             where=where, role=role,
                             fix="give every one_of variable its value in each configuration")
        value = alternatives(value)[0]
        if not isinstance(value, decl.type):
            raise ModelError(f"sets {var!r} to {value!r}, not of its declared type", where=where,
                             role=role, fix="give a value of the declared type")
        if isinstance(value, tuple | frozenset | list | set):  # a scalar nests nothing
            check_nesting(value, f"variable {var!r}", where=where)
        try:
            hash(value)
        except TypeError:
            raise ModelError(f"sets {var!r} to an unhashable {value!r}", where=where, role=role,
                             fix="use tuples and frozensets, not lists or sets") from None
        out.append(value)
    return out
