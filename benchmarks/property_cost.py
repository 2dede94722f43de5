"""What judging the properties costs in one search of a bundled variant (issue 34: where a
search's time goes). The same variant is explored three times, each in its own process:
with every property; without its step properties (judged on every transition, where a
state property is judged on every new state); with no property but no-deadlock. Then each
step property alone beside no-deadlock, which says which one costs what.

    .venv/bin/python benchmarks/property_cost.py         # private_call_migration[as_published]
    .venv/bin/python benchmarks/property_cost.py models/migration_lifecycle.py lossy_deregistration
    .venv/bin/python benchmarks/property_cost.py --no-each   # the three runs only

CPU is the child's user + system time around `explore` alone (loading the model is left
out). The run fails if the three searches differ in distinct states (no property may
change what is explored)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from mcfsm import explore
from mcfsm.lang.loader import load_path
loaded = load_path(sys.argv[2])[0]
system = loaded.model.system(sys.argv[3])
keep = json.loads(sys.argv[4])
if keep is not None:
    system.properties = tuple(p for p in system.properties
                              if p.kind == "deadlock" or p.name in keep
                              or (keep == ["*state*"] and p.kind != "step"))
started = time.process_time()
result = explore(system)
print(json.dumps({"cpu": time.process_time() - started, "states": result.distinct_states,
                  "transitions": result.total_states, "engine": result.engine,
                  "properties": len(system.properties)}))
"""


def run(path: str, variant: str, keep: list[str] | None) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), path, variant,
                          json.dumps(keep)], capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        sys.exit(f"property_cost: the search failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def step_properties(path: str, variant: str) -> list[str]:
    sys.path.insert(0, str(ROOT))
    from mcfsm.lang.loader import load_path
    system = load_path(path)[0].model.system(variant)
    return [p.name for p in system.properties if p.kind == "step"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", nargs="?", default="models/private_call_migration.py")
    parser.add_argument("variant", nargs="?", default="as_published")
    parser.add_argument("--no-each", action="store_true",
                        help="leave out the runs of each step property alone")
    args = parser.parse_args()
    every = run(args.model, args.variant, None)
    states_only = run(args.model, args.variant, ["*state*"])
    bare = run(args.model, args.variant, [])
    runs = [("every property", every), ("no step property", states_only),
            ("no-deadlock only", bare)]
    if len({r["states"] for _, r in runs}) != 1:
        sys.exit("property_cost: the searches differ in distinct states")
    print(f"{Path(args.model).stem}[{args.variant}]: {every['states']:,} states, "
          f"{every['transitions']:,} generated (as TLC counts), engine {every['engine']}")
    print("| run | properties | CPU s | of every property's |")
    print("| --- | ---: | ---: | ---: |")
    for name, r in runs:
        print(f"| {name} | {r['properties']} | {r['cpu']:.1f} | {r['cpu'] / every['cpu']:.2f} |")
    if not args.no_each:
        print("\n| step property, alone beside no-deadlock | CPU s above no-deadlock only |")
        print("| --- | ---: |")
        for name in step_properties(args.model, args.variant):
            r = run(args.model, args.variant, [name])
            print(f"| {name} | {r['cpu'] - bare['cpu']:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
