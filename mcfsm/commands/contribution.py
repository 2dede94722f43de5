"""`mcfsm contribution`: a finding's discussion paper and draft CR, as .docx, from the
finding's page data (show/finding_pages.py), its fix's changed sentence
(models/fix_sentences.toml, show/fix_text.py) and its shortest chart."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import UsageError
from ..lang.findings import Finding
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
        + exit_help("both files were written from exhaustive searches",
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
@click.argument("finding")
@click.option("--models", "models", type=click.Path(path_type=Path), default=Path("models"),
              show_default=True, help="The model file or folder that declares FINDING.")
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Folder to write the two .docx files into (made if missing).")
@click.option("--source", default="<source company>", show_default=True,
              help="The Source line of both documents.")
@budget_options
@spec_option
@guarded
def contribution(finding: str, models: Path, out: Path, source: str, max_states: int | None,
                 max_depth: int | None, time_limit: float | None) -> None:
    from ..show.contribution import TS, build, model_names, refusal, titled_chart
    from ..show.diff_model import baseline_of
    from ..show.finding_pages import finding_charts, finding_data, search_under
    from ..show.fix_text import fix_changes, sentences_file
    from ..show.tdoc import chart_png, write_cr, write_paper
    from ..spec.quotes import SpecText

    check_output_dir(out, "--out")
    loaded = load_path(models)
    lm, f = find_finding(loaded, finding)
    model = lm.model
    why_not = refusal(f)  # the class first: a fix would not make an artefact citable
    if why_not:
        raise UsageError(f"finding {finding!r} is {why_not}; a contribution is written only for "
                         "a finding the text is to blame for (reclass it in its "
                         "model.finding(...) if a review says so)")
    if not f.fix:
        raise UsageError(f"finding {finding!r} declares no fix, so there is no changed sentence "
                         f"to propose; add fix='fix_...' to its model.finding(...) in {lm.path} "
                         "(a variant that changes one sentence of the text)")
    clauses = lm.path.parent / "clauses.txt"
    if not clauses.is_file():
        raise UsageError(f"no clause list at {clauses}: the contribution quotes the spec text "
                         "through it; write one (see models/clauses.txt)")
    spec = SpecText(clauses)
    sentences = sentences_file(lm.path)
    changes = fix_changes(spec, sentences, model.name, f.fix)
    if not changes:
        raise UsageError(f"finding {finding!r}'s fix {f.fix!r} has no changed sentence in "
                         f"{sentences}; add [[{model.name}.{f.fix}]] with clause = 'the "
                         "citation' and changed = 'the text as the fix reads' (the file's "
                         "header shows the form)")
    runs = VariantRuns(budget(max_states, max_depth, time_limit))
    results = {}
    with runs.interruptible("no contribution written"):
        # the finding's first variant draws the chart; the fix and its baseline are diffed
        for variant in dict.fromkeys((f.variants[0], f.fix, baseline_of(model, f.fix))):
            results[variant] = runs(lm, variant)[1]
        data = finding_data(lm, f, results, spec)
        chart = finding_charts(lm, f, results, search_under)[0]
    verdict = chart["verdict"]
    trace = verdict.trace if verdict is not None else None
    system = chart["result"].system if chart["result"] is not None else model.system(f.variants[0])
    names = model_names(model, [r.system for r in results.values()] + [system])
    doc = build(data, f, changes, system, trace, names, source)
    out.mkdir(parents=True, exist_ok=True)
    figures = []
    where = doc.cr["clauses"]
    figure_title = f"The scenario of clause 2 as a sequence chart ({TS} clause {where})"
    if doc.chart is not None:
        # a short title: a long one widens the picture past the page
        figures = chart_png(titled_chart(doc.chart, f"Scenario ({TS} {where})", names),
                            out / f"{finding}-chart")
    paper, cr = out / f"{finding}-discussion.docx", out / f"{finding}-cr.docx"
    write_paper(doc.paper, figures, figure_title, paper)
    marks = write_cr(doc.cr, cr)
    runs.finish(f"wrote {paper} ({len(doc.paper['steps'])} steps, {len(figures)} figure "
                f"page(s)) and {cr} ({marks} revision marks in {doc.cr['clauses']})",
                "the scenario is the shortest one the cut search found")
