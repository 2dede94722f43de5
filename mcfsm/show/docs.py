"""Documentation under diagrams/: for every model, role state diagrams, the product state
graph of small systems, a sequence chart (DOT, SVG and Mermaid) and trace exports (JSON,
ITF) of every witness and counterexample, a CR diff of each variant against the first, and
an index page. `mcfsm diagram models/ --out diagrams/` regenerates all of it.

Every text file is deterministic (sets are rendered sorted), so a test can compare a fresh
generation with the committed files."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from ..check.cache import explore_cached
from ..check.explorer import Result
from ..errors import UsageError
from ..lang.loader import LoadedModel
from .charts import chart, dot, mermaid
from .diagrams import fired_by_role, product_dot, role_dot
from .diff import Side, diff, diff_markdown
from .tracefile import itf, trace_record


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text)


def render_svg(dot_path: Path) -> Path:
    if shutil.which("dot") is None:
        raise UsageError("graphviz's `dot` is not installed; install it (apt-get install graphviz) "
                         "or pass --no-svg")
    svg = dot_path.with_suffix(".svg")
    subprocess.run(["dot", "-Tsvg", str(dot_path), "-o", str(svg)], check=True)
    return svg


def _write(path: Path, text: str, written: list[Path]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    written.append(path)
    return path


def model_docs(lm: LoadedModel, out: Path, *, variants: tuple[str, ...] = (),
               svg: bool = True, cache: bool = True) -> tuple[list[Path], list[str]]:
    """Write one model's pictures; return the files and the index lines for it."""
    model = lm.model
    folder = out / model.name
    written: list[Path] = []
    index = [f"## {model.name}", "", (model.clause + ". " if model.clause else "")
             + f"Model file `{lm.path.as_posix()}`.", ""]
    results: dict[str, Result] = {}
    chosen = [v for v in model.variants if not variants or v in variants]
    for variant in chosen:
        system = model.system(variant)
        result = explore_cached(system, path=lm.path, variant=variant, cache=cache)
        results[variant] = result
        vfolder = folder / variant
        index.append(f"### {variant}: {result.distinct_states:,} states")
        index.append("")
        fired = fired_by_role(result)
        roles = {}
        for inst in system.instances:
            roles.setdefault(inst.role.name, inst.role)
        role_links = []
        for role in roles.values():
            path = _write(vfolder / "roles" / f"{_slug(role.name)}.dot",
                          role_dot(role, fired.get(role.name, set()),
                                   title=f"{role.name} ({model.name}, {variant})"), written)
            if svg:
                written.append(render_svg(path))
            role_links.append(f"[{role.name}]({path.relative_to(out).with_suffix('.svg').as_posix()})")
        index.append("- State diagrams (dashed: never fired in this variant): " + ", ".join(role_links))
        product = product_dot(system, result)
        if product is not None:
            path = _write(vfolder / "product.dot", product, written)
            if svg:
                written.append(render_svg(path))
            index.append(f"- [Product state graph]({path.relative_to(out).with_suffix('.svg').as_posix()})")
        for v in result.verdicts:
            if v.trace is None:
                continue
            kind = "witness" if v.status == "witnessed" else "counterexample"
            title = f"{model.name} [{variant}]: {v.property.name} ({kind}, {len(v.trace)} steps)"
            c = chart(system, v.trace, title)
            base = vfolder / "charts" / _slug(v.property.name)
            path = _write(base.with_suffix(".dot"), dot(c), written)
            if svg:
                written.append(render_svg(path))
            _write(base.with_suffix(".mmd"), mermaid(c), written)
            record = trace_record(model=model.name, file=lm.path.as_posix(), variant=variant,
                                  system=system, prop=v.property, status=v.status,
                                  source="explorer", trace=v.trace)
            _write(base.with_suffix(".trace.json"), json.dumps(record, indent=1) + "\n", written)
            _write(base.with_suffix(".itf.json"),
                   json.dumps(itf(system, v.trace, title), indent=1) + "\n", written)
            rel = base.relative_to(out).as_posix()
            index.append(f"- {v.property.name} ({kind}, {len(v.trace)} steps): "
                         f"[chart]({rel}.svg), [Mermaid]({rel}.mmd), [trace]({rel}.trace.json), "
                         f"[ITF]({rel}.itf.json)")
        index.append("")
    if len(chosen) > 1:
        first = chosen[0]
        for other in chosen[1:]:
            d = diff(Side(f"{model.name} [{first}]", model.system(first), results[first]),
                     Side(f"{model.name} [{other}]", model.system(other), results[other]))
            path = _write(folder / f"diff-{first}-vs-{other}.md",
                          diff_markdown(d, f"CR diff: {model.name}, {first} vs {other}"), written)
            index.append(f"- CR diff [{first} vs {other}]({path.relative_to(out).as_posix()})")
        index.append("")
    return written, index


def write_docs(loaded: list[LoadedModel], out: Path, *, variants: tuple[str, ...] = (),
               svg: bool = True, cache: bool = True) -> list[Path]:
    written: list[Path] = []
    index = ["# Diagrams", "",
             "Generated by `mcfsm diagram models/ --out diagrams/` (do not edit by hand; "
             "`tests/test_diagrams.py` fails when these files are stale).", "",
             "State diagrams are drawn through the transitions library's GraphMachine; "
             "sequence charts show one arrow per message, from the step that sent it to the "
             "step that received it (red and dashed: still in flight at the end). Each chart "
             "comes as SVG, Mermaid text, an mcfsm trace file (`mcfsm replay`) and ITF (Quint / "
             "Apalache trace viewers).", ""]
    for lm in loaded:
        files, lines = model_docs(lm, out, variants=variants, svg=svg, cache=cache)
        written += files
        index += lines
    _write(out / "README.md", "\n".join(index).rstrip() + "\n", written)
    return written
