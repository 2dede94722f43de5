"""`mcfsm check`: explore every variant and report each property's verdict."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

import click

from ..check.cache import mcfsm_digest
from ..check.expectations import coverage_gaps, declares_violation
from ..check.parallel import Job, explore_many
from ..check.search.checkpoint import CheckpointPlan
from ..check.search.explorer import FULL_CHECK_GROUP, FULL_CHECK_IMAGES, Result
from ..errors import UsageError
from ..lang.loader import LoadedModel, load_path
from ..show.report import closing_line, report_file_text, result_json, result_text, variant_summary
from ..show.tracefile import trace_record, write_trace
from .common import (
    EXIT_ERROR,
    EXIT_INCONCLUSIVE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_VIOLATED,
    ProgressLine,
    Seconds,
    WorkersLine,
    budget,
    budget_options,
    build,
    check_output_dir,
    echo,
    exit_help,
    explore_variant,
    guarded,
    selected,
    use_cache,
)


def _unexpected_if_violated(system: Any, declared: dict[str, str] | None) -> frozenset[str]:
    """The properties whose violation would be unexpected: those declared to hold (with
    --expected), or every safety property (without). Temporal properties are judged after
    the search and cannot stop it early."""
    safety = [p.name for p in system.properties if p.kind in ("always", "step", "deadlock",
                                                              "unhandled")]
    if declared is None:
        return frozenset(safety)
    return frozenset(n for n in safety if not declares_violation(declared[n]))


HELP = ("Explore every variant of the model(s) at PATH and report each property's verdict.\n\n"
        + exit_help("every property holds (with --expected: every verdict is the declared one)",
                    "a property is violated or a witness never reached (with --expected: a "
                    "verdict differs from the declared one)"))


@click.command(help=HELP)
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--variant", "variants", multiple=True, metavar="NAME",
              help="Check only this variant (repeatable). Default: every variant.")
@click.option("--json", "as_json", is_flag=True, help="Print results as JSON (fields: docs/reference.md).")
@budget_options
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Also write MODEL/VARIANT.txt and .json reports under DIR.")
@click.option("--expected", is_flag=True,
              help="Judge verdicts against those the model declares (expect=...): exit 0 when "
                   "every verdict is as declared, 1 when one differs.")
@click.option("--traces", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Write every counterexample and witness as a trace file (mcfsm replay).")
@click.option("--summary", is_flag=True,
              help="Print one line per variant instead of the full report.")
@click.option("--fail-fast", is_flag=True,
              help="Stop at the first unexpected violation: the variants run one after the "
                   "other, the search of that variant stops with its shortest counterexample "
                   "so far (with --dfs: the first it found; its other verdicts then say "
                   "unknown), and later variants are not checked. Unexpected: declared to "
                   "hold (with --expected), or any safety property (without).")
@click.option("--dfs", "depth_first", is_flag=True,
              help="Search depth-first (a stack instead of a queue) for bugs deep down, "
                   "usually with --max-depth N: counts are the same when nothing is cut, but "
                   "a counterexample is not necessarily the shortest, depth is the deepest "
                   "path searched, a search the bound cut says so (never 'holds'), and "
                   "temporal properties are not judged (unknown).")
@click.option("--strict", is_flag=True,
              help="A vacuous property (its state comparisons never change truth value over "
                   "the search) is an error (exit 2), not only a warning.")
@click.option("--workers", type=click.IntRange(min=1), metavar="N",
              help="Explore up to N variants at once in separate processes. Default: the "
                   "machine's cores; 1 explores in this process (with a progress line). With "
                   "one variant and N > 1: its parameter combinations run side by side in N "
                   "processes (the result --workers 1 gives, temporal verdicts included); a "
                   "variant with one combination, or with --max-states, --time-limit or "
                   "--fail-fast, has its search split over N processes instead (same counts, "
                   "verdicts and counterexample lengths; temporal properties not judged).")
@click.option("--ray", "ray_address", metavar="ADDRESS",
              help="Split each variant's search over Ray actors (pip install 'mcfsm[ray]'): "
                   "'local' starts Ray for this run, 'auto' joins the instance `ray start "
                   "--head` runs on this machine, HOST:PORT joins a cluster (mcfsm and the "
                   "model folder at the same paths on every node). --workers N: partitions "
                   "(default 2).")
@click.option("--hash-compact", is_flag=True,
              help="Keep a 64-bit fingerprint per state instead of the state (as SPIN's "
                   "hash-compact mode and TLC do), and only the unexpanded levels' states: "
                   "for state spaces that do not fit. A state may be missed with the "
                   "probability the report prints (at most n(n-1)/2^65 for n states); "
                   "counterexamples stay real and shortest (replayed); temporal properties "
                   "are not judged. With --workers N on a variant of one combination: one "
                   "visited set of fingerprints shared by N processes, each expanding the "
                   "states it claims first, the work moved between levels.")
@click.option("--no-symmetry", is_flag=True,
              help="Search unreduced where the model declares symmetry= (interchangeable "
                   "instances, TLC's SYMMETRY): without this, the search stores one state per "
                   "orbit and the report says so; verdicts and counterexample lengths are the "
                   "same where the symmetry holds (each verdict says whether it was verified "
                   "or is assumed), counts are of orbits.")
@click.option("--verify-symmetry", is_flag=True,
              help="Where the search is reduced by a declared symmetry, verify it on the "
                   "whole orbit of every state stored, whatever the group's size (complete, "
                   "at about the cost of the unreduced search). Without it, that check runs "
                   f"where it is small (at most {FULL_CHECK_GROUP} permutations and "
                   f"{FULL_CHECK_IMAGES:,} images); "
                   "elsewhere each stored state is checked under the permutations' "
                   "generators only, and every verdict says it ASSUMES the symmetry, as "
                   "TLC's SYMMETRY is assumed.")
@click.option("--checkpoint", "checkpoint_dir", type=click.Path(path_type=Path),
              metavar="DIR",
              help="Write each search's state to DIR between breadth-first levels (at most "
                   "every --checkpoint-every seconds, and when it completes), so that "
                   "--resume can continue a search that was cut off.")
@click.option("--checkpoint-every", type=Seconds(zero=True), default=60.0,
              show_default=True, metavar="SECONDS", help="How often a checkpoint is written.")
@click.option("--resume", is_flag=True,
              help="Continue each search from its checkpoint in the --checkpoint DIR (a "
                   "checkpoint of another model text, variant or mcfsm version is refused).")
@guarded
def check(path: Path, variants: tuple[str, ...], as_json: bool, max_states: int | None,
          max_depth: int | None, time_limit: float | None, out: Path | None,
          expected: bool, traces: Path | None, summary: bool, fail_fast: bool,
          depth_first: bool, strict: bool, workers: int | None,
          ray_address: str | None, hash_compact: bool, no_symmetry: bool,
          verify_symmetry: bool, checkpoint_dir: Path | None, checkpoint_every: float, resume: bool) -> None:
    check_output_dir(out, "--out")
    check_output_dir(traces, "--traces")
    loaded = load_path(path)
    chosen = list(selected(loaded, variants))
    run_budget = dataclasses.replace(budget(max_states, max_depth, time_limit),
                                     depth_first=depth_first, hash_compact=hash_compact,
                                     symmetry=not no_symmetry,
                                     verify_symmetry=verify_symmetry)
    if hash_compact and (depth_first or checkpoint_dir is not None or ray_address):
        raise UsageError("--hash-compact is for the breadth-first search on this machine: "
                         "drop --dfs, --checkpoint or --ray")
    records: list[dict[str, Any]] = []
    results: list[Result] = []
    surprised = False
    systems = [build(lm, variant) for lm, variant in chosen]
    done: list[Result | None] = [None] * len(chosen)
    if resume and checkpoint_dir is None:
        raise UsageError("--resume needs --checkpoint DIR (where the checkpoints are)")
    if checkpoint_dir is not None and (ray_address or ((workers or 1) > 1 and len(chosen) == 1)
                                       or depth_first):
        raise UsageError("--checkpoint is for the single breadth-first search: drop --ray, "
                         "--dfs or --workers N on one variant")
    if (len(chosen) > 1 and workers != 1 and not fail_fast and ray_address is None
            and checkpoint_dir is None):
        # Variants in parallel processes (check/parallel.py), results back in order; a
        # variant whose worker failed is explored here, to report its error in place.
        # (a variant whose initial_states= the time limit cut is not searched: not sent)
        sent = [k for k, system in enumerate(systems) if not system.initial_states_cut]
        line = WorkersLine([f"{chosen[k][0].model.name}[{chosen[k][1]}]" for k in sent])
        try:
            answers = explore_many([Job(systems[k], chosen[k][0], chosen[k][1], run_budget,
                                        use_cache()) for k in sent], workers,
                                   progress=line) if sent else []
        finally:
            line.close()
        for k, answer in zip(sent, answers):
            done[k] = answer
    for (lm, variant), system, finished in zip(chosen, systems, done):
        declared = lm.model.expected(variant, system) if expected else None
        progress = ProgressLine(f"{lm.model.name}[{variant}]")
        plan = None if checkpoint_dir is None else CheckpointPlan(
            checkpoint_dir, checkpoint_every, checkpoint_identity(lm, variant), resume,
            name=f"{lm.model.name}[{variant}]")
        if plan is not None and resume and not plan.files():
            click.echo(f"mcfsm: --resume: no checkpoint of {plan.name} in {checkpoint_dir}/; "
                       "its search starts afresh", err=True)
        variant_budget = (dataclasses.replace(run_budget, stop_on=_unexpected_if_violated(
            system, declared)) if fail_fast else run_budget)
        try:
            backend = None
            if ray_address is not None:  # imported here: Ray's client is for --ray alone
                from ..check.ray_backend import RayBackend, SystemSpec

                backend = RayBackend(SystemSpec(str(lm.path.resolve()), lm.model.name,
                                                variant), ray_address)
            system, result = explore_variant(
                lm, variant, variant_budget, progress, system, done=finished,
                split=(workers or 2) if ray_address else
                workers if workers is not None and len(chosen) == 1 else 1,
                backend=backend,
                checkpoint=plan)
        finally:
            if backend is not None:
                backend.close()
            progress.done()
        results.append(result)
        record = result_json(lm.model.name, variant, result, declared)
        records.append(record)
        surprised = surprised or record["as_expected"] is False
        text = result_text(lm.model.name, variant, result, expected=declared)
        if summary and not as_json:
            echo(variant_summary(record))
        elif not as_json:
            echo("\n".join(text))
            echo()
        if traces is not None:
            for v in result.verdicts:
                if v.trace is not None:
                    write_trace(traces, trace_record(
                        model=lm.model.name, file=str(lm.path.resolve()), variant=variant, system=system,
                        prop=v.property, status=v.status, source="explorer", trace=v.trace))
        if out is not None:
            folder = out / lm.model.name
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{variant}.txt").write_text("\n".join(text) + "\n")
            (folder / f"{variant}.json").write_text(report_file_text(record))
        if result.stopped_by == "interrupted":
            break
        if fail_fast and (record["as_expected"] is False
                          or (not expected and result.failed)):
            left = len(chosen) - len(results)
            click.echo(f"mcfsm: --fail-fast: stopped at the first unexpected violation "
                       f"({lm.model.name}[{variant}])"
                       + (f"; {left} variant(s) not checked" if left else ""), err=True)
            break
    if as_json:  # each record laid out as `--out` writes it: json's C encoder, line by line
        echo("[\n" + ",\n".join(report_file_text(r).rstrip("\n") for r in records) + "\n]"
             if records else "[]")
    else:
        echo(closing_line(records))
    if out is not None:
        (out / "summary.json").write_text(json.dumps(
            [{k: r[k] for k in ("model", "variant", "distinct_states", "total_states", "depth",
                                "complete", "elapsed_s")}
             | {"verdicts": {p["name"]: p["verdict"] for p in r["properties"]}}
             for r in records], indent=2) + "\n")
    empty = [f"{r['model']}[{r['variant']}] {p['name']}" for r in records
             for p in r["properties"] if p["vacuous"]]
    if empty:
        click.echo(f"mcfsm: warning: {len(empty)} vacuous propert{'y' if len(empty) == 1 else 'ies'}"
                   f" (their state comparisons never change truth value): {', '.join(empty)}",
                   err=True)
        if strict:
            click.echo("mcfsm: error: --strict: vacuous properties", err=True)
            sys.exit(EXIT_ERROR)
    if any(r.stopped_by == "interrupted" for r in results):
        skipped = len(chosen) - len(results)
        click.echo("mcfsm: interrupted: the last result is partial (INCOMPLETE)"
                   + (f"; {skipped} variant(s) not checked" if skipped else ""), err=True)
        sys.exit(EXIT_INTERRUPTED)
    if expected:  # coverage as a verdict, per model whose every variant ran here
        by_model: dict[str, tuple[Any, dict[str, Result]]] = {}
        for (lm, variant), result in zip(chosen, results):
            by_model.setdefault(lm.model.name, (lm.model, {}))[1][variant] = result
        for model, runs in by_model.values():
            for gap in coverage_gaps(model, runs):
                click.echo(f"mcfsm: coverage: {gap}", err=True)
                surprised = True
    if surprised or (not expected and any(r.failed for r in results)):
        sys.exit(EXIT_VIOLATED)
    unjudged = [f"{r['model']}[{r['variant']}] {p['name']}" for r in records
                for p in r["properties"] if p["verdict"] == "unknown"]
    if not all(r.complete for r in results) or unjudged:
        # a property not judged is never a pass, whatever the reason (a budget, or a search
        # mode that does not judge temporal properties)
        if unjudged and all(r.complete for r in results):
            click.echo(f"mcfsm: not judged ({len(unjudged)}; each verdict says why): "
                       + ", ".join(unjudged), err=True)
        sys.exit(EXIT_INCONCLUSIVE)
    sys.exit(EXIT_OK)


def checkpoint_identity(lm: LoadedModel, variant: str) -> str:
    """What a resumed search must match: what loading the model read (its files' digests),
    the variant and mcfsm's own source."""
    return json.dumps({"reads": dataclasses.asdict(lm.reads), "variant": variant,
                       "mcfsm": mcfsm_digest()}, sort_keys=True, default=str)
