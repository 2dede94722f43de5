"""Mutation test of the bundled models: does some verdict notice when a model is broken?

    .venv/bin/python benchmarks/mutation.py [MODEL[:VARIANT,...] ...] [--only=TEXT ...]
        [--skip=TEXT ...] [--ops=all|source|transition] [--equivalent=FILE] [--all-variants]
    (default: every bundled model on one or two representative variants, DEFAULT_MODELS
     below; --only runs just the mutants whose label contains TEXT, to re-check survivors
     after adding a property; --skip=TEXT leaves out those whose label contains TEXT;
     --all-variants takes every mutant no verdict killed there to all the model's other
     variants, see `extend`; --resume LOG goes on with a run a session cut off, LOG being
     its standard output: the mutants it decided are printed again, not run; each run
     prints a digest of models/, and a log of other models is refused; --reverse takes the
     mutants backwards, to split a long run between two processes, and --resume and
     --from-log take both logs of such a split, repeated)

Transition-level mutants change one transition of one role in a built variant (the
system's dispatch tables are patched; the model files are untouched):
  - negate-guard / drop-guard   a transition with conditions fires when it should not;
  - drop-send:<Message>         one message type a transition sends is not sent (not
                                applicable when the transition never sends it);
  - change-field:<Message>.<f>  one element of a message a transition sends gets another
                                plausible value (an ID or system of the next MC system,
                                a negated flag, a count plus one, an emptied collection);
  - drop-update                 a transition's actions (updates and sends) are skipped;
  - wrong-dest                  a transition ends in its source state instead;
  - drop-choice:<param>         a parameter loses its last choice (variant level).
Machinery mutants (--ops=machinery; issue 58) change what a model declares besides its
transitions' code:
  - timer-never-fires / timer-fires-always  a timer's expiry never comes, or comes while
                                what it is declared to outlast still runs;
  - answer-matches-any / answer-matches-none  a transaction's answer matched to any
                                transaction of its kind (another's answer ends it), or to none;
  - loss-never-happens / loss-spares:<Message>  a declared Loss loses nothing, or never
                                that declared kind;
  - count-plus-one / count-minus-one  a monitor's count off by one either way;
  - swap-sends                  the sends of a step in reverse order (a change only where
                                two go to the same receiver);
  - stance-flipped, outside-reading-dropped, outside-reading-swapped  a finding's fact
                                bears the other way, or a gap's outside reading is dropped or
                                another choice: killed when `check --expected` reports it
                                (check.expectations.finding_gaps), judged on the variants run.
Message contents are change-field below.
Source-level mutants (benchmarks/mutation_source.py) change one thing in the Python code
of a guard, an action, or a helper one of them calls: swap-statements, negate-if, drop-if,
flip-comparison, drop-call. They are compiled in the function's own globals and closure
and patched into every transition that runs the function.

Each mutant ends as one of:
  - killed by verdict   some property's verdict, or the choices it rests on, differs from
                        the unmutated variant's in some variant (on a search cut by the
                        budget, only a violation or witness found counts);
  - killed by error     the mutated model fails (ModelError: a message nobody accepts, a
                        bad route, a wrong type; or a crash of the model code) and no
                        verdict changed in any variant: counted apart, not in the ratio;
  - cut                 the search outgrew twice the original's states or 5 times its CPU
                        time (10 s at least), with no verdict changed: not a kill;
  - not applicable      the change leaves the code as it was or does not compile, or the
                        message it changes is never sent: the unmutated model;
  - equivalent          a survivor listed in the equivalence file with the reason it
                        cannot change behaviour (benchmarks/mutation_equivalent.txt);
  - equivalent by exploration  (--all-variants) no step differs from the original's in any
                        variant of the model: it reaches exactly the original's states
                        within every bound the model declares (computed, not reviewed);
  - no step differs     the same, checked in the variants run only;
  - survived            listed with the change, for a reader to judge.
Kill ratio = killed by verdict / (mutants - not applicable - equivalent - killed by error
- equivalent by exploration - no step differs), per model and per operator, and overall
against the 90% target; the run also prints it counting the last two as survivors.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import hashlib
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's mcfsm, whichever one the venv installed

from benchmarks import mutation_source as ms  # noqa: E402
from mcfsm import (  # noqa: E402
    AGAINST,
    DECIDES,
    LEFT_OUT,
    SUPPORTS,
    Budget,
    Loss,
    ModelError,
    Param,
    System,
    Transaction,
)
from mcfsm.check.choices import dependency, explore_by_choice  # noqa: E402
from mcfsm.check.expectations import finding_gaps  # noqa: E402
from mcfsm.lang.loader import load_path  # noqa: E402
from mcfsm.lang.timers import TIMERS, TimerEvent, is_armed  # noqa: E402

# One or two variants per model, chosen to run most of its code in little time: a full
# run (every operator, 1,359 mutants) took 31 minutes on the shared 2-core machine.
DEFAULT_MODELS = ("group_call_migration:break_before_make,make_before_break",
                  "private_call_migration:as_published,fix_suspension_indicated",
                  "migration_lifecycle:permission_and_provisioning,fix_deregistration_acknowledged",
                  "private_call_redirect:cr_kms_uri,fix_note2_via_primary")
EQUIVALENT_FILE = ROOT / "benchmarks" / "mutation_equivalent.txt"

Mutator = Callable[[System], None]


def _patch(system: System, role: str, name: str, change: Callable[[Any], Any]) -> None:
    """Replace transition `name` of instances of `role` in the system's dispatch tables,
    and of monitors of `role` (which take no step: they observe from their role's
    transitions, lang/monitors.py, so they are in no dispatch table)."""
    for k, inst in enumerate(system.instances):
        if inst.role.name != role:
            continue
        if inst.observer:
            ms.patch_monitor(system, k, lambda t: change(t) if t.name == name else t)
            continue
        for table in (system._internal[k], system._receive[k]):
            for key, entries in table.items():
                table[key] = [(change(t) if t.name == name else t, tid) for t, tid in entries]


def _patch_monitor_named(system: System, name: str, change: Callable[[Any], Any]) -> None:
    """ms.patch_monitor on the monitor called `name` in this system (a mutant made on one
    variant is applied to the others, where the monitor may sit at another index, or be
    absent: then nothing changes)."""
    for k, inst in enumerate(system.instances):
        if inst.name == name and inst.observer:
            ms.patch_monitor(system, k, change)


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


# -- the new machinery (issue 58): timers, transactions, faults, monitors, send order -------
def _fold_armed(name: str) -> Callable[[Any], bool]:
    def armed(ctx: Any) -> bool:
        return is_armed(getattr(ctx.v, TIMERS), name)
    armed.__qualname__ = f"{name} is armed (outlasting nothing)"
    return armed


def _never(ctx: Any) -> bool:
    return False


def _reverse_sends(label: str) -> Callable[[Any], None]:
    """Two sends of a step swapped: the step's sends in reverse order, counted as a change
    only where two of them go to the same receiver (sends to different receivers reach the
    same next state in any order: each receiver has its own inbox)."""
    def action(ctx: Any) -> None:
        receivers = [to for to, _ in ctx._sends]
        if len(receivers) != len(set(receivers)):
            CHANGED[label] = CHANGED.get(label, 0) + 1
        ctx._sends = list(reversed(ctx._sends))
    return action


def _counted(after: tuple, delta: int, label: str, ints: tuple[str, ...]) -> Callable:
    """A monitor's actions with every integer variable they change moved `delta` further
    (a count off by one)."""
    def action(ctx: Any) -> None:
        before = {k: getattr(ctx.v, k) for k in ints}
        for cb in after:
            cb(ctx)
        for k in ints:
            if getattr(ctx.v, k) != before[k]:
                setattr(ctx.v, k, getattr(ctx.v, k) + delta)
                CHANGED[label] = CHANGED.get(label, 0) + 1
    return action


def _set_matches(role: str, name: str, matches: Callable[[Any], bool]) -> Mutator:
    """Transaction `name` of the role's instances matched by `matches` (the role's timer
    table is read at each step by the folded bookkeeping, lang/timers.py with_timers; each
    mutant builds its system afresh, and the roles with transactions are built per variant)."""
    def mutate(system: System) -> None:
        for inst in system.instances:
            table = inst.role.timer_table
            if inst.role.name == role and name in table.timers:
                table.timers[name] = dataclasses.replace(  # type: ignore[index]
                    table.timers[name], matches=matches)
    return mutate


def _set_loss(change: Callable[[Any], Any]) -> Mutator:
    def mutate(system: System) -> None:
        system.loss = change(system.loss)
    return mutate


def machinery_mutants(system: System) -> Iterator[tuple[str, Mutator]]:
    """Mutants of the machinery models declare besides roles: timers (one that never fires;
    one that fires while what it outlasts still runs), transactions (an answer matched to
    any transaction of its kind, or to none), faults (a loss that never happens; a declared
    message kind never lost), monitors (a count off by one either way), send order (the
    sends of a step swapped). Findings' facts and outside readings are judged apart
    (finding_mutants): they change no verdict, only what `check --expected` says."""
    seen: set[tuple[str, str]] = set()
    for inst in system.instances:
        role = inst.role
        for t in role.transitions:
            if (role.name, t.name) in seen:
                continue
            seen.add((role.name, t.name))
            where = f"{role.name}.{t.name}"
            if inst.observer:
                ints = tuple(k for k, v in role.variables.items() if v.type is int)
                if t.after and ints:
                    for delta, word in ((1, "plus"), (-1, "minus")):
                        label = f"count-{word}-one {where}"
                        yield (label, lambda s, m=inst.name, n=t.name,
                               d=delta, lab=label, i=ints: _patch_monitor_named(
                                   s, m, lambda x: dataclasses.replace(
                                       x, after=(_counted(x.after, d, lab, i),))
                                   if x.name == n else x))
                continue
            if isinstance(t.trigger, TimerEvent):
                yield (f"timer-never-fires {where}", lambda s, r=role.name, n=t.name:
                       _patch(s, r, n, lambda x: dataclasses.replace(
                           x, conditions=(_never, *x.conditions))))
                timer = t.trigger.timer
                if role.timer_table.spans.get(timer) or role.timer_table.outlasts.get(timer):
                    armed = _fold_armed(timer)
                    yield (f"timer-fires-always {where}", lambda s, r=role.name, n=t.name,
                           a=armed: _patch(s, r, n, lambda x: dataclasses.replace(
                               x, conditions=(a, *x.conditions[1:]))))
            if t.sends:
                label = f"swap-sends {where}"
                swap = _reverse_sends(label)
                yield (label, lambda s, r=role.name, n=t.name, a=swap:
                       _patch(s, r, n, lambda x: dataclasses.replace(x, after=(*x.after, a))))
        for name, d in role.timer_table.timers.items():
            if isinstance(d, Transaction) and (role.name, f"txn {name}") not in seen:
                seen.add((role.name, f"txn {name}"))
                yield (f"answer-matches-any {role.name}.{name}",
                       _set_matches(role.name, name, lambda ctx: True))
                yield (f"answer-matches-none {role.name}.{name}",
                       _set_matches(role.name, name, _never))
    loss = system.loss
    if isinstance(loss, Loss):
        yield ("loss-never-happens", _set_loss(
            lambda old: Loss(lambda s, r, m: False, why=old.why, kinds=old.kinds)))
        for kind in loss.kinds or ():
            yield (f"loss-spares:{kind.__name__}", _set_loss(
                lambda old, k=kind: Loss(lambda s, r, m: old.applies(s, r, m)
                                         and not isinstance(m, k), why=old.why,
                                         kinds=old.kinds)))


FLIPPED = {SUPPORTS: AGAINST, AGAINST: SUPPORTS, LEFT_OUT: SUPPORTS, DECIDES: AGAINST}


def finding_mutants(model: Any) -> Iterator[tuple[str, str, Any]]:
    """(label, finding name, the mutated Finding): a fact's stance flipped; an outside
    reading dropped, or swapped for another choice of its parameter."""
    for f in model.findings.values():
        for k, u in enumerate(f.facts):
            facts = (*f.facts[:k], dataclasses.replace(u, how=FLIPPED[u.how]), *f.facts[k + 1:])
            yield (f"stance-flipped {f.name}#{k + 1}:{u.fact.name}", f.name,
                   dataclasses.replace(f, facts=facts))
        for o in f.outside_readings:
            rest = tuple(x for x in f.outside_readings if x != o)
            yield (f"outside-reading-dropped {f.name}:{o}", f.name,
                   dataclasses.replace(f, outside_readings=rest))
            name, _, value = o.partition("=")
            others = [str(c) for v in f.variants if v in model.variants
                      for c in model.system(v).params.get(name, Param((value,))).choices
                      if str(c) != value]
            if others:
                yield (f"outside-reading-swapped {f.name}:{o}", f.name,
                       dataclasses.replace(f, outside_readings=(*rest, f"{name}={others[0]}")))


def judge_finding(model: Any, name: str, mutated: Any, results: dict[str, Any]) -> tuple[str, str]:
    """A finding mutant is killed when `check --expected` over the variants run reports it
    (check.expectations.finding_gaps): the declarations judged against the search."""
    if not any(v in results for v in mutated.variants):
        return NOT_APPLICABLE, "none of the finding's variants was run"
    other = copy.copy(model)
    other.findings = {**model.findings, name: mutated}
    gaps = [g for g in finding_gaps(other, results) if g not in finding_gaps(model, results)]
    if gaps:
        return VERDICT, "check --expected: " + gaps[0][:200]
    return SURVIVED, "check --expected reports nothing"


def choice_mutants(system: System) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, p in system.params.items():
        if len(p.choices) > 1:
            yield f"drop-choice:{name}={p.choices[-1]}", {name: p.choices[0]}


def wanted(label: str, only: tuple[str, ...], skip: tuple[str, ...]) -> bool:
    return (not only or any(t in label for t in only)) and not any(t in label for t in skip)


def operator_of(label: str) -> str:
    return label.split(" ", 1)[0].split(":", 1)[0]


def read_equivalent(path: Path) -> dict[str, str]:
    """Mutants reviewed as equivalent: `label  # reason`, one a line (`#` lines are
    comments). An entry without a reason is refused: equivalence is a judgement to show."""
    out: dict[str, str] = {}
    for n, line in enumerate(path.read_text().splitlines(), 1):
        label, _, reason = line.partition("#")
        label = label.strip()
        if not label:
            continue
        if not reason.strip():
            raise SystemExit(f"{path}:{n}: {label!r} has no reason after '#'")
        out[label] = reason.strip()
    return out


# What became of one mutant (the columns of the table)
NOT_APPLICABLE, VERDICT, ERROR, CUT, EQUIVALENT, EXPLORED, SAME_STEPS, SURVIVED = (
    "not applicable", "killed by verdict", "killed by error", "cut", "equivalent",
    "equivalent by exploration", "no step differs", "survived")
COLUMNS = (NOT_APPLICABLE, VERDICT, ERROR, CUT, EQUIVALENT, EXPLORED, SAME_STEPS, SURVIVED)
# Not an outcome: a mutant --all-variants takes on to the other variants, printed when the
# variants run leaves it alive (with what it was there), so that a run cut off in the long
# --all-variants phase resumes there instead of judging it again. A later line decides it.
PENDING = "pending"


@dataclasses.dataclass
class Outcome:
    model: str
    label: str
    status: str
    why: str = ""  # the verdict that changed, the error, the cut, the reviewed reason


def changed_verdicts(result: Any, baseline: dict[str, tuple[str, str | None]]) -> list[str]:
    """Properties whose verdict (or the choices it rests on) differs from the baseline. On a
    cut search only a found violation or witness counts (it is a fact whatever was left
    unexplored); a verdict the cut left undecided is not a change."""
    now = {v.property.name: (v.status, dependency(result, v.property.name))
           for v in result.verdicts}
    if result.complete:
        return [f"{p}: {baseline.get(p)} -> {now.get(p)}"
                for p in sorted(set(now) | set(baseline)) if now.get(p) != baseline.get(p)]
    return [f"{p}: {baseline[p][0]} -> {s} (search cut)" for p, (s, _) in sorted(now.items())
            if s in ("violated", "witnessed") and p in baseline and baseline[p][0] != s]


def _tables(system: System) -> Iterator[tuple[tuple[int, int, Any], list[Any]]]:
    for k in range(len(system.instances)):
        for which, table in enumerate((system._internal[k], system._receive[k])):
            for key, entries in table.items():
                yield (k, which, key), [t for t, _ in entries]


def reads_within(reads: Any, keyed: Any) -> bool:
    """Whether model code that read `reads` read nothing outside `keyed` (what the memo of
    the search being run keys that step on; None: nothing). A comparison runs only on a
    memo miss: on a state that hits the entry, the other version is not run, and its
    outcome there is the one compared only if every read it makes is among the entry's
    key (then, by induction on its reads, it reads the same values there). A whole slot,
    (slot, None), covers every read of that slot."""
    if not reads:
        return True
    keyed = set(keyed or ())
    whole = {slot for slot, what in keyed if what is None}
    return all(r in keyed or r[0] in whole for r in reads)


def _outcomes(outcomes: list[Any]) -> list[Any]:
    """A local step's outcomes with each one's sends grouped by receiver (a stable sort):
    every receiver has its own inbox, so the order of sends to different receivers within
    one step reaches the same next state."""
    return [(*o[:3], sorted(o[3], key=lambda send: send[0])) for o in outcomes]


def watch_steps(system: System, before: dict[tuple[int, int, Any], list[Any]]) -> list[bool]:
    """After a mutant is patched in: run each changed transition's original next to it on
    every local step the search takes (memo misses only), and set the flag returned when
    some outcome (choice, local variables, shared variables, sends) differs, or the original
    read what the mutant's step did not (reads_within: the search memoizes the mutant's
    step on the mutant's reads, so the original is compared on one state per key). A mutant no
    step of which differs reaches exactly the original's states: no verdict can tell it
    apart within these bounds. Empty list: no transition changed (nothing to compare)."""
    original: dict[int, Any] = {}
    for where, now in _tables(system):
        for new, old in zip(now, before.get(where, ())):
            if new is not old:
                original[id(new)] = old
    if getattr(system, "mutated_monitors", None):
        return [True]  # a monitor changed: its observations are not compared, it differs
    if not original:
        return []
    differs = [False]
    step = system.local_step

    def local_step(state: Any, k: int, t: Any, local: Any, sender: Any, msg: Any,
                   poll: Any = None, own: Any = None) -> Any:
        # own: a field-keyed memo's call (steps.py): both record their reads of the local
        got = step(state, k, t, local, sender, msg, poll, own)
        old = original.get(id(t))
        if old is not None and not differs[0]:
            try:
                mine = step(state, k, old, local, sender, msg, None, own)
                # the search is the mutant's, memoized on the mutant's reads (reads_within)
                differs[0] = _outcomes(mine[0]) != _outcomes(got[0]) \
                    or not reads_within(mine[1], got[1])
            except Exception:  # the original fails where the mutant went: they differ
                differs[0] = True
        return got

    system.local_step = local_step  # type: ignore[method-assign]
    return differs


def on_cpu_clock(budget: Budget) -> Budget:
    """The budget with its time limit counted in this process's CPU seconds, not on the wall
    clock: a mutant is cut for the work it makes, never because other processes on the
    machine took the cores (a wall-clock limit cut mutants of a niced run by the dozen)."""
    if budget.time_limit is None:
        return budget
    deadline = time.process_time() + budget.time_limit
    return dataclasses.replace(budget, time_limit=None,
                               stop=lambda: time.process_time() > deadline)


def judge(build: Callable[[str], System], per_variant: list[tuple[str, Mutator]],
          baseline: dict[str, dict], budget: dict[str, Budget],
          watch: bool = True, fired: dict[str, set[Any]] | None = None) -> tuple[str, str]:
    """Run the mutant in each variant until a verdict changes. A model error or crash in
    one variant does not stop the others: a verdict elsewhere is the stronger kill.
    `watch=False`: the steps are known to differ (differing_variants), not compared again.
    `fired`, when given, gets the transitions the mutant fires in each variant searched."""
    errors, cuts = [], []
    same_steps = True
    for variant, mutate in per_variant:
        system = build(variant)  # a fresh system per mutant
        before = dict(_tables(system))
        try:
            mutate(system)
            differs = watch_steps(system, before) if watch else [True]
            result = explore_by_choice(system, on_cpu_clock(budget[variant]))
        except ModelError as exc:
            errors.append(f"[{variant}] ModelError: {str(exc).splitlines()[0][:160]}")
            continue
        except Exception as exc:  # a crash of the mutated model code
            errors.append(f"[{variant}] {type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
                          if str(exc) else f"[{variant}] {type(exc).__name__}")
            continue
        same_steps = same_steps and bool(differs) and not differs[0] and result.complete
        if fired is not None:
            fired[variant] = fired_transitions(result)
        changes = changed_verdicts(result, baseline[variant])
        if changes:
            return VERDICT, f"[{variant}] " + "; ".join(changes[:2]) + (
                f" (+{len(changes) - 2})" if len(changes) > 2 else "")
        if not result.complete:
            cut_by = "CPU-time limit" if result.stopped_by == "interrupted" else result.stopped_by
            cuts.append(f"[{variant}] stopped by {cut_by} after "
                        f"{result.distinct_states} states")
    if errors:
        return ERROR, "; ".join(errors)
    if cuts:
        return CUT, "; ".join(cuts)
    if same_steps:
        return SAME_STEPS, "no step differs from the original's in any explored state"
    return SURVIVED, "steps differ, no verdict noticed"


def fired_transitions(result: Any) -> set[Any]:
    """The (role, transition) pairs a search saw fire (its coverage)."""
    return {key for key, (generated, _) in result.coverage.items() if generated}


def lost_coverage(original: dict[str, set[Any]], mutant: dict[str, set[Any]]) -> list[str]:
    """What `check --expected`'s coverage verdict says of a mutant searched in every variant
    where its steps differ (`mutant`; elsewhere it fires what the original fires): each
    transition the original fires in some variant and the mutant in none, as
    `role.transition` (coverage_gaps in mcfsm/check/expectations.py words it for a model)."""
    now = set().union(*(mutant.get(v, fired) for v, fired in original.items()))
    return sorted(f"{role}.{name}" for role, name in set().union(*original.values()) - now)


def differing(system: System, candidates: dict[str, Mutator]) -> tuple[set[str], Any]:
    """One search of the unmutated `system` that runs, next to each local step it takes
    (memo misses only), every candidate mutant's version of that transition on the same
    state, and returns the labels of those some outcome of which differs, with the search's
    result. A candidate whose every version agrees on every step of the original's graph
    reaches exactly the original's states (by induction on the steps): it is equivalent
    within this variant's bounds, and no verdict need be computed for it. A version that
    fails, or reads what the original's step did not read (reads_within), counts as
    differing."""
    saved = [(dict(system._internal[k]), dict(system._receive[k]))
             for k in range(len(system.instances))]
    # what a machinery mutant changes besides the dispatch tables (a transaction's matching
    # in its role's timer table, the system's Loss): restored after each candidate, or the
    # search below (the baseline of every mutant judged on this variant) would be that
    # mutant's; such a candidate is not compared step by step, it counts as differing
    timer_tables = {id(i.role.timer_table): (i.role.timer_table, dict(i.role.timer_table.timers))
                    for i in system.instances}
    loss = system.loss
    before = dict(_tables(system))
    versions: dict[tuple[int, int], list[tuple[str, Any]]] = {}
    instances, monitors = system.instances, system.monitors
    monitor_mutants: set[str] = set()
    for label, mutate in candidates.items():
        try:
            mutate(system)
            if getattr(system, "mutated_monitors", None):
                monitor_mutants.add(label)  # observations are not compared: it differs
            if system.loss is not loss or any(
                    table.timers.get(name) is not d
                    for table, timers in timer_tables.values() for name, d in timers.items()):
                monitor_mutants.add(label)  # a timer table or the loss changed: it differs
            system.instances, system.monitors = instances, monitors
            system.mutated_monitors = frozenset()
            seen: set[tuple[int, int]] = set()
            for where, now in _tables(system):
                for new, old in zip(now, before.get(where, ())):
                    if new is not old and (where[0], id(old)) not in seen:
                        seen.add((where[0], id(old)))
                        versions.setdefault((where[0], id(old)), []).append((label, new))
        finally:  # the tables as they were, for the next candidate and the search
            system.loss = loss
            for table, timers in timer_tables.values():
                table.timers.clear()  # type: ignore[attr-defined]
                table.timers.update(timers)  # type: ignore[attr-defined]
            for k, (internal, receive) in enumerate(saved):
                system._internal[k].clear()
                system._internal[k].update(internal)
                system._receive[k].clear()
                system._receive[k].update(receive)
    differ: set[str] = set(monitor_mutants)
    step = system.local_step

    def local_step(state: Any, k: int, t: Any, local: Any, sender: Any, msg: Any,
                   poll: Any = None, own: Any = None) -> Any:
        got = step(state, k, t, local, sender, msg, poll, own)
        for label, new in versions.get((k, id(t)), ()):
            if label in differ:
                continue
            try:
                mine = step(state, k, new, local, sender, msg, None, own)
                # the search is the original's, memoized on its reads (reads_within)
                if _outcomes(mine[0]) != _outcomes(got[0]) or not reads_within(mine[1], got[1]):
                    differ.add(label)
            except Exception:  # the mutant fails where the original went: they differ
                differ.add(label)
        return got

    system.local_step = local_step  # type: ignore[method-assign]
    result = explore_by_choice(system)
    return differ, result


def verdicts_of(result: Any) -> dict[str, tuple[str, str | None]]:
    return {x.property.name: (x.status, dependency(result, x.property.name))
            for x in result.verdicts}


def run_model(spec: str, only: tuple[str, ...] = (), skip: tuple[str, ...] = (),
              reverse: bool = False, ops: str = "all",
              equivalent: dict[str, str] | None = None,
              verbose: bool = True, all_variants: bool = False,
              done: frozenset[str] = frozenset(),
              carried: list[tuple[str, int, str, str]] = ()) -> list[Outcome]:
    """`done`: the labels an earlier run of the same models decided (--resume): not run
    again, nor the not-applicable counts it printed first. `carried`: the mutants it left
    pending in --all-variants, (label, messages changed, status, why): taken there without
    a variants run."""
    model_name, _, chosen = spec.partition(":")
    lm = next(lm for lm in load_path(ROOT / "models") if lm.model.name == model_name)
    variants = chosen.split(",") if chosen else list(lm.model.variants)
    equivalent = equivalent or {}
    baseline, budget, results = {}, {}, {}
    for v in variants:
        started = time.process_time()
        result = results[v] = explore_by_choice(lm.model.system(v))
        seconds = time.process_time() - started
        baseline[v] = {x.property.name: (x.status, dependency(result, x.property.name))
                       for x in result.verdicts}
        # A mutant whose state space outgrows twice the original's, or that runs 5 times as
        # long (10 s at least), is cut: reported as cut, never as killed.
        budget[v] = Budget(max_states=2 * result.distinct_states + 1000,
                           time_limit=max(10.0, 5 * seconds))

    def build(variant: str) -> System:
        return lm.model.variants[variant].build()

    names: dict[str, list[tuple[str, Mutator]]] = {}
    change_text: dict[str, str] = {}
    hits: dict[str, int] = {}
    not_applicable: dict[str, int] = {}
    if ops in ("all", "transition"):
        for v in variants:
            for label, mutate in mutants(lm.model.system(v)):
                names.setdefault(label, []).append((v, mutate))
    if ops in ("all", "machinery"):
        for v in variants:
            for label, mutate in machinery_mutants(lm.model.system(v)):
                names.setdefault(label, []).append((v, mutate))
    if ops in ("all", "source"):
        dirs = (ROOT / "models",)
        found: dict[Any, ms.Target] = {}
        reach: dict[Any, list[str]] = {}
        for v in variants:
            for code, target in ms.targets(lm.model.system(v), dirs).items():
                found.setdefault(code, ms.Target(code, set())).kinds |= target.kinds
                reach.setdefault(code, []).append(v)
        for code, target in found.items():
            for m in ms.source_mutants(target, not_applicable):
                change_text[m.label] = m.change

                def mutate(s: System, m: ms.SourceMutant = m) -> None:
                    def hit(label: str = m.label) -> None:
                        hits[label] = hits.get(label, 0) + 1
                    ms.apply(s, m, hit)
                names[m.label] = [(v, mutate) for v in reach[code]]
    out: list[Outcome] = []

    def report(o: Outcome) -> None:
        out.append(o)
        if verbose:
            print(f"  {o.status.upper() if o.status == SURVIVED else o.status:17} {o.label}"
                  + (f"  -- {o.why}" if o.why else ""), flush=True)

    if ops in ("all", "source") and not only and not skip and not done:
        for op, n in sorted(not_applicable.items()):
            for _ in range(n):
                report(Outcome(model_name, f"{op} (no change or no compile)", NOT_APPLICABLE))
    def finish(label: str, status: str, why: str) -> None:
        alive = status in (SURVIVED, SAME_STEPS, EXPLORED)
        if alive and label.startswith(("change-field", "drop-send", "swap-sends", "count-")) \
                and not CHANGED.get(label):
            status, why = NOT_APPLICABLE, "never changed a message"
        elif alive and label in change_text:
            why = f"{change_text[label]}  [{why}" + (
                "]" if hits.get(label) else "; the changed function never ran]")
        report(reviewed(Outcome(model_name, label, status, why), equivalent))

    pending: list[tuple[str, str, str]] = []
    for label, changed, status, why in carried:
        if label in names and wanted(label, only, skip):
            CHANGED[label] = CHANGED.get(label, 0) + changed
            pending.append((label, status, why))
    taken = done | {label for label, _, _ in pending}
    fired_first: dict[str, dict[str, set[Any]]] = {}  # a pending mutant's firings, variants run
    for label, per_variant in (reversed(names.items()) if reverse else names.items()):
        if not wanted(label, only, skip) or label in taken:
            continue
        fired: dict[str, set[Any]] = {}
        status, why = judge(build, per_variant, baseline, budget, fired=fired)
        if all_variants and status in (SURVIVED, SAME_STEPS):
            pending.append((label, status, why))  # judged again on the other variants
            fired_first[label] = fired  # for its coverage verdict there
            if verbose:
                print(f"  {PENDING:17} {label}  -- changed {CHANGED.get(label, 0)}; "
                      f"{status}: {why}", flush=True)
            continue
        finish(label, status, why)
    others = [v for v in lm.model.variants if v not in variants]

    def fired_where_run(label: str) -> dict[str, set[Any]] | None:
        """What a mutant fires in the variants run first: kept from its judgement there, or
        (taken on from a log) searched again; None when a search there is cut or fails."""
        if label in fired_first:
            return fired_first[label]
        fired: dict[str, set[Any]] = {}
        status, _ = judge(build, names.get(label, []), baseline, budget, fired=fired)
        return fired if status in (SURVIVED, SAME_STEPS) else None

    first = ({v: fired_transitions(results[v]) for v in variants}, fired_where_run)
    if pending:
        extended = extend(lm.model, others, pending, names, ops, build, verbose, first)
        for label, status, why in extended:
            finish(label, status, why)
    for label, finding, mutated in (finding_mutants(lm.model) if ops in ("all", "machinery")
                                    else ()):
        if wanted(label, only, skip) and label not in done:
            status, why = judge_finding(lm.model, finding, mutated, results)
            report(reviewed(Outcome(model_name, label, status, why), equivalent))
    for v in variants if ops in ("all", "transition") else ():
        for label, pins in choice_mutants(lm.model.system(v)):
            label = f"{label} [{v}]"
            if not wanted(label, only, skip) or label in done:
                continue
            status, why = judge(lambda _, v=v, pins=pins: build(v).restricted(pins),
                                [(v, lambda s: None)], baseline, budget)
            report(reviewed(Outcome(model_name, label, status, why), equivalent))
    return out


def extend(model: Any, others: list[str], pending: list[tuple[str, str, str]],
           names: dict[str, list[tuple[str, Mutator]]], ops: str,
           build: Callable[[str], System], verbose: bool = True,
           first: tuple[dict[str, set[Any]], Callable[[str], dict[str, set[Any]] | None]]
           | None = None,
           ) -> Iterator[tuple[str, str, str]]:
    """--all-variants: the mutants no verdict killed in the variants run (no step differs,
    or survived) are taken to every other variant of the model. One search of each other
    variant finds which of them take a step there that differs from the original's
    (`differing`); each is then judged on just those variants, cheapest first. A mutant
    no step of which differs in any variant of its model is equivalent by exploration:
    it reaches exactly the original's states within every bound the model declares.
    A mutant no verdict kills is then judged by coverage, as `check --expected` judges it
    over all the model's variants: killed if a transition the original fires in some
    variant fires in none (`first`: what the original fires in the variants run first,
    and what the mutant fires there).
    Yields (label, status, why) as each is judged."""
    labels = [label for label, _, _ in pending]
    differ_in: dict[str, list[str]] = {label: [] for label in labels}
    per_variant: dict[str, dict[str, Mutator]] = {}
    baseline, budget, seconds = {}, {}, {}
    covered: dict[str, set[Any]] = {}  # what the original fires in each variant
    for v in others:
        here: dict[str, Mutator] = {}
        if ops in ("all", "transition"):
            here.update((label, mutate) for label, mutate in mutants(model.system(v))
                        if label in differ_in)
        here.update((label, names[label][0][1]) for label in labels
                    if label not in here and not label.startswith(TRANSITION_OPS))
        per_variant[v] = here
        started = time.process_time()
        found, result = differing(build(v), here)
        seconds[v] = time.process_time() - started
        baseline[v] = verdicts_of(result)
        covered[v] = fired_transitions(result)
        # the budget of a mutant, as in run_model (the time measured with the comparisons
        # running beside the search, so a little more generous)
        budget[v] = Budget(max_states=2 * result.distinct_states + 1000,
                           time_limit=max(10.0, 5 * seconds[v]))
        for label in found:
            differ_in[label].append(v)
        if verbose:
            print(f"# all variants: {v}: {len(found)} of {len(here)} mutants take a step that "
                  f"differs ({result.distinct_states} states, {seconds[v]:.0f} s)", flush=True)
    for label, status, why in pending:
        where = sorted(differ_in[label], key=lambda v: seconds[v])
        if not where and status == SAME_STEPS:
            yield (label, EXPLORED, "no step differs from the original's in any of "
                   f"the model's {len(model.variants)} variants")
            continue
        fired: dict[str, set[Any]] = {}
        got, why_here = status, why
        if where:
            got, why_here = judge(build, [(v, per_variant[v][label]) for v in where], baseline,
                                  budget, watch=False, fired=fired)
        lost = coverage_lost_by(label, status, got, fired, covered, first)
        if lost:
            got, why_here = VERDICT, (f"coverage: {', '.join(lost[:2])}"
                                      + (f" (+{len(lost) - 2})" if len(lost) > 2 else "")
                                      + " fires in no variant (check --expected fails)")
        elif got in (SURVIVED, SAME_STEPS) and where:
            got = SURVIVED
            why_here = ("steps differ" + (" in the variants run and" if status == SURVIVED
                                          else "") + f" in {', '.join(where)}; no verdict noticed")
        yield (label, got, why_here)


def coverage_lost_by(label: str, status: str, got: str, fired: dict[str, set[Any]],
                     covered: dict[str, set[Any]],
                     first: tuple[dict[str, set[Any]], Callable[[str], dict[str, set[Any]] | None]]
                     | None) -> list[str]:
    """The transitions a mutant no verdict killed fires in no variant (lost_coverage), with
    `fired` what it fires where searched in the other variants; [] where that cannot be
    judged (a cut or an error somewhere)."""
    if got not in (SURVIVED, SAME_STEPS) or first is None:
        return []
    ran, fired_where_run = first
    if status == SURVIVED:  # its steps differ in the variants run first too
        there = fired_where_run(label)
        if there is None:
            return []
        fired = {**fired, **there}
    return lost_coverage({**ran, **covered}, fired)


TRANSITION_OPS = ("negate-guard", "drop-guard", "drop-send", "change-field", "drop-update",
                  "wrong-dest", "drop-choice")


def reviewed(o: Outcome, equivalent: dict[str, str]) -> Outcome:
    """The outcome with the equivalence file applied: an entry `MODEL: label` is for that
    model only, a bare `label` for every model that has the mutant (a helper of _mc.py)."""
    reason = equivalent.get(f"{o.model}: {o.label}", equivalent.get(o.label))
    if reason is None or o.status in (NOT_APPLICABLE, EQUIVALENT, EXPLORED):
        return o  # (equivalent by exploration is a computed fact: the review is not needed)
    if o.status in (SURVIVED, SAME_STEPS):
        return Outcome(o.model, o.label, EQUIVALENT, reason)
    return Outcome(o.model, o.label, o.status,
                   f"{o.why}  [listed as equivalent ({reason}), yet {o.status}: remove it]")


DIGEST = "# models digest: "
HASH_SEED = "0"  # PYTHONHASHSEED of every run (see the end of the file)


def models_digest() -> str:
    """A digest of every file under models/ that a run mutates or reads (the models and
    their helpers): a run resumed from a log must mutate the same code."""
    h = hashlib.sha256()
    for path in sorted((ROOT / "models").glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def log_entries(path: Path) -> Iterator[tuple[str, str, Outcome | str]]:
    """A run's standard output, line by line under each model's header line: (model, the
    line, its Outcome or, for the digest line, the models digest it names); other lines
    (progress, the summary) are left out."""
    statuses = sorted((*COLUMNS, PENDING), key=len, reverse=True)
    model = ""
    for line in path.read_text().splitlines():
        if line and not line.startswith(" ") and line.endswith(":") and " " not in line:
            model = line[:-1].partition(":")[0]
        elif model and line.startswith(DIGEST):
            yield model, line, line[len(DIGEST):].strip()
        elif model and line.startswith("  "):
            rest = line[2:]
            for status in statuses:
                shown = status.upper() if status == SURVIVED else status
                if rest.startswith(shown + " "):
                    label, _, why = rest[len(shown):].strip().partition("  -- ")
                    yield model, line, Outcome(model, label.strip(), status, why)
                    break


def resumable(logs: Path | Sequence[Path], spec: str, trust: bool
              ) -> tuple[list[str], list[Outcome], list[tuple[str, int, str, str]]]:
    """What earlier runs of `spec` printed (their outcome lines, to print again, the
    outcomes they decided, and the mutants they left pending in --all-variants, as (label,
    messages it changed, status in the variants run, why)), each log checked to be a run of
    the same models: its digest line must match today's. A log written before the digest
    line existed is taken only with --trust-log. Several logs (a run split between two
    processes with --reverse, each resumed from the same log): the first is taken whole,
    a later one adds only the mutants the logs before it did not decide (its copy of their
    common lines, the not-applicable counts among them, is left out)."""
    model = spec.partition(":")[0]
    per_log: list[list[tuple[str, Outcome]]] = []
    for log in [logs] if isinstance(logs, Path) else logs:
        entries = [(line, e) for m, line, e in log_entries(log) if m == model]
        digests = [e for _, e in entries if isinstance(e, str)]
        digest = digests[-1] if digests else None
        if not any(isinstance(e, Outcome) for _, e in entries):
            sys.exit(f"mutation.py: {log} holds no outcome of {model}: run it without --resume")
        if digest is None and not trust:
            sys.exit(f"mutation.py: {log} has no '{DIGEST.strip()}' line (a log written before "
                     "runs printed one), so nothing shows it ran on today's models; resume "
                     "only from a checkout of the commit it ran on, with --trust-log")
        if digest is not None and digest != models_digest():
            sys.exit(f"mutation.py: models/ changed since {log} was written (digest {digest}, "
                     f"now {models_digest()}): run again from scratch, or resume from a "
                     "checkout of the commit it ran on")
        per_log.append([(line, e) for line, e in entries if isinstance(e, Outcome)])
    kept = merged(per_log)
    lines = [line for line, _ in kept]
    outcomes, pending = settled([e for _, e in kept])
    carried = []
    for o in pending:  # "changed N; STATUS: WHY"
        changed, _, rest = o.why.partition("; ")
        status, _, why = rest.partition(": ")
        carried.append((o.label, int(changed.removeprefix("changed ")), status, why))
    return lines, outcomes, carried


def merged(logs: Sequence[list[tuple[str, Outcome]]]) -> list[tuple[str, Outcome]]:
    """The outcome lines of several logs of one run (split with --reverse, each part resumed
    from the same log) as one log: the first whole; from a later one only the mutants the
    logs before it did not decide (a pending line only for a mutant not seen yet), so their
    common lines, the not-applicable counts among them, count once."""
    taken: dict[tuple[str, str], bool] = {}  # (model, label) -> decided (False: pending)
    kept = []
    for n, entries in enumerate(logs):
        for line, e in entries:
            key, decided = (e.model, e.label), e.status != PENDING
            if n and key in taken and (taken[key] or not decided):
                continue
            taken[key] = taken.get(key, False) or decided
            kept.append((line, e))
    return kept


def settled(outcomes: list[Outcome]) -> tuple[list[Outcome], list[Outcome]]:
    """(the decided outcomes, the pending lines no later line decided)."""
    decided = [o for o in outcomes if o.status != PENDING]
    labels = {o.label for o in decided}
    open_ = {o.label: o for o in outcomes if o.status == PENDING and o.label not in labels}
    return decided, list(open_.values())


def read_log(paths: Path | Sequence[Path]) -> tuple[list[Outcome], list[Outcome]]:
    """The outcomes a run printed (its standard output; several logs of a split run are
    merged), to tabulate again with another equivalence file without running the mutants
    again; and the mutants it left pending."""
    logs = [paths] if isinstance(paths, Path) else paths
    return settled([e for _, e in merged(
        [[(line, e) for _, line, e in log_entries(p) if isinstance(e, Outcome)]
         for p in logs])])


def ratio(row: dict[str, int], strict: bool = False) -> tuple[int, int]:
    """(killed by verdict, denominator): mutants less not applicable, reviewed equivalent,
    those killed by a model error, and (unless `strict`) those no step of which differs
    from the original's, in every variant of the model (equivalent by exploration) or in
    the variants run (no step differs): no verdict could tell them apart there."""
    return row[VERDICT], (row["mutants"] - row[NOT_APPLICABLE] - row[EQUIVALENT] - row[ERROR]
                          - (0 if strict else row[SAME_STEPS] + row[EXPLORED]))


def table(outcomes: list[Outcome], target: float = 0.9) -> str:
    rows: dict[tuple[str, str], dict[str, int]] = {}
    for o in outcomes:
        for key in ((o.model, operator_of(o.label)), (o.model, "all"),
                    ("all models", operator_of(o.label)), ("all models", "all")):
            row = rows.setdefault(key, {"mutants": 0, **{c: 0 for c in COLUMNS}})
            row["mutants"] += 1
            row[o.status] += 1
    lines = ["| model | operator | mutants | not applicable | killed by verdict | killed by error "
             "| cut | equivalent (reviewed) | equivalent by exploration | no step differs "
             "| survivors | kill ratio |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    models = list(dict.fromkeys(o.model for o in outcomes)) + ["all models"]
    for model in models:
        keys = sorted((k for k in rows if k[0] == model), key=lambda k: (k[1] == "all", k[1]))
        for key in keys:
            row = rows[key]
            killed, denominator = ratio(row)
            share = f"{100 * killed / denominator:.1f}%" if denominator else "-"
            bold = "**" if key[1] == "all" else ""
            lines.append(f"| {bold}{key[0]}{bold} | {bold}{key[1]}{bold} | {row['mutants']} | "
                         + " | ".join(str(row[c]) for c in COLUMNS) + f" | {bold}{share}{bold} |")
    total = rows.get(("all models", "all"), {"mutants": 0, **{c: 0 for c in COLUMNS}})
    killed, denominator = ratio(total)
    share = killed / denominator if denominator else 0.0
    strict_killed, strict_denominator = ratio(total, strict=True)
    lines.append("")
    lines.append(f"overall kill ratio by a verdict: {killed}/{denominator} = {100 * share:.1f}% "
                 f"(target {100 * target:.0f}%): {'met' if share >= target else 'missed'}")
    strict_share = strict_killed / max(strict_denominator, 1)
    lines.append(f"counting the {total[EXPLORED]} equivalent by exploration and the "
                 f"{total[SAME_STEPS]} no step of which differs as survivors: "
                 f"{strict_killed}/{strict_denominator} = {100 * strict_share:.1f}% "
                 f"({'met' if strict_share >= target else 'missed'})")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description="Mutation test of the bundled models (see the module docstring).")
    parser.add_argument("models", nargs="*", metavar="MODEL[:VARIANT,...]",
                        help=f"models and variants to mutate (default: {' '.join(DEFAULT_MODELS)})")
    parser.add_argument("--only", action="append", default=[], metavar="TEXT",
                        help="run just the mutants whose label contains TEXT (repeatable)")
    parser.add_argument("--skip", action="append", default=[], metavar="TEXT",
                        help="leave out the mutants whose label contains TEXT (repeatable)")
    parser.add_argument("--ops", choices=("all", "source", "transition", "machinery"),
                        default="all",
                        help="source-level operators on the model code, the transition-level "
                             "ones, the machinery ones (timers, transactions, faults, "
                             "monitors, send order, findings' facts and outside readings), "
                             "or all of them (default)")
    parser.add_argument("--equivalent", type=Path, default=EQUIVALENT_FILE, metavar="FILE",
                        help="mutants reviewed as equivalent, `label  # reason` a line "
                             f"(default: {EQUIVALENT_FILE.relative_to(ROOT)}); they leave "
                             "the denominator and are printed as such")
    parser.add_argument("--from-log", type=Path, action="append", metavar="LOG",
                        help="run nothing: tabulate again what an earlier run printed (its "
                             "standard output) with the equivalence file as it is now "
                             "(repeatable: the logs of a run split with --reverse)")
    parser.add_argument("--all-variants", action="store_true",
                        help="take each mutant no verdict killed in the variants run to every "
                             "other variant of its model: killed there, a survivor, or "
                             "equivalent by exploration when no step differs in any variant")
    parser.add_argument("--resume", type=Path, action="append", metavar="LOG",
                        help="go on with a run a session cut off: LOG is its standard output; "
                             "the mutants it decided are printed again and not run (LOG must "
                             "be of the same models: its digest line is checked). Repeatable: "
                             "the logs of a run split with --reverse are merged")
    parser.add_argument("--trust-log", action="store_true",
                        help="with --resume: take a log that has no digest line (written "
                             "before runs printed one); you vouch that it ran on these models")
    parser.add_argument("--reverse", action="store_true",
                        help="take the mutants in reverse order (to split a long run between "
                             "two processes: stop both when they meet, then --resume from both "
                             "logs)")
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
    equivalent = read_equivalent(args.equivalent) if args.equivalent.exists() else {}
    if args.from_log is not None:
        decided, pending = read_log(args.from_log)
        summary([reviewed(o, equivalent) for o in decided])
        if pending:
            print(f"\nnot in the table: {len(pending)} mutants the run left pending in "
                  "--all-variants (cut off before it decided them; --resume goes on)")
        return 0
    outcomes: list[Outcome] = []
    for spec in chosen:
        start = time.perf_counter()
        print(f"{spec}:", flush=True)
        print(f"{DIGEST}{models_digest()}", flush=True)
        print(f"# PYTHONHASHSEED={os.environ.get('PYTHONHASHSEED', 'unset')}", flush=True)
        done: frozenset[str] = frozenset()
        carried: list[tuple[str, int, str, str]] = []
        if args.resume is not None:
            earlier, decided, carried = resumable(args.resume, spec, args.trust_log)
            if args.trust_log:
                print(f"# resumed from {', '.join(map(str, args.resume))} with --trust-log "
                      "(no digest checked)")
            print("\n".join(earlier), flush=True)  # this output is a whole log again
            done = frozenset(o.label for o in decided)
            outcomes += [reviewed(o, equivalent) for o in decided]
        got = run_model(spec, only, skip, args.reverse, args.ops, equivalent,
                        all_variants=args.all_variants, done=done,
                        carried=carried if args.all_variants else [])
        outcomes += got
        print(f"{spec}: {len(got)} mutants, {time.perf_counter() - start:.0f} s", flush=True)
    summary(outcomes)
    return 0


def summary(outcomes: list[Outcome]) -> None:
    print()
    for status in (SURVIVED, SAME_STEPS, CUT, ERROR, EQUIVALENT, EXPLORED):
        listed = [o for o in outcomes if o.status == status]
        if listed:
            print(f"{status} ({len(listed)}):")
            for o in listed:
                print(f"  {o.model}: {o.label}" + (f"  -- {o.why}" if o.why else ""))
            print()
    print(table(outcomes))


if __name__ == "__main__":
    # A mutant can make a model read a set in iteration order (drop-if _mc.lookup+4:then
    # returns a frozenset's first pair), and strings hash differently in each process: the
    # run is pinned to one hash seed so that its outcomes are the same on every run.
    if os.environ.get("PYTHONHASHSEED") != HASH_SEED:
        os.execve(sys.executable, [sys.executable, *sys.argv],
                  {**os.environ, "PYTHONHASHSEED": HASH_SEED})
    sys.exit(main(sys.argv[1:]))
