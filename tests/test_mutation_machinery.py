"""The mutation benchmark's operators for the machinery (benchmarks/mutation.py,
machinery_mutants and finding_mutants; issue 58): each is generated where its machinery is
declared, and applied it changes what it says it changes. The system is small enough to
count by hand: c asks s (a transaction, Timer F free), s answers; the network may lose the
request; a monitor counts the requests."""

from __future__ import annotations

from benchmarks.mutation import finding_mutants, machinery_mutants
from mcfsm import (
    SUPPORTS,
    Instance,
    Loss,
    M,
    Message,
    Monitor,
    Role,
    System,
    Timeout,
    Transaction,
    Transition,
    Var,
    explore,
)


class Ask(Message, clause="t"):
    n: int = M("which")


class Answer(Message, clause="t"):
    n: int = M("which")


def _ask(ctx):
    ctx.send("s", Ask(n=1))
    ctx.send("s", Ask(n=2))


def _count(ctx):
    ctx.v.asked += 1


def system() -> System:
    client = Role("client", states=["idle", "waiting", "done"], initial="idle",
                  final=["idle", "done"],
                  transactions=[Transaction(Ask, responses=[Answer],
                                            matches=lambda ctx: ctx.msg.n == 2)],
                  transitions=[Transition("ask", "idle", "waiting", after=[_ask], sends=[Ask]),
                               Transition(Answer, ["waiting", "done"], "done"),
                               Transition(Timeout(Ask), ["waiting", "done"], "done")])
    server = Role("server", states=["on"], initial="on", final=["on"],
                  transitions=[Transition(Ask, "on", None, sends=[Answer], after=[
                      lambda ctx: ctx.send(ctx.sender, Answer(n=ctx.msg.n))])])
    counter = Role("asks", states=["on"], initial="on", observer=True,
                   variables={"asked": Var(int, 0)},
                   transitions=[Transition(Ask, "on", None, after=[_count])])
    return System("m", check_deadlock=False, monitors=[Monitor("asks", counter)],
                  faults=[Loss.around("c", messages=(Ask,), why="c may leave coverage")],
                  instances=[Instance("c", client), Instance("s", server)])


def labels() -> set[str]:
    return {label for label, _ in machinery_mutants(system())}


def test_each_kind_of_machinery_gets_its_operators():
    got = labels()
    assert {"timer-never-fires client.Ask times out", "answer-matches-any client.Ask",
            "answer-matches-none client.Ask", "loss-never-happens", "loss-spares:Ask",
            "count-plus-one asks.Ask", "count-minus-one asks.Ask",
            "swap-sends client.ask"} <= got, got
    # the timer outlasts nothing here: firing "always" is what it does already
    assert not [label for label in got if label.startswith("timer-fires-always")]


def verdict_after(label: str, prop: str) -> str:
    s = system()
    dict(machinery_mutants(s))[label](s)
    return next(v.status for v in explore(s).verdicts if v.property.name == prop)


def test_a_loss_that_never_happens_leaves_its_witness_never():
    assert verdict_after("loss-spares:Ask", "Ask-lost") == "never"
    assert verdict_after("loss-never-happens", "Ask-lost") == "never"
    s = system()
    assert next(v.status for v in explore(s).verdicts if v.property.name == "Ask-lost") \
        == "witnessed"


def test_an_answer_matched_to_any_transaction_is_seen():
    """Ask 1's answer (n=1) comes first; matched to anything, it ends the transaction of
    Ask 2, sent in the same step: the derived property says so."""
    assert verdict_after("answer-matches-any client.Ask",
                         "answer-ends-only-its-transaction") == "violated"


def test_finding_mutants_flip_each_stance_and_each_outside_reading():
    from mcfsm import GAP_IN_THE_TEXT, Fact, Model, Param

    fact = Fact("sheet", clause="X", says="timers expire")
    model = Model("m", doc="")
    model.add_variant("v", lambda: System(
        "m", check_deadlock=False, instances=[Instance("c", Role(
            "client", states=["on"], initial="on", final=["on"],
            transitions=[Transition("tick", "on", None, clause="t")]))],
        params={"timer": Param(("free", "outlasts"), clause="t")}))
    model.finding("f", prop="no-unhandled-message", variants=("v",), cls=GAP_IN_THE_TEXT, why="w",
                  facts=(fact.bears(SUPPORTS, "timer=free"),),
                  outside_readings=("timer=outlasts",))
    got = {label: f for label, _, f in finding_mutants(model)}
    assert set(got) == {"stance-flipped f#1:sheet", "outside-reading-dropped f:timer=outlasts",
                        "outside-reading-swapped f:timer=outlasts"}
    assert got["stance-flipped f#1:sheet"].facts[0].how != SUPPORTS
    assert got["outside-reading-swapped f:timer=outlasts"].outside_readings == ("timer=free",)


Pair = dict  # a constructor named as a Message class is (capitalised), for the test below


def test_swap_arguments_swaps_two_elements_of_a_message_built_in_the_code():
    """The source operator swap-arguments, on a function that builds a message with two
    keyword arguments: one mutant, which gives the message the swapped values."""
    import types

    from benchmarks import mutation_source as ms

    def answer(ctx):
        ctx.send(ctx.sender, Answer(n=ctx.msg.n))

    def both(ctx):
        return Ask(n=1), Pair(a=1, b=2)

    [swapped] = [m for m in ms.source_mutants(ms.Target(both.__code__, {"action"}))
                 if m.op == "swap-arguments"]
    assert swapped.label.endswith(":a/b")
    fn = types.FunctionType(swapped.code, both.__globals__)
    assert fn(None)[1] == {"a": 2, "b": 1}
    assert not [m for m in ms.source_mutants(ms.Target(answer.__code__, {"action"}))
                if m.op == "swap-arguments"]  # one keyword argument: nothing to swap
