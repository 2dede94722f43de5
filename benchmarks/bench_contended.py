"""One search over the shared visited set (`--workers 2 --hash-compact`) when another
process competes for the cores (issue 73 item 5): it must never be slower than the single
search. TwoPhase with N resource managers, in one run, alternating:

    .venv/bin/python benchmarks/bench_contended.py            # TwoPhase 8, 1 competitor, 3 rounds
    .venv/bin/python benchmarks/bench_contended.py 9 1 3      # N, competitors, rounds
    .venv/bin/python benchmarks/bench_contended.py 8 1 3 --pin  # the competitor on core 0

Each round runs the single search, the search shared by 2 with each level divided equally
(as before issue 73) and the search shared by 2 with each level divided by the partitions'
measured speeds (backends.py `shares`), while `competitors` CPU-bound processes (a Python
busy loop each, as another check would be) run throughout. `--pin` keeps the competitor on
core 0, so that one partition shares its core with it while the other has a core alone: the
placement where equal shares make the fast partition wait for the slow one at every level.
Printed: wall and CPU seconds (this process and its children: no partition spins while it
waits, so the split's CPU stays near the single search's), the medians, and the ratios
single/shared (above 1: the shared search is faster), with the load average at the start.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests" / "validation"), str(ROOT)]


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(run: Callable[[], Any]) -> tuple[float, float, Any]:
    cpu, start = _cpu(), time.perf_counter()
    result = run()
    return time.perf_counter() - start, _cpu() - cpu, result


def main() -> int:
    import twophase

    from mcfsm import Budget, explore
    from mcfsm.check.split.backends import ForkedPartitions
    from mcfsm.check.split.partitioned import explore_split

    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    size, competitors, rounds = (int(a) for a in (args + ["8", "1", "3"][len(args):]))
    pin = "--pin" in sys.argv
    system = twophase.build(size)
    shared = Budget(hash_compact=True)

    def split(concurrent: bool) -> Callable[[], Any]:
        def run() -> Any:
            ForkedPartitions.concurrent = concurrent
            try:
                return explore_split(system, shared, workers=2)
            finally:
                ForkedPartitions.concurrent = True
        return run

    runs: dict[str, Callable[[], Any]] = {
        "single search": lambda: explore(system),
        "shared by 2, equal shares": split(False),
        "shared by 2, by speed": split(True),
    }
    hog = [sys.executable, "-c", "while True: pass"]
    print(f"TwoPhase {size} RMs; {competitors} competing process(es)"
          f"{' pinned to core 0' if pin else ''}; load average before they start "
          f"{os.getloadavg()[0]:.2f} on {len(os.sched_getaffinity(0))} cores")
    hogs = [subprocess.Popen(["taskset", "-c", "0", *hog] if pin else hog)
            for _ in range(competitors)]
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
    counts = set()
    try:
        time.sleep(1)
        for r in range(rounds):
            for name, run in runs.items():
                wall, cpu, result = _timed(run)
                figures[name].append((wall, cpu))
                counts.add((result.distinct_states, result.total_states, result.depth))
                print(f"  round {r + 1} {name:>26}: {wall:6.2f} s wall, {cpu:6.2f} s CPU",
                      flush=True)
    finally:
        for h in hogs:
            h.kill()
            h.wait()
    print(f"  counts {'equal' if len(counts) == 1 else 'DIFFER'}: {sorted(counts)}")
    base = figures["single search"]
    for name, pairs in figures.items():
        ratios = [b[0] / p[0] for b, p in zip(base, pairs)]
        print(f"  {name:>26}: median {statistics.median(w for w, _ in pairs):6.2f} s wall, "
              f"{statistics.median(c for _, c in pairs):6.2f} s CPU; single/this "
              f"{statistics.median(ratios):.2f}x (rounds {min(ratios):.2f} to "
              f"{max(ratios):.2f})")
    return 0 if len(counts) == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
