"""`mcfsm check models/` of two trees in turn, CPU seconds paired (issue 73 item 5: the bundled
models' check halved). Each tree is a checkout with its engine core built in place (say a
fresh clone of the baseline commit after `bash .ci/setup`, or a copy of this tree); both
check the models of the FIRST tree, so only the engine differs:

    .venv/bin/python benchmarks/check_models_paired.py NEW_TREE BASE_TREE [--pairs 2]

Each run is a whole process (`python -m mcfsm check MODELS --expected --summary --workers 1`
with MCFSM_NO_CACHE=1, the tree first on PYTHONPATH), its CPU the kernel's accounting of the
finished child. The two alternate (new, base, new, base...): the machine's speed drifts, so
a ratio is taken pair by pair and the median printed, with the load average at the start.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path


def run(tree: Path, models: Path, cache: str) -> float:
    """One check of `models` by the engine of `tree`: its CPU seconds (exit 0 required)."""
    env = {**os.environ, "PYTHONPATH": str(tree), "MCFSM_NO_CACHE": "1", "MCFSM_CACHE_DIR": cache}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([sys.executable, "-m", "mcfsm", "check", str(models), "--expected",
                           "--summary", "--workers", "1"], cwd=tree, env=env,
                          capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        print(proc.stdout[-2000:], proc.stderr[-2000:])
        raise SystemExit(f"{tree}: mcfsm check exited {proc.returncode}")
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("new", type=Path)
    parser.add_argument("base", type=Path)
    parser.add_argument("--pairs", type=int, default=2)
    args = parser.parse_args()
    models = args.new.resolve() / "models"
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {len(os.sched_getaffinity(0))} "
          f"cores; models of {models}")
    new: list[float] = []
    base: list[float] = []
    with tempfile.TemporaryDirectory() as cache:
        for k in range(args.pairs):
            new.append(run(args.new.resolve(), models, cache))
            base.append(run(args.base.resolve(), models, cache))
            print(f"pair {k + 1}: new {new[-1]:.1f} s CPU, base {base[-1]:.1f} s CPU, "
                  f"ratio {new[-1] / base[-1]:.3f}", flush=True)
    ratios = [n / b for n, b in zip(new, base)]
    print(f"median: new {statistics.median(new):.1f} s CPU, base {statistics.median(base):.1f} s "
          f"CPU, paired ratio {statistics.median(ratios):.3f} (pairs {min(ratios):.3f}-"
          f"{max(ratios):.3f}); the issue's target: 0.5 of 140 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
