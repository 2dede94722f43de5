"""Timers and transactions: clocks that do not know the future.

A role declares named timers; its actions arm and cancel them (`ctx.arm("hold")`,
`ctx.cancel("hold")`); an armed timer may expire at any step, because no real timer can
tell a slow message from a lost one. Its expiry is a transition of its own role, with a
clause, triggered by `Expiry("hold")`:

    Role(..., timers=[Timer("hold", clause="X.1.6 (silent on the duration)")],
         transitions=[..., Transition(Expiry("hold"), "holding", "idle", clause=...)])

A request can be declared a transaction (SIP REGISTER, a de-registration, INVITE, BYE:
RFC 3261 17.1): sending it arms the transaction's timer, receiving one of its responses
cancels it, and its timeout is a transition triggered by `Timeout(Request)`. The timeout
may come while the request or its response is merely slow; a response that arrives after
it is a reception like any other (handled, ignored, or an unhandled-message finding).

**What is kept and what is abstracted** (SPIN's `timeout`, P's timer machine, UPPAAL's
clocks): durations are not numbers. A timer is armed or not; while armed, its expiry is
enabled in every state, and it is weakly fair (an armed timer that nothing cancels does
expire). Only the order of durations is kept, where the model declares it:
`Timer("resume", outlasts=("Register",))` says the resumption timer runs longer than the
REGISTER transaction. The rule (sound for any durations with that order): *a timer cannot
expire while a shorter one, armed no later than it, is still running.* If B is shorter
than A and was armed at or before A, B ends (expires or is cancelled) before A expires:
armed(B) + d(B) < armed(A) + d(A). Timers armed in one step are armed at the same instant
(a step is atomic), whatever order its actions arm them in. So when A is armed, the
shorter timers running at that moment are recorded with it, and A's expiry waits until
each of them has ended; a shorter timer armed after A constrains nothing. Re-arming a
timer ends its old run (it no longer holds anyone back) and starts a new one. The order is
transitive (A > B > C gives A > C) and must be acyclic. It relates timers and transactions
of one role: across instances, which clock started first is not something either owner
sees, so a bound between two parties' timers is a reading of the text, declared as a
`Param` and explored beside the free timer.

**Durations that are not the role's own clocks** (a `Span` in `outlasts=`): a message's
flight and another party's activity take time too, and a timer may be declared to outlast
them. Such a bound is always a reading (declare the Param that chooses it and explore the
free timer beside it); the engine, not model code, enforces it, by the same rule:

- `Transaction(Register, ..., outlasts=(ROUND_TRIP,))`: the timer outlasts its request's
  round trip (RFC 3261 17.1.2.2: Timer F is 64*T1 against a round trip of about T1). The
  round trip begins when the request is sent, so with the timer: the timeout waits while a
  request of its kind from the owner, or one of its responses to the owner, is in flight.
  A round trip whose message was lost has ended, and the timeout may come. (A response in
  flight from an earlier run began earlier still, so it holds the timeout back soundly.)
- `Span("UE 2's migration", under_way=..., doc=...)`: an activity elsewhere (another
  party's migration, a call's path over several hops). `under_way(world, owner)` returns
  what identifies the run under way (truthy), or a falsy value. When the timer is armed,
  the runs under way then are recorded with it (read in the state before the step: what
  the step sends has not left yet), and its expiry waits while one of them is still under
  way; a run that starts after the timer constrains nothing, as for the role's own timers.
  `under_way` may return a set of runs (one's tail in flight while the next begins).
  `Span(..., with_timer=True)` is a span that the arming step itself starts (a call sent
  over several hops): nothing is recorded, and the expiry waits while it is under way.

The armed timers are part of the role's local state, in its variable `timers` (a sorted
tuple of `Armed` records), so every engine runs them as ordinary model code: the implicit
guard and actions are folded into the role's transitions when it is built (`with_timers`).
A timer still armed when its role enters a state with no transition for its expiry is a
model error (a real timer fires there too): cancel it on the way, or handle its expiry.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from ..errors import ModelError
from .declared import Var, check_clause, check_name, check_text
from .messages import Message

TIMERS = "timers"  # the local variable of a role with timers or transactions


class Armed(NamedTuple):
    """A running timer: its name, and the shorter ones, armed no later, still running
    (its expiry waits for them); `spans`: the runs of spans under way when it was armed,
    as (span name, run)."""

    name: str
    waits_for: tuple[str, ...] = ()
    spans: tuple[tuple[str, Any], ...] = ()
    # A transaction's: the party its request went to, and the elements the request shares
    # with a response kind, as (element, value): what an answer of its own names. Read by
    # the derived step property answer-ends-only-its-transaction (transaction_properties).
    request: tuple[Any, ...] = ()

    def __repr__(self) -> str:
        waits = (*self.waits_for, *(span for span, _ in self.spans))
        return self.name + (f" (outlasts {', '.join(waits)})" if waits else "")


@dataclasses.dataclass(frozen=True)
class Span:
    """A duration that is not a clock of the role: something under way elsewhere that a
    timer is declared to outlast (see the module doc). `under_way(world, owner)`: the run
    under way (truthy, hashable), a set of runs (a run's tail may still be in flight while
    the next begins), or a falsy value; `world` is the read-only view of the state, `owner`
    the timer owner's instance name. Name a run by what stays the same from its start to
    its end (the system migrated to, not a counter that the next run moves on)."""

    name: str
    under_way: Callable[[Any, str], Any]
    doc: str = ""
    with_timer: bool = False
    # Where the bound is a reading explored beside the free timer: `when(params)` says
    # whether the state's parameters choose it. None: always.
    when: Callable[[Any], bool] | None = None

    def __repr__(self) -> str:
        return f"Span({self.name!r})"


@dataclasses.dataclass(frozen=True)
class RoundTrip:
    """`Transaction(..., outlasts=(RoundTrip(when=...),))`: the transaction's timer outlasts
    its request's round trip, where `when(params)` chooses that reading (None: always).
    `relayed(message, owner_locals)`: where relays forward the request and its responses as
    they are, the round trip spans every hop: a message of those kinds in flight on any
    channel for which it says True is part of it. None: the owner's own channels only."""

    when: Callable[[Any], bool] | None = None
    relayed: Callable[[Message, Any], bool] | None = None


