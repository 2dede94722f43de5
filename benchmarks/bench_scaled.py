"""Past the exhaustive bound (issue 20): a migration model too large for exhaustive search,
searched by guided random exploration and by plain uniform runs, measured in one run.

    .venv/bin/python benchmarks/bench_scaled.py [--exhaustive-seconds 600] [--seconds 120]
        [--seeds 1,2,3] [--modes guided,uniform,swarm] [--members 2] [--chart DIR]
    .venv/bin/python benchmarks/bench_scaled.py --quick     # the swarm against one run, ~4 min

The instance: models/private_call_redirect.py's `build` with both CRs, user 2 migrating
three times to any other MC system (free chains, back home included), client 1 calling
twice, and every `Param` of the model explored (the bundled free_chain variant migrates
twice and pins four parameters, which keeps it exhaustive).

The known violations: the properties the bundled free_chain variant violates (exhaustive,
computed first). Every behaviour of free_chain is one of the scaled instance (its pinned
choices are among the choices explored here, its two migrations within the three
allowed), so each of those violations exists here too, and free_chain's shortest
counterexample bounds this instance's shortest from above.

Printed: the exhaustive search of the instance cut at --exhaustive-seconds (states, depth,
states/s, which known violations it had found); then per seed, guided (target() and
swarm, the default of `mcfsm simulate`) and uniform runs, each with a budget of
--seconds: steps/s, distinct states seen, time to each known violation, its length after
simulate's bounded breadth-first pass and after shrinking alone, against free_chain's
shortest; then a swarm of --members guided simulations at once (check/runs/swarm.py, `mcfsm
simulate --workers N`: seeds S..S+N-1, forked processes, each with the same --seconds
budget), with each member's figures, and the swarm against the single guided run of the
same seed: aggregate steps/s (all members' steps over the swarm's wall time, forking and
merging included) and distinct states (the union, by stable hash) as ratios swarm/single;
last, the shrunk chart of the first violation found (the text trace, and an SVG sequence
chart under --chart DIR when given).

--quick: no exhaustive search of the instance, seeds 1 and 2, 60 s per search, guided and
swarm only, and no separate breadth-first pass (shrunk lengths only): about 4 minutes.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mcfsm import explore  # noqa: E402
from mcfsm.check.results import Budget  # noqa: E402
from mcfsm.check.runs.simulation import (  # noqa: E402
    SHORTEST_WITHIN,
    Simulation,
    breadth_first_shortest,
    simulate,
)
from mcfsm.check.runs.swarm import Share, SwarmOptions, forked_members, swarm  # noqa: E402
from mcfsm.lang.loader import load_path  # noqa: E402
from mcfsm.lang.system import System  # noqa: E402
from mcfsm.show.trace import trace_text  # noqa: E402


def scaled_instance() -> tuple[System, System]:
    """(the bundled free_chain variant, the scaled instance) of private_call_redirect."""
    [lm] = [m for m in load_path(ROOT / "models") if m.model.name == "private_call_redirect"]
    free_chain = lm.model.system("free_chain")
    # The variant's factory closes over the model file's own `build` (loaded by mcfsm's
    # loader, not importable as a module): take it from there.
    build = lm.model.variants["free_chain"].build.__globals__["build"]
    scaled = build(kms_in_redirect=True, migration_indication=True, max_migrations=3,
                   fixed_chain=False, client1_calls=2)
    return free_chain, scaled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exhaustive-seconds", type=float, default=600.0)
    parser.add_argument("--exhaustive-max-states", type=int, default=80_000_000,
                        help="a memory guard for the exhaustive run (about 60 B per state)")
    parser.add_argument("--seconds", type=float, default=120.0,
                        help="the budget of each random search")
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--modes", default="guided,uniform,swarm",
                        help="which random searches to run per seed (comma-separated)")
    parser.add_argument("--members", type=int, default=2, help="the swarm's members")
    parser.add_argument("--no-bfs-pass", action="store_true",
                        help="skip timing simulate's breadth-first pass on cut runs")
    parser.add_argument("--quick", action="store_true",
                        help="--exhaustive-seconds 0 --seeds 1,2 --seconds 60 "
                             "--modes guided,swarm --no-bfs-pass")
    parser.add_argument("--chart", type=Path, default=None, metavar="DIR")
    args = parser.parse_args()
    if args.quick:
        args.exhaustive_seconds, args.seeds, args.seconds = 0.0, "1,2", 60.0
        args.modes, args.no_bfs_pass = "guided,swarm", True
    modes = args.modes.split(",")
    unknown = set(modes) - {"guided", "uniform", "swarm"}
    if unknown:
        parser.error(f"--modes: unknown {', '.join(sorted(unknown))}")
    run_started = time.perf_counter()
    print(f"load average at start: {os.getloadavg()[0]:.2f} (2 cores)", flush=True)

    free_chain, scaled = scaled_instance()
    started = time.perf_counter()
    reference = explore(free_chain)
    known = {v.property.name: len(v.trace) for v in reference.verdicts
             if v.status == "violated" and v.trace is not None and not v.property.temporal}
    print(f"free_chain (bundled, exhaustive): {reference.distinct_states:,} states in "
          f"{time.perf_counter() - started:.1f} s; known violations and their shortest "
          f"counterexamples: {', '.join(f'{n} {k}' for n, k in sorted(known.items()))}",
          flush=True)

    if args.exhaustive_seconds > 0:
        started = time.perf_counter()
        cut = explore(scaled, Budget(time_limit=args.exhaustive_seconds,
                                     max_states=args.exhaustive_max_states))
        seconds = time.perf_counter() - started
        found = sorted(v.property.name for v in cut.verdicts
                       if v.status == "violated" and v.property.name in known)
        print(f"scaled, exhaustive: {'complete' if cut.complete else 'NOT complete'} after "
              f"{seconds:.0f} s (stopped by {cut.stopped_by or 'nothing'}): "
              f"{cut.distinct_states:,} distinct states, depth {cut.depth} reached, "
              f"{cut.distinct_states / seconds:,.0f} states/s; known violations found: "
              f"{len(found)} of {len(known)}", flush=True)
        del cut
        # Breadth-first search finds a short violation soon too: time it per property (the
        # search stopping at the first violation of that property, so at its shortest)
        for name in sorted(known, key=known.get):
            started = time.perf_counter()
            first = explore(scaled, Budget(time_limit=args.exhaustive_seconds,
                                           max_states=args.exhaustive_max_states,
                                           stop_on=frozenset({name})))
            [v] = [v for v in first.verdicts if v.property.name == name]
            length = f"{len(v.trace)} steps" if v.trace is not None else "-"
            print(f"  exhaustive, stopping at {name}: {v.status} after "
                  f"{time.perf_counter() - started:.1f} s, {first.distinct_states:,} states "
                  f"(shortest counterexample {length})", flush=True)
            del first

    first_chart = None
    for seed in (int(s) for s in args.seeds.split(",")):
        single: Simulation | None = None
        for mode in modes:
            guided = mode != "uniform"
            shares: list[Share] = []
            if mode == "swarm":
                def keep(system: System, members: int, options: SwarmOptions,
                         kept: list[Share] = shares) -> list[Share]:
                    kept.extend(forked_members(system, members, options))  # each member's figures
                    return kept

                sim = swarm(scaled, args.members, SwarmOptions(
                    1_000_000, 100, seed, Budget(time_limit=args.seconds)), runner=keep)
                mode = f"swarm {args.members}"
            else:
                sim = simulate(scaled, examples=1_000_000, steps=100, seed=seed, swarm=guided,
                               guided=guided, budget=Budget(time_limit=args.seconds))
            lengths = {o.property.name: len(o.trace) for o in sim.outcomes
                       if o.status == "violated" and o.trace is not None}
            times = ", ".join(f"{n} {sim.found_after[n]:.1f}s/{lengths[n]} steps "
                              f"(shrunk {sim.shrunk_lengths.get(n, '-')}, free_chain {known[n]})"
                              for n in sorted(lengths, key=lambda n: sim.found_after.get(n, 0))
                              if n in known and n in sim.found_after)
            if sim.stopped_by is not None and not args.no_bfs_pass:
                # simulate skips its breadth-first pass once its budget is spent (the budget
                # is the user's); run the same pass here, timed on its own
                for n in lengths:
                    started = time.perf_counter()
                    bfs = breadth_first_shortest(scaled, n, lengths[n], SHORTEST_WITHIN, None)
                    if bfs is not None:
                        times += (f"; {n} by the breadth-first pass: {len(bfs)} steps in "
                                  f"{time.perf_counter() - started:.1f} s")
            first = min((sim.found_after[n] for n in lengths if n in sim.found_after),
                        default=None)
            estimate = f"{sim.estimated_states:,}" if sim.estimated_states else "-"
            print(f"seed {seed} {mode:8} {sim.steps:>10,} steps {sim.elapsed_s:6.1f}s "
                  f"{sim.steps_per_s:>8,.0f} steps/s {sim.distinct_states:>9,} states "
                  f"(Chao1 estimate {estimate}); first violation "
                  f"{f'{first:.1f}s' if first is not None else '-'}; known found "
                  f"{len(set(lengths) & set(known))}/{len(known)}: {times}", flush=True)
            for share in shares:
                found = ", ".join(f"{n} {share.found_after[n]:.1f}s/"
                                  f"{share.shrunk_lengths.get(n, '-')} steps"
                                  for n in sorted(share.found_after, key=share.found_after.get))
                print(f"    member seed {share.seed}: {share.steps:,} steps in "
                      f"{share.elapsed_s:.1f} s ({share.steps / share.elapsed_s:,.0f} steps/s), "
                      f"{len(share.visits):,} states; found (s/shrunk length): {found}",
                      flush=True)
            if shares:
                print(f"    swarm: union {sim.distinct_states:,} states of "
                      f"{sum(len(s.visits) for s in shares):,} seen by the members "
                      f"(wall {sim.elapsed_s:.1f} s, forking and merging included)", flush=True)
                if single is not None:
                    print(f"    swarm / single guided, seed {seed}: steps/s "
                          f"{sim.steps_per_s / single.steps_per_s:.2f}x, states "
                          f"{sim.distinct_states / single.distinct_states:.2f}x", flush=True)
            elif mode == "guided":
                single = sim
            if first_chart is None and lengths:
                name = min(lengths, key=lambda n: sim.found_after.get(n, float("inf")))
                [outcome] = [o for o in sim.outcomes if o.property.name == name]
                first_chart = (name, outcome.trace)

    print(f"load average at the end: {os.getloadavg()[0]:.2f}; the whole run "
          f"took {time.perf_counter() - run_started:.0f} s", flush=True)
    if first_chart is not None:
        name, trace = first_chart
        print(f"\nshrunk counterexample of {name} ({len(trace)} steps):")
        print("\n".join(trace_text(scaled, trace)))
        if args.chart is not None:
            from mcfsm.show.charts import chart, dot
            from mcfsm.show.docs import render_svg

            args.chart.mkdir(parents=True, exist_ok=True)
            source = args.chart / f"{name}.dot"
            source.write_text(dot(chart(scaled, trace, f"{name} (scaled instance)",
                                        outcome=f"{name} violated", failed=True)))
            print(f"chart: {render_svg(source)}")


if __name__ == "__main__":
    main()
