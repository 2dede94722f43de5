"""What a verdict rests on besides the text: the model's assumptions, declared and derived.

A model declares its modelling decisions as `Assumption`s (lang/findings.py). Some follow
from the system's declaration whether the model says so or not (the network's order, no
loss, atomic steps, the bounds); mcfsm states those itself, marked `derived`, so that no
verdict hides them. A declared assumption of the same name replaces the derived one (to
argue, say, that the text forces the order). Pinned parameters are the variant's fixed
readings of the text and are listed with them.
"""

from __future__ import annotations

import re

from ..lang.faults import Duplication, Loss, Reorder
from ..lang.findings import Assumption
from ..lang.system import Network, System
from ..lang.timers import own_spans
from .results import Result

_NETWORK = {
    Network.FIFO: ("network-fifo", "messages from one party to another arrive in the order "
                                   "they were sent (FIFO per pair of parties)"),
    Network.BAG: ("network-unordered", "messages in flight may arrive in any order"),
    Network.PERSISTENT: ("network-persistent", "a sent message stays and may be read again "
                                               "(TLA+'s message set)"),
    Network.INBOX: ("network-inbox", "every party takes its messages in the order they "
                                     "reached it, whoever sent them (one FIFO inbox per party)"),
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
    if isinstance(system.duplication, Duplication):
        out.append(Assumption("duplication-where-declared", "no message is delivered twice "
                              f"except where the model declares it: {system.duplication.why}",
                              derived=True))
    elif not system.duplication and system.network is not Network.PERSISTENT:
        out.append(Assumption("no-duplication", "no message is delivered twice", derived=True))
    if isinstance(system.reorder, Reorder):
        out.append(Assumption("reorder-where-declared", "messages keep their order except "
                              f"where the model declares it: {system.reorder.why}",
                              derived=True))
    for off in system.switch_offs:
        out.append(Assumption("switch-off-" + re.sub(r"[^A-Za-z0-9_-]+", "-", off.instance),
                              off.why, clause=off.clause,
                              derived=True))
    out += _timer_orders(system)
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


def _timer_orders(system: System) -> list[Assumption]:
    """The orders of durations the model declares (lang/timers.py): each is a reading of
    the text, not a fact of it, and every verdict rests on it."""
    out = []
    seen: set[str] = set()
    for inst in system.instances:
        table = inst.role.timer_table
        if inst.role.name in seen or not table:
            continue
        seen.add(inst.role.name)
        pairs = []
        for name, d in table.timers.items():
            longer = sorted(o for o in d.outlasts if isinstance(o, str))
            longer += [s.name + (" where the parameters choose that reading"
                                 if s.when is not None else "")
                       for s in own_spans(d, table.role)]
            if longer:
                pairs.append(f"{d.words if table.spans.get(name) else name} outlasts "
                             f"{', '.join(longer)}")
        if pairs:
            out.append(Assumption("timer-order-" + re.sub(r"[^A-Za-z0-9_-]+", "-",
                                                          inst.role.name),
                                  f"{inst.role.name}: " + "; ".join(pairs) + " (a timer cannot "
                                  "expire while a shorter one, or a span it outlasts, armed or "
                                  "begun no later, still runs)",
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


def explored(system: System) -> list[str]:
    """The parameters this variant explores: two choices or more."""
    return [n for n, p in system.params.items() if len(p.choices) > 1]


def rests_on(system: System, result: Result | None = None) -> list[str]:
    """The names of what every verdict of the system rests on besides the text: its
    unforced assumptions and its pinned readings, and (given the run's result) what the
    run assumed (`of_the_run`)."""
    run = [a.name for a in of_the_run(result)] if result is not None else []
    return [a.name for a in unforced(system)] + run + [f"{pin} (pinned)" for pin in pins(system)]


# The name of the assumption a symmetry-reduced run makes when it did not verify the
# declared symmetry (Result.symmetry_assumed).
SYMMETRY = "symmetry"


def of_the_run(result: Result) -> tuple[Assumption, ...]:
    """What this run's verdicts rest on besides the model's assumptions: a declared
    symmetry that reduced the search and was not verified (issue 73: the verdict read as
    unconditional, and a product of the generators broke the symmetry). A verified one is
    no assumption: the reduced verdicts are the unreduced search's."""
    if not result.symmetry_assumed:
        return ()
    sets = "; ".join(", ".join(names) for names in result.system.symmetry)
    return (Assumption(SYMMETRY, f"the declared symmetry holds: renaming the instances {sets} "
                                 "among themselves changes no property, bound or step in any "
                                 "reachable state (assumed, as TLC's SYMMETRY is, not "
                                 "verified: `check --verify-symmetry` checks it, "
                                 "`--no-symmetry` searches without it)",
                       derived=True),)


def in_the_run(result: Result) -> tuple[Assumption, ...]:
    """Every assumption the run's verdicts rest on: the model's and the run's own."""
    return (*assumptions_of(result.system), *of_the_run(result))


def unforced_in_the_run(result: Result) -> tuple[Assumption, ...]:
    """The unforced assumptions the run's verdicts rest on: the model's and the run's."""
    return (*unforced(result.system), *of_the_run(result))
