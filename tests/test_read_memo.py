"""Steps whose model code reads other instances (`ctx.world`, `ctx.peers()`) are memoized
on what they read (issue 19 item 2): the fields they read, in the order read, and their
values. A data-dependent read (the guard reads c only when b is on) must still give the
counts of the unmemoized reference, on both engine cores."""

from __future__ import annotations

import random

import pytest

from mcfsm import Instance, M, Message, ModelError, Network, Role, System, Transition, explore
from mcfsm.check.state.predicates import MemoPredicate
from mcfsm.check.state.projections import Projections
from mcfsm.check.state.steps import CompiledSteps
from mcfsm.check.state.store import Store

from .test_compiled_steps import in_engine_order, random_states
from .test_engine_core import BUILT, run

SWITCH = Role("switch", states=["off", "on"], initial="off", final=["off", "on"],
              transitions=[Transition("switch_on", "off", "on", environment=True)])


def both_on(ctx) -> bool:
    return ctx.world["b"].state == "on" and ctx.world["c"].state == "on"  # reads c only if b


def only_b_on(ctx) -> bool:
    return ctx.world["b"].state == "on" and ctx.world["c"].state == "off"


WATCHER = Role("watcher", states=["idle", "both", "b_only"], initial="idle",
               final=["idle", "both", "b_only"],
               transitions=[Transition("sees_both", "idle", "both", conditions=[both_on]),
                            Transition("sees_b_only", "idle", "b_only", conditions=[only_b_on])])


def lights() -> System:
    return System("lights", instances=[Instance("a", WATCHER), Instance("b", SWITCH),
                                       Instance("c", SWITCH)])


# By hand: with the watcher idle, b and c are each off or on (4 states); it sees both only
# in (on, on) (1 state); it sees b only in (on, off), after which c may still switch on
# (2 states): 7 distinct states. Total, as TLC counts (the initial state and every
# successor generated): from (off, off) b or c switches on (2); from (on, off) c switches
# on or the watcher sees b only (2); from (off, on) b switches on (1); from (on, on) the
# watcher sees both (1); from b_only (on, off) c switches on (1): 1 + 7 = 8.
DISTINCT, TOTAL = 7, 8


@pytest.mark.parametrize("engine", ["python", "compiled"])
def test_a_data_dependent_read_gives_the_hand_counted_states(engine, monkeypatch):
    if engine == "compiled" and not BUILT:
        pytest.skip("the compiled core is not built")
    result = run(lights(), engine, monkeypatch)
    assert (result.distinct_states, result.total_states) == (DISTINCT, TOTAL)


def test_memoized_reads_equal_the_reference_and_are_reused(monkeypatch):
    system = lights()
    states = random_states(system, random.Random(3), walks=20, length=6)
    steps = CompiledSteps(system, Store(system.slot_count))
    for state in states:
        want, _ = system.expand(state)
        want_pairs = in_engine_order(state, [(key, nxt) for key, nxt, _, _ in want])
        assert in_engine_order(state, steps.successors(state)) == want_pairs
    assert steps.world_readers == {0}
    # b's local, then c's, each keyed on the one field read
    assert [(slot, steps.column_key(c)) for slot, c in steps.read_columns(0)] == [
        (3, (3, "state")), (4, (4, "state"))]
    calls = []
    original = system.local_step
    monkeypatch.setattr(system, "local_step",
                        lambda *a, **k: calls.append(a[1]) or original(*a, **k))
    for state in states:  # the second pass is answered from the memo, reads included
        steps.successors(state)
    assert 0 not in calls


def test_the_memo_keys_on_the_values_read_not_on_the_whole_peer():
    """The watcher reads only `state` of b and c: a field it does not read may change
    without a new call of its code."""
    system = lights()
    steps = CompiledSteps(system, Store(system.slot_count))
    [init] = system.initial_states()
    steps.successors(init)
    recorded = [reads for by_key in steps._read_memo[0].values() for reads in by_key]
    assert recorded and all(c and steps.column_key(c)[1] == "state"
                            for reads in recorded for _, c in reads)


