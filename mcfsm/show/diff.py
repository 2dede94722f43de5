"""CR diff: two variants (the clause as published and as a CR changes it) side by side.
Every property's verdict in A and in B and what changed; for each change, the minimal
counterexample of whichever variant fails; transitions and messages reachable in one but
not the other; and set-up cost of every `sometimes` witness (steps, messages, round trips
of the party that started it), so a saved KMS lookup shows as a number."""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any

from ..check.choices import failing_runs
from ..check.expectations import found_reading
from ..check.search.explorer import Result, Trace, Verdict
from ..lang.system import System
from .charts import Chart, mermaid, verdict_chart
from .diff_model import Cost, Diff, PropertyChange, Side
from .diff_words import change_words, changed_in_both, message_title, transition_words
from .explain import explain
from .report import STATUS_WORDS, choice_words, finding_class, verdict_detail
from .trace import trace_text
from .values import md_cell, plural

PASSING = ("holds", "witnessed")
FAILING = ("violated", "never")


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


def _readings(ra: Result, rb: Result, a: Verdict | None, b: Verdict | None) -> tuple[str, str]:
    """For a property violated (or witnessed) on both sides: whether B violates (or
    witnesses) it under "fewer" or
    "more" of the readings both sides explore (the parameters with several choices in
    each, and those only B explores: a reading its change introduces), and B's reading in
    words; ("", "") when that cannot be compared."""
    if a is None or b is None or a.status != b.status or a.status not in ("violated",
                                                                           "witnessed"):
        return "", ""
    if not (ra.complete and rb.complete) or len(ra.per_choice) <= 1:
        return "", ""
    # A parameter B pins or narrows (a CR that says which reading the text means): A's
    # failing under only some of its choices and B's under every reading it keeps is B
    # making the violation what the text means ("violated only with p=1" -> "violated").
    narrowed = [n for n, p in ra.system.params.items()
                if len(p.choices) > 1 and n in rb.system.params
                and set(rb.system.params[n].choices) < set(p.choices)]
    if narrowed:
        keep = [n for n, p in ra.system.params.items() if len(p.choices) > 1]
        every_a = set(itertools.product(*(ra.system.params[n].choices for n in keep)))
        every_b = set(itertools.product(*(rb.system.params[n].choices for n in keep
                                          if n in rb.system.params)))
        failing_a, _ = failing_runs(ra, a.property.name)
        failing_b, _ = failing_runs(rb, b.property.name)
        ha_all = {tuple(dict(r.choices)[n] for n in keep) for r in failing_a} == every_a
        hb_all = {tuple(dict(r.choices)[n] for n in keep if n in rb.system.params)
                  for r in failing_b} == every_b
        pinned = ", ".join(f"{n}={'/'.join(map(str, rb.system.params[n].choices))}"
                           for n in narrowed)
        if hb_all and not ha_all:
            return "more", f"under the reading the change pins ({pinned})"
        if ha_all and not hb_all:
            return "fewer", found_reading(rb, b) or "whatever the choices"
    if len(rb.per_choice) <= 1:
        return "", ""
    common = [n for n, p in ra.system.params.items()
              if len(p.choices) > 1 and n in rb.system.params
              and rb.system.params[n].choices == p.choices]
    # A parameter only B has (a reading B's change introduces): A's verdict holds for each
    # of its choices alike, so A's failures span all of them.
    extra = [n for n, p in rb.system.params.items()
             if len(p.choices) > 1 and n not in ra.system.params]
    if not common and not extra:
        return "", ""

    def hits(result: Result, v: Verdict, names: list[str]) -> set[tuple[Any, ...]]:
        failing, _ = failing_runs(result, v.property.name)
        return {tuple(dict(r.choices)[n] for n in names) for r in failing}

    spread = list(itertools.product(*(rb.system.params[n].choices for n in extra)))
    ha = {c + e for c in hits(ra, a, common) for e in spread}
    hb = hits(rb, b, common + extra)
    words = found_reading(rb, b) or "whatever the choices"
    if hb < ha:
        return "fewer", words
    if hb > ha:
        return "more", words
    # A witness A reaches only under some readings and B under every reading it explores
    # (B pins the reading that reaches it: a fix that says which reading the text means)
    if (a.status == "witnessed" and found_reading(ra, a) is not None
            and found_reading(rb, b) is None):
        return "more", "whatever the choices it explores"
    return "", ""


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
        readings, reading_b = _readings(a.result, b.result, va.get(name), vb.get(name))
        changes.append(PropertyChange(name, prop.kind, prop.clause, va.get(name), vb.get(name),
                                      change, failing, readings, reading_b))
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
    return "; ".join(w for w in ((finding_class(result, v),) if v.failed
                                  else (choice_words(result, v),)) if w)


