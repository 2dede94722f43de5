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

import dataclasses
import re
from collections.abc import Callable
from typing import Any

from ..check.assumptions import assumptions_of, explored, pins, unforced
from ..check.cache import explore_cached
from ..check.search.explorer import Result, Verdict
from ..lang.findings import (
    CHOICE,
    CR_DEMONSTRATION,
    GAP_IN_THE_TEXT,
    MODEL_ARTEFACT,
    TRADE_OFF,
    UNDER_REVIEW,
    Chart,
    Fact,
    Finding,
)
from ..lang.loader import LoadedModel
from ..lang.model import Model
from .chart_layout import chart_pages
from .charts import mermaid, run_values, step_clause, verdict_chart
from .diff import diff
from .diff_model import Side, baseline_of
from .diff_words import change_rows
from .matrix import parse_ref
from .report import choice_words, finding_class, gap_beside_outside_readings, gap_line
from .spec_quotes import SpecText
from .trace import in_flight_words, trace_text
from .values import plural


def slug(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text)


def page_path(f: Finding) -> str:
    """Where a finding's page lives, relative to the diagrams folder."""
    return f"findings/{slug(f.name)}.md"


def chart_title(model: str, variant: str, v: Verdict) -> str:
    """The chart's title, as docs.py writes it (so the Mermaid text is the .mmd file's)."""
    assert v.trace is not None
    kind = "witness" if v.status == "witnessed" else "counterexample"
    return f"{model} [{variant}]: {v.property.name} ({kind}, {plural(len(v.trace), 'step')})"


# A finding's reason may end with the change it proposes: "...; the text must say X.
# Proposed change: say X". The page prints the reason as the class's reason and the change
# in the paragraph for a contribution.
CHANGE_MARK = " Proposed change: "


def reason_and_change(f: Finding) -> tuple[str, str]:
    """(the reason for the class, the proposed change the reason states, or "")."""
    reason, mark, change = f.why.rpartition(CHANGE_MARK)
    if not mark:
        return f.why, ""
    return reason.rstrip().rstrip("."), change.strip().rstrip(".")


def _reason_only(f: Finding) -> Finding:
    reason, change = reason_and_change(f)
    return dataclasses.replace(f, why=reason) if change else f


def _doc(text: str) -> str:
    """A variant's doc as a page shows it: without the issue's internal numbering of
    findings ("candidate fix of finding 2"), which means nothing to a delegate."""
    return re.sub(r" of finding \d+\b", "", text)


def _verdict(result: Result | None, prop: str) -> Verdict | None:
    if result is None:
        return None
    return next((v for v in result.verdicts if v.property.name == prop), None)


def class_line(f: Finding, variant: str, result: Result | None) -> str:
    """The reviewed class as far as the search in `variant` agrees with it."""
    f = _reason_only(f)
    v = _verdict(result, f.prop)
    if result is None or v is None:
        return f"not judged: {variant} was not explored in this run"
    if v.failed:
        return finding_class(result, v, f) or ""
    words = choice_words(result, v)
    if v.status == "witnessed" and words:  # a witness that exists only under some readings
        if gap_beside_outside_readings(result, f):
            return gap_line(f, words)
        if f.cls == GAP_IN_THE_TEXT:
            return (f"{words}; declared a {GAP_IN_THE_TEXT}, but the search finds it only "
                    "under some choices, so that class does not apply")
        if f.cls == UNDER_REVIEW:
            return f"{words}; {UNDER_REVIEW} ({f.why})"
        return f"{f.cls} (reviewed: {f.why}); {words}"
    return (f"no longer found in {variant}: {f.prop} {v.status}; the declared class "
            f"({f.cls}) is not printed as holding")


def _clause_number(clause: str) -> list[str]:
    """The parts of a clause number of TS 23.280 (the spec the excerpts are from)."""
    clause = clause.removeprefix("TS 23.280 ")
    m = re.match(r"\s*(\d+(?:\.\d+)+|X(?:\.\d+)+)\b", clause)
    return m.group(1).split(".") if m else []


