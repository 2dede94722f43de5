"""Trace files: one JSON format for counterexamples and witnesses from the exhaustive
explorer and for shrunk traces from hypothesis, and their replay on a (possibly changed)
model, step by step, saying where it diverges.

{"format": "mcfsm-trace/1", "model", "file", "variant", "property", "kind", "clause",
 "status", "source": "explorer" | "hypothesis", "params": {...}, "note",
 "steps": [{"actor", "transition", "kind", "from", "message", "arg"}, ...],
 "narrated": [...the steps with clause, sends and the state after each...]}
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from pathlib import Path
from typing import Any

from ..check.search.explorer import Trace, Verdict
from ..errors import UsageError
from ..lang.guard import call_predicate
from ..lang.properties import Property
from ..lang.system import State, StepKey, System, View
from .explain import explain
from .json_layout import indented
from .trace import state_json, steps_json, to_json_value

FORMAT = "mcfsm-trace/1"
# what a trace file shows: a counterexample, or a `sometimes` property's witness
STATUSES = ("violated", "witnessed")


def step_json(key: StepKey) -> dict[str, Any]:
    return {"actor": key.actor, "transition": key.transition, "kind": key.kind,
            "from": key.sender, "message": to_json_value(key.message),
            "arg": to_json_value(key.arg)}


def trace_record(*, model: str, file: str, variant: str, system: System, prop: Property,
                 status: str, source: str, trace: Trace) -> dict[str, Any]:
    initial = trace.states[0]
    return {
        "format": FORMAT, "model": model, "file": file, "variant": variant,
        "property": prop.name, "kind": prop.kind, "clause": prop.clause, "status": status,
        "source": source,
        "params": to_json_value(initial[0]) if system.params else {},
        "note": explain(system, Verdict(prop, status, trace)),  # type: ignore[arg-type]
        "initial_state": state_json(system, initial),
        "steps": [step_json(k) for k in trace.steps],
        "narrated": steps_json(system, trace),
    } | ({"loop_start": trace.loop_start} if trace.loop_start is not None else {})


def write_trace(folder: Path, record: dict[str, Any], suffix: str = "") -> Path:
    """Write `record` under `folder`, named by model, variant and property (and `suffix`:
    simulate's ".unshrunk" for a run as found, beside the shrunk one)."""
    folder.mkdir(parents=True, exist_ok=True)
    prop = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in record["property"])
    path = folder / f"{record['model']}.{record['variant']}.{prop}{suffix}.trace.json"
    path.write_text(indented(record, 2) + "\n")
    return path


