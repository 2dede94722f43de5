"""One page per reviewed finding (`diagrams/findings/<name>.md`, and a section of the HTML
report): what a delegate receives to judge it without the model open.

A page holds the finding in one sentence; where it is (model, property, variants) and
what the search found in each; the reviewed class and its reason, printed only as far as
the search agrees with it (a class the search contradicts says so; a finding the search no
longer finds says "no longer found"); the spec's sentences involved, quoted verbatim from
the spec files (spec/quotes.py) for every clause the shortest chart's transitions cite and
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
from ..spec.clauses import parse_ref
from ..spec.quotes import SpecText, cr_of, find_sentences, sentences
from .chart_layout import chart_pages
from .charts import mermaid, run_values, step_clause, verdict_chart
from .contribution import _parentheses, gap_case, model_names, model_words_in, stage2_steps
from .diff import diff
from .diff_model import Side, baseline_of
from .diff_words import change_rows
from .report import choice_words, finding_class, gap_beside_outside_readings, gap_line
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


# -- the page in the text's words (issue 56 item 4: a page a delegate reads in five minutes) --

TITLE_WORDS = 20  # a page's title: one claim a delegate takes in at a glance
PASTE_WORDS = 200  # the paragraph to paste: what a contribution's discussion can hold
_WORD = re.compile(r"[\w'’@.-]*\w")
# A reviewer's quotation of the text in a finding's words: 'if the group contains ...'
# (not an apostrophe: "user's", "users' IDs").
_QUOTED = re.compile(r"(?<![\w'’])'([^']*?[^\s'])'(?![\w’])")


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def _split_top(text: str) -> list[str]:
    """A sentence cut at ", ", "; " and ": " outside parentheses, separators kept at odd
    indices (a parenthesis is never cut in two)."""
    parts, depth, start, k = [], 0, 0, 0
    while k < len(text):
        ch = text[k]
        depth += (ch == "(") - (ch == ")")
        if depth == 0 and ch in ",;:" and text[k + 1:k + 2] == " ":
            parts += [text[start:k], text[k:k + 2]]
            start = k = k + 2
            continue
        k += 1
    return parts + [text[start:]]


def _tidy(text: str) -> str:
    text = re.sub(r"\s+([,.;:)])", r"\1", text)
    text = re.sub(r"\(\s+", "(", text)
    return re.sub(r"\s{2,}", " ", text).strip()


def plain(text: str, names: set[str]) -> tuple[str, list[str]]:
    """(the text in the spec's vocabulary, the pieces of it in the modeller's words): a
    parenthesis that holds a parameter choice ("registered_and_notified=deliver"), a
    variant, assumption or property name goes, then the part of a sentence between commas,
    semicolons or colons that still holds one. What goes is returned, for the modeller's
    block, so the page loses nothing and says nothing twice."""
    removed: list[str] = []
    changed = True
    while changed:
        changed = False
        for start, end in sorted(_parentheses(text), reverse=True):
            if model_words_in(text[start:end], names):
                removed.append(text[start + 1:end - 1].strip())
                text = text[:start].rstrip() + text[end:]
                changed = True
                break
    out = []
    for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text):
        parts = _split_top(sentence)
        kept: list[str] = []
        dropped = False
        for k in range(0, len(parts), 2):
            # a part that leans on the one just dropped ("..., so there it fails") goes too
            if model_words_in(parts[k], names) or (dropped and re.match(
                    r"\s*(so|and|but|which|whereas|then|there)\b", parts[k])):
                removed.append(parts[k].strip().rstrip("."))
                dropped = True
                continue
            dropped = False
            if kept:
                kept.append(parts[k - 1])
            kept.append(parts[k])
        words = _tidy("".join(kept)).rstrip(",;:")
        if not word_count(words):
            continue
        if sentence.rstrip().endswith(".") and not words.endswith("."):
            words += "."
        out.append(words[:1].upper() + words[1:])
    return _tidy(" ".join(out)), [r for r in removed if r]


def _no_parentheses(text: str) -> str:
    while spans := _parentheses(text):
        start, end = spans[-1]
        text = text[:start].rstrip() + text[end:]
    return _tidy(text)


def short_title(title: str, names: set[str]) -> str:
    """The page's title: the finding's title in the text's words, cut mechanically to one
    claim of at most TITLE_WORDS words where it is longer: its parentheses go (what they
    add is in the paragraph below), then what follows its first colon or semicolon (the
    claim comes first in every declared title). A title still longer is left so (the
    budget test names it: its `title=` needs rewriting, not cutting mid-claim)."""
    words, _ = plain(title, names)
    words = words.rstrip(" .")
    if word_count(words) <= TITLE_WORDS:
        return words
    words = _no_parentheses(words).rstrip(" .")
    if word_count(words) > TITLE_WORDS:
        head = re.split(r"[:;] ", words, maxsplit=1)[0]
        if 5 <= word_count(head) < word_count(words):
            words = head
    return words.rstrip(" .,")


def quoted_fragments(*texts: str) -> list[str]:
    """The text's own words a finding quotes ('will contain', 'de-authorizes')."""
    return list(dict.fromkeys(m.group(1).strip(" .,") for t in texts for m in _QUOTED.finditer(t)))


