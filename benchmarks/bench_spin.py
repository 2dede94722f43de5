"""The engine against SPIN on a Promela twin of TwoPhase (tests/validation/twophase.py),
measured in one run; the state counts must agree or the run fails.

    .venv/bin/python benchmarks/bench_spin.py            # 6, 7 and 8 resource managers
    .venv/bin/python benchmarks/bench_spin.py 5 6        # other sizes

The twin is written for each size: one process whose loop offers every TwoPhase action
as a `d_step` (so one SPIN state per TLA+ state), the message set as one bit per message,
verified with `spin -a`, `gcc -O2 -DNOREDUCE -DSAFETY` and `./pan -E` (no end-state
check: TwoPhase's final states loop). The SPIN time is the `pan` run alone (not the
compilation). This script installs nothing: without `spin` and `gcc` it says so and exits.
Issue 19's target: the engine at least 0.5x SPIN's states per second (issue 34's: 0.8x).
The output says which engine core ran (compiled, or the pure-Python twin).

    .venv/bin/python benchmarks/bench_spin.py --reduced  # each tool's own reduction, side by side

`--reduced` (issue 34): SPIN's partial-order reduction needs processes, so a second twin
gives the TM and each RM a process of its own (the same actions as `d_step`s, the
invariant as an `ltl` claim); it is verified without reduction (`-DNOREDUCE`, whose count
must equal the engine's) and with SPIN's default reduction on, beside the engine without
and with its own reduction, the RMs declared interchangeable (symmetry: the count is the
orbits', bench_symmetry.py). Both tools must find the invariant holding.
"""

from __future__ import annotations

import json
import math
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))


def promela(n: int) -> str:
    """TwoPhase.tla with n RMs. rm: 0 working, 1 prepared, 2 committed, 3 aborted;
    tm: 0 init, 1 committed, 2 aborted."""
    lines = [f"byte rm[{n}];", "byte tm;", f"bit tmPrepared[{n}];", f"bit msgPrepared[{n}];",
             "bit msgCommit;", "bit msgAbort;", "", "active proctype TwoPhase() {", "  do"]
    every = " && ".join(f"tmPrepared[{r}]" for r in range(n))
    lines.append(f"  :: d_step {{ tm == 0 && {every} -> tm = 1; msgCommit = 1 }}")
    lines.append("  :: d_step { tm == 0 -> tm = 2; msgAbort = 1 }")
    for r in range(n):
        lines += [
            f"  :: d_step {{ tm == 0 && msgPrepared[{r}] -> tmPrepared[{r}] = 1 }}",
            f"  :: d_step {{ rm[{r}] == 0 -> rm[{r}] = 1; msgPrepared[{r}] = 1 }}",
            f"  :: d_step {{ rm[{r}] == 0 -> rm[{r}] = 3 }}",
            f"  :: d_step {{ msgCommit -> rm[{r}] = 2 }}",
            f"  :: d_step {{ msgAbort -> rm[{r}] = 3 }}",
        ]
    lines += ["  od", "}", ""]
    return "\n".join(lines)


def promela_processes(n: int) -> str:
    """The same TwoPhase as `promela`, a process per actor: the TM (its tmPrepared bits
    local) and one per RM. What an RM's step writes, the invariant or the TM reads, so
    those variables stay global; the invariant is an `ltl` claim."""
    lines = [f"byte rm[{n}];", "byte tm;", f"bit msgPrepared[{n}];", "bit msgCommit;",
             "bit msgAbort;", "", "active proctype TM() {", f"  bit tmPrepared[{n}];", "  do"]
    every = " && ".join(f"tmPrepared[{r}]" for r in range(n))
    lines.append(f"  :: d_step {{ tm == 0 && {every} -> tm = 1; msgCommit = 1 }}")
    lines.append("  :: d_step { tm == 0 -> tm = 2; msgAbort = 1 }")
    lines += [f"  :: d_step {{ tm == 0 && msgPrepared[{r}] -> tmPrepared[{r}] = 1 }}"
              for r in range(n)]
    lines += ["  od", "}", ""]
    for r in range(n):
        lines += [f"active proctype RM{r}() {{", "  do",
                  f"  :: d_step {{ rm[{r}] == 0 -> rm[{r}] = 1; msgPrepared[{r}] = 1 }}",
                  f"  :: d_step {{ rm[{r}] == 0 -> rm[{r}] = 3 }}",
                  f"  :: d_step {{ msgCommit -> rm[{r}] = 2 }}",
                  f"  :: d_step {{ msgAbort -> rm[{r}] = 3 }}",
                  "  od", "}", ""]
    committed = " || ".join(f"rm[{r}] == 2" for r in range(n))
    aborted = " || ".join(f"rm[{r}] == 3" for r in range(n))
    lines += [f"ltl TCConsistent {{ [] !(({committed}) && ({aborted})) }}", ""]
    return "\n".join(lines)