def load_trace(path: Path) -> dict[str, Any]:
    """Read and validate a trace file; every defect is a UsageError naming the file and field."""
    try:
        if not path.is_file():
            what = "no such trace file" if not path.exists() else "not a regular file"
            raise UsageError(f"{path}: {what}; pass a trace file written by `mcfsm check "
                             "--traces DIR` or `mcfsm simulate`")
        record = json.loads(path.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise UsageError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: not a JSON trace file ({exc})") from None
    except (RecursionError, ValueError) as exc:  # absurd nesting, numbers too long to read
        raise UsageError(f"{path}: not a usable JSON trace file ({type(exc).__name__}: "
                         f"{str(exc)[:120]})") from None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise UsageError(f"{path}: not an mcfsm trace (expected \"format\": \"{FORMAT}\"); "
                         "write traces with `mcfsm check --traces DIR` or `mcfsm simulate`")
    for key in ("model", "file", "variant", "property", "steps"):
        if key not in record:
            raise UsageError(f"{path}: trace file lacks {key!r}")
    _check_trace_fields(path, record)
    # the finding the trace shows: what a replay checks its last state still shows, so a
    # trace without it cannot pass
    if record.get("status") not in STATUSES:
        what = ("lacks 'status'" if "status" not in record
                else f"has status {record['status']!r}")
        raise UsageError(f"{path}: the trace file {what}, the finding it shows (one of "
                         f"{', '.join(map(repr, STATUSES))}); a replay checks that its last "
                         "state still shows it",
                         fix='add the status its property\'s kind gives ("witnessed" for a '
                             '`sometimes` property, "violated" for the others), or write the '
                             "trace again with `mcfsm check --traces DIR` or `mcfsm simulate`")
    return record


def _check_trace_fields(path: Path, record: dict[str, Any]) -> None:
    def bad(field: str, want: str) -> UsageError:
        value = repr(record.get(field) if "." not in field else field)
        return UsageError(f"{path}: field {field!r} must be {want}, not {value[:60]}; the trace "
                          "file was edited or is from another tool")

    for key in ("model", "file", "variant", "property"):
        if not isinstance(record[key], str) or not record[key] or "\0" in record[key]:
            raise bad(key, "a non-empty string")
    for key in ("status", "note", "source", "kind", "clause"):
        if key in record and not isinstance(record[key], str):
            raise bad(key, "a string")
    if "params" in record and not isinstance(record["params"], dict):
        raise bad("params", "an object")
    steps = record["steps"]
    if not isinstance(steps, list):
        raise bad("steps", "a list of steps")
    for number, step in enumerate(steps, start=1):
        if not isinstance(step, dict):
            raise UsageError(f"{path}: step {number} is not an object")
        for key in ("actor", "transition", "kind"):
            if not isinstance(step.get(key), str):
                raise UsageError(f"{path}: step {number} field {key!r} must be a string, not "
                                 f"{step.get(key)!r:.60}")
        if step.get("from") is not None and not isinstance(step["from"], str):
            raise UsageError(f"{path}: step {number} field 'from' must be a string or null")


@dataclasses.dataclass(frozen=True)
class Replay:
    trace: Trace  # the part that replayed
    diverged_at: int | None  # 1-based number of the first step that is not enabled
    expected: dict[str, Any] | None  # that step, as recorded
    enabled: tuple[dict[str, Any], ...]  # what was enabled there instead
    still_shows: bool | None  # whether the last state still shows the recorded finding


def replay(system: System, record: dict[str, Any]) -> Replay:
    params = record.get("params", {})
    wanted_initial = record.get("initial_state")
    # the recorded choices pin the system first: its initial states are then those of one
    # combination, never the whole product of the choices
    chosen = _recorded_choices(system, params)
    initial = None if chosen is None else next(
        (s for s in system.restricted(chosen).initial_states()
         if wanted_initial is None or state_json(system, s) == wanted_initial), None)
    if initial is None:
        return Replay(Trace((), ()), 0, {"params": params}, _some_choices(system), None)
    states: list[State] = [initial]
    keys: list[StepKey] = []
    for number, wanted in enumerate(record["steps"], start=1):
        options = system.successors(states[-1])
        match = next(((k, s) for k, s in options if step_json(k) == wanted), None)
        if match is None:
            return Replay(Trace(tuple(states), tuple(keys)), number, wanted,
                          tuple(step_json(k) for k, _ in options), None)
        keys.append(match[0])
        states.append(match[1])
    trace = Trace(tuple(states), tuple(keys), record.get("note", ""), record.get("loop_start"))
    return Replay(trace, None, None, (), _still_shows(system, record, trace))


def _recorded_choices(system: System, params: Any) -> dict[str, Any] | None:
    """The choice of each parameter whose JSON is the recorded one, or None when the
    record names another set of parameters or a choice the system does not have."""
    if not isinstance(params, dict) or set(params) != set(system.params):
        return None
    chosen = {}
    for name, p in system.params.items():
        match = [c for c in p.choices if to_json_value(c) == params[name]]
        if not match:
            return None
        chosen[name] = match[0]
    return chosen


def _some_choices(system: System, shown: int = 10) -> tuple[Any, ...]:
    """The system's first combinations of choices as JSON (at most `shown`, then how many
    there are in all): what a diverging replay lists instead of the recorded ones."""
    from ..check.choices import combination_count, combinations

    combos = tuple(dict((n, to_json_value(v)) for n, v in c)
                   for c in itertools.islice(combinations(system), shown))
    total = combination_count(system)
    return combos + ((f"... {total - shown:,} more",) if total > shown else ())


def _still_shows(system: System, record: dict[str, Any], trace: Trace) -> bool | None:
    prop = next((p for p in system.properties if p.name == record["property"]), None)
    if prop is None:
        return None
    last = trace.states[-1]
    view = View(system, last)
    if prop.kind == "always":
        return not call_predicate(prop, view)
    if prop.kind == "sometimes":
        return call_predicate(prop, view)
    if prop.kind == "step" and len(trace.states) > 1:
        return not call_predicate(prop, View(system, trace.states[-2]), trace.steps[-1], view)
    if prop.kind == "deadlock":
        return not system.successors(last) and not system.is_final(last)
    if prop.kind == "unhandled":
        return bool(system.expand(last)[1])
    if prop.temporal and trace.loop_start is not None:
        # the loop closes, and the awaited state never comes inside it
        loop = trace.states[trace.loop_start:]
        return loop[0] == loop[-1] and not any(
            prop.predicate(View(system, s)) for s in loop)  # type: ignore[misc]
    return None


# -- the Informal Trace Format (ITF) read by Quint and Apalache tools --------------------------
def itf_value(value: Any) -> Any:
    """A model value in ITF's JSON encoding: integers as {"#bigint"}, sets as {"#set"},
    tuples as {"#tup"}, records (named tuples, messages) as objects."""
    if isinstance(value, bool) or isinstance(value, str):
        return value
    if isinstance(value, int):
        return {"#bigint": str(value)}
    if value is None:
        return {"#tup": []}
    from ..lang.messages import Message

    if isinstance(value, Message):
        return {"type": type(value).__name__,
                **{k: itf_value(v) for k, v in value.present().items()}}
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return {k: itf_value(v) for k, v in value._asdict().items()}
    if isinstance(value, frozenset | set):
        return {"#set": sorted((itf_value(v) for v in value), key=repr)}
    if isinstance(value, tuple | list):
        return {"#tup": [itf_value(v) for v in value]}
    return repr(value)


def itf(system: System, trace: Trace, description: str) -> dict[str, Any]:
    """The trace in ITF: one state per step, with the step that led to it."""
    names = list(system.instance_names)
    variables = ["params", "shared", *names, "in_flight", "step"]
    states = []
    for index, state in enumerate(trace.states):
        view = system.view(state)
        record: dict[str, Any] = {"#meta": {"index": index}}
        record["params"] = itf_value(view.params)
        record["shared"] = itf_value(view.shared)
        for name in names:
            record[name] = itf_value(view[name])
        record["in_flight"] = [
            {"from": s, "to": r, "message": itf_value(m)} for s, r, m in system.envelopes(state)]
        key = trace.steps[index - 1] if index else None
        record["step"] = ({"actor": key.actor, "transition": key.transition, "kind": key.kind}
                          if key is not None else "init")
        states.append(record)
    out = {"#meta": {"format": "ITF", "format-description":
                     "https://apalache-mc.org/docs/adr/015adr-trace.html",
                     "source": "mcfsm", "description": description},
           "vars": variables, "states": states}
    if trace.loop_start is not None:
        # Apalache's lasso convention: "loop" is the index of the state the last state
        # returns to (states[loop] == states[-1]).
        out["loop"] = trace.loop_start
    return out
