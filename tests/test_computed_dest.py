"""A transition whose destination depends on data (issue 22 item 5, second half):
`Transition(..., dest=f, dests=("a", "b"))`. Validated when the role is built, one edge per
declared destination in diagrams, a runtime destination outside dests a model error naming
the role and transition, entry actions of the state chosen, and the `transitions` runtime
(hypothesis) agreeing with the explorer."""

import pytest

from mcfsm import Instance, M, Message, ModelError, Role, System, Transition, Var, always, explore
from mcfsm.check.runtime.stateful import Stats, simulate
from mcfsm.show.diagrams import role_dot


class Offer(Message, clause="demo 1"):
    amount: int = M("the amount offered")


def decide(ctx):
    return "accepted" if ctx.msg.amount >= ctx.v.floor else "rejected"


def seller(dest=decide, dests=("accepted", "rejected"), **role) -> Role:
    return Role("seller", states=["waiting", "accepted", "rejected"], initial="waiting",
                final=["accepted", "rejected"], variables={"floor": Var(int, 10),
                                                            "welcomed": Var(int, 0)},
                transitions=[Transition(Offer, "waiting", dest=dest, dests=dests,
                                        clause="demo 2", name="decide")], **role)


BUYER = Role("buyer", states=["thinking", "offered"], initial="thinking", final=["offered"],
             transitions=[Transition("bid", "thinking", "offered", clause="demo 3",
                                     choices=lambda ctx: (5, 10, 15),
                                     after=[lambda ctx: ctx.send("seller", Offer(amount=ctx.arg))],
                                     sends=[Offer])])


def market(role: Role) -> System:
    return System("market", instances=[Instance("buyer", BUYER), Instance("seller", role)],
                  properties=[always("welcomed-only-if-accepted",
                                     lambda v: (v["seller"].welcomed == 1)
                                     == (v["seller"].state == "accepted"), clause="demo 4")])


def test_the_destination_follows_the_data():
    # By hand: the initial state; the three bids (5, 10, 15) each with its Offer in flight;
    # then 5 -> rejected, 10 and 15 -> accepted, the same state: 1 + 3 + 2 = 6 distinct,
    # 1 + 3 + 3 = 7 total, depth 3.
    r = explore(market(seller()))
    assert (r.distinct_states, r.total_states, r.depth, r.complete) == (6, 7, 3, True)
    assert r.coverage[("seller", "decide")] == (3, 2)  # three offers, two new states


def test_entry_actions_of_the_chosen_state_run():
    role = seller(on_enter={"accepted": [lambda ctx: setattr(ctx.v, "welcomed", 1)]})
    r = explore(market(role))
    assert {v.property.name: v.status for v in r.verdicts}["welcomed-only-if-accepted"] == "holds"


def test_the_hypothesis_runtime_agrees_with_the_explorer():
    system = market(seller(on_enter={"accepted": [lambda ctx: setattr(ctx.v, "welcomed", 1)]}))
    exhaustive = explore(system, keep_states=True)
    stats = Stats()
    simulate(system, examples=20, steps=10, derandomize=True, shrink=False, stats=stats)
    assert {s[2 + 1].state for s in stats.states} == {"waiting", "accepted", "rejected"}
    assert all(exhaustive.contains(s) for s in stats.states)


def test_a_destination_outside_dests_is_a_model_error_naming_role_and_transition():
    role = seller(dest=lambda ctx: "accepted" if ctx.msg.amount > 5 else "waiting")
    with pytest.raises(ModelError) as info:
        explore(market(role))
    text = str(info.value)
    assert "dest= returned 'waiting', which is not among dests=('accepted', 'rejected')" in text
    assert "seller" in text and "decide" in text
    with pytest.raises(ModelError, match="dest= returned 'waiting'"):
        simulate(market(role), examples=20, steps=10, derandomize=True, shrink=False)


