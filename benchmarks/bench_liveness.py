"""Liveness checking cost against a safety-only run of the same model, measured in one run.

    .venv/bin/python benchmarks/bench_liveness.py            # TwoPhase, 8 RMs: 1,745,408 states
    .venv/bin/python benchmarks/bench_liveness.py --rms 6    # 50,816 states, seconds

The model is TwoPhase commit (tests/validation/twophase.py) with every role weakly fair.
The safety run checks its invariant (TCConsistent); the liveness run checks the same
invariant plus eventually("all-decided"): every resource manager ends committed or
aborted. Each run is a fresh subprocess, so its peak RSS is its own. Printed: states,
edges, CPU and wall seconds and peak RSS of each, and the ratios liveness/safety. The time
ratio uses process CPU time, which a machine shared with other jobs distorts less than
wall time (both are printed).
Targets (issue 8): time ratio <= 2, memory ratio <= 3, at >= 1M states.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, resource, sys, time
sys.path[:0] = [{root!r} + "/tests/validation"]
import twophase
from mcfsm import System, explore
from mcfsm.lang.properties import eventually
which, n = sys.argv[1], int(sys.argv[2])
base = twophase.build(n)
props = list(p for p in base.properties if p.kind == "always")
if which == "liveness":
    rms = twophase.rm_names(n)
    props.append(eventually("all-decided",
                            lambda v: all(v[r].state in ("committed", "aborted") for r in rms),
                            clause="TCommit.tla TCSpec liveness"))
system = System("twophase", instances=base.instances, network=base.network, properties=props,
                fairness="weak")
start, cpu = time.perf_counter(), time.process_time()
r = explore(system)
elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({{"distinct": r.distinct_states, "total": r.total_states, "edges": r.edges,
                  "seconds": elapsed, "cpu": cpu, "rss": rss,
                  "verdicts": {{v.property.name: v.status for v in r.verdicts}}}}))
"""


def run(which: str, rms: int) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT)), which, str(rms)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rms", type=int, default=8, help="resource managers (8: 1.7M states)")
    args = parser.parse_args()
    safety = run("safety", args.rms)
    live = run("liveness", args.rms)
    if (safety["distinct"], safety["total"]) != (live["distinct"], live["total"]):
        raise SystemExit(f"the two runs explored different graphs: {safety} vs {live}")
    mib = 1 << 20
    print(f"TwoPhase, {args.rms} RMs: {safety['distinct']:,} distinct states, "
          f"{safety['total']:,} total; liveness run recorded {live['edges']:,} edges")
    for label, r in (("safety-only  ", safety), ("with liveness", live)):
        print(f"  {label} {r['cpu']:8.1f} s CPU {r['seconds']:8.1f} s wall "
              f"{r['rss'] / mib:8.0f} MiB peak RSS  {r['verdicts']}")
    t, w, m = (live["cpu"] / safety["cpu"], live["seconds"] / safety["seconds"],
               live["rss"] / safety["rss"])
    print(f"  ratio liveness/safety: CPU time {t:.2f} (target <= 2; wall {w:.2f}), "
          f"memory {m:.2f} (target <= 3)")


if __name__ == "__main__":
    main()