_STOP = frozenset(
    "the a an of to and or in on at by for with from is are be been it its that this which "
    "as not no any all if when while then than so there their they them what who whose "
    "was were has have had can could may might will would shall should does did do one "
    "two only also each other such into out up new old mc service system user client id "
    "ids step".split())


def _content(text: str) -> set[str]:
    return {w.lower().rstrip("s") for w in re.findall(r"[A-Za-z][A-Za-z-]+", text)
            if len(w) > 2 and w.lower() not in _STOP}


def narrow(text: str, fragments: list[str], hint: str, keep: int = 2) -> tuple[str, int]:
    """(the one or two sentences of a cited piece that matter, how many the piece has):
    those holding words the finding quotes from it; else the sentence sharing most words
    with `hint` (the finding's words, or the step's that cites it), and the next best
    where it shares nearly as many. A piece of `keep` sentences or fewer is kept whole."""
    said = sentences(text)
    if len(said) <= keep:
        return text, len(said)
    picked = [x for x in said if any(f in x for f in fragments)]
    if not picked:
        want = _content(hint)
        score = {x: len(_content(x) & want) / (1 + len(_content(x))) ** 0.5 for x in said}
        ranked = sorted(said, key=lambda x: -score[x])
        picked = ranked[:1] + [x for x in ranked[1:2] if score[x] >= 0.8 * score[ranked[0]] > 0]
    picked = [x for x in said if x in picked][:keep]
    return "\n".join(picked), len(said)


def _steps_words(by: list[str]) -> str:
    """"the finding, step 1, step 2, step 3, step 7" -> "the finding, steps 1-3, 7"."""
    numbers = [int(b.split()[1]) for b in by if re.fullmatch(r"step \d+", b)]
    others = [b for b in by if not re.fullmatch(r"step \d+", b)]
    runs: list[str] = []
    for n in numbers:
        if runs and "-" not in runs[-1].split(",")[-1] and int(runs[-1]) == n - 1:
            runs[-1] = f"{runs[-1]}-{n}"
        elif runs and "-" in runs[-1] and int(runs[-1].split("-")[1]) == n - 1:
            runs[-1] = f"{runs[-1].split('-')[0]}-{n}"
        else:
            runs.append(str(n))
    if runs:
        others.append(("steps " if len(numbers) > 1 else "step ") + ", ".join(runs))
    return ", ".join(others)


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
        found.append({"variant": variant, "class": class_line(f, variant, r),
                      # the same, the reason left to the page's own statement of it
                      "modeller": class_line(dataclasses.replace(
                          f, why="the reason: see the page"), variant, r)})
    # What the finding declares and what the property cites come first, then the chart's.
    cited: list[tuple[str, str]] = [(c, "the finding") for c in f.clauses]
    if v is not None and v.property.clause:
        cited.append((v.property.clause, "the property"))
    chart: dict[str, Any] | None = drawn[0] if drawn[0]["title"] is not None else None
    hints: dict[str, str] = {}  # what each step does: the words that pick its sentence
    basis: dict[str, Any] = {}
    if result is not None and v is not None:
        system = result.system
        if chart_verdict is not None and chart_verdict.trace is not None:
            for k, key in enumerate(chart_verdict.trace.steps, 1):
                clause = step_clause(chart_result.system, key)
                if clause:
                    cited.append((clause, f"step {k}"))
                    hints[f"step {k}"] = chart_result.system.instance(
                        key.actor).role.transition(key.transition).words
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
    names = model_names(model, [r.system for r in results.values()])
    # what picks a long piece's sentences: the finding's claim, its reading and its
    # property (its reason argues more widely, and would pick the clause's every sentence)
    first_block, other_block = _narrowed(spec, f, cited, hints, " ".join(
        (f.title, f.reading, v.property.doc if v is not None else "")), facts)
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
            "under_review": f.cls == UNDER_REVIEW, "choice": f.cls == CHOICE,
            # the page as a delegate reads it (issue 56 item 4): a short title, the one or
            # two sentences of each cited piece that matter, the model's words apart
            "short_title": short_title(f.title or f.name, names), "names": sorted(names),
            "quotes_first": first_block, "quotes_other": other_block,
            "stage2": (stage2_steps(chart_result.system, chart_verdict.trace, names)
                       if chart_verdict is not None and chart_verdict.trace is not None
                       else ([], []))}


