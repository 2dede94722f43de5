"""What sharing the memo tables across a variant's parameter combinations saves (issue 34:
the 30 s target for `check models/`).

Each combination of a variant's choices is its own search (check/choices.py). Before
session 31 each search built its own interning tables and memos, so the model code of
every local step and every property predicate ran again in each combination, though most
of it never reads a parameter. `explore_by_choice` now runs them on one SharedTables
(search/explorer.py). This script runs every bundled variant with several combinations
both ways in this process, alternately, and prints the CPU seconds of each (the faster of
`--repeat` runs) and their ratio. It fails if the two differ in any count, verdict,
whole trace, coverage figure or per-combination record.

    .venv/bin/python benchmarks/shared_tables.py                  # every bundled variant
    .venv/bin/python benchmarks/shared_tables.py private_call_migration:as_published
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.engine_reference import variants  # noqa: E402
from mcfsm import explore  # noqa: E402
from mcfsm.check.choices import combination_count, explore_by_choice  # noqa: E402
from mcfsm.check.kernel.core import load  # noqa: E402


def separate(system: Any, budget: Any, progress: Any = None) -> Any:
    """One combination's search on its own tables (the explorer before session 31)."""
    return explore(system, budget, progress=progress)


def figures(result: Any) -> Any:
    return (result.distinct_states, result.total_states, result.depth, result.complete,
            sorted(result.coverage.items()), result.per_choice,
            [(v.property.name, v.status, None if v.trace is None else (
                v.trace.states, v.trace.steps, v.trace.note, v.trace.loop_start))
             for v in result.verdicts])


def timed(system: Any, explorer: Any) -> tuple[float, Any]:
    """explore_by_choice's CPU seconds and result: with `explore` itself, its combinations
    share their tables; with `separate`, each builds its own."""
    started = time.process_time()
    result = explore_by_choice(system, explorer=explorer)
    return time.process_time() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("only", nargs="*", metavar="MODEL:VARIANT",
                        help="these variants only (default: every bundled variant with "
                             "several combinations)")
    parser.add_argument("--repeat", type=int, default=2,
                        help="runs of each way per variant, the fastest counted (default 2)")
    args = parser.parse_args()
    print(f"engine core: {load()[1]}", flush=True)
    rows = []
    for model_name, variant, model, _file in variants("models"):
        name = f"{model_name}:{variant}"
        if args.only and name not in args.only:
            continue
        system = model.system(variant)
        combos = combination_count(system)
        if combos <= 1:
            continue
        times: dict[str, list[float]] = {"separate": [], "shared": []}
        results = {}
        for _ in range(args.repeat):
            for way, explorer in (("separate", separate), ("shared", explore)):
                seconds, results[way] = timed(system, explorer)
                times[way].append(seconds)
        if figures(results["separate"]) != figures(results["shared"]):
            sys.exit(f"{name}: the shared tables changed the result")
        a, b = min(times["separate"]), min(times["shared"])
        rows.append((name, combos, results["shared"].distinct_states, a, b))
        print(f"{name}: {combos} combinations, {results['shared'].distinct_states:,} states; "
              f"separate {a:.2f} s, shared {b:.2f} s ({a / b:.2f}x); same figures",
              flush=True)
    if rows:
        a = sum(r[3] for r in rows)
        b = sum(r[4] for r in rows)
        print(f"\n{len(rows)} variants, {sum(r[2] for r in rows):,} states: separate {a:.1f} s "
              f"CPU, shared {b:.1f} s ({a / b:.2f}x); per variant "
              f"{min(r[3] / r[4] for r in rows):.2f}x to {max(r[3] / r[4] for r in rows):.2f}x")


if __name__ == "__main__":
    main()
