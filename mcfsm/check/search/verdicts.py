"""From what a search found to the Result's verdicts and coverage (used by explorer.py,
whichever engine core ran the search)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...lang.system import State, StepKey, System, Unhandled
from ..results import Trace, Verdict
from ..state.store import Store


def verdicts_of(system: System, store: Store, step_list: list[StepKey],
              found: dict[str, tuple[int, tuple[StepKey, State] | None, str]],
              complete: bool) -> list[Verdict]:
    def trace_to(index: int, tail: tuple[StepKey, State] | None, note: str) -> Trace:
        path = store.path_to(index)
        trace_states = [store.decode_at(j) for j in path]
        trace_steps = [step_list[store.step_of[j]] for j in path[1:]]
        if tail is not None:
            trace_steps.append(tail[0])
            trace_states.append(tail[1])
        return Trace(tuple(trace_states), tuple(trace_steps), note)

    return safety_verdicts(system, found, complete, trace_to)


def safety_verdicts(system: System, found: dict[str, tuple[Any, ...]], complete: bool,
                    trace_to: Callable[..., Trace]) -> list[Verdict]:
    """One verdict per property from what the search found (`found[name]` holds the
    arguments of `trace_to`); temporal properties read "holds" here until
    temporal.temporal_verdicts puts their own verdict in."""
    verdicts = []
    for p in system.properties:
        hit = found.get(p.name)
        if p.kind == "sometimes":
            if hit is not None:
                verdicts.append(Verdict(p, "witnessed", trace_to(*hit)))
            else:
                verdicts.append(Verdict(p, "never" if complete else "unknown"))
        elif hit is not None:
            verdicts.append(Verdict(p, "violated", trace_to(*hit)))
        else:
            verdicts.append(Verdict(p, "holds" if complete else "unknown"))
    return verdicts


def coverage_by_role(system: System, generated: list[int],
              discovered: list[int]) -> dict[tuple[str, str], tuple[int, int]]:
    role_of = {inst.name: inst.role.name for inst in system.instances}
    by_role: dict[tuple[str, str], tuple[int, int]] = {}
    for tid, (actor, transition) in enumerate(system.coverage_names):
        key = (role_of.get(actor, actor), transition)
        g, n = by_role.get(key, (0, 0))
        if tid < len(generated):
            g, n = g + generated[tid], n + discovered[tid]
        by_role[key] = (g, n)
    return by_role


def unhandled_note(system: System, u: Unhandled) -> str:
    receiver = system.instance(u.receiver).words
    sender = system.instance(u.sender).words
    return (f"{receiver} in state {u.state!r} has no transition for "
            f"{type(u.message).title} from {sender}: {u.message!r}")