def finding_files(lm: LoadedModel, f: Finding, results: dict[str, Result],
                  spec: SpecText | None, search: Search = search_under
                  ) -> tuple[list[str], list[str]]:
    """(the spec files whose sentences the finding turns on, the files its chart's other
    steps cite), by name: what the index by CR and spec file lists (the page's two blocks
    of quotes, without drawing its charts)."""
    if spec is None:
        return [], []
    v = _verdict(results.get(f.variants[0]), f.prop)
    cited: list[tuple[str, str]] = [(c, "the finding") for c in f.clauses]
    if v is not None and v.property.clause:
        cited.append((v.property.clause, "the property"))
    main = finding_charts(lm, f, results, search)[0]
    if main["verdict"] is not None and main["verdict"].trace is not None:
        for k, key in enumerate(main["verdict"].trace.steps, 1):
            if clause := step_clause(main["result"].system, key):
                cited.append((clause, f"step {k}"))
    first, other = _narrowed(spec, f, cited, {}, "", [])
    files = [sorted({name for q in block if q["text"] for name in q["files"]})
             for block in (first, other)]
    return files[0], [name for name in files[1] if name not in files[0]]


def _mentioned(clause: str, *texts: str) -> bool:
    return any(re.search(rf"(?<![\w.]){re.escape(clause)}(?![\w]|\.\d)", t) for t in texts)