def _missing(spec: SpecText, where: str, files: list[str], facts: list[Fact]) -> str:
    """Why a cited piece has no quote: a whole clause given by its subclauses, a NOTE the
    file numbers, or a clause the excerpts refer to without holding it (and the fact sheet
    items gathered from its neighbourhood, where a fact names one)."""
    ref = parse_ref(where)
    clause = ref.clause if ref is not None else where
    subs = sorted({row.ref.clause for row in spec.rows
                   if row.ref.clause.startswith(clause + ".")})
    if subs and ref is not None and not ref.qualifiers:
        return (f"a whole clause, cited as such: its text is that of {', '.join(subs)}, "
                "quoted where a step cites them")
    if not files:
        return "not in the excerpts, and no spec file the clause list names holds it"
    words = "referenced by the text, not in the excerpts"
    near = []
    number = _clause_number(clause)
    for fact in facts:
        own = _clause_number(fact.clause) if fact.clause.startswith("TS 23.280 ") else []
        if len(own) >= 2 and number[:len(own) - 1] == own[:-1] and fact.items:
            items = ", ".join(str(i) for i in fact.items)
            near.append(f"the fact sheet, item{'s' if len(fact.items) > 1 else ''} {items} "
                        f"({fact.clause.split(' (')[0].split(';')[0]})")
    if near:
        words += "; see " + " and ".join(dict.fromkeys(near))
    return words


def _quotes(spec: SpecText | None, cited: list[tuple[str, str]],
            facts: tuple[Fact, ...] | list[Fact] = ()) -> list[dict[str, Any]]:
    """(citation, who cites it) pairs -> quotes, one per piece of text, merged where two
    files give the same sentence and where several steps cite the same piece. A piece one
    file holds and another (a CR's differently numbered NOTE) does not is quoted from the
    file that holds it; a piece no file holds says why."""
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
    located = {e["where"] for e in out.values() if e["text"]}
    quotes = [e for e in out.values() if e["text"] or e["where"] not in located]
    for e in quotes:
        e["missing"] = "" if e["text"] else _missing(spec, e["where"], e["files"], list(facts))
    return quotes


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


def _in_excerpts(spec: SpecText | None, clause: str) -> bool:
    """Whether every clause a forced assumption names is quoted from the spec excerpts
    (else it is forced, at least in part, by a clause outside them: SIP, or a clause the
    excerpts only refer to)."""
    if spec is None:
        return True
    for part in clause.split(";"):
        if not part.strip():
            continue
        if parse_ref(part.strip()) is None or not any(q.located for q in spec.quotes(part)):
            return False
    return True


def _model_facts(model: Model) -> list[Fact]:
    """Every fact a finding of the model uses (a clause the excerpts only refer to is
    pointed to the fact sheet's items gathered near it)."""
    return list({u.fact.name: u.fact for g in model.findings.values() for u in g.facts}.values())


def _fact_words(u: Any) -> str:
    """A fact as the page prints it; one that the fact sheet does not gather says so."""
    words = u.words()
    if u.fact.items:
        return words
    return (f"{words}. This fact is outside the spec excerpts and is not in the fact sheet "
            "(spec/context/FACTS.md): it is the model's own statement of the clause, not "
            "confirmed there")


# (loaded model, variant, choices "p=v") -> the search of that variant restricted to them
Search = Callable[[LoadedModel, str, tuple[str, ...]], Result]


def search_under(lm: LoadedModel, variant: str, under: tuple[str, ...]) -> Result:
    """A variant's search restricted to some of its choices: the runs a chart declared with
    Chart(under=...) is drawn from (only those runs are explored, through the result cache
    as every variant's search)."""
    return explore_cached(lm.model.system(variant), loaded=lm, variant=variant, under=under)


def finding_charts(lm: LoadedModel, f: Finding, results: dict[str, Result],
                   search: Search = search_under) -> list[dict[str, Any]]:
    """The charts a finding's page draws, the first being its own: the shortest run of its
    property in its first variant, or the Chart(...)s it declares. Each: variant, prop,
    under, says, the run's result and verdict, and `own` (its files are the page's own,
    not the variant's charts)."""
    out = []
    for k, c in enumerate(f.charts or (Chart(),), 1):
        variant = c.variant or f.variants[0]
        prop = c.prop or f.prop
        result = search(lm, variant, c.under) if c.under else results.get(variant)
        out.append({"k": k, "variant": variant, "prop": prop, "under": c.under, "says": c.says,
                    "result": result, "verdict": _verdict(result, prop), "own": bool(f.charts)})
    return out