@pytest.mark.parametrize("engine", ["python", "compiled"])
def test_explore_counts_do_not_depend_on_the_memo(engine, monkeypatch):
    """The same search with memoization off (every step runs model code)."""
    if engine == "compiled" and not BUILT:
        pytest.skip("the compiled core is not built")
    memoized = run(lights(), engine, monkeypatch)
    plain = run(lights(), engine, monkeypatch, memoize=False)
    assert (memoized.distinct_states, memoized.total_states) == \
        (plain.distinct_states, plain.total_states) == (DISTINCT, TOTAL)


@pytest.mark.parametrize("union_columns", [8, 0])
def test_the_core_keys_a_world_reader_on_what_its_paths_read(union_columns, monkeypatch):
    """The compiled core keeps its own memo, keyed for a world reader on what its code read
    (the watcher reads b, and c only where b is on), part by part (steps.local_parts; the
    watcher has its internal steps only). By hand, in breadth-first order, each a call into
    Python:
    - at (off, off) the watcher's code runs and reads b: it is found to read the world
      here, so this answer is used once and not memoized (local_found);
    - at (on, off), a new value of b: its code reads b and c (local_parts, as every later
      call);
    - at (off, on): keyed on the union of what the key's calls read (the default while it
      has at most 8 columns: one lookup a state), the values (off, on) of (b, c) are new;
      on a list of what each path read (union_columns=0, as where a guard reads dozens of
      columns), the one set read so far is (b, c), whose values are new too;
    - at (on, on), new values of (b, c) either way; once for `b_only`, which reads nothing,
      and once for `both`: 6 in both modes.
    Keyed on everything the instance has read, as before session 27, it ran 7 times."""
    if not BUILT:
        pytest.skip("the compiled core is not built")
    from mcfsm.check.kernel import _core
    monkeypatch.setattr(_core, "UNION_COLUMNS", union_columns)
    calls = []
    found_by, parts_by = CompiledSteps.local_found, CompiledSteps.local_parts

    def found(self, k, idxs):
        calls.append(k)
        answer = found_by(self, k, idxs)
        if k == 0:
            read = [self.column_key(c)[0] for _, c in self.path_columns()]
            assert read in ([], [3], [3, 4])  # nothing, b, or b then c
        return answer

    def parts(self, k, idxs, skip=None):
        calls.append(k)
        answer, memoizable = parts_by(self, k, idxs, skip)
        if k == 0:
            [(_, columns)] = answer  # the watcher's internal steps, its only part
            assert [self.column_key(c)[0] for _, c in columns] in ([], [3], [3, 4])
        return answer, memoizable

    monkeypatch.setattr(CompiledSteps, "local_found", found)
    monkeypatch.setattr(CompiledSteps, "local_parts", parts)
    result = run(lights(), "compiled", monkeypatch)
    assert (result.distinct_states, result.total_states) == (DISTINCT, TOTAL)
    assert calls.count(0) == 6


# -- in_flight reads are memoized on what the filter lets through (issue 34 item 5) -------
class Ping(Message, clause="t"):
    pass


class Pong(Message, clause="t"):
    pass


def _sender(name: str, message: type[Message]) -> Role:
    return Role(name, states=["start", "done"], initial="start", final=["start", "done"],
                transitions=[Transition("send", "start", "done", sends=[message],
                                        after=[lambda ctx: ctx.send("sink", message())])])


SINK = Role("sink", states=["idle"], initial="idle", final=["idle"], transitions=[],
            ignores={Ping: ["idle"], Pong: ["idle"]})
PING_WATCHER = Role("watcher", states=["waiting", "saw"], initial="waiting",
                    final=["waiting", "saw"],
                    transitions=[Transition("sees_ping", "waiting", "saw", conditions=[
                        lambda ctx: bool(ctx.world.in_flight(Ping, to="sink"))])])


def pings() -> System:
    return System("pings", network=Network.FIFO,
                  instances=[Instance("watcher", PING_WATCHER),
                             Instance("pinger", _sender("pinger", Ping)),
                             Instance("ponger", _sender("ponger", Pong)),
                             Instance("sink", SINK)])


