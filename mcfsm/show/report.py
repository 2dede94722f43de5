"""Reports of explorer results: the verdict table (TLC-like run report) and JSON.

Results say what they are: "holds in all N states (exhaustive)" differs from "no violation
in the N states explored" when a budget cut the search.
"""

from __future__ import annotations

from typing import Any

from ..check.explorer import Result, Verdict
from .trace import state_json, steps_json, trace_text

STOP_WORDS = {
    "max-states": "the --max-states budget",
    "max-depth": "the --max-depth budget",
    "time-limit": "the --time-limit budget",
    "first-violation": "the first violation (fail fast)",
}


def verdict_detail(result: Result, v: Verdict) -> str:
    """What the verdict rests on, without the status word (the table shows that)."""
    n = f"{result.distinct_states:,}"
    scope = "exhaustive" + (", within bounds" if result.pruned else "")
    if v.status == "holds" and v.property.temporal:
        return f"on every fair behaviour ({scope}, {n} states){fairness_tail(v)}"
    if v.status == "holds":
        return f"in all {n} states ({scope})"
    if v.status == "violated" and v.trace is not None and v.trace.loop_start is not None:
        k, n = v.trace.loop_start, len(v.trace)
        loop = "then stutters forever" if k == n else f"steps {k + 1}-{n} repeat forever"
        return f"lasso counterexample: {n} steps, {loop}{fairness_tail(v)}"
    if v.status == "violated":
        return f"shortest counterexample: {len(v.trace or ())} steps"
    if v.status == "witnessed":
        return f"shortest witness: {len(v.trace or ())} steps"
    if v.status == "never":
        return f"no reachable state satisfies it ({scope}, {n} states)"
    return (f"no {'witness' if v.property.kind == 'sometimes' else 'violation'} in the "
            f"{n} states explored; search stopped by {STOP_WORDS.get(result.stopped_by or '', '?')}")


def fairness_tail(v: Verdict) -> str:
    """The fairness a temporal verdict rests on."""
    if not v.property.temporal:
        return ""
    if not v.assumes:
        return "; assumes no fairness (any behaviour may stop anywhere)"
    return f"; assumes {len(v.assumes)} fairness constraint{'s' * (len(v.assumes) > 1)}"


STATUS_WORDS = {"holds": "holds", "witnessed": "witnessed", "violated": "VIOLATED",
                "never": "NEVER", "unknown": "unknown"}


def verdict_words(result: Result, v: Verdict) -> str:
    return f"{STATUS_WORDS[v.status]}: {verdict_detail(result, v)}"


def summary_line(model: str, variant: str, result: Result) -> str:
    tail = "exhaustive" if result.complete else (
        f"INCOMPLETE, stopped by {STOP_WORDS.get(result.stopped_by or '', '?')}")
    if result.pruned:
        tail += f", {result.pruned:,} successors cut by the state constraint/bounds"
    return (f"{model}[{variant}]: {result.distinct_states:,} distinct states, "
            f"{result.total_states:,} total, depth {result.depth}, {result.elapsed_s:.2f} s ({tail})")


def surprises(result: Result, expected: dict[str, str]) -> list[tuple[str, str, str]]:
    """(property, expected, actual) for every definite verdict that differs from expected."""
    return [(v.property.name, expected[v.property.name], v.status) for v in result.verdicts
            if v.status != "unknown" and v.status != expected.get(v.property.name, v.status)]


def result_text(model: str, variant: str, result: Result, *, traces: bool = True,
                expected: dict[str, str] | None = None) -> list[str]:
    lines = [summary_line(model, variant, result)]
    width = max((len(v.property.name) for v in result.verdicts), default=10)
    for v in result.verdicts:
        lines.append(f"  {STATUS_WORDS[v.status]:<9} {v.property.name:<{width}}  "
                     f"{verdict_detail(result, v)}  [{v.property.kind}; {v.property.clause}]")
    if expected is not None:
        unexpected = surprises(result, expected)
        if unexpected:
            lines.extend(f"  UNEXPECTED {name}: expected {want}, checker says {got}"
                         for name, want, got in unexpected)
        else:
            lines.append(f"  verdicts as the model declares them ({len(expected)} properties)")
    fired = [k for k, (g, _) in result.coverage.items() if g]
    never = [k for k, (g, _) in result.coverage.items() if not g]
    lines.append(f"  coverage: {len(fired)} of {len(result.coverage)} transitions fired"
                 + (f"; never fired: {', '.join(f'{r}.{t}' for r, t in never)}" if never else ""))
    if traces:
        for v in result.verdicts:
            if v.failed and v.trace is not None:
                lines.append("")
                kind = "lasso" if v.trace.loop_start is not None else "shortest"
                lines.append(f"  {v.property.name} violated ({v.property.clause}): {kind} "
                             f"counterexample, {len(v.trace)} steps")
                lines.extend(trace_text(result.system, v.trace, indent="    "))
            elif v.status == "never":
                lines.append("")
                lines.append(f"  {v.property.name} ({v.property.clause}) is never witnessed: "
                             f"{v.property.doc or 'no reachable state satisfies it'}")
    assumed = next((v.assumes for v in result.verdicts if v.property.temporal), None)
    if assumed is not None:
        lines.append("")
        lines.append("  temporal verdicts assume no fairness (a behaviour may stop anywhere)"
                     if not assumed else "  temporal verdicts assume:")
        lines.extend(f"    - {words}" for words in assumed)
    return lines


def result_json(model: str, variant: str, result: Result,
                expected: dict[str, str] | None = None) -> dict[str, Any]:
    system = result.system
    properties = []
    for v in result.verdicts:
        entry: dict[str, Any] = {
            "name": v.property.name,
            "kind": v.property.kind,
            "clause": v.property.clause,
            "verdict": v.status,
            "words": verdict_words(result, v),
            "expected": None if expected is None else expected.get(v.property.name),
            "counterexample": None,
        }
        if v.property.temporal:
            entry["fairness"] = list(v.assumes)
            entry["loop_start"] = v.trace.loop_start if v.trace is not None else None
        if v.trace is not None:
            record = {"initial_state": state_json(system, v.trace.states[0]),
                      "steps": steps_json(system, v.trace), "note": v.trace.note}
            if v.status == "witnessed":
                entry["witness"] = record["steps"]
                entry["witness_initial_state"] = record["initial_state"]
            else:
                entry["counterexample"] = record["steps"]
                entry["counterexample_initial_state"] = record["initial_state"]
                entry["note"] = record["note"]
        properties.append(entry)
    coverage = {f"{role}.{t}": {"generated": g, "new_states": n}
                for (role, t), (g, n) in result.coverage.items()}
    return {
        "as_expected": None if expected is None else not surprises(result, expected),
        "model": model,
        "variant": variant,
        "distinct_states": result.distinct_states,
        "total_states": result.total_states,
        "depth": result.depth,
        "complete": result.complete,
        "stopped_by": result.stopped_by,
        "elapsed_s": round(result.elapsed_s, 4),
        "pruned_by_constraint": result.pruned,
        "network": system.network.value,
        "properties": properties,
        "coverage": {
            "transitions": coverage,
            "never_fired": [k for k, c in coverage.items() if c["generated"] == 0],
        },
    }