ROUND_TRIP = RoundTrip()  # Transaction(..., outlasts=(ROUND_TRIP,)): see the module doc


@dataclasses.dataclass(frozen=True)
class Timer:
    """A named timer of a role. `outlasts`: names of timers or transactions of the same
    role that are shorter than this one (see the module doc for the rule)."""

    name: str
    clause: str = ""
    doc: str = ""
    outlasts: Sequence[str] = ()

    @property
    def words(self) -> str:
        return f"the {self.name} timer"


@dataclasses.dataclass(frozen=True)
class Transaction:
    """A request that ends at its sender in one of `responses` or in a timeout (RFC 3261
    17.1: Timer B for INVITE, Timer F for the others). Its timer is named after the
    request class and may be named in another timer's `outlasts`."""

    request: type[Message]
    responses: Sequence[type[Message]]
    clause: str = ""
    doc: str = ""
    outlasts: Sequence[str] = ()
    # Which received response answers the request under way: `matches(ctx)` (ctx.msg is the
    # response, ctx.v the sender's locals before the step). SIP matches a response to its
    # transaction by branch and Call-ID (RFC 3261 17.1.3); a model whose messages carry no
    # such header matches on what they do carry (the ID called). None: every response of
    # the listed kinds answers it. A response that does not match leaves the timer running.
    matches: Callable[[Any], bool] | None = None
    # Whether the sender awaits the outcome of the request it sends in this step:
    # `awaited(ctx)`. A request no one awaits (a de-registration sent one-way, say) arms no
    # timer: its timeout would change nothing the sender does, and as a step of its own it
    # would only multiply the interleavings. None: every request is awaited.
    awaited: Callable[[Any], bool] | None = None
    # The request's elements an answer of its own repeats, for the derived property
    # answer-ends-only-its-transaction (transaction_properties): None, every element the
    # request shares with a response kind. Name fewer where a relay may retarget the request
    # (a server that forwards a call to another ID: the answer names the new called ID,
    # and SIP still matches it by branch, RFC 3261 16.6, 17.1.3).
    identified_by: Sequence[str] | None = None

    @property
    def name(self) -> str:
        return self.request.__name__ if isinstance(self.request, type) else repr(self.request)

    @property
    def words(self) -> str:
        return f"the {self.request.title} transaction"


@dataclasses.dataclass(frozen=True)
class TimerEvent:
    """A trigger that is not a message: a timer of the role expires."""

    timer: str

    @property
    def event_name(self) -> str:
        return f"{self.timer} expires"

    @property
    def words(self) -> str:
        return f"the {self.timer} timer expires"


@dataclasses.dataclass(frozen=True, init=False)
class Expiry(TimerEvent):
    """`Transition(Expiry("hold"), ...)`: the role's timer "hold" expires."""

    def __init__(self, timer: str) -> None:
        if not isinstance(timer, str) or not timer:
            raise ModelError(f"Expiry({timer!r}) does not name a timer",
                             fix='pass the name of a timer the role declares: Expiry("hold")')
        object.__setattr__(self, "timer", timer)


