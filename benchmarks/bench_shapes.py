"""Speed on every shape (issue 34 item 5): a message-passing model with five instances on
FIFO channels, shared variables and guards that read a peer, written four ways
(benchmarks/shapes_model.py) and measured in one run, each encoding in its own process.

    .venv/bin/python benchmarks/bench_shapes.py            # 6, 10 and 14 items (about 9 min)
    .venv/bin/python benchmarks/bench_shapes.py --quick    # 6 items only
    .venv/bin/python benchmarks/bench_shapes.py 4 8        # other sizes
    .venv/bin/python benchmarks/bench_shapes.py --profile  # cProfile of the engine, largest size

The encodings: `plain`, a plain-Python BFS written for this one model (flat tuples of small
ints, one dict of parents, the cyclic GC paused as the engine pauses it); `idiomatic`,
the mcfsm model (roles, FIFO channels, shared variables, `ctx.world` guards); `one_role`,
the same system as one mcfsm role whose one variable is the whole (flat) state and whose
one step goes to each successor; `one_role_vars`, one role again but with one variable per
component of the flat state and one transition per action, each guard and action reading
the few variables it concerns (the model issue 59 item 3 judges: memos keyed on the fields
a step reads of its own local). The four must agree on distinct states, total states
(TLC's counting), depth, and every invariant's and no-deadlock's verdict with the length
of its shortest counterexample; the run fails (exit 1) if they do not.

CPU seconds are the child's own (resource.getrusage, user + system) around the search;
"process" adds the interpreter's start, imports and building the model. Bytes per state
is peak RSS / distinct states (the interpreter's baseline included), and "above" the
growth of peak RSS during the search / distinct states. The ratio is the encoding's
distinct states per CPU second over the plain BFS's (target, issue 34: at least 1.5 for
every encoding). Compiled engine core only: the run stops if the compiled core is not
what `mcfsm.check.kernel.core.load()` gives (MCFSM_PURE set, or the extension not built).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ENCODINGS = ("plain", "idiomatic", "one_role", "one_role_vars")


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def child(encoding: str, size: int) -> None:
    """Run one encoding in this process and print its figures as JSON."""
    sys.path.insert(0, str(HERE))
    import shapes_model

    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    start = cpu_seconds()
    distinct, total, depth, verdicts, core = shapes_model.run(encoding, size)
    cpu = cpu_seconds() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"figures": [distinct, total, depth], "verdicts": verdicts, "core": core,
                      "cpu": cpu, "process_cpu": cpu_seconds(), "rss": peak,
                      "baseline": baseline}))


def measure(encoding: str, size: int) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", encoding, str(size)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"FAILED: {encoding} at size {size} exited {proc.returncode}:\n{proc.stderr}")
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def profile(encoding: str, size: int) -> None:
    """cProfile of one encoding in this process: where the time goes (the compiled core's
    own time shows as its search method's tottime; Python runs on memo misses)."""
    import cProfile
    import pstats

    sys.path.insert(0, str(HERE))
    import shapes_model

    prof = cProfile.Profile()
    prof.enable()
    figures = shapes_model.run(encoding, size)
    prof.disable()
    print(f"{encoding}, {size} items: {figures[0]:,} distinct states, core {figures[4]}")
    pstats.Stats(prof).sort_stats("tottime").print_stats(18)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, help="items (default 6 10 14)")
    parser.add_argument("--quick", action="store_true", help="the smallest size only")
    parser.add_argument("--profile", nargs="?", const="idiomatic", choices=ENCODINGS[1:],
                        help="cProfile one engine encoding at the largest size instead")
    parser.add_argument("--child", nargs=2, metavar=("ENCODING", "SIZE"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]))
        return 0

    from mcfsm.check.kernel.core import load

    core = load()[1]
    print(f"engine core: {core}")
    if core != "compiled":
        sys.exit("FAILED: this benchmark measures the compiled core only "
                 "(unset MCFSM_PURE, or build it: pip install -e .)")
    sys.path.insert(0, str(HERE))
    import shapes_model

    sizes = sorted(args.sizes or shapes_model.SIZES)
    if args.quick:
        sizes = sizes[:1]
    if args.profile:
        profile(args.profile, sizes[-1])
        return 0
    print(f"machine load at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"{'encoding':<13} {'items':>5} {'distinct':>9} {'total':>10} {'depth':>5} "
          f"{'cpu s':>7} {'process':>7} {'states/cpu s':>12} {'vs plain':>8} "
          f"{'peak RSS':>8} {'B/state':>7} {'above':>6}")
    failures = []
    for size in sizes:
        runs = {encoding: measure(encoding, size) for encoding in ENCODINGS}
        plain = runs["plain"]
        for encoding, m in runs.items():
            distinct, total, depth = m["figures"]
            rate = distinct / m["cpu"]
            ratio = rate / (plain["figures"][0] / plain["cpu"])
            print(f"{encoding:<13} {size:>5} {distinct:>9,} {total:>10,} {depth:>5} "
                  f"{m['cpu']:>7.2f} {m['process_cpu']:>7.2f} {rate:>12,.0f} {ratio:>8.2f} "
                  f"{m['rss'] / 2**20:>6.0f}MB {m['rss'] / distinct:>7.0f} "
                  f"{(m['rss'] - m['baseline']) / distinct:>6.0f}", flush=True)
            if encoding != "plain" and m["core"] != "compiled":
                failures.append(f"{encoding} at {size} items ran on core {m['core']!r}")
            for what in ("figures", "verdicts"):
                if m[what] != plain[what]:
                    failures.append(f"{encoding} at {size} items: {what} {m[what]} != "
                                    f"plain BFS {plain[what]}")
        print(f"{'':<13} {size:>5} verdicts (steps to a shortest counterexample, or holds): "
              + ", ".join(f"{k} {'holds' if v is None else v}"
                          for k, v in plain["verdicts"].items()), flush=True)
    print(f"machine load at end: {os.getloadavg()[0]:.2f}")
    if failures:
        print("FAILED: the encodings disagree:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
