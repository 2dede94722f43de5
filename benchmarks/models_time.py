"""Distinct states and seconds per bundled model variant, and the wall clock of
`mcfsm check models/` cold (no cache) with one worker and with every core, and warm
(results read from .mcfsm-cache/), with the CPU time of the cold run on one worker.
Issue 19's target: under 20 s CPU cold on one worker (issue 11's: 1 s warm).

    .venv/bin/python benchmarks/models_time.py

The cache is written to a temporary folder (MCFSM_CACHE_DIR), so this run neither reads
nor disturbs the repository's .mcfsm-cache/.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MCFSM = str(Path(sys.executable).parent / "mcfsm")
CPU: list[float] = []  # CPU seconds of each timed run (children's rusage)


def timed(args: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([MCFSM, "check", "models/", "--json", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append((after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime))
    if proc.returncode not in (0, 1):
        print(proc.stderr)
        raise SystemExit(2)
    return wall, proc


def main() -> int:
    cores = len(os.sched_getaffinity(0))
    print(f"machine load at start: {os.getloadavg()[0]:.1f} on {cores} cores")
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "MCFSM_CACHE_DIR": cache}
        serial, proc = timed(["--no-cache", "--workers", "1"], env)
        parallel, _ = timed(["--no-cache", "--workers", str(cores)], env)
        cold, _ = timed([], env)  # fills the cache
        warm, warm_proc = timed([], env)
    records = json.loads(proc.stdout)
    skip = ("elapsed_s",)  # what may differ between a run and its cached copy
    strip = [{k: v for k, v in r.items() if k not in skip} for r in records]
    same = strip == [{k: v for k, v in r.items() if k not in skip}
                     for r in json.loads(warm_proc.stdout)]
    print(f"engine core: {', '.join(sorted({r.get('engine', '?') for r in records}))}")
    print(f"{'model':<26} {'variant':<30} {'distinct':>10} {'total':>11} {'depth':>5} {'seconds':>8}")
    for r in records:
        print(f"{r['model']:<26} {r['variant']:<30} {r['distinct_states']:>10,} "
              f"{r['total_states']:>11,} {r['depth']:>5} {r['elapsed_s']:>8.1f}")
    print(f"mcfsm check models/ cold, 1 worker:      {serial:6.1f} s wall clock, "
          f"{CPU[0]:.1f} s CPU (target < 20 s CPU)")
    print(f"mcfsm check models/ cold, {cores} workers:     {parallel:6.1f} s "
          f"({serial / parallel:.2f}x)")
    print(f"mcfsm check models/ cold, filling cache: {cold:6.1f} s")
    print(f"mcfsm check models/ warm (cached):       {warm:6.1f} s (target < 1 s); "
          f"{'same' if same else 'DIFFERENT'} results as cold")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