def test_an_in_flight_read_is_keyed_on_the_messages_it_looks_for(monkeypatch):
    """The sink's inbox takes four values (nothing, Ping, Pong, both) while the watcher
    waits, but the watcher's guard looks only for Ping: its code runs twice (Ping absent,
    Ping present), where a key on the whole inbox would run it four times. Counts by hand:
    the Ping is not sent, in flight or consumed (the sink ignores it), the Pong alike (9
    states while the watcher waits), and the watcher sees the Ping while it is in flight,
    after which it may be consumed (2 x 3 more): 15 distinct. Total, as TLC counts: while
    waiting, an unsent message is sent and one in flight is consumed, or, the Ping, seen:
    3 x (1 + 2) + 3 x (1 + 1) = 15; after seeing, 3 x 1 (Ping consumed) + 2 x (1 + 1) = 7;
    with the initial state, 23."""
    monkeypatch.setenv("MCFSM_PURE", "1")
    system = pings()
    calls = []
    original = system.local_step
    monkeypatch.setattr(system, "local_step", lambda *a, **k: (
        calls.append(a[1]) if a[1] == 0 else None) or original(*a, **k))
    memoized = explore(system)
    assert calls.count(0) == 2
    monkeypatch.undo()
    plain = explore(pings(), memoize=False)
    assert (memoized.distinct_states, memoized.total_states) == (
        plain.distinct_states, plain.total_states) == (15, 23)


class Tagged(Message, clause="t"):
    who: str = M("whose message it is")
    n: int = M("which of its messages")


def _tagger(name: str, n: int) -> Role:
    return Role(name, states=["start", "done"], initial="start", final=["start", "done"],
                transitions=[Transition("send", "start", "done", sends=[Tagged],
                                        after=[lambda ctx: ctx.send("sink", Tagged(who="x", n=n))])])


def _tag_watcher(guard) -> Role:
    return Role("watcher", states=["waiting", "saw"], initial="waiting",
                final=["waiting", "saw"],
                transitions=[Transition("sees_x", "waiting", "saw", conditions=[guard])])


def tags(guard) -> System:
    return System("tags", network=Network.FIFO,
                  instances=[Instance("watcher", _tag_watcher(guard)),
                             Instance("one", _tagger("one", 1)),
                             Instance("two", _tagger("two", 2)),
                             Instance("sink", Role("sink", states=["idle"], initial="idle",
                                                   final=["idle"], transitions=[],
                                                   ignores={Tagged: ["idle"]}))])


@pytest.mark.parametrize("engine", ["python", "compiled"])
def test_in_flight_values_is_keyed_on_the_element_s_values(engine, monkeypatch):
    """`in_flight_values(Tagged, "who")` reads only the `who` of each Tagged in flight. While
    the watcher waits, the sink's inbox holds nothing, message 1, message 2 or both: the
    values read are (), ("x",) twice and ("x", "x"), so the guard runs 3 times, where
    listing the messages (`in_flight`) runs it 4 times. Counts by hand, the same for both
    guards (each holds exactly when an "x" is in flight): each message is unsent, in
    flight or consumed (9 states while waiting); the watcher sees one while it is in
    flight, after which the messages go on, to every pair but (unsent, unsent): 8 more,
    17."""
    if engine == "compiled" and not BUILT:
        pytest.skip("the compiled core is not built")
    by_values = tags(lambda ctx: "x" in ctx.world.in_flight_values(Tagged, "who", to="sink"))
    listing = tags(lambda ctx: any(m.who == "x" for _, _, m in ctx.world.in_flight(Tagged)))
    runs = {}
    for name, system in (("values", by_values), ("listing", listing)):
        calls = []
        original = system.local_step
        monkeypatch.setattr(system, "local_step", lambda *a, original=original, calls=calls, **k:
                            (calls.append(a[1]) if a[1] == 0 else None) or original(*a, **k))
        result = run(system, engine, monkeypatch)
        assert result.distinct_states == 17
        runs[name] = calls.count(0)
    assert runs == {"values": 3, "listing": 4}


