"""The `mcfsm` command line: check and list model files.

Exit status of `check`: 0 every property holds (exhaustively within the declared bounds),
1 a property is violated (or a `sometimes` witness is never reached), 2 a usage or model
error, 3 inconclusive: a budget cut the search and nothing was violated in what it saw.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import click

from .check.cache import explore_cached
from .check.explorer import Budget, Progress, Result
from .check.parallel import Job, explore_many
from .errors import McfsmError, ModelError, UsageError
from .lang.loader import LoadedModel, load_path
from .lang.system import System
from .show.report import result_json, result_text
from .show.trace import trace_text
from .show.tracefile import load_trace, replay, trace_record, write_trace

EXIT_OK, EXIT_VIOLATED, EXIT_ERROR, EXIT_INCONCLUSIVE = 0, 1, 2, 3


def _fail(message: str) -> NoReturn:
    click.echo(f"mcfsm: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn McfsmError into a clear message and exit status 2 (no traceback)."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except McfsmError as exc:
            if os.environ.get("MCFSM_DEBUG"):
                raise
            _fail(str(exc))

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


def _selected(loaded: list[LoadedModel], variants: tuple[str, ...]) -> Iterator[tuple[LoadedModel, str]]:
    if variants:
        known = {v for lm in loaded for v in lm.model.variants}
        unknown = [v for v in variants if v not in known]
        if unknown:
            raise UsageError(f"--variant {unknown[0]!r} is not a variant of "
                             f"{', '.join(lm.model.name for lm in loaded)}; "
                             f"known variants: {', '.join(sorted(known))}")
    for lm in loaded:
        for name in lm.model.variants:
            if not variants or name in variants:
                yield lm, name


def _build(lm: LoadedModel, variant: str) -> System:
    where = f"{lm.path} [{variant}]"
    try:
        return lm.model.system(variant)
    except ModelError as exc:
        raise exc.located(where) from exc
    except McfsmError:
        raise
    except Exception as exc:
        if os.environ.get("MCFSM_DEBUG"):
            raise
        raise ModelError(f"building the variant raised {type(exc).__name__}: {exc}",
                         fix="fix the variant function; MCFSM_DEBUG=1 shows the traceback",
                         where=where) from exc


class _ProgressLine:
    """A progress line on stderr, only on a terminal and only for runs over two seconds."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.enabled = sys.stderr.isatty()
        self.shown = False

    def __call__(self, p: Progress) -> None:
        if not self.enabled or p.elapsed_s < 2.0:
            return
        self.shown = True
        sys.stderr.write(f"\r{self.label}: {p.distinct:,} distinct, {p.total:,} total, "
                         f"depth {p.depth}, {p.queued:,} queued, {p.elapsed_s:.0f} s   ")
        sys.stderr.flush()

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\r" + " " * 100 + "\r")
            sys.stderr.flush()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mcfsm")
def main() -> None:
    """mcfsm: check 3GPP MC migration state machines exhaustively."""


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--variant", "variants", multiple=True, metavar="NAME",
              help="Check only this variant (repeatable). Default: every variant.")
@click.option("--json", "as_json", is_flag=True, help="Print results as JSON (see README).")
@click.option("--max-states", type=click.IntRange(min=1), metavar="N",
              help="Stop after N distinct states; the verdicts then say the search is incomplete.")
@click.option("--max-depth", type=click.IntRange(min=1), metavar="N",
              help="Do not expand states at BFS depth N or deeper (initial states are depth 1).")
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), metavar="SECONDS",
              help="Stop exploring after this many seconds.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Also write MODEL/VARIANT.txt and .json reports under DIR.")
@click.option("--expected", is_flag=True,
              help="Judge verdicts against those the model declares (expect=...): exit 0 when "
                   "every verdict is as declared, 1 when one differs.")
