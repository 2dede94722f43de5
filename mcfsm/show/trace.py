"""Traces in the model's own words: numbered text steps and JSON records.

This module only reads explorer results and the system's public queries; it never
changes what was explored. Sent messages are recovered from the states before and after
each step (System.sent_between), so the explorer need not store them.
"""

from __future__ import annotations

from typing import Any

from ..check.search.explorer import Trace
from ..lang.faults import SWITCHED_OFF
from ..lang.messages import Message
from ..lang.system import NETWORK_ACTOR, State, StepKey, System
from .values import assignments, message_words, spec_value


def to_json_value(value: Any) -> Any:
    """A JSON-friendly rendering of a model value: records become objects, sets sorted lists."""
    if isinstance(value, Message):
        return {"type": type(value).__name__, **{k: to_json_value(v) for k, v in value.present().items()}}
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return {k: to_json_value(v) for k, v in value._asdict().items()}
    if isinstance(value, (tuple, list)):
        return [to_json_value(v) for v in value]
    if isinstance(value, frozenset | set):
        items = [to_json_value(v) for v in value]
        return sorted(items, key=repr)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return repr(value)


def state_json(system: System, state: State) -> dict[str, Any]:
    view = system.view(state)
    out: dict[str, Any] = {}
    if system.params:
        out["params"] = to_json_value(view.params)
    if system.shared:
        out["shared"] = to_json_value(view.shared)
    out["instances"] = {name: to_json_value(view[name]) for name in system.instance_names}
    if system.monitors:  # which of them are monitors (lang/monitors.py)
        out["monitors"] = [m.name for m in system.monitors]
    out["in_flight"] = [
        {"from": s, "to": r, "message": to_json_value(m)} for s, r, m in system.envelopes(state)
    ]
    return out


def step_sends(system: System, state: State, key: StepKey, after: State
               ) -> list[tuple[str, Message]]:
    """What a step of a trace sent, (receiver, message), from the states before and after
    it (the trace holds both: re-running the step's model code would only find `after`
    again): nothing for a step of the network (the copy a duplication adds to an inbox is
    the sender's message, not a send of the network)."""
    if key.actor == NETWORK_ACTOR:
        return []
    return system.sent_between(state, after, key)


def _transition_info(system: System, key: StepKey) -> tuple[str, str, bool]:
    """(clause, words, whether it is an environment event) of the transition a step took."""
    if key.actor == NETWORK_ACTOR:  # a fault: what the network did, in words
        what = "loses" if key.kind == "lose" else "duplicates"
        return "", f"the network {what} {type(key.message).title}", True
    if key.kind == "ignore":
        return "", key.transition, False
    t = system.instance(key.actor).role.transition(key.transition)
    return t.clause, t.words, t.environment


def _local_changes(before: Any, after: Any) -> dict[str, tuple[Any, Any]]:
    return {
        f: (b, a) for f, b, a in zip(before._fields, before, after) if b != a
    }


def steps_json(system: System, trace: Trace) -> list[dict[str, Any]]:
    out = []
    for number, (key, before, after) in enumerate(
            zip(trace.steps, trace.states, trace.states[1:]), start=1):
        sent = step_sends(system, before, key, after)
        clause, words, environment = _transition_info(system, key)
        record: dict[str, Any] = {
            "step": number,
            "actor": key.actor,
            "kind": key.kind,
            "transition": key.transition,
            "clause": clause,
            "words": words,
            "environment": environment,
        }
        if key.actor != NETWORK_ACTOR:
            changes = _local_changes(system.view(before)[key.actor], system.view(after)[key.actor])
            record["changes"] = {k: [to_json_value(b), to_json_value(a)] for k, (b, a) in changes.items()}
        if key.sender is not None:
            record["from"] = key.sender
        if key.message is not None:
            record["message"] = to_json_value(key.message)
        if key.arg is not None:
            record["arg"] = to_json_value(key.arg)
        record["sends"] = [{"to": to, "message": to_json_value(m)} for to, m in sent]
        if before[1] != after[1]:
            record["shared"] = to_json_value(after[1])
        observed = _monitor_changes(system, before, after)
        if observed:
            record["monitors"] = {name: {k: [to_json_value(b), to_json_value(a)]
                                         for k, (b, a) in changes.items()}
                                  for name, changes in observed.items()}
        record["state"] = state_json(system, after)
        if trace.loop_start is not None:
            record["in_loop"] = number > trace.loop_start
        out.append(record)
    return out


def _monitor_changes(system: System, before: State, after: State
                     ) -> dict[str, dict[str, tuple[Any, Any]]]:
    """What each monitor's observation of the step changed (lang/monitors.py)."""
    out = {}
    for m in system.monitors:
        changes = _local_changes(system.view(before)[m.name], system.view(after)[m.name])
        if changes:
            out[m.name] = changes
    return out