def test_in_flight_values_names_a_missing_element():
    system = tags(lambda ctx: "x" in ctx.world.in_flight_values(Tagged, "whom"))
    with pytest.raises(ModelError, match=r"(?s)Tagged has no element 'whom'.*elements: who, n"):
        explore(system)


def test_a_property_s_in_flight_values_is_memoized_on_the_values():
    """The same read in a property (a MemoPredicate's view): run once per distinct tuple of
    `who` values in the sink's inbox ((), ("x",), ("x", "x")), with the plain view's answers."""
    system = tags(lambda ctx: False)
    store = Store(system.slot_count)
    calls: list[int] = []

    def count_x(v) -> bool:
        calls.append(1)
        return v.in_flight_values(Tagged, "who").count("x") == 1

    memo = MemoPredicate(system, count_x, projections=Projections(system, store.values))
    states = random_states(system, random.Random(5), walks=30, length=6)
    assert len({s[2 + len(system.instances) + 3] for s in states}) == 4
    for state in states:
        assert memo(store.encode(state), store.decode) == (
            system.view(state).in_flight_values(Tagged, "who").count("x") == 1)
    assert len(calls) == 3


def test_a_quiescence_test_is_memoized_on_emptiness_not_on_messages():
    """`not v.in_flight()` reads only whether each inbox holds an envelope, up to the first
    that does: the states with the Ping in flight, the Pong, or both all answer from one
    leaf, so the predicate runs once per emptiness pattern of the sink's inbox (2), and
    again where the result is used as a list (each distinct content: 4)."""
    system = pings()
    store = Store(system.slot_count)
    projections = Projections(system, store.values)
    calls: list[str] = []

    def quiet(v) -> bool:
        calls.append("quiet")
        return not v.in_flight()

    def listed(v) -> bool:
        calls.append("listed")
        return len(v.in_flight()) < 2

    memos = [MemoPredicate(system, fn, projections=projections) for fn in (quiet, listed)]
    states = random_states(system, random.Random(5), walks=30, length=6)
    sink = {s[2 + len(system.instances) + 3] for s in states}
    assert len(sink) == 4  # nothing, Ping, Pong, both: every content was met
    for state in states:
        idxs = store.encode(state)
        assert [m(idxs, store.decode) for m in memos] == [
            not system.view(state).in_flight(), len(system.view(state).in_flight()) < 2]
    assert (calls.count("quiet"), calls.count("listed")) == (2, 4)


# -- a step property's sent_since is memoized on what the step put in each inbox ----------
@pytest.mark.parametrize("engine", ["python", "compiled"])
def test_sent_since_is_keyed_on_what_the_step_sent(engine, monkeypatch):
    """`after.sent_since(before)` reads, per inbox, only the step's difference there (the
    pair of the inbox's indices before and after). In `pings` every step id sends the same
    envelopes whatever else is in flight (the pinger a Ping to the sink, the ponger a Pong,
    the watcher and the sink's consumptions nothing), so the property's code runs once per
    step id taken: 5 (pinger.send, ponger.send, watcher.sees_ping, the sink's drop of the
    Ping and of the Pong). Keyed on the inboxes' contents before and after, as two
    in_flight reads are, it runs once per step id and content of the sink's inbox, and
    each step id meets two: the Ping is sent with the Pong unsent (or consumed) or in flight,
    the Pong likewise, the watcher sees the Ping with or without the Pong beside it, and
    each drop leaves the other message or nothing: 10."""
    from mcfsm import step

    if engine == "compiled" and not BUILT:
        pytest.skip("the compiled core is not built")
    calls: list[tuple[str, str]] = []

    def sends_at_most_one(before, key, after) -> bool:
        calls.append((key.actor, key.transition))
        return len(after.sent_since(before)) <= 1

    def diffed_by_hand(before, key, after) -> bool:
        calls.append(("by hand", key.actor, key.transition))
        return len(after.in_flight()) - len(before.in_flight()) <= 1

    def system(prop) -> System:
        base = pings()
        return System("pings", network=Network.FIFO, instances=base.instances,
                      properties=[step("one-send", prop, clause="t")])

    memoized = run(system(sends_at_most_one), engine, monkeypatch)
    assert len(calls) == len(set(calls)) == 5
    calls.clear()
    run(system(diffed_by_hand), engine, monkeypatch)
    assert len(calls) == len(set(calls)) * 2 == 10
    plain = run(system(sends_at_most_one), engine, monkeypatch, memoize=False)
    assert [(v.property.name, v.status) for v in memoized.verdicts] == \
        [(v.property.name, v.status) for v in plain.verdicts]
    assert (memoized.distinct_states, memoized.total_states) == (15, 23)


