"""Monitors (issue 22 item 4, second half): P's spec machines. A monitor observes the
messages each step sends, keeps its own state in the system state (so it counts in the
distinct states), is shown in traces, charts and state diagrams, and is the subject of
properties. Both engine cores and the hypothesis runtime agree."""

import json

import pytest
from click.testing import CliRunner

from mcfsm import (
    Budget,
    Instance,
    M,
    Message,
    ModelError,
    Monitor,
    Network,
    Role,
    SwitchOff,
    System,
    Timeout,
    Transaction,
    Transition,
    Var,
    always,
    explore,
    leads_to,
)
from mcfsm.check.runtime.stateful import Stats, simulate
from mcfsm.cli import main
from mcfsm.show.charts import chart
from mcfsm.show.diagrams import role_dot
from mcfsm.show.report import result_json, result_text


class Ping(Message, clause="demo 1"):
    pass


class Pong(Message, clause="demo 2"):
    n: int = M("a number")


SENDER = Role("sender", states=["idle", "done"], initial="idle", final=["idle", "done"],
              transitions=[Transition("send", "idle", "done", clause="demo 3", sends=[Ping],
                                      after=[lambda ctx: ctx.send("r", Ping())])])
RECEIVER = Role("receiver", states=["on"], initial="on", final=["on"],
                transitions=[Transition(Ping, "on", None, clause="demo 4")])
# P: spec OrderSpec observes Ping { start state None { on Ping do (from) {
#      if (from == a) goto AFirst; else goto Error; } } ... }
ORDER = Role("order spec", states=["none", "a_first", "error"], initial="none",
             transitions=[Transition(Ping, "none", "a_first", clause="demo 5", name="a_pings",
                                     conditions=[lambda ctx: ctx.sender == "a"]),
                          Transition(Ping, "none", "error", clause="demo 5", name="b_pings",
                                     conditions=[lambda ctx: ctx.sender == "b"])])


def pings(monitors=True, **extra) -> System:
    return System("pings", network=Network.BAG,
                  instances=[Instance("a", SENDER), Instance("b", SENDER, **extra),
                             Instance("r", RECEIVER)],
                  monitors=[Monitor("order", ORDER)] if monitors else [],
                  properties=[always("a-pings-first", lambda v: v["order"].state != "error",
                                     clause="demo 6")] if monitors else [])


@pytest.fixture(params=["0", "1"], ids=["compiled", "pure"])
def engine(request, monkeypatch):
    monkeypatch.setenv("MCFSM_PURE", request.param)
    return request.param


def test_the_monitor_state_counts_in_the_distinct_states(engine):
    """By hand. Without the monitor, a and b each send one Ping to r (a bag); each sent Ping
    is in flight or consumed: a, b idle: 1; only a sent: 2; only b sent: 2; both: 4; 9 states.
    The monitor remembers who sent first: where both sent, a first or b first (error), so
    those 4 states are 8: 1 + 2 + 2 + 8 = 13. Total (TLC): 1 initial + 16 successors (2 from
    the start, 2 + 1 from each one-sent pair of states, 2 + 1 + 1 + 0 from each both-sent
    quartet); depth 5 (two sends, two receptions)."""
    plain = explore(pings(monitors=False))
    assert (plain.distinct_states, plain.total_states) == (9, 13)
    r = explore(pings())
    assert (r.distinct_states, r.total_states, r.depth, r.complete) == (13, 17, 5, True)
    [v] = [v for v in r.verdicts if v.property.name == "a-pings-first"]
    assert v.status == "violated" and len(v.trace) == 1
    assert v.trace.states[-1][2 + 3].state == "error"  # the monitor's slot, after the instances


def test_traces_json_and_charts_show_the_monitor():
    system = pings()
    r = explore(system)
    text = "\n".join(result_text("pings", "v", r))
    assert "monitor order: none" in text  # the initial state lists it
    assert "monitor order observes: state none -> error" in text
    assert "monitor order observed it: state none -> error" in text  # the note under it
    record = result_json("pings", "v", r)
    [prop] = [p for p in record["properties"] if p["name"] == "a-pings-first"]
    assert prop["counterexample"][0]["monitors"] == {"order": {"state": ["none", "error"]}}
    assert prop["counterexample_initial_state"]["monitors"] == ["order"]
    c = chart(system, r.verdicts[0].trace, "t")
    assert ("order", "monitor order") in c.lifelines
    assert (1, "order", "observes: none → error") in c.notes
    dot = role_dot(ORDER, observer=True)
    assert "observes Ping" in dot and "dashed" not in dot


