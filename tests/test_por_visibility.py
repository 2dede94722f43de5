"""benchmarks/por_visibility.py's ceiling on partial-order reduction (issue 34 item 1): on
small systems whose independent and visible steps can be listed by hand, the figures it
prints for the bundled models are the figures these systems have."""

from __future__ import annotations

from benchmarks.por_visibility import independence_ceiling, sampled_steps
from mcfsm import Instance, Message, Role, System, Transition, Var, always


class Ping(Message):
    pass


def counter(name: str, top: int) -> Instance:
    role = Role("counter", states=["on"], initial="on", final=["on"],
                variables={"n": Var(int, 0)},
                transitions=[Transition("tick", "on", None, clause="t",
                                        conditions=[lambda c: c.v.n < top],
                                        after=[lambda c: setattr(c.v, "n", c.v.n + 1)])])
    return Instance(name, role)


def ceiling(system: System) -> tuple[int, int, int, int]:
    return independence_ceiling(system, sampled_steps(system, walks=40, length=10, seed=1))


def test_two_counters_are_independent_and_invisible_where_nothing_reads_them():
    """a and b each count to 2 on their own: 9 states, 8 with a step (all but (2, 2)); in
    each, the instance that can still count changes only its own local."""
    free = System("free", instances=[counter("a", 2), counter("b", 2)])
    states, ample, hidden, no_local = ceiling(free)
    assert states == 8 and ample == 8 and hidden == 8 and no_local == 8


def test_a_property_on_every_local_makes_every_step_visible():
    watched = System("watched", instances=[counter("a", 2), counter("b", 2)],
                     properties=[always("small", lambda v: v["a"].n + v["b"].n <= 4)])
    states, ample, hidden, no_local = ceiling(watched)
    assert (states, ample, hidden, no_local) == (8, 8, 0, 0)


def test_a_property_on_one_local_leaves_the_other_instance_invisible():
    """b's steps are invisible; b can step in the 6 states where b < 2 (and a's steps,
    read by the property, are not)."""
    half = System("half", instances=[counter("a", 2), counter("b", 2)],
                  properties=[always("a-small", lambda v: v["a"].n <= 2)])
    states, ample, hidden, no_local = ceiling(half)
    assert (states, ample, hidden, no_local) == (8, 8, 6, 6)


def test_a_receiver_on_an_empty_channel_is_not_independent():
    """p sends one Ping to q; q can also tick once. While the channel p -> q is empty, p may
    still send, so q's tick does not qualify (p's send, which changes only p's local and q's
    inbox, does). Once the Ping is queued, q qualifies: a new message would queue behind."""
    def sender(guard=None) -> Role:
        return Role("sender", states=["idle", "sent"], initial="idle", final=["sent"],
                    transitions=[Transition("send", "idle", "sent", clause="s",
                                            conditions=[guard] if guard else [],
                                            after=[lambda c: c.send("q", Ping())],
                                            sends=[Ping])])
    receiver = Role("receiver", states=["wait", "got"], initial="wait", final=["got"],
                    variables={"n": Var(int, 0)},
                    transitions=[Transition("tick", "wait", None, clause="t",
                                            conditions=[lambda c: c.v.n < 1],
                                            after=[lambda c: setattr(c.v, "n", 1)]),
                                 Transition(Ping, "wait", "got", clause="r")])
    system = System("ping", instances=[Instance("p", sender()), Instance("q", receiver)])
    # States with a step: (idle, wait 0), (idle, wait 1), (sent, wait 0, Ping queued),
    # (sent, wait 1, Ping queued). In the first two only p qualifies; in the last two q does
    # (p has no step left). Every one of them qualifies, and nothing reads anything.
    states, ample, hidden, no_local = ceiling(system)
    assert (states, ample, hidden, no_local) == (4, 4, 4, 4)
    # Take p's step away from the first state: q alone, on an empty channel, then does not
    # qualify there, so the ceiling drops by the states where p could still send.
    lazy = System("ping-lazy", instances=[
        Instance("p", sender(lambda c: c.world["q"].n == 1)), Instance("q", receiver)])
    states, ample, hidden, no_local = ceiling(lazy)
    # (idle, wait 0): only q can tick, on an empty channel p sends on later: not counted.
    # (idle, wait 1): p can send: counted. (sent, wait 1, Ping queued): q: counted.
    assert (states, ample) == (3, 2)


def test_a_step_that_writes_a_shared_variable_is_not_independent():
    """The same two counters, each also adding to a shared total: every step writes the
    shared record the other instance's steps write too, so no state has a candidate."""
    def adding(name: str) -> Instance:
        def tick(c) -> None:
            c.v.n += 1
            c.shared.total += 1
        role = Role("adder", states=["on"], initial="on", final=["on"],
                    variables={"n": Var(int, 0)},
                    transitions=[Transition("tick", "on", None, clause="t",
                                            conditions=[lambda c: c.v.n < 2], after=[tick])])
        return Instance(name, role)

    system = System("adders", instances=[adding("a"), adding("b")],
                    shared={"total": Var(int, 0)})
    states, ample, hidden, no_local = ceiling(system)
    assert (states, ample, hidden, no_local) == (8, 0, 0, 0)
