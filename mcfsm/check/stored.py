"""A Result as JSON and back: how the result cache (cache.py) and the worker processes
(parallel.py) carry a search's findings without pickling any model object.

Traces are kept as the index of the initial state and, for each step, the index of the step
among System.successors of the state before it (bag and set orders are canonical, so the
indices are stable across processes); loading rebuilds the states by replaying those steps
on the freshly built system. A ChoiceRun's choices are kept as each choice's index among
its parameter's choices. `load_result` raises ValueError when the data no longer fits the
system (another format, properties or parameters changed): the caller explores afresh."""

from __future__ import annotations

from typing import Any

from ..lang.system import System
from .choices import ChoiceRun
from .results import Result, Trace, Verdict

FORMAT = 4


def dump_result(system: System, result: Result) -> dict[str, Any]:
    """The result as JSON-ready data; its traces as the numbers System.replayed takes."""
    memo: dict[Any, Any] = {}  # traces share their first states: replayed once
    return {
        "format": FORMAT,
        "distinct": result.distinct_states,
        "total": result.total_states,
        "depth": result.depth,
        "complete": result.complete,
        "stopped_by": result.stopped_by,
        "elapsed_s": result.elapsed_s,
        "pruned": result.pruned,
        "coverage": [[role, transition, g, n]
                     for (role, transition), (g, n) in result.coverage.items()],
        "edges": result.edges,
        "engine": result.engine,
        "search": result.search,
        "symmetry": result.symmetry,
        "per_choice": [{"choices": [list(system.params[name].choices).index(value)
                                    for name, value in run.choices],
                        "verdicts": {name: list(v) for name, v in run.verdicts.items()},
                        "distinct": run.distinct_states, "complete": run.complete}
                       for run in result.per_choice],
        "verdicts": [{"property": v.property.name, "status": v.status,
                      "assumes": list(v.assumes),
                      "trace": None if v.trace is None else _trace_steps(system, v.trace,
                                                                           memo)}
                     for v in result.verdicts],
    }


def _trace_steps(system: System, trace: Trace, memo: dict[Any, Any]) -> dict[str, Any]:
    initial, steps = system.step_numbers(trace.states, trace.steps, memo)
    return {"initial": initial, "steps": steps, "note": trace.note,
            "loop_start": trace.loop_start}


def load_result(system: System, data: dict[str, Any], cached: bool = True) -> Result:
    """dump_result's data read back on a freshly built system (its traces replayed);
    ValueError when it no longer fits the system."""
    if data["format"] != FORMAT:
        raise ValueError("old format")
    per_choice = tuple(_choice_run(system, run) for run in data["per_choice"])
    by_name = {p.name: p for p in system.properties}
    memo: dict[Any, Any] = {}  # traces share their first states: replayed once
    verdicts = []
    for v in data["verdicts"]:
        trace = None
        if v["trace"] is not None:
            states, steps = system.replayed(v["trace"]["initial"], v["trace"]["steps"], memo)
            trace = Trace(tuple(states), tuple(steps), v["trace"]["note"],
                          v["trace"]["loop_start"])
        verdicts.append(Verdict(by_name[v["property"]], v["status"], trace,
                                tuple(v["assumes"])))
    if len(verdicts) != len(system.properties):
        raise ValueError("properties changed")
    return Result(
        system=system,
        distinct_states=data["distinct"],
        total_states=data["total"],
        depth=data["depth"],
        complete=data["complete"],
        stopped_by=data["stopped_by"],
        elapsed_s=data["elapsed_s"],
        verdicts=tuple(verdicts),
        coverage={(role, transition): (g, n) for role, transition, g, n in data["coverage"]},
        pruned=data["pruned"],
        edges=data["edges"],
        engine=data.get("engine", ""),
        search=data.get("search", "breadth-first"),
        symmetry=data.get("symmetry", ""),
        cached=cached,
        per_choice=per_choice,
    )


def _choice_run(system: System, data: dict[str, Any]) -> ChoiceRun:
    names = list(system.params)
    if len(data["choices"]) not in (0, len(names)):
        raise ValueError("parameters changed")
    choices = tuple((name, system.params[name].choices[i])
                    for name, i in zip(names, data["choices"]))
    return ChoiceRun(choices, {name: (status, length)
                               for name, (status, length) in data["verdicts"].items()},
                     data["distinct"], data["complete"])
