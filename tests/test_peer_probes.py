"""Issue 73 item 3: what TLC, SPIN and P users write, as they write it (a probe each).
Probes 1 and 7 live in tests/test_computed_dest.py and tests/test_roles.py."""

import pytest

from mcfsm import (
    Instance,
    M,
    Message,
    ModelError,
    Monitor,
    Network,
    Role,
    System,
    Transition,
    Var,
    always,
    eventually,
    explore,
    sometimes,
    step,
)
from mcfsm.show.explain import explain


def verdicts(result) -> dict[str, str]:
    return {v.property.name: v.status for v in result.verdicts}


# -- probe 2: P's announce, and P's unhandled event in a spec machine -----------------------

class Tick(Message, clause="demo 1"):
    n: int = M("the count announced")


def announce_tick(ctx) -> None:
    ctx.v.n += 1
    ctx.send("spec", Tick(n=ctx.v.n))  # P: announce eTick, (n = n,);


COUNTER = Role("counter", states=["on"], initial="on", final=["on"],
               variables={"n": Var(int, 0)},
               transitions=[Transition("tick", "on", None, clause="demo 2", sends=[Tick],
                                       conditions=[lambda ctx: ctx.v.n < 2],
                                       after=[announce_tick])])


def seen_by(name: str) -> Role:
    return Role(f"{name} spec", states=["watching"], initial="watching",
                variables={"seen": Var(int, 0)},
                transitions=[Transition(Tick, "watching", None, clause="demo 3",
                                        after=[lambda ctx: setattr(ctx.v, "seen", ctx.msg.n)])])


def test_a_role_announces_an_event_to_a_monitor(engine):
    """P's `announce`: the Tick goes into no inbox, and every monitor that observes Tick
    sees it (spec, to which it is addressed, and audit). By hand: n = 0, 1, 2 with both
    monitors' `seen` equal to n: 3 distinct states, 1 initial + 2 successors = 3 total,
    depth 3; nothing is ever in flight, so nothing is unhandled and the run may rest."""
    system = System("announce", instances=[Instance("c", COUNTER)],
                    monitors=[Monitor("spec", seen_by("spec")), Monitor("audit", seen_by("audit"))],
                    properties=[sometimes("spec-saw-2", lambda v: v["spec"].seen == 2,
                                          clause="demo 4"),
                                always("audit-agrees", lambda v: v["audit"].seen == v["c"].n,
                                       clause="demo 5"),
                                always("nothing-queued", lambda v: not v.in_flight(),
                                       clause="demo 6")])
    r = explore(system)
    assert (r.distinct_states, r.total_states, r.depth, r.complete) == (3, 3, 3, True)
    assert verdicts(r) == {"spec-saw-2": "witnessed", "audit-agrees": "holds",
                           "nothing-queued": "holds", "no-deadlock": "holds",
                           "no-unhandled-message": "holds"}


def test_announcing_what_the_monitor_does_not_observe_is_refused():
    other = Role("other spec", states=["s"], initial="s", transitions=[
        Transition(Ping, "s", None, clause="demo 7")])
    system = System("announce", instances=[Instance("c", COUNTER), *SENDERS],
                    monitors=[Monitor("spec", other), Monitor("audit", seen_by("audit"))])
    with pytest.raises(ModelError, match="announces Tick to monitor 'spec', which observes no "
                                         "Tick") as info:
        explore(system)
    assert "add a transition on Tick to the role 'other spec'" in str(info.value)


class Ping(Message, clause="demo 8"):
    pass


SENDER = Role("sender", states=["idle", "done"], initial="idle", final=["idle", "done"],
              transitions=[Transition("send", "idle", "done", clause="demo 9", sends=[Ping],
                                      after=[lambda ctx: ctx.send("r", Ping())])])
RECEIVER = Role("receiver", states=["on"], initial="on", final=["on"],
                transitions=[Transition(Ping, "on", None, clause="demo 10")])
SENDERS = [Instance("a", SENDER), Instance("b", SENDER), Instance("r", RECEIVER)]


def order_spec(**role) -> Role:
    """P: spec OrderSpec observes Ping { start state None { on Ping do (from) { if (from ==
    a) goto AFirst; else goto Error; } } state AFirst { } state Error { } }"""
    return Role("order spec", states=["none", "a_first", "error"], initial="none", **role,
                transitions=[Transition(Ping, "none", "a_first", clause="demo 11", name="a_pings",
                                        conditions=[lambda ctx: ctx.sender == "a"]),
                             Transition(Ping, "none", "error", clause="demo 11", name="b_pings",
                                        conditions=[lambda ctx: ctx.sender == "b"])])


