"""One search on all cores (issue 20 item 4): the split search (check --workers N on one
variant, check/split/partitioned.py) against the single search, on TwoPhase with 8 resource
managers (1.7M distinct states) by default, in one run:

    .venv/bin/python benchmarks/bench_parallel.py          # TwoPhase 8, 1 and 2 processes
    .venv/bin/python benchmarks/bench_parallel.py 9 2 3    # TwoPhase 9, 2 and 3 processes
    .venv/bin/python benchmarks/bench_parallel.py lifecycle  # a bundled model's largest run

It prints, per run, wall time, CPU time (this process and its children), states/s and
the counts, and the ratio of the single search's wall time to each split search's. The
target (issue 20) is 1.7x with 2 processes on a 2-core machine: it needs both cores free,
so the load average at the start is printed too (a busy machine makes the ratio
meaningless), and so is the machine's own ceiling: N copies of the single search run at
once, each in its own process, against one alone (no parallel search can beat that
ratio: it is what the cores and their shared cache and memory give).
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests" / "validation"), str(ROOT)]


def _system(which: str):  # type: ignore[no-untyped-def]
    if which == "lifecycle":
        from mcfsm.check.choices import combinations
        from mcfsm.lang.loader import load_path

        [lm] = load_path(ROOT / "models" / "migration_lifecycle.py")
        system = lm.model.system("switch_off")
        combo = next(combinations(system), ())
        return "migration_lifecycle[switch_off], first choice", (
            system.restricted(dict(combo)) if combo else system)
    import twophase

    return f"TwoPhase {which} RMs", twophase.build(int(which))


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> int:
    from mcfsm import explore
    from mcfsm.check.split.partitioned import explore_split

    which = sys.argv[1] if len(sys.argv) > 1 else "8"
    counts = [int(a) for a in sys.argv[2:]] or [2]
    name, system = _system(which)
    print(f"{name}; load average at start {os.getloadavg()[0]:.2f} on "
          f"{len(os.sched_getaffinity(0))} cores")
    runs = []
    for label, run in [("single search", lambda: explore(system))] + [
            (f"split over {n}", lambda n=n: explore_split(system, workers=n)) for n in counts]:
        cpu, start = _cpu(), time.perf_counter()
        result = run()
        wall, cpu = time.perf_counter() - start, _cpu() - cpu
        runs.append((label, wall, result))
        print(f"  {label:>14}: {wall:6.1f} s wall, {cpu:6.1f} s CPU, "
              f"{result.distinct_states / wall:>9,.0f} states/s; {result.distinct_states:,} "
              f"distinct, {result.total_states:,} total, depth {result.depth} "
              f"({result.engine})")
    base = runs[0]
    for n in counts:  # the ceiling: n independent single searches at once
        start = time.perf_counter()
        pids = []
        for _ in range(n):
            pid = os.fork()
            if pid == 0:
                explore(system)
                os._exit(0)
            pids.append(pid)
        for pid in pids:
            os.waitpid(pid, 0)
        wall = time.perf_counter() - start
        print(f"  ceiling: {n} single searches at once in {wall:.1f} s: {n * base[1] / wall:.2f}x "
              f"the throughput of one alone")
    for label, wall, result in runs[1:]:
        same = (result.distinct_states, result.total_states, result.depth) == (
            base[2].distinct_states, base[2].total_states, base[2].depth)
        print(f"  {label}: {base[1] / wall:.2f}x the single search's speed; counts "
              f"{'equal' if same else 'DIFFER'}")
    print("  (CPU above the single search's is the split's own work: hashing each successor "
          "to its owner, the batches, and each partition learning its own memo tables)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
