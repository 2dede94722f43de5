"""What the joint search of a variant's parameter combinations saves (issue 59 item 2),
measured with its pure-Python twin (check/kernel/joint.py) before the compiled one exists.

Per variant: the combinations; the states the combinations' own searches store (the sum,
what `check` stores today); the rows the joint search stores (each state once); and the
(state, level) pairs a core expands when it gives a level's successors to every
combination that expands the same state at that level (`level_states`), against the
expansions the combinations' own searches make. The first ratio bounds the memory and
lookups saved, the second the assembly of successors (where no step reads the params).
Every combination's figures are checked equal to its own search's (the compiled core), so
a run that prints a row also checked it.

    .venv/bin/python benchmarks/bench_joint.py [MODEL:VARIANT ...]
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mcfsm.check.choices import combinations, explore_by_choice  # noqa: E402
from mcfsm.check.search.joint import explore_jointly  # noqa: E402
from mcfsm.lang.loader import load_path  # noqa: E402

DEFAULT = ["private_call_migration:setup_in_progress",
           "private_call_migration:fix_release_completes",
           "migration_lifecycle:permission_and_provisioning",
           "private_call_redirect:slow_registration_retries",
           "private_call_redirect:primary_policies",
           "private_call_migration:as_published",
           "migration_lifecycle:fix_deregistration_acknowledged"]


def measure(spec: str) -> str:
    model, _, variant = spec.partition(":")
    lm = next(lm for lm in load_path(ROOT / "models") if lm.model.name == model)
    system = lm.model.system(variant)
    combos = list(combinations(system))
    started = time.process_time()
    each = explore_by_choice(system)
    each_s = time.process_time() - started
    started = time.process_time()
    run = explore_jointly(system, combos)
    joint_s = time.process_time() - started
    for combo, own, mine in zip(combos, each.per_choice, run.results, strict=True):
        figures = {v.property.name: (v.status, None if v.trace is None else len(v.trace))
                   for v in mine.verdicts}
        if (own.distinct_states, own.verdicts) != (mine.distinct_states, figures):
            sys.exit(f"bench_joint.py: {spec} {combo}: the joint search differs from the "
                     "combination's own search")
    pairs = run.expansions
    return (f"| {spec.replace(':', '[')}] | {len(combos)} | {pairs:,} | {run.rows:,} | "
            f"{pairs / run.rows:.2f}x | {run.level_states:,} | {pairs / run.level_states:.2f}x "
            f"| {each_s:.1f} | {joint_s:.1f} |")


def main(argv: list[str]) -> int:
    if os.environ.get("MCFSM_PURE") not in (None, "", "0"):
        sys.exit("bench_joint.py: run it with the compiled core (MCFSM_PURE unset): the "
                 "combinations' own searches are the compiled baseline")
    print("| variant | combinations | states, own searches | rows, joint | fewer by | "
          "(state, level) expanded | fewer by | own searches, compiled, CPU s | joint, "
          "twin, CPU s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for spec in argv or DEFAULT:
        print(measure(spec), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
