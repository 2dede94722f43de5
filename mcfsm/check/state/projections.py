"""Interned projections of a state's slots, shared by everything memoized on what model
code reads (predicates.py's trees, steps.py's world readers): what `in_flight` sees of an
inbox (the envelopes of one message type and sender), and one field of a local.

A memo keyed on a whole inbox misses whenever any message in it changes; keyed on the
projection it hits while the messages the code looks for stay the same (usually none)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ...lang.system import System

# The last element of a projection key that asks only whether the inbox holds an envelope
# passing the filter (a truth test of `in_flight`'s result).
ANY = "any"
# The first item of a projection key's last element that asks only for the values one
# element takes in the envelopes passing the filter: (..., (ELEMENT, element name)).
ELEMENT = "element"
# The projection id of a step's difference in an inbox when the step put nothing there that
# passes the filter (the common case: most steps leave most inboxes as they were).
NOTHING_SENT = -1


class Projections:
    """Interned projections of slots, by key -> small ids, shared by the memos of one
    exploration. A key is (inbox slot, message type, sender): the envelopes `in_flight`
    sees there; (inbox slot, message type, sender, ANY): whether it sees one; (inbox slot,
    message type, sender, (ELEMENT, name)): the values of one element they carry; or (local
    slot, field): one field of an instance's local. What a step put in an inbox (what
    `after.sent_since(before, ...)` sees there) is keyed (-1 - inbox slot, message type,
    sender), on the pair of the inbox's indices before and after the step (`diff`); what
    it put in all the inboxes one `sent_since` reads, (-1, message type, sender, inbox
    slots) (`sent`)."""

    def __init__(self, system: System, values: list[list[Any]]) -> None:
        self.system = system
        self.values = values
        self._tables: dict[Any, dict[int, int]] = {}  # key -> {slot index: projection id}
        self._interned: dict[Any, int] = {}
        n = len(system.instances)
        self._receiver = {2 + n + k: name for k, name in enumerate(system.instance_names)}

    def table(self, key: tuple) -> dict[int, int]:
        """The projection ids of one key found so far, by slot index (memo nodes read it
        directly; a miss calls the Projections)."""
        table = self._tables.get(key)
        if table is None:
            table = self._tables[key] = {}
        return table

    def __call__(self, key: tuple, idx: int) -> int:
        table = self.table(key)
        pid = table.get(idx)
        if pid is None:
            seen = self._project(key, self.values[key[0]][idx])
            pid = self._interned.setdefault(seen, len(self._interned))
            table[idx] = pid
        return pid

    def field_value(self, value: Any) -> int:
        """The projection id a field holding `value` has (as `(local slot, field)` keys
        intern it)."""
        return self._interned.setdefault((type(value), value), len(self._interned))

    def diff(self, key: tuple, before: int, after: int) -> int:
        """The projection id of what a step put in one inbox (envelopes passing the filter,
        as a multiset): NOTHING_SENT when it put none there."""
        if before == after:
            return NOTHING_SENT
        table = self.table(key)
        pair = before << 32 | after
        pid = table.get(pair)
        if pid is None:
            slot = -1 - key[0]
            inbox = (slot, *key[1:])
            added = Counter(self._project(inbox, self.values[slot][after]))
            added.subtract(Counter(self._project(inbox, self.values[slot][before])))
            seen = frozenset((e, n) for e, n in added.items() if n > 0)
            pid = table[pair] = NOTHING_SENT if not seen else \
                self._interned.setdefault(("sent", seen), len(self._interned))
        return pid

    def sent(self, key: tuple, idxs: Any) -> Any:
        """What a step put in the inboxes key[3] (idxs: the step's combined index vector,
        before then after): NOTHING_SENT, the projection id of the one inbox it put
        something in (ids name the receiver, so they differ between inboxes), or the tuple
        of them."""
        half = len(idxs) >> 1
        message_type, sender = key[1], key[2]
        pids = [pid for slot in key[3]
                if (pid := self.diff((-1 - slot, message_type, sender), idxs[slot],
                                     idxs[slot + half])) != NOTHING_SENT]
        return NOTHING_SENT if not pids else pids[0] if len(pids) == 1 else tuple(pids)

    def _project(self, key: tuple, value: Any) -> Any:
        if len(key) == 2:  # a field; typed, so that True and 1 stay apart
            field = getattr(value, key[1])
            return (type(field), field)
        slot, message_type, sender = key[:3]
        state: list[Any] = [None] * self.system.slot_count
        state[slot] = value
        seen = tuple(self.system.envelopes(tuple(state), message_type,
                                           to=self._receiver[slot], sender=sender))
        if len(key) == 3:
            return seen
        if key[3] == ANY:
            return bool(seen)
        element = key[3][1]  # typed, as a field's value is
        return tuple((type(v), v) for v in (getattr(m, element) for _, _, m in seen))
