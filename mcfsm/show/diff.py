"""CR diff: two variants (the clause as published and as a CR changes it) side by side.
Every property's verdict in A and in B and what changed; for each change, the minimal
counterexample of whichever variant fails; transitions and messages reachable in one but
not the other; and set-up cost of every `sometimes` witness (steps, messages, round trips
of the party that started it), so a saved KMS lookup shows as a number."""

from __future__ import annotations

import dataclasses
from typing import Any

from ..check.explorer import Result, Trace, Verdict
from ..lang.system import System
from .charts import chart, mermaid
from .report import STATUS_WORDS, choice_words, finding_class, verdict_detail
from .trace import trace_text

PASSING = ("holds", "witnessed")
FAILING = ("violated", "never")


@dataclasses.dataclass(frozen=True)
class Side:
    label: str
    system: System
    result: Result


@dataclasses.dataclass(frozen=True)
class PropertyChange:
    name: str
    kind: str
    clause: str
    a: Verdict | None
    b: Verdict | None
    change: str
    failing_side: str | None  # "a" or "b": whose counterexample explains the change


@dataclasses.dataclass(frozen=True)
class Cost:
    steps: int
    messages: int
    round_trips: int


@dataclasses.dataclass(frozen=True)
class Diff:
    a: Side
    b: Side
    properties: tuple[PropertyChange, ...]
    transitions_only: tuple[tuple[str, ...], tuple[str, ...]]  # (only in A, only in B)
    messages_only: tuple[tuple[str, ...], tuple[str, ...]]
    costs: tuple[tuple[str, Cost | None, Cost | None], ...]


def _change(a: Verdict | None, b: Verdict | None) -> tuple[str, str | None]:
    if a is None:
        return "only in B", None
    if b is None:
        return "only in A", None
    if "unknown" in (a.status, b.status):  # checked first: unknown == unknown is no news
        return "inconclusive (a search was cut short)", None
    if a.status == b.status:
        la = len(a.trace) if a.trace is not None else None
        lb = len(b.trace) if b.trace is not None else None
        if la is not None and lb is not None and la != lb:
            what = "witness" if a.status == "witnessed" else "counterexample"
            side = "b" if a.status in FAILING else None
            return f"same verdict; shortest {what} {la} -> {lb} steps", side
        return "unchanged", None
    if a.status in FAILING and b.status in PASSING:
        return "fixed in B", "a"
    if a.status in PASSING and b.status in FAILING:
        return "broken in B", "b"
    return f"{a.status} -> {b.status}", None


def cost(system: System, trace: Trace) -> Cost:
    """Messages delivered on the trace, and round trips: the messages received by the
    party whose environment step started it (each ends one wait of that party)."""
    start = next((k.actor for k in trace.steps if k.kind == "internal"), None)
    received = [k for k in trace.steps if k.kind == "receive"]
    trips = sum(1 for k in received if k.actor == start)
    return Cost(len(trace.steps), len(received), trips)


def _fired(result: Result) -> set[tuple[str, str]]:
    return {key for key, (generated, _) in result.coverage.items() if generated}


def _messages(system: System, fired: set[tuple[str, str]]) -> set[str]:
    out = set()
    for inst in system.instances:
        for t in inst.role.transitions:
            if (inst.role.name, t.name) in fired and t.receives is not None:
                out.add(t.receives.__name__)
    return out


def diff(a: Side, b: Side) -> Diff:
    va = {v.property.name: v for v in a.result.verdicts}
    vb = {v.property.name: v for v in b.result.verdicts}
    names = list(va) + [n for n in vb if n not in va]
    changes = []
    for name in names:
        prop = (va.get(name) or vb[name]).property
        change, failing = _change(va.get(name), vb.get(name))
        changes.append(PropertyChange(name, prop.kind, prop.clause, va.get(name), vb.get(name),
                                      change, failing))
    fa, fb = _fired(a.result), _fired(b.result)
    ma, mb = _messages(a.system, fa), _messages(b.system, fb)
    costs = []
    for name in names:
        x, y = va.get(name), vb.get(name)
        if (x or y).property.kind != "sometimes":  # type: ignore[union-attr]
            continue
        ca = cost(a.system, x.trace) if x is not None and x.trace is not None else None
        cb = cost(b.system, y.trace) if y is not None and y.trace is not None else None
        if ca or cb:
            costs.append((name, ca, cb))
    return Diff(a, b, tuple(changes),
                (tuple(sorted(f"{r}.{t}" for r, t in fa - fb)),
                 tuple(sorted(f"{r}.{t}" for r, t in fb - fa))),
                (tuple(sorted(ma - mb)), tuple(sorted(mb - ma))), tuple(costs))


def _reading(result: Result, v: Verdict | None) -> str:
    """The choices a verdict rests on and the class of a failure, in words."""
    if v is None:
        return ""
    return "; ".join(w for w in (choice_words(result, v), finding_class(result, v)) if w)


def _status(result: Result, v: Verdict | None) -> str:
    return "-" if v is None else STATUS_WORDS[v.status]


def _cost_words(c: Cost | None) -> str:
    return "-" if c is None else f"{c.steps} steps, {c.messages} messages, {c.round_trips} round trips"