def _label(system: System, name: str | None) -> str:
    if name is None or name == NETWORK_ACTOR:
        return "the network"
    return system.instance(name).words


def _fmt(message: Message) -> str:
    return message_words(message)


def in_flight_words(system: System, state: State) -> list[str]:
    """Each message in flight in a state, in words: what a run that starts mid-exchange
    (an initial state with a request already sent) has on the wire at its start."""
    return [f"{_fmt(m)} from {_label(system, sender)} to {_label(system, to)}"
            for sender, to, m in system.view(state).in_flight()]


def describe_state(system: System, state: State) -> list[str]:
    """One line for the parameters and shared variables, then one per instance."""
    view = system.view(state)
    lines = []
    if system.params:
        lines.append("parameters: " + assignments(view.params._asdict().items()))
    if system.shared:
        lines.append("shared: " + assignments(view.shared._asdict().items()))
    for name in system.instance_names:
        local = view[name]
        variables = assignments(zip(local._fields[1:], local[1:]))
        lines.append(f"{_label(system, name)}: {local.state}" + (f" ({variables})" if variables else ""))
    return lines


def trace_text(system: System, trace: Trace, indent: str = "  ", note: str | None = None) -> list[str]:
    """The trace as numbered steps, narrated with the spec's names; `note` (default: the
    explorer's) says what the last state shows."""
    lines = [f"{indent}0. initial state:"]
    lines.extend(f"{indent}     {line}" for line in describe_state(system, trace.states[0]))
    for number, (key, before, after) in enumerate(
            zip(trace.steps, trace.states, trace.states[1:]), start=1):
        sent = step_sends(system, before, key, after)
        clause, words, _ = _transition_info(system, key)
        actor = _label(system, key.actor)
        if key.kind == "receive":
            head = f"{actor} receives {_fmt(key.message)} from {_label(system, key.sender)}"  # type: ignore[arg-type]
        elif key.kind == "ignore" and system.view(before)[key.actor].state == SWITCHED_OFF:
            head = (f"{_fmt(key.message)} from {_label(system, key.sender)} is lost: "  # type: ignore[arg-type]
                    f"{actor} is switched off")
        elif key.kind == "ignore":
            head = f"{actor} ignores {_fmt(key.message)} from {_label(system, key.sender)}"  # type: ignore[arg-type]
        elif key.kind in ("lose", "duplicate"):
            head = (f"the network {'loses' if key.kind == 'lose' else 'duplicates'} "
                    f"{_fmt(key.message)} from {_label(system, key.sender)} "  # type: ignore[arg-type]
                    f"to {_label(system, key.arg)}")
        else:
            head = f"{actor}: {words}"
        if key.kind == "receive" and words and not words.startswith("receives "):
            head += f"; {words}"
        if key.arg is not None and key.kind in ("internal", "receive"):
            head += f" [choice {spec_value(key.arg)}]"
        details = []
        if key.actor != NETWORK_ACTOR:
            changes = _local_changes(system.view(before)[key.actor], system.view(after)[key.actor])
            for field, (b, a) in changes.items():
                details.append(f"state {b} -> {a}" if field == "state"
                               else f"{field}: {spec_value(b)} -> {spec_value(a)}")
        if before[1] != after[1]:
            for field, b, a in zip(before[1]._fields, before[1], after[1]):
                if b != a:
                    details.append(f"shared {field}: {spec_value(b)} -> {spec_value(a)}")
        for to, message in sent:
            details.append(f"sends {_fmt(message)} to {_label(system, to)}")
        for name, changes in _monitor_changes(system, before, after).items():
            details.extend(f"{_label(system, name)} observes: "
                           + (f"state {b} -> {a}" if field == "state"
                              else f"{field}: {spec_value(b)} -> {spec_value(a)}")
                           for field, (b, a) in changes.items())
        if trace.loop_start is not None and number == trace.loop_start + 1:
            lines.append(f"{indent}   --- loop: steps {number}-{len(trace.steps)} repeat forever ---")
        line = f"{indent}{number}. {head}"
        if clause:
            line += f"  ({clause})"
        lines.append(line)
        lines.extend(f"{indent}     {d}" for d in details)
    if trace.loop_start is not None:
        lines.extend(loop_end_lines(trace, indent))
    note = trace.note if note is None else note
    if note:
        lines.append(f"{indent}   => {note}")
    return lines


def loop_end_lines(trace: Trace, indent: str) -> list[str]:
    """How a lasso ends: back to the state after step k, or stuttering forever."""
    n, k = len(trace.steps), trace.loop_start
    if k == n:
        return [f"{indent}   --- from here on nothing happens: the behaviour stutters forever "
                "(no fair step is enabled) ---"]
    where = "the initial state" if k == 0 else f"the state after step {k}"
    return [f"{indent}   --- end of loop: back to {where}; steps {k + 1}-{n} repeat forever ---"]
