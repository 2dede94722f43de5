"""One search on all cores (issue 20 item 4): the split search (check --workers N on one
variant, check/split/partitioned.py) against the single search, on TwoPhase with 8 resource
managers (1.7M distinct states) by default, in one run:

    .venv/bin/python benchmarks/bench_parallel.py          # TwoPhase 8, 1 and 2 processes
                                                           # (split, and sharing one visited set)
    .venv/bin/python benchmarks/bench_parallel.py 9 2 3    # TwoPhase 9, 2 and 3 processes
    .venv/bin/python benchmarks/bench_parallel.py lifecycle  # a bundled model's largest run
    .venv/bin/python benchmarks/bench_parallel.py side-by-side [MODEL:VARIANT] [N ...]
    .venv/bin/python benchmarks/bench_parallel.py ray 9 2   # + the split on Ray actors

`ray` (TwoPhase only, Ray installed): the split search on a local Ray instance's actors
(check --ray local on one variant, check/ray_backend.py) besides the local processes, run
twice: the first run pays for starting the Ray instance, the second finds it running.

`side-by-side`: one bundled variant with several combinations of choices, explored
combination after combination (check --workers 1) against its combinations side by side in
N processes (check --workers N on that variant, check/parallel.py); default
private_call_migration:switch_off_with_suspension_indicated (32 combinations, 2,054,814
states). The run fails if any figure, verdict or trace length differs.

It prints, per run, wall time, CPU time (this process and its children), states/s and
the counts, and the ratio of the single search's wall time to each split search's. The
target (issue 20) is 1.7x with 2 processes on a 2-core machine: it needs both cores free,
so the load average at the start is printed too (a busy machine makes the ratio
meaningless), and so is the machine's own ceiling: N copies of the single search run at
once, each in its own process, against one alone (no parallel search can beat that
ratio: it is what the cores and their shared cache and memory give).
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests" / "validation"), str(ROOT)]


def _system(which: str):  # type: ignore[no-untyped-def]
    if which == "lifecycle":
        from mcfsm.check.choices import combinations
        from mcfsm.lang.loader import load_path

        [lm] = load_path(ROOT / "models" / "migration_lifecycle.py")
        system = lm.model.system("switch_off")
        combo = next(combinations(system), ())
        return "migration_lifecycle[switch_off], first choice", (
            system.restricted(dict(combo)) if combo else system)
    import twophase

    return f"TwoPhase {which} RMs", twophase.build(int(which))


def _ray_backend(which: str):  # type: ignore[no-untyped-def]
    """The Ray backend of TwoPhase `which`: the actors load a model file (SystemSpec), so
    one that builds TwoPhase with that many resource managers is written for them."""
    from mcfsm.check.ray_backend import RayBackend, SystemSpec

    path = Path(f"/tmp/bench_parallel_twophase{which}.py")
    path.write_text(f"import sys\nsys.path.insert(0, {str(ROOT / 'tests' / 'validation')!r})\n"
                    "from mcfsm import Model\nimport twophase\n"
                    f"model = Model('twophase{which}', source='TwoPhase.tla')\n"
                    f"model.add_variant('rm{which}', lambda: twophase.build({int(which)}))\n")
    return RayBackend(SystemSpec(str(path), f"twophase{which}", f"rm{which}"), "local")


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(run):  # type: ignore[no-untyped-def]
    """(wall s, CPU s of this process and its children, what run() returned)."""
    cpu, start = _cpu(), time.perf_counter()
    result = run()
    return time.perf_counter() - start, _cpu() - cpu, result


def _ceiling(n: int, run, alone: float, what: str) -> None:  # type: ignore[no-untyped-def]
    """The machine's ceiling: n copies of `run` at once, each in its own forked process,
    against one alone (`alone` seconds): no parallel search can beat that ratio."""
    start = time.perf_counter()
    pids = []
    for _ in range(n):
        pid = os.fork()
        if pid == 0:
            run()
            os._exit(0)
        pids.append(pid)
    for pid in pids:
        os.waitpid(pid, 0)
    wall = time.perf_counter() - start
    print(f"  ceiling: {n} {what} at once in {wall:.1f} s: {n * alone / wall:.2f}x the "
          "throughput of one alone")


def _verdicts(result) -> list[tuple[str, str, int | None]]:  # type: ignore[no-untyped-def]
    return [(v.property.name, v.status, None if v.trace is None else len(v.trace))
            for v in result.verdicts]


def side_by_side(args: list[str]) -> int:
    from mcfsm import Budget
    from mcfsm.check.choices import combination_count, explore_by_choice
    from mcfsm.check.parallel import explore_choices
    from mcfsm.lang.loader import load_path

    target = next((a for a in args if ":" in a),
                  "private_call_migration:switch_off_with_suspension_indicated")
    counts = [int(a) for a in args if a.isdigit()] or [2]
    model, variant = target.split(":")
    [lm] = load_path(ROOT / "models" / f"{model}.py")
    system = lm.model.system(variant)
    print(f"{model}[{variant}], {combination_count(system)} combinations; load average at "
          f"start {os.getloadavg()[0]:.2f} on {len(os.sched_getaffinity(0))} cores")
    runs = []
    for label, run in [("one after another", lambda: explore_by_choice(system))] + [
            (f"side by side on {n}", lambda n=n: explore_choices(system, Budget(), n))
            for n in counts]:
        wall, cpu, result = _timed(run)
        runs.append((label, wall, result))
        print(f"  {label:>18}: {wall:6.1f} s wall, {cpu:6.1f} s CPU; "
              f"{result.distinct_states:,} distinct, {result.total_states:,} total, "
              f"depth {result.depth}")
    base = runs[0]
    for n in counts:
        _ceiling(n, lambda: explore_by_choice(system), base[1], "sequential runs")
    failed = False
    for label, wall, result in runs[1:]:
        same = ((result.distinct_states, result.total_states, result.depth,
                 _verdicts(result), result.coverage) ==
                (base[2].distinct_states, base[2].total_states, base[2].depth,
                 _verdicts(base[2]), base[2].coverage))
        failed = failed or not same
        print(f"  {label}: {base[1] / wall:.2f}x the sequential run's speed; counts, "
              f"verdicts, trace lengths and coverage {'equal' if same else 'DIFFER'}")
    return 1 if failed else 0


def main() -> int:
    from mcfsm import Budget, explore
    from mcfsm.check.split.partitioned import explore_split

    if sys.argv[1:2] == ["side-by-side"]:
        return side_by_side(sys.argv[2:])
    args = sys.argv[1:]
    with_ray = args[:1] == ["ray"]
    args = args[1:] if with_ray else args
    which = args[0] if args else "8"
    counts = [int(a) for a in args[1:]] or [2]
    name, system = _system(which)
    print(f"{name}; load average at start {os.getloadavg()[0]:.2f} on "
          f"{len(os.sched_getaffinity(0))} cores")
    runs = []
    shared = Budget(hash_compact=True)  # one visited set of fingerprints (shared_table.py)
    cpus: list[float] = []
    for label, run in [("single search", lambda: explore(system))] + [
            (f"split over {n}", lambda n=n: explore_split(system, workers=n)) for n in counts] + [
            (f"shared by {n}", lambda n=n: explore_split(system, shared, workers=n))
            for n in counts] + ([
            (f"Ray, {n}{again}", lambda n=n: explore_split(system, workers=n,
                                                           backend=_ray_backend(which)))
            for n in counts for again in ("", ", again")] if with_ray else []):
        wall, cpu, result = _timed(run)
        runs.append((label, wall, result))
        cpus.append(cpu)
        print(f"  {label:>14}: {wall:6.1f} s wall, {cpu:6.1f} s CPU "
              f"({cpu / cpus[0]:.2f}x the single search's), "
              f"{result.distinct_states / wall:>9,.0f} states/s; {result.distinct_states:,} "
              f"distinct, {result.total_states:,} total, depth {result.depth} "
              f"({result.engine})")
    base = runs[0]
    for n in counts:
        _ceiling(n, lambda: explore(system), base[1], "single searches")
    for label, wall, result in runs[1:]:
        same = (result.distinct_states, result.total_states, result.depth) == (
            base[2].distinct_states, base[2].total_states, base[2].depth)
        print(f"  {label}: {base[1] / wall:.2f}x the single search's speed; counts "
              f"{'equal' if same else 'DIFFER'}")
    print("  (CPU above the single search's is the split's own work: hashing each successor "
          "to its owner, the batches, and each partition learning its own memo tables; "
          "\"shared by N\": --workers N --hash-compact, one visited set of fingerprints, "
          "the work moved between levels; Ray's CPU is its actors', not counted here: they are "
          "not this process's children)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
