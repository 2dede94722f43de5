"""What exploring a variant's parameter choices together could save, judged before building
it (issue 34: the 30 s target for `check models/`).

A variant with parameters is explored once per combination of choices
(check/choices.py), and the figures add up: a state that two combinations both reach is
stored and expanded twice, once with each combination's params. A search over all the
combinations at once (a featured transition system: one state, the set of combinations it
is reached under) stores such a state once. So the number of states it stores is at least
the number of distinct states with the params left out, counted across every combination;
this script counts both, by a plain breadth-first search of each combination
(`System.successors`), so the ratio is a ceiling on what sharing could save.

    .venv/bin/python benchmarks/param_sharing.py                 # variants up to 200,000 states
    .venv/bin/python benchmarks/param_sharing.py --limit 50000   # smaller ones only, faster
    .venv/bin/python benchmarks/param_sharing.py --limit 3000000 private_call_migration:as_published
    .venv/bin/python benchmarks/param_sharing.py --lazy --limit 3000000 private_call_migration:as_published

`--lazy` also counts the states of a search that binds a parameter only when some code
reads it (lazy binding: the params slot holds the choices read so far, and a state is
split into one copy per value at the first read of an unbound parameter). It binds at the
level of a state's expansion (any step's read binds the parameter for every successor),
so a search that binds per step would store at most about as many.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.engine_reference import variants  # noqa: E402
from mcfsm.check.choices import combination_count, combinations  # noqa: E402
from mcfsm.lang.system import System  # noqa: E402


class TooLargeError(Exception):
    pass


def reachable(system: System, limit: int) -> set[tuple]:
    """Every state reachable from the initial states (TooLargeError past `limit`)."""
    seen = set(system.initial_states())
    queue = deque(seen)
    while queue:
        for _key, after in system.successors(queue.popleft()):
            if after not in seen:
                seen.add(after)
                queue.append(after)
                if len(seen) > limit:
                    raise TooLargeError()
    return seen


def sharing(system: System, limit: int) -> tuple[int, int, int]:
    """(combinations, states summed over the combinations, distinct states without the
    params across them)."""
    total, shared = 0, set()
    combos = 0
    for combo in combinations(system):
        states = reachable(system.restricted(dict(combo)), limit - total)
        combos += 1
        total += len(states)
        shared.update(state[1:] for state in states)
    return combos, total, len(shared)


class UnboundError(Exception):
    """Model code read a parameter the params slot has not bound yet."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class Partial:
    """The params record of a lazy search: the parameters bound so far; reading another
    one raises UnboundError."""

    __slots__ = ("_bound", "_hash", "_names")

    def __init__(self, names: frozenset[str], bound: tuple[tuple[str, object], ...]) -> None:
        self._names = names
        self._bound = bound
        self._hash = hash(bound)

    def __getattr__(self, name: str) -> object:
        for bound_name, value in self._bound:
            if bound_name == name:
                return value
        if name in self._names:
            raise UnboundError(name)
        raise AttributeError(name)

    def bind(self, name: str, value: object) -> Partial:
        return Partial(self._names, tuple(sorted((*self._bound, (name, value)))))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Partial) and self._bound == other._bound

    def __hash__(self) -> int:
        return self._hash


def _unbound_read(exc: BaseException) -> str | None:
    """The parameter whose read raised `exc` (through the model-code guard's wrapping)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, UnboundError):
            return seen.name
        seen = seen.__cause__ or seen.__context__
    return None


def lazy_states(system: System, limit: int) -> int:
    """Distinct states of a lazily binding search of every combination at once (see the
    module doc). An initial state whose rest appears under every combination starts with
    nothing bound; one that appears under some only keeps its whole combination."""
    names = frozenset(system.params)
    every = combination_count(system)
    under: dict[tuple, set] = {}
    for state in system.initial_states():
        under.setdefault(state[1:], set()).add(tuple(state[0]._asdict().items()))
    seen: set[tuple] = set()
    for rest, found in under.items():
        if len(found) == every:
            seen.add((Partial(names, ()), *rest))
        else:
            seen.update((Partial(names, tuple(sorted(c))), *rest) for c in found)
    queue = deque(seen)
    while queue:
        state = queue.popleft()
        try:
            after = [nxt for _key, nxt in system.successors(state)]
        except Exception as exc:
            name = _unbound_read(exc)
            if name is None:
                raise
            after = [(state[0].bind(name, v), *state[1:]) for v in system.params[name].choices]
        for nxt in after:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
                if len(seen) > limit:
                    raise TooLargeError()
    return len(seen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("only", nargs="*", metavar="MODEL:VARIANT",
                        help="these variants only (default: every bundled variant)")
    parser.add_argument("--lazy", action="store_true",
                        help="also count the states of a search that binds parameters lazily")
    parser.add_argument("--limit", type=int, default=200_000,
                        help="skip a variant past this many states in all (default 200,000)")
    args = parser.parse_args()
    rows = []
    for model_name, variant, model, _file in variants("models"):
        if args.only and f"{model_name}:{variant}" not in args.only:
            continue
        system = model.system(variant)
        name = f"{model_name}[{variant}]"
        if combination_count(system) <= 1:
            print(f"{name}: one combination, nothing to share", flush=True)
            continue
        started = time.process_time()
        try:
            combos, total, shared = sharing(system, args.limit)
        except TooLargeError:
            print(f"{name}: past {args.limit:,} states, skipped", flush=True)
            continue
        rows.append((name, combos, total, shared))
        lazy = ""
        if args.lazy:
            count = lazy_states(system, args.limit)
            lazy = f", {count:,} binding lazily ({total / count:.2f}x)"
        print(f"{name}: {combos} combinations, {total:,} states in all, {shared:,} "
              f"without the params ({total / shared:.2f}x){lazy}; "
              f"{time.process_time() - started:.1f} s", flush=True)
    if rows:
        total = sum(r[2] for r in rows)
        shared = sum(r[3] for r in rows)
        print(f"\n{len(rows)} variants measured: {total:,} states in all, {shared:,} without "
              f"the params ({total / shared:.2f}x); per variant from "
              f"{min(r[2] / r[3] for r in rows):.2f}x to {max(r[2] / r[3] for r in rows):.2f}x")


if __name__ == "__main__":
    main()