def spin(n: int, expected_states: int, source: str | None = None,
         flags: tuple[str, ...] = ("-DNOREDUCE", "-DSAFETY"),
         run: tuple[str, ...] = ("-E",)) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "twophase.pml").write_text(promela(n) if source is None else source)
        subprocess.run(["spin", "-a", "twophase.pml"], cwd=folder, check=True,
                       capture_output=True)
        subprocess.run(["gcc", "-O2", *flags, "-o", "pan", "pan.c"],
                       cwd=folder, check=True, capture_output=True)
        width = max(18, math.ceil(math.log2(expected_states)) + 1)  # hash table: 2^w slots
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(["./pan", *run, f"-w{width}", "-m100000"], cwd=folder,
                              check=True, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    stored = int(re.search(r"(\d+) states, stored", proc.stdout).group(1))  # type: ignore[union-attr]
    errors = int(re.search(r"errors: (\d+)", proc.stdout).group(1))  # type: ignore[union-attr]
    return {"distinct": stored, "errors": errors, "elapsed": elapsed,
            "cpu": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)}


def main() -> int:
    if not (shutil.which("spin") and shutil.which("gcc")):
        print("bench_spin: skipped, `spin` or `gcc` is not installed "
              "(Debian: apt-get install spin gcc)")
        return 0
    from bench_engine import measure

    if "--reduced" in sys.argv:
        return reduced([int(a) for a in sys.argv[1:] if a != "--reduced"] or [6, 7, 8])
    sizes = [int(a) for a in sys.argv[1:]] or [6, 7, 8]
    print(f"{'RMs':>3} {'distinct':>10} {'engine s':>9} {'engine cpu':>10} {'spin s':>8} "
          f"{'spin cpu':>8}  engine/spin states/s (wall, cpu)")
    failures = 0
    for n in sizes:
        engine = measure("engine", "twophase", n)
        distinct = engine["figures"][0]
        if n == sizes[0]:
            print(f"engine core: {engine['engine']}")
        twin = spin(n, distinct)
        if twin["distinct"] != distinct or twin["errors"]:
            print(f"  MISMATCH at {n} RMs: engine {distinct:,} states, SPIN {twin['distinct']:,} "
                  f"states, {twin['errors']} errors")
            failures += 1
            continue
        wall = twin["elapsed"] / engine["elapsed"]
        cpu = twin["cpu"] / engine["cpu"] if engine["cpu"] else float("nan")
        print(f"{n:>3} {distinct:>10,} {engine['elapsed']:>9.2f} {engine['cpu']:>10.2f} "
              f"{twin['elapsed']:>8.2f} {twin['cpu']:>8.2f}  {wall:.3f}, {cpu:.3f}", flush=True)
    print(json.dumps({"note": "ratios measured in one run; the machine may be shared"}))
    return 1 if failures else 0


def reduced(sizes: list[int]) -> int:
    """Each tool without and with its own reduction, on the process-per-actor twin."""
    from bench_engine import measure

    print("| RMs | SPIN -DNOREDUCE | CPU s | SPIN reduced (POR) | CPU s | engine | CPU s "
          "| engine reduced (symmetry) | CPU s |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    failures = 0
    for n in sizes:
        engine = measure("engine", "twophase", n)
        symmetric = measure("engine", "twophase_symmetric", n)
        distinct = engine["figures"][0]
        source = promela_processes(n)
        full = spin(n, distinct, source, flags=("-DNOREDUCE",), run=("-a",))
        por = spin(n, distinct, source, flags=(), run=("-a",))
        if full["distinct"] != distinct:
            print(f"  MISMATCH at {n} RMs: engine {distinct:,} states, SPIN's process twin "
                  f"{full['distinct']:,}")
            failures += 1
        if full["errors"] or por["errors"] or [True] not in (engine["held"], symmetric["held"]) \
                or engine["held"] != symmetric["held"]:
            print(f"  DISAGREE at {n} RMs: SPIN errors {full['errors']}, {por['errors']}; "
                  f"engine held {engine['held']}, {symmetric['held']}")
            failures += 1
        print(f"| {n} | {full['distinct']:,} | {full['cpu']:.2f} | {por['distinct']:,} | "
              f"{por['cpu']:.2f} | {distinct:,} | {engine['cpu']:.2f} | "
              f"{symmetric['figures'][0]:,} | {symmetric['cpu']:.2f} |", flush=True)
    print(f"engine core: {engine['engine']}; SPIN's CPU is the `pan` run alone; the engine's "
          "symmetry run includes its check that the model respects the symmetry")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
