"""Memoized local steps and table-driven inboxes give the same successors, in the same
order, as the reference successor function that runs model code for every step
(System.expand), on random states of every bundled and validation model. A transition whose
model code is not deterministic, or reads other instances without saying so, fails here."""

import random

import pytest

from benchmarks.engine_reference import FOLDERS, variants
from mcfsm.check.state import steps as steps_module
from mcfsm.check.state.predicates import MemoPredicate
from mcfsm.check.state.projections import Projections
from mcfsm.check.state.steps import CompiledSteps
from mcfsm.check.state.store import Store
from mcfsm.lang.system import canonical_key

from .test_differential import _BUNDLED_IDS as BUNDLED_IDS
from .test_differential import COVER

CASES = [(f"{m}[{v}]", model, v) for folder in FOLDERS for m, v, model, _ in variants(folder)]
# The steps and predicates are held to the reference on every validation variant and on
# test_differential's COVER of the bundled ones: variants that between them fire every
# transition any variant fires and judge every property any declares, with each verdict
# class, so that every piece of model code runs memoized against the reference (56 of the
# 91 bundled variants when chosen: this file's tests 31 s of CPU against 44 s on every
# variant, on two workers)
STEPPED = [c for c in CASES if c[0] in COVER or c[0] not in BUNDLED_IDS]


def random_states(system, rng: random.Random, walks: int, length: int) -> list[tuple]:
    """States met by random walks on the reference successor function (within bounds)."""
    out = []
    initial = system.initial_states()
    for _ in range(walks):
        state = rng.choice(initial)
        for _ in range(length):
            out.append(state)
            nxt = [s for _, s in system.successors(state) if system.within_bounds(s)]
            if not nxt:
                break
            state = rng.choice(nxt)
    return out


def in_engine_order(state: tuple, pairs: list) -> tuple[list, list]:
    """Steps that change the state in order, and the self-loops as a sorted list: the
    compiled engine takes self-loops after the other steps (they need no store lookup)."""
    return ([p for p in pairs if p[1] != state],
            sorted((p[0] for p in pairs if p[1] == state), key=canonical_key))


# (the random states of a variant, the reference's answer at each): the same for the
# `whole` and `fields` cases of a variant (a fixed seed, the reference successor function,
# which no memo or field key touches), so computed once for both when they run in one
# worker (they are collected side by side), about half of each case's CPU
_REFERENCE: dict[str, tuple[list[tuple], dict[tuple, tuple]]] = {}


def _states_and_reference(name: str, system) -> tuple[list[tuple], dict[tuple, tuple]]:
    if name not in _REFERENCE:
        _REFERENCE.clear()  # only the variant's two cases read it
        rng = random.Random(f"{name} 11")  # a fixed seed per variant: failures reproduce
        states = random_states(system, rng, walks=12, length=40)
        # the reference once per state (a walk meets a state again and again): model code
        # that is not deterministic still shows, as the unmemoized steps run it afresh at
        # every state and are held to the same answer
        reference: dict[tuple, tuple] = {}
        for state in states:
            if state not in reference:
                want, unhandled = system.expand(state)
                reference[state] = (in_engine_order(state, [(key, nxt) for key, nxt, _, _ in want]),
                                    unhandled)
        _REFERENCE[name] = states, reference
    return _REFERENCE[name]


@pytest.mark.parametrize("fields", [False, True], ids=["whole", "fields"])
@pytest.mark.parametrize("name,model,variant", STEPPED, ids=[c[0] for c in STEPPED])
def test_memoized_steps_equal_the_reference(name, model, variant, fields, monkeypatch):
    # fields: every instance with variables memoized on the fields of its own local that
    # its steps read (steps.py's `fields`), as the one-role encoding of a model comes to be
    monkeypatch.setattr(steps_module, "FIELD_KEYS_AT_START", fields)
    system = model.system(variant)
    states, reference = _states_and_reference(name, model.system(variant))
    memoized = CompiledSteps(system, Store(system.slot_count), memoize=True)
    if fields:
        memoized.successors(states[0])
        assert memoized.fields == {k for k, i in enumerate(system.instances)
                                   if i.role.variables}
    # without memos the field keys change nothing (steps.py reads FIELD_KEYS_AT_START only
    # when memoizing): the `whole` case alone holds the unmemoized steps to the reference
    unmemoized = None if fields else CompiledSteps(system, Store(system.slot_count),
                                                    memoize=False)
    for state in states + states:  # the second pass is answered from the memo tables
        want_pairs, unhandled = reference[state]
        assert in_engine_order(state, memoized.successors(state)) == want_pairs
        if unmemoized is not None:
            assert in_engine_order(state, unmemoized.successors(state)) == want_pairs
        _, _, got_unhandled = memoized.expand(tuple(memoized.store.encode(state)))
        assert got_unhandled == (unhandled[0] if unhandled else None)


def test_world_readers_are_memoized_on_what_they_read():
    # TCommit's resource managers read their peers (ctx.peers()): their steps depend on
    # other instances, so the compiled engine memoizes them on those reads, not on the key
    # alone (tests/test_read_memo.py has a data-dependent read).
    _name, model, variant = next(c for c in CASES if c[0].startswith("tcommit"))
    system = model.system(variant)
    steps = CompiledSteps(system, Store(system.slot_count))
    for state in random_states(system, random.Random(1), walks=5, length=10):
        steps.successors(state)
    assert steps.world_readers == set(range(len(system.instances)))
    assert not any(steps._internal[k] or steps._receive[k] for k in steps.world_readers)
    assert all(steps._read_memo[k] for k in steps.world_readers)


@pytest.mark.parametrize("name,model,variant", STEPPED, ids=[c[0] for c in STEPPED])
def test_memoized_predicates_equal_direct_calls(name, model, variant):
    system = model.system(variant)
    store = Store(system.slot_count)
    predicates = [p.predicate for p in system.properties if p.kind in ("always", "sometimes")]
    if system.constraint is not None:
        predicates.append(system.constraint)
    projections = Projections(system, store.values)
    memos = [MemoPredicate(system, fn, projections=projections) for fn in predicates]
    states = random_states(system, random.Random(f"{name} predicates"), walks=12, length=40)
    for state in states + states:
        idxs = store.encode(state)
        for fn, memo in zip(predicates, memos):
            assert memo(idxs, store.decode) == bool(fn(system.view(state)))
