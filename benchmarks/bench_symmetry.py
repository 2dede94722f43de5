"""Symmetry reduction (System(symmetry=...), check/state/symmetry.py; TLC's SYMMETRY) on
TwoPhase with 5 to 8 RMs declared interchangeable, and on TLA+'s SimplifiedFastPaxos
(benchmarks/symmetric_paxos.py, replicas and values symmetric: 144 permutations):
distinct states and CPU seconds without and with it, and the ratios, in one run.

    .venv/bin/python benchmarks/bench_symmetry.py            # TwoPhase 5-8 RMs, then Paxos
    .venv/bin/python benchmarks/bench_symmetry.py --verify   # also count 5 RMs' orbits by brute force
    .venv/bin/python benchmarks/bench_symmetry.py --paxos    # Paxos only
    .venv/bin/python benchmarks/bench_symmetry.py --orbits   # what verifying the symmetry costs

`--orbits` (issue 73 item 1): the declared symmetry checked after the reduced search three
ways, paired in one run on TwoPhase 3 to 6 RMs, the issue's probe (three counters whose
asymmetry only a product of the generators shows, made symmetric) and SimplifiedFastPaxos:
under the generators at every stored state (incomplete: the verdicts then say they assume
the symmetry), on the whole orbit of every stored state (search/symmetric.check_orbits:
complete; the default up to explorer.FULL_CHECK_GROUP permutations and FULL_CHECK_IMAGES
images, else `--verify-symmetry`), and under every permutation at every stored state (the
complete check before issue 73, kept here for the comparison). Each row gives the CPU of
the whole reduced run with that check, the images checked and the CPU per image, against
the unreduced search's CPU. The orbit check's images must number the unreduced states less
the stored ones (each unreduced state is one member of one orbit), or the script fails.

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


def counters(symmetric: bool):  # type: ignore[no-untyped-def]
    """The issue's probe made symmetric: three counters to 8, any of them may go boom at 8."""
    from tests.test_symmetry_assumed import counters as build
    return build(("r1", "r2", "r3"), 8, asymmetric=False, symmetric=symmetric)


def orbit_checks() -> bool:
    """The three checks of a declared symmetry, paired (module doc); True on a mismatch."""
    from mcfsm.check.results import Budget

    def run(system, mode: str):  # type: ignore[no-untyped-def]
        """(result, CPU s, images checked) of a reduced run whose check of the stored states
        is `mode`: generators, orbits, permutations, or none (for the check's share)."""
        seen = {"images": 0}
        saved = explorer.FULL_CHECK_GROUP, explorer.check_orbits, explorer.check_stored_rows

        def stored_rows(system, canon, steps, rows, perms):  # type: ignore[no-untyped-def]
            if mode == "none":
                return 0
            n = saved[2](system, canon, steps, rows, perms)
            seen["images"] = n * (len(perms) - (mode == "permutations"))  # identity left out
            return n

        def orbits(system, canon, steps, rows):  # type: ignore[no-untyped-def]
            if mode == "permutations":
                n = stored_rows(system, canon, steps, rows, symmetry.group(system))
                return n, seen["images"]
            n, seen["images"] = saved[1](system, canon, steps, rows)
            return n, seen["images"]

        explorer.FULL_CHECK_GROUP = 0  # the generators unless verify_symmetry asks more
        explorer.check_orbits, explorer.check_stored_rows = orbits, stored_rows
        try:
            cpu = time.process_time()
            result = explore(system, Budget(verify_symmetry=mode in ("orbits", "permutations")))
            cpu = time.process_time() - cpu
        finally:
            explorer.FULL_CHECK_GROUP, explorer.check_orbits, explorer.check_stored_rows = saved
        return result, cpu, seen["images"]

    cases = [(f"TwoPhase {n} RMs", lambda s, n=n: twophase.build(n, symmetric=s))
             for n in (3, 4, 5, 6)]
    cases += [("issue 73's probe, symmetric", counters),
              ("SimplifiedFastPaxos", symmetric_paxos.build)]
    print("| model | permutations | unreduced: states | CPU s | orbits | check | images "
          "checked | us an image | CPU s, whole run | / unreduced |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    failed = False
    for label, build in cases:
        full, full_s = timed(build(False))
        for mode in ("generators", "orbits", "permutations"):
            if mode == "permutations" and label.startswith(("TwoPhase 6", "Simplified")):
                continue  # minutes: every permutation at every stored state
            result, cpu, images = run(build(True), mode)
            check_s = cpu - run(build(True), "none")[1] if images else 0.0
            print(f"| {label} | {symmetry.group_size(result.system):,} | "
                  f"{full.distinct_states:,} | {full_s:.2f} | {result.distinct_states:,} | "
                  f"{mode} | {images:,} | {1e6 * check_s / max(images, 1):.0f} | {cpu:.2f} | "
                  f"{cpu / full_s:.1f} |")
            if mode == "orbits" and images != full.distinct_states - result.distinct_states:
                print(f"MISMATCH: {images:,} images, {full.distinct_states:,} unreduced states")
                failed = True
            if [v.status for v in result.verdicts] != [v.status for v in full.verdicts]:
                print(f"DISAGREE on {label} ({mode})")
                failed = True
    print(f"engine core: {full.engine}; CPU of the whole reduced run, the check included; "
          "us an image: the check's CPU (the run's less a run without it) per image")
    return failed


def main() -> int:
    if "--paxos" in sys.argv:
        return 1 if paxos() else 0
    if "--orbits" in sys.argv:
        return 1 if orbit_checks() else 0
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
          "model respects its symmetry on 200 states near the initial ones (the column) and "
          "on every state stored: its whole orbit where the group and the check are small "
          "(5 RMs: verified), else under the generators (search/symmetric.py; --orbits "
          "compares the two)")
    if "--verify" in sys.argv:
        count = orbits(5)
        reduced = explore(twophase.build(5, symmetric=True)).distinct_states
        print(f"5 RMs: {count} orbits by brute force, {reduced} states with symmetry")
        failed = failed or count != reduced
    failed = paxos() or failed
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
