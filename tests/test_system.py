"""The successor function: network semantics, contexts, and errors raised from model code."""

import pytest

from mcfsm import (
    Budget,
    Instance,
    M,
    Message,
    ModelError,
    Network,
    Param,
    Role,
    System,
    Transition,
    Var,
    explore,
)


class Note(Message, clause="test"):
    n: int = M()


def sender_role(count: int = 2) -> Role:
    def send_all(ctx):
        for k in range(count):
            ctx.send("rx", Note(n=k))

    return Role("sender", states=["start", "sent"], initial="start", final=["sent"],
                transitions=[Transition("send", "start", "sent", after=[send_all], sends=[Note],
                                        clause="t")])


def receiver_role() -> Role:
    def log(ctx):
        ctx.v.got = (*ctx.v.got, ctx.msg.n)

    return Role("receiver", states=["on"], initial="on", final=["on"],
                variables={"got": Var(tuple, ())},
                transitions=[Transition(Note, "on", None, after=[log], clause="t")])


def pair(network: Network, **kw) -> System:
    return System("pair", instances=[Instance("tx", sender_role()), Instance("rx", receiver_role())],
                  network=network, **kw)


def reachable_logs(system: System) -> set[tuple]:
    seen, todo = set(), list(system.initial_states())
    while todo:
        s = todo.pop()
        if s in seen:
            continue
        seen.add(s)
        todo.extend(nxt for _, nxt in system.successors(s) if system.within_bounds(nxt))
    return {system.view(s)["rx"].got for s in seen}


def test_fifo_keeps_order_per_sender():
    assert reachable_logs(pair(Network.FIFO)) == {(), (0,), (0, 1)}


def test_bag_delivers_in_any_order():
    assert reachable_logs(pair(Network.BAG)) == {(), (0,), (1,), (0, 1), (1, 0)}


def test_persistent_set_delivers_again_and_again():
    logs = reachable_logs(pair(Network.PERSISTENT, constraint=lambda v: len(v["rx"].got) <= 3))
    assert (0, 0, 0) in logs and (1, 0, 1) in logs


def test_loss_drops_messages():
    logs = reachable_logs(pair(Network.FIFO, loss=True))
    assert (1,) in logs and () in logs  # first message lost, second delivered


def test_duplication_needs_a_bound_and_then_duplicates():
    with pytest.raises(ModelError, match="max_in_flight"):
        pair(Network.FIFO, duplication=True)
    logs = reachable_logs(pair(Network.FIFO, duplication=True, max_in_flight=3,
                               constraint=lambda v: len(v["rx"].got) <= 3))
    assert (0, 0, 1) in logs


def test_states_are_hashable_and_immutable():
    s = pair(Network.FIFO).initial_states()[0]
    assert hash(s) == hash(tuple(s))
    with pytest.raises(TypeError):
        s[0] = 1  # type: ignore[index]


def test_message_nobody_accepts_is_a_model_error():
    with pytest.raises(ModelError, match="no role of this system accepts or ignores") as err:
        System("s", instances=[Instance("tx", sender_role())])
    assert "role 'sender'" in str(err.value) and "transition 'send'" in str(err.value)


def test_message_nobody_sends_is_a_model_error():
    with pytest.raises(ModelError, match="which no role of this system sends"):
        System("s", instances=[Instance("rx", receiver_role())])


def test_sending_an_undeclared_message_type_names_the_transition():
    class Other(Message, clause="t"):
        pass

    def bad(ctx):
        ctx.send("rx", Other())

    tx = Role("sender", states=["a", "b"], initial="a",
              transitions=[Transition("go", "a", "b", after=[bad], sends=[Note], clause="9.9")])
    system = System("s", instances=[Instance("tx", tx), Instance("rx", receiver_role())])
    with pytest.raises(ModelError) as err:
        explore(system)
    assert "not in its sends" in str(err.value) and "'go'" in str(err.value)
    assert "9.9" in str(err.value)


def test_assigning_an_undeclared_variable_or_wrong_type():
    def undeclared(ctx):
        ctx.v.nope = 1

    def wrong_type(ctx):
        ctx.v.n = "one"

    for action, pattern in ((undeclared, "undeclared variable 'nope'"),
                            (wrong_type, "assigns 'one' to variable 'n'")):
        r = Role("r", states=["a"], initial="a", variables={"n": Var(int, 0)},
                 transitions=[Transition("t", "a", None, after=[action], clause="c")])
        with pytest.raises(ModelError, match=pattern):
            explore(System("s", instances=[Instance("i", r)]))