def test_the_hypothesis_runtime_agrees_with_the_explorer():
    system = pings()
    exhaustive = explore(system, keep_states=True)
    stats = Stats()
    sim = simulate(system, examples=20, steps=10, derandomize=True, shrink=False, stats=stats)
    assert all(exhaustive.contains(s) for s in stats.states)
    assert {s[2 + 3].state for s in stats.states} == {"none", "a_first", "error"}
    assert any(o.status == "violated" for o in sim.outcomes)


def counting_spec() -> Role:
    """Counts Pongs by value with variables, entry actions and a computed destination."""
    def bump(ctx):
        ctx.v.seen += 1

    return Role("pong spec", states=["quiet", "busy", "error"], initial="quiet",
                variables={"seen": Var(int, 0), "entered": Var(int, 0)},
                on_enter={"busy": [lambda ctx: setattr(ctx.v, "entered", ctx.v.entered + 1)]},
                transitions=[Transition(Pong, ["quiet", "busy"], clause="demo 7", after=[bump],
                                        dest=lambda ctx: "error" if ctx.msg.n > 1 else "busy",
                                        dests=("busy", "error"))])


def pongs() -> System:
    ponger = Role("ponger", states=["on"], initial="on", final=["on"], variables={"n": Var(int, 0)},
                  transitions=[Transition("pong", "on", None, clause="demo 8", sends=[Pong],
                                          conditions=[lambda ctx: ctx.v.n < 3],
                                          after=[lambda ctx: ctx.send("r", Pong(n=ctx.v.n)),
                                                 lambda ctx: setattr(ctx.v, "n", ctx.v.n + 1)])])
    sink = Role("sink", states=["on"], initial="on", final=["on"], ignores=[Pong],
                transitions=[Transition("idle", "on", None, clause="demo 9",
                                        conditions=[lambda ctx: False])])
    return System("pongs", instances=[Instance("p", ponger), Instance("r", sink)],
                  monitors=[Monitor("spec", counting_spec())],
                  properties=[always("never-error", lambda v: v["spec"].state != "error",
                                     clause="demo 10"),
                              always("entered-per-pong", lambda v: v["spec"].entered
                                     == min(v["spec"].seen, 2), clause="demo 11")])


def test_variables_entry_actions_and_a_computed_destination(engine):
    r = explore(pongs())
    verdicts = {v.property.name: v.status for v in r.verdicts}
    assert verdicts["entered-per-pong"] == "holds"
    assert verdicts["never-error"] == "violated"
    [v] = [v for v in r.verdicts if v.property.name == "never-error"]
    assert len(v.trace) == 3  # Pong 0, 1, then 2


def test_messages_in_flight_at_the_start_are_observed(engine):
    r = explore(pings(sends=[("r", Ping())]))
    [v] = [v for v in r.verdicts if v.property.name == "a-pings-first"]
    assert v.status == "violated" and len(v.trace) == 0


def test_a_temporal_property_on_a_monitor_like_a_p_hot_state():
    """P's hot state: the monitor must not stay forever in "a_first" before... here:
    a_first leads to b having sent (it has: b's send is fair)."""
    fair = System("pings", network=Network.BAG, fairness="weak",
                  instances=[Instance("a", SENDER), Instance("b", SENDER), Instance("r", RECEIVER)],
                  monitors=[Monitor("order", ORDER)],
                  properties=[leads_to("a-then-b", lambda v: v["order"].state == "a_first",
                                       lambda v: v["b"].state == "done", clause="demo 12")])
    assert explore(fair).verdicts[0].status == "holds"


def test_depth_first_counts_the_monitor_too(engine):
    r = explore(pings(), Budget(depth_first=True))
    assert (r.distinct_states, r.total_states) == (13, 17)


