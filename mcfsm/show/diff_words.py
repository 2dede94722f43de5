"""The CR diff in the spec's words: what a change does to each property, said the way a
delegate would ("now holds", "now violated", "new witness", "no longer reachable"), with
the variants named by their names, messages and transitions by their titles and labels.
"""

from __future__ import annotations

from typing import Any

from ..lang.system import System
from .diff_model import Diff, PropertyChange
from .values import plural

PASSING = ("holds", "witnessed")
FAILING = ("violated", "never")


def change_words(p: PropertyChange) -> str:
    """One phrase for what B does to the property, relative to A."""
    a, b = p.a, p.b
    if a is None:
        return "new property"
    if b is None:
        return "property dropped"
    if "unknown" in (a.status, b.status):
        return "inconclusive (a search was cut short)"
    sometimes = p.kind == "sometimes"
    if a.status in FAILING and b.status in PASSING:
        return "new witness" if sometimes else "now holds"
    if a.status in PASSING and b.status in FAILING:
        return "no longer reachable" if sometimes else "now violated"
    status = "witnessed" if a.status == "witnessed" else "violated"
    if p.readings == "fewer":
        return f"{status} under fewer readings: {p.reading_b}"
    if p.readings == "more":
        return f"{status} under more readings: {p.reading_b}"
    if a.status == b.status and a.trace is not None and b.trace is not None:
        what = "witness" if a.status == "witnessed" else "counterexample"
        still = "still witnessed" if a.status == "witnessed" else "still violated"
        if len(a.trace) != len(b.trace):
            return (f"{still}; shortest {what} {plural(len(a.trace), 'step')} → "
                    f"{plural(len(b.trace), 'step')}")
    if a.status == b.status:
        return "unchanged"
    return f"{a.status} → {b.status}"


def changed_in_both(p: PropertyChange) -> bool:
    """Violated in both, with a different shortest counterexample: both are worth showing."""
    return (p.a is not None and p.b is not None and p.a.status == "violated"
            and p.b.status == "violated" and p.a.trace is not None and p.b.trace is not None
            and len(p.a.trace) != len(p.b.trace))


def transition_words(system: System, qualified: str) -> str:
    """`MC service server.recheck_redirect` -> `MC service server: re-checks the migrated
    ID and redirects ...` (the transition's label, else its trigger in words)."""
    role_name, _, name = qualified.rpartition(".")
    for inst in system.instances:
        if inst.role.name == role_name:
            for t in inst.role.transitions:
                if t.name == name:
                    return f"{role_name}: {t.words}"
    return qualified


def message_title(system: System, class_name: str) -> str:
    """`KmsLookupRequest` -> `KMS lookup request` (the message's title)."""
    for inst in system.instances:
        for t in inst.role.transitions:
            for m in (t.receives, *t.sends):
                if m is not None and m.__name__ == class_name:
                    return m.title
    return class_name


def change_rows(d: Diff) -> list[dict[str, Any]]:
    """One row per property for tables (Markdown, HTML): verdicts, change and doc."""
    rows = []
    for p in d.properties:
        prop = (p.a or p.b).property  # type: ignore[union-attr]
        rows.append({"name": p.name, "clause": p.clause, "doc": prop.doc,
                     "a": p.a.status if p.a else "-", "b": p.b.status if p.b else "-",
                     "change": change_words(p),
                     "changed": p.failing_side is not None or change_words(p) != "unchanged"})
    return rows
