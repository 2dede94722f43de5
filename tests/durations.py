"""Write tests/data/durations.json from the `--durations=0` output of pytest runs:

    .venv/bin/python -m tests.durations QUICK.log SLOW.log

Each test's setup, call and teardown seconds summed, kept for the tests of at least
THRESHOLD seconds. tests/conftest.py starts those first, longest first, so that no long
test is left to one pytest-xdist worker at the end of a step while the other waits. Only
the order changes: a stale or missing file orders badly, never wrongly."""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

THRESHOLD = 10.0
FILE = Path(__file__).resolve().parent / "data" / "durations.json"
LINE = re.compile(r"([\d.]+)s (?:call|setup|teardown)\s+(\S+)$")


def read(logs: list[str]) -> dict[str, float]:
    total: Counter[str] = Counter()
    for log in logs:
        for line in Path(log).read_text().splitlines():
            found = LINE.match(line.strip())
            if found:
                total[found.group(2)] += float(found.group(1))
    return {k: round(v, 1) for k, v in sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))
            if v >= THRESHOLD}


if __name__ == "__main__":
    durations = read(sys.argv[1:])
    FILE.write_text(json.dumps(durations, indent=0) + "\n")
    print(f"{FILE}: {len(durations)} tests of at least {THRESHOLD:g} s")
