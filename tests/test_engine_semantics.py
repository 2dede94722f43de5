"""Engine semantics the other fast tests leave unchecked (issue 11's mutants): bag and
persistent networks, loss and duplication, the head of one queue among several senders,
counterexample rendering and Result.ok. Every count is derived by hand in a comment, so an
engine rewrite (compiled steps, table-driven inboxes, workers) is checked against the
semantics rather than against itself."""

from math import comb

import pytest

from mcfsm import (
    Budget,
    Instance,
    M,
    Message,
    Network,
    Role,
    System,
    Transition,
    Var,
    always,
    explore,
    sometimes,
)
from mcfsm.show.trace import trace_text


class Note(Message, clause="test"):
    n: int = M()


def sender(name: str, numbers: tuple[int, ...]) -> Instance:
    def send_all(ctx):
        for k in numbers:
            ctx.send("rx", Note(n=k))

    role = Role(f"sender {name}", states=["start", "sent"], initial="start", final=["sent"],
                transitions=[Transition("send", "start", "sent", after=[send_all], sends=[Note],
                                        clause="t")])
    return Instance(name, role)


def receiver() -> Instance:
    def log(ctx):
        ctx.v.got = (*ctx.v.got, ctx.msg.n)

    role = Role("receiver", states=["on"], initial="on", final=["on"],
                variables={"got": Var(tuple, ())},
                transitions=[Transition(Note, "on", None, after=[log], clause="t")])
    return Instance("rx", role)


def system(numbers: tuple[int, ...], network: Network, *, got_at_most: int | None = None,
           properties=(), **kw) -> System:
    constraint = None if got_at_most is None else (lambda v: len(v["rx"].got) <= got_at_most)
    return System("s", instances=[sender("tx", numbers), receiver()], network=network,
                  constraint=constraint, properties=properties, check_deadlock=False, **kw)


def figures(s: System) -> tuple[int, int, int]:
    r = explore(s)
    assert r.complete
    return r.distinct_states, r.total_states, r.depth


def test_fifo_one_sender_delivers_in_order():
    # init; sent with [0,1] queued; (0) delivered; (0,1) delivered: 4 states in 4 levels,
    # each has one successor but the last: total 1 + 3.
    assert figures(system((0, 1), Network.FIFO)) == (4, 4, 4)


def test_bag_delivers_either_first():
    # init; sent {0,1}; {1} with (0,); {0} with (1,); then (0,1) and (1,0): 6 states.
    # Total: 1 + 1 (send) + 2 (two deliveries) + 1 + 1.
    assert figures(system((0, 1), Network.BAG)) == (6, 6, 4)


def test_bag_counts_copies_of_one_message():
    # Two copies of Note(0): {0:2}, then {0:1} with (0,), then {} with (0,0): with the init
    # state 4 states, one successor each (a bag delivers one copy of an equal pair once).
    assert figures(system((0, 0), Network.BAG)) == (4, 4, 4)


def test_persistent_messages_are_read_again():
    # Nothing is consumed: after the send, every log over {0,1} of length <= 2 is reachable:
    # 1 + 2 + 4 = 7 logs, plus the initial state = 8. Depth: init, sent, 1, 2 deliveries.
    # Total: 1 + 1 + 2 (from ()) + 2*2 (from each 1-log) + 4*2 (from 2-logs, pruned) = 16.
    r = explore(system((0, 1), Network.PERSISTENT, got_at_most=2))
    assert (r.distinct_states, r.total_states, r.depth, r.pruned) == (8, 16, 4, 8)