def _status(result: Result, v: Verdict | None) -> str:
    return "-" if v is None else STATUS_WORDS[v.status]


def _cost_words(c: Cost | None) -> str:
    if c is None:
        return "-"
    return (f"{plural(c.steps, 'step')}, {plural(c.messages, 'message')}, "
            f"{plural(c.round_trips, 'round trip')}")


def _shown(d: Diff, p: PropertyChange) -> list[tuple[Side, Verdict]]:
    """The verdicts that explain a change: the failing side's, or both when a property is
    violated in both variants with a different shortest counterexample."""

    if changed_in_both(p) or (p.readings and p.a is not None and p.b is not None
                              and p.a.trace is not None and p.b.trace is not None):
        # the same status under other readings (a CR's effect): both runs, side by side
        assert p.a is not None and p.b is not None
        return [(d.a, p.a), (d.b, p.b)]
    v = p.a if p.failing_side == "a" else p.b if p.failing_side == "b" else None
    if v is None:
        return []
    return [(d.a if p.failing_side == "a" else d.b, v)]


def _sides_words(d: Diff) -> list[str]:
    return [f"{side.label}: {side.doc}" if side.doc else side.label for side in (d.a, d.b)]


def diff_text(d: Diff) -> list[str]:

    a, b = d.a.label, d.b.label
    lines = [f"{words}; {plural(side.result.distinct_states, 'state')}"
             for words, side in zip(_sides_words(d), (d.a, d.b))]
    width = max(len(p.name) for p in d.properties)
    wa, wb = max(10, len(a)), max(10, len(b))
    lines.append(f"  {'property':<{width}}  {a:<{wa}} {b:<{wb}} what {b} changes")
    for p in d.properties:
        lines.append(f"  {p.name:<{width}}  {_status(d.a.result, p.a):<{wa}} "
                     f"{_status(d.b.result, p.b):<{wb}} {change_words(p)}")
        for side, v in ((d.a, p.a), (d.b, p.b)):
            words = _reading(side.result, v)
            if words:  # the choices a verdict rests on, and the finding's class
                lines.append(f"  {'':<{width}}  {side.label}: {words}")
    for side, only in ((d.a, d.transitions_only[0]), (d.b, d.transitions_only[1])):
        lines.append(f"  transitions reachable only in {side.label}: "
                     + ("; ".join(transition_words(side.system, t) for t in only) or "none"))
    for side, only in ((d.a, d.messages_only[0]), (d.b, d.messages_only[1])):
        lines.append(f"  messages delivered only in {side.label}: "
                     + (", ".join(message_title(side.system, m) for m in only) or "none"))
    for name, ca, cb in d.costs:
        lines.append(f"  set-up cost of {name}: {a} {_cost_words(ca)}; {b} {_cost_words(cb)}")
    for p in d.properties:
        for side, v in _shown(d, p):
            lines.append("")
            lines.append(f"  {p.name} ({change_words(p)}): {verdict_detail(side.result, v)} in "
                         f"{side.label}")
            if v.property.doc:
                lines.append(f"    the property: {v.property.doc}")
            if v.trace is not None:
                lines += trace_text(side.system, v.trace, indent="    ", note=explain(side.system, v))
    return lines