@dataclasses.dataclass(frozen=True, init=False)
class Timeout(TimerEvent):
    """`Transition(Timeout(Register), ...)`: the REGISTER transaction times out."""

    request: type[Message] = dataclasses.field(default=Message, compare=False)

    def __init__(self, request: type[Message]) -> None:
        if not (isinstance(request, type) and issubclass(request, Message)):
            raise ModelError(f"Timeout({request!r}) does not name a request",
                             fix="pass the Message class of a request the role declares as "
                                 "a Transaction: Timeout(Register)")
        object.__setattr__(self, "timer", request.__name__)
        object.__setattr__(self, "request", request)

    @property
    def event_name(self) -> str:
        return f"{self.timer} times out"

    @property
    def words(self) -> str:
        return f"the {self.request.title} transaction times out"


@dataclasses.dataclass(frozen=True)
class TimerTable:
    """A role's timers and transactions, compiled: what `with_timers` and the step
    context need."""

    role: str
    timers: Mapping[str, Timer | Transaction]
    outlasts: Mapping[str, frozenset[str]]  # transitive: every shorter timer
    requests: Mapping[type[Message], str]  # request class -> its transaction's timer
    responses: Mapping[type[Message], tuple[str, ...]]  # response class -> transactions
    # timer -> the spans it outlasts, its own and those of the shorter timers (transitive)
    spans: Mapping[str, tuple[Span, ...]] = dataclasses.field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.timers)

    def check(self, name: Any) -> str:
        if name not in self.timers:
            raise ModelError(f"has no timer {name!r}", role=self.role,
                             fix=f"declare it in timers=[Timer({name!r}, clause=...)], or use "
                                 f"one of {sorted(self.timers) or 'none declared'}")
        return name


NO_TIMERS = TimerTable("", {}, {}, {}, {})


def compile_timers(role: str, timers: Any, transactions: Any) -> TimerTable:
    """Validate a role's `timers=` and `transactions=` and compile them."""
    decls: dict[str, Timer | Transaction] = {}
    for field, items, kind in (("timers", timers, Timer), ("transactions", transactions,
                                                            Transaction)):
        if items is None:
            continue
        if isinstance(items, str | bytes) or not isinstance(items, Iterable):
            raise ModelError(f"{field}={items!r} is not a list", role=role,
                             fix=f"pass {field}=[{kind.__name__}(...), ...]")
        for item in items:
            if not isinstance(item, kind):
                raise ModelError(f"{field} holds {item!r}, not a {kind.__name__}", role=role,
                                 fix=f"declare each as {kind.__name__}(...)")
            _check_decl(role, item)
            if item.name in decls:
                raise ModelError(f"two timers or transactions are named {item.name!r}",
                                 role=role, fix="give each timer its own name")
            decls[item.name] = item
    direct = {name: frozenset(o for o in d.outlasts if isinstance(o, str))
              for name, d in decls.items()}
    own = {name: own_spans(d, role) for name, d in decls.items()}
    for name, shorter in direct.items():
        for other in shorter:
            if other not in decls:
                raise ModelError(f"timer {name!r} outlasts {other!r}, which the role does not "
                                 "declare", role=role,
                                 fix=f"name timers or transactions of this role: "
                                     f"{sorted(decls)} (a bound between two parties' timers "
                                     "is a reading: declare it as a Param)")
    closure = {name: _closure(name, direct, role) for name in decls}
    requests: dict[type[Message], str] = {}
    responses: dict[type[Message], tuple[str, ...]] = {}
    for d in decls.values():
        if isinstance(d, Transaction):
            requests[d.request] = d.name
            for r in d.responses:
                responses[r] = (*responses.get(r, ()), d.name)
    spans = {name: tuple({s.name: s for other in (name, *sorted(closure[name]))
                          for s in own[other]}.values())
             for name in decls}
    return TimerTable(role, decls, closure, requests, responses,
                      {name: got for name, got in spans.items() if got})


