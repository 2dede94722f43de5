"""Distinct states and seconds per bundled model variant, and the total for
`mcfsm check models/` (issue 3's figure; target: under two minutes on this machine).

    .venv/bin/python benchmarks/models_time.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    start = time.perf_counter()
    proc = subprocess.run([str(Path(sys.executable).parent / "mcfsm"), "check", "models/",
                           "--json"], cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        print(proc.stderr)
        return 2
    print(f"{'model':<26} {'variant':<26} {'distinct':>10} {'total':>11} {'depth':>5} {'seconds':>8}")
    for r in json.loads(proc.stdout):
        print(f"{r['model']:<26} {r['variant']:<26} {r['distinct_states']:>10,} "
              f"{r['total_states']:>11,} {r['depth']:>5} {r['elapsed_s']:>8.1f}")
    print(f"mcfsm check models/: {wall:.1f} s wall clock (target < 120 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
