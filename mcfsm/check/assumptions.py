"""What a verdict rests on besides the text: the model's assumptions, declared and derived.

A model declares its modelling decisions as `Assumption`s (lang/findings.py). Some follow
from the system's declaration whether the model says so or not (the network's order, no
loss, atomic steps, the bounds); mcfsm states those itself, marked `derived`, so that no
verdict hides them. A declared assumption of the same name replaces the derived one (to
argue, say, that the text forces the order). Pinned parameters are the variant's fixed
readings of the text and are listed with them.
"""

from __future__ import annotations

from ..lang.channels import Loss
from ..lang.findings import Assumption
from ..lang.system import Network, System

_NETWORK = {
    Network.FIFO: ("network-fifo", "messages from one party to another arrive in the order "
                                   "they were sent (FIFO per pair of parties)"),
    Network.BAG: ("network-unordered", "messages in flight may arrive in any order"),
    Network.PERSISTENT: ("network-persistent", "a sent message stays and may be read again "
                                               "(TLA+'s message set)"),
}


def derived(system: System) -> list[Assumption]:
    """The assumptions the system's declaration makes, in words."""
    name, why = _NETWORK[system.network]
    out = [Assumption(name, why, derived=True)]
    if isinstance(system.loss, Loss):
        out.append(Assumption("loss-where-declared", "no message is lost except where the "
                              f"model declares it: {system.loss.why}", derived=True))
    elif not system.loss and system.network is not Network.PERSISTENT:
        out.append(Assumption("no-loss", "no message is lost", derived=True))
    if not system.duplication and system.network is not Network.PERSISTENT:
        out.append(Assumption("no-duplication", "no message is delivered twice", derived=True))
    out.append(Assumption("atomic-steps", "a party takes a message, decides and sends its "
                                          "answers in one indivisible step", derived=True))
    if system.constraint is not None:
        out.append(Assumption("state-constraint", "only states within the model's constraint "
                                                  "are explored (its bounds)", derived=True))
    if system.max_in_flight is not None:
        out.append(Assumption("max-in-flight", f"at most {system.max_in_flight} messages are "
                                               "in flight at once", derived=True))
    if system.capacity is not None:
        out.append(Assumption("channel-capacity", "a sender waits while its channel is full",
                              derived=True))
    return out


def assumptions_of(system: System) -> tuple[Assumption, ...]:
    """Every assumption of a system: derived ones, replaced by declared ones of the same
    name, then the declared ones."""
    declared = {a.name: a for a in system.assumptions}
    out = [declared.pop(a.name, a) for a in derived(system)]
    return (*out, *declared.values())


def unforced(system: System) -> tuple[Assumption, ...]:
    return tuple(a for a in assumptions_of(system) if not a.forced)


def pins(system: System) -> list[str]:
    """The parameters this variant pins to one reading: `name=value`."""
    return [f"{n}={p.choices[0]}" for n, p in system.params.items() if len(p.choices) == 1]


def rests_on(system: System) -> list[str]:
    """The names of what every verdict of the system rests on besides the text: its
    unforced assumptions and its pinned readings."""
    return [a.name for a in unforced(system)] + [f"{pin} (pinned)" for pin in pins(system)]
