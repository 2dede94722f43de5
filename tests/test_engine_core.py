"""The compiled engine core (check/kernel/_core.pyx) against its pure-Python twin (check/kernel/core.py):
the same counts, verdicts, traces (every state and step, not only lengths), coverage and
edges on every small validation and bundled variant, and through budgets that cut the
search. `MCFSM_PURE=1` forces the twin (then the whole suite runs on it)."""

from __future__ import annotations

import importlib.util

import pytest

from benchmarks.engine_reference import FOLDERS, SMALL, key, load, summarize, variants
from mcfsm import Instance, Role, System, Transition, Var, explore
from mcfsm.check.kernel import core
from mcfsm.check.results import Budget
from mcfsm.lang.properties import always

REFERENCE = load()
SMALL_VARIANTS = [(key(m, v), model, v) for folder in FOLDERS for m, v, model, _ in variants(folder)
                  if REFERENCE.get(key(m, v), {}).get("distinct", SMALL + 1) <= SMALL]
BUILT = importlib.util.find_spec("mcfsm.check.kernel._core") is not None
needs_compiled = pytest.mark.skipif(not BUILT, reason="the compiled core is not built "
                                    "(pip install -e . builds it; the twin runs instead)")


def run(system: System, engine: str, monkeypatch: pytest.MonkeyPatch, **options: object):
    monkeypatch.setenv("MCFSM_PURE", "1" if engine == "python" else "0")
    result = explore(system, **options)  # type: ignore[arg-type]
    assert result.engine.startswith(engine), result.engine
    return result


def everything(result) -> dict:
    """What must be identical between the two cores: the reference figures and each trace."""
    traces = {v.property.name: None if v.trace is None else
              (v.trace.states, v.trace.steps, v.trace.loop_start) for v in result.verdicts}
    return {**summarize(result), "traces": traces, "edges": result.edges,
            "pruned": result.pruned, "stopped_by": result.stopped_by}


def searched_core(system: System, engine: str, monkeypatch: pytest.MonkeyPatch):
    """(the engine core after a whole search of `system`, its CompiledSteps): for tests
    that look inside the memo tables."""
    from mcfsm.check.search.explorer import Judge
    from mcfsm.check.state.steps import CompiledSteps
    from mcfsm.check.state.store import Store

    monkeypatch.setenv("MCFSM_PURE", "1" if engine == "python" else "0")
    cls, name = core.load()
    assert name.startswith(engine)
    store = Store(system.slot_count)
    steps = CompiledSteps(system, store)
    judge = Judge(system, store, steps, None, True, Budget(), None, 0.0)
    engine_core = cls(steps, store, judge, None, judge.check_states, False, False)
    [init] = system.initial_states()
    engine_core.add_initial(store.encode(init))
    engine_core.search(None, None, None, None, 1 << 14, False)
    return engine_core, steps


def test_mcfsm_pure_forces_the_twin_and_says_so(monkeypatch):
    monkeypatch.setenv("MCFSM_PURE", "1")
    cls, name = core.load()
    assert cls is core.PyCore
    assert name == "python (MCFSM_PURE=1)"


@needs_compiled
def test_the_compiled_core_runs_when_built(monkeypatch):
    monkeypatch.delenv("MCFSM_PURE", raising=False)
    cls, name = core.load()
    assert name == core.COMPILED
    assert cls.__module__ == "mcfsm.check.kernel._core"


@needs_compiled
@pytest.mark.parametrize("name,model,variant", SMALL_VARIANTS, ids=[c[0] for c in SMALL_VARIANTS])
def test_both_cores_agree_on_every_small_variant(name, model, variant, monkeypatch):
    compiled = everything(run(model.system(variant), "compiled", monkeypatch))
    twin = everything(run(model.system(variant), "python", monkeypatch))
    assert compiled == twin


@needs_compiled
@pytest.mark.parametrize("budget", [Budget(max_states=500), Budget(max_depth=4),
                                    Budget(max_states=3_000, stop_on=frozenset({"no-deadlock"}))],
                         ids=["max-states", "max-depth", "stop-on"])
