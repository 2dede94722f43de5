"""State predicates (always/sometimes properties, the state constraint) memoized on what
they read.

A predicate sees the state through a View; most read a few instances (`view["client1"]`),
the params, the shared variables or some inboxes (`view.in_flight(...)`). Its result is a
function of the indices of the slots it read, so it is memoized in a decision tree: a node
names the next slot the predicate read and branches on that slot's index; a leaf is the
result. Evaluating walks the tree on the state's indices and runs the predicate only when
the walk falls off the tree (then it records the slots read, in order, and adds the path).
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

from ..lang.system import State, System, View

_WHOLE = -1  # recorded when a predicate reads the whole state
_FIRST_WINDOW = 1 << 11  # evaluations before the first judgement of whether the memo pays
_WINDOW = 1 << 14  # evaluations per later judgement


class _RecordingView(View):
    """A View that records which slots are read, in order of first read."""

    __slots__ = ("_full", "reads")

    def __init__(self, system: System, state: State) -> None:
        self._system = system
        self._full = state
        self.reads: list[int] = []

    def _read(self, slot: int) -> None:
        if slot not in self.reads:
            self.reads.append(slot)

    @property  # type: ignore[override]
    def state(self) -> State:
        self.reads.append(_WHOLE)
        return self._full

    def __getitem__(self, instance: str) -> Any:
        slot = self._system._local_slot.get(instance)
        if slot is None:
            return View(self._system, self._full)[instance]  # raises the usual error
        self._read(slot)
        return self._full[slot]

    @property
    def params(self) -> Any:
        self._read(0)
        return self._full[0]

    @property
    def shared(self) -> Any:
        self._read(1)
        return self._full[1]

    def in_flight(self, message_type: Any = None, *, to: str | None = None,
                  sender: str | None = None) -> list[tuple[str, str, Any]]:
        system = self._system
        slots = system._inbox_slot.values() if to not in system._inbox_slot else (
            system._inbox_slot[to],)  # type: ignore[index]
        for slot in slots:
            self._read(slot)
        return system.envelopes(self._full, message_type, to=to, sender=sender)


class MemoPredicate:
    """One predicate of a View, memoized on the indices of the slots it reads."""

    __slots__ = ("_evaluations", "_misses", "_root", "_window", "fn", "memoize", "system")

    def __init__(self, system: System, fn: Callable[[View], Any], memoize: bool = True) -> None:
        self.system = system
        self.fn = fn
        self.memoize = memoize
        self._root: Any = None  # None: empty; [slot, {index: child}]: a node; else a leaf
        self._evaluations = 0
        self._misses = 0
        self._window = _FIRST_WINDOW

    def __call__(self, idxs: Any, decode: Callable[[Any], State]) -> bool:
        if not self.memoize:
            return bool(self.fn(View(self.system, decode(idxs))))
        node = self._root
        while node.__class__ is list:
            child = node[1].get(idxs[node[0]])
            if child is None:
                break
            node = child
        else:
            if node is not None:
                self._evaluations += 1
                return node  # type: ignore[no-any-return]
        return self._miss(idxs, decode(idxs))

    def _miss(self, idxs: Any, state: State) -> bool:
        view = _RecordingView(self.system, state)
        result = bool(self.fn(view))
        self._evaluations += 1
        self._misses += 1
        reads = view.reads
        if self._evaluations >= self._window:
            if self._misses * 2 > self._evaluations:
                self.memoize = False
                self._root = None
                return result
            self._evaluations = self._misses = 0
            self._window = _WINDOW
        if _WHOLE in reads:
            self.memoize = False
            self._root = None
            return result
        if not reads:
            self._root = result
            return result
        if self._root is None:
            self._root = [reads[0], {}]
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
                children[idxs[slot]] = result
            else:
                child = children.get(idxs[slot])
                if child is None:
                    child = children[idxs[slot]] = [reads[depth + 1], {}]
                node = child
        return result
