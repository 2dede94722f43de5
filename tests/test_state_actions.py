"""Entry and exit actions per state (issue 22 item 5): folded into the transitions when the
role is built, so the exhaustive explorer and the hypothesis runtime run the same code."""

from __future__ import annotations

import pytest

from mcfsm import Instance, Message, ModelError, Role, StateActions, System, Transition, Var, always, explore
from mcfsm.check.runtime.stateful import Stats, simulate


class Busy(Message, clause="e 0"):
    pass


def _count_in(ctx):
    ctx.v.entered += 1


def _count_out(ctx):
    ctx.v.left += 1


def _announce(ctx):
    ctx.send("watcher", Busy())


WORKER = Role(
    "worker", states=["idle", "busy"], initial="idle", final=["idle", "busy"],
    variables={"entered": Var(int, 0), "left": Var(int, 0), "ticks": Var(int, 0)},
    on_enter={"busy": StateActions([_count_in, _announce], sends=[Busy])},
    on_exit={"busy": [_count_out]},
    transitions=[
        Transition("start", "idle", "busy", clause="e 1",
                   conditions=[lambda ctx: ctx.v.entered < 2]),
        Transition("stop", "busy", "idle", clause="e 2"),
        Transition("tick", "busy", None, clause="e 3",  # internal: no entry, no exit
                   conditions=[lambda ctx: ctx.v.ticks < 1],
                   after=[lambda ctx: setattr(ctx.v, "ticks", ctx.v.ticks + 1)]),
        Transition("restart", "busy", "busy", clause="e 4",  # reflexive: exit, then entry
                   conditions=[lambda ctx: ctx.v.entered < 2]),
    ])
WATCHER = Role("watcher", states=["on"], initial="on", final=["on"],
               variables={"seen": Var(int, 0)},
               transitions=[Transition(Busy, "on", None, clause="e 5",
                                       after=[lambda ctx: setattr(ctx.v, "seen", ctx.v.seen + 1)])])


def system() -> System:
    # In every state, entries = exits + (1 if busy else 0), and the watcher has been told
    # of every entry once its messages are delivered.
    return System("entry_exit", instances=[Instance("w", WORKER), Instance("watcher", WATCHER)],
                  properties=[
                      always("entries-balance", lambda v: v["w"].entered
                             == v["w"].left + (v["w"].state == "busy"), clause="e 6"),
                      always("announced", lambda v: v.in_flight() or
                             v["watcher"].seen == v["w"].entered, clause="e 7")])


def test_entry_and_exit_actions_run_on_every_state_change_and_only_then():
    result = explore(system())
    assert result.complete
    assert {v.property.name: v.status for v in result.verdicts} == {
        "entries-balance": "holds", "announced": "holds", "no-deadlock": "holds",
        "no-unhandled-message": "holds"}
    assert Busy in WORKER.transition("start").sends  # the entry action's sends were added


def test_the_hypothesis_runtime_runs_them_too():
    s = system()
    exhaustive = explore(s, keep_states=True)
    stats = Stats()
    sim = simulate(s, examples=10, steps=20, derandomize=True, shrink=False, stats=stats)
    assert sim.steps > 0 and stats.states
    assert all(exhaustive.contains(state) for state in stats.states)


@pytest.mark.parametrize("kwargs, words", [
    ({"on_enter": {"nowhere": [_count_in]}}, "does not declare"),
    ({"on_exit": {"busy": 3}}, "on_exit"),
    ({"on_enter": ["busy"]}, "is not a dict"),
])
def test_state_actions_are_validated(kwargs, words):
    with pytest.raises(ModelError, match=words):
        Role("r", states=["idle", "busy"], initial="idle",
             transitions=[Transition("go", "idle", "busy", clause="e 1")], **kwargs)


def test_a_reusable_role_may_wait_for_a_message_this_system_never_sends():
    """Issue 22 item 9: a role written for several systems; here nobody sends Busy, so its
    transition on Busy never fires: a warning naming system, role and transition."""
    from mcfsm.errors import McfsmWarning

    def watcher(reusable: bool) -> Role:
        return Role("watcher", states=["on"], initial="on", final=["on"], reusable=reusable,
                    variables={"seen": Var(int, 0)},
                    transitions=[Transition(Busy, "on", None, clause="e 5")])

    with pytest.warns(McfsmWarning, match="system 'alone'.*'watcher'.*Busy.*never fires"):
        result = explore(System("alone", instances=[Instance("w", watcher(True))]))
    assert result.complete and result.distinct_states == 1
    with pytest.raises(ModelError, match="reusable=True"):
        System("alone", instances=[Instance("w", watcher(False))])


def test_a_reusable_role_names_the_states_one_system_cannot_reach():
    """Issue 22 item 9: the states a reusable role reaches only through messages this
    system never sends are named in a warning, per system; a system that sends the message
    gets no such warning."""
    import warnings

    from mcfsm.errors import McfsmWarning

    watcher = Role("watcher", states=["on", "alarmed"], initial="on", final=["on", "alarmed"],
                   reusable=True, transitions=[Transition(Busy, "on", "alarmed", clause="e 6")])
    with pytest.warns(McfsmWarning) as caught:
        System("quiet", instances=[Instance("w", watcher)])
    words = [str(w.message) for w in caught]
    assert any("transition 'Busy' receives Busy" in w for w in words), words
    assert any("system 'quiet': role 'watcher' (reusable): states ['alarmed'] cannot be "
               "reached in this system" in w for w in words), words

    def alarm(ctx):
        ctx.send("w", Busy())

    sender = Role("sender", states=["a", "b"], initial="a", final=["b"],
                  transitions=[Transition("ring", "a", "b", after=[alarm], sends=[Busy],
                                          clause="e 7")])
    with warnings.catch_warnings():
        warnings.simplefilter("error", McfsmWarning)  # none expected here
        result = explore(System("loud", instances=[Instance("w", watcher),
                                                   Instance("s", sender)]))
    assert result.complete and result.distinct_states == 3  # (on,a) (on,b)+Busy (alarmed,b)