@click.option("--traces", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Write every counterexample and witness as a trace file (mcfsm replay).")
@click.option("--no-cache", is_flag=True,
              help="Explore again even when .mcfsm-cache/ holds the result.")
@click.option("--workers", type=click.IntRange(min=1), metavar="N",
              help="Explore up to N variants at once in separate processes. Default: the "
                   "machine's cores; 1 explores in this process (with a progress line).")
@_guarded
def check(path: Path, variants: tuple[str, ...], as_json: bool, max_states: int | None,
          max_depth: int | None, time_limit: float | None, out: Path | None,
          expected: bool, traces: Path | None, no_cache: bool, workers: int | None) -> None:
    """Explore every variant of the model(s) at PATH and report each property's verdict."""
    loaded = load_path(path)
    budget = Budget(max_states=max_states, max_depth=max_depth, time_limit=time_limit)
    records: list[dict[str, Any]] = []
    results: list[Result] = []
    surprised = False
    chosen = [(lm, variant, _build(lm, variant)) for lm, variant in _selected(loaded, variants)]
    done: list[Result | None] = [None] * len(chosen)
    if len(chosen) > 1 and workers != 1:
        # Variants in parallel processes (check/parallel.py); results come back in order.
        done = explore_many([Job(system, lm.path, variant, budget, not no_cache)
                             for lm, variant, system in chosen], workers)
    for position, (lm, variant, system) in enumerate(chosen):
        declared = lm.model.expected(variant, system) if expected else None
        parallel_result = done[position]
        if parallel_result is not None:
            result = parallel_result
        else:
            progress = _ProgressLine(f"{lm.model.name}[{variant}]")
            try:
                result = explore_cached(system, path=lm.path, variant=variant, budget=budget,
                                         cache=not no_cache, progress=progress)
            except ModelError as exc:
                raise exc.located(f"{lm.path} [{variant}]") from exc
            finally:
                progress.done()
        results.append(result)
        record = result_json(lm.model.name, variant, result, declared)
        records.append(record)
        surprised = surprised or record["as_expected"] is False
        text = result_text(lm.model.name, variant, result, expected=declared)
        if not as_json:
            click.echo("\n".join(text))
            click.echo()
        if traces is not None:
            for v in result.verdicts:
                if v.trace is not None:
                    write_trace(traces, trace_record(
                        model=lm.model.name, file=str(lm.path), variant=variant, system=system,
                        prop=v.property, status=v.status, source="explorer", trace=v.trace))
        if out is not None:
            folder = out / lm.model.name
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{variant}.txt").write_text("\n".join(text) + "\n")
            (folder / f"{variant}.json").write_text(json.dumps(record, indent=2) + "\n")
    if as_json:
        click.echo(json.dumps(records, indent=2))
    if out is not None:
        (out / "summary.json").write_text(json.dumps(
            [{k: r[k] for k in ("model", "variant", "distinct_states", "total_states", "depth",
                                "complete", "elapsed_s")}
             | {"verdicts": {p["name"]: p["verdict"] for p in r["properties"]}}
             for r in records], indent=2) + "\n")
    if surprised or (not expected and any(r.failed for r in results)):
        sys.exit(EXIT_VIOLATED)
    if not all(r.complete for r in results):
        sys.exit(EXIT_INCONCLUSIVE)
    sys.exit(EXIT_OK)


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--variant", "variants", multiple=True, metavar="NAME",
              help="Simulate only this variant (repeatable). Default: every variant.")
@click.option("--examples", type=click.IntRange(min=1), default=100, show_default=True,
              help="Random runs (hypothesis examples) per property search.")
@click.option("--steps", type=click.IntRange(min=1), default=50, show_default=True,
              help="Steps per run at most.")
@click.option("--seed", type=int, default=None, metavar="S",
              help="Random seed; printed when not given, so any run can be repeated.")
@click.option("--traces", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              default=Path("traces"), show_default=True,
              help="Where shrunk counterexamples are written as trace files.")
@click.option("--expected", is_flag=True,
              help="Exit 1 only when a property the model declares to hold is violated.")