def _narrowed(spec: SpecText | None, f: Finding, cited: list[tuple[str, str]],
              hints: dict[str, str], hint: str, facts: list[Fact]
              ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(the first block: the sentences the finding turns on, from what the finding and its
    property cite and the text's words its reason quotes; the block of what the chart's
    other steps cite), each piece cut to its one or two sentences that matter (X.1.6 is
    three paragraphs; a finding means one sentence of it)."""
    if spec is None:
        return [], []
    fragments = quoted_fragments(f.title, f.reading, f.why)
    blocks: tuple[dict[tuple[str, str], dict[str, Any]], ...] = ({}, {})

    def add(block: int, where: str, file: str, text: str, by: str, total: int,
            missing: str = "") -> None:
        if block and text and all(any(x in e["text"] and file in e["files"]
                                      for e in blocks[0].values()) for x in sentences(text)):
            return  # the first block quotes it already
        same = next((e for e in blocks[0].values() if e["where"] == where and file in e["files"]),
                    None) if not block and by != "the reviewer's reason" else None
        if same is not None:  # one piece, one narrowing: the first citer's
            if by not in same["cited_by"]:
                same["cited_by"].append(by)
            return
        e = blocks[block].setdefault((where, text or file), {
            "where": where, "files": [], "crs": [], "text": text, "cited_by": [],
            "sentences": total, "missing": missing})
        if file and file not in e["files"]:
            e["files"].append(file)
            e["crs"].append(cr_of(spec, file))
        if by not in e["cited_by"]:
            e["cited_by"].append(by)

    def cite(block: int, citation: str, by: str, words: str) -> None:
        for part in citation.split(";"):
            paren = " ".join(re.findall(r"\(([^()]*)\)", part))
            for q in spec.quotes(part):
                if not q.text:
                    add(block, q.where, q.file, "", by, 0,
                        _missing(spec, q.where, [q.file] if q.file else [], facts))
                    continue
                text, total = narrow(q.text, fragments, f"{words} {paren}")
                add(block, q.where, q.file, text, by, total)

    own = [(c, by) for c, by in cited if by in ("the finding", "the property")]
    for c, by in own:
        if by == "the finding":
            cite(0, c, by, hint)
    texts = (f.title, f.reading, f.why)
    for fragment in fragments:  # the sentence the reviewer quotes, where no citation holds it
        hits = find_sentences(spec, fragment)
        if len({h.where for h in hits}) > 1:
            hits = [h for h in hits if _mentioned(h.where.split()[0], *texts)]
        for h in hits:
            if not any(h.text in e["text"] for e in blocks[0].values()):
                add(0, h.where, h.file, h.text, "the reviewer's reason", 1)
    for c, by in own:
        if by == "the property":
            cite(0, c, by, hint)
    for c, by in cited:
        if by not in ("the finding", "the property"):
            cite(1, c, by, hints.get(by, ""))
    located = {e["where"] for b in blocks for e in b.values() if e["text"]}
    first, other = ([e for e in b.values() if e["text"] or e["where"] not in located]
                    for b in blocks)
    # one heading per piece of the text: what several steps cite of X.1.6 (each its own
    # sentence) is quoted together, the sentences in the text's order
    merged: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = {}
    for e in other:
        m = merged.setdefault((e["where"], tuple(e["files"])), {**e, "cited_by": []})
        if m is not e and e["text"]:
            source = e["files"][0].split("_")[0] if e["files"] else ""
            m["text"] = "\n".join(sorted(dict.fromkeys(sentences(m["text"]) + sentences(
                e["text"])), key=lambda x: spec.position(source, x) if source else -1))
        m["cited_by"] += [b for b in e["cited_by"] if b not in m["cited_by"]]
    for m in merged.values():
        m["cited_by"].sort(key=lambda b: (not b.startswith("step "), int(b.split()[1])
                                          if b.startswith("step ") else 0))
    return first, list(merged.values())


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


def _lower(text: str) -> str:
    """A sentence's first letter in lower case, to follow a colon (not an acronym's)."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _scenario(d: dict[str, Any], room: int) -> str:
    """The chart's run as numbered stage-2 steps in the text's words, in at most `room`
    words: every step whole where they fit; else each step without what it sends but the
    last (whose message is often what fails); else the first step and the last two; else a
    pointer to the chart."""
    start, steps = d.get("stage2") or ([], [])
    if not steps:
        return ""
    numbered = [f"{k}. {x}" for k, x in enumerate(steps, 1)]
    lean = [re.sub(r", and sends .*$", ".", x) for x in numbered[:-1]] + numbered[-1:]
    tries = [[*start, *numbered], [*start, *lean]]
    if len(steps) > 3:
        tries.append([*start, lean[0], "...", *lean[-2:]])
    for t in tries:
        text = "Scenario: " + " ".join(t)
        if word_count(text) <= room:
            return text
    return (f"Scenario: the shortest run takes {plural(len(steps), 'step')} (the chart below); "
            f"in the last, {_lower(steps[-1])}") if word_count(steps[-1]) + 12 <= room else (
        f"Scenario: the chart below, {plural(len(steps), 'step')}.")


def paste(d: dict[str, Any]) -> tuple[str, bool]:
    """(the paragraph a delegate pastes into a contribution, whether it says the reading
    the finding turns on): in the text's vocabulary and at most PASTE_WORDS words, the
    observation (the finding's claim), the reading, the scenario (the chart's steps, told
    in the text's names) and the proposed change. No parameter choice, variant, assumption
    or property name: those are the modeller's (the folded block), and a meeting does not
    know them. What does not fit gives way in turn: the scenario's detail, the claim's
    parentheses (the title's short form), then the reading (the page says it apart)."""
    names = set(d.get("names", []))
    full = plain(d["title"], names)[0].rstrip(".")
    short = d.get("short_title") or full
    reading = plain(d["reading"], names)[0].rstrip(".") if d["reading"] else ""
    if reading and d["cls"] == GAP_IN_THE_TEXT:  # a gap's "reading" says none saves it
        turn = f"The text has no step for it: {_lower(gap_case(reading))}."
    else:
        turn = f"It turns on this: {_lower(reading)}." if reading else ""
    change = "Proposed change: " + plain(proposed_change(d), names)[0].rstrip(".") + "."
    best = ""
    for claim, with_reading in ((full, True), (short, True), (short, False)):
        parts = [f"Observation: {claim}."] + ([turn] if with_reading and turn else [])
        room = PASTE_WORDS - word_count(" ".join(parts + [change]))
        scenario = _scenario(d, room)
        best = " ".join(parts + ([scenario] if scenario else []) + [change])
        if word_count(best) <= PASTE_WORDS:
            return best, with_reading
    return best, False


