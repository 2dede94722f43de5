"""`mcfsm simulate`: property-based exploration, hypothesis choosing and shrinking runs on the
engine's own successor function (check/runs/simulation.py)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from ..check.expectations import declares_violation
from ..errors import ModelError
from ..lang.loader import load_path
from ..show.report import STOP_WORDS
from ..show.trace import trace_text
from ..show.tracefile import trace_record, write_trace
from ..show.values import plural
from .common import (
    EXIT_INCONCLUSIVE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_VIOLATED,
    Seconds,
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

# --shrink-time's default: a violation found in a second is not reported half a minute
# later (issue 57: a 38-step run took 31 s to shrink); the run as found is printed at once
# anyway, and most shrinks settle within a few seconds.
SHRINK_TIME_S = 10.0

HELP = ("Explore the model(s) at PATH with random runs: hypothesis chooses (guided towards "
        "states no run reached yet, swarm runs that avoid random subsets of transitions), the "
        "engine's successor function steps, every property is checked at once, and a "
        "violation is shrunk to a short run and written as a trace file. Random runs are not "
        "a proof: each verdict says how many steps and distinct states it rests on. Temporal "
        "properties are judged on the lassos the runs close (a run that revisits a state, "
        "or may stay where it is for ever), under the declared fairness as `mcfsm check` "
        "judges them: a violating fair lasso is a real counterexample; none found is not a "
        "proof.\n\n"
        "Budgets: --max-states counts distinct states seen, --max-depth caps the states per "
        "run (N - 1 steps), --time-limit the wall clock.\n\n"
        + exit_help("no property found violated (random runs are not a proof)",
                    "a property is violated (with --expected: one the model declares to hold)"))


@click.command(help=HELP)
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--variant", "variants", multiple=True, metavar="NAME",
              help="Simulate only this variant (repeatable). Default: every variant.")
@click.option("--examples", type=click.IntRange(min=1, max=10**9), default=100, show_default=True,
              help="Hypothesis examples per search; each is a batch of runs of about 1,000 "
                   "steps in all.")
@click.option("--steps", type=click.IntRange(min=1, max=10**6), default=None,
              help="Steps per run at most. Default: each hypothesis example draws its runs' "
                   "bound among 50, 100, 200, ..., 6,400 steps, so that shallow runs go on "
                   "beside runs to the end of a behaviour (a run ends earlier where its "
                   "behaviour does: a final state). The output says how deep the runs went, "
                   "and when every one was cut at its bound.")
@click.option("--seed", type=click.IntRange(min=0, max=2**64 - 1), default=None, metavar="S",
              help="Random seed; printed when not given, so any run can be repeated.")
@click.option("--traces", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              default=None,
              help="Write each shrunk counterexample as a trace file under DIR (mcfsm "
                   "replay). Default: none is written.")
@click.option("--keep-going", is_flag=True,
              help="Search on after the first violation, for every property (default: stop "
                   "at the first violation; with --expected, the first the model does not "
                   "declare). A swarm (--workers N) always searches on.")
@click.option("--uniform", is_flag=True,
              help="Plain uniform random runs: no guidance towards new states, no swarm "
                   "(for comparison).")
@click.option("--expected", is_flag=True,
              help="Exit 1 only when a property the model declares to hold is violated.")
@click.option("--shortest-within", type=click.IntRange(min=0), default=None, metavar="STATES",
              help="After shrinking, a breadth-first search of at most this many states, no "
                   "deeper than the shrunk run, looks for the shortest counterexample of "
                   "each violated safety property (0: none; default 200,000; the output says "
                   "which traces are the shortest).")
@click.option("--shrink-time", type=Seconds(), default=SHRINK_TIME_S, show_default=True,
              metavar="SECONDS",
              help="Shrink each violation for at most this many seconds from when it was "
                   "found (hypothesis's shrinking, the walker's, and the breadth-first "
                   "search for the shortest), then report the shortest run found by then; the "
                   "output says whether shrinking finished or was cut. The run as found is "
                   "printed, and written to a trace file, the moment it is found.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              metavar="N",
              help="A swarm: N simulations of each variant at once, in forked processes, "
                   "with seeds S, S+1, ..., S+N-1 (each replays alone from its seed); their "
                   "findings are merged (the shortest counterexample of each property, the "
                   "union of the states seen). Budgets are each member's.")
@click.option("--ray", "ray_address", metavar="ADDRESS",
              help="Run the swarm's members as Ray tasks (pip install 'mcfsm[ray]'): "
                   "'local', 'auto' or HOST:PORT as for `mcfsm check --ray`. --workers N: "
                   "members (default 2).")
@budget_options
@guarded
def simulate(path: Path, variants: tuple[str, ...], examples: int, steps: int | None,
             seed: int | None, traces: Path | None, keep_going: bool, uniform: bool,
             expected: bool,
             shortest_within: int | None, shrink_time: float, workers: int,
             ray_address: str | None, max_states: int | None, max_depth: int | None,
             time_limit: float | None) -> None:
    import random

    from hypothesis.reporting import with_reporter

    from ..check.ray_backend import RaySwarm, SystemSpec
    from ..check.runs.simulation import SHORTEST_WITHIN
    from ..check.runs.simulation import simulate as run_simulation
    from ..check.runs.swarm import SwarmOptions, swarm

    if traces is not None:
        check_output_dir(traces, "--traces")
    members = max(workers, 2) if ray_address and workers == 1 else workers
    loaded = load_path(path)
    seed = random.randrange(2**32) if seed is None else seed
    run_budget = budget(max_states, max_depth, time_limit)
    failed = False
    stopped: list[str] = []
    for lm, variant in selected(loaded, variants):
        system = build(lm, variant)
        declared = lm.model.expected(variant, system)
        found = FoundAtOnce(lm, variant, system, traces)
        if system.initial_states_cut:
            click.echo(f"mcfsm: {where(lm, variant)}: {system.initial_states_cut}; no run "
                       "started (raise --time-limit, or make initial_states= faster)", err=True)
        try:
            # hypothesis's own report names its internal test function; the trace file and
            # `mcfsm replay` are how a run is replayed
            within = SHORTEST_WITHIN if shortest_within is None else shortest_within
            with with_reporter(lambda _text: None):
                if members == 1 and not ray_address:
                    sim = run_simulation(system, examples=examples, steps=steps, seed=seed,
                                         budget=run_budget, swarm=not uniform,
                                         guided=not uniform, shortest_within=within,
                                         shrink_time=shrink_time, on_found=found,
                                         stop_on=None if keep_going else frozenset(
                                             p.name for p in system.properties
                                             if not expected or not declares_violation(
                                                 declared.get(p.name, "holds"))))
                else:
                    sim = swarm(system, members, SwarmOptions(
                        examples, steps, seed, run_budget, swarm=not uniform,
                        guided=not uniform, shortest_within=within, shrink_time=shrink_time),
                        runner=RaySwarm(SystemSpec(str(lm.path.resolve()), lm.model.name,
                                                   variant), ray_address)
                        if ray_address else None)
        except ModelError as exc:
            raise exc.located(where(lm, variant)) from exc
        cut = (f"; INCOMPLETE, stopped by {STOP_WORDS.get(sim.stopped_by, sim.stopped_by)}"
               if sim.stopped_by else "")
        mode = "uniform random" if uniform else "guided and swarm"
        where_run = ("" if sim.members == 1 else
                     f"; {sim.members} simulations at once"
                     + (f" as Ray tasks ({ray_address})" if ray_address else "")
                     + f", seeds {seed}..{seed + sim.members - 1}, merged")
        echo(f"{lm.model.name}[{variant}]: {sim.examples:,} runs, {sim.steps:,} random "
             f"steps, {sim.distinct_states:,} distinct states, {sim.elapsed_s:.1f} s, "
             f"{sim.steps_per_s:,.0f} steps/s ({mode} runs on the engine's successor "
             f"function, hypothesis seed {seed}{where_run}{cut})")
        echo("  " + coverage_words(sim))
        echo("  " + depth_words(sim))
        if sim.stopped_by:
            stopped.append(sim.stopped_by)
        width = max(len(o.property.name) for o in sim.outcomes)
        for o in sim.outcomes:
            word = {"violated": "VIOLATED", "no violation found": "no violation",
                    "witnessed": "witnessed", "not witnessed": "not seen",
                    "not checked": "not checked"}[o.status]
            line = f"  {word:<12} {o.property.name:<{width}}  {o.words}"
            if o.status == "violated" and o.property.name in sim.found_after:
                line += f" (found after {sim.found_after[o.property.name]:.1f} s)"
            if o.status == "violated" and o.trace is not None and traces is not None:
                written = write_trace(traces, trace_record(
                    model=lm.model.name, file=str(lm.path.resolve()), variant=variant, system=system,
                    prop=o.property, status="violated", source="hypothesis", trace=o.trace))
                line += f" -> {written}"
            # "violated only with x=a" is a declared violation too (`mcfsm check
            # --expected` judges which choices give it)
            if o.status == "violated" and (not expected or not declares_violation(
                    declared.get(o.property.name, "holds"))):
                failed = True
            echo(line)
        if sim.stopped_at_first:
            echo("  stopped at the first violation; --keep-going searches on for the other "
                 "properties")
        for o in sim.outcomes:
            if o.status == "violated" and o.trace is not None:
                found = sim.raw_lengths.get(o.property.name)
                kind = ("lasso" if o.trace.loop_start is not None else
                        "unshrunk" if o.property.name in sim.unshrunk else
                        "partly shrunk" if o.property.name in sim.shrink_cut else "shrunk")
                clause = f" ({o.property.clause})" if o.property.clause else ""
                took = sim.shrink_s.get(o.property.name)
                shrinking = ("" if o.property.name in sim.unshrunk else
                             f"shrinking cut by --shrink-time after {shrink_time:g} s"
                             if o.property.name in sim.shrink_cut else
                             "shrinking finished" + (f" in {took:.1f} s" if took else ""))
                # raw_lengths: the run hypothesis reported (shrunk by it, unless its window
                # was cut or it shrank towards another failure), before the walker shortens
                # it; the run as found was printed, with its length, the moment it was found
                said = [f"{plural(found, 'step')} as hypothesis left it"] if found else []
                said += [shrinking] if shrinking else []
                echo(f"\n  {o.property.name} violated{clause}: {kind} "
                     f"counterexample, {plural(len(o.trace), 'step')}"
                     + (f" ({'; '.join(said)})" if said else ""))
                echo("\n".join(trace_text(system, o.trace, indent="    ")))
        echo()
        if sim.stopped_by == "interrupted":
            break
    if "interrupted" in stopped:
        click.echo("mcfsm: interrupted: the last simulation is partial (INCOMPLETE)", err=True)
        sys.exit(EXIT_INTERRUPTED)
    if failed:
        sys.exit(EXIT_VIOLATED)
    sys.exit(EXIT_INCONCLUSIVE if stopped else EXIT_OK)


class FoundAtOnce:
    """simulate(on_found=...): the moment a property is first seen violated, its run as
    found (unshrunk) is printed and written to a trace file (under --traces DIR/unshrunk/,
    else a fresh temporary folder), and the path said: shrinking may take up to --shrink-time,
    and whoever watches (or kills) the run has the counterexample already."""

    def __init__(self, lm: Any, variant: str, system: Any, traces: Path | None) -> None:
        self.lm, self.variant, self.system, self.traces = lm, variant, system, traces

    def __call__(self, name: str, trace: Any, seconds: float) -> None:
        prop = next(p for p in self.system.properties if p.name == name)
        # beside the shrunk traces, not among them (DIR/*.trace.json stays one per finding)
        folder = self.traces / "unshrunk" if self.traces is not None else Path(
            tempfile.mkdtemp(prefix="mcfsm-simulate-"))
        record = trace_record(model=self.lm.model.name, file=str(self.lm.path.resolve()),
                              variant=self.variant, system=self.system, prop=prop,
                              status="violated", source="hypothesis, unshrunk", trace=trace)
        written = write_trace(folder, record, suffix=".unshrunk")
        echo(f"{self.lm.model.name}[{self.variant}]: {name} violated after {seconds:.1f} s: "
             f"the run as found, {plural(len(trace), 'step')} (unshrunk; written to "
             f"{written}); shrinking it")
        echo("\n".join(trace_text(self.system, trace, indent="    ")))
        echo(flush=True)  # now, not when the shrunk report follows (stdout may be a pipe)


def depth_words(sim: Any) -> str:
    """How deep the runs went, and, when every run was cut at its depth bound before its
    behaviour ended, that nothing deeper was reached (issue 73: `--steps 50` missed a
    violation at depth 118 for 20 s, the output saying only "this is not a proof")."""
    runs = sim.runs_cut + sim.runs_ended
    words = (f"depth: the longest run took {plural(sim.deepest, 'step')} (bound: "
             f"{sim.depth_bound or '?'}); of {plural(runs, 'run')} that did not stop at a "
             f"violation, {sim.runs_ended:,} ended where their behaviour does, "
             f"{sim.runs_cut:,} were cut at their bound")
    if runs and not sim.runs_ended and not sim.stopped_at_first:  # (else the search was short)
        fixed = sim.depth_bound.endswith("steps a run") and not sim.depth_bound.startswith("one")
        words += (f". EVERY run was cut before its behaviour ended: no state deeper than "
                  f"{plural(sim.deepest, 'step')} from an initial state was reached, so a "
                  "violation deeper than that cannot have been found (" + (
                      "raise --steps, or leave it out for runs of up to 6,400 steps"
                      if fixed else "this model's behaviours may not end; `mcfsm check` "
                      "searches every depth") + ")")
    return words


def coverage_words(sim: Any) -> str:
    """What a non-exhaustive run covered, said as such."""
    estimate = ("" if sim.estimated_states is None else
                f" (Chao1 estimate of the reachable states: at least about "
                f"{sim.estimated_states:,})")
    never = sim.never_fired
    union = ("" if sim.members == 1 else
             " (the union of the members' states, counted by their 64-bit stable hashes)")
    words = f"coverage: {sim.distinct_states:,} distinct states{union}{estimate}; "
    if not never:
        return words + f"all {sim.transitions} transitions fired"
    names = ", ".join(f"{actor}.{transition}" for actor, transition in never[:8])
    more = f" and {len(never) - 8} more" if len(never) > 8 else ""
    return words + (f"{len(never)} of {sim.transitions} transitions never fired: "
                    f"{names}{more}")
