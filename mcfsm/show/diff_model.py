"""A CR diff as data: the two sides (variant, system, result), each property's change,
the set-up cost of witnesses, and what is reachable in one side only. diff.py computes it;
diff_words.py and the Markdown, JSON and HTML writers put it in words."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from ..check.search.explorer import Result, Verdict
from ..lang.model import Model
from ..lang.system import System


@dataclasses.dataclass(frozen=True)
class Side:
    label: str  # the variant's name (with the model's when two files are compared)
    system: System
    result: Result
    doc: str = ""  # the variant's description: what the CR changes


@dataclasses.dataclass(frozen=True)
class PropertyChange:
    name: str
    kind: str
    clause: str
    a: Verdict | None
    b: Verdict | None
    change: str
    failing_side: str | None  # "a" or "b": whose counterexample explains the change
    # Violated on both sides: under "fewer" or "more" of the readings both explore, or ""
    # (the same ones, or no common reading to compare), with B's reading in words.
    readings: str = ""
    reading_b: str = ""


@dataclasses.dataclass(frozen=True)
class Cost:
    steps: int
    messages: int
    round_trips: int


@dataclasses.dataclass(frozen=True)
class Diff:
    a: Side
    b: Side
    properties: tuple[PropertyChange, ...]
    transitions_only: tuple[tuple[str, ...], tuple[str, ...]]  # (only in A, only in B)
    messages_only: tuple[tuple[str, ...], tuple[str, ...]]
    costs: tuple[tuple[str, Cost | None, Cost | None], ...]


def baseline_of(model: Model, variant: str, first: str = "") -> str:
    """The variant `variant` is diffed against: the `baseline` it declares (the text a
    candidate fix changes), else `first`, the first variant of those compared (the model's
    first when not given). diagrams/, the HTML report and the finding pages all use it."""
    return model.variants[variant].baseline or first or next(iter(model.variants))


def diff_pairs(model: Model, chosen: Sequence[str]) -> list[tuple[str, str]]:
    """The CR diffs among the variants explored, in order: (baseline, variant) for every
    one after the first whose baseline was explored too (one not explored cannot be
    diffed, and is skipped rather than explored only for the diff)."""
    pairs = []
    for other in chosen[1:]:
        base = baseline_of(model, other, chosen[0])
        if base in chosen:
            pairs.append((base, other))
    return pairs
