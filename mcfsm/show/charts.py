"""Message sequence charts of traces, in the spec's words: one lifeline per instance
(labelled "MC service client 1", "MC service server A", ...), one arrow per message from
the step that sent it to the step that received it (so a message that overtakes another
is drawn crossing it), labelled with its name and information elements, and local state
changes noted on the lifeline.

Two renderings: graphviz DOT (rendered to SVG by `dot`) and Mermaid `sequenceDiagram`
text (rendered by code-hosting sites). Both are built from the same event list.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection

from ..check.assumptions import pins
from ..check.search.explorer import Trace, Verdict
from ..lang.faults import SWITCHED_OFF
from ..lang.messages import Message
from ..lang.system import NETWORK_ACTOR, System, View
from .chart_layout import chart_dot
from .chart_model import Arrow, Chart, late_words
from .trace import step_sends
from .values import chart_elements


def chart(system: System, trace: Trace, title: str, *, outcome: str = "", failed: bool = False,
          caption: str = "", chosen: Collection[str] = ()) -> Chart:
    """Pair every send with its receipt by replaying the trace. `outcome` is the end mark
    (what is violated or witnessed after the last step), `caption` the property's doc,
    `chosen` the parameters a finding's chart pinned for itself (run_context)."""
    # (sender, receiver, message, sent_at, the step in which the network copied it or 0)
    pending: list[tuple[str, str, Message, int, int]] = []
    arrows: list[Arrow] = []
    notes: list[tuple[int, str, str]] = []
    clauses: list[tuple[int, str]] = []
    events: list[tuple[int, str]] = []
    for number, (key, before, after) in enumerate(
            zip(trace.steps, trace.states, trace.states[1:]), start=1):
        clause = step_clause(system, key)
        if clause:
            clauses.append((number, clause))
        if key.kind in ("receive", "ignore", "lose") and key.message is not None:
            # the receiver of a lost message is the step's arg (lang/inboxes.py)
            receiver = key.arg if key.kind == "lose" else key.actor
            lost = ("lost" if key.kind == "lose" else SWITCHED_OFF
                    if key.kind == "ignore" and before_state(system, before, key) == SWITCHED_OFF
                    else "")
            for pos, (s, r, m, at, copy) in enumerate(pending):
                if s == key.sender and r == receiver and m == key.message:
                    arrows.append(Arrow(s, r, m, at, number, clause, lost, copy))
                    del pending[pos]
                    break
            else:  # in flight before the trace began
                arrows.append(Arrow(key.sender or "?", receiver, key.message, 0, number, clause,
                                    lost))
        if key.kind == "duplicate" and key.message is not None:
            # the copy leaves where the original left (one send, two arrivals), marked as
            # the network's copy; the original is the first to arrive (FIFO pairing above)
            first = next((at for s, r, m, at, _ in pending if s == key.sender and r == key.arg
                          and m == key.message), 0)
            pending.append((key.sender, key.arg, key.message, first, number))
            notes.append((number, key.arg, "the network duplicates "
                          f"{type(key.message).title} from "
                          f"{system.instance(key.sender).words}"))
            events.append((number, "duplicate"))
        for to, message in step_sends(system, before, key, after):
            pending.append((key.actor, to, message, number, 0))
        if key.actor != NETWORK_ACTOR:
            b, a = system.view(before)[key.actor], system.view(after)[key.actor]
            change = []
            if b.state != a.state:
                change.append(f"{b.state} → {a.state}")
            if key.kind == "internal":
                t = system.instance(key.actor).role.transition(key.transition)
                kind = ("timer" if t.timer else "switch-off" if a.state == SWITCHED_OFF
                        and b.state != SWITCHED_OFF and t.environment else
                        "environment" if t.environment else "")
                change.insert(0, {"timer": "⏱ ", "switch-off": "⏻ environment: ",
                                  "environment": "environment: "}.get(kind, "") + t.words)
                if kind:
                    events.append((number, kind))
            if key.kind == "ignore" and b.state == SWITCHED_OFF:
                change.append(f"✗ {type(key.message).title} is lost: switched off")
            elif key.kind == "ignore":
                change.append(f"ignores {type(key.message).title}")  # type: ignore[arg-type]
            if change:
                notes.append((number, key.actor, "; ".join(change)))
        for m in system.monitors:  # a monitor's lifeline shows what it made of the step
            b, a = system.view(before)[m.name], system.view(after)[m.name]
            if b.state != a.state:
                notes.append((number, m.name, f"observes: {b.state} → {a.state}"))
    arrows += [Arrow(s, r, m, at, None, copy=copy) for s, r, m, at, copy in pending]
    involved = {a.sender for a in arrows} | {a.receiver for a in arrows} | {n[1] for n in notes}
    lifelines = tuple((i.name, i.words) for i in system.instances if i.name in involved)
    if not lifelines:  # nothing moved (a violation in the initial state): every party
        lifelines = tuple((i.name, i.words) for i in system.instances)
    return Chart(lifelines, tuple(arrows), tuple(notes), len(trace.steps), title, trace.note,
                 outcome, failed, caption, loop_start=trace.loop_start,
                 context=run_context(system, trace, chosen), clauses=tuple(clauses),
                 events=tuple(events))