def diff_text(d: Diff) -> list[str]:
    lines = [f"A = {d.a.label}: {d.a.result.distinct_states:,} states; "
             f"B = {d.b.label}: {d.b.result.distinct_states:,} states"]
    width = max(len(p.name) for p in d.properties)
    lines.append(f"  {'property':<{width}}  {'A':<10} {'B':<10} change")
    for p in d.properties:
        lines.append(f"  {p.name:<{width}}  {_status(d.a.result, p.a):<10} "
                     f"{_status(d.b.result, p.b):<10} {p.change}")
        for tag, side, v in (("A", d.a, p.a), ("B", d.b, p.b)):
            words = _reading(side.result, v)
            if words:
                lines.append(f"  {'':<{width}}  {tag}: {words}")
    for label, (only_a, only_b) in (("transitions", d.transitions_only),
                                    ("messages delivered", d.messages_only)):
        lines.append(f"  {label} only in A: {', '.join(only_a) or 'none'}")
        lines.append(f"  {label} only in B: {', '.join(only_b) or 'none'}")
    for name, ca, cb in d.costs:
        lines.append(f"  cost of {name}: A {_cost_words(ca)}; B {_cost_words(cb)}")
    for p in d.properties:
        if p.failing_side is None:
            continue
        side = d.a if p.failing_side == "a" else d.b
        v = p.a if p.failing_side == "a" else p.b
        assert v is not None
        lines.append("")
        lines.append(f"  {p.name} ({p.change}): {verdict_detail(side.result, v)} in {side.label}")
        if v.trace is not None:
            lines += trace_text(side.system, v.trace, indent="    ")
    return lines


def diff_json(d: Diff) -> dict[str, Any]:
    def cost_json(c: Cost | None) -> dict[str, int] | None:
        return None if c is None else dataclasses.asdict(c)

    return {
        "a": {"label": d.a.label, "distinct_states": d.a.result.distinct_states,
              "complete": d.a.result.complete},
        "b": {"label": d.b.label, "distinct_states": d.b.result.distinct_states,
              "complete": d.b.result.complete},
        "properties": [{"name": p.name, "kind": p.kind, "clause": p.clause,
                        "a": p.a.status if p.a else None, "b": p.b.status if p.b else None,
                        "change": p.change,
                        "a_reading": _reading(d.a.result, p.a) or None,
                        "b_reading": _reading(d.b.result, p.b) or None,
                        "counterexample_in": {"a": "A", "b": "B"}.get(p.failing_side or "")}
                       for p in d.properties],
        "transitions_only_in_a": list(d.transitions_only[0]),
        "transitions_only_in_b": list(d.transitions_only[1]),
        "messages_only_in_a": list(d.messages_only[0]),
        "messages_only_in_b": list(d.messages_only[1]),
        "costs": [{"property": n, "a": cost_json(ca), "b": cost_json(cb)} for n, ca, cb in d.costs],
    }


def diff_markdown(d: Diff, title: str) -> str:
    out = [f"# {title}", "",
           f"- **A**: {d.a.label}: {d.a.result.distinct_states:,} distinct states, depth "
           f"{d.a.result.depth}{'' if d.a.result.complete else ' (INCOMPLETE)'}",
           f"- **B**: {d.b.label}: {d.b.result.distinct_states:,} distinct states, depth "
           f"{d.b.result.depth}{'' if d.b.result.complete else ' (INCOMPLETE)'}", "",
           "| property | clause | A | B | change |", "| --- | --- | --- | --- | --- |"]
    for p in d.properties:
        bold = "**" if p.failing_side else ""
        ra, rb = _reading(d.a.result, p.a), _reading(d.b.result, p.b)
        out.append(f"| {p.name} | {p.clause} | {_status(d.a.result, p.a)}"
                   f"{f' ({ra})' if ra else ''} | {_status(d.b.result, p.b)}"
                   f"{f' ({rb})' if rb else ''} | {bold}{p.change}{bold} |")
    if d.costs:
        out += ["", "## Set-up cost of the shortest witnesses", "",
                "| witness | A | B |", "| --- | --- | --- |"]
        out += [f"| {n} | {_cost_words(ca)} | {_cost_words(cb)} |" for n, ca, cb in d.costs]
    out += ["", "## Reachable in one variant only", ""]
    for label, (only_a, only_b) in (("Transitions", d.transitions_only),
                                    ("Messages delivered", d.messages_only)):
        out.append(f"- {label} only in A: {', '.join(f'`{x}`' for x in only_a) or 'none'}")
        out.append(f"- {label} only in B: {', '.join(f'`{x}`' for x in only_b) or 'none'}")
    for p in d.properties:
        if p.failing_side is None:
            continue
        side = d.a if p.failing_side == "a" else d.b
        v = p.a if p.failing_side == "a" else p.b
        assert (v is not None and v.trace is not None) or v.status == "never"
        out += ["", f"## {p.name}: {p.change}", "",
                f"{verdict_detail(side.result, v)} in {side.label} ({p.clause})."]
        if v.trace is not None:
            c = chart(side.system, v.trace, f"{p.name} in {side.label}")
            out += ["", "```mermaid", mermaid(c).rstrip(), "```"]
    return "\n".join(out) + "\n"