def pings(role: Role) -> System:
    return System("pings", network=Network.BAG, instances=SENDERS,
                  monitors=[Monitor("order", role, strict=True)])


def test_a_strict_monitor_fails_on_an_event_its_state_does_not_handle(engine):
    """P's unhandled event: in AFirst (and in Error) the second Ping has no handler. By hand
    (as tests/test_monitors.py counts the lenient monitor): 9 states of a, b and r, the 4
    where both sent split by who sent first: 13 distinct, 17 total, depth 5; where both sent,
    the monitor is in 'a_first: Ping unhandled' or 'error: Ping unhandled' instead. The
    shortest failing run is 2 steps: a sends, b sends. With P's `ignore Ping;` in both
    states (Role(ignores=)), the same 13 states hold the plain states and the check holds."""
    r = explore(pings(order_spec()))
    assert (r.distinct_states, r.total_states, r.depth) == (13, 17, 5)
    [v] = [v for v in r.verdicts if v.property.name == "order-handles-what-it-observes"]
    assert v.status == "violated" and len(v.trace) == 2
    assert v.trace.states[-1][2 + 3].state == "a_first: Ping unhandled"
    assert explain(pings(order_spec()), v).startswith(
        "monitor 'order' in state 'a_first' observes Ping, for which it has no transition "
        "there (P: unhandled event)")
    ignoring = explore(pings(order_spec(ignores={Ping: ["a_first", "error"]})))
    assert (ignoring.distinct_states, ignoring.total_states) == (13, 17)
    assert verdicts(ignoring)["order-handles-what-it-observes"] == "holds"


# -- probe 3: the initial message in flight chosen with the initial state (MCtcp) -----------

class Syn(Message, clause="tcp 1"):
    pass


class SynAck(Message, clause="tcp 2"):
    pass


class Ack(Message, clause="tcp 3"):
    pass


def _answer(kind: type[Message]):
    def answer(ctx) -> None:
        ctx.send(ctx.sender, kind())
    answer.__qualname__ = f"sends {kind.__name__}"
    return answer


NODE = Role("tcp node", states=["listen", "syn_sent", "syn_received", "established"],
            initial="listen", final=["established"],
            transitions=[Transition(Syn, "listen", "syn_received", clause="tcp 4",
                                    sends=[SynAck], after=[_answer(SynAck)]),
                         Transition(SynAck, "syn_sent", "established", clause="tcp 5",
                                    sends=[Ack], after=[_answer(Ack)]),
                         Transition(Ack, "syn_received", "established", clause="tcp 6"),
                         Transition("open", "listen", "syn_sent", clause="tcp 7",
                                    sends=[Syn], conditions=[lambda ctx: False])])


def tcp() -> System:
    # MCtcp: Init == \E node \in Node: tcb[node] = SYN-SENT /\ tcb[other] = LISTEN
    #                                  /\ network = <<SYN from node to other>>
    nodes = ("a", "b")
    return System("tcp", instances=[Instance(n, NODE) for n in nodes],
                  initial_states=lambda: [
                      {node: {"state": "syn_sent"},
                       "in_flight": [(node, other, Syn())]}
                      for node in nodes for other in nodes if other != node],
                  properties=[
                      always("syn-from-the-opener",
                             lambda v: all(v[s].state == "syn_sent" for s, _, _ in v.in_flight(Syn)),
                             clause="tcp 8"),
                      sometimes("connected",
                                lambda v: v["a"].state == v["b"].state == "established",
                                clause="tcp 9")])


def test_the_message_in_flight_goes_with_the_initial_state_chosen(engine):
    """Two initial states (a opens, or b opens), each with the opener's SYN, and only it, in
    flight; each runs SYN taken, SYN-ACK taken, ACK taken: 4 states a chain, both chains
    ending in the one state where both are established and nothing is in flight: 7
    distinct, 2 initial + 6 successors = 8 total, depth 4. A SYN is only ever in flight from the node
    that opened (a product of the two choices would have put one beside a listener)."""
    system = tcp()
    first = system.initial_states()
    assert [[(s, r) for s, r, _ in system.view(state).in_flight()] for state in first] == [
        [("a", "b")], [("b", "a")]]
    r = explore(system)
    assert (r.distinct_states, r.total_states, r.depth, r.complete) == (7, 8, 4, True)
    assert verdicts(r) == {"syn-from-the-opener": "holds", "connected": "witnessed",
                           "no-deadlock": "holds", "no-unhandled-message": "holds"}


def test_a_configuration_in_flight_names_instances_that_take_steps():
    with pytest.raises(ModelError, match="in_flight names 'c', which is not an instance "
                                         "that takes steps"):
        System("tcp", instances=[Instance("a", NODE), Instance("b", NODE)],
               initial_states=lambda: [{"in_flight": [("a", "c", Syn())]}])