def contribution(d: dict[str, Any]) -> str:
    """The paragraph to paste (see `paste`)."""
    return paste(d)[0]


def _search_words(d: dict[str, Any]) -> str:
    """Whether the exhaustive search bears the reviewed class out, in words."""
    n = len(d["found"])
    held = sum(1 for r in d["found"] if r["class"].startswith(d["cls"]))
    where = "the one configuration named" if n == 1 else f"all {n} configurations named"
    if d["cls"] == UNDER_REVIEW:
        return "not classed yet by a reviewer"
    if held == n:
        return f"which the exhaustive search bears out in {where}"
    return (f"which the exhaustive search bears out in {held} of the {n} configurations it "
            "names (the modeller's notes below say where not)")


def _quote_head(q: dict[str, Any], short: bool = False) -> str:
    """A quote's heading: the clause, the CR or excerpt file it is from, and how much of
    the piece it is ("1 of 11 sentences": the rest is the clause's, not the finding's)."""
    # the source matters where two files give a clause differently (CR 000 and CR 001's
    # 10.16.5.3); the other block names only a CR's
    files = ", ".join(f"CR {cr}" if cr else f"file {name.split('_')[0]}"
                      for name, cr in zip(q["files"], q.get("crs") or [""] * len(q["files"]))
                      if cr or short)
    part = ""
    if short and q["text"] and q.get("sentences", 0) > len(sentences(q["text"])):
        part = f"; {len(sentences(q['text']))} of its {q['sentences']} sentences"
    if short:
        return f"**{q['where']}** ({files or 'no spec file lists it'}{part}):"
    return f"**{q['where']}** ({'; '.join(x for x in (files, _steps_words(q['cited_by'])) if x)}):"


def _quotes_md(quotes: list[dict[str, Any]], short: bool = False) -> list[str]:
    out: list[str] = []
    for q in quotes:
        out += [_quote_head(q, short), ""]
        # one sentence a line, each verbatim; a ">" line between two that are not adjacent
        out += _quote_lines(q["text"]) if q["text"] else [f"*{q['missing']}*"]
        out.append("")
    return out


def _modeller(d: dict[str, Any], leftovers: list[str]) -> list[str]:
    """The modeller's vocabulary in one folded block: names, readings as param=value,
    variants, what each verdict rests on, the fix's variant and the verdicts it flips."""
    out = ["<details><summary>For the modeller</summary>", "",
           f"- **Finding**: `{d['name']}` in {d['model']} ([verdicts of every "
           f"variant](../{d['model']}/verdicts.md))",
           f"- **Property**: `{d['prop']}`" + (f": {d['prop_doc']}" if d["prop_doc"] else "")
           + (f" ({d['prop_clause']})" if d["prop_clause"] else ""),
           f"- **Variants**: {', '.join(d['variants'])}"]
    if leftovers:
        # what the page's words leave out of the title, reading and reason: the model's
        # own words, said here once (the reason whole is in the findings table)
        out.append("- **In the model's words** (left out above; the reason whole is in "
                   "[the findings table](../findings.md)): " + "; ".join(
                       f"*{x}*" for x in dict.fromkeys(leftovers)))
    out += ["- **Class per variant**:"]
    out += [f"  - {r['variant']}: {r['modeller']}" for r in d["found"]]
    for k, chart in enumerate(d["charts"], 1):
        if chart["title"] is not None:
            out.append(f"- **Chart {k}**: {chart['title']}")
    b = d["basis"]
    out += ["", "**What the verdict rests on**", ""]
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
            out.append("- **Forced by clauses outside the excerpts** (the clauses the text "
                       "refers to, SIP; see the fact sheet), not by the excerpts' own words:")
            out += [f"  - {w}" for w in b["forced_outside"]]
    else:
        out.append("Not explored in this run.")
    fix = d["fix"]
    out += ["", "**Candidate fix**", ""]
    if fix is None:
        out.append("None declared.")
    else:
        out.append(f"`{fix['variant']}`: {d['prop']} {fix['verdict']} there"
                   + (f" ({fix['choices']})" if fix["choices"] and fix["verdict"] not in
                      ("holds", "witnessed") else "") + f" ([diff]({fix['diff']})).")
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
    return out + ["", "</details>", ""]


