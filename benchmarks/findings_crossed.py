"""Every finding re-checked in the world round 5 added (issue 70 item 2): each finding's
smallest variant, and its fix, explored again with one of its model's new dimensions in its
new state (a second UE that stays, B and C not interconnected, an impostor calling, a
partner ID reused, ...), and the finding's property judged there.

    PYTHONPATH=models .venv/bin/python benchmarks/findings_crossed.py [--model NAME]

The world of a variant with a new Param is the old world (the Param's old choice: the
variant as it was) and the new one; only the new one can change anything, so only it is
explored. A variant is put there by calling its own build with the dimension's keyword
arguments added (the variant's factory calls its module's `build`, replaced for the call):
the variant's pins stay. Per finding and dimension it prints:
- survived: the property fails there as the variant declares it (the same verdict on the
  same conditions), and the fix there still gives its declared verdict;
- changed: it fails on other conditions there, or not at all (the finding needs the old
  state of the dimension), or the fix there no longer gives its declared verdict (a fix
  that does not cover the new world);
- not crossed: the variant explores that dimension already, the model's build refuses the
  combination (the reason is printed), or the search was cut by the budget (then nothing is
  concluded).
Prints a markdown table for models/DIMENSIONS.md and a count per status.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mcfsm.check.choices import dependency, explore_by_choice  # noqa: E402
from mcfsm.check.results import Budget  # noqa: E402
from mcfsm.lang.loader import load_path  # noqa: E402

# The dimensions round 5 added, per model: the build keyword arguments that add each.
# The dimensions round 5 added, per model: the build keyword arguments that put a variant in
# the new state of each, with the readings under which its finding showed (the text's, not
# the candidate fix's).
WORLD: dict[str, dict[str, dict[str, Any]]] = {
    "private_call_migration": {
        "resumed in manual commencement": {"resumed_commencements": ("callee_setting",),
                                           "callee_commencements": ("manual",)},
        "local restriction forbids the new call": {"local_restrictions": ("forbids_peer",),
                                                   "restricted_marks": ("kept",)},
        # session 50
        "resumption not answered is forwarded": {"resumed_commencements": ("callee_setting",),
                                                 "callee_commencements": ("manual",),
                                                 "no_answer_forwardings": ("to_user4",)},
        "ambient listening call, migration indicated": {"ambient_indications": ("shown",)},
        "an impostor asserts user 1's primary ID": {"asserted_primary_ids": ("as_sent",)},
    },
    "private_call_redirect": {
        "B and C not interconnected": {"reach": True},
        "redirection only to accepted callers": {"disclosure": True},
        # session 50
        "client 1's call an emergency call, redirected as ordinary": {"emergency_call": True},
    },
    "group_call_migration": {
        "a second UE stays at A": {"deaffiliation_scopes": ("all_clients",)},
        "partner ID assigned at authentication": {"partner_ids": ("at_authentication",),
                                                  "document_updates": ("static",)},
    },
    "migration_lifecycle": {
        "an impostor asserts user 2's primary ID": {"asserted_primary_ids": ("as_sent",)},
        # the impostor's call without unverified-primary-id-cached's reading: what the third
        # party's presence alone does
        "an impostor calls (its server sets the primary ID)": {
            "asserted_primary_ids": ("from_registration",)},
        "user 2's partner ID reused": {"partner_id_reuses": ("after_departure",)},
        # session 50
        "B removes user 2, keeping its registration": {"removals": ("ignored",)},
        "B removes user 2, ending its registration silently": {"removals": ("deregistered",)},
    },
}
# where a dimension is a bare switch, the Param it adds and the new choice to pin
SWITCH_PINS = {"reach": ("reach", ("no_b_c_link",)),
               "disclosure": ("redirect_disclosure", ("authorised_callers",)),
               "emergency_call": ("redirected_call_kind", ("ordinary",))}


class AlreadyExploredError(Exception):
    """The variant passes the dimension's keyword itself."""


def crossed_system(variant, extra: dict[str, Any]):
    """The variant's System with `extra` added to its build call."""
    factory = variant.build
    module_globals = factory.__globals__
    original = module_globals["build"]

    def build(*args, **kwargs):
        if set(extra) & set(kwargs):
            raise AlreadyExploredError(", ".join(sorted(set(extra) & set(kwargs))))
        switches = [SWITCH_PINS[k] for k in extra if k in SWITCH_PINS]
        if switches:  # a bare switch adds a Param with both choices: pin the new one
            pinned = dict(kwargs.get("pinned") or {})
            if any(param in pinned for param, _ in switches):
                raise AlreadyExploredError(", ".join(p for p, _ in switches))
            kwargs["pinned"] = {**pinned, **dict(switches)}
        return original(*args, **{**kwargs, **extra})

    module_globals["build"] = build
    try:
        return factory()
    finally:
        module_globals["build"] = original


