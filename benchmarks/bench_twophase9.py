"""TwoPhase with 9 resource managers (10,340,352 distinct states, issue 11): the engine's
time, states per second and peak memory per state, in one process.

    .venv/bin/python benchmarks/bench_twophase9.py        # about 5-10 minutes on 2 cores
    .venv/bin/python benchmarks/bench_twophase9.py 8      # another size
"""

from __future__ import annotations

import gc
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests" / "validation")]


def main() -> int:
    import twophase

    from mcfsm import explore

    size = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    system = twophase.build(size)
    gc.collect()
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    start, cpu = time.perf_counter(), time.process_time()
    r = explore(system)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"TwoPhase {size} RMs: {r.distinct_states:,} distinct, {r.total_states:,} total, "
          f"depth {r.depth}, verdicts {[v.status for v in r.verdicts]}; engine core: {r.engine}")
    print(f"  {elapsed:.1f} s wall, {cpu:.1f} s CPU, {r.distinct_states / elapsed:,.0f} states/s "
          f"(wall), {r.distinct_states / cpu:,.0f} states/s (CPU)")
    print(f"  peak RSS {peak / 2**20:,.0f} MB: {peak / r.distinct_states:.0f} bytes/state, "
          f"{(peak - baseline) / r.distinct_states:.0f} above the interpreter and model "
          f"({baseline / 2**20:.0f} MB before exploring)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