def declared_chart_title(model: str, c: dict[str, Any]) -> str:
    v = c["verdict"]
    under = f" under {', '.join(c['under'])}" if c["under"] else ""
    return chart_title(model, c["variant"], v) + under


def finding_data(lm: LoadedModel, f: Finding, results: dict[str, Result],
                 spec: SpecText | None, search: Search = search_under) -> dict[str, Any]:
    """Everything a finding's page shows, as data (Markdown and HTML render it)."""
    model = lm.model
    reason, change = reason_and_change(f)
    first = f.variants[0]
    result = results.get(first)
    v = _verdict(result, f.prop)
    charts = finding_charts(lm, f, results, search)
    drawn = []
    for c in charts:
        cv = c["verdict"]
        if cv is None or cv.trace is None:
            drawn.append({"title": None, "variant": c["variant"], "prop": c["prop"],
                          "under": list(c["under"]), "says": c["says"]})
            continue
        title = declared_chart_title(model.name, c)
        chosen = [u.split("=", 1)[0] for u in c["under"]]
        drawing = verdict_chart(c["result"].system, cv, title, chosen)
        svg = (f"{slug(f.name)}-chart{c['k']}" if c["own"]
               else f"../{model.name}/{c['variant']}/charts/{slug(c['prop'])}")
        drawn.append({"title": title, "variant": c["variant"], "prop": c["prop"],
                      "under": list(c["under"]), "says": c["says"], "steps": len(cv.trace),
                      "svg": f"{svg}.svg", "mermaid": mermaid(drawing), "drawing": drawing,
                      "pages": [f"{svg}-p{n}.svg"
                                for n in range(2, len(chart_pages(drawing)) + 1)]})
    # The page's own chart (its clauses quoted, its scenario written out) is the first.
    main = charts[0]
    chart_result, chart_verdict = main["result"], main["verdict"]
    found = []
    for variant in f.variants:
        r = results.get(variant)
        found.append({"variant": variant, "class": class_line(f, variant, r)})
    # What the finding declares and what the property cites come first, then the chart's.
    cited: list[tuple[str, str]] = [(c, "the finding") for c in f.clauses]
    if v is not None and v.property.clause:
        cited.append((v.property.clause, "the property"))
    chart: dict[str, Any] | None = drawn[0] if drawn[0]["title"] is not None else None
    basis: dict[str, Any] = {}
    if result is not None and v is not None:
        system = result.system
        if chart_verdict is not None and chart_verdict.trace is not None:
            for k, key in enumerate(chart_verdict.trace.steps, 1):
                clause = step_clause(chart_result.system, key)
                if clause:
                    cited.append((clause, f"step {k}"))
            # pinned as the variant pins it, not as the chart's choices restrict it
            values = run_values(model.system(main["variant"]), chart_verdict.trace)
        else:
            values = []
        basis = {"values": [f"{n}={val}" for n, val, pinned in values if not pinned],
                 "pinned": pins(system),
                 "choices": choice_words(result, v),
                 "explored": explored(system),  # what "whatever the choices" spans
                 "unforced": [a.words() for a in unforced(system)],
                 # forced ones too: a reading the model takes from a CR's cover page rests
                 # on that page, and a delegate must see it
                 "forced": [a.words() for a in assumptions_of(system)
                            if a.forced and _in_excerpts(spec, a.clause)],
                 "forced_outside": [a.words() for a in assumptions_of(system)
                                    if a.forced and not _in_excerpts(spec, a.clause)]}
    fix: dict[str, Any] | None = None
    if f.fix:
        base = baseline_of(model, f.fix)
        after = _verdict(results.get(f.fix), f.prop)
        fix = {"variant": f.fix, "doc": _doc(model.variants[f.fix].doc),
               "verdict": after.status if after is not None else "not explored in this run",
               "choices": (choice_words(results[f.fix], after) if after is not None
                           else ""),
               "baseline": base, "flips": None, "declared": [],
               "diff": f"../{model.name}/diff-{base}-vs-{f.fix}.md"}
        changes = fix_changes(model, base, f.fix, results)
        if changes is not None:
            fix["flips"], fix["declared"] = changes
    facts = _model_facts(model)
    quotes = _quotes(spec, cited, facts)
    own = [q for q in quotes if set(q["cited_by"]) & {"the finding", "the property"}]
    scenario: list[str] = []
    if chart_verdict is not None and chart_verdict.trace is not None:
        trace = chart_verdict.trace
        # a run that starts mid-exchange says so first (setup-abandoned's INVITE)
        scenario = [f"0. at the start, in flight: {words}"
                    for words in in_flight_words(chart_result.system, trace.states[0])]
        scenario += scenario_steps(trace_text(chart_result.system, trace, indent=""))
    return {"name": f.name, "title": f.title or f.name, "model": model.name, "prop": f.prop,
            "quotes_cited": own, "quotes_context": [q for q in quotes if q not in own],
            "scenario": scenario,
            "prop_doc": v.property.doc if v is not None else "",
            "prop_clause": v.property.clause if v is not None else "",
            "variants": list(f.variants), "cls": f.cls, "why": reason, "change": change,
            "found": found, "outside": list(f.outside_readings),
            "reading": f.reading, "facts": [_fact_words(u) for u in f.facts], "quotes": quotes,
            "spec": spec is not None,
            "chart": chart, "charts": drawn, "basis": basis, "fix": fix, "page": page_path(f),
            "under_review": f.cls == UNDER_REVIEW, "choice": f.cls == CHOICE}


