"""Where README's test command spends its time, test by test: a pytest plugin that records
each test's wall time against the CPU of its process and of the children it reaped, and a
summary of those records.

    PYTHONPATH=benchmarks MCFSM_PROFILE=ci .venv/bin/python -m pytest -q -n auto \\
        -m "not slow" -p time_probe tests models     # writes /tmp/time_probe.*.jsonl
    .venv/bin/python benchmarks/time_probe.py           # the summary

A test whose wall time exceeds its CPU waited (a lock, a sleep, a subprocess's children it
did not reap); when the sums agree the run is bound by CPU, and only less work makes it
shorter. Each xdist worker writes its own file (TIME_PROBE_OUT moves them); the
summary also says when each worker started and ended (a long last test leaves the other
worker idle). Session 44: 934 s of CPU in 1,015 s of test time, both workers ending within
a second of each other (docs/benchmarks.md).
"""

from __future__ import annotations

import collections
import glob
import json
import os
import resource
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

OUT = os.environ.get("TIME_PROBE_OUT", "/tmp/time_probe")


def _cpu() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    wall0, (own0, kids0) = time.monotonic(), _cpu()
    yield
    wall1, (own1, kids1) = time.monotonic(), _cpu()
    record = {"id": item.nodeid, "start": wall0, "wall": wall1 - wall0, "own": own1 - own0,
              "kids": kids1 - kids0}
    with open(f"{OUT}.{os.getpid()}.jsonl", "a") as f:
        f.write(json.dumps(record) + "\n")


def summary(pattern: str = f"{OUT}.*.jsonl", top: int = 25) -> None:
    files = sorted(glob.glob(pattern))
    if not files:
        sys.exit(f"no records match {pattern}: run the tests with -p time_probe first")
    records: list[dict[str, Any]] = []
    for name in files:
        mine = [json.loads(line) for line in open(name)]
        records += mine
        first = min(r["start"] for r in mine)
        last = max(r["start"] + r["wall"] for r in mine)
        print(f"{name}: {len(mine)} tests from {first:.1f} to {last:.1f} "
              f"({last - first:.0f} s; {sum(r['wall'] for r in mine):.0f} s in tests)")
    wall = sum(r["wall"] for r in records)
    cpu = sum(r["own"] + r["kids"] for r in records)
    print(f"{len(records)} tests: {wall:.0f} s of test time, {cpu:.0f} s of CPU "
          f"({sum(r['own'] for r in records):.0f} s in the workers, "
          f"{sum(r['kids'] for r in records):.0f} s in the processes they started)")
    print(f"\nthe {top} tests that waited longest (wall - CPU):")
    for r in sorted(records, key=lambda r: r["own"] + r["kids"] - r["wall"])[:top]:
        print(f"  {r['wall'] - r['own'] - r['kids']:6.1f} s  wall {r['wall']:6.1f}  "
              f"CPU {r['own'] + r['kids']:6.1f}  {r['id']}")
    by_file: dict[str, list[float]] = collections.defaultdict(lambda: [0, 0.0, 0.0])
    for r in records:
        row = by_file[r["id"].split("::")[0]]
        row[0] += 1
        row[1] += r["wall"]
        row[2] += r["own"] + r["kids"]
    print(f"\nthe {top} costliest files (tests, wall s, CPU s):")
    for name, (n, w, c) in sorted(by_file.items(), key=lambda kv: -kv[1][2])[:top]:
        print(f"  {n:5.0f} {w:7.1f} {c:7.1f}  {name}")


if __name__ == "__main__":
    summary(*(sys.argv[1:2]))
