"""One page per reviewed finding (`diagrams/findings/<name>.md`, and a section of the HTML
report): what a delegate receives to judge it without the model open.

A page holds the finding in one sentence; where it is (model, property, variants) and
what the search found in each; the reviewed class and its reason, printed only as far as
the search agrees with it (a class the search contradicts says so; a finding the search no
longer finds says "no longer found"); the spec's sentences involved, quoted verbatim from
the spec files (spec_quotes.py) for every clause the shortest chart's transitions cite and
every clause the finding declares; the shortest chart (a link to the SVG `mcfsm diagram`
writes, and its Mermaid text); what the verdict rests on (the run's parameter values, the
pinned readings, the unforced assumptions); and the candidate fix with its verdict and diff.

Everything comes from the model's declarations and this run's results; nothing is typed in.
"""

from __future__ import annotations

from typing import Any

from ..check.assumptions import assumptions_of, pins, unforced
from ..check.explorer import Result, Verdict
from ..lang.findings import CHOICE, GAP_IN_THE_TEXT, UNDER_REVIEW, Finding
from ..lang.loader import LoadedModel
from ..lang.model import Model
from .chart_layout import chart_pages
from .charts import mermaid, run_values, step_clause, verdict_chart
from .diff import diff
from .diff_model import Side, baseline_of
from .diff_words import change_rows
from .report import choice_words, finding_class
from .spec_quotes import NOT_LOCATED, SpecText
from .trace import trace_text


def slug(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text)


def page_path(f: Finding) -> str:
    """Where a finding's page lives, relative to the diagrams folder."""
    return f"findings/{slug(f.name)}.md"


def chart_title(model: str, variant: str, v: Verdict) -> str:
    """The chart's title, as docs.py writes it (so the Mermaid text is the .mmd file's)."""
    assert v.trace is not None
    kind = "witness" if v.status == "witnessed" else "counterexample"
    return f"{model} [{variant}]: {v.property.name} ({kind}, {len(v.trace)} steps)"


def _verdict(result: Result | None, prop: str) -> Verdict | None:
    if result is None:
        return None
    return next((v for v in result.verdicts if v.property.name == prop), None)


def class_line(f: Finding, variant: str, result: Result | None) -> str:
    """The reviewed class as far as the search in `variant` agrees with it."""
    v = _verdict(result, f.prop)
    if result is None or v is None:
        return f"not judged: {variant} was not explored in this run"
    if v.failed:
        return finding_class(result, v, f) or ""
    words = choice_words(result, v)
    if v.status == "witnessed" and words:  # a witness that exists only under some readings
        if f.cls == GAP_IN_THE_TEXT:
            return (f"{words}; declared a {GAP_IN_THE_TEXT}, but the search finds it only "
                    "under some choices, so that class does not apply")
        if f.cls == UNDER_REVIEW:
            return f"{words}; {UNDER_REVIEW} ({f.why})"
        return f"{f.cls} (reviewed: {f.why}); {words}"
    return (f"no longer found in {variant}: {f.prop} {v.status}; the declared class "
            f"({f.cls}) is not printed as holding")


