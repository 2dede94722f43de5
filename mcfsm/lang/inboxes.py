"""What is in flight (a mixin of System): deliverable messages per network semantics,
adding a sent message, loss and duplication steps, channel capacities and the envelopes
that properties and reports read. Unordered inboxes (bags, persistent sets) are read in a
canonical order, so traces do not depend on the hash seed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .faults import happens
from .messages import Message
from .records import NETWORK_ACTOR, Network, State, StepKey, Successor


class Inboxes:
    """System's inbox operations (see the module doc)."""

    def _deliverable(self, inbox: Any, k: int) -> Iterator[tuple[int, Message, Any]]:
        """(sender, message, inbox after consuming it; None when nothing is consumed), for
        the inbox of instance k. On FIFO channels and a FIFO inbox, the head; and, where
        the system declares Reorder, a later message that may overtake."""
        net = self.network
        if net is Network.FIFO:
            for pos, (sender, queue) in enumerate(inbox):
                for q, msg in enumerate(queue):
                    if q and not self._overtakes(sender, k, msg):
                        continue
                    yield sender, msg, _without(inbox, pos, sender, queue, q)
        elif net is Network.INBOX:
            for q, (sender, msg) in enumerate(inbox):
                if q and not self._overtakes(sender, k, msg):
                    continue
                yield sender, msg, inbox[:q] + inbox[q + 1:]
        elif net is Network.BAG:
            for (sender, msg), _count in sorted(inbox, key=canonical_key):
                yield sender, msg, _bag_change(inbox, (sender, msg), -1)
        else:
            for sender, msg in sorted(inbox, key=canonical_key):
                yield sender, msg, None

    def _overtakes(self, sender: int, receiver: int, msg: Message) -> bool:
        """Whether a message may be received before those sent ahead of it (Reorder)."""
        return bool(self.reorder) and happens(self.reorder, self.instances[sender].name,
                                              self.instances[receiver].name, msg)

    def _deliverable_deferring(self, inbox: Any, deferred: dict[type, frozenset[str]],
                               here: str, k: int) -> Iterator[tuple[int, Message, Any]]:
        """_deliverable for a role that defers messages: a message deferred in state `here`
        is not delivered and stays queued; on FIFO the sender's next message is offered
        instead (SDL save: the queue is scanned past saved signals), and on a FIFO inbox
        the next message from any sender (P's defer)."""
        def kept(msg: Message) -> bool:
            states = deferred.get(type(msg))
            return states is not None and here in states

        if self.network is Network.INBOX:
            first = True
            for q, (sender, msg) in enumerate(inbox):
                if kept(msg):
                    continue
                if first or self._overtakes(sender, k, msg):
                    yield sender, msg, inbox[:q] + inbox[q + 1:]
                first = False
            return
        if self.network is not Network.FIFO:
            for sender, msg, rest in self._deliverable(inbox, k):
                if not kept(msg):
                    yield sender, msg, rest
            return
        for pos, (sender, queue) in enumerate(inbox):
            first = True
            for q, msg in enumerate(queue):
                if kept(msg):
                    continue
                if first or self._overtakes(sender, k, msg):
                    yield sender, msg, _without(inbox, pos, sender, queue, q)
                first = False

    def _inbox_add(self, inbox: Any, sender: int, message: Message) -> Any:
        net = self.network
        if net is Network.FIFO:
            for pos, (s, queue) in enumerate(inbox):
                if s == sender:
                    return inbox[:pos] + ((s, queue + (message,)),) + inbox[pos + 1:]
                if s > sender:
                    return inbox[:pos] + ((sender, (message,)),) + inbox[pos:]
            return inbox + ((sender, (message,)),)
        if net is Network.INBOX:
            return inbox + ((sender, message),)
        if net is Network.BAG:
            return _bag_change(inbox, (sender, message), +1)
        return inbox | {(sender, message)}

    def _faults(self, state: State, out: list[Successor]) -> None:
        n = len(self.instances)
        for k in range(n):
            slot = 2 + n + k
            for key, new, tid in self.fault_steps(k, state[slot]):
                out.append((key, _replace(state, slot, new), (slot,), tid))

    def fault_steps(self, k: int, inbox: Any) -> list[tuple[StepKey, Any, int]]:
        """Loss and duplication steps on the inbox of instance k: (step, new inbox, coverage
        id). They depend on the inbox alone, so the compiled engine tabulates them."""
        out: list[tuple[StepKey, Any, int]] = []
        # Only the faults the system declares get a coverage id: one it does not declare
        # would be listed as a transition that never fired.
        lose = self.coverage_id(NETWORK_ACTOR, "lose") if self.loss else -1
        duplicate = self.coverage_id(NETWORK_ACTOR, "duplicate") if self.duplication else -1
        receiver = self.instances[k].name

        def step(kind: str, sender: int, msg: Message, new: Any) -> None:
            out.append((StepKey(NETWORK_ACTOR, kind, kind, self.instances[sender].name, msg,
                                receiver), new, lose if kind == "lose" else duplicate))

        def hit(decl: Any, sender: int, msg: Message) -> bool:
            return bool(decl) and happens(decl, self.instances[sender].name, receiver, msg)

        net = self.network
        if net is Network.FIFO:
            for pos, (sender, queue) in enumerate(inbox):
                for q, msg in enumerate(queue):
                    if hit(self.loss, sender, msg):
                        step("lose", sender, msg, _without(inbox, pos, sender, queue, q))
                    if hit(self.duplication, sender, msg) and self._room(inbox, sender, k):
                        longer = queue[:q + 1] + queue[q:]
                        step("duplicate", sender, msg,
                             inbox[:pos] + ((sender, longer),) + inbox[pos + 1:])
        elif net is Network.INBOX:
            for q, (sender, msg) in enumerate(inbox):
                if hit(self.loss, sender, msg):
                    step("lose", sender, msg, inbox[:q] + inbox[q + 1:])
                if hit(self.duplication, sender, msg) and self._room(inbox, sender, k):
                    step("duplicate", sender, msg, inbox[:q + 1] + inbox[q:])
        elif net is Network.BAG:
            for (sender, msg), _count in sorted(inbox, key=canonical_key):
                if hit(self.loss, sender, msg):
                    step("lose", sender, msg, _bag_change(inbox, (sender, msg), -1))
                if hit(self.duplication, sender, msg) and self._room(inbox, sender, k):
                    step("duplicate", sender, msg, _bag_change(inbox, (sender, msg), +1))
        else:  # a persistent set: a lost message leaves it for good
            for sender, msg in sorted(inbox, key=canonical_key):
                if hit(self.loss, sender, msg):
                    step("lose", sender, msg, inbox - {(sender, msg)})
        return out

    def _room(self, inbox: Any, sender: int, receiver: int) -> bool:
        """Whether the channel sender -> receiver can take one more message."""
        if self._capacity is None:
            return True
        limit = self._capacity.get((sender, receiver))
        return limit is None or self.channel_size(inbox, sender) < limit

    def channel_size(self, inbox: Any, sender: int) -> int:
        """Messages in flight from `sender` in one receiver's inbox."""
        if self.network is Network.FIFO:
            return next((len(q) for s, q in inbox if s == sender), 0)
        if self.network is Network.INBOX:
            return sum(1 for s, _ in inbox if s == sender)
        if self.network is Network.BAG:
            return sum(c for (s, _), c in inbox if s == sender)
        return sum(1 for s, _ in inbox if s == sender)

    def within_capacity(self, state: State) -> bool:
        """Whether every channel holds at most its capacity (for the hypothesis runtime,
        which fires a step before it can see what it sends)."""
        if self._capacity is None:
            return True
        n = len(self.instances)
        return all(self.channel_size(state[2 + n + r], s) <= limit
                   for (s, r), limit in self._capacity.items())

    def _inbox_size(self, inbox: Any) -> int:
        if self.network is Network.FIFO:
            return sum(len(q) for _, q in inbox)
        if self.network is Network.INBOX:
            return len(inbox)
        if self.network is Network.BAG:
            return sum(c for _, c in inbox)
        return len(inbox)

    def envelopes(self, state: State, message_type: type[Message] | None = None, *,
                  to: str | None = None, sender: str | None = None,
                  ) -> list[tuple[str, str, Message]]:
        """(sender, receiver, message) for every message in flight (with multiplicity),
        optionally only of one type, to one receiver or from one sender."""
        n = len(self.instances)
        names = self.instance_names
        receivers = range(n) if to is None else (self._index[to],)
        out = []
        for k in receivers:
            inbox = state[2 + n + k]
            if not inbox:
                continue
            if self.network is Network.FIFO:
                pairs = [(s, m) for s, queue in inbox for m in queue]
            elif self.network is Network.INBOX:
                pairs = list(inbox)
            elif self.network is Network.BAG:  # unordered: listed canonically (hash-seed free)
                pairs = [(s, m) for (s, m), count in sorted(inbox, key=canonical_key)
                         for _ in range(count)]
            else:
                pairs = sorted(inbox, key=canonical_key)
            for s, m in pairs:
                if (message_type is None or isinstance(m, message_type)) and (
                        sender is None or names[s] == sender):
                    out.append((names[s], names[k], m))
        return out


