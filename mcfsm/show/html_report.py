"""The static HTML report (`mcfsm report PATH --out DIR`): one page per model and an index.

Each page shows the variants side by side, every property with its description, clause and
verdict per variant (against the declared one), the shortest counterexample or witness of
each as an SVG sequence chart beside an interactive trace explorer, the role state
diagrams, the CR diff of each variant against its baseline (the variant it declares it
changes; the first otherwise), the reviewed findings (each candidate fix with the verdicts
it flips against its baseline), coverage, and the model's assumptions (its parameters,
each a choice the spec leaves open).

A page inlines its stylesheet, its explorer script and its pictures; each trace's chart and
data sit beside it, in MODEL.traces/ID.js, and load when the trace is opened (a page of a
model with hundreds of charts otherwise weighs megabytes before anything shows). The page
and its folder read the same opened from disk or published as a static site; nothing is
fetched from the network. Templates are Jinja2 (autoescaped).
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from ..check.assumptions import in_the_run
from ..check.choices import explore_by_choice
from ..check.expectations import as_declared
from ..check.search.explorer import Result, Verdict
from ..lang.loader import LoadedModel
from ..lang.system import System, View
from ..spec.quotes import SpecText
from .charts import dot, verdict_chart
from .diagrams import fired_by_role, role_dot
from .diff import diff
from .diff_model import Side, diff_pairs
from .diff_words import change_rows
from .dot_render import render_texts
from .explain import explain
from .finding_pages import finding_data, paste
from .report import STATUS_WORDS, choice_words, finding_class, verdict_detail
from .trace import trace_text
from .values import message_words, plural, spec_value


def _draw_inline(entries: list[dict[str, Any]]) -> None:
    """Replace each entry's "svg", a DOT text, by the SVG graphviz draws for it, ready to
    inline (None without graphviz); all drawn together (dot_render.py)."""
    if shutil.which("dot") is None:
        for entry in entries:
            entry["svg"] = None
        return
    for entry, svg in zip(entries, render_texts([e["svg"] for e in entries]), strict=True):
        entry["svg"] = svg[svg.index("<svg"):]  # no XML prolog and doctype: invalid in HTML


def _state_rows(system: System, state: Any) -> dict[str, Any]:
    """One state as the explorer panel shows it, every value in spec notation."""
    view = View(system, state)
    rows = []
    for inst in system.instances:
        local = view[inst.name]
        rows.append({"id": inst.name, "who": inst.words, "state": local.state,
                     "vars": [[f, spec_value(v)] for f, v in zip(local._fields[1:], local[1:])]})
    out: dict[str, Any] = {"instances": rows,
                           "in_flight": [f"{message_words(m)}: {system.instance(s).words} → "
                                         f"{system.instance(r).words}"
                                         for s, r, m in system.envelopes(state)]}
    if system.params:
        out["params"] = [[k, spec_value(v)] for k, v in view.params._asdict().items()]
    if system.shared:
        out["shared"] = [[k, spec_value(v)] for k, v in view.shared._asdict().items()]
    return out


def _narration(system: System, verdict: Verdict) -> list[list[str]]:
    """The text narration grouped by step: [[initial lines...], [step 1 lines...], ...]."""
    assert verdict.trace is not None
    groups: list[list[str]] = []
    for line in trace_text(system, verdict.trace, indent="", note=""):
        if re.match(r"^\d+\. ", line):
            groups.append([line])
        else:
            groups[-1].append(line.strip())
    return groups


def trace_view(system: System, verdict: Verdict, prefix: str) -> dict[str, Any]:
    """Everything the trace explorer needs, precomputed (the page runs no model code)."""
    assert verdict.trace is not None
    trace = verdict.trace
    states = [_state_rows(system, s) for s in trace.states]
    changed: list[list[str]] = [[]]
    for before, after in zip(trace.states, trace.states[1:]):
        vb, va = View(system, before), View(system, after)
        marks = []
        for inst in system.instances:
            lb, la = vb[inst.name], va[inst.name]
            marks += [f"{inst.name}.{f}" for f, x, y in zip(lb._fields, lb, la) if x != y]
        changed.append(marks)
    return {"prefix": prefix, "steps": len(trace), "states": states, "changed": changed,
            "narration": _narration(system, verdict), "note": explain(system, verdict),
            "failed": verdict.failed}


def _traces(lm: LoadedModel, variant: str, system: System, result: Result,
            numbers: Iterator[int]) -> list[dict[str, Any]]:
    """One explorer per counterexample and witness; `numbers` makes ids unique on the page."""
    out = []
    for v in result.verdicts:
        if v.trace is None:
            continue
        prefix = f"t{next(numbers)}-"
        kind = "witness" if v.status == "witnessed" else "counterexample"
        length = plural(len(v.trace), "step")
        title = f"{lm.model.name} [{variant}]: {v.property.name} ({kind}, {length})"
        out.append({"id": prefix.rstrip("-"), "variant": variant, "property": v.property.name,
                    "kind": kind, "status": v.status, "length": length, "failed": v.failed,
                    "title": title,
                    "doc": v.property.doc, "clause": v.property.clause,
                    "svg": dot(verdict_chart(system, v, title), prefix),  # drawn later
                    "data": json.dumps(trace_view(system, v, prefix), ensure_ascii=False)
                    .replace("</", "<\\/")})
    return out


def _explore_fully(lm: LoadedModel, variant: str) -> tuple[System, Result]:
    system = lm.model.system(variant)
    return system, explore_by_choice(system)


def model_context(lm: LoadedModel, variants: tuple[str, ...] = (),
                  run: Callable[[LoadedModel, str], tuple[System, Result]] = _explore_fully
                  ) -> dict[str, Any]:
    """Explore every chosen variant of one model (through `run`, the command's own explorer
    with its budget) and gather what its page shows."""
    model = lm.model
    chosen = [v for v in model.variants if not variants or v in variants]
    systems: dict[str, System] = {}
    results: dict[str, Result] = {}
    for v in chosen:
        systems[v], results[v] = run(lm, v)
    numbers = itertools.count(1)
    columns, traces, roles, coverage, assumptions = [], [], [], [], []
    rows: dict[str, dict[str, Any]] = {}
    for variant in chosen:
        system, result = systems[variant], results[variant]
        expected = model.expected(variant, system)
        columns.append({"name": variant, "doc": model.variants[variant].doc,
                        "states": f"{result.distinct_states:,}", "depth": result.depth,
                        "complete": result.complete})
        new_traces = _traces(lm, variant, system, result, numbers)
        traces += new_traces
        variant_traces = {t["property"]: t["id"] for t in new_traces}
        for v in result.verdicts:
            row = rows.setdefault(v.property.name, {"name": v.property.name, "kind": v.property.kind,
                                                    "clause": v.property.clause,
                                                    "doc": v.property.doc, "cells": {}})
            row["cells"][variant] = {
                "status": v.status, "word": STATUS_WORDS[v.status],
                "detail": verdict_detail(result, v), "expected": expected.get(v.property.name),
                # the one judge (check/expectations.py): None when it cannot say
                "as_expected": as_declared(result, v, expected),
                "trace": variant_traces.get(v.property.name),
                # which silent choices the verdict rests on, and how a finding is classified
                "reading": choice_words(result, v), "finding": finding_class(result, v)}
        fired = fired_by_role(result)
        drawn = {}
        for inst in system.instances:
            drawn.setdefault(inst.role.name, inst.role)
        roles.append({"variant": variant, "pictures": [
            {"role": name, "svg": role_dot(  # drawn later, with the traces' charts
                role, fired.get(name, set()), title=name,
                observer=name in {m.role.name for m in system.monitors})}
            for name, role in drawn.items()]})
        never = [f"{r}.{t}" for (r, t), (g, _) in result.coverage.items() if not g]
        coverage.append({"variant": variant, "fired": len(result.coverage) - len(never),
                         "total": len(result.coverage), "never": never})
        assumptions.append({"variant": variant, "params": [
            {"name": k, "choices": ", ".join(spec_value(c) for c in p.choices), "doc": p.doc,
             "clause": p.clause} for k, p in system.params.items()],
            "fixed": [{"name": a.name, "why": a.why, "clause": a.clause,
                       "source": ("forced by the text" if a.forced else
                                  "derived from the system" if a.derived else "declared")}
                      for a in in_the_run(result)]})  # a symmetry the run assumed too
    diffs = []
    for base, other in diff_pairs(model, chosen):  # each variant against what it changes
        d = diff(Side(base, systems[base], results[base]),
                 Side(other, systems[other], results[other]))
        diffs.append({"a": base, "b": other, "rows": change_rows(d)})
    shown = {(d["a"], d["b"]) for d in diffs}
    # One entry per reviewed finding, as its diagrams/findings/ page shows it, with the
    # spec sentences quoted and a link to its trace on this page.
    clauses = lm.path.parent / "clauses.txt"
    spec = SpecText(clauses) if clauses.is_file() else None
    trace_ids = {(t["variant"], t["property"]): t["id"] for t in traces}
    findings = []
    figures = []
    for n, f in enumerate(model.findings.values()):
        data = finding_data(lm, f, results, spec)
        # as the finding's Markdown page has them: the paragraph to paste, and its chart
        data["paste"] = paste(data)[0]
        if data["chart"] is not None:
            data["figure"] = {"svg": dot(data["chart"]["drawing"], f"f{n}-"),
                              "title": data["chart"]["title"]}
            figures.append(data["figure"])
        main = data["charts"][0]  # this page's trace of it, unless drawn under some choices
        data["trace"] = None if main["under"] else trace_ids.get((main["variant"], main["prop"]))
        if data["fix"] is not None:  # link the fix's CR diff where this page shows it
            data["fix"]["on_page"] = (data["fix"]["baseline"], f.fix) in shown
        findings.append(data)
    _draw_inline(traces + [picture for r in roles for picture in r["pictures"]] + figures)
    head, _, rest = model.doc.strip().partition("\n\n")
    return {"model": model.name, "clause": model.clause, "doc": model.doc,
            "doc_head": " ".join(head.split()), "doc_rest": rest.strip(),
            "file": lm.path.as_posix(), "columns": columns, "rows": list(rows.values()),
            "traces": traces, "roles": roles, "coverage": coverage, "assumptions": assumptions,
            "diffs": diffs, "findings": findings}


def breakable(name: str) -> Any:
    """A name escaped, with a line-break opportunity (<wbr>) after each _ - = . , so that a
    narrow column wraps `fix_migration_checked_first` between its words, not mid-word or
    not at all (the table would then widen the page)."""
    from markupsafe import Markup, escape

    return Markup(re.sub(r"([_\-=.,])", r"\1<wbr>", str(escape(name))))


def _tally(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """What the index says above a model's folded verdict table: how many cells have each
    verdict ("40 holds, 3 VIOLATED") and how many differ from the declared one."""
    cells = [c for row in rows for c in row["cells"].values()]
    counts = {word: sum(1 for c in cells if c["word"] == word) for word in STATUS_WORDS.values()}
    return {"tally": ", ".join(f"{n:,} {word}" for word, n in counts.items() if n),
            "unexpected": sum(1 for c in cells if c["as_expected"] is False)}


def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("mcfsm.show", "templates"),
        autoescape=jinja2.select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
    env.filters["breakable"] = breakable
    return env


def _static(name: str) -> str:
    return resources.files("mcfsm.show").joinpath("static", name).read_text(encoding="utf-8")


def _trace_files(env: Any, out: Path, model: str, traces: list[dict[str, Any]]) -> list[Path]:
    """Each trace's chart, controls and data as a script beside the page, which calls
    mcfsmTrace(id, html) when the page loads it (a <script src> works from disk too)."""
    folder = out / f"{model}.traces"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    body = env.get_template("trace_body.html")
    written = []
    for t in traces:
        html = body.render(t=t)
        path = folder / f"{t['id']}.js"
        path.write_text(f"mcfsmTrace({json.dumps(t['id'])}, "
                        f"{json.dumps(html, ensure_ascii=False)});\n", encoding="utf-8")
        t["src"] = f"{folder.name}/{path.name}"
        written.append(path)
    return written


def write_report(loaded: list[LoadedModel], out: Path, *, variants: tuple[str, ...] = (),
                 progress: Any = None,
                 run: Callable[[LoadedModel, str], tuple[System, Result]] = _explore_fully
                 ) -> list[Path]:
    """Write DIR/index.html and DIR/MODEL.html for every model; return the files."""
    env = _environment()
    assets = {"css": _static("report.css"), "js": _static("explorer.js")}
    out.mkdir(parents=True, exist_ok=True)
    written, pages = [], []
    for lm in loaded:
        if variants and not any(v in lm.model.variants for v in variants):
            continue
        if progress is not None:
            progress(f"report: exploring {lm.model.name}")
        context = model_context(lm, variants, run)
        written += _trace_files(env, out, lm.model.name, context["traces"])
        path = out / f"{lm.model.name}.html"
        path.write_text(env.get_template("model.html").render(**context, **assets), encoding="utf-8")
        written.append(path)
        pages.append({"href": path.name, "model": context["model"], "clause": context["clause"],
                      "findings": len(context["findings"]),
                      "doc": context["doc_head"], "columns": context["columns"], "rows": context["rows"],
                      **_tally(context["rows"])})
    index = out / "index.html"
    index.write_text(env.get_template("index.html").render(pages=pages, **assets), encoding="utf-8")
    written.append(index)
    return written
