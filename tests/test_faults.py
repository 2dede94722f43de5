"""Faults as declarations (lang/faults.py) and the network kinds they work on: where loss,
duplication and overtaking happen, a switched-off instance, the FIFO inbox per party, and
how charts draw what the network did. Every count is small enough to list by hand, and
the docstrings do."""

from __future__ import annotations

import dataclasses
import re

import pytest

from mcfsm import (
    Duplication,
    Expiry,
    Instance,
    Loss,
    M,
    Message,
    ModelError,
    Monitor,
    Network,
    Reorder,
    Role,
    SwitchOff,
    System,
    Timeout,
    Timer,
    Transaction,
    Transition,
    Var,
    always,
    explore,
    sometimes,
    step,
)
from mcfsm.check.assumptions import rests_on
from mcfsm.lang.faults import SWITCHED_OFF
from mcfsm.show.chart_layout import chart_dot
from mcfsm.show.charts import chart, mermaid
from mcfsm.show.trace import steps_json, trace_text


class Num(Message, clause="t"):
    n: int = M("a number")


class Other(Message, clause="t"):
    pass


def _record(ctx):
    ctx.v.got = (*ctx.v.got, ctx.msg.n)


RECEIVER = Role("receiver", states=["on"], initial="on", final=["on"],
                variables={"got": Var(tuple, ())}, ignores=[Other],
                transitions=[Transition(Num, "on", None, after=[_record])])
SENDER = Role("sender", states=["on"], initial="on", final=["on"],
              transitions=[Transition("never", "on", None, conditions=[lambda ctx: False],
                                      sends=[Num, Other])])


def two_senders(network: Network) -> System:
    return System("two", network=network, check_deadlock=False,
                  instances=[Instance("a", SENDER, sends=[("r", Num(n=1))]),
                             Instance("b", SENDER, sends=[("r", Num(n=2))]),
                             Instance("r", RECEIVER)])


def orders(system: System) -> set[tuple[int, ...]]:
    return {system.view(s)["r"].got for s in _states(system, explore(system))}


