"""What exploring a variant's parameter choices together could save, judged before building
it (issue 34: the 30 s target for `check models/`).

A variant with parameters is explored once per combination of choices
(check/choices.py), and the figures add up: a state that two combinations both reach is
stored and expanded twice, once with each combination's params. A search over all the
combinations at once (a featured transition system: one state, the set of combinations it
is reached under) stores such a state once. So the number of states it stores is at least
the number of distinct states with the params left out, counted across every combination;
this script counts both, by a plain breadth-first search of each combination
(`System.successors`), so the ratio is a ceiling on what sharing could save.

    .venv/bin/python benchmarks/param_sharing.py                 # variants up to 200,000 states
    .venv/bin/python benchmarks/param_sharing.py --limit 50000   # smaller ones only, faster
    .venv/bin/python benchmarks/param_sharing.py --limit 3000000 private_call_migration:as_published
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.engine_reference import variants  # noqa: E402
from mcfsm.check.choices import combination_count, combinations  # noqa: E402
from mcfsm.lang.system import System  # noqa: E402


class TooLargeError(Exception):
    pass


def reachable(system: System, limit: int) -> set[tuple]:
    """Every state reachable from the initial states (TooLargeError past `limit`)."""
    seen = set(system.initial_states())
    queue = deque(seen)
    while queue:
        for _key, after in system.successors(queue.popleft()):
            if after not in seen:
                seen.add(after)
                queue.append(after)
                if len(seen) > limit:
                    raise TooLargeError()
    return seen


def sharing(system: System, limit: int) -> tuple[int, int, int]:
    """(combinations, states summed over the combinations, distinct states without the
    params across them)."""
    total, shared = 0, set()
    combos = 0
    for combo in combinations(system):
        states = reachable(system.restricted(dict(combo)), limit - total)
        combos += 1
        total += len(states)
        shared.update(state[1:] for state in states)
    return combos, total, len(shared)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("only", nargs="*", metavar="MODEL:VARIANT",
                        help="these variants only (default: every bundled variant)")
    parser.add_argument("--limit", type=int, default=200_000,
                        help="skip a variant past this many states in all (default 200,000)")
    args = parser.parse_args()
    rows = []
    for model_name, variant, model, _file in variants("models"):
        if args.only and f"{model_name}:{variant}" not in args.only:
            continue
        system = model.system(variant)
        name = f"{model_name}[{variant}]"
        if combination_count(system) <= 1:
            print(f"{name}: one combination, nothing to share", flush=True)
            continue
        started = time.process_time()
        try:
            combos, total, shared = sharing(system, args.limit)
        except TooLargeError:
            print(f"{name}: past {args.limit:,} states, skipped", flush=True)
            continue
        rows.append((name, combos, total, shared))
        print(f"{name}: {combos} combinations, {total:,} states in all, {shared:,} "
              f"without the params ({total / shared:.2f}x); "
              f"{time.process_time() - started:.1f} s", flush=True)
    if rows:
        total = sum(r[2] for r in rows)
        shared = sum(r[3] for r in rows)
        print(f"\n{len(rows)} variants measured: {total:,} states in all, {shared:,} without "
              f"the params ({total / shared:.2f}x); per variant from "
              f"{min(r[2] / r[3] for r in rows):.2f}x to {max(r[2] / r[3] for r in rows):.2f}x")


if __name__ == "__main__":
    main()
