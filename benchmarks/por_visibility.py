"""What partial-order reduction could save on the bundled models, judged before building it
(issue 34 item 1): an ample set may leave out a step only if the step is invisible, that is
if it changes nothing a property, step property or constraint reads. The engine memoizes
predicates on the *slots* they read (an instance's whole local record, an inbox projection,
the shared variables), so at that granularity a step of an instance is visible as soon as
any property reads that instance.

For each bundled variant this samples states by random walks, runs every state and step
property on them through the recording view the engine's memo uses, and prints which
instance locals and inboxes are read, and whether the variant has temporal properties
(which an ample-set reduction must either run unreduced or judge with the cycle proviso).

    .venv/bin/python benchmarks/por_visibility.py            # every bundled variant
    .venv/bin/python benchmarks/por_visibility.py --walks 50  # fewer samples, faster
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mcfsm.check.state.predicates import _RecordingView  # noqa: E402
from mcfsm.lang.loader import load_path  # noqa: E402
from mcfsm.lang.properties import TEMPORAL_KINDS  # noqa: E402
from mcfsm.lang.system import System  # noqa: E402

TEMPORAL = set(TEMPORAL_KINDS)


def sampled_steps(system: System, walks: int, length: int, seed: int) -> list:
    """(before, step, after) triples of random walks from the initial states."""
    rng = random.Random(seed)
    initial = list(system.initial_states())
    out = []
    for _ in range(walks):
        state = rng.choice(initial)
        for _ in range(length):
            successors = system.successors(state)
            if not successors:
                break
            key, after = rng.choice(successors)
            out.append((state, key, after))
            state = after
    return out


def slots_read(system: System, steps: list) -> set[int]:
    """The slots any state or step property reads on the sampled steps (inbox projections
    counted as their inbox slot)."""
    read: set[int] = set()
    for p in system.properties:
        if p.kind not in ("always", "sometimes", "step"):
            continue
        for before, key, after in steps:
            reads: list = []
            try:
                if p.kind == "step":
                    p.predicate(_RecordingView(system, before, reads), key,
                                _RecordingView(system, after, reads))
                else:
                    p.predicate(_RecordingView(system, after, reads))
            except Exception:  # a property that fails here is judged by check itself
                continue
            read.update(r if isinstance(r, int) else r[0] for r in reads)
    return read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--walks", type=int, default=200, help="random walks per variant")
    parser.add_argument("--length", type=int, default=40, help="steps per walk")
    args = parser.parse_args()
    rows = []
    for loaded in load_path(ROOT / "models"):
        model = loaded.model
        for variant in model.variants:
            system = model.system(variant)
            n = len(system.instances)
            read = slots_read(system, sampled_steps(system, args.walks, args.length, seed=1))
            names = system.instance_names
            unread = [names[k] for k in range(n) if 2 + k not in read]
            inboxes_unread = [names[k] for k in range(n) if 2 + n + k not in read]
            temporal = sorted({p.kind for p in system.properties} & TEMPORAL)
            rows.append((f"{model.name}[{variant}]", n, unread, inboxes_unread, temporal))
            print(f"{model.name}[{variant}]: {n} instances; locals no property reads: "
                  f"{', '.join(unread) or 'none'}; inboxes no property reads: "
                  f"{', '.join(inboxes_unread) or 'none'}; temporal: "
                  f"{', '.join(temporal) or 'none'}", flush=True)
    instances = sum(r[1] for r in rows)
    invisible = sum(len(r[2]) for r in rows)
    print(f"\n{len(rows)} variants, {instances} instances: {invisible} "
          f"({invisible / instances:.0%}) have locals no property reads; "
          f"{sum(1 for r in rows if r[4])} variants have temporal properties")


if __name__ == "__main__":
    main()
