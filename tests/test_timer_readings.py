"""No timer of a bundled model knows the future (DESIGN, "The world a model checks"): the
guard of a timer's expiry or a transaction's timeout reads only its owner's own state and
the parameters. A "long enough" reading is declared as what the timer outlasts (a
ROUND_TRIP or a Span, with the Param value that chooses it) and enforced by the engine,
never written as a guard that reads the network or another party."""

from __future__ import annotations

import inspect
import re
from types import SimpleNamespace

import pytest

from mcfsm.lang.loader import load_path
from mcfsm.lang.timers import RoundTrip, Span, TimerEvent

from .conftest import ROOT

# What a guard reads that its owner cannot see: the network and the other parties.
SEES_TOO_MUCH = re.compile(r"\bctx\.world\b|\bin_flight\(|\bctx\.peers\(")


def _models():
    return [loaded.model for loaded in load_path(ROOT / "models")]


def _timer_guards(system):
    """(role, transition, guard) for every guard the model declares on a timer's expiry or
    a transaction's timeout (not the engine's own check, folded in when the role is
    built)."""
    seen = set()
    for inst in system.instances:
        role = inst.role
        if role.name in seen:
            continue
        seen.add(role.name)
        for t in role.declared["transitions"]:
            if isinstance(t.trigger, TimerEvent):
                for guard in t.conditions:
                    yield role.name, t.name, guard


@pytest.mark.parametrize("model", _models(), ids=lambda m: m.name)
def test_no_timer_guard_reads_the_network_or_another_party(model):
    offenders = []
    for variant in model.variants:
        for role, transition, guard in _timer_guards(model.system(variant)):
            try:
                source = inspect.getsource(guard)
            except (OSError, TypeError):  # a builtin or a lambda without source
                continue
            if SEES_TOO_MUCH.search(source):
                offenders.append(f"{variant}: {role}.{transition} guard {guard.__name__}")
    assert not offenders, ("a timer's guard reads what its owner cannot see; declare the "
                           "bound as outlasts=(ROUND_TRIP,) or a Span instead: "
                           + "; ".join(sorted(set(offenders))))


def test_every_long_enough_reading_is_a_declared_duration_chosen_by_a_param():
    """Each Param value that names a "long enough" reading (outlasts_answer,
    outlasts_migration) turns on a bound some timer declares (a RoundTrip or a Span whose
    `when` says yes to that value and no to "free"): the reading is a duration the engine
    enforces, explored beside the free timer."""
    checked = 0
    for model in _models():
        for variant in model.variants:
            system = model.system(variant)
            bounds = [bound for inst in system.instances
                      for decl in inst.role.timer_table.timers.values()
                      for bound in decl.outlasts
                      if isinstance(bound, RoundTrip | Span) and bound.when is not None]
            for name, param in system.params.items():
                for value in param.choices:
                    if not str(value).startswith("outlasts"):
                        continue
                    chosen = [b for b in bounds
                              if b.when(SimpleNamespace(**{name: value}))
                              and not b.when(SimpleNamespace(**{name: "free"}))]
                    assert chosen, (f"{model.name}[{variant}]: {name}={value} is a reading no "
                                    "timer declares as what it outlasts")
                    checked += 1
    assert checked  # the bundled models explore such readings
