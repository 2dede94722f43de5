"""Issue 59's targets, every figure from one run: each benchmark that measures a target,
one after the other in its own process, each paired with its baseline inside that same
benchmark (the docstring of each says how it measures).

    .venv/bin/python benchmarks/issue59_targets.py           # items 1-4 (about 15 minutes)
    .venv/bin/python benchmarks/issue59_targets.py --tests   # and README's test command
    .venv/bin/python benchmarks/issue59_targets.py --only 2  # the steps of one item

The steps:
1. one search on all cores: TwoPhase 9 single, split and shared by 2, 4 and 8 processes,
   and the machine's ceiling (bench_parallel.py); the split on Ray actors against local
   processes (bench_parallel.py ray, when Ray is installed);
2. `mcfsm check models/ --no-cache --workers 1`: its CPU (user + system, the command's
   process and its children); with --tests, README's test command on an empty result
   cache, its wall time;
3. the one-role encoding against a plain-Python BFS at 10 and 14 items (bench_shapes.py);
4. symmetry on SimplifiedFastPaxos against the unreduced search (bench_symmetry.py --paxos)
   and `simulate`'s rate with last round's driver (bench_simulate.py --driver).

Each step's output is printed as it comes, after a line with the load average at its start
(a busy machine makes every ratio meaningless: run it on an idle one). The summary at the
end gives each step's wall and CPU time and repeats the lines that carry the figures. The
run fails (exit 1) when a step fails.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
MCFSM = str(Path(PY).parent / "mcfsm")


@dataclass(frozen=True)
class Step:
    item: str
    what: str
    command: list[str]
    figures: str  # a regular expression: the output lines that carry the target's figures
    env: tuple[tuple[str, str], ...] = ()


def steps(reports: Path, with_tests: bool) -> list[Step]:
    out = [
        Step("1", "one search on all cores: TwoPhase 9 single, split and shared by 2, 4, 8",
             [PY, "benchmarks/bench_parallel.py", "9", "2", "4", "8"],
             r"load average|single search:|shared by \d:|x the single search's speed|ceiling"),
    ]
    if importlib.util.find_spec("ray") is not None:
        out.append(Step("1", "the split on Ray actors against local processes (TwoPhase 9)",
                        [PY, "benchmarks/bench_parallel.py", "ray", "9", "2"],
                        r"split over 2|Ray, 2"))
    else:
        print("(Ray is not installed: the Ray step is left out)")
    out.append(Step("2", "check models/ without the cache, one process",
                    [MCFSM, "check", "models/", "--expected", "--no-cache", "--workers", "1",
                     "--out", str(reports)], r"variants:"))
    if with_tests:
        out.append(Step("2", "README's test command",
                        [PY, "-m", "pytest", "-q", "-n", "auto", "--dist", "worksteal", "-m",
                         "not slow", "tests", "models"], r"passed|failed",
                        # an empty result cache, as on a fresh clone
                        (("MCFSM_PROFILE", "ci"), ("MCFSM_CACHE_DIR", str(reports / "cache")))))
    out += [
        Step("3", "the one-role encoding against a plain BFS at 10 and 14 items",
             [PY, "benchmarks/bench_shapes.py", "10", "14"], r"plain|one_role_vars|ratio"),
        Step("4", "symmetry on SimplifiedFastPaxos against the unreduced search",
             [PY, "benchmarks/bench_symmetry.py", "--paxos"], r"Paxos|orbits|symmetry|x"),
        Step("4", "simulate's rate with last round's driver",
             [PY, "benchmarks/bench_simulate.py", "--driver"], r"steps/CPU|ratio|x"),
    ]
    return out


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(step: Step) -> tuple[int, float, float, list[str]]:
    """(exit code, wall s, CPU s, the lines that carry the figures), the output echoed."""
    print(f"\n== item {step.item}: {step.what}\n   $ {' '.join(step.command)}\n"
          f"   load average at start {os.getloadavg()[0]:.2f} on "
          f"{len(os.sched_getaffinity(0))} cores", flush=True)
    wall0, cpu0 = time.perf_counter(), children_cpu()
    proc = subprocess.Popen(step.command, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, **dict(step.env)})
    assert proc.stdout is not None
    lines = []
    pattern = re.compile(step.figures)
    for line in proc.stdout:
        print(line, end="", flush=True)
        if pattern.search(line):
            lines.append(line.rstrip())
    code = proc.wait()
    return code, time.perf_counter() - wall0, children_cpu() - cpu0, lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", action="store_true", help="also README's test command")
    parser.add_argument("--only", choices="1234", help="the steps of one item")
    args = parser.parse_args()
    reports = Path(tempfile.mkdtemp(prefix="issue59-reports-"))
    print(f"issue 59's targets, one run: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
          f"commit {_commit()}")
    summary = []
    failed = 0
    try:
        for step in steps(reports, args.tests):
            if args.only and step.item != args.only:
                continue
            code, wall, cpu, lines = run(step)
            failed += code != 0
            summary.append((step, code, wall, cpu, lines))
    finally:
        shutil.rmtree(reports, ignore_errors=True)
    print("\n== summary (wall and CPU of each step's process and its children)")
    for step, code, wall, cpu, lines in summary:
        print(f"item {step.item}: {step.what}: {wall:.1f} s wall, {cpu:.1f} s CPU, "
              f"exit {code}")
        for line in lines[-12:]:
            print(f"    {line.strip()}")
    return 1 if failed else 0


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                              capture_output=True, text=True).stdout.strip() or "unknown"
    except OSError:
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
