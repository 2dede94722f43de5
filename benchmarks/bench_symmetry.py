"""Symmetry reduction (System(symmetry=...), check/state/symmetry.py; TLC's SYMMETRY) on
TwoPhase with 5 to 8 RMs declared interchangeable, and on TLA+'s SimplifiedFastPaxos
(benchmarks/symmetric_paxos.py, replicas and values symmetric: 144 permutations):
distinct states and CPU seconds without and with it, and the ratios, in one run.

    .venv/bin/python benchmarks/bench_symmetry.py            # TwoPhase 5-8 RMs, then Paxos
    .venv/bin/python benchmarks/bench_symmetry.py --verify   # also count 5 RMs' orbits by brute force
    .venv/bin/python benchmarks/bench_symmetry.py --paxos    # Paxos only

Paxos's rows (issue 59 item 4): its replicas' locals name values, so it never takes the
sorting shortcut TwoPhase takes; it is run unreduced, with session 35's canonical form
(that shortcut, else the least image over all 144 permutations) and with today's (the
instances sorted by signature, ties permuted: `Canonical._by_signature`), paired in one
run. Each reduced run's CPU includes the check of the model's symmetry near the initial
states and on every stored state (its own column). Target: the reduced search costs less
than the unreduced one. TLC publishes 1,207 distinct states for Paxos.cfg with its
SYMMETRY (the Examples manifest); the script fails when a count or verdict differs.

The reduced count is the number of orbits of the reachable states under the permutations of
the RMs (tests/test_symmetry.py computes it independently for 3 and 4 RMs: 80 and 166;
--verify does it here for 5). That is what TLC reports with SYMMETRY Permutations(RM), whose
canonical form is exact too; no TLC figure with SYMMETRY is published for TwoPhase (the
tlaplus/Examples manifest records runs without it). Stateright's 2pc example pins 665
states for 5 RMs with `.symmetry()`: its representative sorts the RMs by state alone, which
is not canonical (an orbit can have several representatives), so it stores more than the
314 orbits. The script fails when a verdict differs between the two searches.
"""

from __future__ import annotations

import itertools
import sys
import time
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "validation"))

import twophase  # noqa: E402

from benchmarks import symmetric_paxos  # noqa: E402
from mcfsm import explore  # noqa: E402
from mcfsm.check.search import explorer  # noqa: E402
from mcfsm.check.search.symmetric import check_symmetric  # noqa: E402
from mcfsm.check.state import symmetry  # noqa: E402
from mcfsm.lang.symmetry import Renaming  # noqa: E402


def timed(system):
    cpu = time.process_time()
    result = explore(system)
    return result, time.process_time() - cpu


def orbits(n: int) -> int:
    """The orbits of TwoPhase n's reachable states, by brute force over every permutation."""
    system = twophase.build(n, symmetric=True)
    seen = set(system.initial_states())
    queue = deque(seen)
    while queue:
        for _, after in system.successors(queue.popleft()):
            if after not in seen:
                seen.add(after)
                queue.append(after)
    renamings = [Renaming(system, g) for g in symmetry.group(system)]
    return len({frozenset(r.state(s) for r in renamings) for s in seen})


class Session35Canonical(symmetry.Canonical):
    """The canonical form before issue 59: the sorting shortcut where no symmetric local
    names a symmetric instance, else the least image over every permutation."""

    def _by_signature(self, idxs):  # type: ignore[no-untyped-def]
        return self._by_group(idxs)


def reduced_run(system, form):  # type: ignore[no-untyped-def]
    """explore(system) with canonical form `form`: the result, CPU s, of which the checks of
    the symmetry (near the initial states and on every stored state), and the images the
    canonical form computed per state it was given."""
    made: list = []
    spent = {"check": 0.0}

    class Recorded(form):  # type: ignore[misc, valid-type]
        def __init__(self, *args) -> None:  # type: ignore[no-untyped-def]
            super().__init__(*args)
            made.append(self)

    stored, near = explorer._stored_checked, explorer.check_symmetric

    def timed(fn):  # type: ignore[no-untyped-def]
        def run(*args, **kwargs):  # type: ignore[no-untyped-def]
            cpu = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent["check"] += time.process_time() - cpu
        return run

    explorer.Canonical = Recorded
    explorer._stored_checked, explorer.check_symmetric = timed(stored), timed(near)
    try:
        result, cpu = timed_explore(system)
    finally:
        explorer.Canonical = symmetry.Canonical
        explorer._stored_checked, explorer.check_symmetric = stored, near
    [canon] = made
    group_size = len(canon.group) if canon._group is not None else 0
    images = (canon.calls - canon.by_group - canon.by_signature) + \
        canon.by_group * group_size + canon.tried
    return result, cpu, spent["check"], images / max(canon.calls, 1)


