"""Messages in flight in an initial state and correlated initial states (issue 22 items 1
and 2): what Stateright's on_start sends and TLA+'s `Init == \\E x \\in S: ...` need.
Every count here is worked out by hand in the test's comment."""

from __future__ import annotations

import pytest

from mcfsm import (
    Instance,
    M,
    Message,
    ModelError,
    Network,
    Role,
    System,
    Transition,
    Var,
    always,
    explore,
    one_of,
    sometimes,
)


class Ping(Message, clause="pp 1"):
    n: int = M("count")


class Pong(Message, clause="pp 2"):
    n: int = M("count")


def _pong(ctx):
    ctx.send(ctx.sender, Pong(n=ctx.msg.n))


def _again(ctx):
    ctx.v.got = ctx.msg.n + 1
    if ctx.msg.n + 1 < 3:
        ctx.send("ponger", Ping(n=ctx.msg.n + 1))


PINGER = Role("pinger", states=["on"], initial="on", variables={"got": Var(int, 0)},
              transitions=[Transition(Pong, "on", None, clause="pp 3", after=[_again],
                                      sends=[Ping])], final=["on"])
PONGER = Role("ponger", states=["on"], initial="on",
              transitions=[Transition(Ping, "on", None, clause="pp 4", after=[_pong],
                                      sends=[Pong])], final=["on"])


def pingpong(network: Network = Network.FIFO, first: tuple = (("ponger", Ping(n=0)),)) -> System:
    return System("pingpong", network=network, instances=[
        Instance("pinger", PINGER, sends=first), Instance("ponger", PONGER)],
        properties=[sometimes("three", lambda v: v["pinger"].got == 3, clause="pp 6")])


@pytest.mark.parametrize("network", [Network.FIFO, Network.BAG])
def test_a_message_in_flight_at_the_start_is_delivered_like_any_other(network):
    # One message is in flight in every state, so the run is a chain: the initial state,
    # then Ping0 delivered, Pong0, Ping1, Pong1, Ping2, Pong2: 7 states, 6 steps, depth 7.
    r = explore(pingpong(network))
    assert (r.distinct_states, r.total_states, r.depth) == (7, 7, 7)
    (witness,) = [v for v in r.verdicts if v.property.name == "three"]
    assert witness.status == "witnessed" and len(witness.trace) == 6
    assert witness.trace.states[0][-1] != pingpong()._empty_inbox()  # ponger's inbox


def test_two_initial_messages_keep_their_order_on_fifo():
    system = pingpong(first=(("ponger", Ping(n=1)), ("ponger", Ping(n=0))))
    (state,) = system.initial_states()
    assert [m.n for _, queue in state[-1] for m in queue] == [1, 0]


def test_initial_sends_are_validated():
    with pytest.raises(ModelError, match="unknown instance 'nobody'"):
        pingpong(first=(("nobody", Ping(n=0)),))
    with pytest.raises(ModelError, match="sends contains"):
        pingpong(first=(("ponger", "Ping"),))


def _inc(ctx):
    ctx.v.v = ctx.v.v + 1


COUNTER = Role("counter", states=["on", "off"], initial="on", variables={"v": Var(int, 0)},
               transitions=[Transition("inc", "on", None, clause="c 1", after=[_inc],
                                       conditions=[lambda ctx: ctx.me == "a" and ctx.v.v < 3]),
                            Transition("stop", "on", "off", clause="c 2",
                                       conditions=[lambda ctx: False])],
               final=["on", "off"])


def correlated(configs) -> System:
    return System("pairs", instances=[Instance("a", COUNTER), Instance("b", COUNTER)],
                  initial_states=lambda: configs,
                  properties=[always("b-fixed", lambda v: v["b"].v <= 3, clause="c 3")])


def test_correlated_initial_states_count_as_tlc_counts():
    # Init == \E x \in {1, 2, 3}: a = x /\ b = x; only a increments, up to 3:
    # (1,1)->(2,1)->(3,1), (2,2)->(3,2), (3,3): 3 initial + 3 new = 6 distinct, 3 initial
    # + 3 successors = 6 total, and the longest chain has 3 states (depth 3).
    r = explore(correlated([{"a": {"v": x}, "b": {"v": x}} for x in (1, 2, 3)]))
    assert (r.distinct_states, r.total_states, r.depth) == (6, 6, 3)
    # the same configuration twice: one more generated initial state, no new distinct one
    r = explore(correlated([{"a": {"v": x}, "b": {"v": x}} for x in (1, 1, 2, 3)]))
    assert (r.distinct_states, r.total_states) == (6, 7)


def test_a_configuration_may_set_a_state_and_leaves_the_rest_as_declared():
    system = correlated([{"a": {"state": "off"}}])
    (state,) = system.initial_states()
    assert state[2].state == "off" and state[2].v == 0 and state[3].state == "on"


@pytest.mark.parametrize("configs, words", [
    ([{"c": {"v": 1}}], "neither 'shared' nor an instance"),
    ([{"a": {"w": 1}}], "unknown variable 'w'"),
    ([{"a": {"v": "one"}}], "not of its declared type"),
    ([{"a": {"state": "of"}}], "does not declare"),
    ([], "no configuration"),
    ([[1]], "is not a mapping"),
])
def test_correlated_initial_states_are_validated(configs, words):
    with pytest.raises(ModelError, match=words):
        correlated(configs)


def test_a_one_of_variable_must_be_given_in_every_configuration():
    role = Role("r", states=["on"], initial="on", variables={"v": Var(int, one_of(1, 2))},
                transitions=[Transition("t", "on", None, clause="c 1")], final=["on"])
    with pytest.raises(ModelError, match="one_of"):
        System("s", instances=[Instance("a", role)], initial_states=lambda: [{"a": {}}])