def test_loss_drops_any_queued_message():
    # FIFO [0,1] with loss, states as (queue, log) after the send:
    # ([0,1],()) ([1],()) ([0],()) ([1],(0,)) ([],(1,)) ([],()) ([],(0,)) ([],(0,1)) = 8,
    # plus the initial state = 9. Depth: init, sent, one step, two steps, three steps (0,1
    # needs deliver 0 then deliver 1: level 4; ([],(0,)) by lose 1 after deliver 0 too).
    distinct, total, depth = figures(system((0, 1), Network.FIFO, loss=True))
    assert (distinct, depth) == (9, 4)
    # Successors: init 1; ([0,1],()) deliver + lose 0 + lose 1 = 3; ([1],()) 2; ([0],()) 2;
    # ([1],(0,)) 2; the four with an empty queue 0. Total = 1 + 1 + 3 + 2 + 2 + 2 = 11.
    assert total == 11


def test_loss_on_a_bag():
    # Bag {0,1} with loss: every subset of {0,1} delivered in any order or lost. After the
    # send, (bag, log): ({0,1},()) ({1},()) ({0},()) ({},()) ({1},(0,)) ({0},(1,))
    # ({},(0,)) ({},(1,)) ({},(0,1)) ({},(1,0)) = 10, plus init = 11.
    assert figures(system((0, 1), Network.BAG, loss=True))[0] == 11


def test_duplication_copies_a_queued_message_within_the_bound():
    # FIFO with one Note(0), duplication, max_in_flight=3, log length <= 2. After the send,
    # a state is (a queued copies, b delivered); deliver: a-1, b+1; duplicate: a+1 when
    # a + 1 <= 3. b=0: a in 1..3; b=1: a in 0..3; b=2: a in 0..3; so 3 + 4 + 4 = 11, plus
    # the initial state = 12.
    assert figures(system((0,), Network.FIFO, duplication=True, max_in_flight=3,
                          got_at_most=2))[0] == 12


def test_duplication_on_a_bag():
    # The same on a bag: a bag of copies of one message behaves like the queue above: 12.
    assert figures(system((0,), Network.BAG, duplication=True, max_in_flight=3,
                          got_at_most=2))[0] == 12


def two_senders(network: Network) -> System:
    return System("two", instances=[sender("tx1", (0, 1)), sender("tx2", (10, 11)), receiver()],
                  network=network, check_deadlock=False,
                  properties=[sometimes("b-first", lambda v: v["rx"].got[:2] == (10, 11),
                                        clause="t")])


def test_the_head_of_each_senders_queue_is_deliverable():
    # FIFO per sender: a log takes i of tx1's notes (in order) and j of tx2's, interleaved
    # in comb(i + j, i) ways; a sender that delivered nothing may or may not have sent
    # (2 choices), one that delivered has sent. Taking a head must leave the other
    # sender's queue intact, or the count falls.
    expected = sum(comb(i + j, i) * (2 if i == 0 else 1) * (2 if j == 0 else 1)
                   for i in range(3) for j in range(3))
    assert expected == 26
    r = explore(two_senders(Network.FIFO))
    assert r.distinct_states == expected
    witness = next(v for v in r.verdicts if v.property.name == "b-first")
    # Shortest: tx2 sends, rx receives 10 then 11: 3 steps.
    assert witness.status == "witnessed" and len(witness.trace) == 3


def test_fifo_order_within_one_sender_holds_across_senders():
    in_order = always("in-order", lambda v: [n for n in v["rx"].got if n < 10] in ([], [0], [0, 1])
                      and [n for n in v["rx"].got if n >= 10] in ([], [10], [10, 11]),
                      clause="t")
    s = System("two", instances=[sender("tx1", (0, 1)), sender("tx2", (10, 11)), receiver()],
               network=Network.FIFO, check_deadlock=False, properties=[in_order])
    assert explore(s).ok


