"""Channel bounds and deferred messages, compiled for the successor function.

Two different bounds on messages in flight (both optional):
- `System(max_in_flight=N)` is a *search bound* (TLC's CONSTRAINT): a successor whose
  inbox (all senders together) holds more than N messages is generated (it counts in
  the total) but then neither stored nor explored. It cuts the state space; verdicts say
  "within bounds".
- `System(capacity=N)` or `capacity={("client1", "serverA"): 1, ...}` is *semantics*: a
  channel (one sender to one receiver) holds at most N messages, and a step that would
  send on a full channel is not enabled: the sender waits, as with a bounded blocking
  queue (Promela's `chan c = [N]`). Such a step is never generated, so it is not counted,
  and a state where only blocked sends remain is a deadlock.
Deferred messages (`Role(defers={Msg: states})`, SDL's save, P's defer): in those states
the message stays queued and is neither handled nor unhandled; on FIFO the sender's later
messages are offered past it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import ModelError
from .messages import Message
from .records import Network, State

# `system` below is the System that asks (typed Any: this module stays below system.py).
System = Any


CapacityDecl = int | Mapping[tuple[str, str], int] | None


def _positive(value: Any, where: str, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ModelError(f"{what} is {value!r}; a channel must hold at least one message",
                         where=where,
                         fix="pass capacity=1 or more (a rendezvous is not modelled), or leave "
                             "it out for an unbounded channel")
    return value


def capacity_table(system: System, declared: CapacityDecl) -> dict[tuple[int, int], int] | None:
    """(sender index, receiver index) -> capacity, or None when no channel is bounded."""
    if declared is None:
        return None
    where = f"system {system.name!r}"

    if system.network is Network.PERSISTENT:
        raise ModelError("capacity has no meaning on a persistent message set (messages are "
                         "never consumed)", where=where,
                         fix="drop capacity= or use Network.FIFO / Network.BAG")
    index = {inst.name: k for k, inst in enumerate(system.instances)}
    if isinstance(declared, Mapping):
        table = {}
        for channel, value in declared.items():
            if (not isinstance(channel, tuple) or len(channel) != 2
                    or any(name not in index for name in channel)):
                raise ModelError(f"capacity names channel {channel!r}, which is not a pair of "
                                 "instance names", where=where,
                                 fix=f"use (sender, receiver) pairs among {list(index)}")
            table[(index[channel[0]], index[channel[1]])] = _positive(
                value, where, f"capacity of channel {channel[0]} -> {channel[1]}")
        return table
    limit = _positive(declared, where, "capacity")
    n = len(system.instances)
    return {(s, r): limit for s in range(n) for r in range(n)}


def check_capacity(system: System, state: State, sender: int,
                   sends: list[tuple[str, Message]]) -> bool:
    """Whether every channel a step sent on still holds at most its capacity."""
    table = system._capacity
    assert table is not None
    n = len(system.instances)
    for to, _ in sends:
        receiver = system._index[to]
        limit = table.get((sender, receiver))
        if limit is not None and system.channel_size(state[2 + n + receiver], sender) > limit:
            return False
    return True


def deferred_table(system: System) -> list[dict[type, frozenset[str]] | None]:
    """Per instance: message type -> states in which it is deferred (None: defers nothing)."""
    return [dict(inst.role.defers) or None for inst in system.instances]
