"""State predicates (always/sometimes properties, the state constraint) memoized on what
they read: fields of records, slots, and for `in_flight` the envelopes of each inbox that
pass its filter.

A predicate sees the state through a View; most read a few fields of a few instances
(`view["client1"].state`), the params, the shared variables or some inboxes
(`view.in_flight(...)`). Its result is a function of the values it read, so it is memoized
in a decision tree: a node names the next field (or whole slot) the predicate read and
branches on its value (a field's, through projections.py, so a local that changed in
other fields takes the same branch); a leaf is the result. Evaluating walks the tree on
the state's indices and runs the predicate only when the walk falls off the tree (then it
records what it read, in order, and adds the path).
This assumes, as model checking does anyway, that predicates are deterministic; a
predicate that reads a different slot where the tree expects another is no longer
memoized. A predicate that reads the whole state (`view.state`, or a View method this
module does not know) is not memoized either, nor one that misses the tree in more than
half of its first 2,048 evaluations or of any 16,384 after those: a miss costs the call
plus the recording, and a predicate reading every inbox, say, is new on almost every
state, so it is then called directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...errors import ModelError
from ...lang.context import Envelopes, ReadRecord, hidden_slot
from ...lang.guard import function_line, model_code_error, none_result_error
from ...lang.properties import Property
from ...lang.system import State, StepKey, System, View
from .projections import ANY, ELEMENT, Projections

_WHOLE = -1  # recorded when a predicate reads the whole state
_FIRST_WINDOW = 1 << 11  # evaluations before the first judgement of whether the memo pays
_WINDOW = 1 << 14  # evaluations per later judgement
# The share of misses that stops memoizing: three quarters in the first window (the first
# BFS levels are mostly new, and each partition of a split search meets nearly every
# projection while judging only its share of the states), half in later ones.
_FIRST_MISS_SHARE, _MISS_SHARE = 0.75, 0.5
# Plain evaluations before a memo turned off for its misses is tried again (a first window
# afresh), doubling after each try that fails: its misses came from the first levels,
# which are mostly new, and need not last. Kept off for good, one partition of a split
# search judged its whole share in Python and held up every level (issue 73: TwoPhase 9
# shared by 2 at 0.54x the single search, its CPU doubled); a try that fails costs one
# first window of recording evaluations, at most one in nine after the first.
_REPROBE = 1 << 14


class _RecordingView(View):
    """A View that records which slots are read, in order of first read."""

    __slots__ = ("_actor", "_full", "_offset", "_sendable", "reads")

    def __init__(self, system: System, state: State, reads: list[Any] | None = None,
                 offset: int = 0) -> None:
        self._system = system
        _FULL.set(self, state)
        # The state after a step of a transition (_StepViews): its actor, and the message
        # types the transition may send (its sends=, which the engine enforces).
        self._actor: str | None = None
        self._sendable: tuple[type, ...] | None = None
        # slots, or (inbox slot, type, sender) projections; a step's two views share one
        # list, the state after the step's slots counted from `offset` (MemoStep)
        self.reads: list[Any] = [] if reads is None else reads
        self._offset = offset

    def _read(self, key: Any) -> None:
        if self._offset:
            key = key + self._offset if key.__class__ is int else (key[0] + self._offset,
                                                                   *key[1:])
        if key not in self.reads:
            self.reads.append(key)

    @property  # type: ignore[override]
    def state(self) -> State:
        self.reads.append(_WHOLE)
        return _FULL.get(self)  # type: ignore[no-any-return]

    def __getitem__(self, instance: str) -> Any:
        slot = self._system._local_slot.get(instance)
        if slot is None:
            return View(self._system, _FULL.get(self))[instance]  # raises the usual error
        return _RecordedRecord(self, slot)

    @property
    def params(self) -> Any:
        return _RecordedRecord(self, 0)

    @property
    def shared(self) -> Any:
        return _RecordedRecord(self, 1)

    def in_flight(self, message_type: Any = None, *, to: str | None = None,
                  sender: str | None = None) -> list[tuple[str, str, Any]]:
        system = self._system
        slots = self._inbox_slots(to)
        # What the predicate sees of each inbox is only the envelopes that pass the filter:
        # the memo branches on that projection, so an inbox that changed in other messages
        # (or holds none of this type, the common case) still hits. And only when it uses
        # them: asked only whether any is in flight, it reads whether each inbox holds one.
        def read(slot: int, any_: bool) -> None:
            self._read((slot, message_type, sender, ANY) if any_ else
                       (slot, message_type, sender))
        return Envelopes(system, _FULL.get(self), slots, message_type, to, sender, read)  # type: ignore[return-value]

    def in_flight_values(self, message_type: Any, element: str, *, to: str | None = None,
                         sender: str | None = None) -> list[Any]:
        # the memo branches on the values alone (projections.py, ELEMENT)
        for slot in self._inbox_slots(to):
            self._read((slot, message_type, sender, (ELEMENT, element)))
        # through a plain view: this view's `state` would record a read of the whole state
        return View(self._system, _FULL.get(self)).in_flight_values(message_type, element, to=to,
                                                                sender=sender)

    def _inbox_slots(self, to: str | None) -> tuple[int, ...]:
        """The inbox slots a read addressed `to` looks at (every inbox for None; an unknown
        name reads all of them, and the plain View's listing raises the usual error)."""
        inbox = self._system._inbox_slot
        return (inbox[to],) if to in inbox else tuple(inbox.values())

    def sent_since(self, before: View, message_type: Any = None, *, to: str | None = None,
                   sender: str | None = None) -> list[tuple[str, str, Any]]:
        """A step's two views (MemoStep) read only what the step put in the inboxes: one
        node for the call, branching on what was put in the inboxes it changed (found from
        the pairs of indices before and after), where in_flight on both views would read
        both projections of every inbox."""
        if not (isinstance(before, _RecordingView) and before.reads is self.reads
                and self._offset and not before._offset):
            return super().sent_since(before, message_type, to=to, sender=sender)
        sendable = self._sendable
        if sendable is not None and ((sender is not None and sender != self._actor) or not any(
                message_type is None or issubclass(kind, message_type) for kind in sendable)):
            # the step's transition cannot have sent such a message: nothing to read, so
            # the memo of this step id becomes a leaf (most steps send nothing watched)
            return []
        system = self._system
        key = (-1, message_type, sender, self._inbox_slots(to))
        if key not in self.reads:
            self.reads.append(key)
        return View(system, _FULL.get(self)).sent_since(View(system, _FULL.get(before)),
                                                           message_type,
                                                   to=to, sender=sender)


_FULL = hidden_slot(_RecordingView, "_full", instead="the View's instances, params, shared "
                    "variables and in_flight")


class _RecordedRecord(ReadRecord):
    """An instance's local, the params or the shared variables as a recording view hands
    them out: a field read is noted (slot, field), so the memo branches on that field's
    value and a state whose record differs in other fields still hits (a property that
    reads a client's `state` is not judged again when its counters change); any other use
    notes the whole slot."""

    __slots__ = ("_view",)

    def __init__(self, view: _RecordingView, slot: int) -> None:
        super().__init__(_FULL.get(view)[slot], slot)
        self._view = view

    def _note(self, field: str | None) -> None:
        self._view._read(self._slot if field is None else (self._slot, field))


class MemoPredicate:
    """One predicate of a View, memoized on the fields and slots it reads (and on the
    projections of the inboxes it reads through `in_flight`)."""

    __slots__ = ("_evaluations", "_misses", "_plain_left", "_project", "_reprobe", "_root",
                 "_unpaid", "_window", "fn", "memoize", "on_error", "slot_mask", "system")

    def __init__(self, system: System, fn: Callable[[View], Any], memoize: bool = True,
                 projections: Projections | None = None,
                 on_error: Callable[[BaseException], BaseException] | None = None) -> None:
        self.system = system
        self.fn = fn
        # The model-code guard: turns what the predicate raises (or a None result, passed
        # as None) into the error to raise instead; None lets it through unchanged.
        self.on_error = on_error
        # Without projections (no store values to project), in_flight reads are not memoized.
        self._project = projections
        self.memoize = memoize
        self._root: Any = None  # None: empty; [slot, {index: child}]: a node; else a leaf
        # The slots any path of the tree reads, a bit per slot (-1: some read names no one
        # slot); read only while memoized. Once the tree has a path, the predicate's result on a
        # state is a function of these slots, so a state that agrees on them with one
        # already judged has its result (`unchanged_for`).
        self.slot_mask = 0
        self._evaluations = 0
        self._misses = 0
        self._window = _FIRST_WINDOW
        self._unpaid = False  # memoize turned off for its misses alone (`restart`)
        self._reprobe = _REPROBE  # plain evaluations before the next try, once unpaid
        self._plain_left = 0  # those left before it

    def __call__(self, idxs: Any, decode: Callable[[Any], State]) -> bool:
        if not self.memoize:
            if self._unpaid:
                self._plain_left -= 1
                if self._plain_left <= 0:  # tried again from a first window (_REPROBE)
                    self._memoize_again()
                    return self(idxs, decode)
            return self._call(self._plain(decode(idxs)))
        # A node is [slot, {index: child}, None], or [(inbox slot, type, sender),
        # {projection id: child}, that key's projection table], or [(-1, type, sender,
        # inbox slots), {what a step put there: child}, those inboxes' tables of the step's
        # differences]; anything else is a leaf.
        node = self._root
        while node.__class__ is list:
            table = node[2]
            if table is None:
                child = node[1].get(idxs[node[0]])
            elif node[0][0] >= 0:
                idx = idxs[node[0][0]]
                pid = table.get(idx)
                if pid is None:
                    pid = self._project(node[0], idx)  # type: ignore[misc]
                child = node[1].get(pid)
            else:  # what a step put in the inboxes (sent_since): before and after
                child = node[1].get(self._project.sent(node[0], idxs))  # type: ignore[union-attr]
            if child is None:
                break
            node = child
        else:
            if node is not None:
                self._evaluations += 1
                return node  # type: ignore[no-any-return]
        return self._miss(idxs, decode(idxs))

    def _plain(self, state: Any) -> Any:
        """What the predicate is called with (a View; two for a step: MemoStep)."""
        return View(self.system, state)

    def _recording(self, state: Any) -> Any:
        """The same, recording what is read (`.reads`)."""
        return _RecordingView(self.system, state)

    def _call(self, view: Any) -> bool:
        try:
            result = self.fn(view)
            if isinstance(result, (str, bytes)):  # always true: a comparison left out
                raise NotATruthValueError(result)
            # inside the guard: a result's __bool__ may raise too (an array's truth value)
            truth = None if result is None else bool(result)
        except BaseException as exc:
            if self.on_error is None:
                raise
            raise self.on_error(exc) from exc
        if truth is None:
            if self.on_error is not None:
                raise self.on_error(None)  # type: ignore[arg-type]
            return False
        return truth

    def _node(self, key: Any) -> list[Any]:
        if key.__class__ is int:
            return [key, {}, None]
        if key[0] < 0:  # sent_since: the tables of the step's differences, inbox by inbox
            return [key, {}, [self._project.table((-1 - slot, *key[1:3]))  # type: ignore[union-attr]
                              for slot in key[3]]]
        return [key, {}, self._project.table(key)]  # type: ignore[union-attr]

    def _miss(self, idxs: Any, state: State) -> bool:
        view = self._recording(state)
        result = self._call(view)
        self._evaluations += 1
        self._misses += 1
        reads = view.reads
        if self._evaluations >= self._window:
            share = _FIRST_MISS_SHARE if self._window == _FIRST_WINDOW else _MISS_SHARE
            if self._misses > share * self._evaluations:
                self.memoize = False
                self._root = None
                self._unpaid = True
                self._plain_left, self._reprobe = self._reprobe, 2 * self._reprobe
                return result
            self._evaluations = self._misses = 0
            self._window = _WINDOW
        if _WHOLE in reads or (self._project is None and any(
                r.__class__ is not int for r in reads)):
            self.memoize = False
            self._root = None
            return result
        project = self._project
        branch = [idxs[r] if r.__class__ is int else project(r, idxs[r[0]]) if r[0] >= 0  # type: ignore[misc]
                  else project.sent(r, idxs)  # type: ignore[union-attr]
                  for r in reads]
        if not reads:
            self._root = result
            self.slot_mask = 0  # a constant: it reads nothing
            return result
        if self._root is None:
            self._root = self._node(reads[0])
        node = self._root
        for depth, slot in enumerate(reads):
            if node.__class__ is not list or node[0] != slot:
                # The walk met a different slot (or a leaf) where this run read `slot`:
                # the predicate is not a function of what it reads; stop memoizing it.
                self.memoize = False
                self._root = None
                return result
            children = node[1]
            if depth == len(reads) - 1:
                children[branch[depth]] = result
            else:
                child = children.get(branch[depth])
                if child is None:
                    child = children[branch[depth]] = self._node(reads[depth + 1])
                node = child
        self.slot_mask = _mask(reads, self.slot_mask)
        return result

    def restart(self) -> None:
        """A new search on the same interning tables (explorer.SharedTables): whether the
        memo pays is judged again from its first window, as for a fresh memo, and one
        turned off for its misses alone starts again (turned off for what it reads, it
        stays off)."""
        if self._unpaid:
            self._memoize_again()
        self._evaluations = self._misses = 0
        self._window = _FIRST_WINDOW
        self._reprobe = _REPROBE

    def _memoize_again(self) -> None:
        """Memoize again, a memo turned off for its misses alone, judged from a first window."""
        self.memoize, self._root, self.slot_mask, self._unpaid = True, None, 0, False
        self._evaluations = self._misses = 0
        self._window = _FIRST_WINDOW

    def keeps(self, changed: int) -> bool:
        """Whether the result on a state equals the result on a state already judged that
        differs from it only in the slots of `changed` (a bit per slot): the tree reads
        none of them. A run that read other slots would have added its path (and their
        bits) to the tree, so the walk on either state reads the same slots and values."""
        return self.memoize and self._root is not None and not self.slot_mask & changed

    def unchanged_for(self, changed: int) -> bool:
        """`keeps`, counted as the hit the walk would have been."""
        if self.keeps(changed):
            self._evaluations += 1
            return True
        return False


def _mask(reads: list[Any], mask: int) -> int:
    """`mask` with the bits of the slots `reads` names (an inbox projection names its inbox
    slot); -1 (every bit) when a read names no one slot (what a step put in its inboxes)."""
    for r in reads:
        slot = r if r.__class__ is int else r[0]
        mask |= -1 if slot < 0 else 1 << slot
    return mask


class _StepViews:
    """The two recording views of one step, sharing one list of reads."""

    __slots__ = ("after", "before", "reads")

    def __init__(self, system: System, before: State, after: State, width: int,
                 actor: str | None = None, sendable: tuple[type, ...] | None = None) -> None:
        self.reads: list[Any] = []
        self.before = _RecordingView(system, before, self.reads)
        self.after = _RecordingView(system, after, self.reads, width)
        self.after._actor, self.after._sendable = actor, sendable


class _StepProjections:
    """Projections of a step's combined index vector (before, then after): an inbox of the
    state after is the same inbox slot, `width` further on."""

    def __init__(self, base: Projections, width: int) -> None:
        self.base = base
        self.width = width

    def _key(self, key: tuple) -> tuple:
        if key[0] < 0:  # a difference between before and after: keyed on the inbox itself
            return key
        return (key[0] % self.width, *key[1:])

    def table(self, key: tuple) -> dict[int, int]:
        return self.base.table(self._key(key))

    def __call__(self, key: tuple, idx: int) -> int:
        return self.base(self._key(key), idx)

    def sent(self, key: tuple, idxs: Any) -> Any:
        return self.base.sent(key, idxs)


class _StepTree(MemoPredicate):
    """One step property for one step id: a MemoPredicate over the step's combined index
    vector (the slots of the state before, then those of the state after)."""

    __slots__ = ("key", "sendable", "width")

    def __init__(self, system: System, p: Property, key: StepKey, memoize: bool,
                 projections: _StepProjections, width: int) -> None:
        step = p.predicate
        super().__init__(system, lambda views: step(views.before, key, views.after),  # type: ignore[misc]
                         memoize, projections, predicate_guard(p))  # type: ignore[arg-type]
        self.key = key
        self.width = width
        self.sendable = sendable(system, key)

    def _plain(self, pair: Any) -> Any:
        return _PlainViews(View(self.system, pair[0]), View(self.system, pair[1]))

    def _recording(self, pair: Any) -> Any:
        return _StepViews(self.system, pair[0], pair[1], self.width, self.key.actor,
                          self.sendable)


def sendable(system: System, key: StepKey) -> tuple[type, ...] | None:
    """The message types a step may put in flight: a transition's sends= (every transition
    of the actor's role with that name: names may repeat), nothing for a message ignored,
    None (unknown) for the network's loss and duplication, whose added envelopes keep
    their senders."""
    if key.kind == "ignore":
        return ()
    if key.kind not in ("internal", "receive") or key.actor not in system._index:
        return None
    return system.instance(key.actor).role.sent_by(key.transition)


class _PlainViews:
    __slots__ = ("after", "before")

    def __init__(self, before: View, after: View) -> None:
        self.before = before
        self.after = after


class MemoStep:
    """A step property memoized on what it reads: one tree per step id (the step key is
    fixed by it), branching on the slots it read of the state before and the state after
    and on the projections of the inboxes it read through `in_flight`. Most step
    properties look at one actor's steps and return at once for the others: those step ids
    become a single leaf."""

    __slots__ = ("_trees", "memoize", "p", "projections", "system", "width")

    def __init__(self, system: System, p: Property, memoize: bool,
                 projections: Projections) -> None:
        self.system = system
        self.p = p
        self.memoize = memoize
        self.width = system.slot_count
        self.projections = _StepProjections(projections, self.width)
        self._trees: dict[int, _StepTree] = {}

    def __call__(self, sid: int, key: StepKey, combined: tuple[int, ...],
                 decode: Callable[[Any], tuple[State, State]]) -> bool:
        """Whether the property holds on step `sid` from `combined[:width]` to
        `combined[width:]` (slot indices); `decode(combined)` gives both states."""
        return self.tree(sid, key)(combined, decode)

    def holds_always(self, sid: int) -> bool | None:
        """Whether the memo of step id `sid` is the leaf True: the property holds on every
        step with that id, whatever the states (it read nothing there). For good either
        way: a leaf is never walked past, and a node never becomes a leaf. None while the
        step id has no memo."""
        tree = self._trees.get(sid)
        return None if tree is None else tree.memoize and tree._root is True

    def restart(self) -> None:
        """MemoPredicate.restart, for the tree of every step id."""
        for tree in self._trees.values():
            tree.restart()

    def tree(self, sid: int, key: StepKey) -> _StepTree:
        """The memo tree of step id `sid` (made when first asked)."""
        tree = self._trees.get(sid)
        if tree is None:
            tree = self._trees[sid] = _StepTree(self.system, self.p, key, self.memoize,
                                                self.projections, self.width)
        return tree


# -- the model-code guard around predicates (lang/guard.py) ----------------------------------
class NotATruthValueError(TypeError):
    """A predicate returned a string: Python reads any non-empty one as true."""

    def __init__(self, result: Any) -> None:
        super().__init__(result)
        self.result = result


def not_a_truth_value(result: Any, **where: Any) -> ModelError:
    return ModelError(f"returned {type(result).__name__} {result!r}, not True or False",
                      fix="return a comparison (`v['c'].state == 'open'`, not `'open'`): "
                          "a non-empty string is always true", **where)


def predicate_guard(p: Property) -> Any:
    """The model-code guard of a state predicate (lang/guard.py): what it raises, or a None
    result (passed as None), or a string, becomes a ModelError naming the property."""
    def error(exc: BaseException | None) -> BaseException:
        if exc is None:
            return none_result_error(p)
        if isinstance(exc, NotATruthValueError):
            return not_a_truth_value(exc.result, prop=p.name, clause=p.clause,
                                     at=function_line(p.predicate))
        return model_code_error(exc, what="the predicate", fn=p.predicate, prop=p.name,
                                clause=p.clause)
    return error


def truth(fn: Any) -> Any:
    """constraint= as a predicate: its result is read as true or false (None is false)."""
    def holds(view: View) -> bool:
        result = fn(view)
        if isinstance(result, (str, bytes)):
            raise NotATruthValueError(result)
        return bool(result)
    return holds


def step_holds(p: Property, before: View, key: StepKey, after: View) -> bool:
    try:
        ok = p.predicate(before, key, after)  # type: ignore[misc]
        if ok is None:
            raise none_result_error(p)
        if isinstance(ok, (str, bytes)):
            raise not_a_truth_value(ok, prop=p.name, clause=p.clause,
                                    at=function_line(p.predicate))
        return bool(ok)  # inside the guard: a result's __bool__ may raise too
    except BaseException as exc:
        raise model_code_error(exc, what="the predicate", fn=p.predicate, prop=p.name,
                               clause=p.clause) from exc