@_guarded
def simulate(path: Path, variants: tuple[str, ...], examples: int, steps: int,
             seed: int | None, traces: Path, expected: bool) -> None:
    """Explore the model(s) at PATH with hypothesis on the transitions runtime."""
    import random

    from hypothesis.reporting import with_reporter

    from .check import stateful

    loaded = load_path(path)
    seed = random.randrange(2**32) if seed is None else seed
    failed = False
    for lm, variant in _selected(loaded, variants):
        system = _build(lm, variant)
        declared = lm.model.expected(variant, system)
        reported: list[str] = []
        try:
            with with_reporter(lambda text, sink=reported: sink.append(str(text))):
                sim = stateful.simulate(system, examples=examples, steps=steps, seed=seed)
        except ModelError as exc:
            raise exc.located(f"{lm.path} [{variant}]") from exc
        click.echo(f"{lm.model.name}[{variant}]: {sim.examples:,} runs, {sim.steps:,} random "
                   f"steps, {sim.distinct_states:,} distinct states, {sim.elapsed_s:.1f} s "
                   f"(hypothesis on the transitions runtime, seed {seed})")
        width = max(len(o.property.name) for o in sim.outcomes)
        for o in sim.outcomes:
            word = {"violated": "VIOLATED", "no violation found": "no violation",
                    "witnessed": "witnessed", "not witnessed": "not seen",
                    "not checked": "not checked"}[o.status]
            line = f"  {word:<12} {o.property.name:<{width}}  {o.words}"
            if o.status == "violated" and o.trace is not None:
                written = write_trace(traces, trace_record(
                    model=lm.model.name, file=str(lm.path), variant=variant, system=system,
                    prop=o.property, status="violated", source="hypothesis", trace=o.trace))
                line += f" -> {written}"
                if not expected or declared.get(o.property.name) != "violated":
                    failed = True
            click.echo(line)
        for o in sim.outcomes:
            if o.status == "violated" and o.trace is not None:
                click.echo(f"\n  {o.property.name} violated ({o.property.clause}): shrunk "
                           f"counterexample, {len(o.trace)} steps")
                click.echo("\n".join(trace_text(system, o.trace, indent="    ")))
        blobs = [line.strip() for text in (*reported, *sim.reproduce)
                 for line in text.splitlines() if "@reproduce_failure(" in line]
        for blob in dict.fromkeys(blobs):
            click.echo(f"\n  hypothesis: {blob}")
        click.echo()
    sys.exit(EXIT_VIOLATED if failed else EXIT_OK)


@main.command(name="replay")
@click.argument("tracefile", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--model", "model_path", type=click.Path(path_type=Path), default=None,
              help="The model file to replay on (default: the file named in the trace).")
@_guarded
def replay_(tracefile: Path, model_path: Path | None) -> None:
    """Re-execute a saved trace step by step and say where it diverges."""
    record = load_trace(tracefile)
    path = model_path or Path(record["file"])
    matches = [lm for lm in load_path(path) if lm.model.name == record["model"]]
    if not matches:
        raise UsageError(f"{path} has no model named {record['model']!r}; pass --model PATH")
    lm = matches[0]
    if record["variant"] not in lm.model.variants:
        raise UsageError(f"model {lm.model.name!r} no longer has variant {record['variant']!r}; "
                         f"known: {', '.join(lm.model.variants)}")
    system = _build(lm, record["variant"])
    result = replay(system, record)
    click.echo(f"replaying {tracefile} on {path} [{record['variant']}]: {record['property']} "
               f"({record['status']}, from the {record.get('source', '?')}), "
               f"{len(record['steps'])} steps")
    if result.trace.states:
        click.echo("\n".join(trace_text(system, result.trace, indent="  ")))
    if result.diverged_at is not None:
        if result.diverged_at == 0:
            click.echo(f"  DIVERGED: no initial state has the recorded parameters "
                       f"{record.get('params')}; the model has {list(result.enabled)}")
        else:
            click.echo(f"  DIVERGED at step {result.diverged_at}: the recorded step "
                       f"{_step_words(result.expected)} is not enabled. Enabled instead:")
            for option in result.enabled:
                click.echo(f"    - {_step_words(option)}")
        sys.exit(EXIT_VIOLATED)
    if result.still_shows:
        click.echo(f"  the trace replays in full and its last state still shows "
                   f"{record['property']} {record['status']}")
        sys.exit(EXIT_OK)
    click.echo(f"  the trace replays in full, but its last state no longer shows "
               f"{record['property']} {record['status']}: the model changed")
    sys.exit(EXIT_VIOLATED)