def own_spans(d: Timer | Transaction, role: str) -> tuple[Span, ...]:
    """The spans `d` declares it outlasts: ROUND_TRIP (a transaction's) and Span objects."""
    out: list[Span] = []
    for o in d.outlasts:
        if not isinstance(o, str | RoundTrip | Span):
            raise ModelError(f"timer {d.name!r}: outlasts holds {o!r}", role=role,
                             fix="name a timer or transaction of the role, ROUND_TRIP, or "
                                 "a Span(...)")
        if isinstance(o, RoundTrip):
            if not isinstance(d, Transaction):
                raise ModelError(f"timer {d.name!r} outlasts ROUND_TRIP, which only a "
                                 "transaction has", role=role,
                                 fix="declare the request as a Transaction(..., outlasts="
                                     "(ROUND_TRIP,)), or name a Span for the timer")
            if o.relayed is not None and not callable(o.relayed):
                raise ModelError(f"timer {d.name!r}: RoundTrip(relayed={o.relayed!r}) is not a "
                                 "function", role=role,
                                 fix="pass relayed=lambda message, owner: <whether it is part "
                                     "of the owner's round trip>")
            out.append(_round_trip(d, o))
        elif isinstance(o, Span):
            check_name(o.name, "span name")
            if not callable(o.under_way):
                raise ModelError(f"Span {o.name!r}: under_way={o.under_way!r} is not a "
                                 "function", role=role,
                                 fix="pass under_way=lambda world, owner: <the run under "
                                     "way, or None>")
            out.append(o)
        else:
            continue
        if out[-1].when is not None and not callable(out[-1].when):
            raise ModelError(f"timer {d.name!r}: the span's when={out[-1].when!r} is not a "
                             "function", role=role,
                             fix="pass when=lambda params: params.<reading> == '...'")
    return tuple(out)


def _round_trip(t: Transaction, trip: RoundTrip) -> Span:
    """The round trip of `t`'s request: under way while the request from its owner, or one
    of its responses to its owner, is in flight (on any hop, where it is relayed). It
    begins with the timer."""
    request, responses, relayed = t.request, tuple(t.responses), trip.relayed

    def under_way(world: Any, owner: str) -> bool:
        if relayed is None:
            return bool(world.in_flight(request, sender=owner)) or any(
                world.in_flight(r, to=owner) for r in responses)
        me = world[owner]
        return any(relayed(m, me) for kind in (request, *responses)
                   for _, _, m in world.in_flight(kind))

    return Span("its round trip", under_way,
                doc="the request's flight and its response's", with_timer=True,
                when=trip.when)


def _check_decl(role: str, d: Timer | Transaction) -> None:
    where = {"role": role}
    if isinstance(d, Timer):
        check_name(d.name, "timer name")
    else:
        if not (isinstance(d.request, type) and issubclass(d.request, Message)):
            raise ModelError(f"Transaction request {d.request!r} is not a Message class",
                             **where, fix="pass Transaction(Request, responses=[Ok, ...])")
        if isinstance(d.responses, str | bytes) or not isinstance(d.responses, Iterable) or not all(
                isinstance(r, type) and issubclass(r, Message) for r in d.responses):
            raise ModelError(f"Transaction {d.name}: responses={d.responses!r} is not a list "
                             "of Message classes", **where,
                             fix="list the final responses that end it: responses=[Ok, Failure]")
        if not d.responses:
            raise ModelError(f"Transaction {d.name} has no responses", **where,
                             fix="list the final responses that end it (a request with no "
                                 "response is not a transaction)")
        for field in ("matches", "awaited"):
            got = getattr(d, field)
            if got is not None and not callable(got):
                raise ModelError(f"Transaction {d.name}: {field}={got!r} is not a function",
                                 **where, fix=f"pass {field}=lambda ctx: ..., or leave it out")
        if d.identified_by is not None:
            known = [e.name for e in getattr(d.request, "elements", ())]
            names = d.identified_by
            if isinstance(names, str) or not all(n in known for n in names):
                raise ModelError(f"Transaction {d.name}: identified_by={names!r} names no "
                                 f"element of {d.name} (it has {known})", **where,
                                 fix="name the request's elements an answer of its own "
                                     "repeats, as a tuple: identified_by=('calling_id',)")
    check_clause(d.clause, f"timer {d.name!r}", required=False, **where)
    check_text(d.doc, "doc", **where)
    if isinstance(d.outlasts, str | bytes) or not isinstance(d.outlasts, Iterable):
        raise ModelError(f"timer {d.name!r}: outlasts={d.outlasts!r} is not a list", **where,
                         fix='pass outlasts=("other timer", ...)')


def _closure(name: str, direct: Mapping[str, frozenset[str]], role: str) -> frozenset[str]:
    seen: set[str] = set()
    todo = list(direct[name])
    while todo:
        other = todo.pop()
        if other == name:
            raise ModelError(f"timer {name!r} outlasts itself through outlasts=", role=role,
                             fix="durations are ordered: the outlasts relation must have no "
                                 "cycle")
        if other not in seen:
            seen.add(other)
            todo.extend(direct[other])
    return frozenset(seen)


# -- the armed set as model code changes it (pure functions of the `timers` value) ----------
def arm(table: TimerTable, running: tuple[Armed, ...], name: str) -> tuple[Armed, ...]:
    """Arm (or re-arm) timer `name`: its old run ends, the shorter ones running now are
    what its expiry waits for."""
    table.check(name)
    rest = stop(running, name)
    waits = tuple(sorted(a.name for a in rest if a.name in table.outlasts[name]))
    return tuple(sorted((*rest, Armed(name, waits))))