def bad_monitor(**transition) -> Role:
    base = dict(trigger=Ping, source="none", dest="error", clause="demo")
    base.update(transition)
    return Role("bad spec", states=["none", "error"], initial="none",
                transitions=[Transition(**base)])


@pytest.mark.parametrize("build,words", [
    (lambda: System("s", instances=[Instance("a", SENDER), Instance("r", RECEIVER)],
                    monitors=[Monitor("m", bad_monitor(trigger="tick"))]),
     "has a transition on the event 'tick', not on a message"),
    (lambda: System("s", instances=[Instance("a", SENDER), Instance("r", RECEIVER)],
                    monitors=[Monitor("m", bad_monitor(sends=[Ping]))]),
     "has a transition that sends ['Ping']"),
    (lambda: System("s", instances=[Instance("a", SENDER), Instance("r", RECEIVER)],
                    monitors=[Monitor("m", bad_monitor(choices=lambda ctx: (1, 2)))]),
     "choices="),
    (lambda: System("s", instances=[Instance("a", SENDER), Instance("r", RECEIVER)],
                    monitors=[Monitor("m", bad_monitor(trigger=Pong))]),
     "monitor 'm' observes Pong, which no role of this system sends"),
    (lambda: System("s", instances=[Instance("a", SENDER), Instance("r", RECEIVER),
                                    Monitor("m", bad_monitor())]),
     "instances contains the Monitor 'm'"),
    (lambda: System("s", instances=[Instance("a", SENDER), Instance("r", RECEIVER)],
                    monitors=[Instance("m", bad_monitor())]),
     "not a Monitor"),
    (lambda: System("s", instances=[Instance("a", SENDER, sends=[("m", Ping())]),
                                    Instance("r", RECEIVER)],
                    monitors=[Monitor("m", bad_monitor())]),
     "sends to monitor 'm'"),
])
def test_declaration_mistakes_are_named(build, words):
    with pytest.raises(ModelError) as info:
        build()
    assert words in str(info.value)


def test_mistakes_at_run_time_name_the_monitor():
    # two transitions enabled for one message: a monitor observes deterministically
    twice = Role("twice", states=["none", "x", "y"], initial="none",
                 transitions=[Transition(Ping, "none", "x", clause="d", name="one"),
                              Transition(Ping, "none", "y", clause="d", name="two")])
    system = System("s", instances=[Instance("a", SENDER), Instance("r", RECEIVER)],
                    monitors=[Monitor("m", twice)])
    with pytest.raises(ModelError, match="monitor 'm' has 2 transitions enabled for Ping"):
        explore(system)
    # a monitor sees what is said on the wire, not the parameters
    nosy = bad_monitor(conditions=[lambda ctx: ctx.params is None])
    system = System("s", instances=[Instance("a", SENDER), Instance("r", RECEIVER)],
                    monitors=[Monitor("m", nosy)])
    with pytest.raises(ModelError) as info:
        explore(system)
    assert "a monitor reads ctx.params" in str(info.value) and "bad spec" in str(info.value)
    # an instance that announces to a monitor a kind it does not observe (P's announce of
    # what the monitor does not observe; announcing what it observes: test_peer_probes.py)
    sender = Role("s", states=["on"], initial="on", final=["on"],
                  transitions=[Transition("go", "on", None, clause="d", sends=[Ping, Pong],
                                          after=[lambda ctx: ctx.send("m", Pong(n=1))])])
    system = System("s", instances=[Instance("a", sender), Instance("r", RECEIVER)],
                    monitors=[Monitor("m", bad_monitor()),
                              Monitor("p", counting_spec())])
    with pytest.raises(ModelError, match="announces Pong to monitor 'm', which observes no Pong"):
        explore(system)


def test_check_prints_the_monitor(tmp_path):
    path = tmp_path / "mon.py"
    path.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(tmp_path.parent)!r})\n"
        "from mcfsm import Model\n"
        "from tests.test_monitors import pings\n"
        "model = Model('pings')\n"
        "model.add_variant('v', pings, expect={'a-pings-first': 'violated'})\n")
    from .conftest import ROOT
    path.write_text(path.read_text().replace(repr(str(tmp_path.parent)), repr(str(ROOT))))
    r = CliRunner().invoke(main, ["check", str(path), "--expected", "--no-cache", "--json"])
    assert r.exit_code == 0, r.output
    [record] = json.loads(r.stdout)
    assert record["distinct_states"] == 13


