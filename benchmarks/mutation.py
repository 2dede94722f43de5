"""Mutation test of the bundled models: does some verdict notice when a model is broken?

    .venv/bin/python benchmarks/mutation.py [MODEL[:VARIANT,...] ...] [--only=TEXT ...]
    (default: group_call_migration:break_before_make,make_before_break and
     private_call_migration:as_published,fix_suspension_indicated; --only runs just the
     mutants whose label contains TEXT, to re-check survivors after adding a property;
     --skip=TEXT leaves out those whose label contains TEXT, to split a long run)

Each mutant changes one transition of one role in a built variant (the system's dispatch
tables are patched; the model files are untouched):
  - negate-guard / drop-guard   a transition with conditions fires when it should not;
  - drop-send:<Message>         one message type a transition sends is not sent (a no-op,
                                not a survivor, when the transition never sends it);
  - change-field:<Message>.<f>  one element of a message a transition sends gets another
                                plausible value (an ID or system of the next MC system,
                                a negated flag, a count plus one, an emptied collection);
  - drop-update                 a transition's actions (updates and sends) are skipped;
  - wrong-dest                  a transition ends in its source state instead;
  - drop-choice:<param>         a parameter loses its last choice (variant level).
A mutant is killed when some property's verdict (or a choice it depends on) differs from
the unmutated variant's in some variant, or when the model then fails with a model error
(a message nobody accepts, a bad route). Survivors are listed so that each can be judged:
killed or equivalent. Prints the kill ratio per model and overall.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from mcfsm import Budget, ModelError, System
from mcfsm.check.choices import dependency, explore_by_choice
from mcfsm.lang.loader import load_path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODELS = ("group_call_migration:break_before_make,make_before_break",
                  "private_call_migration:as_published,fix_suspension_indicated")

Mutator = Callable[[System], None]


def signature(system: System, limit: int | None = None) -> dict[str, tuple[str, str | None]]:
    """Verdicts and the choices they rest on. A mutant whose state space outgrows `limit`
    (several times the original's) is cut short: its verdicts read "unknown", which counts
    as a change (the bounded model became unbounded or much larger)."""
    result = explore_by_choice(system, Budget(max_states=limit))
    return {v.property.name: (v.status, dependency(result, v.property.name))
            for v in result.verdicts}


def _patch(system: System, role: str, name: str, change: Callable[[Any], Any]) -> None:
    """Replace transition `name` of instances of `role` in the system's dispatch tables."""
    for k, inst in enumerate(system.instances):
        if inst.role.name != role:
            continue
        for table in (system._internal[k], system._receive[k]):
            for key, entries in table.items():
                table[key] = [(change(t) if t.name == name else t, tid) for t, tid in entries]


def _drop_sends(kind: type, label: str) -> Callable[[Any], None]:
    def action(ctx: Any) -> None:
        kept = [(to, m) for to, m in ctx._sends if not isinstance(m, kind)]
        if len(kept) < len(ctx._sends):
            CHANGED[label] = CHANGED.get(label, 0) + 1
        ctx._sends = kept
    return action


SYSTEM_ROTATION = {"A": "B", "B": "C", "C": "A"}


def altered(value: Any) -> Any:
    """Another plausible value of an element, or None when there is none to give (an
    absent optional element stays absent). MC system names and the domain of an ID move
    to the next MC system, so that routing still works and only the meaning changes."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        if value in SYSTEM_ROTATION:
            return SYSTEM_ROTATION[value]
        head, sep, system = value.rpartition("@") if "@" in value else value.rpartition(".")
        if sep and system in SYSTEM_ROTATION:
            return f"{head}{sep}{SYSTEM_ROTATION[system]}"
        return value + "?" if value else "?"
    if isinstance(value, (tuple, frozenset)) and value:
        return type(value)()
    return None


# How many messages each change-field or drop-send mutant actually changed or dropped: a
# mutant that never found its element present (an optional element no role sets there), or
# whose transition never sends that message in any explored state (a send only reachable
# outside the variants' bounds), changed nothing and is reported as a no-op, not a survivor.
CHANGED: dict[str, int] = {}


def _change_field(kind: type, field: str, label: str) -> Callable[[Any], None]:
    def action(ctx: Any) -> None:
        changed = []
        for to, m in ctx._sends:
            if isinstance(m, kind):
                new = altered(getattr(m, field))
                if new is not None:
                    m = dataclasses.replace(m, **{field: new})
                    CHANGED[label] = CHANGED.get(label, 0) + 1
            changed.append((to, m))
        ctx._sends = changed
    return action


def mutants(system: System) -> Iterator[tuple[str, Mutator]]:
    seen: set[tuple[str, str]] = set()
    for inst in system.instances:
        role = inst.role
        for t in role.transitions:
            if (role.name, t.name) in seen:
                continue
            seen.add((role.name, t.name))
            where = f"{role.name}.{t.name}"
            if t.conditions:
                conds = tuple(t.conditions)

                def negated(ctx: Any, conds: tuple = conds) -> bool:
                    return not all(c(ctx) for c in conds)

                yield (f"negate-guard {where}", lambda s, r=role.name, n=t.name, g=negated:
                       _patch(s, r, n, lambda x: dataclasses.replace(x, conditions=(g,))))
                yield (f"drop-guard {where}", lambda s, r=role.name, n=t.name:
                       _patch(s, r, n, lambda x: dataclasses.replace(x, conditions=())))
            for kind in t.sends:
                drop = _drop_sends(kind, f"drop-send:{kind.__name__} {where}")
                yield (f"drop-send:{kind.__name__} {where}",
                       lambda s, r=role.name, n=t.name, d=drop:
                       _patch(s, r, n, lambda x: dataclasses.replace(x, after=(*x.after, d))))
                for element in kind.elements:
                    label = f"change-field:{kind.__name__}.{element.name} {where}"
                    change = _change_field(kind, element.name, label)
                    yield (label,
                           lambda s, r=role.name, n=t.name, c=change:
                           _patch(s, r, n, lambda x: dataclasses.replace(x, after=(*x.after, c))))
            if t.after:
                yield (f"drop-update {where}", lambda s, r=role.name, n=t.name:
                       _patch(s, r, n, lambda x: dataclasses.replace(x, after=())))
            if t.dest is not None and t.dest not in t.sources:
                yield (f"wrong-dest {where}", lambda s, r=role.name, n=t.name:
                       _patch(s, r, n, lambda x: dataclasses.replace(x, dest=None)))


def choice_mutants(system: System) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, p in system.params.items():
        if len(p.choices) > 1:
            yield f"drop-choice:{name}={p.choices[-1]}", {name: p.choices[0]}


def wanted(label: str, only: tuple[str, ...], skip: tuple[str, ...]) -> bool:
    return (not only or any(t in label for t in only)) and not any(t in label for t in skip)


def run_model(spec: str, only: tuple[str, ...] = (), skip: tuple[str, ...] = (),
              reverse: bool = False
              ) -> tuple[int, int, list[str]]:
    model_name, _, chosen = spec.partition(":")
    lm = next(lm for lm in load_path(ROOT / "models") if lm.model.name == model_name)
    variants = chosen.split(",") if chosen else list(lm.model.variants)
    baseline = {v: signature(lm.model.system(v)) for v in variants}
    limit = {v: 4 * explore_by_choice(lm.model.system(v)).distinct_states + 1000
             for v in variants}
    names: dict[str, list[tuple[str, Mutator]]] = {}
    for v in variants:
        for label, mutate in mutants(lm.model.system(v)):
            names.setdefault(label, []).append((v, mutate))
    killed, survivors = 0, []
    total = 0
    for label, per_variant in (reversed(names.items()) if reverse else names.items()):
        if not wanted(label, only, skip):
            continue
        total += 1
        dead = False
        for variant, mutate in per_variant:
            system = lm.model.variants[variant].build()  # a fresh system per mutant
            try:
                mutate(system)
                dead = signature(system, limit[variant]) != baseline[variant]
            except ModelError:
                dead = True  # the checker reports the broken model
            if dead:
                break
        if not dead and label.startswith(("change-field", "drop-send")) and not CHANGED.get(label):
            total -= 1  # nothing was changed: the mutant is the unmutated model
            print(f"  no-op    {label}", flush=True)
            continue
        killed += dead
        print(f"  {'killed  ' if dead else 'SURVIVED'} {label}", flush=True)
        if not dead:
            survivors.append(label)
    for v in variants:
        for label, pins in choice_mutants(lm.model.system(v)):
            if not wanted(label, only, skip):
                continue
            total += 1
            system = lm.model.variants[v].build().restricted(pins)
            dead = signature(system, limit[v]) != baseline[v]
            killed += dead
            print(f"  {'killed  ' if dead else 'SURVIVED'} {label} [{v}]", flush=True)
            if not dead:
                survivors.append(f"{label} [{v}]")
    return killed, total, survivors


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description="Mutation test of the bundled models (see the module docstring).")
    parser.add_argument("models", nargs="*", metavar="MODEL[:VARIANT,...]",
                        help=f"models and variants to mutate (default: {' '.join(DEFAULT_MODELS)})")
    parser.add_argument("--only", action="append", default=[], metavar="TEXT",
                        help="run just the mutants whose label contains TEXT (repeatable)")
    parser.add_argument("--skip", action="append", default=[], metavar="TEXT",
                        help="leave out the mutants whose label contains TEXT (repeatable)")
    parser.add_argument("--reverse", action="store_true",
                        help="take the mutants in reverse order (to split a long run between "
                             "two processes by hand: stop both when they meet)")
    args = parser.parse_args(argv)
    only, skip = tuple(args.only), tuple(args.skip)
    chosen = args.models or list(DEFAULT_MODELS)
    known = {lm.model.name: lm.model for lm in load_path(ROOT / "models")}
    for spec in chosen:
        name, _, variants = spec.partition(":")
        if name not in known:
            parser.error(f"no model {name!r} under models/; choose from {', '.join(sorted(known))}")
        for v in filter(None, variants.split(",")):
            if v not in known[name].variants:
                parser.error(f"model {name} has no variant {v!r}; "
                             f"choose from {', '.join(known[name].variants)}")
    all_killed = all_total = 0
    for name in chosen:
        start = time.perf_counter()
        killed, total, survivors = run_model(name, only, skip, args.reverse)
        all_killed += killed
        all_total += total
        print(f"{name}: {killed}/{total} mutants killed ({100 * killed / max(total, 1):.0f}%), "
              f"{time.perf_counter() - start:.0f} s")
        for s in survivors:
            print(f"  survived: {s}")
    print(f"overall: {all_killed}/{all_total} killed ({100 * all_killed / max(all_total, 1):.0f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
