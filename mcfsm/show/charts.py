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
import html
import textwrap

from ..check.explorer import Trace
from ..lang.messages import Message
from ..lang.system import NETWORK_ACTOR, System


@dataclasses.dataclass(frozen=True)
class Arrow:
    sender: str
    receiver: str
    message: Message
    sent_at: int  # step number that sent it (0 = already in flight in the initial state)
    received_at: int | None  # None: still in flight when the trace ends


@dataclasses.dataclass(frozen=True)
class Chart:
    lifelines: tuple[tuple[str, str], ...]  # (instance name, label)
    arrows: tuple[Arrow, ...]
    notes: tuple[tuple[int, str, str], ...]  # (step, instance, text)
    steps: int
    title: str
    footnote: str
    loop_start: int | None = None  # a lasso: steps after this one repeat forever


def chart(system: System, trace: Trace, title: str) -> Chart:
    """Pair every send with its receipt by replaying the trace."""
    pending: list[tuple[str, str, Message, int]] = []  # (sender, receiver, message, sent_at)
    arrows: list[Arrow] = []
    notes: list[tuple[int, str, str]] = []
    for number, (key, before, after) in enumerate(
            zip(trace.steps, trace.states, trace.states[1:]), start=1):
        if key.kind in ("receive", "ignore") and key.message is not None:
            for pos, (s, r, m, at) in enumerate(pending):
                if s == key.sender and r == key.actor and m == key.message:
                    arrows.append(Arrow(s, r, m, at, number))
                    del pending[pos]
                    break
            else:  # in flight before the trace began
                arrows.append(Arrow(key.sender or "?", key.actor, key.message, 0, number))
        _, sent = system.replay(before, key)
        for to, message in sent:
            pending.append((key.actor, to, message, number))
        if key.actor != NETWORK_ACTOR:
            b, a = system.view(before)[key.actor], system.view(after)[key.actor]
            change = []
            if b.state != a.state:
                change.append(f"{b.state} → {a.state}")
            if key.kind == "internal":
                t = system.instance(key.actor).role.transition(key.transition)
                change.insert(0, ("environment: " if t.environment else "") + t.words)
            if key.kind == "ignore":
                change.append(f"ignores {type(key.message).title}")  # type: ignore[arg-type]
            if change:
                notes.append((number, key.actor, "; ".join(change)))
    arrows += [Arrow(s, r, m, at, None) for s, r, m, at in pending]
    involved = {a.sender for a in arrows} | {a.receiver for a in arrows} | {n[1] for n in notes}
    lifelines = tuple((i.name, i.words) for i in system.instances if i.name in involved)
    return Chart(lifelines, tuple(arrows), tuple(notes), len(trace.steps), title, trace.note,
                 trace.loop_start)


def _elements(message: Message) -> list[str]:
    return [f"{k}={v}" for k, v in message.present().items()]


def _mm(text: str) -> str:
    """Mermaid text: ';' ends a statement there and '#' starts an entity code."""
    return text.replace(";", ",").replace("#", "no. ")


def mermaid(c: Chart) -> str:
    lines = ["sequenceDiagram", f"    title {_mm(c.title)}"]
    alias = {name: f"P{k}" for k, (name, _) in enumerate(c.lifelines)}
    for name, label in c.lifelines:
        lines.append(f"    participant {alias[name]} as {_mm(label)}")
    events: list[tuple[int, int, str]] = []
    for a in c.arrows:
        text = _mm(type(a.message).title + (f" ({', '.join(_elements(a.message))})"
                                            if a.message.present() else ""))
        if a.received_at is None:
            events.append((c.steps + 1, 1, f"    {alias[a.sender]}--){alias[a.receiver]}: "
                                            f"{text} [still in flight]"))
        else:
            events.append((a.received_at, 1, f"    {alias[a.sender]}->>{alias[a.receiver]}: "
                                             f"{text}"))
    for step, who, text in c.notes:
        events.append((step, 2, f"    Note over {alias[who]}: {step}. {_mm(text)}"))
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
    if c.footnote:
        first = alias[c.lifelines[0][0]]
        last = alias[c.lifelines[-1][0]]
        lines.append(f"    Note over {first},{last}: {_mm(c.footnote)}")
    return "\n".join(lines) + "\n"


def dot(c: Chart) -> str:
    """A DOT rendering: lifelines as columns of invisible points, one row per step."""
    rows = c.steps + 2
    out = ["digraph msc {",
           '  graph [rankdir=TB, nodesep=0.5, ranksep=0.3, splines=line, fontname="Helvetica",',
           f'         labelloc=t, label=<<b>{html.escape(c.title)}</b>>, newrank=true];',
           '  node [fontname="Helvetica", fontsize=11];',
           '  edge [fontname="Helvetica", fontsize=10];']
    for name, label in c.lifelines:
        wrapped = "<br/>".join(html.escape(part) for part in textwrap.wrap(label, 18))
        out.append(f'  "{name}_h" [shape=box, style="rounded,filled", fillcolor="#e8eef7", '
                   f"label=<{wrapped}>];")
        for r in range(rows):
            out.append(f'  "{name}_{r}" [shape=point, width=0.01, label=""];')
        chain = " -> ".join([f'"{name}_h"'] + [f'"{name}_{r}"' for r in range(rows)])
        out.append(f'  {chain} [arrowhead=none, style=dashed, color="#888888", weight=100];')
    header = "; ".join(f'"{n}_h"' for n, _ in c.lifelines)
    out.append(f"  {{rank=same; {header}}}")
    for r in range(rows):
        out.append("  {rank=same; " + "; ".join(f'"{n}_{r}"' for n, _ in c.lifelines) + "}")
    for left, right in zip(c.lifelines, c.lifelines[1:]):  # keep the column order
        out.append(f'  "{left[0]}_h" -> "{right[0]}_h" [style=invis];')
    for a in c.arrows:
        start = f'"{a.sender}_{a.sent_at}"'
        end = f'"{a.receiver}_{a.received_at if a.received_at is not None else rows - 1}"'
        label = "<br/>".join([f"<b>{html.escape(type(a.message).title)}</b>"] +
                             [html.escape(e) for e in _elements(a.message)])
        style = ", style=dashed, color=red, fontcolor=red" if a.received_at is None else ""
        out.append(f"  {start} -> {end} [label=<{label}>, constraint=false{style}];")
    for step, who, text in c.notes:
        wrapped = "<br/>".join(html.escape(part) for part in textwrap.wrap(f"{step}. {text}", 30))
        out.append(f'  "{who}_{step}" [xlabel=<<font point-size="9" color="#1f4e9e">{wrapped}'
                   "</font>>];")
    if c.loop_start is not None and c.lifelines:
        text = ("from here on nothing happens (stutters forever)" if c.loop_start == c.steps
                else f"loop: steps {c.loop_start + 1}-{c.steps} repeat forever")
        out.append(f'  loop_mark [shape=cds, style=filled, fillcolor="#fde9c9", fontsize=10, '
                   f'label="{text}"];')
        out.append(f'  {{rank=same; loop_mark; "{c.lifelines[-1][0]}_{c.loop_start}"}}')
        out.append(f'  "{c.lifelines[-1][0]}_{c.loop_start}" -> loop_mark [style=dotted, arrowhead=none];')
    if c.footnote:
        note = "<br/>".join(html.escape(p) for p in textwrap.wrap(c.footnote, 60))
        out.append(f'  footnote [shape=note, fontsize=10, label=<{note}>];')
        out.append(f'  "{c.lifelines[0][0]}_{rows - 1}" -> footnote [style=invis];')
    out.append("}")
    return "\n".join(out) + "\n"