@pytest.mark.parametrize("engine", ["python", "compiled"])
def test_sent_since_reads_nothing_where_the_transition_cannot_send_the_type(engine, monkeypatch):
    """A transition's sends= bounds what its step can put in flight (the engine refuses any
    other message), so `after.sent_since(before, Pong)` reads nothing in a step of a
    transition that sends no Pong: its memo is a leaf. Only the ponger's send reads the
    inboxes; the pinger's send, the watcher's sighting and the sink's two drops (which
    send nothing) do not."""
    from mcfsm import step
    from mcfsm.check.search import explorer

    if engine == "compiled" and not BUILT:
        pytest.skip("the compiled core is not built")
    judges = []
    original = explorer.Judge.__init__

    def keep(self, *a, **k):
        original(self, *a, **k)
        judges.append(self)
    monkeypatch.setattr(explorer.Judge, "__init__", keep)

    def one_pong(before, key, after) -> bool:
        return len(after.sent_since(before, Pong)) <= 1

    base = pings()
    system = System("pings", network=Network.FIFO, instances=base.instances,
                    properties=[step("one-pong", one_pong, clause="t")])
    result = run(system, engine, monkeypatch)
    assert {v.property.name: v.status for v in result.verdicts}["one-pong"] == "holds"
    [(_, memo)] = judges[0].memo_steps
    reading = sorted((t.key.actor, t.key.transition) for t in memo._trees.values()
                     if t._root.__class__ is list)
    leaves = sorted((t.key.actor, t.key.transition) for t in memo._trees.values()
                    if t._root.__class__ is not list)
    assert reading == [("ponger", "send")]
    assert len(leaves) == 4 and ("pinger", "send") in leaves
    if engine == "python":  # those four step ids are judged no more: every step
        # property's memo there is the leaf True (the compiled core keeps its flags in C)
        settled = judges[0].sid_settled
        assert sorted(judges[0].steps.step_list[sid][:2] for sid in settled
                      if settled[sid]) == leaves


# -- a new state that changes no slot a state predicate reads keeps its parent's result ------
def test_a_predicate_s_slot_mask_names_every_slot_its_tree_reads():
    """Slots: params 0, shared 1, the locals of a, b, c 2 to 4. `both on` reads b, and c
    only where b is on: its mask grows with the paths its tree records."""
    system = lights()
    store = Store(system.slot_count)
    memo = MemoPredicate(system, lambda v: v["b"].state == "on" and v["c"].state == "on",
                         projections=Projections(system, store.values))
    [init] = system.initial_states()
    assert not memo.unchanged_for(1 << 2)  # no path yet: nothing is known
    memo(store.encode(init), store.decode)
    assert memo.slot_mask == 1 << 3
    assert memo.unchanged_for(1 << 2 | 1 << 4)  # a and c changed: b, the one read, did not
    assert not memo.unchanged_for(1 << 3)
    b_on = next(s for key, s in system.successors(init) if key.actor == "b")
    memo(store.encode(b_on), store.decode)
    assert memo.slot_mask == 1 << 3 | 1 << 4
    assert not memo.unchanged_for(1 << 4)