def _step_words(step: dict[str, Any] | None) -> str:
    if not step:
        return "?"
    text = f"{step.get('actor')}: {step.get('transition')}"
    if step.get("message") is not None:
        text += f" <- {step.get('from')}: {step['message']}"
    if step.get("arg") is not None:
        text += f" [{step['arg']}]"
    return text


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--variant", "variants", multiple=True, metavar="NAME",
              help="Draw only this variant (repeatable). Default: every variant.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("diagrams"),
              show_default=True, help="Folder to write into (with an index README.md).")
@click.option("--no-svg", is_flag=True, help="Write DOT and Mermaid only (no graphviz needed).")
@click.option("--no-cache", is_flag=True,
              help="Explore again even when .mcfsm-cache/ holds the result.")
@_guarded
def diagram(path: Path, variants: tuple[str, ...], out: Path, no_svg: bool,
            no_cache: bool) -> None:
    """State diagrams, sequence charts, trace exports and CR diffs for the model(s) at PATH."""
    from .show.docs import write_docs

    loaded = load_path(path)
    list(_selected(loaded, variants))  # validates --variant names
    written = write_docs(loaded, out, variants=variants, svg=not no_svg, cache=not no_cache)
    click.echo(f"wrote {len(written)} files under {out}/ (index: {out / 'README.md'})")


@main.command(name="diff")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--variant", "variants", multiple=True, metavar="NAME", required=True,
              help="Give it twice: A then B. With two paths, A is in the first, B in the second.")
@click.option("--json", "as_json", is_flag=True, help="Print the diff as JSON.")
@click.option("--markdown", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Also write a Markdown report with sequence charts, fit to attach to a CR.")
@click.option("--max-states", type=click.IntRange(min=1), metavar="N",
              help="Budget per variant; an incomplete side makes changes inconclusive.")
@click.option("--no-cache", is_flag=True,
              help="Explore again even when .mcfsm-cache/ holds the result.")
@_guarded
def diff_(paths: tuple[Path, ...], variants: tuple[str, ...], as_json: bool,
          markdown: Path | None, max_states: int | None, no_cache: bool) -> None:
    """Compare two variants: verdicts, counterexamples, reachability and set-up cost."""
    from .show.diff import Side, diff, diff_json, diff_markdown, diff_text

    if len(variants) != 2:
        raise UsageError("give --variant exactly twice: the variant A and the variant B")
    if len(paths) > 2:
        raise UsageError("give one model file (two variants of it) or two model files")
    sides = []
    for path, variant in zip(paths if len(paths) == 2 else paths * 2, variants):
        loaded = [lm for lm in load_path(path) if variant in lm.model.variants]
        if not loaded:
            known = sorted({v for lm in load_path(path) for v in lm.model.variants})
            raise UsageError(f"--variant {variant!r} is not a variant in {path}; known: "
                             f"{', '.join(known)}")
        lm = loaded[0]
        system = _build(lm, variant)
        result = explore_cached(system, path=lm.path, variant=variant,
                                 budget=Budget(max_states=max_states), cache=not no_cache)
        sides.append(Side(f"{lm.model.name} [{variant}]", system, result))
    d = diff(sides[0], sides[1])
    if as_json:
        click.echo(json.dumps(diff_json(d), indent=2))
    else:
        click.echo("\n".join(diff_text(d)))
    if markdown is not None:
        markdown.parent.mkdir(parents=True, exist_ok=True)
        markdown.write_text(diff_markdown(d, f"CR diff: {sides[0].label} vs {sides[1].label}"))
        if not as_json:
            click.echo(f"\nMarkdown report: {markdown}")
    changed = any(p.failing_side for p in d.properties)
    sys.exit(EXIT_VIOLATED if changed else EXIT_OK)


@main.command(name="export")
@click.argument("tracefile", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["itf", "json", "mermaid", "dot"]),
              default="itf", show_default=True)
