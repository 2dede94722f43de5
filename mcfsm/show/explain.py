"""Why a trace ends where it does, in one sentence: the note under every counterexample
and witness (text, JSON, charts, HTML).

In order of preference: the explorer's own note (the unhandled message, the deadlock);
the property's `explain=` sentence; the named sub-conditions of an `all_of` predicate that
fail in the last state; otherwise what the last step changed, since a breadth-first
counterexample's last step is the one that made the predicate false.
"""

from __future__ import annotations

from ..check.search.explorer import Trace, Verdict
from ..lang.properties import AllOf
from ..lang.system import NETWORK_ACTOR, System, View
from .values import spec_value


def _args(system: System, trace: Trace) -> tuple[object, ...]:
    after = View(system, trace.states[-1])
    if len(trace.states) > 1:
        before = View(system, trace.states[-2])
        return before, trace.steps[-1], after
    return (after,)


def last_step_changes(system: System, trace: Trace) -> list[str]:
    """What the last step changed: the actor's state and variables, shared variables, and
    messages sent or consumed."""
    if not trace.steps:
        return []
    before, after, key = trace.states[-2], trace.states[-1], trace.steps[-1]
    out = []
    who = system.instance(key.actor).words if key.actor != NETWORK_ACTOR else "the network"
    if key.actor != NETWORK_ACTOR:
        b, a = system.view(before)[key.actor], system.view(after)[key.actor]
        fields = [f"{field} {spec_value(old)} -> {spec_value(new)}"
                  for field, old, new in zip(b._fields, b, a) if old != new]
        if fields:
            out.append(f"{who} changed " + ", ".join(fields))
    if before[1] != after[1]:
        out.append("shared " + ", ".join(
            f"{field} {spec_value(old)} -> {spec_value(new)}"
            for field, old, new in zip(before[1]._fields, before[1], after[1]) if old != new))
    was = system.envelopes(before)
    sent = [(r, m) for s, r, m in system.envelopes(after) if (s, r, m) not in was]
    if sent:  # titles only: the chart and the narration show the elements
        out.append(f"{who} sent " + ", ".join(f"{type(m).title} to {system.instance(r).words}"
                                              for r, m in sent))
    for m in system.monitors:  # what the monitors made of it
        b, a = system.view(before)[m.name], system.view(after)[m.name]
        fields = [f"{field} {spec_value(old)} -> {spec_value(new)}"
                  for field, old, new in zip(b._fields, b, a) if old != new]
        if fields:
            out.append(f"{m.words} observed it: " + ", ".join(fields))
    return out


def explain(system: System, verdict: Verdict) -> str:
    """The note of a verdict's trace; empty when there is no trace."""
    trace = verdict.trace
    if trace is None:
        return ""
    prop = verdict.property
    if trace.note or prop.kind not in ("always", "sometimes", "step"):
        return trace.note  # the explorer's own words (unhandled, deadlock, a lasso's cycle)
    n = len(trace)
    if verdict.status == "witnessed":
        return f"the state after step {n} satisfies it" if n else "the initial state satisfies it"
    args = (View(system, trace.states[-1]),) if prop.kind != "step" else _args(system, trace)
    if prop.kind == "step" and len(args) != 3:
        return ""
    try:
        if prop.explain is not None:
            return str(prop.explain(*args))
        if isinstance(prop.predicate, AllOf):
            failing = prop.predicate.failing(*args)
            if failing:
                return "fails: " + "; ".join(failing)
    except Exception as exc:  # the note must not hide the verdict it explains
        return f"(explaining it raised {type(exc).__name__}: {exc})"
    if n == 0:
        return "the initial state violates it"
    changes = last_step_changes(system, trace)
    return (f"false after step {n}, where " + "; ".join(changes) if changes
            else f"false after step {n}")