def test_a_step_property_sees_what_the_step_sent():
    """after.sent_since(before): each step of the ping-pong chain puts exactly one message
    in flight, except the last (the pinger stops at 3)."""
    from mcfsm import step

    def one_send(before, key, after):
        sent = after.sent_since(before)
        return len(sent) == (0 if after["pinger"].got == 3 else 1)

    def pong_answers_ping(before, key, after):
        return key.actor != "ponger" or [(s, r, type(m)) for s, r, m in after.sent_since(before)] \
            == [("ponger", "pinger", Pong)]

    system = System("pingpong", instances=[
        Instance("pinger", PINGER, sends=[("ponger", Ping(n=0))]), Instance("ponger", PONGER)],
        properties=[step("one-send", one_send, clause="pp 7"),
                    step("pong-answers", pong_answers_ping, clause="pp 8"),
                    step("two-sends", lambda b, k, a: len(a.sent_since(b)) == 2,
                         clause="pp 9")])
    result = explore(system)
    assert {v.property.name: v.status for v in result.verdicts}["two-sends"] == "violated"
    assert {v.property.name: v.status for v in result.verdicts}["one-send"] == "holds"
    assert {v.property.name: v.status for v in result.verdicts}["pong-answers"] == "holds"


def _teleport(ctx):
    ctx.v.v = 9


def _teleporter(with_inc: bool, constrained: bool) -> System:
    transitions = [Transition("teleport", "on", None, clause="a 1", after=[_teleport],
                              conditions=[lambda ctx: ctx.v.v == 0])]
    if with_inc:
        transitions.append(Transition("inc", "on", None, clause="a 2", after=[_inc],
                                      conditions=[lambda ctx: ctx.v.v < 2]))
    role = Role("t", states=["on"], initial="on", variables={"v": Var(int, 0)},
                transitions=transitions)
    return System("teleport", instances=[Instance("t", role)],
                  action_constraint=(lambda before, key, after: after["t"].v - before["t"].v <= 1)
                  if constrained else None,
                  final=lambda v: v["t"].v in (2, 9))


@pytest.mark.parametrize("pure", ["0", "1"], ids=["compiled", "twin"])
def test_an_action_constraint_prunes_steps_as_tlc_does(pure, monkeypatch):
    monkeypatch.setenv("MCFSM_PURE", pure)
    # without it: 0 -> 1 -> 2 and 0 -> 9: 4 distinct, 1 initial + 3 successors = 4 total
    r = explore(_teleporter(True, False))
    assert (r.distinct_states, r.total_states) == (4, 4)
    # with it the jump to 9 is not taken: 0 -> 1 -> 2, 3 distinct; the jump is still
    # generated (then pruned), so the total stays 4, as for a state constraint
    r = explore(_teleporter(True, True))
    assert (r.distinct_states, r.total_states, r.depth) == (3, 4, 3)
    assert r.complete


def test_a_state_whose_steps_are_all_pruned_is_not_a_deadlock():
    # the only step from 0 is the jump, which the action constraint rejects; a marker
    # variable emulating it would leave 0 without successors: a spurious deadlock
    r = explore(_teleporter(False, True))
    assert r.distinct_states == 1
    assert {v.property.name: v.status for v in r.verdicts}["no-deadlock"] == "holds"


def test_an_action_constraint_is_validated():
    role = Role("t", states=["on"], initial="on", final=["on"],
                transitions=[Transition("t", "on", None, clause="a 1")])
    with pytest.raises(ModelError, match="action_constraint="):
        System("s", instances=[Instance("t", role)], action_constraint=lambda v: True)


def test_the_hypothesis_runtime_starts_where_the_explorer_does():
    """The transitions runtime (the independent semantics of the differential test) starts
    with the initial sends in flight and a correlated initial state's role state."""
    from mcfsm.check.runtime.machines import Runtime

    for system in (pingpong(Network.FIFO), pingpong(Network.BAG),
                   correlated([{"a": {"state": "off", "v": 2}}, {"b": {"v": 1}}])):
        for k, state in enumerate(system.initial_states()):
            assert Runtime(system, k).export() == state


def test_an_endless_initial_states_generator_stops_at_the_command_s_budget(tmp_path):
    """Issue 33: an endless (or slow) initial_states generator ignored --max-states and
    --time-limit and the command never returned; now --max-states stops it with an error
    naming initial_states= and the option to raise, and --time-limit cuts it."""
    from .conftest import run_cli

    (tmp_path / "endless.py").write_text(
        "import itertools\n"
        "from mcfsm import Instance, Model, Role, System, Transition, Var, always\n"
        "R = Role('r', states=['on'], initial='on', final=['on'], variables={'x': Var(int, 0)},\n"
        "         transitions=[Transition('t', 'on', None, conditions=[lambda ctx: False])])\n"
        "def build():\n"
        "    return System('endless', instances=[Instance('r', R)],\n"
        "                  initial_states=lambda: ({'r': {'x': n}} for n in itertools.count()),\n"
        "                  properties=[always('p', lambda v: True)])\n"
        "model = Model('endless')\n"
        "model.add_variant('base', build)\n")
    proc = run_cli("check", str(tmp_path / "endless.py"), "--max-states", "1000")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "initial_states=" in proc.stderr and "more than 1,000 configurations" in proc.stderr
    # the time limit cuts it as it cuts a search (issue 57 item 4): exit 3, not an error
    proc = run_cli("check", str(tmp_path / "endless.py"), "--time-limit", "1",
                   "--max-states", "100000000")
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "initial_states= was still listing the initial configurations when the " \
        "--time-limit of 1 s ran out" in proc.stderr
    assert "INCOMPLETE, stopped by the --time-limit budget" in proc.stdout