def test_both_cores_agree_when_a_budget_cuts_the_search(budget, monkeypatch):
    _name, model, variant = max(SMALL_VARIANTS, key=lambda c: REFERENCE[c[0]]["distinct"])
    compiled = everything(run(model.system(variant), "compiled", monkeypatch, budget=budget))
    twin = everything(run(model.system(variant), "python", monkeypatch, budget=budget))
    assert compiled == twin
    assert not compiled["complete"] or budget.stop_on


def counter(limit: int) -> System:
    """One counter with `limit` values: its slot's table outgrows 1 and then 2 bytes, so the
    compiled core re-encodes every stored state twice."""
    def inc(ctx) -> None:
        ctx.v.x += 1

    role = Role("counter", states=["counting"], initial="counting",
                variables={"x": Var(int, 0)},
                transitions=[Transition("inc", "counting", "counting", conditions=[
                    lambda ctx: ctx.v.x < limit], after=[inc], clause="test")])
    return System("counter", instances=[Instance("c", role)], check_deadlock=False,
                  properties=[always("below", lambda v: v["c"].x < limit, clause="test")])


@needs_compiled
def test_slots_widen_past_one_and_two_bytes(monkeypatch):
    limit = 70_000
    compiled = run(counter(limit), "compiled", monkeypatch, keep_states=True)
    assert compiled.distinct_states == limit + 1  # 0 .. limit
    assert compiled.depth == limit + 1
    violated = compiled.verdicts[0]
    assert violated.status == "violated" and len(violated.trace.steps) == limit
    assert compiled.contains is not None and compiled.contains(violated.trace.states[-1])
    assert everything(compiled) == everything(run(counter(limit), "python", monkeypatch))


@needs_compiled
@pytest.mark.parametrize("limit", [1, 200, 10**9], ids=["untagged", "switch", "tagged"])
def test_the_visited_sets_tagged_entries_find_the_same_states(limit, monkeypatch):
    """The compiled visited set keeps 6 bits of each state's hash beside its index until
    2**26 states (TAG_LIMIT), then rebuilds itself with plain indices. Lowered, the switch
    comes inside a small search (the largest small variant: thousands of states, so 200 is
    passed early), or never, or at once: the same search in all three, equal to the twin."""
    from mcfsm.check.kernel import _core  # type: ignore[attr-defined]

    _name, model, variant = max(SMALL_VARIANTS, key=lambda c: REFERENCE[c[0]]["distinct"])
    assert REFERENCE[_name]["distinct"] > 200
    monkeypatch.setattr(_core, "TAG_LIMIT", limit)
    compiled = everything(run(model.system(variant), "compiled", monkeypatch, keep_states=True))
    assert compiled == everything(run(model.system(variant), "python", monkeypatch,
                                      keep_states=True))


@pytest.mark.parametrize("engine", ["python", "compiled"])
def test_a_memo_that_never_hits_stops_growing(engine, monkeypatch):
    """The counter's local differs in every state, so its memo of local steps never hits:
    after the first window it stops growing (bounded memory per state), and the search
    still finds every state."""

    if engine == "compiled" and not BUILT:
        pytest.skip("the compiled core is not built")
    engine_core, steps = searched_core(counter(20_000), engine, monkeypatch)
    assert len(engine_core) == 20_001
    assert steps.low_hit == {0}
    assert not steps._steps[0] and not steps._internal[0]  # the Python memo was dropped
    if engine == "compiled":
        memoized, _, _ = engine_core.memo_size()
        assert memoized <= 2 * 2048  # what was stored before the judgement, no more


def counter_and_flags(limit: int, flags: int = 3) -> System:
    """A counter and `flags` flags in one local: the counter differs in every state, so a
    memo keyed on the whole local never hits, while each flag's toggle reads its flag alone."""
    def inc(ctx) -> None:
        ctx.v.x += 1

    def toggle(name: str):
        def flip(ctx) -> None:
            setattr(ctx.v, name, not getattr(ctx.v, name))
        return flip

    names = [f"f{j}" for j in range(flags)]
    role = Role("counter", states=["counting"], initial="counting",
                variables={"x": Var(int, 0), **{f: Var(bool, False) for f in names}},
                transitions=[Transition("inc", "counting", "counting", conditions=[
                    lambda ctx: ctx.v.x < limit], after=[inc], clause="test"),
                    *(Transition(f"toggle_{f}", "counting", "counting", after=[toggle(f)],
                                 clause="test") for f in names)])
    return System("counter", instances=[Instance("c", role)], check_deadlock=False,
                  properties=[always("below", lambda v: v["c"].x < limit, clause="test")])