def arm_in_step(ctx: Any, table: TimerTable, running: tuple[Armed, ...], name: str
                ) -> tuple[Armed, ...]:
    """`arm`, where the timers armed earlier in the same (atomic) step count as armed at
    the same instant: a longer one armed before this one in the step waits for it too;
    and the runs of the spans it outlasts that are under way now are recorded with it."""
    running = arm(table, running, name)
    recorded = _runs_under_way(ctx, table, name)
    if recorded:
        running = tuple(a._replace(spans=recorded) if a.name == name else a
                        for a in running)
    now: set[str] = ctx._armed_now
    longer = {a for a in now if a != name and name in table.outlasts[a]}
    if longer:
        running = tuple(a._replace(waits_for=tuple(sorted({*a.waits_for, name})))
                        if a.name in longer else a for a in running)
    now.add(name)
    return running


def runs(got: Any) -> frozenset[Any]:
    """What `Span.under_way` returned, as the set of runs under way: a falsy value is none,
    a set, tuple or list is several (a migration's tail still in flight while the next one
    starts), anything else is one."""
    if not got:
        return frozenset()
    if isinstance(got, set | frozenset) or (isinstance(got, Sequence)  # in_flight's too
                                            and not isinstance(got, str | bytes)):
        return frozenset(got)
    return frozenset((got,))


def _runs_under_way(ctx: Any, table: TimerTable, name: str) -> tuple[tuple[str, Any], ...]:
    spans = [s for s in table.spans.get(name, ()) if not s.with_timer
             and (s.when is None or s.when(ctx.params))]
    if not spans:
        return ()
    world = ctx.world
    return tuple(sorted(((s.name, run) for s in spans for run in runs(s.under_way(world, ctx.me))),
                        key=repr))


def spans_ended(ctx: Any, table: TimerTable, running: tuple[Armed, ...], name: str) -> bool:
    """Whether every span timer `name` outlasts has ended: the spans that began with it,
    and the runs recorded when it was armed."""
    spans = [s for s in table.spans.get(name, ()) if s.when is None or s.when(ctx.params)]
    if not spans:
        return True
    world = ctx.world
    if any(s.under_way(world, ctx.me) for s in spans if s.with_timer):
        return False
    armed = next((a for a in running if a.name == name), None)
    if armed is None or not armed.spans:
        return True
    # only the spans whose runs were recorded: reading the others would widen the memo key
    recorded = {span for span, _ in armed.spans}
    now = {s.name: runs(s.under_way(world, ctx.me)) for s in spans if s.name in recorded}
    return not any(run in now.get(span, ()) for span, run in armed.spans)


def stop(running: tuple[Armed, ...], name: str) -> tuple[Armed, ...]:
    """Timer `name` ends (cancelled, expired, or its transaction answered): it no longer
    holds any other timer back."""
    if not any(a.name == name for a in running) and not any(name in a.waits_for
                                                            for a in running):
        return running
    return tuple(a._replace(waits_for=tuple(w for w in a.waits_for if w != name))
                 for a in running if a.name != name)


def may_expire(running: tuple[Armed, ...], name: str) -> bool:
    return any(a.name == name and not a.waits_for for a in running)


def is_armed(running: tuple[Armed, ...], name: str) -> bool:
    return any(a.name == name for a in running)


def initially_armed(table: TimerTable, names: Any) -> tuple[Armed, ...]:
    """`Instance(init={"timers": ("resend",)})`: timers armed in the initial state (what
    Stateright's on_start and P's entry action arm), all at the same instant."""
    if isinstance(names, str) or not isinstance(names, Iterable):
        raise ModelError(f"init sets timers to {names!r}, not a list of timer names",
                         role=table.role, fix='pass init={"timers": ("name", ...)}')
    armed = [table.check(n) for n in names]
    return tuple(sorted(Armed(n, tuple(sorted(table.outlasts[n] & set(armed))))
                        for n in dict.fromkeys(armed)))


# -- folding timers into a role's transitions (Role.__init__) -------------------------------
def timer_variable() -> Var:
    return Var(tuple, (), "the timers armed, each with the shorter ones it outlasts")


def handled_in(transitions: Sequence[Any], states: Sequence[str], any_state: str
               ) -> dict[str, frozenset[str]]:
    """state -> the timers whose expiry some transition from that state handles."""
    out: dict[str, set[str]] = {s: set() for s in states}
    for t in transitions:
        if isinstance(t.trigger, TimerEvent):
            for s in states if any_state in t.sources else t.sources:
                out.setdefault(s, set()).add(t.trigger.timer)
    return {s: frozenset(v) for s, v in out.items()}