# -- probe 4: one step taking two queued messages (tcp.tla's Note2) --------------------------

class Fin(Message, clause="note2 1"):
    pass


class FinAck(Message, clause="note2 2"):
    pass


def _close(ctx) -> None:
    ctx.send("r", Fin())
    ctx.send("r", FinAck())


CLOSER = Role("closer", states=["on", "done"], initial="on", final=["done"],
              transitions=[Transition("close", "on", "done", clause="note2 3",
                                      sends=[Fin, FinAck], after=[_close])])


def note2(*transitions: Transition) -> System:
    return System("note2", instances=[
        Instance("s", CLOSER),
        Instance("r", Role("taker", states=["established", "fin_taken", "closed"],
                           initial="established", final=["closed"], transitions=transitions))])


def test_a_step_taking_a_two_message_prefix_is_refused_with_the_encoding_that_works(engine):
    """A step takes one message: (Fin, FinAck) as one trigger is refused, and the error
    gives the encoding that works. That encoding, run: s sends Fin and FinAck in one step;
    r takes Fin (only when FinAck is next on its channel), then FinAck: initial, both
    queued, Fin taken, FinAck taken: 4 distinct, 4 total, depth 4 (TLC's one Note2 action
    gives 3: the state between is the price of two steps)."""
    with pytest.raises(ModelError) as info:
        note2(Transition((Fin, FinAck), "established", "closed", clause="note2 4"))
    words = str(info.value)
    assert ("trigger (Fin, FinAck) takes 2 queued messages in one step; a step takes one "
            "message (the head of one channel, or one of a bag)") in words
    assert ("take them in consecutive steps through a state of their own: Transition(Fin, "
            "'established', 'fin_taken', conditions=[lambda ctx: [type(m) for _, _, m in "
            "ctx.world.in_flight(to=ctx.me, sender=ctx.sender)][1:2] == [FinAck]]) then "
            "Transition(FinAck, 'fin_taken', <dest>)") in words
    system = note2(
        Transition(Fin, "established", "fin_taken", clause="note2 4", conditions=[
            lambda ctx: [type(m) for _, _, m in ctx.world.in_flight(
                to=ctx.me, sender=ctx.sender)][1:2] == [FinAck]]),
        Transition(FinAck, "fin_taken", "closed", clause="note2 5"))
    r = explore(system)
    assert (r.distinct_states, r.total_states, r.depth, r.complete) == (4, 4, 4, True)
    assert verdicts(r) == {"no-deadlock": "holds", "no-unhandled-message": "holds"}


# -- probe 5: weak fairness of a disjunction across processes (WF_vars(Next)) ---------------

def _flip(ctx) -> None:
    ctx.v.n = 1 - ctx.v.n


WORKER = Role("worker", states=["on"], initial="on", final=["on"], variables={"n": Var(int, 0)},
              transitions=[Transition("work", "on", None, clause="wf 1", after=[_flip])])
FINISHER = Role("finisher", states=["idle", "done"], initial="idle", final=["done"],
                transitions=[Transition("finish", "idle", "done", clause="wf 2")])


def processes(fairness) -> System:
    return System("wf", instances=[Instance("a", WORKER), Instance("b", FINISHER)],
                  fairness=fairness,
                  properties=[eventually("something-happens",
                                         lambda v: v["a"].n == 1 or v["b"].state == "done",
                                         clause="wf 3"),
                              eventually("b-finishes", lambda v: v["b"].state == "done",
                                         clause="wf 4")])


def test_weak_fairness_of_a_disjunction_across_processes(engine):
    """WF_vars(Next) with Next == A \\/ B: a flips n for ever, b finishes once. By hand: n in
    {0, 1} times b idle or done: 4 distinct; from each idle state 2 steps, each done state 1
    (a's flip): 1 initial + 6 = 7 total, depth 3. Under WF of the disjunction the run may not
    stop while a or b can move, so something happens (n = 1 or b done); but a flipping for
    ever takes the disjunction infinitely often, so b need not finish: a 2-step lasso of a's
    flips. WF of each (the per-process form) makes b finish; no fairness lets the run stop
    at once, so even 'something happens' fails."""
    both = explore(processes({("a", "b"): "weak"}))
    assert (both.distinct_states, both.total_states, both.depth) == (4, 7, 3)
    assert verdicts(both)["something-happens"] == "holds"
    [lasso] = [v for v in both.verdicts if v.property.name == "b-finishes"]
    assert lasso.status == "violated" and len(lasso.trace) == 2
    assert lasso.trace.loop_start == 0
    assert {k.actor for k in lasso.trace.steps} == {"a"}
    assert lasso.assumes == ("weak fairness of one action, any of (a: every step or b: every "
                             "step) (System fairness[('a', 'b')])",)
    each = verdicts(explore(processes({"a": "weak", "b": "weak"})))
    assert (each["something-happens"], each["b-finishes"]) == ("holds", "holds")
    none = verdicts(explore(processes(None)))
    assert (none["something-happens"], none["b-finishes"]) == ("violated", "violated")