def before_state(system: System, state: object, key: object) -> str:
    """The state of the step's actor before the step."""
    return system.view(state)[key[0]].state  # type: ignore[arg-type,index]


def step_clause(system: System, key: object) -> str:
    """The clause= of the transition a step took ("" for network faults and ignores)."""
    actor, transition, kind = key[0], key[1], key[2]  # type: ignore[index]
    if actor == NETWORK_ACTOR or kind not in ("receive", "internal"):
        return ""
    try:
        return system.instance(actor).role.transition(transition).clause
    except KeyError:  # a step of a transition the role no longer declares
        return ""


def run_values(system: System, trace: Trace) -> list[tuple[str, object, bool]]:
    """(parameter, value in this run, pinned by the variant) for every parameter: a trace
    lives in one combination of choices, which its states carry."""
    if not system.params or not trace.states:
        return []
    values = View(system, trace.states[0]).params._asdict()
    return [(name, values[name], len(p.choices) == 1) for name, p in system.params.items()]


def run_context(system: System, trace: Trace, chosen: Collection[str] = ()) -> tuple[str, ...]:
    """The header lines of a chart: the run's parameter values, the ones a finding's chart
    chose for itself (`chosen`, parameter names: Chart(under=...), which the variant
    explores, so they are not the variant's pins), then the variant's pinned ones."""
    values = run_values(system, trace)
    run = [f"{n}={v}" for n, v, pinned in values if not pinned]
    mine = [f"{n}={v}" for n, v, _ in values if n in chosen]
    pinned = [pin for pin in pins(system) if pin.split("=", 1)[0] not in chosen]
    out = []
    if run:
        out.append("run with " + ", ".join(run))
    if mine:
        out.append("chosen for this chart: " + ", ".join(mine))
    if pinned:
        out.append("pinned by the variant: " + ", ".join(pinned))
    return tuple(out)


def verdict_chart(system: System, verdict: Verdict, title: str,
                  chosen: Collection[str] = ()) -> Chart:
    """The chart of a verdict's trace, marked at the end with what it shows and why;
    `chosen`: the parameters a finding's chart pinned (Chart(under=...))."""
    from .explain import explain

    assert verdict.trace is not None
    n = len(verdict.trace)
    where = f"after step {n}" if n else "in the initial state"
    what = "witnessed" if verdict.status == "witnessed" else "violated"
    c = chart(system, verdict.trace, title, outcome=f"{verdict.property.name} {what} {where}",
              failed=verdict.failed, caption=verdict.property.doc, chosen=chosen)
    return dataclasses.replace(c, footnote=explain(system, verdict))


NOT_IN_TEXT = "not in the text"


def _elements(message: Message) -> list[str]:
    return chart_elements(message)