def finding_markdown(d: dict[str, Any]) -> str:
    """A finding's page, for a delegate first: a title of one claim, the sentences it turns
    on, the finding in a paragraph to paste, why it is classed so, the chart, the fix; the
    modeller's vocabulary (readings as param=value, variants, assumptions, properties) in
    one folded block at the end. Each thing is said once."""
    names = set(d.get("names", []))
    leftovers: list[str] = []

    def words(text: str) -> str:
        kept, gone = plain(text, names)
        leftovers.extend(gone)
        return kept

    title = d.get("short_title") or d["title"]
    out = [f"# {title}", "",
           f"*{d['cls']}*, {_search_words(d)}. [All findings](../findings.md); generated by "
           "`mcfsm diagram` (do not edit by hand).", "",
           "## The text it turns on", ""]
    if not d["spec"]:
        out += ["No clause list (clauses.txt) beside the models: the spec text is not quoted.", ""]
    elif not d["quotes_first"]:
        out += ["The finding and its property cite no sentence of the spec text.", ""]
    out += _quotes_md(d["quotes_first"], short=True)
    if d["cls"] == MODEL_ARTEFACT:
        # nothing of the text to cite: a paragraph would put the model's omission in a
        # delegate's mouth
        full = words(d["title"]).rstrip(".")
        out += ["## The finding", ""] + ([full + ".", ""] if full != title else [])
        if d["reading"]:
            out += ["It turns on this: " + _lower(words(d["reading"]).rstrip(".")) + ".", ""]
        out += ["Not for a contribution: an artefact of the model (what the model leaves "
                "out, not what the text says). The finding becomes citable once the model has "
                "what it leaves out and the search still finds it.", ""]
    else:
        words(d["title"])
        paragraph, said = paste(d)
        reading = words(d["reading"]).rstrip(".") if d["reading"] else ""
        out += ["## The finding, in a paragraph to paste", "",
                "In the text's words, fenced so that it is not taken for the spec's:", "",
                "```text", paragraph, "```", ""]
        if reading and not said:  # too long for the paragraph: said here, once
            out += [f"It turns on this: {_lower(reading)}.", ""]
    out += ["## Why it is classed so", "", f"**{d['cls']}**: " + words(d["why"]).rstrip(".")
            + ".", ""]
    if d["facts"]:
        # the clauses the excerpts point to, in our words (they are not quoted: only the
        # excerpts are), and how each bears on the reading the finding needs
        out += ["## What the clauses around the excerpts say", ""]
        out += [f"- {words(w)}" for w in d["facts"]] + [""]
    charts = d["charts"]
    out += ["## Shortest chart" if len(charts) == 1 else "## Charts", ""]
    for k, chart in enumerate(charts, 1):
        if len(charts) > 1:
            out += [f"### Chart {k}", ""]
        if chart["says"]:
            out += [words(chart["says"]), ""]
        if chart["title"] is None:
            out += ["No trace: the property holds in this configuration, or it was not "
                    "explored.", ""]
            continue
        if chart["under"] and len(charts) == 1:
            out += ["Drawn under one reading (see the modeller's notes); the class is judged "
                    "over them all.", ""]
        more = "".join(f", [page {n}]({p})" for n, p in enumerate(chart["pages"], 2))
        out += [f"[The chart, {plural(chart['steps'], 'step')} (SVG)]({chart['svg']}){more}", "",
                "```mermaid", chart["mermaid"].rstrip(), "```", ""]
    out += ["## Candidate fix", ""]
    fix = d["fix"]
    if fix is None:
        out += ["None declared.", ""]
    else:
        doc = words(fix["doc"]).rstrip(".") if fix["doc"] else "a change of the text"
        closes = fix["verdict"] in ("holds", "witnessed")
        out += [_lower(doc)[:1].upper() + _lower(doc)[1:] + "."
                + (" With it, the case no longer fails." if closes else ""), ""]
        if fix["verdict"] not in ("holds", "witnessed", "not explored in this run"):
            # a delegate reads "fix" as "closes it": say plainly where it does not
            out += ["**It does not close the finding**: the case still fails in some runs.", ""]
    if d["quotes_other"]:
        n = len(d["quotes_other"])
        out += ["<details><summary>The text the chart's other steps cite "
                f"({n} passage{'s' if n != 1 else ''})</summary>", ""]
        out += _quotes_md(d["quotes_other"])
        out += ["</details>", ""]
    out += _modeller(d, leftovers)
    return "\n".join(out).rstrip("\n") + "\n"
