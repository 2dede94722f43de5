"""Hash compaction (`check --hash-compact`, issue 20 item 6) against the full visited set:
the same search in its own process each way, printing time, peak memory above the
interpreter and model, bytes per state, and the omission bound the run reports.

    .venv/bin/python benchmarks/bench_hash_compact.py          # TwoPhase 8 and 9 RMs, redirect 5 callers
    .venv/bin/python benchmarks/bench_hash_compact.py --quick  # TwoPhase 7, redirect 4 callers

The counts and verdicts must agree (the script fails otherwise); traces are compared state by
state in tests/test_hash_compact.py. What compaction saves is the packed row of every
expanded state (the visited set compares 8-byte fingerprints); what it keeps is the
fingerprint, the parent and step columns (16 bytes a state) and the open-addressing table.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import gc, json, resource, sys, time
sys.path[:0] = [{root!r} + "/benchmarks", {root!r} + "/tests/validation"]
model, size, compact = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
from mcfsm import Budget, explore
from mcfsm.check.state.fingerprints import omission_bound
if model == "twophase":
    import twophase
    system = twophase.build(size)
else:
    import redirect_model
    system = redirect_model.build(size)
gc.collect()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
start, cpu = time.perf_counter(), time.process_time()
r = explore(system, Budget(hash_compact=compact))
elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({{"figures": [r.distinct_states, r.total_states, r.depth],
                  "verdicts": [v.status for v in r.verdicts if not v.property.temporal],
                  "elapsed": elapsed, "cpu": cpu, "peak": peak, "base": base,
                  "engine": r.engine, "bound": omission_bound(r.distinct_states)}}))
"""


def run(model: str, size: int, compact: bool) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT)), model, str(size),
                          "1" if compact else "0"], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    quick = "--quick" in sys.argv
    cases = [("twophase", 7), ("redirect", 4)] if quick else \
        [("twophase", 8), ("twophase", 9), ("redirect", 5)]
    print("| model | distinct states | search | CPU s | peak above baseline MB | bytes/state "
          "| omission bound |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    failed = False
    for model, size in cases:
        full, compact = run(model, size, False), run(model, size, True)
        if (full["figures"], full["verdicts"]) != (compact["figures"], compact["verdicts"]):
            print(f"DISAGREE on {model} {size}: {full} vs {compact}")
            failed = True
        n = full["figures"][0]
        name = f"TwoPhase, {size} RMs" if model == "twophase" else f"redirect, {size} callers"
        for label, r in (("full", full), ("hash compaction", compact)):
            above = r["peak"] - r["base"]
            print(f"| {name} | {n:,} | {label} | {r['cpu']:.1f} | {above / 2**20:,.0f} | "
                  f"{above / n:.0f} | {r['bound']:.1e} |" if label != "full" else
                  f"| {name} | {n:,} | {label} | {r['cpu']:.1f} | {above / 2**20:,.0f} | "
                  f"{above / n:.0f} | exact |")
        ratio = (compact["peak"] - compact["base"]) / max(full["peak"] - full["base"], 1)
        print(f"|  |  | compaction/full memory {ratio:.2f}, CPU "
              f"{compact['cpu'] / full['cpu']:.2f} |  |  |  |  |")
    print(f"engine core: {full['engine']}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
