"""The generic changes a CR can make to any step a model's transitions cite.

A model offers a delegate its own choice points (its Params, its `fix_*` variants). Most
steps of a procedure have none: a CR that changes such a step needed the modeller. But
the transitions that cite a step say what the step does, so two changes can be derived
from them for every step, with no role code touched:

- **omitted**: the step does not happen (every transition citing it is left out: its
  messages are not sent, and what it would receive is not taken);
- **ignored**: the messages the step receives are taken and nothing is done with them (the
  receiving transitions keep their guards, drop their actions and stay in their state;
  only for a step that receives a message).

The changed system is built by the variant's own build function while a selection is in
force (`selected`): each Role built then applies it to its transitions (`apply`). What
the change leads to (unhandled messages, a deadlock, a property violated) is the check's
answer, as for any other behaviour."""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
from collections.abc import Iterator, Sequence
from typing import Any

from ..spec.clauses import covers, refs_of

OMITTED = "omitted"
IGNORED = "ignored"
HOW = (OMITTED, IGNORED)

_SELECTED: contextvars.ContextVar[tuple[tuple[str, str], ...]] = contextvars.ContextVar(
    "mcfsm_step_changes", default=())


def cites_step(clause: str, step: str) -> bool:
    """Whether a transition's clause= cites `step` ("10.16.3.2 step 2", "CR 000 10.16.5.3
    step 2"): the same clause (of the same CR where the step names one) and a qualifier
    covering the step (a range "steps 1-3" covers step 2)."""
    return any(r.clause == w.clause and r.qualifiers and covers(w, r)
               and (w.cr is None or r.cr == w.cr)
               for r in refs_of(clause) for w in refs_of(step))


STEP_KINDS = ("step", "pre-condition")


def steps_cited(transitions: Sequence[Any]) -> dict[str, list[Any]]:
    """Each step or pre-condition the transitions cite, one by one ("steps 1-3" cites
    steps 1, 2 and 3), with the transitions citing it, in order of first citation."""
    out: dict[str, list[Any]] = {}
    for t in transitions:
        for ref in refs_of(t.clause or ""):
            for kind, numbers in ref.qualifiers:
                if kind not in STEP_KINDS:
                    continue
                for n in numbers:
                    key = f"{'CR ' + ref.cr + ' ' if ref.cr else ''}{ref.clause} {kind} {n}"
                    if t not in out.setdefault(key, []):
                        out[key].append(t)
    return out


@contextlib.contextmanager
def selected(changes: Sequence[tuple[str, str]]) -> Iterator[None]:
    """While in force, every Role built applies these (step, how) changes."""
    for _, how in changes:
        if how not in HOW:
            raise ValueError(f"a step change is one of {HOW}, not {how!r}")
    token = _SELECTED.set(tuple(changes))
    try:
        yield
    finally:
        _SELECTED.reset(token)


def apply(transitions: Sequence[Any]) -> list[Any]:
    """The transitions as the step changes in force make them (unchanged when none are)."""
    changes = _SELECTED.get()
    if not changes:
        return list(transitions)
    out = []
    for t in transitions:
        hit = next((how for step, how in changes if cites_step(t.clause or "", step)), None)
        if hit == OMITTED:
            continue
        if hit == IGNORED and t.receives is not None:
            t = dataclasses.replace(t, dest=None, dests=(), after=(), sends=(), choices=None,
                                    label=f"receives {t.receives.title} and ignores it "
                                          f"(the change to {t.clause})")
        out.append(t)
    return out