_DECIDES = {"matches": ("the response answers the request under way",
                        "it answers an earlier request: the timer keeps running"),
            "awaited": ("the sender awaits the request: its timer is armed",
                        "it is sent one-way: no timer")}


def _decided(result: Any, field: str, name: str) -> bool:
    """A Transaction's matches=/awaited= result: True or False. None (a `return` left out)
    and a string (always true, whatever it says) are model errors, as for
    action_constraint= (System.allows): either would decide every step the same way
    without saying so. The step's role and transition are added by the action's guard."""
    if result is None or isinstance(result, (str, bytes)):
        yes, no = _DECIDES[field]
        raise ModelError(f"Transaction {name}: {field}= returned {result!r}, not True or False",
                         fix=f"return True ({yes}) or False ({no}); is a `return` or a "
                             "comparison missing?")
    return bool(result)


def with_timers(t: Any, table: TimerTable, handled: Mapping[str, frozenset[str]]) -> Any:
    """The transition with its timer bookkeeping folded in: an expiry waits until its timer
    may expire and disarms it; a response ends its transactions; a request sent arms its
    transaction; and every step checks that the state it enters handles each timer still
    armed."""
    conditions: tuple[Callable[[Any], bool], ...] = ()
    first: tuple[Callable[[Any], None], ...] = ()
    last: list[Callable[[Any], None]] = []
    if isinstance(t.trigger, TimerEvent):
        name = t.trigger.timer

        if table.spans.get(name):
            def expirable(ctx: Any) -> bool:
                running = getattr(ctx.v, TIMERS)
                return may_expire(running, name) and spans_ended(ctx, table, running, name)
        else:
            def expirable(ctx: Any) -> bool:
                return may_expire(getattr(ctx.v, TIMERS), name)

        def expire(ctx: Any) -> None:
            setattr(ctx.v, TIMERS, stop(getattr(ctx.v, TIMERS), name))

        expirable.__qualname__ = f"{name} is armed and outlasts nothing still running"
        expire.__qualname__ = f"{name} ends"
        conditions, first = (expirable,), (expire,)
    ended = tuple(table.responses.get(t.receives, ())) if t.receives is not None else ()
    if ended:
        def answered(ctx: Any) -> None:
            running = getattr(ctx.v, TIMERS)
            for name in ended:
                matches = table.timers[name].matches  # type: ignore[union-attr]
                if matches is None or _decided(matches(ctx), "matches", name):
                    running = stop(running, name)
            setattr(ctx.v, TIMERS, running)

        answered.__qualname__ = f"a response ends {', '.join(ended)}"
        first += (answered,)
    started = {m: table.requests[m] for m in t.sends if m in table.requests}
    if started:
        def sent(ctx: Any) -> None:
            running = getattr(ctx.v, TIMERS)
            for to, message in ctx._sends:
                name = started.get(type(message))
                if name is None:
                    continue
                awaited = table.timers[name].awaited  # type: ignore[union-attr]
                if awaited is None or _decided(awaited(ctx), "awaited", name):
                    running = arm_in_step(ctx, table, running, name)
                    named = request_names(table.timers[name], to, message)  # type: ignore[arg-type]
                    running = tuple(a._replace(request=named) if a.name == name else a
                                    for a in running)
            setattr(ctx.v, TIMERS, running)

        sent.__qualname__ = f"sending a request starts {', '.join(started.values())}"
        last.append(sent)
    everything = frozenset(table.timers)
    if t.dynamic or t.dest is None or not everything <= handled.get(t.dest, frozenset()):
        def entered(ctx: Any) -> None:
            dest = (ctx._dest or ctx.state) if t.dynamic else \
                ctx.state if t.dest is None else t.dest
            here = handled.get(dest, frozenset())
            for a in getattr(ctx.v, TIMERS):
                if a.name not in here:
                    event = "Timeout" if a.name in table.requests.values() else "Expiry"
                    raise ModelError(
                        f"{table.timers[a.name].words} is still running when the role enters "
                        f"state {dest!r}, where no transition handles its "
                        f"{'timeout' if event == 'Timeout' else 'expiry'} (a real timer fires "
                        "there too)",
                        fix=f"cancel it on the way (ctx.cancel({a.name!r})), or add "
                            f"Transition({event}({a.name}), {dest!r}, ...)")

        entered.__qualname__ = "every timer still armed is handled where the role goes"
        last.append(entered)
    if not (conditions or first or last):
        return t
    fair = t.fair if t.fair is not None or not conditions else "weak"
    return dataclasses.replace(t, conditions=(*conditions, *t.conditions),
                               after=(*first, *t.after, *last), fair=fair)