def scenario_steps(lines: list[str]) -> list[str]:
    """The numbered steps of a narrated trace (trace_text with no indent), the last one with
    what it sent: a violation judged after the last step is often that message (a
    redirection naming the ID the user has left, a rejection), which the chart draws still
    in flight, and a scenario that stopped before it would show nothing going wrong."""
    steps: list[str] = []
    sends: list[str] = []
    for line in lines:
        if line[:1].isdigit() and not line.startswith("0."):
            steps.append(line.strip())
            sends = []
        elif steps and line.strip().startswith("sends "):
            sends.append(line.strip())
    if steps and sends:
        head, sep, clause = steps[-1].partition("  (")
        steps[-1] = f"{head}; {'; '.join(sends)}{sep}{clause}"
    return steps


def _quote_lines(text: str) -> list[str]:
    return [f"> {para}" if para else ">" for para in text.split("\n")]


def _quote_block(quotes: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for q in quotes:
        files = ", ".join(f"`{name}`" for name in q["files"]) or "no spec file lists it"
        out.append(f"**{q['where']}** ({files}; cited by {', '.join(q['cited_by'])}):")
        out.append("")
        out += _quote_lines(q["text"]) if q["text"] else [f"*{q['missing']}*"]
        out.append("")
    return out


def proposed_change(d: dict[str, Any]) -> str:
    """What the paragraph proposes: the change the finding's reason states; else none for
    an artefact of the model (nothing in the text to change) or a trade-off the text
    states; else the candidate fix where it closes the finding; else that none does yet."""
    fix = d["fix"]
    closes = fix is not None and fix["verdict"] in ("holds", "witnessed")
    if d["change"]:
        return d["change"]
    if d["cls"] == MODEL_ARTEFACT:
        return ("none to the text: an artefact of the model (what the model leaves out, not "
                "what the text says); not for a contribution")
    if d["cls"] == TRADE_OFF:
        return "none: a trade-off the text states" + (
            f"; the alternative it offers avoids it ({fix['doc'].rstrip('.')})"
            if closes and fix["doc"] else "")
    if fix is not None and closes:
        words = fix["doc"].rstrip(".") if fix["doc"] else f"see the candidate fix {fix['variant']}"
        return (f"adopt the CR ({words})" if d["cls"] == CR_DEMONSTRATION else words)
    if fix is not None:
        return (f"none found yet that closes it: the candidate fix {fix['variant']} leaves "
                f"{d['prop']} {fix['verdict']}")
    if d["cls"] == GAP_IN_THE_TEXT:
        return "none found yet: the text must say what happens in this case"
    return "none yet; the text must say which reading it means"


def contribution(d: dict[str, Any]) -> str:
    """One paragraph a delegate can paste into a contribution: the observation, the
    scenario, the proposed change, and what it rests on. Built from the page's data."""
    b = d["basis"] or {}
    # the property in the model's words, never in quotation marks (only the spec is quoted)
    about = "; ".join(part for part in (
        f"in the model's words, {d['prop_doc']}" if d["prop_doc"] else "",
        f"after {d['prop_clause']}" if d["prop_clause"] else "") if part)
    choices = b.get("choices", "")
    if choices.endswith("whatever the choices"):  # say which choices, and where
        variant = (d.get("chart") or {}).get("variant", "the variant")
        choices = (choices.removesuffix("whatever the choices")
                   + f"under every choice {variant} explores ("
                   + ", ".join(b.get("explored", [])) + ")")
    # a gap that holds under some choices says why they cannot save the text
    outside = (f"; it holds only with {' or '.join(d['outside'])}, which the reason shows "
               "no reading of the text can choose" if d.get("outside") else "")
    observation = (f"Observation: {d['title'].rstrip('.')}. The model's property {d['prop']}"
                   + (f" ({about})" if about else "")
                   + (f" is {choices}" if choices else " fails")
                   + outside + f" ({d['cls']}).")
    # each step's head, without the clause the page quotes below
    steps = [step.split("  (")[0].rstrip() for step in d["scenario"]]
    scenario = ("Scenario: " + " ".join(steps).rstrip(".") + "." if steps else "")
    change = "Proposed change: " + proposed_change(d) + "."
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
    out += ["## For a contribution", ""]
    if d["cls"] == MODEL_ARTEFACT:
        # nothing of the text to cite: the paragraph would put the model's omission in a
        # delegate's mouth
        out += ["Not for a contribution: an artefact of the model (what the model leaves out, "
                "not what the text says). The finding becomes citable once the model has "
                "what it leaves out and the search still finds it.", ""]
    else:
        out += ["A paragraph to paste into a contribution (observation, scenario, proposed "
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
    charts = d["charts"]
    out += ["## Shortest chart" if len(charts) == 1 else "## Charts", ""]
    for k, chart in enumerate(charts, 1):
        under = (f" under {', '.join(chart['under'])}" if chart["under"] else "")
        if len(charts) > 1:
            # a declared chart says what it shows; the first is the finding's own
            out += [f"### {k}. {chart['prop']} in {chart['variant']}{under}", ""]
        if chart["says"]:
            out += [chart["says"], ""]
        if chart["title"] is None:
            out += [f"No trace: {chart['prop']} holds in {chart['variant']}{under}, or it was "
                    "not explored.", ""]
            continue
        if chart["under"] and len(charts) == 1:
            out += [f"The shortest run{under} (the readings this finding is charted under; "
                    "the class above is judged over every choice).", ""]
        # a link's words hold no brackets (the title's "[variant]" would break the link)
        more = "".join(f", [page {n}]({p})" for n, p in enumerate(chart["pages"], 2))
        out += [f"{chart['title']}: [SVG chart, {plural(chart['steps'], 'step')}]({chart['svg']}){more}",
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
        if b["forced_outside"]:
            # a clause the excerpts only refer to (10.8.x), SIP (RFC 3261), the fact sheet
            out.append("- **Forced by clauses outside the excerpts** (the clauses the text "
                       "refers to, SIP; see the fact sheet), not by the excerpts' own words:")
            out += [f"  - {w}" for w in b["forced_outside"]]
    else:
        out.append("Not explored in this run.")
    out += ["", "## Candidate fix", ""]
    fix = d["fix"]
    if fix is None:
        out.append("None declared.")
    else:
        out.append(f"`{fix['variant']}`: {d['prop']} {fix['verdict']} there "
                   f"([diff]({fix['diff']}))." + (f" {fix['doc']}" if fix["doc"] else ""))
        if fix["verdict"] not in ("holds", "witnessed", "not explored in this run"):
            # a delegate reads "fix" as "closes it": say plainly where it does not
            out += ["", f"**It does not close the finding**: {d['prop']} is {fix['verdict']} "
                        f"there{' (' + fix['choices'] + ')' if fix['choices'] else ''}; the "
                        "reason above says what is left open."]
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
