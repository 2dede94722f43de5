"""The redirect benchmark (benchmarks/redirect_model.py) written three ways, measured in one
run, each in its own process: the idiomatic model, and the same model whose calling
clients' guards also read one field of a peer through `ctx.world` (server A's state, always
"serving", so the state space is the same). Counts must agree or the run fails.

    .venv/bin/python benchmarks/bench_encodings.py         # 4 callers
    .venv/bin/python benchmarks/bench_encodings.py 3 4 5   # other sizes

Issue 19's target: states/s within 1.5x of the idiomatic encoding and at most 100 bytes
per state for each encoding. A step whose model code reads other instances is memoized on
what it read (check/state/steps.py, issue 19 item 2); this benchmark shows what the reads still
cost. The third encoding is one role holding the whole state, built from the idiomatic system
(its one variable is that system's state, its one step each successor): its memo never
hits, so it measures per-state model code and the bounded memo (steps.py's low_hit).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import dataclasses, json, resource, sys, time
sys.path[:0] = [{root!r} + "/benchmarks"]
import redirect_model
from mcfsm import Role, explore
encoding, size = sys.argv[1], int(sys.argv[2])
if encoding == "world":
    def server_a_serving(ctx) -> bool:
        return ctx.world["serverA"].state == "serving"
    base = redirect_model.CALLING_CLIENT
    redirect_model.CALLING_CLIENT = Role(
        base.name, states=base.states, initial=base.initial, final=sorted(base.final),
        variables=base.variables,
        transitions=[dataclasses.replace(t, conditions=[*t.conditions, server_a_serving])
                     for t in base.transitions])
system = redirect_model.build(size)
if encoding == "one_role":
    # The same model as one role holding the whole state: its one variable is the state of
    # the idiomatic system, its one step goes to each successor (the idiomatic system's
    # model code, run as this role's code). Its local differs in every state.
    from mcfsm import Instance, System, Transition, Var, one_of
    inner = system
    def successors(ctx):
        return [nxt for _, nxt in inner.successors(ctx.v.s) if inner.within_bounds(nxt)]
    def take(ctx) -> None:
        ctx.v.s = ctx.arg
    whole = Role("whole system", states=["running"], initial="running", final=["running"],
                 variables={{"s": Var(tuple, one_of(*inner.initial_states()))}},
                 transitions=[Transition("step", "running", None, choices=successors,
                                         after=[take])])
    system = System("one_role", instances=[Instance("all", whole)], check_deadlock=False)
start, cpu = time.perf_counter(), time.process_time()
r = explore(system)
elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({{"figures": [r.distinct_states, r.total_states, r.depth], "elapsed": elapsed,
                  "cpu": cpu, "rss": rss, "engine": r.engine}}))
"""


def measure(encoding: str, size: int) -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT)), encoding, str(size)],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def main() -> int:
    sizes = [int(a) for a in sys.argv[1:]] or [4]
    print(f"{'callers':>7} {'encoding':<10} {'distinct':>10} {'cpu s':>7} {'states/s':>9} "
          f"{'B/state':>8}  idiomatic/this states/s (target <= 1.5)")
    print("(one_role's total counts only the successors within the bounds: distinct states "
          "and depth must agree)")
    failures = 0
    for size in sizes:
        base = measure("idiomatic", size)
        others = {name: measure(name, size) for name in ("world", "one_role")}
        if size == sizes[0]:
            print(f"engine core: {base['engine']}")
        for name, m in (("idiomatic", base), *others.items()):
            rate = m["figures"][0] / m["cpu"]
            base_rate = base["figures"][0] / base["cpu"]
            tail = f"  {base_rate / rate:.2f}" if name != "idiomatic" else ""
            print(f"{size:>7} {name:<10} {m['figures'][0]:>10,} {m['cpu']:>7.2f} {rate:>9,.0f} "
                  f"{m['rss'] / m['figures'][0]:>8.0f}{tail}", flush=True)
        want = {"world": base["figures"], "one_role": [base["figures"][0], base["figures"][2]]}
        got = {"world": others["world"]["figures"],
               "one_role": [others["one_role"]["figures"][0], others["one_role"]["figures"][2]]}
        for name in want:
            if want[name] != got[name]:
                print(f"  MISMATCH ({name}): {want[name]} != {got[name]}")
                failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
