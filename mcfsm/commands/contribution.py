"""`mcfsm contribution`: a finding's discussion paper and draft CR, as .docx, from the
finding's page data (show/finding_pages.py), its fix's changed sentence
(models/fix_sentences.toml, show/fix_text.py) and its shortest chart."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import click

from ..errors import UsageError
from ..lang.findings import Finding, Joint
from ..lang.loader import LoadedModel, load_path
from .common import budget, budget_options, check_output_dir, exit_help, guarded, spec_option
from .runs import VariantRuns

HELP = ("Write FINDING's contribution into --out: a discussion paper in the shape of a 3GPP "
        "tdoc (FINDING-discussion.docx: introduction; discussion with the scenario as "
        "numbered stage-2 steps in the text's words and its sequence chart as a figure; "
        "proposal) and a draft CR in the CR form (FINDING-cr.docx: the cover page, then the "
        "changed clause with Word revision marks from the published sentence to the one "
        "the finding's fix declares in fix_sentences.toml beside the models).\n\n"
        "FINDING is a name declared with model.finding(...) (each page under "
        "diagrams/findings/ gives it); it needs a fix=... variant whose sentence "
        "fix_sentences.toml gives. The documents hold placeholders in angle brackets "
        "(<tdoc number>, <CR number>, <current version: ...>) for what the model cannot "
        "know.\n\n"
        + exit_help("the documents were written from exhaustive searches",
                    "(not used: the finding's verdicts are written, not judged)"))


def find_finding(loaded: list[LoadedModel], name: str) -> tuple[LoadedModel, Finding]:
    for lm in loaded:
        if name in lm.model.findings:
            return lm, lm.model.findings[name]
    known = sorted(n for lm in loaded for n, f in lm.model.findings.items() if f.fix)
    raise UsageError(f"finding {name!r} is not declared by the models at "
                     f"{', '.join(str(lm.path) for lm in loaded)}; findings with a fix: "
                     f"{', '.join(known)}")


@click.command(name="contribution", help=HELP)
@click.argument("finding", required=False)
@click.option("--all", "every", is_flag=True,
              help="Every finding of the models: each gets the document its class calls for "
                   "(or none, saying why), and --out gets INDEX.md listing them.")
@click.option("--models", "models", type=click.Path(path_type=Path), default=Path("models"),
              show_default=True, help="The model file or folder that declares FINDING.")
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Folder to write the .docx files into (made if missing).")
@click.option("--source", default="<source company>", show_default=True,
              help="The Source line of the documents.")
@click.option("--author", default="<author>", show_default=True,
              help="Who the CR's revision marks are by (a delegate's name or company).")
@click.option("--force", is_flag=True,
              help="Overwrite documents already in --out (without it they are refused, "
                   "named, before any search: a delegate may have edited them).")
@click.option("--write-incomplete", is_flag=True,
              help="Write the documents of a finding whose search a budget cut (their "
                   "scenario is then the shortest the cut search found); without it such a "
                   "finding gets none, and the command says which and exits 3.")
@budget_options
@spec_option
@guarded
def contribution(finding: str | None, every: bool, models: Path, out: Path, source: str,
                 author: str, force: bool, write_incomplete: bool, max_states: int | None,
                 max_depth: int | None, time_limit: float | None) -> None:
    from ..show.contribution_index import index_markdown

    if every == bool(finding):
        raise UsageError("give one FINDING, or --all for every finding of the models")
    check_output_dir(out, "--out")
    loaded = load_path(models)
    runs = VariantRuns(budget(max_states, max_depth, time_limit))
    runs.write_incomplete = write_incomplete
    if not every:
        lm, f = find_finding(loaded, finding or "")
        _refuse_overwriting(out, _documents(lm, f), force)
        record = _one(lm, f, out, source, author, runs, strict=True)
        runs.finish(record["said"] or None, record.get("cut_words") or
                    "the scenario is the shortest one the cut search found")
        return
    _refuse_overwriting(out, ["INDEX.md", *(name for lm in loaded for f in
                                            lm.model.findings.values()
                                            for name in _documents(lm, f))], force)
    records: list[dict[str, Any]] = []
    roots: dict[tuple[Any, ...], dict[str, Any]] = {}
    for lm in loaded:
        for f in lm.model.findings.values():
            records.append(_one(lm, f, out, source, author, runs, strict=False, roots=roots))
    out.mkdir(parents=True, exist_ok=True)  # also when no finding got a document
    (out / "INDEX.md").write_text(index_markdown(records), encoding="utf-8")
    written = {tuple(r["files"]) for r in records if r["files"]}
    held = [r["finding"] for r in records if r.get("cut_words")]
    runs.finish(f"wrote {len(written)} contribution(s) for {len(records)} findings under {out} "
                f"(index: {out / 'INDEX.md'})",
                f"no document written for {', '.join(held)} (pass --write-incomplete to write "
                "them from the cut searches)" if held else
                "the scenarios are the shortest ones the cut searches found")


def _documents(lm: LoadedModel, f: Finding) -> list[str]:
    """The .docx files a finding's contribution may write (its joint contribution's)."""
    joint = lm.model.joint_of(f.name)
    stem = joint.name if joint is not None else f.name
    return [f"{stem}-discussion.docx", f"{stem}-cr.docx"]


def _refuse_overwriting(out: Path, names: list[str], force: bool) -> None:
    """Refuse, before any search, to write over documents already in `out` (or anything
    else by their names: a link, a folder) unless --force."""
    there = [n for n in dict.fromkeys(names) if os.path.lexists(out / n)]
    if not there or force:
        return
    shown = ", ".join(str(out / n) for n in there[:5])
    more = f" and {len(there) - 5} more" if len(there) > 5 else ""
    raise UsageError(f"--out {out}: {shown}{more} already exist{'s' * (len(there) == 1)}; "
                     "the documents are not overwritten (a delegate may have edited them)",
                     fix="pass --force to overwrite them, or choose another --out")


def _one(lm: LoadedModel, f: Finding, out: Path, source: str, author: str, runs: VariantRuns,
         strict: bool, roots: dict[tuple[Any, ...], dict[str, Any]] | None = None
         ) -> dict[str, Any]:
    """One finding's documents, as its class calls for (show/contribution.py document_for);
    the record the index lists. `strict`: a finding that gets none is an error (one FINDING
    asked for) rather than a row of the index. A finding with others of one root
    (Model.one_contribution) is answered by their joint document."""
    from ..show.tdoc import write_cr, write_paper

    joint = lm.model.joint_of(f.name)
    if joint is not None:
        return _joint(lm, joint, f, out, source, author, runs, roots)
    prepared = _prepare(lm, f, out, source, runs, strict, roots)
    if isinstance(prepared, dict):
        return prepared
    record, p = prepared
    paper = out / f"{f.name}-discussion.docx"
    write_paper(p["doc"].paper, p["figures"], p["figure_title"], paper, p["reading_figures"])
    record["files"].append(paper.name)
    said = (f"wrote {paper} ({len(p['doc'].paper['steps'])} steps, {len(p['figures'])} figure "
            "page(s))")
    if record["document"] == p["cr_kind"]:
        cr = out / f"{f.name}-cr.docx"
        marks = write_cr(p["doc"].cr, cr, author=author)
        record["files"].append(cr.name)
        said += f" and {cr} ({marks} revision marks in {p['doc'].cr['clauses']})"
    record["said"] = said
    return record


def _joint(lm: LoadedModel, joint: Joint, f: Finding, out: Path, source: str, author: str,
           runs: VariantRuns, roots: dict[tuple[Any, ...], dict[str, Any]] | None
           ) -> dict[str, Any]:
    """The one paper and CR of findings with one root: each finding prepared as its own
    question with the joint change (`joint.fix`'s sentences, re-checked on that variant),
    composed into one document (show/contribution.py joint_contribution)."""
    from ..show.contribution import JOINT, TS, joint_contribution
    from ..show.tdoc import write_cr, write_joint_paper

    record: dict[str, Any] = {"finding": f.name, "model": lm.model.name, "class": f.cls,
                              "document": JOINT, "why": joint.why, "files": [],
                              "published": [], "changed": [], "said": ""}
    key = ("joint", lm.model.name, joint.name)
    if roots is not None and key in roots:
        first = roots[key]
        record.update(files=first["files"], document=f"{JOINT}: {joint.name}",
                      why=f"answered with {first['finding']} by one contribution, "
                          f"{joint.name}: {joint.why}")
        first.setdefault("also", []).append(f.name)
        record["published"], record["changed"] = first["outcomes"][f.name]
        return record
    cases, charts = [], []
    outcomes: dict[str, tuple[list, list]] = {}
    for name in joint.findings:
        member = dataclasses.replace(lm.model.findings[name], fix=joint.fix)
        prepared = _prepare(lm, member, out, source, runs, True, None,
                            stem=f"{joint.name}-case{len(cases) + 1}")
        if isinstance(prepared, dict):  # strict: only a search a budget cut gets here
            # (its words name the joint documents: _documents goes by the joint)
            return record | {k: prepared[k] for k in ("document", "why", "cut_words")}
        member_record, p = prepared
        outcomes[name] = (member_record["published"], member_record["changed"])
        cases.append((member, p["doc"], p["checked"]))
        charts.append((p["figures"], f"The scenario of case {len(cases)} as a sequence chart "
                       f"({TS} clause {p['where']})", p["reading_figures"]))
    paper, cr = joint_contribution(cases[0][2].title or joint.name, joint.why, cases,
                                   p["changes"], p["names"], source)
    paper_path = out / f"{joint.name}-discussion.docx"
    write_joint_paper(paper, charts, paper_path)
    cr_path = out / f"{joint.name}-cr.docx"
    marks = write_cr(cr, cr_path, author=author)
    record["files"] = [paper_path.name, cr_path.name]
    record["document"] = f"{JOINT}: {joint.name}"
    others = ", ".join(n for n in joint.findings if n != f.name)
    record["why"] = f"one contribution with {others}: {joint.why}"
    record["said"] = (f"wrote {paper_path} ({len(cases)} cases: {', '.join(joint.findings)}) "
                      f"and {cr_path} ({marks} revision marks in {cr['clauses']})")
    record["published"], record["changed"] = outcomes[f.name]
    record["outcomes"] = outcomes  # for the other findings' rows of the index
    if roots is not None:
        roots[key] = record
    return record


def _prepare(lm: LoadedModel, f: Finding, out: Path, source: str, runs: VariantRuns,
             strict: bool, roots: dict[tuple[Any, ...], dict[str, Any]] | None,
             stem: str = "") -> dict[str, Any] | tuple[dict[str, Any], dict[str, Any]]:
    """Everything a finding's documents say, checked: the record alone where it gets no
    document of its own (none, or another's same change), else (record, the pieces: the
    composed words, what was checked, the change, the charts drawn under `stem`)."""
    from ..show.charts import verdict_chart
    from ..show.contribution import (
        CR_DOCUMENT,
        NO_DOCUMENT,
        QUESTION,
        TS,
        Checked,
        _lower,
        build,
        change_as_worded,
        document_for,
        failing_readings,
        model_names,
        outcome_per_reading,
        pinned_readings,
        reading_words,
        titled_chart,
    )
    from ..show.diff_model import baseline_of
    from ..show.finding_pages import finding_charts, finding_data, search_under
    from ..show.fix_text import chained, entries, fix_changes, load_declared, sentences_file
    from ..show.tdoc import chart_png
    from ..spec.quotes import SpecText

    stem = stem or f.name
    model = lm.model
    sentences = sentences_file(lm.path)
    declared = bool(f.fix and load_declared(sentences).get(model.name, {}).get(f.fix))
    kind, why = document_for(f, declared)
    record: dict[str, Any] = {"finding": f.name, "model": model.name, "class": f.cls,
                              "document": kind, "why": why, "files": [], "published": [],
                              "changed": [], "said": ""}
    if kind == NO_DOCUMENT:
        if strict:
            raise UsageError(f"finding {f.name!r} gets no contribution: {why} (reclass it in "
                             "its model.finding(...) if a review says otherwise)")
        return record
    clauses = lm.path.parent / "clauses.txt"
    if not clauses.is_file():
        raise UsageError(f"no clause list at {clauses}: the contribution quotes the spec text "
                         "through it; write one (see models/clauses.txt)")
    spec = SpecText(clauses)
    # the change as checked: the fix's own sentences and those of every declared change it
    # is built on (its baseline chain), so that the CR proposes what the variant does
    # (a change request under discussion, a cr_* variant whose sentence the spec files
    # hold, is what the contribution builds on, never part of what it proposes)
    changes = []
    variant = f.fix if declared else ""
    while variant and not variant.startswith("cr_") and \
            load_declared(sentences).get(model.name, {}).get(variant):
        changes[:0] = fix_changes(spec, sentences, model.name, variant)
        variant = model.variants[variant].baseline
    changes = chained(changes)
    # made to a CR under discussion: the chain ends at one, or a change cites its draft
    builds_on_cr = variant.startswith("cr_") or any(c.clause.startswith("CR ") for c in changes)
    # one root, one contribution: a finding whose change (as worded) another finding's
    # document already proposes is answered by that document
    root = (kind, tuple((c.clause, c.changed) for c in changes))
    if roots is not None and changes and root in roots:
        first = roots[root]
        record.update(document=f"the same change as {first['finding']}", files=first["files"],
                      why=f"its change, as worded, is the one {first['finding']}'s "
                          "document proposes: one root, one contribution")
        first.setdefault("also", []).append(f.name)
        return record
    if roots is not None and changes:
        roots[root] = record
    results = {}
    with runs.interruptible("no contribution written"):
        # the finding's variants draw the charts; the change and its baseline are checked
        wanted = [f.variants[0]] + ([f.fix, baseline_of(model, f.fix)] if f.fix else [])
        # the same change where the model explores more readings (a variant built on the
        # fix that lets a timer or a fault free): re-checked there too, as every reading
        wider = [v for v, spec in model.variants.items()
                 if changes and f.fix and spec.baseline == f.fix]
        wanted += wider
        for variant in dict.fromkeys(wanted):
            results[variant] = runs(lm, variant)[1]
    cut = [f"{model.name}[{v}]" for v, r in results.items() if not r.complete]
    if cut and not runs.write_incomplete:
        # a document states the scenario as found: one from a cut search is written only
        # when asked for (--write-incomplete)
        names = ", ".join(str(out / n) for n in _documents(lm, f))
        record.update(document="none written: a budget cut its search",
                      why=f"a budget cut the search of {', '.join(cut)}; pass "
                          "--write-incomplete to write it from the cut search",
                      cut_words=f"no document written ({names}): pass --write-incomplete "
                                "to write them from the cut search")
        return record
    with runs.interruptible("no contribution written"):
        data = finding_data(lm, f, results, spec)
        chart = finding_charts(lm, f, results, search_under)[0]
    verdict = chart["verdict"]
    trace = verdict.trace if verdict is not None else None
    system = chart["result"].system if chart["result"] is not None else model.system(f.variants[0])
    names = model_names(model, [r.system for r in results.values()] + [system])
    first = next((v for v in results[f.variants[0]].verdicts if v.property.name == f.prop), None)
    # the change as worded under every reading the published search explores, where its
    # behaviour is one of that search's choices; else the fix's own variant
    worded = change_as_worded(results[f.variants[0]], results.get(f.fix)) if changes else None
    checked = Checked(
        kind=kind, witness=first is not None and first.status == "witnessed",
        builds_on_cr=builds_on_cr,
        pinned=(() if worded is not None else
                pinned_readings(results[f.variants[0]], results.get(f.fix)) if changes else ()),
        selects=(pinned_readings(results[f.variants[0]], results.get(f.fix))
                 if worded is not None else ()),
        title=next((e.get("title", "") for e in entries(load_declared(sentences), model.name,
                                                       f.fix) if isinstance(e, dict)), ""),
        published=tuple(outcome_per_reading(results[f.variants[0]], f.prop)),
        changed=tuple(o for r in ([worded if worded is not None else results.get(f.fix)]
                                  + [results.get(v) for v in wider] if changes else [])
                      for o in outcome_per_reading(r, f.prop)))
    record["published"], record["changed"] = list(checked.published), list(checked.changed)
    doc = build(data, f, changes, system, trace, names, source, checked)
    out.mkdir(parents=True, exist_ok=True)
    figures = []
    where = doc.cr["clauses"]
    figure_title = f"The scenario of clause 2 as a sequence chart ({TS} clause {where})"
    if doc.chart is not None:
        # a short title: a long one widens the picture past the page
        figures = chart_png(titled_chart(doc.chart, f"Scenario ({TS} {where})", names),
                            out / f"{stem}-chart")
    # a question: the shortest run under each reading under which the case occurs
    reading_figures = []
    if kind == QUESTION:
        readings = failing_readings(results[f.variants[0]], f.prop, checked.witness)
        published = results[f.variants[0]].system
        with runs.interruptible("no contribution written"):
            for k, reading in enumerate(readings, 2):
                found = search_under(lm, f.variants[0], reading)
                v = next((x for x in found.verdicts if x.property.name == f.prop
                          and x.trace is not None), None)
                if v is None:
                    continue
                words = reading_words(published, [tuple(r.split("=", 1)) for r in reading])
                drawing = verdict_chart(found.system, v, "", [r.split("=", 1)[0]
                                                              for r in reading])
                pngs = chart_png(titled_chart(drawing, f"Scenario {k} ({TS} {where})", names),
                                 out / f"{stem}-reading{k}")
                reading_figures.append((f"The shortest scenario where {_lower(words)}", pngs))
    return record, {"doc": doc, "checked": checked, "changes": changes, "names": names,
                    "figures": figures, "figure_title": figure_title, "where": where,
                    "reading_figures": reading_figures, "cr_kind": CR_DOCUMENT}