def test_counterexample_renders_steps_sends_and_changes():
    never_two = always("fewer-than-two", lambda v: len(v["rx"].got) < 2, clause="t")
    s = System("two", instances=[sender("tx1", (0, 1)), sender("tx2", (10, 11)), receiver()],
               network=Network.FIFO, check_deadlock=False, properties=[never_two])
    r = explore(s)
    verdict = next(v for v in r.verdicts if v.property.name == "fewer-than-two")
    assert verdict.status == "violated" and len(verdict.trace) == 3
    text = "\n".join(trace_text(s, verdict.trace))
    # The first sender in instance order is expanded first, so BFS's first path of length
    # 3 is tx1's send and two receptions of its notes.
    assert "1. tx1: send  (t)" in text
    assert "sends Note {n=0} to rx" in text and "sends Note {n=1} to rx" in text
    assert "2. rx receives Note {n=0} from tx1" in text
    assert "3. rx receives Note {n=1} from tx1" in text
    assert "got: ⟨0⟩ -> ⟨0, 1⟩" in text  # sequences in the spec's notation (show/values.py)
    assert verdict.trace.states[0] == s.initial_states()[0]


def test_result_ok_needs_completeness_and_every_verdict_good():
    good = [always("fine", lambda v: True, clause="t"),
            sometimes("sent", lambda v: v["tx"].state == "sent", clause="t")]
    assert explore(system((0,), Network.FIFO, properties=good)).ok
    bad = [always("never-sent", lambda v: v["tx"].state != "sent", clause="t")]
    r = explore(system((0,), Network.FIFO, properties=bad))
    assert not r.ok and r.failed
    never = [sometimes("impossible", lambda v: len(v["rx"].got) > 5, clause="t")]
    r = explore(system((0,), Network.FIFO, properties=never))
    assert r.complete and not r.ok and r.failed
    r = explore(system((0, 1), Network.FIFO, properties=good), Budget(max_states=2))
    assert not r.complete and not r.ok and not r.failed
    assert {v.status for v in r.verdicts} <= {"unknown", "witnessed"}


@pytest.mark.parametrize("network", [Network.FIFO, Network.BAG])
def test_unhandled_message_is_reported_per_network(network):
    def silent() -> Instance:
        return Instance("rx", Role("receiver", states=["on", "off"], initial="on", final=["on", "off"],
                                   variables={"got": Var(tuple, ())},
                                   transitions=[Transition("stop", "on", "off", clause="t"),
                                                Transition(Note, "on", None, clause="t")]))
    s = System("s", instances=[sender("tx", (0,)), silent()], network=network)
    r = explore(s)
    unhandled = next(v for v in r.verdicts if v.property.name == "no-unhandled-message")
    # Shortest: send, then stop (or stop, then send): the note waits at an "off" receiver.
    assert unhandled.status == "violated" and len(unhandled.trace) == 2


def test_time_limit_holds_when_each_state_is_slow_to_expand():
    import time

    def slow(ctx):
        time.sleep(0.02)
        return True

    role = Role("slow", states=["on"], initial="on", final=["on"], variables={"n": Var(int, 0)},
                transitions=[Transition("inc", "on", None, conditions=[slow], clause="t",
                                        after=[lambda ctx: setattr(ctx.v, "n", ctx.v.n + 1)])])
    s = System("slow", instances=[Instance("a", role)])
    r = explore(s, Budget(time_limit=0.2))
    # Checking the clock only every 256 states would take 256 * 0.02 s = 5 s here.
    assert r.stopped_by == "time-limit" and r.elapsed_s < 2.0


def test_initial_states_count_toward_max_states():
    from mcfsm import Param
    role = Role("idle", states=["on"], initial="on", final=["on"],
                transitions=[Transition("tick", "on", None, clause="t")])
    s = System("params", instances=[Instance("a", role)],
               params={"p": Param(choices=tuple(range(10)))})
    r = explore(s, Budget(max_states=4))
    assert r.distinct_states == 4 and not r.complete and r.stopped_by == "max-states"


def test_a_stop_request_interrupts_the_search():
    calls = []

    def stop() -> bool:
        calls.append(1)
        return len(calls) >= 3

    role = Role("counter", states=["on"], initial="on", final=["on"], variables={"n": Var(int, 0)},
                transitions=[Transition("inc", "on", None, clause="t",
                                        after=[lambda ctx: setattr(ctx.v, "n", ctx.v.n + 1)])])
    r = explore(System("endless", instances=[Instance("a", role)]), Budget(stop=stop))
    assert r.stopped_by == "interrupted" and not r.complete and r.distinct_states <= 4
    assert {v.status for v in r.verdicts} == {"unknown"}


