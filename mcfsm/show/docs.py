"""Documentation under diagrams/: for every model, role state diagrams, the product state
graph of small systems, a sequence chart (DOT, SVG and Mermaid) and trace exports (JSON,
ITF) of every witness and counterexample, a CR diff of each variant against its baseline
(the variant it declares it changes; the first otherwise), and an index page.
`mcfsm diagram models/ --out diagrams/` regenerates all of it.

Every text file is deterministic (sets are rendered sorted), so a test can compare a fresh
generation with the committed files."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from ..check.cache import explore_cached
from ..check.search.explorer import Result
from ..lang.loader import LoadedModel
from ..lang.system import System
from ..spec.quotes import SpecText
from .chart_layout import chart_pages, page_file
from .charts import dot, mermaid, verdict_chart
from .diagrams import PRODUCT_GRAPH_CAP, fired_by_role, product_dot, role_dot
from .diff import Side, diff
from .diff_files import write_diff_markdown
from .diff_model import diff_pairs
from .dot_render import need_dot, render_files
from .finding_pages import chart_title, finding_data, finding_markdown, page_path
from .findings_table import finding_rows, findings_markdown
from .glossary import glossary, glossary_markdown
from .json_layout import indented
from .tracefile import itf, trace_record
from .values import plural
from .verdict_table import verdict_table_markdown

# How a variant is explored: (loaded model, variant) -> (system, result). The CLI passes
# its own, which applies the budget options and locates model errors in the file.
Explorer = Callable[[LoadedModel, str], tuple[System, Result]]


def _explore_fully(lm: LoadedModel, variant: str) -> tuple[System, Result]:
    system = lm.model.system(variant)
    return system, explore_cached(system, loaded=lm, variant=variant)


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text)


def render_svg(dot_path: Path) -> Path:
    """One DOT file drawn as SVG beside it (a folder's worth: dot_render.render_files)."""
    need_dot("drawing the SVG pictures (or pass --no-svg)")
    return render_files([dot_path])[0]


def _to_draw(dot_path: Path, queue: list[Path]) -> Path:
    """Queue a DOT file to be drawn with the others; the SVG's path, written later."""
    queue.append(dot_path)
    return dot_path.with_suffix(".svg")


def _write(path: Path, text: str, written: list[Path]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, errors="backslashreplace")  # a path that is not UTF-8, escaped
    written.append(path)
    return path


def model_docs(lm: LoadedModel, out: Path, *, variants: tuple[str, ...] = (),
               svg: bool = True, run: Explorer = _explore_fully,
               runs: list[tuple[str, str, Result]] | None = None,
               progress: Callable[[str], None] | None = None,
               findings: list[dict[str, str]] | None = None,
               spec: SpecText | None = None,
               ) -> tuple[list[Path], list[str]]:
    """Write one model's pictures; return the files and the index lines for it (and add
    (model, variant, result) of each variant to `runs`, for the traceability matrix)."""
    model = lm.model
    folder = out / model.name
    written: list[Path] = []
    drawn: list[Path] = []  # DOT files drawn as SVG at the end, together (dot_render.py)
    if svg:
        need_dot("drawing the SVG pictures (or pass --no-svg)")
    index = [f"## {model.name}", "", (model.clause + ". " if model.clause else "")
             + f"Model file `{lm.path.as_posix()}`.", ""]
    results: dict[str, Result] = {}
    chosen = [v for v in model.variants if not variants or v in variants]
    for variant in chosen:
        if progress is not None:
            progress(f"diagram: exploring {model.name} [{variant}]")
        system, result = run(lm, variant)
        results[variant] = result
        if runs is not None:
            runs.append((model.name, variant, result))
        vfolder = folder / variant
        cut = "" if result.complete else f" (INCOMPLETE: stopped by {result.stopped_by})"
        index.append(f"### {variant}: {result.distinct_states:,} states{cut}")
        index.append("")
        fired = fired_by_role(result)
        roles = {}
        for inst in system.instances:
            roles.setdefault(inst.role.name, inst.role)
        monitor_roles = {m.role.name for m in system.monitors}
        role_links = []
        for role in roles.values():
            path = _write(vfolder / "roles" / f"{_slug(role.name)}.dot",
                          role_dot(role, fired.get(role.name, set()),
                                   title=f"{role.name} ({model.name}, {variant})",
                                   observer=role.name in monitor_roles), written)
            if svg:
                written.append(_to_draw(path, drawn))
            role_links.append(f"[{role.name}]({path.relative_to(out).with_suffix('.svg').as_posix()})")
        index.append("- State diagrams (dashed: never fired in this variant): " + ", ".join(role_links))
        product = product_dot(system, result)
        if product is not None:
            path = _write(vfolder / "product.dot", product, written)
            if svg:
                written.append(_to_draw(path, drawn))
            index.append(f"- [Product state graph]({path.relative_to(out).with_suffix('.svg').as_posix()})")
        else:
            why = (f"{result.distinct_states:,} states, more than the {PRODUCT_GRAPH_CAP} a "
                   "readable picture holds" if result.complete else "the search was cut")
            index.append(f"- Product state graph: not drawn ({why}); the sequence charts "
                         "below show its behaviours")
        for v in result.verdicts:
            if v.trace is None:
                continue
            kind = "witness" if v.status == "witnessed" else "counterexample"
            title = chart_title(model.name, variant, v)
            c = verdict_chart(system, v, title)
            base = vfolder / "charts" / _slug(v.property.name)
            # A long chart is cut into pages that fit an A4 page: NAME.svg, NAME-p2.svg, ...
            pages = chart_pages(c)
            for n, page in enumerate(pages, 1):
                path = _write(page_file(base, n, ".dot"), dot(page), written)
                if svg:
                    written.append(_to_draw(path, drawn))
            _write(base.with_suffix(".mmd"), mermaid(c), written)
            record = trace_record(model=model.name, file=lm.path.as_posix(), variant=variant,
                                  system=system, prop=v.property, status=v.status,
                                  source="explorer", trace=v.trace)
            _write(base.with_suffix(".trace.json"), indented(record) + "\n", written)
            _write(base.with_suffix(".itf.json"),
                   indented(itf(system, v.trace, title)) + "\n", written)
            rel = base.relative_to(out).as_posix()
            more = "".join(f", [page {n}]({rel}-p{n}.svg)" for n in range(2, len(pages) + 1))
            index.append(f"- {v.property.name} ({kind}, {plural(len(v.trace), 'step')}): "
                         f"[chart]({rel}.svg){more}, [Mermaid]({rel}.mmd), "
                         f"[trace]({rel}.trace.json), "
                         f"[ITF]({rel}.itf.json)")
        index.append("")
    if not variants and findings is not None:
        findings.extend(finding_rows(lm, results))
        for f in model.findings.values():  # one page per finding, linked from its row
            data = finding_data(lm, f, results, spec)
            _write(out / page_path(f), finding_markdown(data), written)
            for chart in data["charts"]:  # a declared chart's files sit beside the page
                if chart["title"] is None or chart["svg"].startswith("../"):
                    continue
                base = (out / page_path(f)).parent / chart["svg"].removesuffix(".svg")
                for n, page in enumerate(chart_pages(chart["drawing"]), 1):
                    path = _write(page_file(base, n, ".dot"), dot(page), written)
                    if svg:
                        written.append(_to_draw(path, drawn))
                _write(base.with_suffix(".mmd"), chart["mermaid"], written)
    if not variants:
        table = verdict_table_markdown(model.name, [(v, results[v]) for v in chosen], {
            v: model.expected(v, results[v].system) for v in chosen})
        path = _write(folder / "verdicts.md", table, written)
        index[3:3] = ["", f"[Verdicts of every variant]({path.relative_to(out).as_posix()}), "
                            "with the parameter choices each rests on."]
    pairs = diff_pairs(model, chosen) if len(chosen) > 1 else []
    if variants:  # a variant asked for by name: its CR diff against its declared baseline
        for other in chosen:
            base = model.variants[other].baseline
            if base and (base, other) not in pairs:
                if base not in results:  # searched for the diff, not drawn
                    results[base] = run(lm, base)[1]
                pairs.append((base, other))
    if pairs:
        for base, other in pairs:
            d = diff(Side(base, model.system(base), results[base], model.variants[base].doc),
                     Side(other, model.system(other), results[other], model.variants[other].doc))
            path = folder / f"diff-{base}-vs-{other}.md"
            written += write_diff_markdown(d, f"CR diff: {model.name}, {base} vs {other}", path,
                                           svg=svg, queue=drawn)
            index.append(f"- CR diff [{base} vs {other}]({path.relative_to(out).as_posix()})")
        index.append("")
    render_files(drawn)
    return written, index


def _source_words(loaded: list[LoadedModel]) -> str:
    """The model path(s) this index was generated from, as the command was given."""
    folders = sorted({lm.path.parent.as_posix() for lm in loaded})
    if len(loaded) == 1:
        return loaded[0].path.as_posix()
    return folders[0] + "/" if len(folders) == 1 else " ".join(folders)


def _start_here(rows: list[dict[str, str]]) -> list[str]:
    """The entry page's findings, one line each: its page and its reviewed class."""
    if not rows:
        return []
    out = ["## Findings first", "",
           "Each finding has a page with the sentences it turns on quoted first, its shortest "
           "chart, what it rests on, its candidate fix and a paragraph to paste into a "
           "contribution. [The findings table](findings.md) has every detail in one place.", ""]
    out += [f"- {r['finding']}: *{r['cls']}* ({r['where']})" for r in rows]
    return out + [""]


def _from_subfolder(line: str) -> str:
    """An index line written relative to the diagrams folder, for a page one folder down."""
    return re.sub(r"\]\((?![a-z]+:|#|\.\./)", "](../", line)


def write_docs(loaded: list[LoadedModel], out: Path, *, variants: tuple[str, ...] = (),
               svg: bool = True, run: Explorer = _explore_fully,
               progress: Callable[[str], None] | None = None) -> list[Path]:
    """The diagrams folder: an entry page (README.md: findings first, then one line per
    model), an index per model (MODEL/README.md: its variants' pictures, charts, verdicts
    and CR diffs), the findings table and pages, the glossary and the matrix."""
    written: list[Path] = []
    legend = ["State diagrams draw every transition as its own edge (dashed: never fired); "
              "sequence charts show one arrow per message, from the step that sent it to the "
              "step that received it, numbered as in the text (red and dashed: still in flight "
              "at the end; ending in a cross: lost; dotted orange: a message the text does not "
              "define), timer expiries and switch-offs marked on their lifelines, each step's "
              "clause in the margin and the run's parameter values under the title, with what "
              "is violated or witnessed marked at the end; a long chart is cut into pages that "
              "fit an A4 page (NAME.svg, NAME-p2.svg, ...). Each chart comes as SVG, Mermaid "
              "text, an mcfsm trace file (`mcfsm replay`) and ITF (Quint / Apalache trace "
              "viewers).", ""]
    generated = (f"Generated by `mcfsm diagram {_source_words(loaded)} --out` into this folder "
                 "(do not edit by hand).")
    index = ["# Diagrams", "", generated, ""]
    runs: list[tuple[str, str, Result]] = []
    findings: list[dict[str, str]] = []
    clauses = loaded[0].path.parent / "clauses.txt" if loaded else None
    # The spec text the finding pages quote; without a clause list they say so.
    spec = SpecText(clauses) if clauses is not None and clauses.is_file() else None
    models: list[str] = []
    for lm in loaded:
        files, lines = model_docs(lm, out, variants=variants, svg=svg, run=run, runs=runs,
                                  progress=progress, findings=findings, spec=spec)
        written += files
        name = lm.model.name
        page = _write(out / name / "README.md", "\n".join(
            [f"# {name}", "", generated + " [All diagrams](../README.md).", "", *legend,
             *(_from_subfolder(line) for line in lines[2:])]).rstrip() + "\n", written)
        count = len([v for v in lm.model.variants if not variants or v in variants])
        models.append(f"- [{name}]({page.relative_to(out).as_posix()}): "
                      f"{lm.model.clause + '; ' if lm.model.clause else ''}{count} variant"
                      f"{'s' if count != 1 else ''}, [verdicts]({name}/verdicts.md)")
    if findings:
        index += ["**A delegate starts here**: the findings below, each with its own page; "
                  "then a model's index for its pictures, charts, verdicts and CR diffs.", ""]
    index += _start_here(findings)
    index += ["## Models", "", *models, ""]
    if findings:
        _write(out / "findings.md", findings_markdown(findings), written)
    if runs:  # every name the charts show, in the models' words
        _write(out / "glossary.md",
               glossary_markdown(glossary((model, result.system) for model, _, result in runs)),
               written)
        index += ["## Words and clauses", "",
                  "- [Glossary](glossary.md): every role state, message and information "
                  "element the charts show, with the model's words and clause for it.", ""]
    if clauses is not None and clauses.is_file() and not variants:
        from ..spec.clauses import load_clauses
        from .matrix import matrix, matrix_markdown

        records = matrix(load_clauses(clauses), runs)
        _write(out / "matrix.md", matrix_markdown(records), written)
        _write(out / "matrix.json", indented(records) + "\n", written)
        index += ["- [Traceability matrix](matrix.md) ([JSON](matrix.json)): every clause of "
                  "the spec text against transitions, properties and verdicts", ""]
    index += ["## Reading the pictures", "", *legend]
    _write(out / "README.md", "\n".join(index).rstrip() + "\n", written)

    return written