@click.option("--model", "model_path", type=click.Path(path_type=Path), default=None,
              help="The model file (default: the file named in the trace).")
@_guarded
def export_(tracefile: Path, fmt: str, model_path: Path | None) -> None:
    """Print a trace file as ITF (Quint/Apalache), JSON steps, Mermaid or DOT."""
    from .show.charts import chart, dot, mermaid
    from .show.trace import steps_json
    from .show.tracefile import itf

    record = load_trace(tracefile)
    path = model_path or Path(record["file"])
    lm = next((lm for lm in load_path(path) if lm.model.name == record["model"]), None)
    if lm is None:
        raise UsageError(f"{path} has no model named {record['model']!r}; pass --model PATH")
    system = _build(lm, record["variant"])
    result = replay(system, record)
    if result.diverged_at is not None:
        raise UsageError(f"{tracefile} no longer replays on {path} (diverges at step "
                         f"{result.diverged_at}); see `mcfsm replay {tracefile}`")
    title = f"{record['model']} [{record['variant']}]: {record['property']} ({record['status']})"
    if fmt == "itf":
        click.echo(json.dumps(itf(system, result.trace, title), indent=1))
    elif fmt == "json":
        click.echo(json.dumps(steps_json(system, result.trace), indent=1))
    elif fmt == "mermaid":
        click.echo(mermaid(chart(system, result.trace, title)), nl=False)
    else:
        click.echo(dot(chart(system, result.trace, title)), nl=False)


@main.command(name="list")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the listing as JSON.")
@_guarded
def list_(path: Path, as_json: bool) -> None:
    """List the models at PATH: variants, parameters and properties."""
    loaded = load_path(path)
    listing = []
    for lm in loaded:
        entry: dict[str, Any] = {"model": lm.model.name, "file": str(lm.path),
                                 "clause": lm.model.clause, "source": lm.model.source,
                                 "variants": []}
        for variant, decl in lm.model.variants.items():
            system = _build(lm, variant)
            entry["variants"].append({
                "name": variant,
                "doc": decl.doc,
                "instances": {i.name: {"role": i.role.name, "label": i.words}
                              for i in system.instances},
                "network": system.network.value,
                "parameters": {name: {"choices": [repr(c) for c in p.choices], "doc": p.doc,
                                      "clause": p.clause} for name, p in system.params.items()},
                "properties": [{"name": p.name, "kind": p.kind, "clause": p.clause, "doc": p.doc}
                               for p in system.properties],
            })
        listing.append(entry)
    if as_json:
        click.echo(json.dumps(listing, indent=2))
        return
    for entry in listing:
        head = entry["model"] + (f" ({entry['clause']})" if entry["clause"] else "")
        click.echo(f"{head}  {entry['file']}")
        for v in entry["variants"]:
            click.echo(f"  variant {v['name']}: {v['doc']}".rstrip(": "))
            click.echo("    instances: " + ", ".join(
                f"{n} ({d['label']})" if d["label"] != n else n for n, d in v["instances"].items())
                + f"; network {v['network']}")
            for name, p in v["parameters"].items():
                click.echo(f"    parameter {name} in {{{', '.join(p['choices'])}}}"
                           + (f"  [{p['clause']}]" if p["clause"] else "")
                           + (f"  {p['doc']}" if p["doc"] else ""))
            for p in v["properties"]:
                click.echo(f"    {p['kind']:<9} {p['name']}  [{p['clause']}]")
        click.echo()


if __name__ == "__main__":  # pragma: no cover
    main()