def judged(system, prop: str, budget: Budget) -> tuple[str, str, int]:
    """(status, the choices it rests on, distinct states) of `prop` in `system`."""
    result = explore_by_choice(system, budget)
    if not result.complete:
        return "cut", "", result.distinct_states
    verdict = next(v for v in result.verdicts if v.property.name == prop)
    condition = dependency(result, prop) or ""
    return verdict.status, "" if condition == "whatever the choices" else condition, \
        result.distinct_states


REFERENCE = json.loads((ROOT / "tests" / "data" / "engine_reference.json").read_text())["variants"]


def declared(model, variant, prop: str) -> str:
    """The verdict the variant declares, as the checker words it; where it declares none, the
    one the engine reference holds for it (holds, witnessed: a property's default)."""
    if prop in variant.expect:
        return variant.expect[prop]
    return REFERENCE[f"{model.name}[{variant.name}]"]["verdicts"][prop][0]


def smallest(model, names):
    """The finding's variant with the fewest states in the engine reference."""
    return min((model.variants[n] for n in names if n in model.variants),
               key=lambda v: REFERENCE.get(f"{model.name}[{v.name}]", {}).get("distinct", 10**12))


def recheck(model, finding, extra: dict[str, Any], budget: Budget) -> tuple[str, str]:
    variant = smallest(model, finding.variants)
    try:
        status, condition, states = judged(crossed_system(variant, extra), finding.prop, budget)
    except AlreadyExploredError as exc:
        return "not crossed", f"{variant.name} explores it already ({exc})"
    except Exception as exc:  # a combination the model's build refuses, said as it is
        return "not crossed", f"{variant.name}: {type(exc).__name__}: {exc}"[:400]
    if status == "cut":
        return "not crossed", f"{variant.name}: cut at {states:,} states"
    said = f"{status} {condition}".strip()
    before = declared(model, variant, finding.prop)
    words = f"{variant.name} ({states:,} states): {said} (declared: {before})"
    same = said == before
    fix_words = ""
    fix_ok = True
    if finding.fix in model.variants and finding.fix != variant.name:
        fix = model.variants[finding.fix]
        try:
            fix_status, fix_condition, fix_states = judged(crossed_system(fix, extra),
                                                           finding.prop, budget)
        except AlreadyExploredError:
            fix_status, fix_condition, fix_states = "not crossed", "", 0
        except Exception as exc:
            fix_status, fix_condition, fix_states = f"refused ({type(exc).__name__})", "", 0
        if fix_status in ("cut", "not crossed") or fix_status.startswith("refused"):
            fix_words = f"; fix {fix.name}: {fix_status}"
        else:
            fix_said = f"{fix_status} {fix_condition}".strip()
            fix_ok = fix_said == declared(model, fix, finding.prop)
            fix_words = f"; fix {fix.name} ({fix_states:,} states): {fix_said}"
    if not same or not fix_ok:
        return "changed", words + fix_words
    return "survived", words + fix_words


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", action="append", help="only this model (repeatable)")
    parser.add_argument("--dimension", action="append",
                        help="only this dimension, named as in WORLD (repeatable)")
    parser.add_argument("--max-states", type=int, default=3_000_000,
                        help="budget per search (a cut search concludes nothing)")
    parser.add_argument("--time-limit", type=float, default=300.0, help="seconds per search")
    args = parser.parse_args(argv)
    budget = Budget(max_states=args.max_states, time_limit=args.time_limit)
    counts: dict[str, int] = {}
    print("| finding | class | dimension | status | what the crossed search says |")
    print("| --- | --- | --- | --- | --- |")
    started = time.perf_counter()
    for loaded in load_path(ROOT / "models"):
        model = loaded.model
        if args.model and model.name not in args.model:
            continue
        for finding in model.findings.values():
            for dimension, extra in WORLD.get(model.name, {}).items():
                if args.dimension and dimension not in args.dimension:
                    continue
                status, words = recheck(model, finding, extra, budget)
                counts[status] = counts.get(status, 0) + 1
                print(f"| {finding.name} | {finding.cls} | {dimension} | {status} | {words} |",
                      flush=True)
    print()
    print(", ".join(f"{n} {s}" for s, n in sorted(counts.items())),
          f"({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
