"""`mcfsm simulate`: random exploration with hypothesis on the transitions runtime."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import ModelError
from ..lang.loader import load_path
from ..show.report import STOP_WORDS
from ..show.trace import trace_text
from ..show.tracefile import trace_record, write_trace
from .common import (
    EXIT_INCONCLUSIVE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_VIOLATED,
    budget,
    budget_options,
    build,
    check_output_dir,
    echo,
    exit_help,
    guarded,
    selected,
    where,
)

HELP = ("Explore the model(s) at PATH with hypothesis on the transitions runtime.\n\n"
        "Budgets: --max-states counts distinct states seen, --max-depth caps the states per "
        "run (N - 1 steps), --time-limit the wall clock.\n\n"
        + exit_help("no property found violated (random runs are not a proof)",
                    "a property is violated (with --expected: one the model declares to hold)"))


@click.command(help=HELP)
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--variant", "variants", multiple=True, metavar="NAME",
              help="Simulate only this variant (repeatable). Default: every variant.")
@click.option("--examples", type=click.IntRange(min=1, max=10**9), default=100, show_default=True,
              help="Random runs (hypothesis examples) per property search.")
@click.option("--steps", type=click.IntRange(min=1, max=10**6), default=50, show_default=True,
              help="Steps per run at most.")
@click.option("--seed", type=click.IntRange(min=0, max=2**64 - 1), default=None, metavar="S",
              help="Random seed; printed when not given, so any run can be repeated.")
@click.option("--traces", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              default=Path("traces"), show_default=True,
              help="Where shrunk counterexamples are written as trace files.")
@click.option("--expected", is_flag=True,
              help="Exit 1 only when a property the model declares to hold is violated.")
@budget_options
@guarded
def simulate(path: Path, variants: tuple[str, ...], examples: int, steps: int,
             seed: int | None, traces: Path, expected: bool, max_states: int | None,
             max_depth: int | None, time_limit: float | None) -> None:
    import random

    from hypothesis.reporting import with_reporter

    from ..check import stateful

    check_output_dir(traces, "--traces")
    loaded = load_path(path)
    seed = random.randrange(2**32) if seed is None else seed
    run_budget = budget(max_states, max_depth, time_limit)
    failed = False
    stopped: list[str] = []
    for lm, variant in selected(loaded, variants):
        system = build(lm, variant)
        declared = lm.model.expected(variant, system)
        reported: list[str] = []
        try:
            with with_reporter(lambda text, sink=reported: sink.append(str(text))):
                sim = stateful.simulate(system, examples=examples, steps=steps, seed=seed,
                                        budget=run_budget)
        except ModelError as exc:
            raise exc.located(where(lm, variant)) from exc
        cut = (f"; INCOMPLETE, stopped by {STOP_WORDS.get(sim.stopped_by, sim.stopped_by)}"
               if sim.stopped_by else "")
        echo(f"{lm.model.name}[{variant}]: {sim.examples:,} runs, {sim.steps:,} random "
                   f"steps, {sim.distinct_states:,} distinct states, {sim.elapsed_s:.1f} s "
                   f"(hypothesis on the transitions runtime, seed {seed}{cut})")
        if sim.stopped_by:
            stopped.append(sim.stopped_by)
        width = max(len(o.property.name) for o in sim.outcomes)
        for o in sim.outcomes:
            word = {"violated": "VIOLATED", "no violation found": "no violation",
                    "witnessed": "witnessed", "not witnessed": "not seen",
                    "not checked": "not checked"}[o.status]
            line = f"  {word:<12} {o.property.name:<{width}}  {o.words}"
            if o.status == "violated" and o.trace is not None:
                written = write_trace(traces, trace_record(
                    model=lm.model.name, file=str(lm.path.resolve()), variant=variant, system=system,
                    prop=o.property, status="violated", source="hypothesis", trace=o.trace))
                line += f" -> {written}"
                if not expected or declared.get(o.property.name) != "violated":
                    failed = True
            echo(line)
        for o in sim.outcomes:
            if o.status == "violated" and o.trace is not None:
                echo(f"\n  {o.property.name} violated ({o.property.clause}): shrunk "
                           f"counterexample, {len(o.trace)} steps")
                echo("\n".join(trace_text(system, o.trace, indent="    ")))
        blobs = [line.strip() for text in (*reported, *sim.reproduce)
                 for line in text.splitlines() if "@reproduce_failure(" in line]
        for blob in dict.fromkeys(blobs):
            echo(f"\n  hypothesis: {blob}")
        echo()
        if sim.stopped_by == "interrupted":
            break
    if "interrupted" in stopped:
        click.echo("mcfsm: interrupted: the last simulation is partial (INCOMPLETE)", err=True)
        sys.exit(EXIT_INTERRUPTED)
    if failed:
        sys.exit(EXIT_VIOLATED)
    sys.exit(EXIT_INCONCLUSIVE if stopped else EXIT_OK)