# -- probe 6: symmetry over data values (TLC's Permutations(Value)) -------------------------

VALUES = ("v1", "v2", "v3")


def _pick(ctx) -> None:
    ctx.v.picked = ctx.v.picked | {ctx.arg}


CHOOSER = Role("chooser", states=["on"], initial="on", final=["on"],
               variables={"picked": Var(frozenset, frozenset())},
               transitions=[Transition("pick", "on", None, clause="sym 1", after=[_pick],
                                       conditions=[lambda ctx: len(ctx.v.picked) < 2],
                                       choices=lambda ctx: [v for v in VALUES
                                                            if v not in ctx.v.picked])])
VALUE = Role("value", states=["v"], initial="v", final=["v"], transitions=[])


def chooser(values_as_instances: bool, symmetry: bool = True) -> System:
    return System("values", instances=[Instance("c", CHOOSER), *(
                      Instance(v, VALUE) for v in VALUES if values_as_instances)],
                  symmetry=[VALUES] if symmetry else None,
                  properties=[always("two-at-most", lambda v: len(v["c"].picked) <= 2,
                                     clause="sym 2")])


def test_symmetry_over_data_values_is_declared_on_instances(engine):
    """Permutations(Value) over plain strings is refused, and the error gives the way that
    works: each value an instance of a role that takes no step. That, run: the chooser
    picks up to two of three values, unreduced 1 + 3 + 3 = 7 subsets, 1 + 3 + 3 x 2 = 10
    total, depth 3; reduced, one subset per size, 3 orbits, and 1 + 3 (from {}) + 2 (from
    one singleton) = 6 generated, depth 3."""
    with pytest.raises(ModelError) as info:
        chooser(values_as_instances=False)
    words = str(info.value)
    assert ("symmetry set 1 names 'v1', 'v2', 'v3', none of them an instance: a symmetry "
            "over data values (TLC's Permutations(Value)) is declared on instances") in words
    assert ("declare each value as an instance of a role that takes no step, VALUE = "
            "Role('value', states=['v'], initial='v', final=['v'], transitions=[])") in words
    plain = explore(chooser(values_as_instances=True, symmetry=False))
    assert (plain.distinct_states, plain.total_states, plain.depth) == (7, 10, 3)
    reduced = explore(chooser(values_as_instances=True))
    assert (reduced.distinct_states, reduced.total_states, reduced.depth) == (3, 6, 3)
    assert verdicts(reduced)["two-at-most"] == "holds"


# -- probe 8: an action property beside a state constraint is judged in the compiled core --
# (its cost: benchmarks/action_property.py; here only that both cores judge it alike)

COUNTER_TO_3 = Role("count", states=["on"], initial="on", final=["on"],
                    variables={"x": Var(int, 0)},
                    transitions=[Transition("inc", "on", None, clause="act 1",
                                            after=[lambda ctx: setattr(ctx.v, "x", ctx.v.x + 1)]),
                                 Transition("reset", "on", None, clause="act 2",
                                            conditions=[lambda ctx: ctx.v.x == 3],
                                            after=[lambda ctx: setattr(ctx.v, "x", 0)])])


def test_an_action_property_under_a_constraint_is_judged_only_on_steps_taken(engine):
    """TLC's CONSTRAINT x <= 3 beside two action properties. By hand: x = 0..3, 4 distinct;
    generated: the initial state, inc from 0, 1, 2 and 3 (x = 4: generated, counted, not
    taken) and reset from 3: 6 total, depth 4. The step to x = 4 is not taken, so
    `never-4` (after.x != 4) holds; `no-reset` fails on the reset, after 3 incs: 4 steps."""
    system = System("act", instances=[Instance("c", COUNTER_TO_3)],
                    constraint=lambda v: v["c"].x <= 3,
                    properties=[step("never-4", lambda before, key, after: after["c"].x != 4,
                                     clause="act 3"),
                                step("no-reset", lambda before, key, after:
                                     key.transition != "reset", clause="act 4")])
    r = explore(system)
    assert (r.distinct_states, r.total_states, r.depth) == (4, 6, 4)
    found = {v.property.name: (v.status, len(v.trace) if v.trace else None) for v in r.verdicts}
    assert found["never-4"] == ("holds", None)
    assert found["no-reset"] == ("violated", 4)
