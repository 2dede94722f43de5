"""A CR diff as data: the two sides (variant, system, result), each property's change,
the set-up cost of witnesses, and what is reachable in one side only. diff.py computes it;
diff_words.py and the Markdown, JSON and HTML writers put it in words."""

from __future__ import annotations

import dataclasses

from ..check.explorer import Result, Verdict
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