def check_timer_triggers(role: str, transitions: Sequence[Any], table: TimerTable) -> None:
    """Every Expiry/Timeout names a declared timer of its kind, and every declared timer
    has at least one transition for its expiry."""
    seen: set[str] = set()
    for t in transitions:
        if not isinstance(t.trigger, TimerEvent):
            continue
        name = t.trigger.timer
        decl = table.timers.get(name)
        kind = Transaction if isinstance(t.trigger, Timeout) else Timer
        if not isinstance(decl, kind):
            declared = sorted(n for n, d in table.timers.items() if isinstance(d, kind))
            what = "transaction" if kind is Transaction else "timer"
            raise ModelError(
                f"{t.trigger.event_name}, but the role declares no {what} {name!r}",
                role=role, transition=t.name,
                fix=(f"declare it in {what}s=[...], or use one of {declared}" if declared
                     else f"declare it in {what}s=[...]"))
        seen.add(name)
    for name, decl in table.timers.items():
        if name not in seen:
            event = ("Timeout(" + name + ")" if isinstance(decl, Transaction)
                     else f"Expiry({name!r})")
            raise ModelError(f"{decl.words} never ends on its own: no transition handles it",
                             role=role,
                             fix=f"add Transition({event}, source, dest, clause=...) for what "
                                 "the role does when it expires")


def check_observed_triggers(role: str, transitions: Sequence[Any], table: TimerTable) -> None:
    """A monitor's role (Role(observer=True)) has no clocks: its Timeout triggers observe
    other instances' transactions; an Expiry or a timer of its own has nothing to run it."""
    if table:
        raise ModelError("declares timers or transactions, but observer=True: a monitor has no "
                         "clocks of its own", role=role,
                         fix="drop timers= and transactions= from the monitor's role")
    for t in transitions:
        if isinstance(t.trigger, TimerEvent) and not isinstance(t.trigger, Timeout):
            raise ModelError(f"{t.trigger.event_name}, but a monitor's role has no timers",
                             role=role, transition=t.name,
                             fix="a monitor observes messages and transactions' timeouts "
                                 "(Timeout(Request)) only")


# -- what model code calls (Context and the hypothesis runtime's context share these) -------
def set_timer(ctx: Any, table: TimerTable, name: str, armed: bool) -> None:
    """ctx.arm(name) / ctx.cancel(name): only actions change timers."""
    table.check(name)
    running = getattr(ctx.v, TIMERS, None)
    # a guard sees its local as a tuple, or as a record whose reads are noted (context.py)
    if running is None or not getattr(type(ctx.v), "_mcfsm_writable", False):
        raise ModelError(f"a guard {'arms' if armed else 'cancels'} timer {name!r}",
                         fix="guards only read; arm and cancel timers in `after` actions")
    setattr(ctx.v, TIMERS, arm_in_step(ctx, table, running, name) if armed
            else stop(running, name))


def timer_running(ctx: Any, table: TimerTable, name: str) -> bool:
    """ctx.armed(name): whether the timer (or transaction) is running."""
    table.check(name)
    return is_armed(getattr(ctx.v, TIMERS), name)


# -- an answer ends only its own transaction (issue 58), for every declared transaction ---
ANSWER_ENDS_ONLY_ITS_TRANSACTION = "answer-ends-only-its-transaction"


def shared_elements(t: Transaction) -> tuple[str, ...]:
    """The elements the request shares with one of its response kinds (by name), or those
    its `identified_by` names: what an answer of its own repeats of it."""
    answered = {e.name for r in t.responses for e in getattr(r, "elements", ())}
    return tuple(e.name for e in getattr(t.request, "elements", ()) if e.name in answered
                 and (t.identified_by is None or e.name in t.identified_by))


def request_names(t: Transaction, to: str, message: Message) -> tuple[Any, ...]:
    """What the request under way names that an answer of its own names too: the party it
    went to, and its shared elements as (element, value)."""
    return (to, tuple((e, getattr(message, e)) for e in shared_elements(t)))


def answers_request(named: tuple[Any, ...], sender: str, message: Message) -> bool:
    """Whether `message` (a response kind of the transaction) from `sender` is its own
    answer, judged on the wire alone: it comes from the party the request went to and
    repeats each element of the request it has (an element absent, None, on either side is
    not compared: an optional element the answer leaves out)."""
    to, elements = named
    if sender != to:
        return False
    return all(getattr(message, e) == v for e, v in elements
               if hasattr(message, e) and v is not None and getattr(message, e) is not None)


