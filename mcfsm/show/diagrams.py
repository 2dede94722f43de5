"""State diagrams: each role as DOT, one edge per transition (labelled with its words and
clause; transitions never fired in the explored state space dashed and grey), and, for
small systems, the reachable product state graph with violating states marked."""

from __future__ import annotations

import html
import textwrap
from typing import Any

from ..check.search.explorer import Result
from ..lang.guard import call_predicate
from ..lang.roles import ANY_STATE, Role
from ..lang.system import System, View
from .values import spec_value

SELF_LOOPS_DRAWN = 1  # above this, a state's self-loops are listed inside its box
PRODUCT_GRAPH_CAP = 300  # distinct states: above this the product graph is unreadable


def dot_quote(text: str) -> str:
    """`text` as a quoted DOT string: every label and node name goes through here, so a
    value holding quotes, backslashes, newlines or braces (or nothing at all) can never
    break the file (tests/test_dot_quote.py fuzzes it through graphviz's `dot`)."""
    escaped = (str(text).replace("\\", "\\\\").replace('"', '\\"')
               .replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n"))
    return f'"{escaped}"'


def role_dot(role: Role, fired: set[str] | None = None, title: str = "",
             observer: bool = False) -> str:
    """DOT of one role. `fired`: names of transitions that fired (None: no coverage).

    The role's declaration is drawn directly rather than through transitions'
    GraphMachine, which merges parallel transitions into one edge: here every transition
    is its own edge, so one that never fired is dashed on its own, and labels are the
    transition's words (the message title for a receipt) wrapped to fit a page, with the
    clause. Top to bottom, so that a long procedure grows down the page, not across it.
    The initial state is marked by a start dot (UML), not a colour; final states have a
    double border. A monitor's role (`observer`): its edges say what it observes, and
    none is dashed (a monitor's observations are not in the coverage)."""
    if observer:
        fired = None
    out = ["digraph role {",
           '  graph [rankdir=TB, nodesep=0.35, ranksep=0.45, fontname="Helvetica", '
           f'labelloc=t, label=<<b>{html.escape(title or role.name)}</b>>, size="9,40"];',
           '  node [fontname="Helvetica", fontsize=11, shape=box, style="rounded,filled", '
           'fillcolor="#f4f6f9", color="#555555"];',
           '  edge [fontname="Helvetica", fontsize=9, color="#333333", arrowsize=0.7];',
           '  "__start" [shape=circle, style=filled, fillcolor="#333333", width=0.16, '
           'fixedsize=true, label=""];',
           f'  "__start" -> {dot_quote(role.initial)};']
    edges: list[tuple[str, str, Any, bool]] = []  # (source, dest, transition, never fired)
    for t in role.transitions:
        sources = role.states if ANY_STATE in t.sources else t.sources
        never = fired is not None and t.name not in fired
        for src in sources:  # a transition that stays put is a self-loop on each source
            for dest in t.destinations or (src,):  # a computed dest: one edge per dests= state
                edges.append((src, dest, t, never))
    # A state with many self-loops (a single-state server) lists them inside its box, one
    # row each, since a dozen loops around one node cannot be read.
    loops: dict[str, list[tuple[Any, bool]]] = {}
    for src, dest, t, never in edges:
        if src == dest:
            loops.setdefault(src, []).append((t, never))
    listed = {state for state, items in loops.items() if len(items) > SELF_LOOPS_DRAWN}
    for state in role.states:
        extra = ", peripheries=2" if state in role.final else ""
        if state in listed:
            said = [_words(t) for t, _ in loops[state]]
            rows = "".join(f'<tr><td align="left" balign="left">'
                           f"{_loop_row(t, never, said.count(_words(t)) > 1)}</td></tr>"
                           for t, never in loops[state])
            out.append(f'  {dot_quote(state)} [shape=plain, style="", label=<<table border="1" '
                       f'cellborder="0" cellspacing="0" cellpadding="3" bgcolor="#f4f6f9" '
                       f'style="rounded"><tr><td><b>{html.escape(state)}</b></td></tr>{rows}'
                       f"</table>>{extra}];")
        else:
            out.append(f'  {dot_quote(state)} [label={dot_quote(state)}{extra}];')
    for src, dest, t, never in edges:
        if src == dest and src in listed:
            continue
        words = f"observes {_words(t)}" if observer else _words(t)
        label = "<br/>".join(html.escape(part) for part in textwrap.wrap(words, 24))
        guard = _guard_words(t)
        if guard:
            label += "<br/>" + "<br/>".join(f"<i>{html.escape(part)}</i>"
                                            for part in textwrap.wrap(guard, 24))
        label += f'<br/><font color="#666666">[{html.escape(_short_clause(t.clause))}]</font>'
        style = ', style=dashed, color="#999999", fontcolor="#777777"' if never else ""
        out.append(f'  {dot_quote(src)} -> {dot_quote(dest)} [id={dot_quote(f"{role.name}:{t.name}")}, '
                   f"label=<{label}>{style}];")
    out.append("}")
    return "\n".join(out) + "\n"


def _loop_row(t: Any, never: bool, same_words: bool) -> str:
    words = _words(t) + (f" ({t.name.replace('_', ' ')})" if same_words else "")
    text = "<br/>   ".join(html.escape(part) for part in textwrap.wrap(f"↻ {words}", 36))
    text += f' <font point-size="9" color="#666666">[{html.escape(_short_clause(t.clause))}]</font>'
    return f'<font color="#888888"><i>{text} (never fired)</i></font>' if never else text


def _guard_words(t: Any) -> str:
    """The transition's guards in words: each named guard function by its name, a lambda
    as "a condition" (drawn in italics under the transition's words)."""
    if not t.conditions:
        return ""
    names = [getattr(c, "__name__", "") for c in t.conditions]
    said = [n.replace("_", " ") if n and n != "<lambda>" else "a condition" for n in names]
    return "if " + " and ".join(dict.fromkeys(said))


def _words(t: Any) -> str:
    """A transition as the diagram names it: its label, the message title of a receipt, or
    its trigger in words; environment events say so."""
    words = t.receives.title if t.receives is not None and not t.label else t.words
    return ("environment: " + words) if t.environment else words


def _short_clause(clause: str) -> str:
    """The first reference of a clause text, short enough for an edge label."""
    first = clause.split(";")[0].split(" (")[0].strip()
    return first if len(first) <= 28 else first[:27] + "…"


def fired_by_role(result: Result) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for (role, transition), (generated, _) in result.coverage.items():
        if generated:
            out.setdefault(role, set()).add(transition)
    return out


def product_dot(system: System, result: Result) -> str | None:
    """The reachable product state graph, or None above PRODUCT_GRAPH_CAP states."""
    if result.distinct_states > PRODUCT_GRAPH_CAP or not result.complete:
        return None
    always = [p for p in system.properties if p.kind == "always"]
    index: dict[Any, int] = {}
    edges: list[str] = []
    # The states the check explores, no more: an initial state or a successor outside the
    # state constraint (or max_in_flight) is neither counted nor explored, and a step the
    # action constraint rejects is not taken (TLC's CONSTRAINT and ACTION_CONSTRAINT).
    frontier = [s for s in system.initial_states() if system.within_bounds(s)]
    for s in frontier:
        index.setdefault(s, len(index))
    while frontier:
        nxt = []
        for s in frontier:
            for key, t in system.successors(s):
                if not system.within_bounds(t) or not system.allows(s, key, t):
                    continue
                if t not in index:
                    index[t] = len(index)
                    nxt.append(t)
                edges.append(f'  s{index[s]} -> s{index[t]} '
                             f'[label={dot_quote(f"{key.actor}.{key.transition}")}];')
        frontier = nxt
    title = f"{system.name}: {len(index)} reachable states (red: violates an always property)"
    lines = ["digraph product {", f'  graph [fontname="Helvetica", rankdir=LR, label={dot_quote(title)}];',
             '  node [fontname="Helvetica", fontsize=9, shape=box, style="rounded"];',
             '  edge [fontname="Helvetica", fontsize=8, color="#777777"];']
    initial = set(system.initial_states())
    for state, k in index.items():
        view = View(system, state)
        label = "\n".join(f"{name}: {view[name].state}" + "".join(
            f" {spec_value(v)}" for v in view[name][1:]) for name in system.instance_names)
        broken = [p.name for p in always if not call_predicate(p, view)]
        attrs = ' color=red, fontcolor=red, penwidth=2' if broken else ""
        if broken:
            label += "\nviolates " + ", ".join(broken)
        if state in initial:
            attrs += " peripheries=2"
        lines.append(f'  s{k} [label={dot_quote(label)}{"," if attrs else ""}{attrs}];')
    lines += edges
    lines.append("}")
    return "\n".join(lines) + "\n"