def _quotes(spec: SpecText | None, cited: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """(citation, who cites it) pairs -> quotes, one per piece of text, merged where two
    files give the same sentence and where several steps cite the same piece."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    if spec is None:
        return []
    for citation, by in cited:
        for q in spec.quotes(citation):
            key = (q.where, q.text or q.file)
            entry = out.setdefault(key, {"where": q.where, "files": [], "text": q.text,
                                         "cited_by": []})
            if q.file and q.file not in entry["files"]:
                entry["files"].append(q.file)
            if by not in entry["cited_by"]:
                entry["cited_by"].append(by)
    return list(out.values())


def fix_changes(model: Model, base: str, fix: str, results: dict[str, Result]
                ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]] | None:
    """What a candidate fix changes against its baseline, as rows of the CR diff between
    the two (change_rows: the same words as the diff's page): (the verdicts it flips, the
    properties only one of the two declares); None when either was not explored in this
    run. A shorter counterexample or fewer readings is a change, not a flip, and a property
    one side lacks (a CR that adds an element adds the properties about it) is no flip."""
    ra, rb = results.get(base), results.get(fix)
    if ra is None or rb is None:
        return None
    d = diff(Side(base, ra.system, ra, model.variants[base].doc),
             Side(fix, rb.system, rb, model.variants[fix].doc))
    rows = change_rows(d)
    one_side = [row for row in rows if "-" in (row["a"], row["b"])]
    flips = [row for row in rows if row["a"] != row["b"] and row not in one_side]
    return flips, one_side


def finding_data(lm: LoadedModel, f: Finding, results: dict[str, Result],
                 spec: SpecText | None) -> dict[str, Any]:
    """Everything a finding's page shows, as data (Markdown and HTML render it)."""
    model = lm.model
    first = f.variants[0]
    result = results.get(first)
    v = _verdict(result, f.prop)
    found = []
    for variant in f.variants:
        r = results.get(variant)
        found.append({"variant": variant, "class": class_line(f, variant, r)})
    # What the finding declares and what the property cites come first, then the chart's.
    cited: list[tuple[str, str]] = [(c, "the finding") for c in f.clauses]
    if v is not None and v.property.clause:
        cited.append((v.property.clause, "the property"))
    chart: dict[str, Any] | None = None
    basis: dict[str, Any] = {}
    if result is not None and v is not None:
        system = result.system
        if v.trace is not None:
            for k, key in enumerate(v.trace.steps, 1):
                clause = step_clause(system, key)
                if clause:
                    cited.append((clause, f"step {k}"))
            title = chart_title(model.name, first, v)
            c = verdict_chart(system, v, title)
            svg = f"../{model.name}/{first}/charts/{slug(f.prop)}"
            chart = {"variant": first, "steps": len(v.trace), "title": title,
                     "svg": f"{svg}.svg", "mermaid": mermaid(c),
                     "pages": [f"{svg}-p{n}.svg" for n in range(2, len(chart_pages(c)) + 1)]}
            values = run_values(system, v.trace)
        else:
            values = []
        basis = {"values": [f"{n}={val}" for n, val, pinned in values if not pinned],
                 "pinned": pins(system),
                 "choices": choice_words(result, v),
                 "unforced": [a.words() for a in unforced(system)],
                 # forced ones too: a reading the model takes from a CR's cover page rests
                 # on that page, and a delegate must see it
                 "forced": [a.words() for a in assumptions_of(system) if a.forced]}
    fix: dict[str, Any] | None = None
    if f.fix:
        base = baseline_of(model, f.fix)
        after = _verdict(results.get(f.fix), f.prop)
        fix = {"variant": f.fix, "doc": model.variants[f.fix].doc,
               "verdict": after.status if after is not None else "not explored in this run",
               "baseline": base, "flips": None, "declared": [],
               "diff": f"../{model.name}/diff-{base}-vs-{f.fix}.md"}
        changes = fix_changes(model, base, f.fix, results)
        if changes is not None:
            fix["flips"], fix["declared"] = changes
    quotes = _quotes(spec, cited)
    own = [q for q in quotes if set(q["cited_by"]) & {"the finding", "the property"}]
    scenario = ([line.strip() for line in trace_text(result.system, v.trace, indent="")
                 if line[:1].isdigit() and not line.startswith("0.")]
                if result is not None and v is not None and v.trace is not None else [])
    return {"name": f.name, "title": f.title or f.name, "model": model.name, "prop": f.prop,
            "quotes_cited": own, "quotes_context": [q for q in quotes if q not in own],
            "scenario": scenario,
            "prop_doc": v.property.doc if v is not None else "",
            "prop_clause": v.property.clause if v is not None else "",
            "variants": list(f.variants), "cls": f.cls, "why": f.why, "found": found,
            "reading": f.reading, "facts": [u.words() for u in f.facts], "quotes": quotes,
            "spec": spec is not None,
            "chart": chart, "basis": basis, "fix": fix, "page": page_path(f),
            "under_review": f.cls == UNDER_REVIEW, "choice": f.cls == CHOICE}


def _quote_lines(text: str) -> list[str]:
    return [f"> {para}" if para else ">" for para in text.split("\n")]


def _quote_block(quotes: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for q in quotes:
        files = ", ".join(f"`{name}`" for name in q["files"]) or "no spec file lists it"
        out.append(f"**{q['where']}** ({files}; cited by {', '.join(q['cited_by'])}):")
        out.append("")
        out += _quote_lines(q["text"]) if q["text"] else [f"*{NOT_LOCATED}*"]
        out.append("")
    return out


def contribution(d: dict[str, Any]) -> str:
    """One paragraph a delegate can paste into a contribution: the observation, the
    scenario, the proposed change, and what it rests on. Built from the page's data."""
    b = d["basis"] or {}
    observation = (f"Observation: {d['title'].rstrip('.')}. The property \"{d['prop_doc'] or d['prop']}\""
                   + (f" ({d['prop_clause']})" if d["prop_clause"] else "")
                   + (f" is {b['choices']}" if b.get("choices") else " fails")
                   + f" ({d['cls']}).")
    # each step's head, without the clause the page quotes below
    steps = [step.split("  (")[0].rstrip() for step in d["scenario"]]
    scenario = ("Scenario: " + " ".join(steps).rstrip(".") + "." if steps else "")
    fix = d["fix"]
    change = ("Proposed change: " + (fix["doc"].rstrip(".") if fix and fix["doc"] else
                                     f"see the candidate fix {fix['variant']}") + "."
              if fix else "Proposed change: none yet; the text must say which reading it means.")
    rests = [*b.get("pinned", []), *(w.split(" (")[0] for w in b.get("unforced", []))]
    basis = ("It rests on: " + ", ".join(rests) + "." if rests else "")
    return " ".join(part for part in (observation, scenario, change, basis) if part)


def finding_markdown(d: dict[str, Any]) -> str:
    out = [f"# {d['title']}", "",
           "Generated by `mcfsm diagram` from the model's `model.finding(...)` declaration and "
           "this run's results (do not edit by hand). [All findings](../findings.md).", "",
           f"- **Model**: {d['model']} ([verdicts of every variant](../{d['model']}/verdicts.md))",
           f"- **Property**: `{d['prop']}`" + (f": {d['prop_doc']}" if d["prop_doc"] else "")
           + (f" ({d['prop_clause']})" if d["prop_clause"] else ""),
           f"- **Variants**: {', '.join(d['variants'])}",
           f"- **Finding**: `{d['name']}`", "",
           "## Class (reviewed) and what the search found", ""]
    out += [f"- {r['variant']}: {r['class']}" for r in d["found"]]
    out += ["", f"The reviewer's class, **{d['cls']}**, for the reason: {d['why']}. It holds "
                "only as far as the lines above print it.", ""]
    if d["reading"]:
        out += ["## The reading it turns on", "", d["reading"], ""]
    if d["facts"]:
        # the clauses the excerpts point to, in our words (they are not quoted: only the
        # excerpts are), and how each bears on the reading the finding needs
        out += ["## What the clauses around the excerpts say", ""]
        out += [f"- {w}" for w in d["facts"]] + [""]
    out += ["## For a contribution", "",
            "A paragraph to paste into a contribution (observation, scenario, proposed "
            "change; a fenced block, so that it is not taken for the spec's words):", "",
            "```text", contribution(d), "```", ""]
    out += ["## The text involved", ""]
    if not d["spec"]:
        out += ["No clause list (clauses.txt) beside the models: the spec text is not quoted.", ""]
    elif not d["quotes"]:
        out += ["The chart's transitions cite no clause of the spec text.", ""]
    if d["quotes_cited"]:
        out += ["The sentences the finding turns on (cited by the finding or its property):", ""]
        out += _quote_block(d["quotes_cited"])
    if d["quotes_context"]:
        n = len(d["quotes_context"])
        out += ["<details><summary>The text the chart's other steps cite "
                f"({n} passage{'s' if n != 1 else ''})</summary>", ""]
        out += _quote_block(d["quotes_context"])
        out += ["</details>", ""]
    out += ["## Shortest chart", ""]
    chart = d["chart"]
    if chart is None:
        out += ["No trace: the property holds in the first variant named, or it was not "
                "explored.", ""]
    else:
        # a link's words hold no brackets (the title's "[variant]" would break the link)
        more = "".join(f", [page {n}]({p})" for n, p in enumerate(chart["pages"], 2))
        out += [f"{chart['title']}: [SVG chart, {chart['steps']} steps]({chart['svg']}){more}",
                "",
                "```mermaid",
                chart["mermaid"].rstrip(), "```", ""]
    out += ["## What the verdict rests on", ""]
    b = d["basis"]
    if b:
        out.append("- **This run's parameter values**: " + (", ".join(b["values"]) or "none"))
        out.append("- **Pinned by the variant**: " + (", ".join(b["pinned"]) or "nothing"))
        if b["choices"]:
            out.append(f"- **Over the choices explored**: {b['choices']}")
        out.append("- **Unforced assumptions**:")
        out += [f"  - {w}" for w in b["unforced"]] or ["  - none"]
        out.append("- **Forced by the text** (or by a CR's cover page):")
        out += [f"  - {w}" for w in b["forced"]] or ["  - none"]
    else:
        out.append("Not explored in this run.")
    out += ["", "## Candidate fix", ""]
    fix = d["fix"]
    if fix is None:
        out.append("None declared.")
    else:
        out.append(f"`{fix['variant']}`: {d['prop']} {fix['verdict']} there "
                   f"([diff]({fix['diff']}))." + (f" {fix['doc']}" if fix["doc"] else ""))
        flips = fix["flips"]
        if flips is None:
            out += ["", f"Not diffed: `{fix['variant']}` or its baseline, `{fix['baseline']}`, "
                        "was not explored in this run."]
        else:
            # what a delegate attributes to the fix's one change: every verdict it flips
            out += ["", f"Against its baseline, `{fix['baseline']}`, the variant it changes, it "
                        f"flips {len(flips)} verdict{'s' if len(flips) != 1 else ''}"
                        + (":" if flips else ".")]
            out += [f"- `{row['name']}`: {row['a']} -> {row['b']} ({row['change']})"
                    for row in flips]
            only = [f"`{row['name']}` ({'fix' if row['a'] == '-' else 'baseline'} only)"
                    for row in fix["declared"]]
            if only:
                out += ["", "Properties one of the two declares and the other does not (no "
                            "flip): " + ", ".join(only) + "."]
    return "\n".join(out) + "\n"