@pytest.mark.parametrize("engine", ["python", "compiled"])
def test_a_local_that_differs_in_every_state_is_memoized_on_the_fields_read(engine, monkeypatch):
    """Issue 59 item 3: after the first window the counter's memo is keyed on the fields
    each transition reads (steps.py's `fields`): each toggle reads its flag alone, so its
    outcome (what it wrote) is found again in every state with that flag's value, though
    the local is new; the counts are the product of the counter's and the flags' values."""
    if engine == "compiled" and not BUILT:
        pytest.skip("the compiled core is not built")
    limit = 4_000
    engine_core, steps = searched_core(counter_and_flags(limit), engine, monkeypatch)
    assert len(engine_core) == (limit + 1) * 2 ** 3
    assert steps.fields == {0} and not steps.low_hit
    # from the switch on, model code ran once per (toggle, flag value) and once per counter
    # value for `inc` (whose guard reads the counter): an entry each
    entries = sum(len(by_values) for by_key in steps._read_memo[0].values()
                  for by_values in by_key.values())
    assert limit // 2 < entries <= (limit + 1) + 3 * 2
    if engine == "compiled":
        system = counter_and_flags(limit)
        assert everything(run(system, "compiled", monkeypatch)) == \
            everything(run(counter_and_flags(limit), "python", monkeypatch))


FIELD_VARIANTS = [c for c in SMALL_VARIANTS if c[0].split("[")[0] in (
    "tcommit", "twophase", "peterson", "alternating_bit", "migration_lifecycle",
    "private_call_migration", "group_call_migration", "strong_fairness")]


@needs_compiled
@pytest.mark.parametrize("name,model,variant", FIELD_VARIANTS, ids=[c[0] for c in FIELD_VARIANTS])
def test_both_cores_agree_with_every_local_keyed_on_its_fields(name, model, variant, monkeypatch):
    """Every instance with variables memoized on the fields its steps read from the start
    (steps.FIELD_KEYS_AT_START; `engine_reference.py --check --fields` runs every variant
    so): the same figures, traces and edges from both cores, and the reference's."""
    from mcfsm.check.state import steps

    monkeypatch.setattr(steps, "FIELD_KEYS_AT_START", True)
    compiled = everything(run(model.system(variant), "compiled", monkeypatch))
    assert compiled == everything(run(model.system(variant), "python", monkeypatch))
    want = {k: v for k, v in REFERENCE[name].items() if k != "source"}
    assert {k: compiled[k] for k in want} == want


def _deferring_and_bounded() -> list[tuple[str, System]]:
    from mcfsm import Network

    from .test_liveness import Ping, _pinger_ponger

    out = []
    for network in (Network.FIFO, Network.BAG):
        for name, options in (("defers", {"defers": {Ping: ["waiting"]}}),
                              ("capacity 1", {"pings": 3, "capacity": 1}),
                              ("capacity 2", {"pings": 3, "capacity": 2}),
                              ("both", {"pings": 3, "capacity": 1, "defers": {Ping: ["waiting"]}})):
            base = _pinger_ponger(**options)  # type: ignore[arg-type]
            out.append((f"{network.value} {name}", System(
                "pp", instances=base.instances, network=network, check_deadlock=False,
                capacity=options.get("capacity"))))  # type: ignore[arg-type]
    return out


@needs_compiled
@pytest.mark.parametrize("name,system", _deferring_and_bounded(),
                         ids=[n for n, _ in _deferring_and_bounded()])
def test_both_cores_agree_on_deferred_messages_and_capacities(name, system, monkeypatch):
    """Deferred messages and channel capacities run on the engine core too (there is no
    second engine): the same figures and traces from both cores."""
    compiled = everything(run(system, "compiled", monkeypatch))
    twin = everything(run(system, "python", monkeypatch))
    assert compiled == twin
    assert compiled["distinct"] > 1