def diff_json(d: Diff) -> dict[str, Any]:

    def cost_json(c: Cost | None) -> dict[str, int] | None:
        return None if c is None else dataclasses.asdict(c)

    return {
        "a": {"label": d.a.label, "doc": d.a.doc, "distinct_states": d.a.result.distinct_states,
              "complete": d.a.result.complete},
        "b": {"label": d.b.label, "doc": d.b.doc, "distinct_states": d.b.result.distinct_states,
              "complete": d.b.result.complete},
        "properties": [{"name": p.name, "kind": p.kind, "clause": p.clause,
                        "doc": (p.a or p.b).property.doc,  # type: ignore[union-attr]
                        "a": p.a.status if p.a else None, "b": p.b.status if p.b else None,
                        "change": change_words(p),
                        "a_reading": _reading(d.a.result, p.a) or None,
                        "b_reading": _reading(d.b.result, p.b) or None,
                        "counterexample_in": {"a": d.a.label, "b": d.b.label}.get(p.failing_side or "")}
                       for p in d.properties],
        "transitions_only_in_a": list(d.transitions_only[0]),
        "transitions_only_in_b": list(d.transitions_only[1]),
        "messages_only_in_a": list(d.messages_only[0]),
        "messages_only_in_b": list(d.messages_only[1]),
        "costs": [{"property": n, "a": cost_json(ca), "b": cost_json(cb)} for n, ca, cb in d.costs],
    }


def diff_charts(d: Diff) -> list[tuple[str, Chart]]:
    """The sequence charts the Markdown report shows, keyed for file names."""
    out = []
    for p in d.properties:
        for side, v in _shown(d, p):
            if v.trace is not None:
                out.append((f"{p.name}-{side.label}",
                            verdict_chart(side.system, v, f"{p.name} in {side.label}")))
    return out


def diff_markdown(d: Diff, title: str, chart_links: dict[str, str] | None = None) -> str:
    """The CR diff as Markdown. `chart_links` maps diff_charts' keys to SVG files written
    beside it: each is shown as a picture (where a message overtakes another, the SVG draws
    it crossing) above its Mermaid text."""

    a, b = d.a.label, d.b.label
    out = [f"# {title}", ""]
    for words, side in zip(_sides_words(d), (d.a, d.b)):
        r = side.result
        out.append(f"- **{words}**: {plural(r.distinct_states, 'distinct state')}, depth "
                   f"{r.depth}{'' if r.complete else ' (INCOMPLETE)'}")
    out += ["", f"| property | what it says | clause | {a} | {b} | what {b} changes |",
            "| --- | --- | --- | --- | --- | --- |"]
    for p in d.properties:
        words = change_words(p)
        bold = "**" if words != "unchanged" else ""
        doc = (p.a or p.b).property.doc  # type: ignore[union-attr]
        ra, rb = _reading(d.a.result, p.a), _reading(d.b.result, p.b)
        out.append(f"| {p.name} | {md_cell(doc)} | {md_cell(p.clause)} | "
                   f"{md_cell(_status(d.a.result, p.a))}{f' ({md_cell(ra)})' if ra else ''} | "
                   f"{md_cell(_status(d.b.result, p.b))}{f' ({md_cell(rb)})' if rb else ''} | "
                   f"{bold}{md_cell(words)}{bold} |")
    if d.costs:
        out += ["", "## Set-up cost of the shortest witnesses", "",
                f"| witness | {a} | {b} |", "| --- | --- | --- |"]
        out += [f"| {n} | {_cost_words(ca)} | {_cost_words(cb)} |" for n, ca, cb in d.costs]
    out += ["", "## Reachable in one variant only", ""]
    for side, only in ((d.a, d.transitions_only[0]), (d.b, d.transitions_only[1])):
        out.append(f"- Transitions reachable only in {side.label}: "
                   + ("; ".join(transition_words(side.system, t) for t in only) or "none"))
    for side, only in ((d.a, d.messages_only[0]), (d.b, d.messages_only[1])):
        out.append(f"- Messages delivered only in {side.label}: "
                   + (", ".join(message_title(side.system, m) for m in only) or "none"))
    links = chart_links or {}
    for p in d.properties:
        shown = _shown(d, p)
        if not shown:
            continue
        out += ["", f"## {p.name}: {change_words(p)}", ""]
        doc = shown[0][1].property.doc
        if doc:
            out += [f"*{doc}* ({p.clause})", ""]
        for side, v in shown:
            note = f": {explain(side.system, v)}" if v.trace is not None else ""
            out.append(f"{verdict_detail(side.result, v)} in {side.label}{note}.")
            if v.trace is not None:
                key = f"{p.name}-{side.label}"
                c = verdict_chart(side.system, v, f"{p.name} in {side.label}")
                if key in links:
                    out += ["", f"![{p.name} in {side.label}]({links[key]})"]
                out += ["", "```mermaid", mermaid(c).rstrip(), "```", ""]
    return "\n".join(out).rstrip() + "\n"