def transaction_properties(instances: Sequence[Any]) -> list[Any]:
    """The step property derived from every declared Transaction (issue 58: "an answer ends
    only its own transaction" was judged for one model's REGISTER and affiliation only):
    judged on every step in which an instance with transactions receives a response kind of
    one of them, each transaction that ran before the step ends in it exactly when the
    message is its own answer as the wire shows it (answers_request: from the party its
    request went to, repeating the request's elements), unless the step sends a new request
    of its kind (a new transaction). The engine ends a transaction by its declared `matches`
    (with_timers); this property judges that declaration, and `responses=`, against what the
    messages say, so a `matches` that takes another transaction's answer, or misses its
    own, is a violation. One property for the system, none where no role declares a
    transaction."""
    from .properties import step

    owners = {i.name: i.role.timer_table for i in instances
              if not getattr(i, "observer", False) and getattr(i.role, "timer_table", None)
              and any(isinstance(d, Transaction) for d in i.role.timer_table.timers.values())}
    if not owners:
        return expiry_properties(instances)
    kinds = frozenset(r for table in owners.values() for r in table.responses)

    def holds(before: Any, key: Any, after: Any) -> bool:
        table = owners.get(key.actor)
        if table is None or key.kind != "receive" or type(key.message) not in kinds:
            return True
        ran = {a.name: a for a in getattr(before[key.actor], TIMERS)}
        runs_after = {a.name for a in getattr(after[key.actor], TIMERS)}
        sent = {type(m) for _, _, m in after.sent_since(before, sender=key.actor)}
        for name, d in table.timers.items():
            if (not isinstance(d, Transaction) or name not in ran or d.request in sent
                    or not ran[name].request):  # armed in an initial state: no request seen
                continue
            own = type(key.message) in d.responses and answers_request(
                ran[name].request, key.sender, key.message)
            if own == (name in runs_after):
                return False
        return True

    holds.__qualname__ = "each transaction ends exactly in its own answer"
    roles = sorted({i.role.name for i in instances if i.name in owners})
    return [*expiry_properties(instances), step(ANSWER_ENDS_ONLY_ITS_TRANSACTION, holds,
                 clause="RFC 3261 17.1.3 (a response matches the transaction of its request); "
                        "RFC 3261 17.1.1.2, 17.1.2.2",
                 doc="an answer a party receives ends the transaction of its own request (from "
                     "the party the request went to, naming what it named), and only that one "
                     f"(derived from the transactions of {', '.join(roles)})")]


TIMER_WAITS_FOR_WHAT_IT_OUTLASTS = "timer-waits-for-what-it-outlasts"


class _Site:
    """What spans_ended reads of a step's context, from the state before a step."""

    __slots__ = ("me", "params", "world")

    def __init__(self, world: Any, me: str) -> None:
        self.world, self.me, self.params = world, me, world.params


def expiry_properties(instances: Sequence[Any]) -> list[Any]:
    """The step property derived from every timer or transaction declared to outlast
    something (issue 58: a timer made to fire while what it outlasts still ran changed no
    verdict of migration_lifecycle): judged on each step that takes a timer's expiry or a
    transaction's timeout, the timer was armed and outlasted nothing still running before
    it, neither a shorter timer armed no later nor a span (a round trip, another party's
    activity) whose reading the parameters choose. The engine holds the expiry back by the
    same rule (with_timers); this property judges the transitions as the search took them,
    so a model whose timeout fires early (a guard replaced, a transition that takes the
    expiry without it) is a violation. None where no timer outlasts anything."""
    from .properties import step

    timed: dict[str, tuple[TimerTable, dict[str, str]]] = {}
    for i in instances:
        table = getattr(i.role, "timer_table", None)
        if getattr(i, "observer", False) or not table:
            continue
        if not any(table.outlasts.get(n) or table.spans.get(n) for n in table.timers):
            continue
        events = {t.name: t.trigger.timer for t in i.role.transitions
                  if isinstance(t.trigger, TimerEvent)}
        timed[i.name] = (table, events)
    if not timed:
        return []

    def holds(before: Any, key: Any, after: Any) -> bool:
        got = timed.get(key.actor)
        if got is None:
            return True
        table, events = got
        name = events.get(key.transition)
        if name is None:
            return True
        running = getattr(before[key.actor], TIMERS)
        return may_expire(running, name) and spans_ended(_Site(before, key.actor), table,
                                                          running, name)

    holds.__qualname__ = "a timer expires only once what it outlasts has ended"
    return [step(TIMER_WAITS_FOR_WHAT_IT_OUTLASTS, holds,
                 clause="RFC 3261 17.1.2.2 (Timer F, 64*T1, against a round trip of about T1); "
                        "the readings the variant chooses",
                 doc="a timer or transaction timeout expires only while armed and once every "
                     "shorter timer armed no later, and every span it is declared to outlast "
                     "(where the parameters choose that reading), has ended")]
