"""Verdicts per parameter choice: "violated only with notification=one_way".

A parameter stands for a choice the spec text leaves open; it is constant in every state,
so the state space is the disjoint union of one state space per combination of choices.
This module explores each combination on its own (`System.restricted`) and merges the runs
into one Result whose figures equal a single joint run's: distinct and total states and
coverage add up, depth is the deepest run's, and a property's shortest counterexample is
the shortest over the runs (BFS from all roots at once finds the same length). The
explorer's hot loop is untouched; `Result.per_choice` keeps one ChoiceRun per combination.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
import time
from collections.abc import Callable, Iterator
from typing import Any

from ..lang.system import System
from .search.explorer import Budget, Progress, ProgressFn, Result, SharedTables, Verdict, explore, gc_paused

Choices = tuple[tuple[str, Any], ...]  # (parameter, value) in declaration order


@dataclasses.dataclass(frozen=True)
class ChoiceRun:
    """The verdicts of one combination of parameter choices."""

    choices: Choices
    verdicts: dict[str, tuple[str, int | None]]  # property -> (status, trace length)
    distinct_states: int
    complete: bool


def combinations(system: System) -> Iterator[Choices]:
    """Every combination, one at a time: a product of many choices is never built whole
    (a budget may stop the search after the first few)."""
    names = list(system.params)
    for combo in itertools.product(*(p.choices for p in system.params.values())):
        yield tuple(zip(names, combo))


def combination_count(system: System) -> int:
    return math.prod(len(p.choices) for p in system.params.values())


def choices_words(choices: tuple[Any, ...], shown: int = 12) -> str:
    """A parameter's choices for a line of text: all of a few, else the first ones, the
    last and how many ("0, 1, 2, ..., 2999 (3,000 choices)"): a report line stays a line."""
    if len(choices) <= shown:
        return ", ".join(map(str, choices))
    return (", ".join(map(str, choices[:shown - 1])) + f", ..., {choices[-1]} "
            f"({len(choices):,} choices)")


def explore_by_choice(system: System, budget: Budget | None = None,
                      progress: ProgressFn | None = None,
                      explorer: Callable[..., Result] = explore) -> Result:
    """Explore every parameter combination separately and merge (see the module doc).
    `explorer(system, budget, progress=...)` runs one search (the split search, say). The
    plain searches share their memo tables (SharedTables): same figures, less model code
    run again."""
    budget = budget or Budget()
    if combination_count(system) <= 1:
        result = explorer(system, budget, progress=progress)
        return dataclasses.replace(result, per_choice=(
            choice_run(next(combinations(system), ()), result),))
    with gc_paused():  # between the searches too: their shared tables stay alive
        return _explore_each(system, budget, progress, explorer)


def _explore_each(system: System, budget: Budget, progress: ProgressFn | None,
                  explorer: Callable[..., Result]) -> Result:
    started = time.perf_counter()
    if explorer is explore:
        explorer = functools.partial(explore, tables=SharedTables(system))
    results: list[Result] = []
    runs: list[ChoiceRun] = []
    distinct = 0
    stopped_by: str | None = None
    for combo in combinations(system):
        if budget.stop is not None and budget.stop():
            stopped_by = "interrupted"
            break
        remaining = budget
        if budget.max_states is not None:
            left = budget.max_states - distinct
            if left <= 0:
                stopped_by = "max-states"
                break
            remaining = dataclasses.replace(remaining, max_states=left)
        if budget.time_limit is not None:
            left_s = budget.time_limit - (time.perf_counter() - started)
            if left_s <= 0:
                stopped_by = "time-limit"
                break
            remaining = dataclasses.replace(remaining, time_limit=left_s)
        result = explorer(system.restricted(dict(combo)), remaining,
                         progress=_cumulative(progress, results, started))
        results.append(result)
        runs.append(choice_run(combo, result))
        distinct += result.distinct_states
        if not result.complete:
            stopped_by = result.stopped_by
            break
    return merge_runs(system, results, tuple(runs), stopped_by, time.perf_counter() - started)


def _cumulative(progress: ProgressFn | None, done: list[Result], started: float
                ) -> ProgressFn | None:
    """Progress of the whole variant: each combination's search counts on from the states
    of those already finished (one line that only grows, not one per combination)."""
    if progress is None:
        return None
    distinct = sum(r.distinct_states for r in done)
    total = sum(r.total_states for r in done)

    def report(p: Progress) -> None:
        progress(dataclasses.replace(p, distinct=p.distinct + distinct, total=p.total + total,
                                     elapsed_s=time.perf_counter() - started))
    return report


def choice_run(combo: Choices, result: Result) -> ChoiceRun:
    return ChoiceRun(combo, {v.property.name: (v.status, None if v.trace is None else len(v.trace))
                             for v in result.verdicts},
                     result.distinct_states, result.complete)


def verdict_sources(runs: tuple[ChoiceRun, ...]) -> dict[str, int]:
    """Per property violated or witnessed in some run, the run its merged verdict (and
    trace) comes from: the first with the shortest trace, a verdict without one last. BFS
    from all roots at once would find that length."""
    sources: dict[str, int] = {}
    shortest: dict[str, int] = {}
    for i, run in enumerate(runs):
        for name, (status, length) in run.verdicts.items():
            if status in ("violated", "witnessed"):
                steps = 1 << 30 if length is None else length
                if name not in sources or steps < shortest[name]:
                    sources[name], shortest[name] = i, steps
    return sources


def merge_runs(system: System, results: list[Result], runs: tuple[ChoiceRun, ...],
               stopped_by: str | None, elapsed: float) -> Result:
    """One Result from the runs of the combinations, in combination order (`runs[i]` is
    `results[i]`'s record)."""
    complete = stopped_by is None
    sources = verdict_sources(runs)
    verdicts = []
    for k, prop in enumerate(system.properties):
        mine = [r.verdicts[k] for r in results]
        if prop.name in sources:
            verdicts.append(mine[sources[prop.name]])
        elif any(v.status == "unknown" for v in mine):  # a depth-first run's temporal ones
            verdicts.append(Verdict(prop, "unknown", None, ()))
        elif prop.kind == "sometimes":
            verdicts.append(Verdict(prop, "never" if complete else "unknown"))
        else:
            # a temporal verdict keeps the fairness it rests on (the same in every run)
            verdicts.append(Verdict(prop, "holds" if complete else "unknown", None,
                                    mine[0].assumes if mine else ()))
    coverage: dict[tuple[str, str], tuple[int, int]] = {}
    for r in results:
        for key, (g, n) in r.coverage.items():
            g0, n0 = coverage.get(key, (0, 0))
            coverage[key] = (g0 + g, n0 + n)
    return Result(
        system=system,
        distinct_states=sum(r.distinct_states for r in results),
        total_states=sum(r.total_states for r in results),
        depth=max((r.depth for r in results), default=0),
        complete=complete,
        stopped_by=stopped_by,
        elapsed_s=elapsed,
        verdicts=tuple(verdicts),
        coverage=coverage,
        pruned=sum(r.pruned for r in results),
        per_choice=runs,
        engine=", ".join(sorted({r.engine for r in results if r.engine})),
        search=results[0].search if results else "breadth-first",
        # one combination's words; a symmetry any combination only assumed is assumed by
        # the merged verdicts (the whole-orbit check's size limit is per search)
        symmetry=next((r.symmetry for r in results if r.symmetry_assumed),
                      results[0].symmetry if results else ""),
    )


# -- words --------------------------------------------------------------------------------
def _choice_words(system: System, name: str, values: set[Any]) -> str:
    if len(values) == 1:
        return f"{name}={next(iter(values))}"
    ordered = [c for c in system.params[name].choices if c in values]
    return f"{name} in {{{', '.join(str(c) for c in ordered)}}}"


def failing_runs(result: Result, prop: str) -> tuple[list[ChoiceRun], list[ChoiceRun]]:
    """(runs where the property fails or is witnessed, all runs with a definite verdict:
    finished ones, and a cut one only where it found the violation or witness)."""
    kind = next(p.kind for p in result.system.properties if p.name == prop)
    hit = "witnessed" if kind == "sometimes" else "violated"
    known = [r for r in result.per_choice if prop in r.verdicts
             and (r.complete or r.verdicts[prop][0] == hit)]
    return [r for r in known if r.verdicts[prop][0] == hit], known


def finished_runs(result: Result) -> tuple[int, int]:
    """(combinations whose search finished, combinations in all)."""
    return sum(1 for r in result.per_choice if r.complete), combination_count(result.system)


def fails_in_every_reading(result: Result, prop: str, outside: tuple[str, ...]) -> bool:
    """Whether the property fails (or is witnessed) in every finished run whose choices
    include none of `outside` ("p=v": choices that are no reading of the text), and in at
    least one such run: a gap in the text whose saving choices the text could not make."""
    if not result.complete:
        return False
    hits, known = failing_runs(result, prop)
    inside = [r for r in known
              if not any(f"{name}={value}" in outside for name, value in r.choices)]
    hit_ids = {id(r) for r in hits}
    return bool(inside) and all(id(r) in hit_ids for r in inside)


def dependency(result: Result, prop: str) -> str | None:
    """Which parameter choices a violation (or, for a `sometimes`, a witness) rests on:
    None when the model has no choice to make or the search was cut, "whatever the
    choices" when every combination gives it, else "only with p=a" (or "only with p=a and
    q=b", or the list of combinations when no such product describes them)."""
    system = result.system
    multi = [n for n, p in system.params.items() if len(p.choices) > 1]
    if not multi or len(result.per_choice) <= 1 or not result.complete:
        return None  # a cut search classifies nothing: some combinations were not finished
    hits, known = failing_runs(result, prop)
    if not hits:
        return None
    if len(hits) == len(known):
        return "whatever the choices"
    hit_set = {r.choices for r in hits}
    all_set = {r.choices for r in known}
    return ("only with " + _describe(system, multi, hit_set, all_set, " and ", " or ")
            if len(hit_set) * 2 <= len(all_set) or _describe(system, multi, hit_set, all_set,
                                                             " and ", " or ", strict=True)
            else "except with " + _describe(system, multi, all_set - hit_set, all_set,
                                            " and ", " or "))


def carving(system: System, subset: list[ChoiceRun], runs: list[ChoiceRun]
            ) -> list[tuple[str, set[Any]]] | None:
    """The fewest parameters, with their values, that carve `subset` out of `runs` (the
    runs with some outcome among all the runs): [(p, {a})] for "only with p=a"; None when
    no product of choices describes them."""
    multi = [n for n, p in system.params.items() if len(p.choices) > 1]
    return _product(multi, {r.choices for r in subset}, {r.choices for r in runs})


def _product(multi: list[str], subset: set[Choices], all_set: set[Choices]
             ) -> list[tuple[str, set[Any]]] | None:
    """The fewest parameters whose value sets carve out exactly `subset`, if any do."""
    if not subset <= all_set:
        return None  # a product carves combinations out of all_set only
    as_dict = {c: dict(c) for c in all_set}  # read in every test below: made once
    # the product of subset's own values holds all of subset: it carves out exactly subset
    # when no other combination falls in it (a test that stops at the first that does)
    others = list(all_set - subset)
    for size in range(1, len(multi) + 1):
        for names in itertools.combinations(multi, size):
            pairs = [(n, {as_dict[c][n] for c in subset}) for n in names]
            if not any(all(as_dict[c][n] in vs for n, vs in pairs) for c in others):
                return pairs
    return None


def _describe(system: System, multi: list[str], subset: set[Choices], all_set: set[Choices],
              conj: str, disj: str, strict: bool = False) -> str:
    """`subset` of the combinations in words: a product of choices ("p=a and q=b"), a
    union of single choices ("p=a or q=b"), or the list of combinations. With strict, ""
    unless one of the first two forms fits."""
    product = _product(multi, subset, all_set)
    if product is not None:
        return conj.join(_choice_words(system, n, vs) for n, vs in product)
    union = []
    for n in multi:
        for value in system.params[n].choices:
            with_value = {c for c in all_set if dict(c)[n] == value}
            if with_value <= subset:
                union.append((n, value, with_value))
    covered = set().union(*(w for _, _, w in union)) if union else set()
    if covered == subset:
        return disj.join(f"{n}={v}" for n, v, _ in union)
    factored = _factored(system, multi, subset, all_set, conj, disj)
    if factored:
        return factored
    if strict:
        return ""
    listed = sorted(", ".join(f"{n}={v}" for n, v in c if n in multi) for c in subset)
    return "(" + "); (".join(listed) + ")"


def _factored(system: System, multi: list[str], subset: set[Choices], all_set: set[Choices],
              conj: str, disj: str) -> str:
    """`subset` as the choices all its combinations share, and a product or union of the
    others within them: "u=reject and (n=one_way or r=bbm)"; "" when that does not fit."""
    common = {}
    for n in multi:
        values = {dict(c)[n] for c in subset}
        if len(values) == 1:
            common[n] = next(iter(values))
    rest = [n for n in multi if n not in common]
    if not common or not rest:
        return ""
    within = {c for c in all_set if all(dict(c)[n] == v for n, v in common.items())}
    inner = _describe(system, rest, subset, within, conj, disj, strict=True)
    if not inner:
        return ""
    head = conj.join(f"{n}={v}" for n, v in common.items())
    return head + conj + (f"({inner})" if disj in inner else inner)


def per_choice_json(result: Result, prop: str) -> list[dict[str, Any]]:
    return [{"choices": {n: v for n, v in r.choices}, "verdict": r.verdicts[prop][0],
             "length": r.verdicts[prop][1]}
            for r in result.per_choice if prop in r.verdicts]
