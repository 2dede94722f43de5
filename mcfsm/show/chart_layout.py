"""A sequence chart laid out by hand and handed to graphviz with every point pinned.

graphviz's own layout kinks arrows past lifelines and drops edge labels across other
arrows, so the geometry is computed here and DOT only draws it (`layout=neato` with pinned
`pos`; rendered by `dot -Tsvg|png|pdf` like any DOT file):

- one column per lifeline; each step k owns a band: the arrow received in step k ends at
  the band's top, the step's note (state change, environment event) sits on the actor's
  lifeline inside the band, and what step k sends leaves from the band's bottom;
- above each band, a label row for the arrow received in that step: "k. Message title"
  and its elements, centred on the arrow and drawn on white, so a crossing arrow passes
  under the text instead of through it (edges are drawn first);
- the step number in the left margin of each band, matching the text narration, and beside
  it the clause and step of the transition taken (`clause=`), so every step says which
  sentence of the text it realises;
- the run's parameter values and pinned choices under the title;
- a message the model marks as not defined by the text (`not_in_text`) drawn dotted in
  orange and labelled "not in the text";
- the end mark under the last step: what is violated (red) or witnessed (green), with the
  explorer's note on the last state;
- a lasso's cycle framed by a dashed box captioned with the steps that repeat forever.

SVG ids: `step-K` on the arrow and label received in step K and on its note, so the HTML
trace explorer can highlight the current step.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import textwrap
from collections.abc import Sequence
from pathlib import Path

from .chart_model import Arrow, Chart, late_words
from .values import chart_elements

FONT = "Helvetica"
CHAR_W = 5.6  # average width of a 10 pt Helvetica character, in points
LINE_H = 12.0
HEADER_Y = 0.0
MARGIN_X = 50.0  # room for the step numbers
CLAUSE_CHARS = 26  # the margin's clause column wraps here (8 pt characters)
NOT_IN_TEXT = "#e65100"
# A page of a long chart stays under this height (points) with its header and end mark:
# under 1,000 pt, an A4 page scaled to its width.
PAGE_H = 960.0


def _label_lines(a: Arrow) -> list[str]:
    # The elements share lines (wrapped), not one line each: a long chart stays short.
    elements = ", ".join(chart_elements(a.message))
    lines = [type(a.message).title] + (list(_wrap(elements, 56)) if elements else [])
    if a.not_in_text:
        lines.append("(not in the text)")
    if a.copy:
        lines.append(f"(a copy: the network duplicated it in step {a.copy})")
    return lines


def _clause_lines(clause: str) -> list[str]:
    lines = list(_wrap(clause, CLAUSE_CHARS))
    return lines[:2] if len(lines) <= 2 else [lines[0], lines[1][:CLAUSE_CHARS - 1] + "…"]


def _width(lines: list[str], char_w: float = CHAR_W) -> float:
    return max(len(line) for line in lines) * char_w + 12


@functools.lru_cache(maxsize=4096)
def _wrap(text: str, width: int) -> tuple[str, ...]:
    # cached: a model's charts repeat their notes, captions and footnotes (textwrap was a
    # tenth of `mcfsm diagram`'s time)
    return tuple(textwrap.wrap(text, width)) or ("",)


def _html_lines(lines: Sequence[str], bold_first: bool = False) -> str:
    out = []
    for k, line in enumerate(lines):
        text = html.escape(line)
        out.append(f"<b>{text}</b>" if bold_first and k == 0 else text)
    return "<br/>".join(out)


def _continues(c: Chart, a: Arrow) -> bool:
    """Whether an arrow leaves this page unreceived: still in flight at the end, or received
    on a later page."""
    return a.received_at is None or a.received_at > c.steps


def _bands(c: Chart) -> dict[int, float]:
    """The height each step's band takes (its arrow's label row, its note, its clause)."""
    received = {a.received_at: a for a in c.arrows if a.received_at is not None}
    notes: dict[int, int] = {}  # the lines of a step's tallest note
    for step, _, text in c.notes:
        notes[step] = max(notes.get(step, 0), len(_wrap(f"{step}. {text}", 38)))
    clause_of = {k: _clause_lines(t) for k, t in c.clauses}
    out = {}
    for k in range(c.first, c.steps + 1):
        a = received.get(k)
        head = len(_label_lines(a)) * LINE_H + 12 if a is not None else 10
        out[k] = head + max(notes[k] * 11 + 14 if k in notes else 4,
                            len(clause_of.get(k, ())) * 9)
    return out


def _overhead(c: Chart) -> float:
    """What a page draws besides its steps' bands and the rows of the arrows that leave it,
    at most: the title block (title, caption or "continued from", the run's context), the
    lifeline heads and the end mark (or "continued on")."""
    title = 1 + max(len(_wrap(c.caption, 100)), 1) + sum(len(_wrap(x, 100)) for x in c.context)
    end = (2 + len(_wrap(c.footnote, 90))) * 13
    return title * 15 + 60 + 24 + end + 50


def _page_height(c: Chart, bands: dict[int, float], first: int, last: int) -> float:
    """The height of a page drawing steps first..last: its bands, a row for each arrow it
    shows that is not received on it (in flight at the end, or received on a later page),
    and the overhead."""
    leaving = sum(len(_label_lines(a)) * LINE_H + 12 for a in c.arrows
                  if a.sent_at <= last and (a.received_at is None or a.received_at > last))
    return sum(bands[k] for k in range(first, last + 1)) + leaving + _overhead(c)


def chart_pages(c: Chart) -> list[Chart]:
    """A long chart cut into pages that fit PAGE_H, each headed "page n of N"
    and ending "continued"; the verdict's end mark is on the last page. A chart that fits
    stays one page. A lasso's cycle stays whole on the last page, under its frame."""
    bands = _bands(c)
    if _page_height(c, bands, c.first, c.steps) <= PAGE_H:
        return [c]
    # a page may start at any step up to the first step of a lasso's cycle, not inside it
    last_cut = c.steps if c.loop_start is None else min(c.steps, c.loop_start + 1)
    ranges: list[tuple[int, int]] = []
    start = c.first
    for k in range(c.first, last_cut + 1):
        if k > start and _page_height(c, bands, start, k) > PAGE_H:
            ranges.append((start, k - 1))
            start = k
    ranges.append((start, c.steps))
    pages = []
    for n, (a, b) in enumerate(ranges, 1):
        last = n == len(ranges)
        arrows = tuple(x for x in c.arrows if x.sent_at <= b
                       and (x.received_at is None or x.received_at >= a))
        pages.append(dataclasses.replace(
            c, arrows=arrows, notes=tuple(x for x in c.notes if a <= x[0] <= b),
            clauses=tuple(x for x in c.clauses if a <= x[0] <= b), first=a, steps=b,
            page=(n, len(ranges)), title=f"{c.title}, page {n} of {len(ranges)}",
            caption=(c.caption if n == 1 else f"continued from page {n - 1} (steps "
                     f"{ranges[n - 2][0]}-{ranges[n - 2][1]})"),
            outcome=c.outcome if last else "", failed=c.failed if last else False,
            loop_start=c.loop_start if last else None,
            footnote=c.footnote if last else f"continued on page {n + 1} (steps "
            f"{ranges[n][0]}-{ranges[n][1]})"))
    return pages


def page_file(base: Path, n: int, suffix: str) -> Path:
    """The file of page n of a chart: NAME.svg for the first (the name every link uses),
    NAME-p2.svg, NAME-p3.svg, ... for the others."""
    return base.with_name(base.name + (f"-p{n}" if n > 1 else "") + suffix)


def chart_dot(c: Chart, prefix: str = "") -> str:
    """`prefix` makes the SVG ids unique when several charts share one HTML page."""
    columns = {name: k for k, (name, _) in enumerate(c.lifelines)}
    received = {a.received_at: a for a in c.arrows
                if a.received_at is not None and not _continues(c, a)}
    # A step's notes, each on its lifeline (the actor's first, then what monitors made of it)
    notes: dict[int, list[tuple[str, tuple[str, ...]]]] = {}
    for step, who, text in c.notes:
        notes.setdefault(step, []).append((who, _wrap(f"{step}. {text}", 38)))
    tallest = {k: max(len(lines) for _, lines in ns) for k, ns in notes.items()}
    clause_of = {k: _clause_lines(t) for k, t in c.clauses}
    margin = MARGIN_X + (max((len(line) for ls in clause_of.values() for line in ls), default=0)
                         * 4.6 + 8 if clause_of else 0)
    # Column spacing: the widest label must fit between the columns its arrow spans.
    spacing = 170.0
    for a in c.arrows:
        span = max(1, abs(columns[a.receiver] - columns[a.sender]))
        spacing = max(spacing, (_width(_label_lines(a)) + 30) / span)
    for _, lines in (n for ns in notes.values() for n in ns):
        spacing = max(spacing, _width(lines, 5.2) + 24)
    spacing = min(spacing, 320.0)

    def x(name: str) -> float:
        return margin + 60 + columns[name] * spacing

    # Vertical layout: y grows downwards here and is negated for graphviz.
    top: dict[int, float] = {}
    bottom: dict[int, float] = {c.first - 1: 40.0}  # an arrow sent on an earlier page starts here
    label_y: dict[int, float] = {}
    y = 40.0
    for k in range(c.first, c.steps + 1):
        a = received.get(k)
        if a is not None:
            height = len(_label_lines(a)) * LINE_H + 6
            label_y[k] = y + height / 2
            y += height + 6  # a short arrow's head shows under its label
        else:
            y += 10
        top[k] = y
        y = max(y + (tallest[k] * 11 + 14 if k in notes else 4),
                top[k] + len(clause_of.get(k, ())) * 9)  # the margin's clause fits the band
        bottom[k] = y
    # A lasso's cycle (steps after loop_start, to the end) is framed; its caption sits at
    # the frame's foot, so the rows below move down to make room.
    framed = c.loop_start is not None and c.first - 1 <= c.loop_start < c.steps
    if framed:
        y += 22
    # Messages still in flight at the end: each label gets its own row under the last step.
    # Each ends at the foot of its own row, so arrows to one receiver do not converge.
    in_flight_y: dict[int, float] = {}
    in_flight_end: dict[int, float] = {}
    y += 10
    for n, a in enumerate(c.arrows):
        if _continues(c, a):
            height = len(_label_lines(a)) * LINE_H + 12
            in_flight_y[n] = y + height / 2
            y += height
            in_flight_end[n] = y
    end_y = y + 14

    out = ["digraph msc {",
           f'  graph [layout=neato, splines=line, outputorder=edgesfirst, fontname="{FONT}",',
           f'         labelloc=t, label=<{_title_html(c)}>, pad=0.2];',
           f'  node [fontname="{FONT}", fontsize=10, pin=true];',
           f'  edge [fontname="{FONT}", fontsize=10];']

    def pos(px: float, py: float) -> str:
        return f'pos="{px / 72:.3f},{-py / 72:.3f}!"'  # neato reads pos in inches

    points: set[tuple[str, float]] = set()

    def point(name: str, py: float) -> str:
        node = f"{name}@{py:.1f}"
        if (name, round(py, 1)) not in points:
            points.add((name, round(py, 1)))
            out.append(f'  "{node}" [shape=point, width=0.02, color="#888888", {pos(x(name), py)}];')
        return f'"{node}"'

    if framed:  # first among the nodes, so everything else is drawn over it
        assert c.loop_start is not None
        y0, y1 = bottom[c.loop_start] + 4, bottom[c.steps] + 24
        x0, x1 = MARGIN_X - 42, x(c.lifelines[-1][0]) + 80
        out.append(f'  "loop_frame" [id="{prefix}loop-frame", shape=box, style="dashed,rounded", '
                   f'color="#6a1b9a", fontcolor="#6a1b9a", fontsize=9, fixedsize=true, '
                   f'width={(x1 - x0) / 72:.3f}, height={(y1 - y0) / 72:.3f}, labelloc=b, '
                   f'label="↻ loop: steps {c.loop_start + 1}-{c.steps} repeat forever", '
                   f'{pos((x0 + x1) / 2, (y0 + y1) / 2)}];')
    for name, words in c.lifelines:
        wrapped = _html_lines(_wrap(words, 18))
        out.append(f'  "{name}_h" [shape=box, style="rounded,filled", fillcolor="#e8eef7", '
                   f'label=<{wrapped}>, {pos(x(name), HEADER_Y)}];')
        out.append(f'  "{name}_end" [shape=point, width=0.02, color="#888888", {pos(x(name), end_y)}];')
        out.append(f'  "{name}_h" -> "{name}_end" [arrowhead=none, style=dashed, color="#999999"];')
    for k in range(c.first, c.steps + 1):
        colour = "#b00020" if (k == c.steps and c.failed) else "#555555"
        out.append(f'  "n{k}" [id="{prefix}num-{k}", shape=circle, fixedsize=true, width=0.28, fontsize=9, '
                   f'color="{colour}", fontcolor="{colour}", label="{k}", {pos(MARGIN_X - 20, top[k])}];')
        if k in clause_of:  # the clause of the step, left-aligned beside its number
            lines = clause_of[k]
            width = max(len(line) for line in lines) * 4.6 + 4
            out.append(f'  "clause{k}" [id="{prefix}clause-{k}", shape=plaintext, fontsize=8, '
                       f'fontcolor="#555555", height=0.1, margin=0, '
                       f'label=<{_html_lines(lines)}>, '
                       f'{pos(MARGIN_X - 4 + width / 2, top[k] + len(lines) * 4.5 - 4)}];')
    for n, a in enumerate(c.arrows):
        start_y = bottom.get(a.sent_at, 40.0)
        if a.received_at is not None and a.received_at > c.steps:  # on a later page
            end = point(a.receiver, in_flight_end[n])
            style = 'style=dashed, color="#777777"'
            ident = f"{prefix}continued-{n}"
            lines = _label_lines(a)
            lines[0] = (f"{a.received_at}. {lines[0]} (sent in step {a.sent_at}, received on "
                        "a later page)")
            ly = in_flight_y[n]
            colour = "#555555"
        elif a.received_at is None:
            end = point(a.receiver, in_flight_end[n])
            style = 'style=dashed, color="#b00020"'
            ident = f"{prefix}inflight-{n}"
            lines = _label_lines(a)
            lines[0] += f" (sent in step {a.sent_at}, still in flight)"
            ly = in_flight_y[n]
            colour = "#b00020"
        elif a.lost:
            # A lost message never arrives: its arrow stops short of the receiver in the
            # step that lost it and ends in a cross (at the receiver when it was switched off).
            ident = f"{prefix}step-{a.received_at}"
            ex = (x(a.receiver) if a.lost != "lost"
                  else x(a.sender) + (x(a.receiver) - x(a.sender)) * 0.7)
            cross = f'"lost{n}"'
            out.append(f'  {cross} [id="{ident}-lost", shape=plaintext, fontsize=14, '
                       f'fontcolor="#b00020", label="✗", {pos(ex, top[a.received_at])}];')
            end = cross
            style = 'style=dashed, color="#b00020", arrowhead=none'
            lines = _label_lines(a)
            lines[0] = (f"{a.received_at}. {lines[0]} (sent in step {a.sent_at}, lost"
                        + ("" if a.lost == "lost" else f": {a.lost}") + ")")
            ly = label_y[a.received_at]
            colour = "#b00020"
        else:
            end = point(a.receiver, top[a.received_at])
            style = 'color="#222222"'
            ident = f"{prefix}step-{a.received_at}"
            lines = _label_lines(a)
            late = late_words(a, "") or (f"sent in step {a.sent_at}"
                                         if 0 < a.sent_at < c.first else "")
            lines[0] = f"{a.received_at}. {lines[0]}" + (f" ({late})" if late else "")
            ly = label_y[a.received_at]
            colour = "#222222"
        if a.not_in_text:  # invented by the model: visibly not the text's
            style = f'style=dotted, penwidth=1.6, color="{NOT_IN_TEXT}"'
            colour = NOT_IN_TEXT
        elif a.copy and not a.lost and a.received_at is not None and not _continues(c, a):
            # the network's copy, in the colour of the duplication's note
            style = f'color="{_NOTE_STYLE["duplicate"][1]}"'
            colour = _NOTE_STYLE["duplicate"][2]
        start = point(a.sender, start_y)
        out.append(f'  {start} -> {end} [id="{ident}", {style}, arrowsize=0.8];')
        # The label sits on the arrow where it crosses the label row, drawn on white.
        y0, y1 = start_y, (in_flight_end[n] if _continues(c, a) else top[a.received_at])
        x0, x1 = x(a.sender), (ex if a.lost and not _continues(c, a) else x(a.receiver))
        lx = x0 + (x1 - x0) * ((ly - y0) / (y1 - y0) if y1 != y0 else 0.5)
        out.append(f'  "lbl_{ident}" [id="{ident}-label", shape=box, style=filled, fillcolor=white, '
                   f'color=white, height=0.1, margin="0.04,0.02", fontcolor="{colour}", '
                   f'label=<{_html_lines(lines, bold_first=True)}>, {pos(lx, ly)}];')
    kinds = dict(c.events)
    for k, step_notes in notes.items():
        for n, (who, lines) in enumerate(step_notes):
            height = len(lines) * 11 + 8
            # an environment event is marked as one (the step's first note, on the lifeline
            # it happens to): a timer amber, a switch-off grey, a duplication purple
            kind = kinds.get(k, "") if n == 0 else ""
            fill, line, ink = _NOTE_STYLE.get(kind, _NOTE_STYLE[""])
            node, ident = (f"note{k}", f"step-{k}-note") if n == 0 else \
                (f"note{k}_{n}", f"step-{k}-note-{n + 1}")
            out.append(f'  "{node}" [id="{prefix}{ident}", shape=box, style="rounded,filled", '
                       f'fillcolor="{fill}", color="{line}", fontsize=9, fontcolor="{ink}", '
                       f'height=0.2, margin="0.05,0.02", label=<{_html_lines(lines)}>, '
                       f'{pos(x(who), top[k] + 4 + height / 2)}];')
    mark = _end_mark(c)
    if mark:
        mid = (x(c.lifelines[0][0]) + x(c.lifelines[-1][0])) / 2
        # red: violated; green: witnessed; grey: a page that continues on the next one
        colour = "#b00020" if c.failed else "#1b6e20" if c.outcome else "#555555"
        fill = "#fdecee" if c.failed else "#eaf5ea" if c.outcome else "#f2f2f2"
        out.append(f'  "end_mark" [id="{prefix}end-mark", shape=box, style="rounded,filled", '
                   f'fillcolor="{fill}", color="{colour}", '
                   f'fontcolor="{colour}", label=<{mark}>, {pos(mid, end_y + 40)}];')
    out.append("}")
    return "\n".join(out) + "\n"


# (fill, border, text) of a step's note by the kind of environment event it shows
_NOTE_STYLE = {
    "": ("#f3f6fb", "#9db0d0", "#1f3f7a"),
    "timer": ("#fff4e0", "#e6a23c", "#7a4a00"),
    "switch-off": ("#eeeeee", "#555555", "#222222"),
    "duplicate": ("#f3eefb", "#9d88c6", "#4a2f7a"),
    "environment": ("#f3f6fb", "#9db0d0", "#1f3f7a"),
}


def _title_html(c: Chart) -> str:
    title = f"<b>{html.escape(c.title)}</b>"
    if c.caption:
        title += "<br/>" + "<br/>".join(html.escape(p) for p in _wrap(c.caption, 100))
    for line in c.context:  # the run's parameter values and the pinned choices
        title += "<br/><i>" + "<br/>".join(html.escape(p) for p in _wrap(line, 100)) + "</i>"
    return title


def _end_mark(c: Chart) -> str:
    parts = []
    if c.loop_start is not None:  # a lasso: say which steps repeat
        parts.append("from here on nothing happens (stutters forever)" if c.loop_start == c.steps
                     else f"↻ steps {c.loop_start + 1}-{c.steps} repeat forever")
    if c.outcome:
        parts.append(("✗ " if c.failed else "✓ ") + c.outcome)
    if c.footnote:
        parts.extend(_wrap(c.footnote, 90))
    if not parts:
        return ""
    head, *rest = parts
    return "<b>" + html.escape(head) + "</b>" + "".join("<br/>" + html.escape(p) for p in rest)