@pytest.mark.parametrize("engine", ["python", "compiled"])
def test_a_successor_that_changes_no_slot_read_is_not_judged_again(engine, monkeypatch):
    """`b never on` reads only b's local, `c never on` only c's. Breadth-first, instance
    order within a state: the initial state (both trees walked), then b on, where b's tree
    is walked (violated) and c's is not (c did not change: it holds there as at the
    parent), then c on, where c's is walked (violated). Four walks; judging every
    predicate on every new state would take five. Both cores find both violated in one
    step (the compiled core skips in C, where the walks are not counted)."""
    if engine == "compiled" and not BUILT:
        pytest.skip("the compiled core is not built")
    from mcfsm import always
    from mcfsm.check.state import predicates

    system = lights()
    system.properties = (always("b-never-on", lambda v: v["b"].state == "off"),
                         always("c-never-on", lambda v: v["c"].state == "off"))
    walks: list[int] = []
    original = predicates.MemoPredicate.__call__
    monkeypatch.setattr(predicates.MemoPredicate, "__call__",
                        lambda self, *a: walks.append(1) or original(self, *a))
    result = run(system, engine, monkeypatch)
    assert (result.distinct_states, result.total_states) == (DISTINCT, TOTAL)
    assert {v.property.name: (v.status, len(v.trace or ())) for v in result.verdicts} == {
        "b-never-on": ("violated", 1), "c-never-on": ("violated", 1)}
    if engine == "python":
        assert len(walks) == 4


def test_a_temporal_mark_is_the_parent_s_where_its_predicates_read_nothing_changed(
        monkeypatch):
    """`b on leads to c on` marks each new state by its trigger (reads b) and its predicate
    (reads c). Of the six states found after the initial one, the watcher's two sightings
    change only a: they take their parent's marks; the other four (b or c switched on)
    walk both trees, as does the initial state: 10 walks, where marking every state would
    take 14. The verdict is the unmemoized search's (the twin here: the compiled core's
    marks are compared with it in test_engine_reference)."""
    from mcfsm import leads_to
    from mcfsm.check.state import predicates

    system = lights()
    system.properties = (leads_to("b-then-c", lambda v: v["b"].state == "on",
                                  lambda v: v["c"].state == "on"),)
    walks: list[int] = []
    original = predicates.MemoPredicate.__call__
    monkeypatch.setattr(predicates.MemoPredicate, "__call__",
                        lambda self, *a: walks.append(1) or original(self, *a))
    memoized = run(system, "python", monkeypatch)
    assert len(walks) == 10
    plain = run(system, "python", monkeypatch, memoize=False)
    assert [(v.property.name, v.status) for v in memoized.verdicts] == \
        [(v.property.name, v.status) for v in plain.verdicts]


def test_a_property_is_memoized_on_the_fields_it_reads_not_the_whole_local():
    """`lit` reads only the lamp's `on`: the four values of its counter make no new call;
    `whole` compares the local whole, so each of the lamp's eight locals is a call. Counted
    by hand: a predicate's model code runs once per distinct value of what it read."""
    from mcfsm import Var

    def tick(ctx) -> None:
        ctx.v.n += 1

    def flip(ctx) -> None:
        ctx.v.on = not ctx.v.on

    lamp = Role("lamp", states=["s"], initial="s", final=["s"],
                variables={"on": Var(bool, False), "n": Var(int, 0)},
                transitions=[Transition("tick", "s", None, conditions=[lambda ctx: ctx.v.n < 3],
                                        after=[tick]),
                             Transition("flip", "s", None, after=[flip])])
    system = System("lamp", instances=[Instance("l", lamp)])
    store = Store(system.slot_count)
    projections = Projections(system, store.values)
    calls = {"lit": 0, "whole": 0}

    def counted(name, fn):
        def predicate(v) -> bool:
            calls[name] += 1
            return fn(v)
        return predicate

    lit = MemoPredicate(system, counted("lit", lambda v: v["l"].on), projections=projections)
    whole = MemoPredicate(system, counted("whole", lambda v: v["l"] != v["l"]._replace(n=9)),
                          projections=projections)
    seen, frontier = set(system.initial_states()), list(system.initial_states())
    while frontier:
        state = frontier.pop()
        for memo in (lit, whole):
            memo(store.encode(state), store.decode)
        for _, after in system.successors(state):
            if after not in seen:
                seen.add(after)
                frontier.append(after)
    assert len(seen) == 8
    assert calls == {"lit": 2, "whole": 8}