def test_time_limit_holds_inside_a_step_with_endless_choices():
    import itertools

    role = Role("picky", states=["on"], initial="on", final=["on"],
                transitions=[Transition("pick", "on", None, clause="t",
                                        choices=lambda ctx: itertools.count(),
                                        conditions=[lambda ctx: False])])
    r = explore(System("picky", instances=[Instance("a", role)]), Budget(time_limit=0.2))
    # The one state's one step enumerates choices forever: only a poll inside it can stop.
    assert r.stopped_by == "time-limit" and not r.complete and r.elapsed_s < 2.0


HASH_SEED_MODEL = '''
from mcfsm import Instance, M, Message, Model, Network, Role, System, Transition, Var, always


class Word(Message, clause="t"):
    text: str = M()


def send_words(ctx):
    for text in ("alpha", "beta", "gamma", "delta"):
        ctx.send("rx", Word(text=text))


tx = Role("tx", states=["start", "sent"], initial="start", final=["sent"],
          transitions=[Transition("send", "start", "sent", after=[send_words], sends=[Word],
                                  clause="t")])
rx = Role("rx", states=["on"], initial="on", final=["on"], variables={"got": Var(tuple, ())},
          transitions=[
              Transition(Word, "on", None, clause="t",
                         after=[lambda ctx: setattr(ctx.v, "got", ctx.v.got + (ctx.msg.text,))]),
              # a choice from a set: its order follows the hash seed unless the engine fixes it
              Transition("pick", "on", None, clause="t",
                         choices=lambda ctx: frozenset({"x", "y", "z", "w"}) if not ctx.v.got else (),
                         after=[lambda ctx: setattr(ctx.v, "got", (ctx.arg,))]),
          ])
model = Model("seeds", clause="t")


@model.variant("bag", doc="a bag network and a set of choices",
               expect={"two-words": "violated"})
def bag():
    return System("seeds", instances=[Instance("tx", tx), Instance("rx", rx)],
                  network=Network.BAG, check_deadlock=False,
                  properties=[always("two-words", lambda v: len(v["rx"].got) < 2, clause="t")])
'''


def test_counterexamples_do_not_depend_on_the_hash_seed(tmp_path):
    """Bag deliveries and choices from a set are taken in a canonical order, so the shortest
    counterexample BFS finds first is the same whatever PYTHONHASHSEED the process has."""
    import json
    import os
    import subprocess
    import sys

    (tmp_path / "seeds.py").write_text(HASH_SEED_MODEL)
    traces = set()
    for seed in ("1", "2", "3", "4"):
        proc = subprocess.run(
            [sys.executable, "-m", "mcfsm", "check", str(tmp_path / "seeds.py"), "--json",
             "--no-cache"], capture_output=True, text=True,
            env={**os.environ, "PYTHONHASHSEED": seed}, cwd=tmp_path)
        assert proc.returncode == 1, proc.stderr  # the property is violated
        record = json.loads(proc.stdout)[0]
        prop = next(p for p in record["properties"] if p["name"] == "two-words")
        traces.add(json.dumps(prop["counterexample"], sort_keys=True))
    assert len(traces) == 1


def test_a_step_with_more_choices_than_the_state_budget_stops_at_the_budget():
    role = Role("picker", states=["on"], initial="on", final=["on"], variables={"n": Var(int, 0)},
                transitions=[Transition("pick", "on", None, clause="t",
                                        choices=lambda ctx: range(10**9),
                                        after=[lambda ctx: setattr(ctx.v, "n", ctx.arg)])])
    r = explore(System("picker", instances=[Instance("a", role)]), Budget(max_states=1000))
    # Without the budget inside the step, its 10^9 successors would be built before any check.
    assert r.stopped_by == "max-states" and not r.complete
    assert {v.status for v in r.verdicts} == {"unknown"}