def _states(system: System, result) -> list:
    """Every reachable state, by a plain search over the reference successor function."""
    seen, todo = set(system.initial_states()), list(system.initial_states())
    while todo:
        for _, nxt in system.successors(todo.pop()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    assert len(seen) == result.distinct_states
    return list(seen)


def test_a_fifo_inbox_per_party_keeps_the_order_of_arrival_across_senders():
    """P's queue: a's 1 reached r before b's 2 (initial sends, in instance order), so r takes
    1 then 2: 3 states. Per-pair FIFO channels let r take either first: 5 states."""
    assert orders(two_senders(Network.INBOX)) == {(), (1,), (1, 2)}
    assert orders(two_senders(Network.FIFO)) == {(), (1,), (2,), (1, 2), (2, 1)}


def one_channel(**faults) -> System:
    return System("one", check_deadlock=False, max_in_flight=3,
                  instances=[Instance("a", SENDER, sends=[("r", Num(n=1)), ("r", Num(n=2)),
                                                            ("r", Other())]),
                             Instance("r", RECEIVER)], **faults)


def test_reorder_lets_a_message_overtake_only_where_declared():
    """a sends 1, 2 (and Other) on one FIFO channel. In order: r gets (), (1,), (1, 2). With
    2 allowed to overtake: also (2,) and (2, 1)."""
    assert orders(one_channel()) == {(), (1,), (1, 2)}
    overtaking = one_channel(faults=[Reorder(lambda s, r, m: isinstance(m, Num) and m.n == 2,
                                             why="a later 2 may overtake")])
    assert orders(overtaking) == {(), (1,), (2,), (1, 2), (2, 1)}
    assert "reorder-where-declared" in rests_on(overtaking)


def test_loss_and_duplication_of_one_kind_of_message_only():
    system = one_channel(faults=[Loss.of(Other, why="Other may be lost"),
                                 Duplication.of(Num, why="a number may come twice")])
    inbox = system.initial_states()[0][2 + 2 + 1]
    steps = [(key.kind, type(key.message).__name__) for key, _, _ in system.fault_steps(1, inbox)]
    assert sorted(steps) == [("duplicate", "Num"), ("duplicate", "Num"), ("lose", "Other")]
    assert {"loss-where-declared", "duplication-where-declared"} <= set(rests_on(system))


def test_loss_around_an_instance_is_every_channel_to_and_from_it_and_nothing_else():
    loss = Loss.around("ue", why="the UE may leave coverage")
    assert loss.applies("ue", "server", Other()) and loss.applies("server", "ue", Other())
    assert not loss.applies("server", "other server", Other())
    only = Loss.around("ue", why="w", messages=[Num])
    assert only.applies("ue", "server", Num(n=1)) and not only.applies("ue", "server", Other())
    on = Loss.on(("a", "b"), why="w")
    assert on.applies("a", "b", Other()) and not on.applies("b", "a", Other())


class Ping(Message, clause="t"):
    pass


def _seen(ctx):
    ctx.v.seen = True


READER = Role("reader", states=["on"], initial="on", final=["on"],
              variables={"seen": Var(bool, False)},
              transitions=[Transition(Ping, "on", None, after=[_seen])])


def test_loss_on_a_persistent_message_set_removes_the_message_for_good():
    """Without loss: (unseen, {Ping}) and (seen, {Ping}); the read repeats on the set (a
    step back to the same state): 2 distinct, 3 total. With loss: also (unseen, {}) and
    (seen, {}): 4 distinct, 1 + 2 + 2 = 5 total."""
    def system(loss: bool) -> System:
        return System("set", network=Network.PERSISTENT, loss=loss,
                      instances=[Instance("a", SENDER.__class__(
                          "writer", states=["on"], initial="on", final=["on"],
                          transitions=[Transition("never", "on", None,
                                                  conditions=[lambda ctx: False],
                                                  sends=[Ping])]), sends=[("r", Ping())]),
                          Instance("r", READER)])
    plain, lossy = explore(system(False)), explore(system(True))
    assert (plain.distinct_states, plain.total_states) == (2, 3)
    assert (lossy.distinct_states, lossy.total_states) == (4, 5)


def test_duplication_stays_refused_on_a_persistent_set_and_reorder_on_a_bag():
    with pytest.raises(ModelError, match="duplication has no meaning"):
        System("x", network=Network.PERSISTENT, duplication=True, max_in_flight=2,
               instances=[Instance("r", READER)])
    with pytest.raises(ModelError, match="Reorder has no meaning"):
        System("x", network=Network.BAG,
               faults=[Reorder(lambda s, r, m: True, why="w")], instances=[Instance("r", READER)])


# -- switch-off -----------------------------------------------------------------------------------
UE = Role("UE", states=["on", "got"], initial="on", final=["got"],
          transitions=[Transition(Ping, "on", "got", clause="t")])
NET = Role("server", states=["on"], initial="on", final=["on"],
           transitions=[Transition("never", "on", None, conditions=[lambda ctx: False],
                                   sends=[Ping])])


def switch_off_system() -> System:
    return System("off", instances=[Instance("server", NET, sends=[("ue", Ping())]),
                                    Instance("ue", UE, label="UE 2")],
                  faults=[SwitchOff("ue", why="UE 2 may be switched off", clause="X.1.7")],
                  properties=[always("got-it", lambda v: v["ue"].state != SWITCHED_OFF
                                     or not v.in_flight()),
                              sometimes("off", lambda v: v["ue"].state == SWITCHED_OFF)])


def test_a_switched_off_instance_stops_and_what_reaches_it_is_lost():
    """(on, Ping in flight) -> receive: (got); -> switch off: (off, Ping in flight); (got)
    -> switch off: (off); (off, Ping) -> lost at the switched-off UE: (off). 4 distinct,
    1 + 2 + 1 + 1 = 5 total."""
    system = switch_off_system()
    result = explore(system)
    assert (result.distinct_states, result.total_states) == (4, 5)
    role = system.instance("ue").role
    assert SWITCHED_OFF in role.states and SWITCHED_OFF in role.final
    assert "switch-off-ue" in rests_on(system)
    verdicts = {v.property.name: v for v in result.verdicts}
    assert verdicts["off"].status == "witnessed"
    assert verdicts["no-deadlock"].status == "holds"


def test_a_switch_off_names_an_instance_the_system_has():
    with pytest.raises(ModelError, match=r"(?s)SwitchOff names instance 'eu'.*'ue'"):
        System("off", instances=[Instance("ue", UE), Instance("server", NET)],
               faults=[SwitchOff("eu", why="w")])
    with pytest.raises(ModelError, match="faults holds"):
        System("off", instances=[Instance("ue", UE)], faults=["loss"])


# -- charts draw what the network and the environment did ----------------------------------------
def lost_trace():
    """A Ping in flight at the start, lost: the trace's only step is the loss."""
    system = System("lost", loss=True, instances=[Instance("server", NET, sends=[("ue", Ping())]),
                                                   Instance("ue", UE)],
                    properties=[always("arrives", lambda v: v["ue"].state == "got"
                                       or bool(v.in_flight()))])
    [v] = [v for v in explore(system).verdicts if v.property.name == "arrives"]
    assert [k.kind for k in v.trace.steps] == ["lose"]
    return system, v.trace


def test_a_lost_message_is_drawn_lost_and_never_still_in_flight():
    system, trace = lost_trace()
    c = chart(system, trace, "lost")
    [arrow] = c.arrows
    assert arrow.lost == "lost" and arrow.received_at == 1
    text = mermaid(c)
    assert "-x" in text and "still in flight" not in text
    dot = chart_dot(c)
    assert "✗" in dot and "still in flight" not in dot
    assert "the network loses Ping from server to ue" in "\n".join(trace_text(system, trace))


def test_a_lasso_whose_only_step_is_a_loss_draws():
    """It stopped with an IndexError in chart_dot (no lifeline was involved)."""
    system, trace = lost_trace()
    lasso = dataclasses.replace(trace, loop_start=0)
    c = chart(system, lasso, "lasso")
    assert "loop_frame" in chart_dot(c) and "loop steps 1-1" in mermaid(c)


class Ask(Message, clause="t"):
    pass


class Answer(Message, clause="t"):
    pass


class GaveUp(Message, clause="t"):
    pass


def _ask(ctx):
    ctx.arm("patience")
    ctx.send("server", Ask())


ASKER = Role("asker", states=["idle", "asking", "answered", "gave up"], initial="idle",
             final=["idle", "answered", "gave up"], timers=[Timer("patience", clause="t 5")],
             transactions=[Transaction(Ask, responses=[Answer], clause="t 4")],
             ignores={Answer: ["gave up"]},
             transitions=[Transition("ask", "idle", "asking", clause="t 1", after=[_ask],
                                     sends=[Ask]),
                          Transition(Answer, "asking", "answered", clause="t 2",
                                     after=[lambda ctx: ctx.cancel("patience")]),
                          Transition(Timeout(Ask), ["asking", "answered", "gave up"], None,
                                     clause="t 3"),
                          Transition(Expiry("patience"), "asking", "gave up", clause="t 5",
                                     after=[lambda ctx: ctx.send("server", GaveUp())],
                                     sends=[GaveUp])])
ANSWERER = Role("answerer", states=["on"], initial="on", final=["on"], ignores=[GaveUp],
                transitions=[Transition(Ask, "on", None, clause="t 6", sends=[Answer],
                                        after=[lambda ctx: ctx.send(ctx.sender, Answer())])])
# a monitor that observes what the expiry sends: its note shares the expiry's step
GIVING_UP = Role("giving-up spec", states=["none", "seen"], initial="none",
                 transitions=[Transition(GaveUp, "none", "seen", clause="t 7")])


def timer_system(monitor: bool = False) -> System:
    return System("timers", instances=[Instance("server", ANSWERER, label="the server"),
                                       Instance("client", ASKER, label="the client")],
                  monitors=[Monitor("giving_up", GIVING_UP)] if monitor else [],
                  properties=[always("never-gives-up", lambda v: v["client"].state != "gave up"),
                              step("never-times-out",
                                   lambda before, key, after: key.transition != "Ask times out")])


def _timer_chart(name: str, monitor: bool = False):
    system = timer_system(monitor)
    [v] = [v for v in explore(system).verdicts if v.property.name == name]
    return v.trace, chart(system, v.trace, name)


def _node(dot: str, ident: str) -> str:
    [line] = [x for x in dot.splitlines() if f'[id="{ident}"' in x]
    return line


def _x(line: str) -> str:
    return re.search(r'pos="([-0-9.]+),', line).group(1)


@pytest.mark.parametrize("prop,words", [("never-gives-up", "⏱ the patience timer expires"),
                                        ("never-times-out", "⏱ the Ask transaction times out")],
                         ids=["timer-expiry", "transaction-timeout"])
def test_timer_expiries_and_switch_offs_are_marked_in_charts(prop, words):
    """A timer expiry and a transaction timeout: an amber note marked ⏱ on the lifeline of
    the role whose timer it is (Mermaid and DOT), in the step that took it; a switch-off:
    a grey note marked ⏻ on the switched-off party's lifeline."""
    trace, c = _timer_chart(prop)
    step_no = len(trace.steps)
    assert [k.kind for k in trace.steps] == ["internal", "internal"]  # ask, then the event
    assert dict(c.events)[step_no] == "timer"
    text = mermaid(c)
    client = re.search(r"participant (P\d+) as the client", text).group(1)
    assert f"    Note over {client}: {step_no}. {words}" in text
    dot = chart_dot(c)
    note = _node(dot, f"step-{step_no}-note")
    assert words in note and 'fillcolor="#fff4e0"' in note
    assert _x(note) == _x(_node_named(dot, "client_h"))  # on the owner's lifeline
    assert "⏱" not in _node(dot, "step-1-note")  # arming is no expiry

    system = switch_off_system()
    [v] = [v for v in explore(system).verdicts if v.property.name == "got-it"]
    c = chart(system, v.trace, "off")
    assert dict(c.events)[1] == "switch-off"
    text = mermaid(c)
    ue = re.search(r"participant (P\d+) as UE 2", text).group(1)
    assert f"    Note over {ue}: 1. ⏻ environment: is switched off" in text
    note = _node(chart_dot(c), "step-1-note")
    assert "⏻" in note and 'fillcolor="#eeeeee"' in note
    assert _x(note) == _x(_node_named(chart_dot(c), "ue_h"))


def _node_named(dot: str, name: str) -> str:
    [line] = [x for x in dot.splitlines() if x.startswith(f'  "{name}" [')]
    return line


def test_an_expiry_a_monitor_observes_keeps_its_mark_in_dot():
    """The expiry sends GaveUp, which a monitor observes: the step has two notes, the
    client's (⏱, amber) and the monitor's. DOT kept one note per step: the monitor's
    replaced the expiry's, and the chart drew no expiry at all."""
    _, c = _timer_chart("never-gives-up", monitor=True)
    dot = chart_dot(c)
    expiry = _node(dot, "step-2-note")
    assert "⏱ the patience timer expires" in expiry and 'fillcolor="#fff4e0"' in expiry
    observed = _node(dot, "step-2-note-2")
    assert "observes: none → seen" in observed and 'fillcolor="#fff4e0"' not in observed
    assert _x(observed) == _x(_node_named(dot, "giving_up_h"))


def duplicated():
    """a sends one Num to r; the network duplicates it; r receives both."""
    def count(ctx):
        ctx.v.got = (*ctx.v.got, ctx.msg.n)

    once = Role("sender", states=["idle", "sent"], initial="idle", final=["sent"],
                transitions=[Transition("send", "idle", "sent", clause="t 1", sends=[Num],
                                        after=[lambda ctx: ctx.send("r", Num(n=1))])])
    counting = Role("receiver", states=["on"], initial="on", final=["on"],
                    variables={"got": Var(tuple, ())},
                    transitions=[Transition(Num, "on", None, clause="t 2", after=[count],
                                            conditions=[lambda ctx: len(ctx.v.got) < 2])])
    system = System("dup", max_in_flight=2, check_deadlock=False,
                    faults=[Duplication.of(Num, why="a number may come twice")],
                    instances=[Instance("a", once), Instance("r", counting)],
                    properties=[always("once", lambda v: len(v["r"].got) <= 1)])
    [v] = [v for v in explore(system).verdicts if v.property.name == "once"]
    assert [k.kind for k in v.trace.steps] == ["internal", "duplicate", "receive", "receive"]
    return system, v.trace


def test_a_duplication_is_drawn_as_a_duplication_not_as_a_fresh_send():
    """The duplicate step is the network's: the text narrates it as a duplication and lists
    no send under it (System.sent_between reports the copy as a message the step added), the
    trace file records no send, and the charts draw the copy leaving where the original
    left (one send, two arrivals), marked as the network's copy. Mermaid stopped with a
    KeyError (an arrow from a "network" lifeline the chart does not have)."""
    system, trace = duplicated()
    text = trace_text(system, trace)
    at = text.index("  2. the network duplicates Num {n=1} from a to r")
    assert not text[at + 1].strip().startswith("sends"), text
    assert sum("sends Num" in line for line in text) == 1  # a's own send, step 1
    assert steps_json(system, trace)[1]["sends"] == []

    c = chart(system, trace, "dup")
    assert [(a.sender, a.sent_at, a.received_at, a.copy) for a in c.arrows] == [
        ("a", 1, 3, 0), ("a", 1, 4, 2)]
    assert dict(c.events) == {2: "duplicate"}
    mm = mermaid(c)
    assert "network" not in mm.split("participant", 1)[0] + "".join(
        x for x in mm.splitlines() if x.lstrip().startswith("participant"))
    assert "    Note over P1: 2. the network duplicates Num from a" in mm
    # both taken later than the step after the send: each says when it was sent
    assert "P0->>P1: 3. Num (n=1) [t 2] [sent in step 1]\n" in mm
    assert ("P0->>P1: 4. Num (n=1) [t 2] [a copy: the network duplicated it in step 2] "
            "[sent in step 1]") in mm
    dot = chart_dot(c)
    original, copy = _edge(dot, "step-3"), _edge(dot, "step-4")
    assert original.split(" -> ")[0] == copy.split(" -> ")[0]  # from the one send
    assert "a copy: the network duplicated it in step 2" in _node(dot, "step-4-label")
    assert "copy" not in _node(dot, "step-3-label")
    note = _node(dot, "step-2-note")
    assert "the network duplicates Num from a" in note and 'fillcolor="#f3eefb"' in note
    assert _x(note) == _x(_node_named(dot, "r_h"))  # on the receiver's lifeline


def _edge(dot: str, ident: str) -> str:
    [line] = [x for x in dot.splitlines() if " -> " in x and f'[id="{ident}"' in x]
    return line.strip()


def test_a_switch_off_keeps_the_ignored_answers_that_end_a_transaction():
    """A role that ignores its transaction's answer in some state (the answer still ends the
    transaction: an "ignore Answer" reception) keeps that reception when a SwitchOff adds
    its "switched off" state; it had been dropped, so the late answer became an unhandled
    message in every switch-off variant. In "switched off" itself the answer is lost like
    any message (a plain ignore: the clocks stopped with the instance, nothing to end), so
    a monitor of receptions does not see it (tests/test_monitors.py)."""
    system = System("timers", instances=[Instance("server", ANSWERER), Instance("client", ASKER)],
                    faults=[SwitchOff("client", why="the client may be switched off")])
    role = system.instance("client").role
    ignore = [t for t in role.transitions if t.name == "ignore Answer"]
    assert ignore and set(ignore[0].source) == {"gave up"}, ignore
    assert role.ignores[Answer] == {SWITCHED_OFF}
    verdicts = {v.property.name: v.status for v in explore(system).verdicts}
    assert verdicts["no-unhandled-message"] == "holds", verdicts