def test_exception_in_a_guard_is_reported_with_role_transition_clause():
    def broken(ctx):
        return {}["missing"]

    r = Role("r", states=["a"], initial="a",
             transitions=[Transition("t", "a", None, conditions=[broken], clause="10.16.3 step 2")])
    with pytest.raises(ModelError) as err:
        explore(System("s", instances=[Instance("i", r)]))
    text = str(err.value)
    assert "KeyError" in text and "'t'" in text and "10.16.3 step 2" in text


def test_each_parameter_choice_is_an_initial_state():
    r = Role("r", states=["a"], initial="a", final=["a"],
             transitions=[Transition("t", "a", None, clause="c",
                                     conditions=[lambda ctx: ctx.params.policy == "reject"])])
    system = System("s", instances=[Instance("i", r)],
                    params={"policy": Param(("reject", "accept"), doc="NOTE 3", clause="10.16.3")})
    assert [s[0].policy for s in system.initial_states()] == ["reject", "accept"]
    result = explore(system)
    assert result.distinct_states == 2  # t changes nothing, so each choice is one state


def test_choices_make_one_step_per_value():
    def pick(ctx):
        ctx.v.target = ctx.arg

    r = Role("r", states=["idle", "done"], initial="idle", final=["done"],
             variables={"target": Var(str, "")},
             transitions=[Transition("migrate", "idle", "done", choices=lambda ctx: ("B", "C"),
                                     after=[pick], clause="X.1.7.4")])
    system = System("s", instances=[Instance("i", r)])
    steps = system.successors(system.initial_states()[0])
    assert sorted(k.arg for k, _ in steps) == ["B", "C"]


def test_unknown_instance_in_a_view_is_explained():
    system = pair(Network.FIFO)
    with pytest.raises(ModelError, match="no instance named 'nobody'"):
        system.view(system.initial_states()[0])["nobody"]


def test_budget_on_an_infinite_system_says_incomplete():
    def inc(ctx):
        ctx.v.n += 1

    r = Role("counter", states=["on"], initial="on", variables={"n": Var(int, 0)},
             transitions=[Transition("inc", "on", None, after=[inc], clause="c")])
    result = explore(System("s", instances=[Instance("c", r)]), Budget(max_states=50))
    assert not result.complete and result.stopped_by == "max-states"
    assert result.distinct_states == 50
    assert all(v.status == "unknown" for v in result.verdicts)


def test_a_run_is_named_by_step_numbers_and_replayed_from_them():
    """A stored trace is the initial state's number and each step's number among its
    state's successors (check/stored.py): step_numbers gives them, replayed walks them back
    to the same states and steps, on a system built afresh."""
    system = pair(Network.BAG)
    states, keys = [system.initial_states()[0]], []
    while True:  # the last of each state's successors: a run that takes every kind of step
        successors = system.successors(states[-1])
        if not successors:
            break
        key, nxt = successors[-1]
        keys.append(key)
        states.append(nxt)
    assert len(keys) == 3  # send, then the two notes received
    initial, numbers = system.step_numbers(states, keys, {})
    assert initial == 0 and numbers[0] == 0 and len(numbers) == 3
    again, again_keys = pair(Network.BAG).replayed(initial, numbers, {})
    assert (again, again_keys) == (states, keys)
    memo: dict = {}
    pair(Network.BAG).replayed(initial, numbers, memo)
    assert len(memo) == 1 + 3  # the initial states, and the successors of each state left


def test_choices_named_as_a_finding_names_them_pin_the_system():
    r = Role("r", states=["a"], initial="a", final=["a"],
             transitions=[Transition("t", "a", None, clause="c")])
    system = System("s", instances=[Instance("i", r)],
                    params={"policy": Param(("reject", "accept"), doc="NOTE 3", clause="10.16.3"),
                            "n": Param((1, 2), doc="d", clause="c")})
    pinned = system.pinned(("policy=accept", "n=2"))
    assert [(s[0].policy, s[0].n) for s in pinned.initial_states()] == [("accept", 2)]
    assert system.pinned(()) is system
    fix = r"(?s)has no choice 'maybe'.*use one of policy=reject, policy=accept"
    with pytest.raises(ModelError, match=fix):
        system.pinned(("policy=maybe",))
    with pytest.raises(ModelError, match="has no parameter 'polcy'"):
        system.pinned(("polcy=accept",))
