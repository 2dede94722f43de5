"""Bug finding: seeded defects in the bundled models, found by the exhaustive explorer and
by hypothesis, timed in one run.

    .venv/bin/python benchmarks/seeded_bugs.py [--examples N] [--seed S]

Each seeded bug is a mutation of one transition of a bundled model variant, and a target
property that holds on the unmutated variant (checked exhaustively first). Then:
  - explorer: breadth-first until the target's first counterexample (shortest);
  - hypothesis: random runs on the transitions runtime until the target fails (no
    shrinking), or the example budget is spent; steps per second over those runs.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "models")]

from hypothesis.stateful import get_state_machine_test  # noqa: E402

from mcfsm import Budget, Role, System, Transition, always, explore  # noqa: E402
from mcfsm.check.runtime.stateful import PropertyViolatedError, Stats, simulation_settings, state_machine  # noqa: E402
from mcfsm.lang.loader import load_path  # noqa: E402

Mutation = Callable[[Transition], Transition]


def mutate(system: System, role: str, transition: str, change: Mutation,
           extra: list | None = None) -> System:
    """The same system with one transition of one role changed (and extra properties)."""
    roles: dict[str, Role] = {}
    instances = []
    for inst in system.instances:
        r = inst.role
        if r.name == role:
            if role not in roles:
                names = [t.name for t in r.transitions]
                if transition not in names:
                    raise SystemExit(f"{role} has no transition {transition}; has {names}")
                roles[role] = Role(r.name, states=r.states, initial=r.initial,
                                   variables=r.variables, final=r.final, ignores=r.ignores,
                                   transitions=[change(t) if t.name == transition else t
                                                for t in r.transitions])
            r = roles[role]
        instances.append(dataclasses.replace(inst, role=r))
    return with_properties(System(
        system.name, instances=instances, network=system.network, loss=system.loss,
        duplication=system.duplication, params=system.params, shared=system.shared,
        properties=[p for p in system.properties if p.kind in ("always", "sometimes", "step")],
        constraint=system.constraint, max_in_flight=system.max_in_flight, final=system._final,
        check_deadlock=system.check_deadlock), extra or [])


def with_properties(system: System, extra: list) -> System:
    if not extra:
        return system
    return System(system.name, instances=system.instances, network=system.network,
                  loss=system.loss, duplication=system.duplication, params=system.params,
                  shared=system.shared,
                  properties=[p for p in system.properties
                              if p.kind in ("always", "sometimes", "step")] + extra,
                  constraint=system.constraint, max_in_flight=system.max_in_flight,
                  final=system._final, check_deadlock=system.check_deadlock)


def variant(model_file: str, name: str) -> System:
    [lm] = load_path(ROOT / "models" / model_file)
    return lm.model.system(name)


def primary_learns(v) -> bool:
    c2 = v["client2"]
    if c2.state != "registered" or c2.serving == "A" or v.in_flight():
        return True
    return bool(v["serverA"].bindings)


@dataclasses.dataclass(frozen=True)
class SeededBug:
    name: str
    what: str
    original: Callable[[], System]
    mutant: Callable[[], System]
    target: str


BUGS = [
    SeededBug("idms_never_answers", "the partner IdMS takes the authentication request and "
              "issues no access token",
              lambda: variant("migration_lifecycle.py", "make_before_break"),
              lambda: mutate(variant("migration_lifecycle.py", "make_before_break"), "IdMS",
                             "AuthenticationRequest",
                             lambda t: dataclasses.replace(t, after=[])),
              "no-deadlock"),
    SeededBug("resume_twice", "the client may re-initiate the suspended call again while waiting",
              lambda: variant("private_call_migration.py", "fix_suspension_indicated"),
              lambda: mutate(variant("private_call_migration.py", "fix_suspension_indicated"),
                             "migrating MC service client", "resume_call",
                             lambda t: dataclasses.replace(t, source=["ready", "resuming"])),
              "suspended-call-resumed-once"),
    SeededBug("partner_drops_late_entry", "a partner has no handling for the late entry",
              lambda: variant("group_call_migration.py", "make_before_break"),
              lambda: mutate(variant("group_call_migration.py", "make_before_break"),
                             "MC service server", "partner_late_entry",
                             lambda t: dataclasses.replace(t, source=[], conditions=[lambda c: False])),
              "no-unhandled-message"),
    SeededBug("primary_ignores_notification", "the primary receives the migration notification "
              "and records nothing",
              lambda: with_properties(variant("migration_lifecycle.py", "make_before_break"),
                                      [always("primary-learns-migration", primary_learns,
                                              clause="X.1.6")]),
              lambda: mutate(variant("migration_lifecycle.py", "make_before_break"),
                             "MC service server", "MigrationNotification",
                             lambda t: dataclasses.replace(t, after=[]),
                             extra=[always("primary-learns-migration", primary_learns,
                                           clause="X.1.6")]),
              "primary-learns-migration"),
    SeededBug("kms_never_answers", "the KMS receives the lookup and never answers",
              lambda: variant("private_call_redirect.py", "base"),
              lambda: mutate(variant("private_call_redirect.py", "base"), "KMS",
                             "KmsLookupRequest", lambda t: dataclasses.replace(t, after=[])),
              "no-deadlock"),
]


def hypothesis_time(system: System, target: str, examples: int, seed: int) -> tuple[float | None, float, int]:
    """(seconds to the first failure or None, seconds spent, steps run)."""
    from hypothesis import seed as hseed
    from hypothesis.reporting import with_reporter

    stats = Stats()
    skip = frozenset(p.name for p in system.properties if p.name != target)
    test = hseed(seed)(get_state_machine_test(
        state_machine(system, stats=stats, skip=skip),
        settings=simulation_settings(examples, 50, shrink=False)))
    start = time.perf_counter()
    found = None
    try:
        with with_reporter(lambda _t: None):
            test()
    except PropertyViolatedError:
        found = time.perf_counter() - start
    return found, time.perf_counter() - start, stats.steps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"{'seeded bug':<30} {'target property':<28} {'explorer s':>10} {'states':>8} "
          f"{'steps':>5} {'hypothesis s':>12} {'hyp steps/s':>11}")
    for bug in BUGS:
        original = explore(bug.original())
        held = next(v.status for v in original.verdicts if v.property.name == bug.target)
        if held != "holds":
            print(f"{bug.name}: the target {bug.target} does not hold on the original ({held})")
            return 1
        mutant = bug.mutant()
        start = time.perf_counter()
        r = explore(mutant, Budget(stop_on=frozenset({bug.target})))
        explorer_s = time.perf_counter() - start
        verdict = next(v for v in r.verdicts if v.property.name == bug.target)
        steps = len(verdict.trace) if verdict.trace else "-"
        found, spent, hsteps = hypothesis_time(mutant, bug.target, args.examples, args.seed)
        hyp = f"{found:.3f}" if found is not None else f"> {spent:.1f} (not found)"
        print(f"{bug.name:<30} {bug.target:<28} {explorer_s:>10.3f} {r.distinct_states:>8,} "
              f"{steps!s:>5} {hyp:>12} {hsteps / spent:>11,.0f}")
        if verdict.status != "violated":
            print(f"  the explorer did not find the seeded bug: {verdict.status}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
