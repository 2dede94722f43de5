"""Reads recorded by construction, and the memo oracle (issue 57 item 1).

A memoized search keys a step (or a property) on what its code read; a read the memo does
not see gave a wrong "holds" (a guard reading `ctx.world.state[...]`: "holds" on the
model below, where the truth is 7 states and a violation in 3 steps). Every way of reading a
state that model code might take is generated here as a guard (and as a Span's
`under_way`, and as a property) of one small model, and each must give the unmemoized
search's answer on both engine cores, or be refused with an error that says what to read
instead. The oracle (MCFSM_MEMO_ORACLE) runs every search again without memos and fails on
any difference; it runs here over every test model and every bundled variant small enough.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import json

import pytest

from mcfsm import (
    Budget,
    Expiry,
    Instance,
    Message,
    ModelError,
    Role,
    Span,
    System,
    Timer,
    Transition,
    Var,
    always,
    explore,
)
from mcfsm.check.choices import explore_by_choice
from mcfsm.check.search import memo_oracle
from mcfsm.check.search.memo_oracle import MemoOracleError
from mcfsm.lang.loader import load_path

from .conftest import ROOT
from .test_engine_core import BUILT


class On(Message, clause="t"):
    pass


def _note_on(ctx) -> None:
    ctx.send("sink", On())


SWITCH = Role("switch", states=["off", "on"], initial="off", final=["off", "on"],
              transitions=[Transition("switch_on", "off", "on", environment=True,
                                      after=[_note_on], sends=[On])])
SINK = Role("sink", states=["idle"], initial="idle", final=["idle"],
            transitions=[Transition(On, "idle", "idle")])


@functools.cache
def _cached_is_on(local) -> bool:  # an lru_cache helper keyed on what it is given
    return local.state == "on"


# Each shape reads whether switch `a` is on (a's local is slot 2) in its own way. The
# watcher sees it once (idle -> seen), then again (seen -> bad): the truth is a violation
# of "never bad" in 3 steps, which a memo keyed on less than the guard read misses.
SHAPES = {
    "field": lambda ctx: ctx.world["a"].state == "on",
    "computed getattr": lambda ctx: getattr(ctx.world["a"], "st" + "ate") == "on",
    "vars": lambda ctx: vars(ctx.world["a"])["state"] == "on",
    "_asdict": lambda ctx: ctx.world["a"]._asdict()["state"] == "on",
    "repr": lambda ctx: "'on'" in repr(ctx.world["a"]),
    "hash": lambda ctx: hash(ctx.world["a"]) == hash(SWITCH.Local("on")),
    "equality": lambda ctx: ctx.world["a"] == SWITCH.Local("on"),
    "iteration": lambda ctx: "on" in tuple(ctx.world["a"]),
    "indexing": lambda ctx: ctx.world["a"][0] == "on",
    "comprehension": lambda ctx: any(ctx.world[n].state == "on" for n in ["a"]),
    "closure": lambda ctx: (lambda: ctx.world["a"].state)() == "on",
    "lru_cache helper": lambda ctx: _cached_is_on(ctx.world["a"]),
    "copy": lambda ctx: copy.copy(ctx.world["a"]).state == "on",
    "deepcopy": lambda ctx: copy.deepcopy(ctx.world["a"]).state == "on",
    "world.state": lambda ctx: ctx.world.state[2].state == "on",
    "world.state negative index": lambda ctx: ctx.world.state[-6].state == "on",
    "world.state slice": lambda ctx: ctx.world.state[2:3][0].state == "on",
    "world.state iterated": lambda ctx: list(ctx.world.state)[2].state == "on",
    "in_flight": lambda ctx: bool(ctx.world.in_flight(On)) or ctx.world["a"].state == "on",
    "in_flight listed": lambda ctx: len(ctx.world.in_flight(On, to="sink")) > 0
    or ctx.world["a"].state == "on",
    "peers": lambda ctx: ctx.world["a"].state == "on" and len(ctx.peers()) == 1,
    # read on one branch: the watcher's own state decides whether a is read at all
    "read on one branch": lambda ctx: ctx.state == "bad" or ctx.world["a"].state == "on",
}
# Ways that cannot record the read: each is refused, naming what to read instead.
REFUSED = {
    "a record's _local": (lambda ctx: ctx.world["a"]._local.state == "on", "its fields"),
    "the params' _local": (lambda ctx: ctx.params._local is not None, "its fields"),
    "ctx._state": (lambda ctx: ctx._state[2].state == "on", "ctx.world"),
    "getattr ctx._state": (lambda ctx: ctx._state[2].state == "on", "ctx.world"),
    "the recorded state's _raw": (lambda ctx: ctx.world.state._raw[2].state == "on",
                                  "the slots by index"),
    "the envelopes' _state": (lambda ctx: ctx.world.in_flight(On)._state is None,
                              "the envelopes"),
}


def _system(guard) -> System:
    watcher = Role("watcher", states=["idle", "seen", "bad"], initial="idle",
                   final=["idle", "seen", "bad"],
                   transitions=[Transition("see", "idle", "seen", conditions=[guard]),
                                Transition("again", "seen", "bad", conditions=[guard])])
    return System("shapes", instances=[Instance("a", SWITCH), Instance("w", watcher),
                                       Instance("sink", SINK)],
                  properties=[always("never-bad", lambda v: v["w"].state != "bad")])


def _figures(result) -> tuple:
    return (result.distinct_states, result.total_states, result.depth,
            [(v.property.name, v.status, None if v.trace is None else len(v.trace))
             for v in result.verdicts])


ENGINES = ["python", "compiled"] if BUILT else ["python"]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_way_of_reading_gives_the_unmemoized_answer(shape, engine, monkeypatch):
    monkeypatch.setenv("MCFSM_PURE", "1" if engine == "python" else "0")
    truth = explore(_system(SHAPES[shape]), memoize=False)
    never_bad = {v.property.name: v for v in truth.verdicts}["never-bad"]
    assert never_bad.status == "violated" and len(never_bad.trace) == 3  # a on, seen, bad
    assert _figures(explore(_system(SHAPES[shape]))) == _figures(truth)


def _flag_is_up(local) -> bool:  # a helper handed the whole local
    return local.flag


@functools.cache
def _cached_flag(local) -> bool:
    return local.flag


# Each shape reads the instance's own `flag` in its own way, where its memo is keyed on the
# fields of its own local each step reads (steps.py's `fields`, forced from the start): a
# read it did not note would key `fall` on `n` alone, and the entry made where the flag was
# down would answer where it is up. The truth: raise, tick, tick, fall: "never bad" violated
# in 4 steps.
OWN_SHAPES = {
    "field": lambda ctx: ctx.v.flag,
    "computed getattr": lambda ctx: getattr(ctx.v, "fl" + "ag"),
    "_asdict": lambda ctx: ctx.v._asdict()["flag"],
    "repr": lambda ctx: "True" in repr(ctx.v),
    "iteration": lambda ctx: tuple(ctx.v)[1],
    "indexing": lambda ctx: ctx.v[1],
    "ctx.local": lambda ctx: ctx.local.flag,
    "helper": lambda ctx: _flag_is_up(ctx.v),
    "lru_cache helper": lambda ctx: _cached_flag(ctx.v),
    "copy": lambda ctx: copy.copy(ctx.v).flag,
    "deepcopy": lambda ctx: copy.deepcopy(ctx.v).flag,
    "world": lambda ctx: ctx.world["x"].flag,
    "world.state": lambda ctx: ctx.world.state[2].flag,
    "peers": lambda ctx: ctx.peers()[0].flag,
}


def _own_system(shape) -> System:
    def up(ctx) -> None:
        ctx.v.flag = True

    def tick(ctx) -> None:
        ctx.v.n += 1

    role = Role("self", states=["idle", "bad"], initial="idle", final=["idle", "bad"],
                variables={"flag": Var(bool, False), "n": Var(int, 0)},
                transitions=[Transition("raise", "idle", "idle", after=[up],
                                        conditions=[lambda ctx: not ctx.v.flag]),
                             Transition("tick", "idle", "idle", after=[tick],
                                        conditions=[lambda ctx: ctx.v.n < 2]),
                             Transition("fall", "idle", "bad", conditions=[
                                 lambda ctx: ctx.v.n == 2 and shape(ctx)])])
    return System("own", instances=[Instance("x", role)],
                  properties=[always("never-bad", lambda v: v["x"].state != "bad")])


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("shape", sorted(OWN_SHAPES))
def test_every_way_of_reading_its_own_local_gives_the_unmemoized_answer(shape, engine,
                                                                        monkeypatch):
    from mcfsm.check.state import steps

    monkeypatch.setenv("MCFSM_PURE", "1" if engine == "python" else "0")
    truth = explore(_own_system(OWN_SHAPES[shape]), memoize=False)
    never_bad = {v.property.name: v for v in truth.verdicts}["never-bad"]
    assert never_bad.status == "violated" and len(never_bad.trace) == 4
    monkeypatch.setattr(steps, "FIELD_KEYS_AT_START", True)
    assert _figures(explore(_own_system(OWN_SHAPES[shape]))) == _figures(truth)


@pytest.mark.parametrize("shape", sorted(REFUSED))
def test_a_read_that_cannot_be_recorded_is_refused(shape):
    guard, instead = REFUSED[shape]
    with pytest.raises(ModelError, match=r"reads .*mcfsm's own copy of the state") as err:
        explore(_system(guard))
    assert instead in str(err.value)


def _under_way_by_state(world, owner):  # a Span reading the whole state by index
    mover = world.state[2]
    return mover.trips if mover.state == "moving" else None


def _under_way_by_field(world, owner):
    mover = world["mover"]
    return mover.trips if mover.state == "moving" else None


def _span_system(under_way) -> System:
    """test_timers.py's mover and watcher: the watcher's hold outlasts the trip under way
    when it was armed, a Span whose `under_way` reads the world."""
    mover = Role("mover", states=["here", "moving"], initial="here", final=["here"],
                 variables={"trips": Var(int, 0)},
                 transitions=[Transition("go", "here", "moving",
                                         after=[lambda ctx: setattr(ctx.v, "trips",
                                                                    ctx.v.trips + 1)],
                                         conditions=[lambda ctx: ctx.v.trips < 2]),
                              Transition("arrive", "moving", "here")])
    watcher = Role("watcher", states=["idle", "holding", "gave_up"], initial="idle",
                   final=["idle", "gave_up"],
                   timers=[Timer("hold", clause="t", outlasts=(
                       Span("the mover's trip", under_way, doc="a trip takes less"),))],
                   transitions=[Transition("wait", "idle", "holding",
                                           after=[lambda ctx: ctx.arm("hold")]),
                                Transition(Expiry("hold"), "holding", "gave_up")])
    return System("span", instances=[Instance("mover", mover), Instance("watcher", watcher)],
                  properties=[always("never-gives-up-while-moving", lambda v: not (
                      v["watcher"].state == "gave_up" and v["mover"].state == "moving"))])


@pytest.mark.parametrize("engine", ENGINES)
def test_a_span_reading_the_state_by_index_is_memoized_on_what_it_read(engine, monkeypatch):
    monkeypatch.setenv("MCFSM_PURE", "1" if engine == "python" else "0")
    by_field = explore(_span_system(_under_way_by_field), memoize=False)
    assert _figures(explore(_span_system(_under_way_by_state))) == _figures(by_field)
    assert _figures(explore(_span_system(_under_way_by_state), memoize=False)) == _figures(
        by_field)


# -- the oracle --------------------------------------------------------------------------------
_SEEN: list[int] = []


def _impure(ctx) -> bool:
    """A guard with a memory of its own: true only the first time it runs. Memoized, it runs
    once per distinct key; unmemoized, once per state: the counts differ."""
    _SEEN.append(1)
    return len(_SEEN) % 2 == 1


def test_the_oracle_fails_a_search_whose_model_code_reads_what_the_memo_cannot_see(monkeypatch):
    monkeypatch.setenv(memo_oracle.ENV, "1")
    _SEEN.clear()
    with pytest.raises(MemoOracleError, match="different from the same search without memos"):
        explore(_system(lambda ctx: _impure(ctx) and ctx.world["a"].state == "on"))


def test_the_oracle_is_off_unless_asked(monkeypatch):
    monkeypatch.delenv(memo_oracle.ENV, raising=False)
    assert not memo_oracle.enabled()
    _SEEN.clear()
    explore(_system(lambda ctx: _impure(ctx) and ctx.world["a"].state == "on"))  # no error
    monkeypatch.setenv(memo_oracle.ENV, "0")
    assert not memo_oracle.enabled()


def test_the_oracle_compares_counts_verdicts_and_trace_lengths():
    truth = explore(_system(SHAPES["field"]), memoize=False)
    assert memo_oracle.differences(truth, truth) == []
    wrong = explore(_system(lambda ctx: False), memoize=False)
    found = memo_oracle.differences(wrong, truth)
    assert any(f.startswith("distinct states") for f in found)
    assert any(f.startswith("never-bad: holds memoized, violated") for f in found)


# Every test model and every bundled variant of up to MAX_STATES states (the recorded
# whole-variant count): without memos the bundled models run about 40x slower (1.4 k
# states a second), so the larger variants would cost CI minutes each.
MAX_STATES = 20_000
RECORDED = json.loads((ROOT / "tests" / "data" / "engine_reference.json").read_text())["variants"]
CASES = [(lm, variant) for folder in (ROOT / "models", ROOT / "tests" / "validation")
         for lm in load_path(folder) for variant in lm.model.variants
         if RECORDED.get(f"{lm.model.name}[{variant}]", {"distinct": 0})["distinct"]
         <= MAX_STATES]
assert len(CASES) >= 25 and any(lm.path.parent.name == "models" for lm, _ in CASES)


@pytest.mark.parametrize("k", range(len(CASES)),
                         ids=[f"{lm.model.name}[{v}]" for lm, v in CASES])
def test_the_oracle_passes_on_every_small_variant(k, monkeypatch):
    monkeypatch.setenv(memo_oracle.ENV, "1")
    lm, variant = CASES[k]
    result = explore_by_choice(lm.model.system(variant))  # raises MemoOracleError on a difference
    assert result.complete


# The larger bundled variants, each to BFS depth DEPTH: a depth-bounded breadth-first
# search stores every state within the bound whatever the order, so its counts and
# verdicts are exact and the oracle compares them (memo_oracle.differences). At depth 10
# these are 31 to 3,005 states a variant, about 35,000 in all.
DEPTH = 10
LARGER = [(lm, variant) for lm in load_path(ROOT / "models") for variant in lm.model.variants
          if RECORDED[f"{lm.model.name}[{variant}]"]["distinct"] > MAX_STATES]


@pytest.mark.parametrize("k", range(len(LARGER)),
                         ids=[f"{lm.model.name}[{v}]" for lm, v in LARGER])
def test_the_oracle_passes_on_every_larger_bundled_variant_to_a_depth(k, monkeypatch):
    monkeypatch.setenv(memo_oracle.ENV, "1")
    lm, variant = LARGER[k]
    result = explore_by_choice(lm.model.system(variant), Budget(max_depth=DEPTH))
    assert result.stopped_by == "max-depth" and result.depth == DEPTH


def test_copying_the_params_reads_them_whole_and_works():
    """`copy.copy(ctx.params)` raised RecursionError (issue 57, smaller items)."""
    seen = []

    def guard(ctx) -> bool:
        seen.append((copy.copy(ctx.params), copy.deepcopy(ctx.params)))
        return ctx.world["a"].state == "on"
    result = explore(_system(guard))
    assert result.complete and seen and seen[0][0] == seen[0][1]


def test_the_oracle_compares_each_transition_s_coverage():
    """A step memoized under the wrong key can move successors from one transition to
    another and leave the counts alone: each transition's counts are compared too
    (test_engine_reference.py leaves its unmemoized searches to this oracle)."""
    truth = explore(_system(SHAPES["field"]), memoize=False)
    key = next(k for k, (generated, _) in truth.coverage.items() if generated)
    generated, new = truth.coverage[key]
    moved = dataclasses.replace(truth, coverage={**truth.coverage, key: (generated + 1, new)})
    assert memo_oracle.differences(moved, truth) == [
        f"coverage of {key[0]}: {key[1]}: {(generated + 1, new)} memoized, "
        f"{(generated, new)} without memos"]
    # a split search finds a state first in its partitions' order: a new state counted
    # under another transition is no difference there, a new state more is
    shifted = dataclasses.replace(truth, coverage={**truth.coverage, key: (generated, new + 1)})
    assert memo_oracle.differences(shifted, truth) != []
    split = [dataclasses.replace(r, search="breadth-first, split over 2 processes")
             for r in (shifted, truth)]
    assert memo_oracle.differences(*split) == [
        f"new states by all transitions: {sum(n for _, n in truth.coverage.values()) + 1:,} "
        f"memoized, {sum(n for _, n in truth.coverage.values()):,} without memos"]
