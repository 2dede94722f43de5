"""Random exploration at engine speed (issue 20), measured in one run.

    .venv/bin/python benchmarks/bench_simulate.py [--examples N] [--seed S]
    .venv/bin/python benchmarks/bench_simulate.py --driver   # steps per CPU second (issue 59)

For each bundled model variant: the exhaustive search's shortest counterexample lengths
(the reference), then `simulate` guided+swarm and uniform with the same seed and examples.
Printed per run: steps, seconds, steps/s (shrinking included), distinct states, time to the
first violation found, and per violated property the shrunk length against the shortest.
Targets: >= 20,000 steps/s on one core; shrunk within 2 steps of the shortest (printed
after simulate's bounded breadth-first pass, and by shrinking alone before it).

`--driver` measures the rate as issue 20's last round did (its `/tmp/time_sim.py`:
`simulate(system, examples=100, steps=100, seed=1)`, guided+swarm, steps per CPU second
of the call, time.process_time, so a shared machine does not halve it as it halves the
wall-clock steps/s that `simulate` prints), on TLA+'s SimplifiedFastPaxos unreduced
(benchmarks/symmetric_paxos.py), TwoPhase 3 and private_call_redirect[switch_off_with_hold],
with and without shrinking, each twice in one run: with the walker's kept expansions
(walk.Walker.expand) and without them (every step expanded afresh, as before issue 59),
with the ratio. The runs are the same either way (the script fails when the steps differ).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mcfsm import explore  # noqa: E402
from mcfsm.check.runs import walk  # noqa: E402
from mcfsm.check.runs.simulation import simulate  # noqa: E402
from mcfsm.lang.loader import load_path  # noqa: E402

sys.path.insert(0, str(ROOT / "tests" / "validation"))
import twophase  # noqa: E402

from benchmarks import symmetric_paxos  # noqa: E402


def first_violation_clock() -> tuple[dict[str, float], object]:
    """Patch Walker.run to note when the first violating run was seen."""
    seen: dict[str, float] = {}
    original = walk.Walker.run

    def run(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        result = original(self, *args, **kwargs)
        if result.violated is not None and "first" not in seen:
            seen["first"] = time.perf_counter()
        return result

    walk.Walker.run = run  # type: ignore[method-assign]
    return seen, original


def driver_rate(system, shrink: bool, kept: bool) -> tuple[int, float, float]:  # type: ignore[no-untyped-def]
    """(steps, CPU s, wall s) of issue 20's driver's simulate call; kept: the walker's
    kept expansions on (today) or off (each step expanded afresh, as before)."""
    expand = walk.Walker.expand
    if not kept:
        walk.Walker.expand = lambda self, idxs: self.steps.expand(idxs)  # type: ignore[method-assign]
    try:
        cpu, wall = time.process_time(), time.perf_counter()
        sim = simulate(system, examples=100, steps=100, seed=1, swarm=True, guided=True,
                       shrink=shrink)
        return sim.steps, time.process_time() - cpu, time.perf_counter() - wall
    finally:
        walk.Walker.expand = expand  # type: ignore[method-assign]


def driver() -> int:
    redirect = next(lm.model for lm in load_path(ROOT / "models" / "private_call_redirect.py"))
    systems = [("SimplifiedFastPaxos, unreduced", lambda: symmetric_paxos.build(False)),
               ("TwoPhase 3", lambda: twophase.build(3)),
               ("private_call_redirect[switch_off_with_hold]",
                lambda: redirect.system("switch_off_with_hold"))]
    print("| model | shrinking | steps | CPU s, afresh | steps/CPU s, afresh | CPU s, kept "
          "| steps/CPU s, kept | kept / afresh (rate) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    failed = False
    for name, build in systems:
        for shrink in (False, True):
            steps, before_s, _ = driver_rate(build(), shrink, kept=False)
            again, after_s, _ = driver_rate(build(), shrink, kept=True)
            failed = failed or steps != again
            print(f"| {name} | {'yes' if shrink else 'no'} | {steps:,} | {before_s:.2f} | "
                  f"{steps / before_s:,.0f} | {after_s:.2f} | {again / after_s:,.0f} | "
                  f"**{before_s / after_s:.2f}** |", flush=True)
    if failed:
        print("DIFFERENT RUNS with and without the kept expansions")
    return 1 if failed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--driver", action="store_true",
                        help="steps per CPU second with issue 20's driver (module doc)")
    args = parser.parse_args()
    if args.driver:
        sys.exit(driver())
    rows = []
    for lm in load_path(ROOT / "models"):
        for variant in lm.model.variants:
            system = lm.model.system(variant)
            shortest = {v.property.name: len(v.trace) for v in explore(system).verdicts
                        if v.status == "violated" and v.trace is not None
                        and not v.property.temporal}
            for mode, guided in (("guided", True), ("uniform", False)):
                seen, original = first_violation_clock()
                started = time.perf_counter()
                sim = simulate(system, examples=args.examples, steps=100, seed=args.seed,
                               swarm=guided, guided=guided)
                walk.Walker.run = original  # type: ignore[method-assign]
                first = f"{seen['first'] - started:.2f}s" if "first" in seen else "-"
                lengths = {o.property.name: len(o.trace) for o in sim.outcomes
                           if o.status == "violated" and o.trace is not None
                           and o.property.name in shortest}
                within = sum(1 for n, k in lengths.items() if k - shortest[n] <= 2)
                # before the bounded breadth-first pass: hypothesis's and the walker's own
                shrunk = {n: sim.shrunk_lengths[n] for n in lengths}
                within_shrunk = sum(1 for n, k in shrunk.items() if k - shortest[n] <= 2)
                found = f"{len(lengths)}/{len(shortest)}"
                worst = max((k - shortest[n] for n, k in lengths.items()), default=0)
                rows.append((sim.steps_per_s, within, len(lengths), within_shrunk))
                print(f"{lm.model.name}[{variant}] {mode:8} {sim.steps:>9,} steps "
                      f"{sim.elapsed_s:6.1f}s {sim.steps_per_s:>8,.0f} steps/s "
                      f"{sim.distinct_states:>7,} states  first violation {first:>6}  "
                      f"violated {found}, within 2 of shortest {within}/{len(lengths)} "
                      f"(worst +{worst}; by shrinking alone {within_shrunk})", flush=True)
    rates = sorted(r for r, _, _, _ in rows)
    print(f"\nsteps/s: min {rates[0]:,.0f}, median {rates[len(rates) // 2]:,.0f}, "
          f"max {rates[-1]:,.0f} (target >= 20,000)")
    print(f"within 2 steps of the shortest: {sum(r[1] for r in rows)} of "
          f"{sum(r[2] for r in rows)} violations found (by hypothesis's and the walker's "
          f"shrinking alone, before the bounded breadth-first pass: {sum(r[3] for r in rows)})")


if __name__ == "__main__":
    main()