def timed_explore(system):  # type: ignore[no-untyped-def]
    cpu = time.process_time()
    result = explore(system)
    return result, time.process_time() - cpu


def paxos() -> bool:
    """Paxos's rows; True when the runs disagree."""
    full, full_s = timed(symmetric_paxos.build(False))
    before, before_s, before_check, before_images = reduced_run(
        symmetric_paxos.build(), Session35Canonical)
    after, after_s, after_check, after_images = reduced_run(
        symmetric_paxos.build(), symmetry.Canonical)
    print("\nSimplifiedFastPaxos (Paxos.cfg: 4 replicas, 3 values, ballots 0-2; 144 "
          "permutations)\n")
    print("| search | distinct | CPU s | of which the symmetry checks | images per state "
          "| CPU / unreduced |")
    print("| --- | --- | --- | --- | --- | --- |")
    print(f"| unreduced | {full.distinct_states:,} | {full_s:.2f} | - | - | 1.00 |")
    for label, result, cpu, check, images in (
            ("session 35: every permutation", before, before_s, before_check, before_images),
            ("signature, ties permuted", after, after_s, after_check, after_images)):
        print(f"| {label} | {result.distinct_states:,} | {cpu:.2f} | {check:.2f} | "
              f"{images:.2f} | **{cpu / full_s:.2f}** |")
    print(f"\nsignature / session 35: {after_s / before_s:.3f} of the CPU "
          f"({before_s / after_s:.1f}x faster); the search alone (checks left out): "
          f"{(after_s - after_check) / (before_s - before_check):.3f}")

    def said(result):  # type: ignore[no-untyped-def]
        return [(v.property.name, v.status) for v in result.verdicts]
    failed = not (said(full) == said(before) == said(after)
                  and before.distinct_states == after.distinct_states == 1207
                  and full.depth == before.depth == after.depth)
    if failed:
        print(f"DISAGREE on Paxos: {said(full)} {said(before)} {said(after)}, "
              f"{before.distinct_states} and {after.distinct_states} orbits")
    return failed


def main() -> int:
    if "--paxos" in sys.argv:
        return 1 if paxos() else 0
    print("| RMs | permutations | distinct, unreduced | CPU s | distinct, symmetry (orbits) "
          "| CPU s | of which the check near the initial states | states ratio "
          "| CPU, reduced / unreduced |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    failed = False
    for n in (5, 6, 7, 8):
        full, full_s = timed(twophase.build(n))
        reduced, reduced_s = timed(twophase.build(n, symmetric=True))
        if [v.status for v in full.verdicts] != [v.status for v in reduced.verdicts]:
            print(f"DISAGREE on {n} RMs: {full.verdicts} vs {reduced.verdicts}")
            failed = True
        perms = len(list(itertools.permutations(range(n))))
        cpu = time.process_time()
        check_symmetric(twophase.build(n, symmetric=True))  # the same check explore runs
        check_s = time.process_time() - cpu
        print(f"| {n} | {perms:,} | {full.distinct_states:,} | {full_s:.2f} | "
              f"{reduced.distinct_states:,} | {reduced_s:.2f} | {check_s:.2f} | "
              f"{full.distinct_states / reduced.distinct_states:.1f} | "
              f"{reduced_s / full_s:.2f} |")
    print(f"engine core: {full.engine}; the symmetry run's CPU includes checking that the "
          "model respects its symmetry on 200 states near the initial ones (the column) and, "
          "under the generators, on every state stored (search/symmetric.py)")
    if "--verify" in sys.argv:
        count = orbits(5)
        reduced = explore(twophase.build(5, symmetric=True)).distinct_states
        print(f"5 RMs: {count} orbits by brute force, {reduced} states with symmetry")
        failed = failed or count != reduced
    failed = paxos() or failed
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
