"""Start-up of `mcfsm check` on a small model (issue 73 item 5: under 0.3 s): the model
`mcfsm init` writes, checked in a fresh process, against the bare interpreter, in one run.

    .venv/bin/python benchmarks/startup.py          # 15 runs of each, alternating
    .venv/bin/python benchmarks/startup.py 31

Each figure is one whole process (its CPU seconds from the kernel's accounting of the
child, and its wall seconds); the medians and the ratio of medians are printed, with the
load average at the start (other work on the machine lengthens wall time, not CPU).
`--no-cache` is measured too: with the cache, a repeated check reads its result.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _run(argv: list[str], cwd: Path) -> tuple[float, float]:
    """(CPU s, wall s) of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime), wall


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    python = sys.executable
    commands = {
        "python -c pass": [python, "-c", "pass"],
        "mcfsm check tiny.py": [python, "-m", "mcfsm", "check", "tiny.py"],
        "mcfsm check --no-cache tiny.py": [python, "-m", "mcfsm", "check", "--no-cache",
                                           "tiny.py"],
    }
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        subprocess.run([python, "-m", "mcfsm", "init", "tiny"], cwd=folder, check=True,
                       stdout=subprocess.DEVNULL)
        print(f"load average at the start: {os.getloadavg()[0]:.2f}; {runs} runs of each, "
              "alternating, after one warm-up")
        for argv in commands.values():
            _run(argv, folder)
        figures: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, argv in commands.items():
                figures[name].append(_run(argv, folder))
    bare = statistics.median(c for c, _ in figures["python -c pass"])
    for name, pairs in figures.items():
        cpu = statistics.median(c for c, _ in pairs)
        wall = statistics.median(w for _, w in pairs)
        print(f"  {name:32} CPU {cpu:.3f} s (median; {min(c for c, _ in pairs):.3f} to "
              f"{max(c for c, _ in pairs):.3f}), wall {wall:.3f} s, "
              f"{cpu / bare:.1f}x the bare interpreter")
    return 0


if __name__ == "__main__":
    sys.exit(main())
