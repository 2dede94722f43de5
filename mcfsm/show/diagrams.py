"""State diagrams: each role drawn through the transitions library's GraphMachine with the
graphviz engine (edges labelled with trigger and clause; transitions never fired in the
explored state space dashed and grey), and, for small systems, the reachable product
state graph with violating states marked."""

from __future__ import annotations

import re
from typing import Any

from ..check.explorer import Result
from ..lang.roles import ANY_STATE, Role
from ..lang.system import System, View
from .values import spec_value

PRODUCT_GRAPH_CAP = 300  # distinct states: above this the product graph is unreadable


def role_dot(role: Role, fired: set[str] | None = None, title: str = "") -> str:
    """DOT of one role. `fired`: names of transitions that fired (None: no coverage)."""
    from transitions.extensions import GraphMachine

    labels: dict[str, str] = {}
    spec: list[dict[str, Any]] = []
    for t in role.transitions:
        labels[t.name] = f"{t.name} [{_short_clause(t.clause)}]"
        sources = role.states if ANY_STATE in t.sources else t.sources
        for src in sources:  # a transition that stays put is a self-loop on each source
            spec.append({"trigger": t.name, "source": src, "dest": t.dest or src})

    class _Model:
        pass

    model = _Model()
    machine = GraphMachine(model=model, states=list(role.states), initial=role.initial,
                           transitions=spec, auto_transitions=False, graph_engine="graphviz",
                           title=title or role.name, show_conditions=False)
    machine.style_attributes["edge"]["never_fired"] = {"style": "dashed", "color": "gray60",
                                                       "fontcolor": "gray45"}
    graph_impl = machine.model_graphs[id(model)]
    graph_impl._transition_label = lambda tran: labels.get(tran["trigger"], tran["trigger"])
    if fired is not None:
        for t in role.transitions:
            if t.name in fired:
                continue
            sources = role.states if ANY_STATE in t.sources else t.sources
            for src in sources:
                dest = t.dest or src
                others = [u for u in role.transitions if u.name in fired and
                          (src in u.sources or ANY_STATE in u.sources) and (u.dest or src) == dest]
                if not others:  # the edge is drawn dashed only if nothing on it fired
                    graph_impl.custom_styles["edge"][src][dest] = "never_fired"
    graph = model.get_graph()
    source = graph.source if hasattr(graph, "source") else str(graph)
    # transitions joins the labels of parallel edges with " | ": one left-aligned line each
    source = re.sub(r'label="([^"]*)"', lambda m: 'label="' + m.group(1).replace(" | ", "\\l")
                    + ("\\l" if " | " in m.group(1) else "") + '"', source)
    for final in role.final:  # final states drawn with a double border
        source = source.replace(f"\t{final} [label=", f"\t{final} [peripheries=2 label=", 1)
    return source


def _short_clause(clause: str) -> str:
    """The first reference of a clause text, short enough for an edge label."""
    first = clause.split(";")[0].split(" (")[0].strip()
    return first if len(first) <= 32 else first[:31] + "…"


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
    frontier = list(system.initial_states())
    for s in frontier:
        index.setdefault(s, len(index))
    while frontier:
        nxt = []
        for s in frontier:
            for key, t in system.successors(s):
                if not system.within_bounds(t):
                    continue
                if t not in index:
                    index[t] = len(index)
                    nxt.append(t)
                edges.append(f'  s{index[s]} -> s{index[t]} [label="{key.actor}.{key.transition}"];')
        frontier = nxt
    lines = ["digraph product {", '  graph [fontname="Helvetica", rankdir=LR, label="'
             f'{system.name}: {len(index)} reachable states (red: violates an always property)"];',
             '  node [fontname="Helvetica", fontsize=9, shape=box, style="rounded"];',
             '  edge [fontname="Helvetica", fontsize=8, color="#777777"];']
    initial = set(system.initial_states())
    for state, k in index.items():
        view = View(system, state)
        label = "\\n".join(f"{name}: {view[name].state}" + "".join(
            f" {spec_value(v)}" for v in view[name][1:]) for name in system.instance_names)
        broken = [p.name for p in always if not p.predicate(view)]  # type: ignore[misc]
        attrs = ' color=red, fontcolor=red, penwidth=2' if broken else ""
        if broken:
            label += "\\nviolates " + ", ".join(broken)
        if state in initial:
            attrs += " peripheries=2"
        lines.append(f'  s{k} [label="{label}"{"," if attrs else ""}{attrs}];')
    lines += edges
    lines.append("}")
    return "\n".join(lines) + "\n"