# P: a spec machine that watches requests and their answers: a Pong received before its
# Ping was received is an error. With receipts=True the monitor sees receptions too.
RECEIPTS = Role("receipt spec", states=["waiting", "got_ping", "error"], initial="waiting",
                transitions=[Transition(Ping, "waiting", "got_ping", clause="demo 13",
                                        conditions=[lambda ctx: ctx.received]),
                             Transition(Ping, "got_ping", "error", clause="demo 13",
                                        name="second_ping",
                                        conditions=[lambda ctx: ctx.received])])


def test_a_monitor_with_receipts_observes_receptions(engine):
    """By hand: the 9 states of a and b pinging r (bag). The receipt monitor goes to
    got_ping at r's first reception and to error at the second: it is a function of how
    many Pings r took (0, 1, 2), so still 9 distinct states, 13 total; 'never-two' fails
    after the 4 steps that send and take both."""
    system = System("pings", network=Network.BAG,
                    instances=[Instance("a", SENDER), Instance("b", SENDER), Instance("r", RECEIVER)],
                    monitors=[Monitor("receipts", RECEIPTS, receipts=True)],
                    properties=[always("never-two", lambda v: v["receipts"].state != "error",
                                       clause="demo 14")])
    r = explore(system, keep_states=True)
    assert (r.distinct_states, r.total_states) == (9, 13)
    [v] = [v for v in r.verdicts if v.property.name == "never-two"]
    assert v.status == "violated" and len(v.trace) == 4
    stats = Stats()
    simulate(system, examples=20, steps=10, derandomize=True, shrink=False, stats=stats)
    assert all(r.contains(s) for s in stats.states)
    assert {s[2 + 3].state for s in stats.states} == {"waiting", "got_ping", "error"}


def test_receipts_need_a_network_that_consumes():
    with pytest.raises(ModelError, match="observes receptions on a persistent message set"):
        System("s", network=Network.PERSISTENT,
               instances=[Instance("a", SENDER), Instance("r", RECEIVER)],
               monitors=[Monitor("m", RECEIPTS, receipts=True)])


# A transaction (RFC 3261 17.1) and a monitor that sees it end: the client's REQ is answered
# by RESP or times out; a RESP that arrives after the timeout ends nothing (the client
# ignores it, which ends no transaction any more). A monitor of "answers taken" can tell the
# late answer from the taken one only if it sees the timeout: Role(observer=True) with
# Monitor(receipts=True) lets its Timeout(Req) transitions observe the client's.
class Req(Message, clause="demo 20"):
    pass


class Resp(Message, clause="demo 21"):
    pass


ASKER = Role("asker", states=["idle", "waiting", "done", "gave_up"], initial="idle",
             final=["idle", "done", "gave_up"],
             transactions=[Transaction(Req, responses=[Resp], clause="demo 22")],
             ignores={Resp: ["gave_up"]},
             transitions=[Transition("ask", "idle", "waiting", clause="demo 22", sends=[Req],
                                     after=[lambda ctx: ctx.send("s", Req())]),
                          Transition(Resp, "waiting", "done", clause="demo 22"),
                          Transition(Timeout(Req), "waiting", "gave_up", clause="demo 22")])
ANSWERER = Role("answerer", states=["on"], initial="on", final=["on"],
                transitions=[Transition(Req, "on", None, clause="demo 23", sends=[Resp],
                                        after=[lambda ctx: ctx.send(ctx.sender, Resp())])])


def answers_spec(*, observer: bool = True, sees_timeout: bool = True) -> Role:
    def taken(ctx) -> None:
        ctx.v.taken += 1
    return Role(
        "answers taken", states=["closed", "open"], initial="closed", observer=observer,
        variables={"taken": Var(int, 0)},
        transitions=[
            Transition(Req, "closed", "open", clause="demo 24",
                       conditions=[lambda ctx: not ctx.received]),
            Transition(Resp, "open", "closed", clause="demo 24", after=[taken],
                       conditions=[lambda ctx: ctx.received and ctx.to == "c"]),
            *([Transition(Timeout(Req), "open", "closed", clause="demo 24", name="timed_out",
                          conditions=[lambda ctx: ctx.to == "c" and ctx.msg is None])]
              if sees_timeout else [])])


