"""Temporal properties from random runs (issue 20 item 3), measured in one run.

    .venv/bin/python benchmarks/bench_sim_lassos.py [--examples N] [--seeds K] [--variant V]

For each bundled model variant with temporal properties: the exhaustive verdicts and lasso
lengths (the reference), then `simulate` with seeds 1..K. Printed per seed: seconds, time
to the first run that closed a violating fair lasso, cycles closed (revisits) and stays
judged, and per temporal property the simulated verdict and lasso length, or how many
lassos that left it unmet were discarded as unfair.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--model", default="private_call_migration")
    parser.add_argument("--variant", action="append", default=[],
                        help="only this variant (repeatable); default: every variant")
    args = parser.parse_args()
    first: dict[str, float] = {}
    original = walk.Walker.run

    def run(self, *a, **k):  # type: ignore[no-untyped-def]
        result = original(self, *a, **k)
        if result.loop_start is not None and "at" not in first:
            first["at"] = time.perf_counter()
        return result

    walk.Walker.run = run  # type: ignore[method-assign]
    for lm in load_path(ROOT / "models" / f"{args.model}.py"):
        for variant in args.variant or lm.model.variants:
            system = lm.model.system(variant)
            temporal = [p.name for p in system.properties if p.temporal]
            if not temporal:
                continue
            reference = {v.property.name: v for v in explore(system).verdicts}
            words = ", ".join(f"{n} {reference[n].status}"
                              + (f" ({len(reference[n].trace)} steps)"
                                 if reference[n].trace is not None else "") for n in temporal)
            print(f"{lm.model.name}[{variant}] exhaustive: {words}")
            for seed in range(1, args.seeds + 1):
                first.clear()
                started = time.perf_counter()
                sim = simulate(system, examples=args.examples, steps=50, seed=seed)
                found = (f"{first['at'] - started:.2f} s" if "at" in first else "none")
                c = sim.cycles
                assert c is not None
                outs = []
                for o in sim.outcomes:
                    if not o.property.temporal:
                        continue
                    if o.status == "violated" and o.trace is not None:
                        outs.append(f"{o.property.name} VIOLATED ({len(o.trace)} steps)")
                    else:
                        outs.append(f"{o.property.name} none "
                                    f"({c.unfair.get(o.property.name, 0):,} unfair)")
                print(f"  seed {seed}: {sim.elapsed_s:.1f} s, {sim.steps_per_s:,.0f} steps/s, "
                      f"first violating lasso {found}, {c.cycles:,} revisits, "
                      f"{c.stops:,} stays, {sim.examples:,} runs; " + "; ".join(outs))


if __name__ == "__main__":
    main()
