"""The memo oracle: a search run memoized and again with every memo off, compared.

Memoized search is exact only if the memo keys a step (or a property) on everything its
code read. The views handed to model code record every read by construction
(lang/context.py), but a read they do not see (a helper that caches across calls, a global
the code mutates) would make the memoized search print a wrong verdict with nothing to
show for it. With `MCFSM_MEMO_ORACLE=1` in the environment (any command, pytest too),
`explore` runs each search a second time with memoize=False and raises MemoOracleError on
any difference in the counts, the verdicts, their trace lengths or (breadth-first) a
transition's coverage. CI runs it over every test model and every bundled variant small
enough (tests/test_memo_oracle.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable

from ...errors import McfsmError
from ..results import Result

ENV = "MCFSM_MEMO_ORACLE"


class MemoOracleError(McfsmError):
    """A memoized search and the same search without memos disagree."""


def enabled() -> bool:
    """Whether the environment asks for the oracle (any value but '', '0', 'no')."""
    return os.environ.get(ENV, "").strip().lower() not in ("", "0", "no", "false")


def differences(memoized: Result, plain: Result) -> list[str]:
    """What differs between the two results: counts, depth, each verdict's status and
    trace length, and (breadth-first) each transition's coverage. Complete searches
    are compared, and breadth-first searches bounded by depth (every state within the
    bound, whatever the order); a search cut by states, time or a first violation is not
    (its figures depend on where the cut fell, which memos move). A depth-first search's
    traces are not the shortest: only their presence counts."""
    def comparable(r: Result) -> bool:
        return r.complete or (r.stopped_by == "max-depth"
                              and not r.search.startswith("depth-first"))
    if not (comparable(memoized) and comparable(plain)):
        return []
    out = [f"{what}: {a:,} memoized, {b:,} without memos"
           for what, a, b in (("distinct states", memoized.distinct_states,
                               plain.distinct_states),
                              ("total states", memoized.total_states, plain.total_states),
                              ("depth", memoized.depth, plain.depth))
           if a != b]
    exact_lengths = not memoized.search.startswith("depth-first")
    if exact_lengths:  # a breadth-first search: each transition's counts are exact too
        out += _coverage_differences(memoized, plain)
    theirs = {v.property.name: v for v in plain.verdicts}
    for mine in memoized.verdicts:
        other = theirs.get(mine.property.name)
        if other is None:
            continue
        name = mine.property.name
        if mine.status != other.status:
            out.append(f"{name}: {mine.status} memoized, {other.status} without memos")
        elif exact_lengths and _length(mine.trace) != _length(other.trace):
            out.append(f"{name}: a trace of {_length(mine.trace)} steps memoized, "
                       f"{_length(other.trace)} without memos")
    return out


def _coverage_differences(memoized: Result, plain: Result) -> list[str]:
    """Each transition's (generated, new states) counts; a split search's partitions find a
    state first in an order of their own (which transition's successor is new depends on
    it), so there only the generated counts and the new states in all are compared."""
    split = ", split over " in memoized.search
    steps = sorted(set(memoized.coverage) | set(plain.coverage))
    out = []
    for role, name in steps:
        mine = memoized.coverage.get((role, name), (0, 0))
        theirs = plain.coverage.get((role, name), (0, 0))
        if mine[0] != theirs[0] or (not split and mine != theirs):
            out.append(f"coverage of {role}: {name}: {mine} memoized, {theirs} without memos")
    if split:
        new = [sum(n for _, n in r.coverage.values()) for r in (memoized, plain)]
        if new[0] != new[1]:
            out.append(f"new states by all transitions: {new[0]:,} memoized, {new[1]:,} "
                       "without memos")
    return out


def _length(trace: object) -> int | None:
    return None if trace is None else len(trace)  # type: ignore[arg-type]


def checked(memoized: Result, run_plain: Callable[[], Result]) -> Result:
    """The memoized result, after the oracle found it equal to a search without memos."""
    plain = run_plain()
    found = differences(memoized, plain)
    if found:
        raise MemoOracleError(
            f"the memo oracle ({ENV}) found system {memoized.system.name!r}'s memoized "
            "search different from the same search without memos: " + "; ".join(found)
            + ". Some model code (a guard, an action, a property, a Span) reads state the "
            "memo does not see: a helper that caches across calls (functools.lru_cache on "
            "something other than its arguments), a global it changes, or a read through "
            "an object mcfsm does not hand out. Read other instances through ctx.world, "
            "the choices through ctx.params, and keep model code free of side effects.")
    return memoized