def asking(spec: Role, **extra) -> System:
    return System("asking", instances=[Instance("c", ASKER), Instance("s", ANSWERER)],
                  monitors=[Monitor("answers", spec, receipts=True)],
                  properties=[always("taken-iff-done", lambda v: v["answers"].taken
                                     == (v["c"].state == "done"), clause="demo 25")], **extra)


def test_a_receipt_monitor_sees_a_transaction_time_out(engine):
    """By hand (FIFO): idle; waiting with REQ in flight; then the server answers (RESP in
    flight) or the timeout comes (gave_up, REQ in flight); from the answer in flight the
    client takes it (done, taken 1) or times out (gave_up, RESP in flight), which the
    server's late answer also reaches; the late answer ignored: 7 distinct states. The
    monitor closes at the timeout, so the late answer is no answer taken and the property
    holds; a monitor blind to the timeout counts it (violated after ask, answer, timeout,
    late answer: 4 steps)."""
    r = explore(asking(answers_spec()), keep_states=True)
    assert r.distinct_states == 7
    assert {v.property.name: v.status for v in r.verdicts}["taken-iff-done"] == "holds"
    stats = Stats()
    simulate(asking(answers_spec()), examples=20, steps=10, derandomize=True, shrink=False,
             stats=stats)
    assert all(r.contains(s) for s in stats.states)
    assert any(s[2].state == "gave_up" and s[4].state == "closed" for s in stats.states)
    blind = explore(asking(answers_spec(sees_timeout=False)))
    [v] = [v for v in blind.verdicts if v.property.name == "taken-iff-done"]
    assert v.status == "violated" and len(v.trace) == 4
    assert v.trace.steps[-1].transition == "ignore Resp"


def test_an_observed_timeout_needs_an_observer_role():
    with pytest.raises(ModelError, match="declares no transaction 'Req'"):
        answers_spec(observer=False)  # an ordinary role's Timeout is its own transaction's
    with pytest.raises(ModelError, match="observer='yes' is not True or False"):
        answers_spec(observer="yes")


def test_observed_timeouts_are_for_monitors_with_receipts():
    with pytest.raises(ModelError, match="observes no timeouts"):
        System("asking", instances=[Instance("c", ASKER), Instance("s", ANSWERER)],
               monitors=[Monitor("answers", answers_spec())])
    with pytest.raises(ModelError, match="declared observer=True"):
        System("asking", instances=[Instance("c", ASKER), Instance("s", ANSWERER),
                                    Instance("m", answers_spec())])
    with pytest.raises(ModelError, match="a monitor has no clocks of its own"):
        Role("clocked", states=["on"], initial="on", observer=True,
             transactions=[Transaction(Req, responses=[Resp])],
             transitions=[Transition(Timeout(Req), "on", None, clause="d")])


def test_a_switched_off_asker_loses_the_answer_and_ends_no_transaction(engine):
    """With a SwitchOff, an answer that reaches the switched-off client is lost like any
    message (kind "ignore", not a reception: its clocks stopped with it), so the receipt
    monitor does not see it (before, the switched-off client's ignore was turned into a
    reception that ends the transaction, which the monitor observed)."""
    system = asking(answers_spec(), faults=[SwitchOff("c", why="the client may be switched off")])
    r = explore(system)
    seen, todo, kinds = set(), list(system.initial_states()), set()
    while todo:
        state = todo.pop()
        if state in seen:
            continue
        seen.add(state)
        for key, after in system.successors(state):
            if key.actor == "c" and isinstance(key.message, Resp) and state[2].state == "switched off":
                kinds.add((key.kind, key.transition))
            todo.append(after)
    assert len(seen) == r.distinct_states
    assert kinds and {k for k, _ in kinds} == {"ignore"}, kinds