def canonical_key(value: Any) -> str:
    """A sort key that does not depend on the hash seed. Sets iterate in an order that
    depends on string hashes (randomised per process) and on insertion history, so bag and
    persistent deliveries and set-valued choices are taken in this order instead: the same
    model gives the same steps, traces and coverage in every run and every worker."""
    if isinstance(value, frozenset | set):
        return "{" + ",".join(sorted(canonical_key(v) for v in value)) + "}"
    if isinstance(value, tuple):
        return "(" + ",".join(canonical_key(v) for v in value) + ")"
    if isinstance(value, Message):
        return (type(value).__name__ + "("
                + ",".join(canonical_key(getattr(value, e.name)) for e in value.elements) + ")")
    return repr(value)


def _without(inbox: Any, pos: int, sender: int, queue: tuple[Message, ...], q: int) -> Any:
    """A FIFO inbox with message q of the queue at position pos taken out."""
    shorter = queue[:q] + queue[q + 1:]
    return (inbox[:pos] + ((sender, shorter),) + inbox[pos + 1:] if shorter
            else inbox[:pos] + inbox[pos + 1:])


def _bag_change(bag: frozenset, item: tuple[int, Message], delta: int) -> frozenset:
    counts = dict(bag)
    counts[item] = counts.get(item, 0) + delta
    if counts[item] <= 0:
        del counts[item]
    return frozenset(counts.items())


def _replace(state: State, slot: int, value: Any) -> State:
    nxt = list(state)
    nxt[slot] = value
    return tuple(nxt)