@needs_compiled
def test_inboxes_that_differ_behind_their_heads_share_memo_entries(monkeypatch):
    """The compiled memo keys an instance's steps on what can be delivered from its inbox
    (the inbox's signature), not on the whole inbox: the receiver takes the same step with
    1 to 29 Pings queued, so its entries do not grow with the queue (the sender, whose
    count differs in every state, has one per state). The figures equal the twin's."""

    from .test_liveness import _pinger_ponger

    pings = 30
    system = _pinger_ponger(pings=pings)
    engine_core, _ = searched_core(system, "compiled", monkeypatch)
    memoized, _, _ = engine_core.memo_size()
    # the sender: one entry per count left in "go" (pings + 1 values) and one in "idle";
    # the receiver: "waiting" and "ready" with an empty inbox, a Pong and a Ping at the
    # head: 4 (keyed on whole inboxes, as before session 33: 61)
    assert memoized == (pings + 2) + 4
    assert everything(run(system, "compiled", monkeypatch)) == everything(
        run(system, "python", monkeypatch))


def _looker() -> System:
    """A reader whose internal step reads a peer's counter (ctx.world) and whose delivery
    of a Ping reads nothing; a sender queues up to three Pings."""
    from .test_liveness import Ping

    peer = Role("peer", states=["on"], initial="on", variables={"x": Var(int, 0)}, transitions=[
        Transition("tick", "on", "on", clause="t",
                   after=[lambda c: setattr(c.v, "x", (c.v.x + 1) % 4)])])
    sender = Role("sender", states=["on"], initial="on", variables={"left": Var(int, 3)},
                  transitions=[
        Transition("send", "on", "on", sends=[Ping], clause="t", conditions=[lambda c: c.v.left > 0],
                   after=[lambda c: (c.send("reader", Ping()), setattr(c.v, "left", c.v.left - 1))])])
    reader = Role("reader", states=["on", "seen"], initial="on", variables={"got": Var(int, 0)},
                  transitions=[
        Transition("look", "on", "seen", clause="t", conditions=[lambda c: c.world["peer"].x == 2]),
        Transition(Ping, ["on", "seen"], None, clause="t",
                   after=[lambda c: setattr(c.v, "got", min(c.v.got + 1, 1))])])
    return System("looker", instances=[Instance("peer", peer), Instance("sender", sender),
                                       Instance("reader", reader)], check_deadlock=False)


@needs_compiled
def test_a_world_readers_parts_are_memoized_apart(monkeypatch):
    """The reader's internal step reads the peer's counter; its delivery of a Ping reads
    nothing. Memoized part by part, one Python call answers a state whose parts are not
    all known, and each part is then known for good: at most as many calls as part keys,
    the internal part's (2 locals in "on" x 4 counter values, and the 2 locals in "seen",
    which read nothing) and the delivery's (4 locals): 14. Keyed whole, the reader's keys
    would be 20 (each local with an empty inbox and with a Ping at the head, "on" with each
    counter value). Python answers only the parts the core missed (the others None), so
    each of the 14 part keys is answered exactly once (every one is reached); asked for
    every part of a state with one miss, 17 were. The figures equal the twin's."""
    from mcfsm.check.state.steps import CompiledSteps

    calls = []
    answered = []
    parts = CompiledSteps.local_parts

    def counted(self, k, idxs, skip=None):
        calls.append(k)
        answer = parts(self, k, idxs, skip)
        answered.extend(part for part in answer[0] if part is not None)
        return answer

    monkeypatch.setattr(CompiledSteps, "local_parts", counted)
    system = _looker()
    compiled = everything(run(system, "compiled", monkeypatch))
    assert 0 < len(calls) <= 2 * 4 + 2 + 4
    assert len(answered) == 2 * 4 + 2 + 4  # each part key answered once, only where missed
    assert compiled == everything(run(system, "python", monkeypatch))


def test_an_actions_reads_of_its_own_variables_are_noted_until_assigned():
    """What a field-keyed step's actions read of its own local (context.OwnValues, behind
    Variables): a variable read before it is assigned is noted (its value was the local's);
    read after, it is not (its value is the step's own); any other use notes the whole
    local, so that nothing read goes unkeyed."""
    from mcfsm.lang.context import OwnValues

    reads: dict = {}
    values = OwnValues([("a", 1), ("b", 2)], 5, reads)
    assert values["a"] == 1 and list(reads) == [(5, "a")]
    values["b"] = 3
    assert values["b"] == 3 and list(reads) == [(5, "a")] and list(values.assigned) == ["b"]
    assert sorted(values.items()) == [("a", 1), ("b", 3)] and (5, None) in reads