def _mm(text: str) -> str:
    """Mermaid text: ';' ends a statement there and '#' starts an entity code."""
    return text.replace(";", ",").replace("#", "no. ")


def mermaid(c: Chart) -> str:
    lines = ["sequenceDiagram", f"    title {_mm(c.title)}"]
    alias = {name: f"P{k}" for k, (name, _) in enumerate(c.lifelines)}
    for name, label in c.lifelines:
        lines.append(f"    participant {alias[name]} as {_mm(label)}")
    if c.context and c.lifelines:  # the run's parameter values, before the first step
        first, last = alias[c.lifelines[0][0]], alias[c.lifelines[-1][0]]
        lines.append(f"    Note over {first},{last}: {_mm('; '.join(c.context))}")
    events: list[tuple[int, int, str]] = []
    for a in c.arrows:
        text = _mm(type(a.message).title + (f" ({', '.join(_elements(a.message))})"
                                            if a.message.present() else "")
                   + (f" [{a.clause}]" if a.clause else "")
                   + (f" [{NOT_IN_TEXT}: {a.not_in_text}]" if a.not_in_text else "")
                   + (f" [a copy: the network duplicated it in step {a.copy}]" if a.copy
                      else ""))
        if a.received_at is None:
            events.append((c.steps + 1, 1, f"    {alias[a.sender]}--){alias[a.receiver]}: "
                                            f"{text} [sent in step {a.sent_at}, still in flight]"))
        elif a.lost:
            why = "lost" if a.lost == "lost" else f"lost: {_mm(a.lost)}"
            events.append((a.received_at, 1, f"    {alias[a.sender]}-x{alias[a.receiver]}: "
                                             f"{a.received_at}. ✗ {text} [{why}"
                                             f"{late_words(a, ', ')}]"))
        else:
            late = late_words(a, "")
            events.append((a.received_at, 1, f"    {alias[a.sender]}->>{alias[a.receiver]}: "
                                             f"{a.received_at}. {text}"
                                             + (f" [{late}]" if late else "")))
    received = {a.received_at for a in c.arrows}
    clause_of = dict(c.clauses)
    for step, who, text in c.notes:
        # a step with no arrow shows its clause in its note
        where = f" [{clause_of[step]}]" if step in clause_of and step not in received else ""
        events.append((step, 2, f"    Note over {alias[who]}: {step}. {_mm(text + where)}"))
    ordered = sorted(events, key=lambda e: (e[0], e[1]))
    if c.loop_start is not None and c.loop_start < c.steps:
        # the cycle of a lasso, framed as a Mermaid loop
        inside = [e for e in ordered if c.loop_start < e[0] <= c.steps]
        before = [e for e in ordered if e[0] <= c.loop_start]
        after = [e for e in ordered if e[0] > c.steps]
        ordered = (before + [(0, 0, f"    loop steps {c.loop_start + 1}-{c.steps} repeat forever")]
                   + [(0, 0, "    " + e[2]) for e in inside] + [(0, 0, "    end")] + after)
    lines += [e[2] for e in ordered]
    if c.loop_start is not None and c.loop_start == c.steps and c.lifelines:
        first, last = alias[c.lifelines[0][0]], alias[c.lifelines[-1][0]]
        lines.append(f"    Note over {first},{last}: from here on nothing happens (stutters forever)")
    end = " ".join(part for part in (c.outcome and ("✗ " if c.failed else "✓ ") + c.outcome + ".",
                                     c.footnote) if part)
    if end and c.lifelines:
        first = alias[c.lifelines[0][0]]
        last = alias[c.lifelines[-1][0]]
        lines.append(f"    Note over {first},{last}: {_mm(end)}")
    return "\n".join(lines) + "\n"


def dot(c: Chart, prefix: str = "") -> str:
    """The chart as DOT with every point pinned (see chart_layout); render with `dot`.
    `prefix` makes its SVG ids unique on a page with several charts."""

    return chart_dot(c, prefix)
