"""Engine speed and memory against hand-written plain-Python BFS, measured in one run.

    .venv/bin/python benchmarks/bench_engine.py            # 10^4 .. ~4*10^6 states (minutes)
    .venv/bin/python benchmarks/bench_engine.py --quick    # small sizes, seconds
    .venv/bin/python benchmarks/bench_engine.py --big      # adds TwoPhase 9 RMs (10.3M states)

For each model and size, the engine and the hand-written BFS of the same model
(benchmarks/hand_models.py) each run in a fresh subprocess, so peak RSS is their own.
Printed per run: distinct/total/depth (which must agree between the two, or the run
fails), seconds, distinct states per second, peak RSS, and bytes per distinct state
(peak RSS / distinct states; the interpreter's own baseline is included, so small runs
look worse). The two must also agree on which invariants hold. The ratio engine/hand is
of distinct states per second, on wall clock and on CPU time (process_time): on a
loaded machine the CPU ratio is the steadier one; both sides of a ratio run in the same
window. The output says which engine core ran: the compiled one (mcfsm/check/kernel/_core.pyx,
built by `pip install -e .`) or its pure-Python twin (MCFSM_PURE=1, or no build).
Targets (issue 19): ratio >= 3 at every size; <= 40 bytes per distinct state at 10M.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, resource, sys, time
sys.path[:0] = [{root!r} + "/benchmarks", {root!r} + "/tests/validation"]
which, model, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
if which == "engine":
    from mcfsm import explore
    if model in ("twophase", "twophase_symmetric"):  # the latter: RMs interchangeable
        import twophase
        system = twophase.build(size, symmetric=model == "twophase_symmetric")
    else:
        import redirect_model
        system = redirect_model.build(size)
    start, cpu = time.perf_counter(), time.process_time()
    r = explore(system)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    figures = (r.distinct_states, r.total_states, r.depth)
    held = [v.status == "holds" for v in r.verdicts if v.property.kind == "always"]
    engine_core = r.engine
else:
    import hand_models
    start, cpu = time.perf_counter(), time.process_time()
    distinct, total, depth, held = getattr(hand_models, model)(size)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    figures = (distinct, total, depth)
    engine_core = "hand-written"
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({{"figures": figures, "held": held, "elapsed": elapsed, "cpu": cpu, "rss": rss,
                  "engine": engine_core}}))
"""


def measure(which: str, model: str, size: int) -> dict:
    code = CHILD.format(root=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", code, which, model, str(size)],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    parser.add_argument("--big", action="store_true", help="add TwoPhase with 9 RMs (10.3M)")
    args = parser.parse_args()
    cases = ([("twophase", 5), ("twophase", 6), ("redirect", 3)] if args.quick else
             [("twophase", 5), ("twophase", 6), ("twophase", 7), ("twophase", 8),
              ("redirect", 3), ("redirect", 4), ("redirect", 5)])
    if args.big:
        cases.append(("twophase", 9))
    print(f"machine load at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'model':<10} {'size':>4} {'who':<6} {'distinct':>10} {'total':>11} {'depth':>5} "
          f"{'seconds':>8} {'cpu s':>7} {'states/s':>9} {'peak RSS':>9} {'B/state':>8}  "
          f"ratio (wall, cpu)")
    failures = 0
    for model, size in cases:
        engine = measure("engine", model, size)
        if (model, size) == cases[0]:
            print(f"engine core: {engine['engine']}")
        hand = measure("hand", model, size)
        rows = []
        for who, m in (("engine", engine), ("hand", hand)):
            distinct = m["figures"][0]
            rows.append((who, m, distinct / m["elapsed"], m["rss"] / distinct))
        ratio = rows[0][2] / rows[1][2]
        cpu_ratio = hand["cpu"] / engine["cpu"]
        for who, m, rate, per_state in rows:
            d, t, depth = m["figures"]
            tail = f"  {ratio:.2f}, {cpu_ratio:.2f}" if who == "engine" else ""
            print(f"{model:<10} {size:>4} {who:<6} {d:>10,} {t:>11,} {depth:>5} "
                  f"{m['elapsed']:>8.2f} {m['cpu']:>7.2f} {rate:>9,.0f} "
                  f"{m['rss'] / 2**20:>7.0f}MB {per_state:>8.0f}{tail}", flush=True)
        if engine["figures"] != hand["figures"] or engine["held"] != hand["held"]:
            print(f"  MISMATCH: engine {engine['figures']} {engine['held']} != "
                  f"hand {hand['figures']} {hand['held']}")
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
