"""A field-keyed instance's new locals found by value and made in the compiled core (issue
59 item 3).

An instance memoized on the fields its steps read gets, on a memo hit, the writes the step
made, not a new local; the core used to ask steps.transformed for the local those writes
make of the current one once per successor, although the locals recur (a grid reached along
every path). It keeps each local it has met as its positions' projections and finds a
recurring one by value, and it makes a new one itself (Writes.apply and Store.intern in C),
asking Python only for each writes number once (steps.writes_of) and, where the store
widens a slot's code (its 257th and 65,537th local), for steps.transformed. Counted by hand
on an N x N grid walked right and up: N * N locals, 1 + 2 * N * (N - 1) states in TLC's
total, 2 * (N - 1) + 1 levels; a writes number per value written (x := 1 .. N - 1, y the
same: 2 * (N - 1)); steps.transformed once for N * N between 257 and 65,536, twice past it,
where the twin calls it once per successor (2 * N * (N - 1)).

Equal codes must mean equal locals, and equal locals one index: a local made with True where
an equal one holds 1 is the same local to the store (1 == True); the core, whose codes tell
the types apart, interns it as the store does and gets the same index, so both cores give
the same figures.
"""

from __future__ import annotations

import pytest

from mcfsm import Instance, Role, System, Transition, Var, explore
from mcfsm.check.state import steps as steps_module

from .test_engine_core import BUILT

N = 40


def _grid(n: int) -> System:
    def _right(ctx) -> None:
        ctx.v.x += 1

    def _up(ctx) -> None:
        ctx.v.y += 1

    walker = Role("walker", states=["on"], initial="on", final=["on"],
                  variables={"x": Var(int, 0), "y": Var(int, 0)},
                  transitions=[Transition("right", "on", None, after=[_right],
                                          conditions=[lambda ctx: ctx.v.x < n - 1]),
                               Transition("up", "on", None, after=[_up],
                                          conditions=[lambda ctx: ctx.v.y < n - 1])])
    return System("grid", instances=[Instance("w", walker)])


def _flags() -> System:
    """b goes from 0 to True; from True the flip writes 1, a local equal to True's (equal
    tuples), so a self-loop: 2 locals of b, and c counts to 3 beside it (8 states)."""
    def _set(ctx) -> None:
        ctx.v.b = True if ctx.v.b == 0 and ctx.v.b is not True else (1 if ctx.v.b is True else 0)

    def _count(ctx) -> None:
        ctx.v.c += 1

    role = Role("flags", states=["on"], initial="on", final=["on"],
                variables={"b": Var(int, 0), "c": Var(int, 0)},
                transitions=[Transition("flip", "on", None, after=[_set],
                                        conditions=[lambda ctx: ctx.v.b in (0, 1)]),
                             Transition("count", "on", None, after=[_count],
                                        conditions=[lambda ctx: ctx.v.c < 3])])
    return System("flags", instances=[Instance("f", role)])


def _run(system: System, engine: str, monkeypatch: pytest.MonkeyPatch
         ) -> tuple[object, list[str]]:
    """The search on one core, every instance field-keyed from the start, and the calls of
    steps.transformed and steps.writes_of, in order."""
    monkeypatch.setenv("MCFSM_PURE", "1" if engine == "python" else "0")
    monkeypatch.setattr(steps_module, "FIELD_KEYS_AT_START", True)
    calls: list[str] = []
    for name in ("transformed", "writes_of"):
        original = getattr(steps_module.CompiledSteps, name)
        monkeypatch.setattr(steps_module.CompiledSteps, name,
                            lambda self, *args, _f=original, _n=name: calls.append(_n)
                            or _f(self, *args))
    result = explore(system)
    assert result.engine.startswith(engine)
    return result, calls


def _figures(result) -> tuple:  # type: ignore[no-untyped-def]
    return (result.distinct_states, result.total_states, result.depth, dict(result.coverage),
            [(v.property.name, v.status) for v in result.verdicts])


@pytest.mark.skipif(not BUILT, reason="the compiled core is not built")
def test_a_recurring_local_is_made_once(monkeypatch):
    compiled, made = _run(_grid(N), "compiled", monkeypatch)
    assert (compiled.distinct_states, compiled.total_states, compiled.depth) == (
        N * N, 1 + 2 * N * (N - 1), 2 * (N - 1) + 1)  # depth: levels, the first included
    assert 0x100 < N * N <= 0x10000
    assert made.count("writes_of") == 2 * (N - 1)  # x := 1 .. N - 1, y too; each once
    assert made.count("transformed") == 1  # the 257th local, where the store widens
    twin, twin_made = _run(_grid(N), "python", monkeypatch)
    assert _figures(twin) == _figures(compiled)
    assert twin_made.count("transformed") == 2 * N * (N - 1)  # one a successor


@pytest.mark.skipif(not BUILT, reason="the compiled core is not built")
def test_equal_locals_of_other_types_are_one_local(monkeypatch):
    compiled, _ = _run(_flags(), "compiled", monkeypatch)
    twin, _ = _run(_flags(), "python", monkeypatch)
    assert compiled.distinct_states == 2 * 4
    assert _figures(compiled) == _figures(twin)


@pytest.mark.skipif(not BUILT, reason="the compiled core is not built")
def test_locals_past_both_widenings_of_the_store(monkeypatch):
    big = 257  # 66,049 locals: past the store's 1-byte and 2-byte codes
    compiled, made = _run(_grid(big), "compiled", monkeypatch)
    assert (compiled.distinct_states, compiled.total_states, compiled.depth) == (
        big * big, 1 + 2 * big * (big - 1), 2 * (big - 1) + 1)
    assert made.count("transformed") == 2  # the 257th and the 65,537th local


@pytest.mark.slow
@pytest.mark.skipif(not BUILT, reason="the compiled core is not built")
def test_locals_past_the_dense_columns(monkeypatch):
    """Past 2**20 locals the core's dense column arrays stop (DENSE_COLUMN): a newer
    local's fields, which the walker's guards read, come off its words (`_word_of`), not
    from Python (steps.column_value) nor a table of its own. 1,025 x 1,025 = 1,050,625
    locals, 2,049 past the arrays; the figures by hand as above."""
    big = 1025
    assert big * big > 1 << 20
    asked = []
    original = steps_module.CompiledSteps.column_value
    monkeypatch.setattr(steps_module.CompiledSteps, "column_value",
                        lambda self, c, idx: asked.append(idx) or original(self, c, idx))
    compiled, made = _run(_grid(big), "compiled", monkeypatch)
    assert (compiled.distinct_states, compiled.total_states, compiled.depth) == (
        big * big, 1 + 2 * big * (big - 1), 2 * (big - 1) + 1)
    assert made.count("transformed") == 2
    assert not [idx for idx in asked if idx >= 1 << 20]
