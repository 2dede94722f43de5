"""Time to SPIN's sort.pml bug with `mcfsm simulate`'s defaults (issue 73 item 2), in one run.

    .venv/bin/python benchmarks/bench_simulate_depth.py            # seeds 1, 2, 3
    .venv/bin/python benchmarks/bench_simulate_depth.py --long     # and --steps 50 for 20 s

The model is benchmarks/spin_sort.py's seeded_bug (sort.pml as SPIN explores it, 107,713
states, with an assertion every complete run violates at depth 118 or more). For each seed
the command a user types, `mcfsm simulate benchmarks/spin_sort.py --variant seeded_bug
--seed S`, is run as a process, with today's default depth bounds and with `--steps 50`
(the default before issue 73), and the script prints: whether the violation was found, the
seconds to it as simulate reports them ("violated after"), the command's wall seconds
(start-up and the shrinking to the shortest trace included), its random steps, the longest
run and the exit status. `--long` adds the issue's other figure: `--steps 50` given 20 s
(`--examples 1000000 --time-limit 20`), which never finds it, however long it runs.
The script fails when a default run misses the bug.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = str(ROOT / "benchmarks" / "spin_sort.py")


def simulate(*args: str) -> dict[str, object]:
    """One `mcfsm simulate` of the seeded bug: its figures, from its output."""
    command = [str(ROOT / ".venv" / "bin" / "mcfsm"), "simulate", MODEL, "--variant",
               "seeded_bug", *args]
    started = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=600)
    wall = time.perf_counter() - started
    out = proc.stdout
    found = re.search(r"violated after ([\d.]+) s", out)
    steps = re.search(r"runs, ([\d,]+) random steps", out)
    deepest = re.search(r"the longest run took ([\d,]+) step", out)
    return {"found": found is not None, "after": float(found.group(1)) if found else None,
            "wall": wall, "steps": steps.group(1) if steps else "?",
            "deepest": deepest.group(1) if deepest else "?", "exit": proc.returncode}


def main() -> int:
    print("| seed | depth bounds | found | s to the violation | wall s, whole command | "
          "random steps | longest run | exit |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    failed = False
    runs = [("default (50 ... 6,400, drawn per example)", ()), ("--steps 50 (before)",
                                                                 ("--steps", "50"))]
    if "--long" in sys.argv:
        runs.append(("--steps 50, 20 s", ("--steps", "50", "--examples", "1000000",
                                         "--time-limit", "20")))
    for label, extra in runs:
        for seed in (1, 2, 3):
            if label.endswith("20 s") and seed > 1:
                continue  # one seed shows it: 20 s each
            r = simulate("--seed", str(seed), *extra)
            after = f"{r['after']:.1f}" if r["after"] is not None else "-"
            print(f"| {seed} | {label} | {'yes' if r['found'] else 'NO'} | {after} | "
                  f"{r['wall']:.1f} | {r['steps']} | {r['deepest']} | {r['exit']} |")
            if label.startswith("default") and not r["found"]:
                failed = True
    print("wall s: the process from start to exit (mcfsm's start-up, the search, shrinking "
          "and the breadth-first search that settles the shortest trace, 118 steps)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