@pytest.mark.parametrize("dest,dests,words", [
    (decide, (), "dest= is a function, but dests=() does not list the states"),
    (decide, ("accepted", "rejectd"), "dests lists 'rejectd', which is not a declared state"),
    (decide, ("accepted", "accepted"), "lists a state twice"),
    ("accepted", ("accepted",), "dests=('accepted',) is given, but dest='accepted' is not a function"),
    (lambda: "accepted", ("accepted",), "dest="),
])
def test_declarations_are_checked_when_built(dest, dests, words):
    with pytest.raises(ModelError) as info:
        seller(dest=dest, dests=dests)
    assert words in str(info.value) and "decide" in str(info.value)


def test_a_state_reached_only_through_dests_is_reachable():
    """'rejected' is the destination of no static transition: without dests= it would be
    an unreachable state; with it, the role builds."""
    assert "rejected" in seller().states


def test_the_diagram_draws_one_edge_per_declared_destination():
    dot = role_dot(seller())
    assert '"waiting" -> "accepted" [id="seller:decide"' in dot
    assert '"waiting" -> "rejected" [id="seller:decide"' in dot


# P's "stay or goto" (issue 73 item 3, probe 1): a handler that counts ticks and goes to
# done at the second, with an exit action that resets the counter. In P the handler without
# a goto stays (no exit, no entry), so done is reached; a goto to its own state re-runs exit
# and entry, so the counter is reset and done never is.
def ticker(stay: object) -> System:
    def count(ctx):
        ctx.v.n += 1

    def reset(ctx):
        ctx.v.n = 0

    def enter_wait(ctx):
        ctx.v.reentered = True

    role = Role("ticker", states=["wait", "done"], initial="wait", final=["done"],
                variables={"n": Var(int, 0), "reentered": Var(bool, False)},
                on_exit={"wait": [reset]}, on_enter={"wait": [enter_wait]},
                transitions=[Transition("tick", "wait", dest=lambda c: "done" if c.v.n == 2
                                        else stay, dests=("done", "wait"), clause="demo 5",
                                        after=[count], name="tick")])
    return System("ticks", instances=[Instance("t", role)], check_deadlock=False,
                  properties=[always("never-done", lambda v: v["t"].state != "done",
                                     clause="demo 6"),
                              always("never-reentered", lambda v: not v["t"].reentered,
                                     clause="demo 7")])


def test_a_computed_destination_of_none_stays_without_exit_or_entry_as_p_does():
    # stay: n counts 0 -> 1 -> 2, then done (the exit resets n on leaving): 3 states + done
    r = explore(ticker(None))
    verdicts = {v.property.name: v for v in r.verdicts}
    assert verdicts["never-done"].status == "violated"
    assert len(verdicts["never-done"].trace) == 2  # two ticks: the second goes to done
    assert verdicts["never-reentered"].status == "holds"  # staying ran no entry
    # goto wait: each tick re-runs exit (n = 0) and entry, so n never reaches 2
    r = explore(ticker("wait"))
    statuses = {v.property.name: v.status for v in r.verdicts}
    assert (statuses["never-done"], statuses["never-reentered"]) == ("holds", "violated")


def test_the_hypothesis_runtime_stays_too():
    system = ticker(None)
    stats = Stats()
    simulate(system, examples=10, steps=6, derandomize=True, shrink=False, stats=stats)
    strays = [(k, a) for b, k, a in stats.moves if (k, a) not in system.successors(b)]
    assert stats.moves and not strays


def test_a_variable_called_state_is_refused_with_the_way_that_works():
    # issue 73 item 3, probe 7: a SPIN or TLA+ port often has a variable named state
    with pytest.raises(ModelError) as e:
        Role("port", states=["s"], initial="s", variables={"state": Var(int, 0)},
             transitions=[Transition("t", "s", None, clause="demo 8")])
    assert "control state" in str(e.value) and "'st'" in str(e.value.fix)
