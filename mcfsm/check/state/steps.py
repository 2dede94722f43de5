"""Compiled local steps: the successor function on interned states.

A global state is a vector of small integers (store.py interns each component). A role's
guards and actions see only its own local, the event (internal trigger and choice, or
message and sender), the params and the shared variables, so the model code of a local
step is a pure function of

    (instance, local, event, shared, params read) -> [(transition, choice, new local, new shared, sends)]

and runs once per distinct argument tuple: the outcomes are memoized on the indices of
those components. The params are not in the key: a read of one (`ctx.params.x`) is
recorded like a read of another instance (below), so a step that reads none is one memo
entry for every combination of choices, and the searches of a variant's combinations,
which share these tables (explorer.SharedTables), run its model code once. Everything
else per global state is table lookups on small integers, built on demand from the same
declarations (System's reference functions) the first time they are needed:

    deliverable[k][inbox]           -> [(sender, message id, inbox after consuming it)]
    add[slot][(inbox, message code)] -> the inbox after appending/adding that message
    faults[k][inbox]                -> [(coverage id, step id, inbox after loss/duplication)]

Model code that reads other instances (`ctx.world`, `ctx.peers()`; TCommit's resource
managers do) or the params depends on more than the key. Such a call is memoized on what
it read: the fields (or whole slots) of other instances and of the params, and what
`in_flight` saw of each inbox (the envelopes passing its filter, not the whole inbox), in
the order read, and their values (interned by projections.py). A later call with the same
key finds, for each set of reads recorded under it, the current values of those reads; if
some recorded call saw the same values, the code would take the same path (it is
deterministic) and read nothing else, so its outcome is reused (`_read_memo`). An
instance whose code has read other instances (`self.world_readers`) is looked up this
way, never in the per-key tables, whose entries must not depend on anything but the key.
An instance whose memo misses on more than three quarters of its lookups over the first
window of expansions (its local differs in nearly every state, as in a model written as
one role holding the whole state, a variable per component) is memoized on the fields of
its own local that each step reads (`fields`): its code's reads of its own local are
recorded like reads of other instances, each internal transition is a part of its own
(one guard reads two variables of twenty; the union of all guards' reads would be the
whole local), keyed on the local's state, the transition and the values read, and a
step's outcome is what it wrote (records.Writes, numbered by `write_id`), applied to the
current local by `transformed`. Where even that
misses on more than half of its lookups, the instance is no longer memoized at all, so
memo tables stop growing where they do not pay. The engine core (core.py) calls `expand`, or, when compiled,
keeps its own memo in C and calls `local_found` only on a miss.
Model code that is not deterministic (random, clocks, mutable globals) breaks memoization
like it breaks any model checker; tests/test_compiled_steps.py compares memoized and
unmemoized successors on random states of every bundled model.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from ...lang.context import Read
from ...lang.guard import unhashable_error
from ...lang.messages import Message
from ...lang.monitors import observe, receipt
from ...lang.records import Writes
from ...lang.system import Network, StepKey, System, Unhandled
from .projections import ANY, ELEMENT, Projections
from .store import Store

# (coverage id, step id, new local index, new shared index, sends as (inbox slot, message code))
Entry = tuple[int, int, int, int, tuple[tuple[int, int], ...]]
# (coverage id, step id, new local, new shared, new own inbox, sends): one step of an instance
Delta = tuple[int, int, int, int, int, tuple[tuple[int, int], ...]]
# An instance's memoized steps: (steps that change the state, self-loops, first unhandled)
Found = tuple[list[Delta], list[tuple[int, int]], Unhandled | None]
# (coverage id, step id, successor as a list of slot indices)
Succ = tuple[int, int, list[int]]
# What a world reader's memo keys on, per read: (slot, column), column 0 the slot's index
# itself, else a column id whose values `column_value` interns (a field, an inbox's
# envelopes of one type and sender).
Column = tuple[int, int]
# The parts of a world reader's steps its caller has already (local_parts): whether it took
# the instance as field-keyed, and their numbers (internal parts first); None: none.
Skip = tuple[bool, tuple[int, ...]] | None


def _numbered(ids: dict[Any, int], items: list[Any] | None, value: Any) -> int:
    """The number of `value` in `ids`, given on first sight: the next one, or, `items`
    given, its place at the end of `items` (which then lists the values by number)."""
    number = ids.get(value)
    if number is None:
        if items is None:
            number = ids[value] = len(ids)
        else:
            number = ids[value] = len(items)
            items.append(value)
    return number


def _with_inbox(entries: list[Entry], inbox: int) -> list[Delta]:
    """Memoized entries as steps that leave the own inbox at `inbox`."""
    return [(tid, sid, nl, ns, inbox, sends) for tid, sid, nl, ns, sends in entries]


def _split_loops(deltas: list, li: int, shared: int, bi: int) -> tuple[list, list]:
    """(the steps that change something, the self-loops as (coverage id, step id)): a step
    that leaves the local, the shared variables and the inbox as they were and sends
    nothing is a self-loop, which needs no packing nor lookup."""
    loops = [(d[0], d[1]) for d in deltas
             if d[2] == li and d[3] == shared and d[4] == bi and not d[5]]
    if loops:
        deltas = [d for d in deltas if not (d[2] == li and d[3] == shared and d[4] == bi
                                            and not d[5])]
    return deltas, loops


class _Unhandled:
    """A memoized reception that no transition accepts (a finding, not a step)."""

    __slots__ = ("record",)

    def __init__(self, record: Unhandled) -> None:
        self.record = record


_NOTHING: Found = ([], [], None)  # an instance with no step and nothing unhandled
READS = 2  # local_found: memoize on the key and the slots read (the compiled core's READS)
# ... on the local's state, the part and the columns read, each step's new local a writes
# number that `transformed` applies (the compiled core's FIELDS)
FIELDS = 3
# Tests set it True to key every instance with variables on the fields read from the start;
# MCFSM_FIELD_KEYS=1 sets it for a whole run (the test suite run so checks that memo).
FIELD_KEYS_AT_START = os.environ.get("MCFSM_FIELD_KEYS") == "1"
_FIRST_WINDOW = 1 << 11  # expansions before the first judgement of whether a memo pays
_WINDOW = 1 << 14  # expansions per later judgement
# The share of misses that stops memoizing, as for predicates (predicates.py says why).
_FIRST_MISS_SHARE, _MISS_SHARE = 0.75, 0.5


class CompiledSteps:
    """The successor function of a system on interned states, memoizing local steps."""

    def __init__(self, system: System, store: Store, memoize: bool = True) -> None:
        self.system = system
        self.store = store
        self.memoize = memoize
        n = self.n = len(system.instances)
        self.messages: list[Message] = []
        self._message_ids: dict[Message, int] = {}
        self.step_list: list[StepKey] = [StepKey("", "", "init")]
        self._step_ids: dict[StepKey, int] = {}
        self._steps: list[dict[int, Found]] = [{} for _ in range(n)]
        self._internal: list[dict[tuple[int, int, int], list[Entry]]] = [{} for _ in range(n)]
        self._receive: list[dict[tuple[int, int, int, int, int], Any]] = [{} for _ in range(n)]
        self._deliverable: list[dict[int, list[tuple[int, int, int]]]] = [{} for _ in range(n)]
        self._add: list[dict[int, int]] = [{} for _ in range(system.slot_count)]
        self._faults: list[dict[int, list[tuple[int, int, int]]]] = [{} for _ in range(n)]
        self._size: list[dict[int, int]] = [{} for _ in range(system.slot_count)]
        self.world_readers: set[int] = set()
        # Instances memoized on the fields of their own local that their steps read (module
        # docstring); `_to_fields`: judged so, switched at their next call (never within one,
        # whose parts must all be of one kind). Every instance in `fields` is a world reader.
        self.fields: set[int] = set()
        self._to_fields: set[int] = set()
        self._has_variables = [len(i.role.variables) > 0 for i in system.instances]
        self._writes: list[Any] = []  # records.Writes by number
        self._write_ids: dict[Any, int] = {}
        self._state_codes: list[dict[str, int]] = [{} for _ in range(n)]
        # parts looked up per call of a field-keyed instance (calls, parts): its misses are
        # judged per part, as a plain instance's per expansion
        self._parts_seen = [[0, 0] for _ in range(n)]
        # For world readers: key -> {columns read: {their values: outcome}} (docstring)
        self._read_memo: list[dict[tuple, dict[tuple[Column, ...], dict[tuple, Any]]]] = [
            {} for _ in range(n)]
        # While local_found runs: what the code read (or, answered from the memo, would
        # have read) in that state (path_columns); None otherwise (the twin reads none).
        self._path: list[tuple[Column, ...]] | None = None
        self._last_fields = False  # whether the last _parts call was field-keyed
        self._last_path: tuple[Column, ...] = ()
        # projection keys of the columns (column id - 1), and their ids (a list only ever
        # appended to: the compiled core reads its length)
        self.projections = Projections(system, store.values)
        self.column_keys: list[tuple] = []
        self._column_ids: dict[tuple, int] = {}
        self._columns_of: dict[tuple[Read, ...], tuple[Column, ...]] = {}
        # per column set, per slot it reads: the slot, the values of its columns there by
        # the slot's index, and each of those columns' projection table (_read_values)
        self._plans: dict[tuple[Column, ...],
                          list[tuple[int, dict[int, tuple],
                                     list[tuple[int, dict | None]]]]] = {}
        # Deferred messages (deliverable by inbox and receiver state) and channel capacities
        # (whether a channel holds at most its capacity, by inbox and sender).
        self._deferring: list[dict[tuple[int, str], list[tuple[int, int, int]]]] = [
            {} for _ in range(n)]
        self.capacity = system._capacity is not None
        self._fits: dict[tuple[int, int, int], bool] = {}
        # Instances whose memo is hit too rarely to pay (the one-role encoding of a model,
        # whose local differs in every state): no longer memoized, so the memo stops growing
        # (bounded memory per state). Judged per window of expansions, like predicates.py.
        self.low_hit: set[int] = set()
        # ... judged again as the search goes on (a memo that missed in the first levels,
        # which are mostly new, may hit later on): from `_probe_at[k]` expansions, the keys
        # of a window of lookups are kept (keys only, no outcomes); if more than half would
        # have hit, k is memoized again, else the next probe waits twice as long.
        self._probe_at = [0] * n
        self._backoff = [_FIRST_WINDOW] * n
        self._probe_keys: list[set[int]] = [set() for _ in range(n)]
        self._probe_hits = [0] * n
        self.expansions = 0  # states expanded (each looks every instance up once)
        self._misses = [0] * n
        self._window_start = [0] * n
        self._window = [_FIRST_WINDOW] * n
        # The explorer's budget check, called while model code enumerates many choices; when
        # it says stop, local_step raises StepCut (memo entries are stored only when a call
        # completes, so a cut leaves no partial entry).
        self.poll: Callable[[int], bool] | None = None
        # (instance, local slot, inbox slot, memo of its steps), in instance order
        self._plan = [(k, 2 + k, 2 + n + k, self._steps[k] if memoize else {}) for k in range(n)]
        self.persistent = system.network is Network.PERSISTENT
        self.faulty = system.loss or system.duplication
        empty = () if system.network in (Network.FIFO, Network.INBOX) else frozenset()
        self._empty = [store.intern(2 + n + k, empty) for k in range(n)]
        # Monitors (lang/monitors.py): (their local slot, monitor number), and the memo of
        # what one observation does: (monitor, local, receiver slot, message code) -> local.
        self.monitor_slots = [(2 + k, j) for j, k in enumerate(system.monitor_indices)]
        self.receipt_slots = [(2 + k, j) for j, k in enumerate(system.monitor_indices)
                              if k in system.receipt_monitors]
        self._observed: dict[tuple[int, int, int, int], int] = {}
        if FIELD_KEYS_AT_START and memoize:
            self._to_fields.update(k for k in range(n) if self._has_variables[k])

    def use_store(self, store: Store) -> None:
        """Go on with another search on `store`, which interns into this one's tables
        (Store.sharing_values): every memo here is keyed on component indices, which mean
        the same in both, so it stays true."""
        if store.values is not self.store.values:
            raise ValueError("use_store: the store must share this one's interning tables "
                             "(Store.sharing_values)")
        self.store = store
        self.poll = None
        # Whether a memo pays is judged again, as a fresh search would judge it: a window
        # that spans two searches would judge one by the other's first misses (a new
        # parameter value makes every key new for a while).
        n = self.n
        for k in self.low_hit - self.world_readers:
            self._plan[k] = (k, 2 + k, 2 + n + k, self._steps[k])
        self.low_hit.clear()
        self._probe_at = [0] * n
        self._backoff = [_FIRST_WINDOW] * n
        for keys in self._probe_keys:
            keys.clear()
        self._probe_hits = [0] * n
        self.expansions = 0  # counted per search (the compiled core sets it so too)
        self._misses = [0] * n
        self._window_start = [0] * n
        self._window = [_FIRST_WINDOW] * n

    # -- interned ids ---------------------------------------------------------------------
    def message_id(self, message: Message) -> int:
        return _numbered(self._message_ids, self.messages, message)

    def step_id(self, key: StepKey) -> int:
        return _numbered(self._step_ids, self.step_list, key)

    # -- the successor function -----------------------------------------------------------
    def expand(self, idxs: tuple[int, ...]) -> tuple[list[Succ], list[tuple[int, int]],
                                                      Unhandled | None]:
        """Every enabled step from an interned state: the steps that change it (coverage id,
        step id, successor), the self-loops (coverage id, step id: a step that changes
        nothing, such as re-reading a persistent message, needs no packing nor lookup), and
        the first unhandled message. Self-loops come after the other steps, so the explorer
        sees the same successors in System.expand's order with the loops moved last."""
        out: list[Succ] = []
        loops: list[tuple[int, int]] = []
        unhandled: Unhandled | None = None
        self.expansions += 1
        # One int key per instance: (local, own inbox, shared) indices, each < 2**32 (the
        # params are read like other instances: module docstring).
        context = idxs[1] << 64
        state: tuple | None = None  # decoded only when some local step is not memoized
        add = self._add_message
        for k, local_slot, inbox_slot, memo in self._plan:
            key = idxs[local_slot] | idxs[inbox_slot] << 32 | context
            found = memo.get(key)
            if found is None:
                if state is None:
                    state = self.store.decode(idxs)
                found = self._instance_steps(k, idxs, state, key)
            if found is _NOTHING:
                continue
            deltas, own_loops, first_unhandled = found
            if first_unhandled is not None and unhandled is None:
                unhandled = first_unhandled
            if own_loops:
                loops.extend(own_loops)
            for tid, sid, new_local, new_shared, new_inbox, sends in deltas:
                new = list(idxs)
                new[local_slot] = new_local
                new[1] = new_shared
                new[inbox_slot] = new_inbox
                for slot, code in sends:
                    new[slot] = add(slot, new[slot], code)
                if self.capacity and sends and not all(
                        self.fits(slot, new[slot], k) for slot, _ in sends):
                    continue  # a channel it sends on is full: the sender waits
                if self.receipt_slots:  # a reception first (Monitor(receipts=True))
                    for mslot, j in self.receipt_slots:
                        new[mslot] = self.observe_receipt(j, new[mslot], sid)
                if sends and self.monitor_slots:  # monitors observe the sends, in order
                    for mslot, j in self.monitor_slots:
                        li = new[mslot]
                        for slot, code in sends:
                            li = self.observe(j, li, slot, code)
                        new[mslot] = li
                out.append((tid, sid, new))
        if self.faulty:
            n = self.n
            for k in range(n):
                inbox_slot = 2 + n + k
                bi = idxs[inbox_slot]
                faults = self._faults[k].get(bi)
                if faults is None:
                    faults = self._fault_entries(k, bi)
                for tid, sid, new_inbox in faults:
                    new = list(idxs)
                    new[inbox_slot] = new_inbox
                    out.append((tid, sid, new))
        return out, loops, unhandled

    def _tally_miss(self, k: int) -> None:
        """A memo miss of instance k; at the end of a window, when more than half of its
        lookups missed (three quarters in the first window), key it on the fields it reads
        (module docstring), or, keyed so already or without variables, stop memoizing it."""
        if k in self.low_hit or not self.memoize:
            return
        self._misses[k] += 1
        seen = self.expansions - self._window_start[k]
        if seen < self._window[k]:
            return
        share = _FIRST_MISS_SHARE if self._window[k] == _FIRST_WINDOW else _MISS_SHARE
        if k in self.fields:  # misses per part looked up (class doc)
            calls, parts = self._parts_seen[k]
            seen = seen * parts // max(calls, 1)
        if self._misses[k] <= share * seen:
            self._window[k] = _WINDOW
        elif self._has_variables[k] and k not in self.fields and k not in self._to_fields:
            self._to_fields.add(k)  # keyed on the fields read, from its next call
            self._window[k] = _FIRST_WINDOW
        else:
            self.low_hit.add(k)
            self._probe_at[k] = self.expansions + self._backoff[k]
            self._read_memo[k].clear()
            self._steps[k].clear()
            self._internal[k].clear()
            self._receive[k].clear()
            self._plan[k] = (k, 2 + k, 2 + self.n + k, {})  # never filled: always recomputed
        self._misses[k] = 0
        self._window_start[k] = self.expansions

    def _enter_fields(self, k: int) -> None:
        """Key instance k's memo on the fields of its own local its steps read (module
        docstring): it becomes a world reader whose reads include its own fields."""
        self._to_fields.discard(k)
        self.fields.add(k)
        self.world_readers.add(k)
        for memo in (self._read_memo[k], self._steps[k], self._internal[k], self._receive[k]):
            memo.clear()
        self._plan[k] = (k, 2 + k, 2 + self.n + k, {})  # never filled: always recomputed
        self._misses[k] = 0
        self._window_start[k] = self.expansions
        self._window[k] = _FIRST_WINDOW
        self._parts_seen[k] = [0, 0]

    def write_id(self, writes: Any) -> int:
        """The number of a step's writes (records.Writes)."""
        return _numbered(self._write_ids, self._writes, writes)

    def writes_of(self, w: int) -> Any:
        """The writes numbered w (records.Writes), for the compiled core, which applies
        them as `transformed` does."""
        return self._writes[w]

    def transformed(self, k: int, li: int, w: int) -> int:
        """Instance k's local li after the writes numbered w (no model code runs here; not
        remembered: the local is new in nearly every state where this pays)."""
        return self.store.intern(2 + k, self._writes[w].apply(self.store.values[2 + k][li]))

    def local_codes(self, k: int, li: int) -> tuple[int, ...]:
        """For the compiled core, which finds the local a writes number makes among the
        locals it has seen by value, without calling `transformed` (Core._transform): each
        position of instance k's local li (its state first) as its projection. Equal codes
        mean equal (type, value) pairs, so equal locals, so the index `transformed` gives."""
        value = self.projections.field_value
        return tuple(value(v) for v in self.store.values[2 + k][li])

    def write_codes(self, w: int) -> tuple[int, ...]:
        """The writes numbered w as position, projection, position, ... in the order
        Writes.apply assigns them (the state first, at position 0)."""
        writes = self._writes[w]
        pairs = ([] if writes.dest is None else [(0, writes.dest)]) + list(writes.assigned)
        value = self.projections.field_value
        return tuple(x for position, v in pairs for x in (position, value(v)))

    def field_position(self, column: int) -> int:
        """For the compiled core, which reads a local's field off its words (local_codes):
        the slot << 16 | the position in its local of the field a column reads, or -1 when
        the column is not a field of an instance's local."""
        key = self.column_keys[column - 1]
        slot = key[0]
        if len(key) != 2 or not 2 <= slot < 2 + len(self.system.instances):
            return -1
        values = self.store.values[slot]
        fields = values[0]._fields if values and hasattr(values[0], "_fields") else ()
        if key[1] not in fields or slot >= 1 << 15 or len(fields) >= 1 << 16:
            return -1
        return slot << 16 | fields.index(key[1])

    def carried(self, k: int, w: int
                ) -> tuple[int, tuple[int, ...], tuple[tuple[int, int], ...], int]:
        """For the compiled core, which carries the column values of a local to the local
        the writes numbered w make of it (so that a new local's columns need no call):
        (the number of columns now, the columns of instance k's fields, the written ones
        with their values' projection + 1, and the state_code + 1 of the state it goes to,
        0 if it stays). True while no column is added."""
        slot = 2 + k
        writes = self._writes[w]
        fields = self.store.values[slot][0]._fields if self.store.values[slot] else ()
        assigned = dict(writes.assigned)
        if writes.dest is not None:
            assigned[0] = writes.dest
        own, written = [], []
        for c, key in enumerate(self.column_keys, 1):
            if key[0] != slot or len(key) != 2:
                continue
            own.append(c)
            position = fields.index(key[1]) if key[1] in fields else -1
            if position in assigned:
                written.append((c, 1 + self.projections.field_value(assigned[position])))
        goes = 0 if writes.dest is None else 1 + self._state_packed(k, writes.dest)
        return len(self.column_keys), tuple(own), tuple(written), goes

    def state_code(self, k: int, li: int) -> int:
        """For the compiled core's keys of a field-keyed instance: the number of local li's
        state, plus the number of internal transitions from it << 20 (its internal parts)."""
        return self._state_packed(k, self.store.values[2 + k][li].state)

    def _state_packed(self, k: int, here: str) -> int:
        code = _numbered(self._state_codes[k], None, here)
        count = len(self.system._internal[k][here])
        if code >= 1 << 20 or count >= 1 << 11:
            raise ValueError(f"engine core: {self.system.instances[k].name} has more than "
                             "2**20 states or 2**11 internal transitions from one state")
        return code | count << 20

    def _resolved(self, k: int, li: int, deltas: list) -> list:
        """Deltas whose new local is a writes number, with the local it makes of li."""
        transformed = self.transformed
        return [(tid, sid, transformed(k, li, nl), ns, ni, sends)
                for tid, sid, nl, ns, ni, sends in deltas]

    def _probe(self, k: int, key: int) -> None:
        """A lookup of instance k while it is not memoized (low_hit): from its probe time on,
        count how many of a window's keys repeat (class doc); memoize k again if more than
        half do."""
        if self.expansions < self._probe_at[k]:  # (a world reader only if field-keyed)
            return
        keys = self._probe_keys[k]
        if key in keys:
            self._probe_hits[k] += 1
        keys.add(key)
        lookups = len(keys) + self._probe_hits[k]
        if lookups < _FIRST_WINDOW:
            return
        if self._probe_hits[k] > (1 - _MISS_SHARE) * lookups:  # it pays now
            self.low_hit.discard(k)
            self._plan[k] = (k, 2 + k, 2 + self.n + k,
                             {} if k in self.world_readers else self._steps[k])
            self._misses[k] = 0
            self._window_start[k] = self.expansions
            self._window[k] = _WINDOW
            self._backoff[k] = _FIRST_WINDOW
        else:
            self._backoff[k] *= 2
            self._probe_at[k] = self.expansions + self._backoff[k]
        keys.clear()
        self._probe_hits[k] = 0

    def local_found(self, k: int, idxs: tuple[int, ...]) -> tuple[Found, int]:
        """Instance k's steps from an interned state, for an engine core that keeps its own
        memo (core.py's compiled one): (steps, loops, first unhandled) and whether they may
        be memoized on the key: 1 yes, 0 no, READS (a world reader) on the key and the
        values of the columns `path_columns()` names."""
        n = self.n
        key = idxs[2 + k] | idxs[2 + n + k] << 32 | idxs[1] << 64
        self._path = []
        try:  # the state is decoded only if model code runs (most misses run none)
            found = self._instance_steps(k, idxs, None, key, keep=False, resolve=False)
        finally:
            self._last_path = tuple(dict.fromkeys(c for cs in self._path for c in cs))
            self._path = None
        if k not in self.world_readers:  # a world reader tallies its own misses
            if k in self.low_hit:
                self._probe(k, key)
            self._tally_miss(k)
        elif k in self.low_hit and k in self.fields:  # judged again like the others
            self._probe(k, key)
        if self._last_fields:
            if k not in self.low_hit:
                return found, FIELDS
            # cut off from the memo during the call: its new locals as the others give them
            deltas, loops = _split_loops(self._resolved(k, idxs[2 + k], found[0]),
                                         idxs[2 + k], idxs[1], idxs[2 + n + k])
            found = (deltas, loops, found[2]) if deltas or loops or found[2] else _NOTHING
        if not self.memoize or k in self.low_hit:
            return found, 0
        return found, READS if k in self.world_readers else 1

    def read_columns(self, k: int) -> tuple[Column, ...]:
        """What instance k's code has read of other instances so far, as (slot, column):
        its steps depend on the key and their values only (a superset of what any one call
        read). Derived from the memo, in the order first recorded."""
        return tuple(dict.fromkeys(column for recorded in self._read_memo[k].values()
                                   for columns in recorded for column in columns))

    def path_columns(self) -> tuple[Column, ...]:
        """What the last `local_found` read of other instances, as (slot, column): that
        instance's internal steps and each reception, on the paths that state's values
        take. Every state with the same key and the same values in these columns takes the
        same paths (the code is deterministic), so it has the same steps. Usually far fewer
        than `read_columns(k)`: where a timer's guard returns on the first inbox it finds a
        message in, it reads no further."""
        return self._last_path

    def column_value(self, column: int, idx: int) -> int:
        """The interned value of a column (> 0) where its slot has index idx."""
        return self.projections(self.column_keys[column - 1], idx)

    def column_key(self, column: int) -> tuple:
        """A column's projection key: (slot, field), (inbox slot, message type, sender) or,
        for a truth test of in_flight, the same with ANY (projections.py)."""
        return self.column_keys[column - 1]

    def column_of(self, key: tuple) -> int:
        """The column id of a projection key (numbered on first sight)."""
        column = self._column_ids.get(key)
        if column is None:
            self.column_keys.append(key)
            column = self._column_ids[key] = len(self.column_keys)
        return column

    def _column(self, read: Read) -> Column:
        slot, spec = read
        if spec is None:
            return (slot, 0)
        if isinstance(spec, str):  # a field of a local
            key: tuple = (slot, spec)
        elif spec.any_:  # type: ignore[union-attr]
            key = (slot, spec.message_type, spec.sender, ANY)  # type: ignore[union-attr]
        elif spec.element is not None:  # type: ignore[union-attr]
            key = (slot, spec.message_type, spec.sender, (ELEMENT, spec.element))  # type: ignore[union-attr]
        else:
            key = (slot, spec.message_type, spec.sender)  # type: ignore[union-attr]
        return (slot, self.column_of(key))

    def _read_values(self, idxs: tuple[int, ...], columns: tuple[Column, ...]) -> tuple:
        """The values `idxs` has in the columns read (module docstring), one tuple per slot
        they lie in. A slot's values are a function of its index, which recurs in many
        states (a timer's guard may ask six inboxes for eight message types each), so they
        are remembered by it."""
        plan = self._plans.get(columns)
        if plan is None:  # each column's projection table, looked up once per column set
            tables = self.projections.table
            by_slot: dict[int, list[tuple[int, dict | None]]] = {}
            for slot, c in columns:
                by_slot.setdefault(slot, []).append(
                    (c, None if c == 0 else tables(self.column_keys[c - 1])))
            plan = self._plans[columns] = [(slot, {}, projection)
                                           for slot, projection in by_slot.items()]
        out = []
        for slot, known, projection in plan:
            idx = idxs[slot]
            values = known.get(idx)
            if values is None:
                values = known[idx] = self._project_values(idx, projection)
            out.append(values)
        return tuple(out)

    def _project_values(self, idx: int, projection: list[tuple[int, dict | None]]) -> tuple:
        out = []
        for c, table in projection:
            if table is None:
                out.append(idx)
            else:
                value = table.get(idx)
                out.append(self.column_value(c, idx) if value is None else value)
        return tuple(out)

    def faults(self, k: int, bi: int) -> list[tuple[int, int, int]]:
        """The loss and duplication steps of instance k's inbox bi: (coverage id, step id,
        inbox after)."""
        faults = self._faults[k].get(bi)
        return self._fault_entries(k, bi) if faults is None else faults

    def _instance_steps(self, k: int, idxs: tuple[int, ...], state: tuple | None, key: int,
                        keep: bool = True, resolve: bool = True) -> Found:
        """Every step instance k can take given its local, its inbox and shared (and what
        its code read of the params and other instances):
        internal steps, then one delivery per deliverable message (System.expand's order).
        `state`: the decoded state, or None to decode it only where model code runs.
        A field-keyed instance's new locals are writes numbers, applied here unless
        `resolve` is False (the compiled core applies them, and tells self-loops apart)."""
        n = self.n
        li, bi, shared = idxs[2 + k], idxs[2 + n + k], idxs[1]
        internal, receptions = self._parts(k, idxs, state)
        fields = self._last_fields
        deltas = _with_inbox([e for part in internal for e in part], bi)
        unhandled: Unhandled | None = None
        for rest, outcome in receptions:
            if outcome.__class__ is _Unhandled:
                if unhandled is None:
                    unhandled = outcome.record
                continue
            deltas.extend(_with_inbox(outcome, bi if rest < 0 else rest))
        if fields and not resolve:
            loops: list[tuple[int, int]] = []
        else:
            if fields:
                deltas = self._resolved(k, li, deltas)
            deltas, loops = _split_loops(deltas, li, shared, bi)
        found = (deltas, loops, unhandled) if deltas or loops or unhandled else _NOTHING
        # A step that read other instances is not a function of the key: not memoized here
        # (it is, on its reads). keep=False: the caller keeps its own memo.
        if keep and k not in self.world_readers:
            if k in self.low_hit:
                self._probe(k, key)
            self._tally_miss(k)
        elif keep and k in self.low_hit and k in self.fields:
            self._probe(k, key)
        if keep and self.memoize and k not in self.world_readers and k not in self.low_hit:
            self._steps[k][key] = found
        elif keep:
            self._plan[k] = (k, 2 + k, 2 + n + k, {})  # never filled: always recomputed
        return found

    def _parts(self, k: int, idxs: tuple[int, ...], state: tuple | None,
               skip: Skip = None) -> tuple[list[Any], list[tuple[int, Any]]]:
        """Instance k's internal steps (one part, or for a field-keyed instance one part
        per internal transition) and, per deliverable message in delivery order, (the
        inbox after it, -1 when it stays; its outcome: entries or _Unhandled): the parts
        _instance_steps puts together, each memoized on its own key. Sets _last_fields:
        whether k is field-keyed in this call (its new locals are then writes numbers).
        `skip`: (whether the caller took k as field-keyed, the numbers of the parts it has
        already, internal first): those parts are None here, unless k is keyed otherwise
        now (their numbering would differ)."""
        if self._to_fields and k in self._to_fields:
            self._enter_fields(k)
        n = self.n
        li, bi = idxs[2 + k], idxs[2 + n + k]
        shared = idxs[1]
        # not memoized: read other instances, or hit too rarely (_tally_miss)
        readers = self.world_readers | self.low_hit if self.low_hit else self.world_readers
        internal = self._internal[k] if self.memoize and k not in readers else None
        by_reads = self.memoize and k in self.world_readers and k not in self.low_hit
        fields = self._last_fields = by_reads and k in self.fields
        have = skip[1] if skip is not None and skip[0] == fields else ()
        parts: list[Any] = []
        if fields:  # keyed on the state (its number), the transition, the fields read
            here = self.store.values[2 + k][li].state
            code = _numbered(self._state_codes[k], None, here)
            rcode = -2 - code
            for j, (t, tid) in enumerate(self.system._internal[k][here]):
                if j in have:
                    parts.append(None)
                    continue
                ikey = (-1 - code, j, shared)
                entries = self._read_lookup(k, idxs, ikey)
                if entries is None:
                    if state is None:
                        state = self.store.decode(idxs)
                    entries, reads = self._entries(k, state, t, tid, "internal", None, None,
                                                   2 + k)
                    self._record(k, idxs, None, ikey, reads or (), entries)
                parts.append(entries)
        elif 0 in have:
            parts.append(None)
        else:
            ikey = (li, shared)
            entries = None if internal is None else internal.get(ikey)
            if entries is None and by_reads:
                entries = self._read_lookup(k, idxs, ikey)
            if entries is None:
                if state is None:
                    state = self.store.decode(idxs)
                entries = self._internal_entries(k, idxs, state, internal, ikey)
            parts.append(entries)
        receptions: list[tuple[int, Any]] = []
        if bi != self._empty[k]:
            if self.system._deferred[k] is None:
                deliverable = self.deliverables(k, bi)
            else:  # what is deliverable depends on the receiver's state too
                deliverable = self._deferring_entries(
                    k, bi, self.store.values[2 + k][li].state)
            for j, (sender, mid, rest) in enumerate(deliverable, len(parts)):
                if j in have:
                    receptions.append((rest, None))
                    continue
                receive = self._receive[k] if self.memoize and k not in readers else None
                rkey = (rcode, sender, mid, shared) if fields else (li, sender, mid, shared)
                outcome = None if receive is None else receive.get(rkey)
                if outcome is None and by_reads:
                    outcome = self._read_lookup(k, idxs, rkey)
                if outcome is None:
                    if state is None:
                        state = self.store.decode(idxs)
                    outcome = self._receive_entries(k, idxs, state, sender, mid, receive, rkey,
                                                    fields)
                receptions.append((rest, outcome))
        if fields:
            seen = self._parts_seen[k]
            seen[0] += 1
            seen[1] += len(parts) + len(receptions)
        return parts, receptions

    def local_parts(self, k: int, idxs: tuple[int, ...], skip: Skip = None
                    ) -> tuple[list[tuple[Found, tuple[Column, ...]] | None], int]:
        """World reader k's steps part by part, for the compiled core's memo of parts: the
        internal steps, then one part per deliverable message (in deliverables(k, bi)'s
        order), each (steps, loops, unhandled) with the columns its path read; and whether
        they may be memoized (READS, FIELDS) or not (0). A part is a function of its own
        key (local, shared; for a delivery its sender and message too) and of what its
        own path read, so states whose parts were all seen apart need no model code.
        `skip`: the parts the core found in its memo, None here (see _parts)."""
        n = self.n
        li, bi, shared = idxs[2 + k], idxs[2 + n + k], idxs[1]
        self._path = []
        try:
            internal, receptions = self._parts(k, idxs, None, skip)
            path = self._path
        finally:
            self._path = None
        # one path entry per part answered (a lookup that hit, or model code that ran and
        # was remembered): anything else and the columns cannot be told apart, so no memo
        answered = (sum(part is not None for part in internal)
                    + sum(outcome is not None for _, outcome in receptions))
        aligned = len(path) == answered
        if k in self.low_hit and k in self.fields:  # judged again like the others
            self._probe(k, li | bi << 32 | shared << 64)
        memoizable = self.memoize and k not in self.low_hit and aligned
        fields = self._last_fields
        relative = fields and memoizable  # writes numbers, self-loops told apart in C

        def part(deltas: list, unhandled: Unhandled | None = None) -> Found:
            if relative:
                return (deltas, [], unhandled)
            if fields:
                deltas = self._resolved(k, li, deltas)
            deltas, loops = _split_loops(deltas, li, shared, bi)
            return (deltas, loops, unhandled)

        parts: list[tuple[Found, tuple[Column, ...]] | None] = []
        at = 0  # the next part's place in path
        for entries in internal:
            if entries is None:
                parts.append(None)
                continue
            parts.append((part(_with_inbox(entries, bi)), path[at] if at < len(path) else ()))
            at += 1
        for rest, outcome in receptions:
            if outcome is None:
                parts.append(None)
                continue
            columns = path[at] if at < len(path) else ()
            at += 1
            if outcome.__class__ is _Unhandled:
                parts.append((([], [], outcome.record), columns))
                continue
            parts.append((part(_with_inbox(outcome, bi if rest < 0 else rest)), columns))
        if not memoizable:
            return parts, 0
        return parts, FIELDS if fields else READS

    def inbox_size(self, slot: int, idx: int) -> int:
        size = self._size[slot].get(idx)
        if size is None:
            size = self._size[slot][idx] = self.system._inbox_size(self.store.values[slot][idx])
        return size

    def _read_lookup(self, k: int, idxs: tuple[int, ...], key: tuple) -> Any:
        """A world reader's outcome recorded under `key` for a call that saw, in what it
        read of other instances, the values the state `idxs` has there; None if none did."""
        recorded = self._read_memo[k].get(key)
        if recorded is not None:
            for columns, outcomes in recorded.items():
                found = outcomes.get(self._read_values(idxs, columns))
                if found is not None:
                    if self._path is not None:
                        self._path.append(columns)
                    return found
        self._tally_miss(k)  # the model code runs
        return None

    def _remember(self, k: int, idxs: tuple[int, ...], key: tuple, reads: tuple[Read, ...],
                  outcome: Any) -> None:
        if self.memoize and k not in self.low_hit:
            columns = self._columns_of.get(reads)
            if columns is None:  # the same reads recur in many states: named once
                columns = self._columns_of[reads] = tuple(self._column(read) for read in reads)
            by_values = self._read_memo[k].setdefault(key, {}).setdefault(columns, {})
            by_values[self._read_values(idxs, columns)] = outcome
            if self._path is not None:
                self._path.append(columns)

    # -- table construction (on a miss) -----------------------------------------------------
    def _entries(self, k: int, state: tuple, t: Any, tid: int, kind: str, sender: int | None,
                 message: Message | None, own: int | None = None
                 ) -> tuple[list[Entry], tuple | None]:
        """One transition's outcomes as entries; `own` (field-keyed): its reads of its own
        local recorded, each new local a writes number."""
        system, store = self.system, self.store
        n = self.n
        outcomes, reads = system.local_step(state, k, t, state[2 + k], sender, message,
                                            self.poll, own)
        name = system.instances[k].name
        sender_name = None if sender is None else system.instances[sender].name
        entries = []
        for arg, new_local, new_shared, sends in outcomes:
            key = StepKey(name, t.name, kind, sender_name, message, arg)
            try:
                sid = self.step_id(key)
                codes = tuple((2 + n + to, self.message_id(m) * n + k) for to, m in sends)
                entries.append((tid, sid, store.intern(2 + k, new_local) if own is None
                                else self.write_id(new_local), store.intern(1, new_shared),
                                codes))
            except TypeError as exc:  # model code produced a value that cannot be hashed
                after = list(state)
                after[2 + k] = new_local if own is None else new_local.apply(state[2 + k])
                after[1] = new_shared
                raise unhashable_error(system, tuple(after), exc, key) from exc
        return entries, reads

    def _internal_entries(self, k: int, idxs: tuple[int, ...], state: tuple, memo: dict | None,
                          key: tuple) -> list[Entry]:
        local = state[2 + k]
        entries: list[Entry] = []
        reads: dict = {}
        for t, tid in self.system._internal[k][local.state]:
            more, read = self._entries(k, state, t, tid, "internal", None, None)
            entries.extend(more)
            if read:
                reads.update(dict.fromkeys(read))
        self._record(k, idxs, memo, key, tuple(reads), entries)
        return entries

    def _record(self, k: int, idxs: tuple[int, ...], memo: dict | None, key: tuple,
                reads: tuple[Read, ...], outcome: Any) -> None:
        """Memoize an outcome: on the key alone, or, when the code read other instances,
        on the key and the values of what it read (and the instance becomes a world
        reader, whose per-key tables are no longer filled)."""
        if reads:
            if k not in self.world_readers:
                self.world_readers.add(k)
                self._internal[k].clear()
                self._receive[k].clear()
            self._remember(k, idxs, key, reads, outcome)
        elif k in self.world_readers:
            self._remember(k, idxs, key, (), outcome)
        elif memo is not None:
            memo[key] = outcome

    def _receive_entries(self, k: int, idxs: tuple[int, ...], state: tuple, sender: int,
                         mid: int, memo: dict | None, key: tuple, fields: bool = False) -> Any:
        system = self.system
        local = state[2 + k]
        message = self.messages[mid]
        candidates = system._receive[k].get((local.state, type(message)))
        outcome: Any
        reads: dict = {}
        if candidates is None:
            ignored_in = system._ignored[k].get(type(message))
            name = system.instances[k].name
            if ignored_in is not None and local.state in ignored_in:
                if self.persistent:  # nothing is consumed, so ignoring changes nothing
                    outcome = []
                else:
                    step = "ignore " + type(message).__name__
                    sid = self.step_id(StepKey(name, step, "ignore",
                                               system.instances[sender].name, message))
                    outcome = [(system.coverage_id(name, step), sid,
                                self.write_id(Writes(None, ())) if fields
                                else self.store.intern(2 + k, local),
                                self.store.intern(1, state[1]), ())]
            elif not self.persistent:
                outcome = _Unhandled(Unhandled(name, local.state, system.instances[sender].name,
                                               message))
            else:
                outcome = []
        else:
            outcome = []
            for t, tid in candidates:
                more, read = self._entries(k, state, t, tid, "receive", sender, message,
                                           2 + k if fields else None)
                outcome.extend(more)
                if read:
                    reads.update(dict.fromkeys(read))
        self._record(k, idxs, memo, key, tuple(reads), outcome)
        return outcome

    def _deliverable_entries(self, k: int, bi: int) -> list[tuple[int, int, int]]:
        slot = 2 + self.n + k
        inbox = self.store.values[slot][bi]
        entries = []
        for sender, message, rest in self.system._deliverable(inbox, k):
            rest_idx = -1 if rest is None else self.store.intern(slot, rest)
            entries.append((sender, self.message_id(message), rest_idx))
        self._deliverable[k][bi] = entries
        return entries

    def deliverables(self, k: int, bi: int) -> list[tuple[int, int, int]]:
        """What can be delivered from instance k's inbox bi, in delivery order: (sender,
        message id, the inbox after: -1 when the message stays). For a role that defers
        nothing (then it depends on the inbox alone)."""
        entries = self._deliverable[k].get(bi)
        return self._deliverable_entries(k, bi) if entries is None else entries

    def _deferring_entries(self, k: int, bi: int, here: str) -> list[tuple[int, int, int]]:
        """_deliverable_entries for a role that defers messages in some states."""
        key = (bi, here)
        entries = self._deferring[k].get(key)
        if entries is None:
            slot = 2 + self.n + k
            inbox = self.store.values[slot][bi]
            entries = []
            for sender, message, rest in self.system._deliverable_deferring(
                    inbox, self.system._deferred[k], here, k):
                rest_idx = -1 if rest is None else self.store.intern(slot, rest)
                entries.append((sender, self.message_id(message), rest_idx))
            self._deferring[k][key] = entries
        return entries

    def fits(self, slot: int, bi: int, sender: int) -> bool:
        """Whether the channel from `sender` into inbox `bi` of `slot` holds at most its
        capacity (a step that overfills a channel is not enabled: the sender waits)."""
        key = (slot, bi, sender)
        ok = self._fits.get(key)
        if ok is None:
            limit = self.system._capacity.get((sender, slot - 2 - self.n))  # type: ignore[union-attr]
            ok = self._fits[key] = limit is None or self.system.channel_size(
                self.store.values[slot][bi], sender) <= limit
        return ok

    def observe(self, j: int, li: int, slot: int, code: int) -> int:
        """Monitor j's local (interned) after it observes the message `code` (message id and
        sender) sent to the inbox `slot`: System.observed on interned values, memoized."""
        key = (j, li, slot, code)
        new = self._observed.get(key)
        if new is None:
            system, n = self.system, self.n
            k = system.monitor_indices[j]
            local = self.store.values[2 + k][li]
            sender, mid = code % n, code // n
            after = observe(system.instances[k], local, system.instances[sender].name,
                            system.instances[slot - 2 - n].name, self.messages[mid])
            new = self._observed[key] = self.store.intern(2 + k, after)
        return new

    def observe_receipt(self, j: int, li: int, sid: int) -> int:
        """Monitor j's local after it observes what step `sid` received (unchanged when the
        step receives nothing), memoized."""
        key = (j, li, -1 - sid)
        new = self._observed.get(key)  # type: ignore[call-overload]
        if new is None:
            step = self.step_list[sid]
            new = li
            ended = None
            if step.kind in ("receive", "internal"):
                t = self.system.instance(step.actor).role.transition(step.transition)
                ended = receipt(t, step.message)
            if ended is not None:
                system = self.system
                k = system.monitor_indices[j]
                after = observe(system.instances[k], self.store.values[2 + k][li],
                                step.sender or step.actor, step.actor, ended, received=True)
                new = self.store.intern(2 + k, after)
            self._observed[key] = new  # type: ignore[index]
        return new

    def _add_message(self, slot: int, bi: int, code: int) -> int:
        table = self._add[slot]
        key = code << 32 | bi
        new = table.get(key)
        if new is None:
            if slot - 2 - self.n in self.system.monitor_indices:
                table[key] = bi  # an announcement to a monitor: it observes, nothing queues
                return bi
            inbox = self.store.values[slot][bi]
            sender, mid = code % self.n, code // self.n
            value = self.system._inbox_add(inbox, sender, self.messages[mid])
            new = table[key] = self.store.intern(slot, value)
        return new

    def _fault_entries(self, k: int, bi: int) -> list[tuple[int, int, int]]:
        slot = 2 + self.n + k
        entries = [(tid, self.step_id(key), self.store.intern(slot, new))
                   for key, new, tid in self.system.fault_steps(k, self.store.values[slot][bi])]
        self._faults[k][bi] = entries
        return entries

    # -- value-level view, for tests and tools --------------------------------------------
    def successors(self, state: tuple) -> list[tuple[StepKey, tuple]]:
        """Like System.successors, through the compiled tables (for differential tests)."""
        succs, loops, _ = self.expand(tuple(self.store.encode(state)))
        return ([(self.step_list[sid], self.store.decode(new)) for _, sid, new in succs]
                + [(self.step_list[sid], state) for _, sid in loops])

