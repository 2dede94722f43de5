"""Symmetry reduction (System(symmetry=...), check/state/symmetry.py; TLC's SYMMETRY) on
TwoPhase with 5 to 8 RMs declared interchangeable: distinct states and CPU seconds
without and with it, and the ratios, in one run.

    .venv/bin/python benchmarks/bench_symmetry.py            # 5, 6, 7, 8 RMs
    .venv/bin/python benchmarks/bench_symmetry.py --verify   # also count 5 RMs' orbits by brute force

The reduced count is the number of orbits of the reachable states under the permutations of
the RMs (tests/test_symmetry.py computes it independently for 3 and 4 RMs: 80 and 166;
--verify does it here for 5). That is what TLC reports with SYMMETRY Permutations(RM), whose
canonical form is exact too; no TLC figure with SYMMETRY is published for TwoPhase (the
tlaplus/Examples manifest records runs without it). Stateright's 2pc example pins 665
states for 5 RMs with `.symmetry()`: its representative sorts the RMs by state alone, which
is not canonical (an orbit can have several representatives), so it stores more than the
314 orbits. The script fails when a verdict differs between the two searches.
"""

from __future__ import annotations

import itertools
import sys
import time
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "validation"))

import twophase  # noqa: E402

from mcfsm import explore  # noqa: E402
from mcfsm.check.search.symmetric import check_symmetric  # noqa: E402
from mcfsm.check.state import symmetry  # noqa: E402
from mcfsm.lang.symmetry import Renaming  # noqa: E402


def timed(system):
    cpu = time.process_time()
    result = explore(system)
    return result, time.process_time() - cpu


def orbits(n: int) -> int:
    """The orbits of TwoPhase n's reachable states, by brute force over every permutation."""
    system = twophase.build(n, symmetric=True)
    seen = set(system.initial_states())
    queue = deque(seen)
    while queue:
        for _, after in system.successors(queue.popleft()):
            if after not in seen:
                seen.add(after)
                queue.append(after)
    renamings = [Renaming(system, g) for g in symmetry.group(system)]
    return len({frozenset(r.state(s) for r in renamings) for s in seen})


def main() -> int:
    print("| RMs | permutations | distinct, unreduced | CPU s | distinct, symmetry (orbits) "
          "| CPU s | of which the check near the initial states | states ratio "
          "| CPU, reduced / unreduced |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    failed = False
    for n in (5, 6, 7, 8):
        full, full_s = timed(twophase.build(n))
        reduced, reduced_s = timed(twophase.build(n, symmetric=True))
        if [v.status for v in full.verdicts] != [v.status for v in reduced.verdicts]:
            print(f"DISAGREE on {n} RMs: {full.verdicts} vs {reduced.verdicts}")
            failed = True
        perms = len(list(itertools.permutations(range(n))))
        cpu = time.process_time()
        check_symmetric(twophase.build(n, symmetric=True))  # the same check explore runs
        check_s = time.process_time() - cpu
        print(f"| {n} | {perms:,} | {full.distinct_states:,} | {full_s:.2f} | "
              f"{reduced.distinct_states:,} | {reduced_s:.2f} | {check_s:.2f} | "
              f"{full.distinct_states / reduced.distinct_states:.1f} | "
              f"{reduced_s / full_s:.2f} |")
    print(f"engine core: {full.engine}; the symmetry run's CPU includes checking that the "
          "model respects its symmetry on 200 states near the initial ones (the column) and, "
          "under the generators, on every state stored (search/symmetric.py)")
    if "--verify" in sys.argv:
        count = orbits(5)
        reduced = explore(twophase.build(5, symmetric=True)).distinct_states
        print(f"5 RMs: {count} orbits by brute force, {reduced} states with symmetry")
        failed = failed or count != reduced
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
