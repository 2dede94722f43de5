"""Every declared loss is witnessed per message kind (issue 58; lang/faults.py,
loss_witnesses): a Loss that names its kinds gives the system one `sometimes("<Kind>-lost")`
per kind, reached where a covered message of that kind is in flight (the search then takes
the loss step); a kind the model never sends where the Loss covers it is `never`, and a
Loss that names no kinds derives nothing. The systems are small enough to count by hand:
a sends 1 and Other to r at the start, b sends nothing."""

from __future__ import annotations

from mcfsm import Instance, Loss, M, Message, Role, System, Timeout, Transition, Var, explore


class Num(Message, clause="t"):
    n: int = M("a number")


class Other(Message, clause="t"):
    pass


class Never(Message, clause="t"):
    pass


def _record(ctx):
    ctx.v.got = (*ctx.v.got, ctx.msg.n)


RECEIVER = Role("receiver", states=["on"], initial="on", final=["on"],
                variables={"got": Var(tuple, ())}, ignores=[Other, Never],
                transitions=[Transition(Num, "on", None, after=[_record])])
SENDER = Role("sender", states=["on"], initial="on", final=["on"],
              transitions=[Transition("never", "on", None, conditions=[lambda ctx: False],
                                      sends=[Num, Other, Never])])


def system(*faults) -> System:
    return System("lossy", check_deadlock=False, faults=list(faults),
                  instances=[Instance("a", SENDER, sends=[("r", Num(n=1)), ("r", Other())]),
                             Instance("b", SENDER), Instance("r", RECEIVER)])


def verdicts(s: System) -> dict[str, str]:
    return {v.property.name: v.status for v in explore(s).verdicts}


def test_each_kind_a_loss_names_gets_its_witness():
    got = verdicts(system(Loss.around("a", messages=(Num, Other), why="a may leave coverage")))
    assert got["Num-lost"] == "witnessed" and got["Other-lost"] == "witnessed"


def test_a_kind_never_sent_where_the_loss_covers_it_is_never_lost():
    """Never is declared lost but nobody sends it; Num is declared lost only on b's channels,
    where nothing is sent: both witnesses are never, which --expected reports unless the
    variant declares them so."""
    got = verdicts(system(Loss.around("a", messages=(Never,), why="w"),
                          Loss.around("b", messages=(Num,), why="w")))
    assert got["Never-lost"] == "never" and got["Num-lost"] == "never"


def test_the_witness_follows_where_the_loss_applies_not_its_kinds_alone():
    """A Loss whose where= covers no Num sent (only those with n > 1) leaves Num-lost never:
    the witness reads the declaration's where, so a loss that can never happen shows."""
    loss = Loss.around("a", messages=(Num,), why="w")
    narrowed = Loss(lambda s, r, m: loss.applies(s, r, m) and m.n > 1, why="w", kinds=(Num,))
    assert verdicts(system(loss))["Num-lost"] == "witnessed"
    assert verdicts(system(narrowed))["Num-lost"] == "never"


def test_a_loss_of_every_kind_derives_no_witness():
    got = verdicts(system(Loss.around("a", why="every message")))
    assert not [name for name in got if name.endswith("-lost")]
    assert not [name for name in verdicts(System(
        "everywhere", check_deadlock=False, loss=True,
        instances=[Instance("a", SENDER, sends=[("r", Num(n=1))]), Instance("r", RECEIVER)]))
        if name.endswith("-lost")]


def test_several_losses_keep_the_union_of_their_kinds():
    got = verdicts(system(Loss.of(Num, why="w"), Loss.of(Other, why="w")))
    assert got["Num-lost"] == "witnessed" and got["Other-lost"] == "witnessed"


# -- an answer ends only its own transaction, derived from every declared Transaction -------
class Req(Message, clause="t"):
    n: int = M("which request")


class Ans(Message, clause="t"):
    n: int = M("the request it answers")


def transaction_system(matches) -> System:
    """c sends Req(1), then (answered or timed out) Req(2); s answers each with Ans(n).
    `matches`: the declared match of the transaction."""
    from mcfsm import Transaction

    def ask(ctx):
        ctx.v.asked += 1
        ctx.send("s", Req(n=ctx.v.asked))

    client = Role("client", states=["idle", "waiting"], initial="idle",
                  final=["idle", "waiting"], variables={"asked": Var(int, 0)},
                  transactions=[Transaction(Req, responses=[Ans], matches=matches)],
                  transitions=[
                      Transition("ask", "idle", "waiting", after=[ask], sends=[Req],
                                 conditions=[lambda ctx: ctx.v.asked < 2]),
                      Transition(Ans, "waiting", "idle"),
                      Transition(Ans, "idle", None, name="late"),
                      Transition(Timeout(Req), ["waiting", "idle"], "idle")])
    server = Role("server", states=["on"], initial="on", final=["on"],
                  transitions=[Transition(Req, "on", None, sends=[Ans], after=[
                      lambda ctx: ctx.send(ctx.sender, Ans(n=ctx.msg.n))])])
    return System("txn", check_deadlock=False,
                  instances=[Instance("c", client), Instance("s", server)])


def test_the_derived_transaction_property_judges_the_declared_match():
    """Matched by the number it names, each answer ends its own request's transaction: the
    property holds. Matched by anything, Req(1)'s late answer ends Req(2)'s transaction
    (after Req(1) timed out and Req(2) was sent): violated."""
    right = verdicts(transaction_system(lambda ctx: ctx.msg.n == ctx.v.asked))
    wrong = verdicts(transaction_system(None))
    assert right["answer-ends-only-its-transaction"] == "holds"
    assert wrong["answer-ends-only-its-transaction"] == "violated"


def test_identified_by_names_the_elements_an_answer_repeats():
    """A request retargeted on its way (a forwarded call) is answered naming the new called
    ID; identified_by leaves that element out of the comparison, and a name the request
    lacks is refused with the elements it has."""
    import pytest

    from mcfsm import ModelError, Transaction
    from mcfsm.lang.timers import answers_request, request_names

    t = Transaction(Req, responses=[Ans])
    assert answers_request(request_names(t, "s", Req(n=1)), "s", Ans(n=1))
    assert not answers_request(request_names(t, "s", Req(n=1)), "s", Ans(n=2))
    assert not answers_request(request_names(t, "s", Req(n=1)), "other", Ans(n=1))
    loose = Transaction(Req, responses=[Ans], identified_by=())
    assert answers_request(request_names(loose, "s", Req(n=1)), "s", Ans(n=2))
    with pytest.raises(ModelError, match=r"identified_by=.* names no element"):
        Role("c", states=["a"], initial="a", final=["a"],
             transactions=[Transaction(Req, responses=[Ans], identified_by=("m",))],
             transitions=[Transition(Timeout(Req), "a", None)])
