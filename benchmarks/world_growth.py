"""How much a harsher world costs: each bundled model variant explored as declared, and
again with loss on every channel to and from each UE (an MC service client instance: what
a UE leaving coverage can drop, `Loss.around(...)`), counted in distinct states. The
models do not declare that loss yet (issue 32 moves them into that world); this measures
what it will cost the search before they do.

    .venv/bin/python benchmarks/world_growth.py                  # every bundled variant
    .venv/bin/python benchmarks/world_growth.py --limit 2000000  # stop a search past N states

A run that hits the limit says so (its figure is a lower bound).
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mcfsm import Budget, Loss, explore  # noqa: E402
from mcfsm.lang.loader import load_path  # noqa: E402


def with_ue_loss(system):
    """The same system with every message to or from a UE losable (a copy: the model's own
    system is left as declared)."""
    ues = [i.name for i in system.instances if "client" in i.role.name.lower()]
    clone = copy.copy(system)
    clone.loss = True if system.loss is True else Loss(
        lambda s, r, m: s in ues or r in ues or (
            system.loss is not False and system.loss.applies(s, r, m)),
        why="a UE leaving coverage loses what it sends and what is sent to it")
    return clone, ues


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=3_000_000)
    args = parser.parse_args()
    rows = []
    for loaded in load_path(ROOT / "models"):
        for variant in loaded.model.variants:
            system = loaded.model.system(variant)
            t0 = time.process_time()
            base = explore(system, budget=Budget(max_states=args.limit))
            t1 = time.process_time()
            lossy, ues = with_ue_loss(system)
            grown = explore(lossy, budget=Budget(max_states=args.limit))
            t2 = time.process_time()
            rows.append((f"{loaded.model.name}[{variant}]", base, grown, t1 - t0, t2 - t1))
            cut = "" if grown.complete else f" (cut by {grown.stopped_by}: a lower bound)"
            print(f"{rows[-1][0]}: {base.distinct_states:,} -> {grown.distinct_states:,} "
                  f"states ({grown.distinct_states / max(base.distinct_states, 1):.1f}x), "
                  f"CPU {t1 - t0:.1f} -> {t2 - t1:.1f} s, UEs {', '.join(ues)}{cut}",
                  flush=True)
    before = sum(r[1].distinct_states for r in rows)
    after = sum(r[2].distinct_states for r in rows)
    print(f"all {len(rows)} variants: {before:,} -> {after:,} distinct states "
          f"({after / max(before, 1):.1f}x); CPU {sum(r[3] for r in rows):.1f} -> "
          f"{sum(r[4] for r in rows):.1f} s")


if __name__ == "__main__":
    main()
