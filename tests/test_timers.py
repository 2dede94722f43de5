"""Timers and transactions (lang/timers.py): free expiry, the `outlasts` rule, transaction
timeouts, and the errors a modeller meets. The counts of the documented example
(docs/reference.md, "held_call") are checked against a plain-Python BFS of the same
protocol written below by hand, not through mcfsm's machinery."""

from __future__ import annotations

import dataclasses
import re
from collections import deque

import pytest

from mcfsm import (
    ROUND_TRIP,
    Expiry,
    Instance,
    M,
    Message,
    ModelError,
    Param,
    Role,
    RoundTrip,
    Span,
    System,
    Timeout,
    Timer,
    Transaction,
    Transition,
    Var,
    always,
    explore,
    sometimes,
)
from mcfsm.errors import McfsmWarning
from mcfsm.lang.loader import load_path
from mcfsm.lang.timers import Armed, arm, may_expire, stop

from .conftest import ROOT

REFERENCE = ROOT / "docs" / "reference.md"


def held_call(tmp_path):
    text = REFERENCE.read_text()
    [code] = re.findall(r"<!-- runnable-example: timers -->\n```python\n(.*?)```", text, re.S)
    (tmp_path / "held_call.py").write_text(code)
    [loaded] = load_path(tmp_path / "held_call.py")
    return loaded.model, text


# -- the armed set, as pure functions ---------------------------------------------------------
def test_a_timer_armed_while_a_shorter_one_runs_waits_for_it_and_not_for_a_later_one():
    from mcfsm.lang.timers import compile_timers

    table = compile_timers("r", [Timer("long", outlasts=("short",)), Timer("short")], None)
    running = arm(table, (), "short")
    running = arm(table, running, "long")  # armed while short runs: waits for it
    assert running == (Armed("long", ("short",)), Armed("short"))
    assert not may_expire(running, "long") and may_expire(running, "short")
    running = stop(running, "short")  # short ended (expired or cancelled): long is free
    assert may_expire(running, "long")
    # short armed after long constrains nothing
    later = arm(table, arm(table, (), "long"), "short")
    assert may_expire(later, "long") and may_expire(later, "short")
    # re-arming short ends its old run: long no longer waits for that run
    rearmed = arm(table, arm(table, arm(table, (), "short"), "long"), "short")
    assert may_expire(rearmed, "long")


def test_outlasts_is_transitive_and_must_have_no_cycle():
    from mcfsm.lang.timers import compile_timers

    table = compile_timers("r", [Timer("a", outlasts=("b",)), Timer("b", outlasts=("c",)),
                                 Timer("c")], None)
    assert table.outlasts["a"] == {"b", "c"}
    with pytest.raises(ModelError, match="outlasts itself"):
        compile_timers("r", [Timer("a", outlasts=("b",)), Timer("b", outlasts=("a",))], None)
    with pytest.raises(ModelError, match=r"(?s)does not declare.*Param"):
        compile_timers("r", [Timer("a", outlasts=("elsewhere",))], None)


# -- the documented example, against a hand-written BFS -----------------------------------------
def plain_bfs(long_enough: bool, lossy: bool) -> tuple[int, int, bool]:
    """The held-call protocol of docs/reference.md as flat tuples: (client, primary, hold,
    query, client->primary, primary->partner, partner->primary, primary->client). hold is
    None, "free" or "waits" (for the query, with the long-enough reading); query is whether
    the WhereIs transaction runs. Returns (distinct, total, whether a refusal is reachable),
    counted as TLC does (initial states included; total = initial + every successor)."""
    start = ("calling", "idle", None, False, ("Call",), (), (), ())
    seen = {start}
    total = 1
    refused = False
    todo = deque([start])
    while todo:
        c, p, hold, query, cp, pq, qp, pc = todo.popleft()
        nexts = []
        if cp and p == "idle":  # the call: hold it, ask the partner (both armed at once)
            nexts.append((c, "holding", "waits" if long_enough else "free", True, cp[1:],
                          pq + ("WhereIs",), qp, pc))
        if pq:  # the partner answers
            nexts.append((c, p, hold, query, cp, pq[1:], qp + ("Here",), pc))
        if qp and p == "holding":  # the answer: redirect, the hold and the query end
            nexts.append((c, "done", None, False, cp, pq, qp[1:], pc + ("Redirected",)))
        if qp and p == "done":  # an answer after the refusal: ignored, the query ends
            nexts.append((c, p, hold, False, cp, pq, qp[1:], pc))
        if qp and lossy:  # the answer is lost
            nexts.append((c, p, hold, query, cp, pq, qp[1:], pc))
        if query:  # the query times out (it may while the answer is merely slow)
            nexts.append((c, p, "free" if hold == "waits" else hold, False, cp, pq, qp, pc))
        if hold == "free" and p == "holding":  # the hold expires: refuse
            nexts.append((c, "done", None, query, cp, pq, qp, pc + ("Refused",)))
        if pc:
            nexts.append(("redirected" if pc[0] == "Redirected" else "refused", p, hold, query,
                          cp, pq, qp, pc[1:]))
        total += len(nexts)
        for n in nexts:
            refused |= n[0] == "refused"
            if n not in seen:
                seen.add(n)
                todo.append(n)
    return len(seen), total, refused


@pytest.mark.parametrize("variant,long_enough,lossy", [("free_timer", False, False),
                                                        ("long_enough", True, False),
                                                        ("lossy_answer", True, True)])
def test_the_documented_example_counts_as_a_plain_bfs_and_as_documented(
        tmp_path, variant, long_enough, lossy):
    model, text = held_call(tmp_path)
    system = model.system(variant)
    result = explore(system)
    distinct, total, refused = plain_bfs(long_enough, lossy)
    assert (result.distinct_states, result.total_states) == (distinct, total)
    assert f"`{variant}`: {distinct} distinct states, {total} total" in text
    verdicts = {v.property.name: v.status for v in result.verdicts}
    assert verdicts == model.expected(variant, system)
    assert verdicts["never-refused"] == ("violated" if refused else "holds")


def test_the_free_timer_exposes_a_race_the_long_enough_reading_removes(tmp_path):
    """The race: the hold expires while the partner's answer is merely slow. With the
    hold declared to outlast the query's transaction it cannot; the call is then refused
    only after the transaction timed out (one step more: Timer F while the answer is slow)."""
    model, _ = held_call(tmp_path)
    free = {v.property.name: v for v in explore(model.system("free_timer")).verdicts}
    reading = {v.property.name: v for v in explore(model.system("long_enough")).verdicts}
    assert free["no-refusal-while-asking"].status == "violated"
    assert reading["no-refusal-while-asking"].status == "holds"
    assert len(free["never-refused"].trace) == 3
    assert len(reading["never-refused"].trace) == 4
    assert [s.transition for s in reading["never-refused"].trace.steps][1:3] == [
        "WhereIs times out", "hold expires"]


def test_a_lost_answer_never_deadlocks_its_sender(tmp_path):
    model, _ = held_call(tmp_path)
    verdicts = {v.property.name: v.status for v in explore(model.system("lossy_answer")).verdicts}
    assert verdicts["no-deadlock"] == "holds"


# -- transactions --------------------------------------------------------------------------------
class Register(Message, clause="RFC 3261 10"):
    pass


class Ok(Message, clause="RFC 3261 10"):
    pass


class Hello(Message, clause="t"):
    n: int = M("a number")


def _register(ctx):
    ctx.send("server", Register())


def _ok(ctx):
    ctx.send(ctx.sender, Ok())


SERVER = Role("server", states=["on"], initial="on", final=["on"],
              transitions=[Transition(Register, "on", None, after=[_ok], sends=[Ok])])


def client(**extra) -> Role:
    return Role("client", states=["idle", "registering", "registered", "failed"],
                initial="idle", final=["registered", "failed"],
                transactions=[Transaction(Register, responses=[Ok], clause="RFC 3261 17.1.2.2")],
                transitions=[Transition("register", "idle", "registering", after=[_register],
                                        sends=[Register]),
                             Transition(Ok, "registering", "registered"),
                             Transition(Timeout(Register), "registering", "failed")],
                ignores={Ok: ["failed"]}, **extra)


def test_a_transaction_ends_in_its_response_or_its_timeout_even_while_merely_slow():
    """7 states: idle; registering with the request in flight; registering with the answer
    in flight; registered; failed with the request still in flight (the timeout came while
    it was slow), failed with the answer in flight, failed with nothing in flight (the late
    answer is ignored and ends nothing more: the transaction already ended)."""
    system = System("t", instances=[Instance("client", client()), Instance("server", SERVER)],
                    properties=[sometimes("late", lambda v: v["client"].state == "failed"
                                          and bool(v.in_flight(Ok)))])
    result = explore(system)
    assert (result.distinct_states, result.total_states) == (7, 8)
    verdicts = {v.property.name: v.status for v in result.verdicts}
    assert verdicts == {"late": "witnessed", "no-deadlock": "holds",
                        "no-unhandled-message": "holds",
                        # derived from the declared Transaction (lang/timers.py)
                        "answer-ends-only-its-transaction": "holds"}


@pytest.mark.parametrize("answered", [True, False])
def test_a_run_stopped_with_a_transaction_open_is_a_deadlock_not_an_end(answered):
    """The default end of a run (no final=) asks every transaction to have ended, as it asks
    every party to be in a final state and nothing in flight. Here "registering" is final
    for its role and the timeout never comes (its guard is false: what a broken timer
    does): a server that swallows the REGISTER leaves the client waiting for ever, which
    no-deadlock reports; one that answers ends the transaction and the run (3 states)."""
    server = SERVER if answered else Role(
        "server", states=["on"], initial="on", final=["on"],
        transitions=[Transition(Register, "on", None)])
    role = Role("client", states=["idle", "registering", "registered"], initial="idle",
                final=["registering", "registered"], reusable=True,
                transactions=[Transaction(Register, responses=[Ok], clause="RFC 3261 17.1.2.2")],
                transitions=[Transition("register", "idle", "registering", after=[_register],
                                        sends=[Register]),
                             Transition(Ok, "registering", "registered"),
                             Transition(Timeout(Register), "registering", "registering",
                                        conditions=[lambda ctx: False])])
    instances = [Instance("client", role), Instance("server", server)]
    if answered:
        system = System("t", instances=instances)
    else:  # a server that never answers: the client's answer transition is dead, and says so
        with pytest.warns(McfsmWarning) as caught:
            system = System("t", instances=instances)
        assert any("Ok, which no role of this system sends" in str(w.message) for w in caught)
    result = explore(system)
    verdicts = {v.property.name: v for v in result.verdicts}
    if answered:
        assert verdicts["no-deadlock"].status == "holds"
        assert result.distinct_states == 4  # idle; REGISTER in flight; Ok in flight; registered
    else:
        assert verdicts["no-deadlock"].status == "violated"
        end = verdicts["no-deadlock"].trace.states[-1]
        assert system.view(end)["client"].state == "registering"
        assert not system.view(end).in_flight()


def test_an_ignored_response_still_ends_its_transaction():
    """The late Ok in "failed" is ignored by the role but matched by the transaction layer:
    a role in "failed" re-registering... here: no Timeout can follow an answered request."""
    role = client()
    assert "ignore Ok" in [t.name for t in role.transitions]
    assert Ok not in role.ignores


class Attempt(Message, clause="RFC 3261 10"):
    n: int = M("the attempt")


class Answer(Message, clause="RFC 3261 10"):
    n: int = M("the attempt answered")


def _attempt(ctx):
    ctx.v.attempt += 1
    ctx.send("server", Attempt(n=ctx.v.attempt))


def retrying_client(matches) -> Role:
    """Registers, may time out and try once more; an answer to the first attempt may come
    during the second, and is dropped (it is not this attempt's)."""
    def mine(ctx):
        return ctx.msg.n == ctx.v.attempt

    return Role(
        "client", states=["idle", "registering", "registered", "failed"], initial="idle",
        final=["registered", "failed"], variables={"attempt": Var(int, 0)},
        transactions=[Transaction(Attempt, responses=[Answer], clause="RFC 3261 17.1.2.2",
                                  matches=mine if matches else None)],
        transitions=[Transition("register", ["idle", "failed"], "registering",
                                conditions=[lambda ctx: ctx.v.attempt < 2], after=[_attempt],
                                sends=[Attempt]),
                     Transition(Answer, "registering", "registered", conditions=[mine]),
                     Transition(Answer, "registering", None, name="stale_answer",
                                conditions=[lambda ctx: not mine(ctx)]),
                     Transition(Timeout(Attempt), "registering", "failed")],
        ignores={Answer: ["failed", "registered"]})


ANSWERING = Role("server", states=["on"], initial="on", final=["on"], transitions=[
    Transition(Attempt, "on", None, sends=[Answer],
               after=[lambda ctx: ctx.send(ctx.sender, Answer(n=ctx.msg.n))])])


@pytest.mark.parametrize("matches", [True, False])
def test_a_response_that_does_not_match_leaves_its_transaction_running(matches):
    """Transaction(matches=...): the first attempt's answer, arriving during the second
    attempt, ends the second attempt's transaction only when nothing says which answer is
    whose (matches=None). Explored: with `matches`, every state in which the client is
    registering has the transaction's timer running; without, a stale answer stops it."""
    system = System("t", instances=[Instance("client", retrying_client(matches)),
                                    Instance("server", ANSWERING)],
                    properties=[always("timer-runs-while-registering",
                                       lambda v: v["client"].state != "registering"
                                       or any(a.name == "Attempt" for a in v["client"].timers))])
    verdicts = {v.property.name: v.status for v in explore(system).verdicts}
    assert verdicts["timer-runs-while-registering"] == ("holds" if matches else "violated")


def test_a_request_no_one_awaits_arms_no_timer():
    """Transaction(awaited=...): the client of the 7-state example, sending a request it
    does not await, never times out: 4 states (idle; registering with the request, then
    the answer, in flight; registered) instead of 7, and no state has a timer running."""
    role = Role("client", states=["idle", "registering", "registered", "failed"],
                initial="idle", final=["registered", "failed"],
                transactions=[Transaction(Register, responses=[Ok], clause="RFC 3261 17.1.2.2",
                                          awaited=lambda ctx: False)],
                transitions=[Transition("register", "idle", "registering", after=[_register],
                                        sends=[Register]),
                             Transition(Ok, "registering", "registered"),
                             Transition(Timeout(Register), "registering", "failed")])
    system = System("t", instances=[Instance("client", role), Instance("server", SERVER)],
                    properties=[always("no-timer", lambda v: not v["client"].timers)])
    result = explore(system)
    assert result.distinct_states == 4
    assert {v.property.name: v.status for v in result.verdicts}["no-timer"] == "holds"


@pytest.mark.parametrize("field", ["matches", "awaited"])
def test_matches_and_awaited_must_be_functions(field):
    with pytest.raises(ModelError, match=rf"{field}=.* is not a function"):
        Role("c", states=["a"], initial="a", final=["a"],
             transactions=[Transaction(Attempt, responses=[Answer], **{field: "n"})],
             transitions=[Transition(Timeout(Attempt), "a", None)])


def test_timers_work_in_the_hypothesis_runtime_too():
    from mcfsm.check.runtime.machines import Runtime

    system = System("t", instances=[Instance("client", client()), Instance("server", SERVER)])
    rt = Runtime(system)
    steps, _ = rt.enabled()
    [(_, fire)] = steps
    fire()
    # the REGISTER went to the server and shares no element with its answer (Armed.request)
    assert rt.export()[2].timers == (Armed("Register", request=("server", ())),)
    names = sorted(k.transition for k, _ in rt.enabled()[0])
    assert names == ["Register", "Register times out"]


# -- spans: durations that are not the role's own clocks -----------------------------------------
def round_trip_client() -> Role:
    return Role("client", states=["idle", "registering", "registered", "failed"],
                initial="idle", final=["registered", "failed"],
                transactions=[Transaction(Register, responses=[Ok], clause="RFC 3261 17.1.2.2",
                                          outlasts=(ROUND_TRIP,))],
                transitions=[Transition("register", "idle", "registering", after=[_register],
                                        sends=[Register]),
                             Transition(Ok, "registering", "registered"),
                             Transition(Timeout(Register), "registering", "failed")],
                ignores={Ok: ["failed"]})


def test_a_transaction_that_outlasts_its_round_trip_times_out_only_once_a_message_is_lost():
    """Without loss, 4 states (idle; registering with the request, then the answer, in
    flight; registered): the timeout never comes. With loss everywhere, 6: those, plus
    registering with nothing in flight (the request or the answer lost) and failed after
    it. The free timer of the 7-state example fails with the request or answer in flight;
    here no state is failed with anything in flight."""
    quiet = always("fails-only-when-nothing-is-in-flight",
                   lambda v: v["client"].state != "failed" or not v.in_flight())
    fails = sometimes("fails", lambda v: v["client"].state == "failed")
    for loss, distinct, failing in ((False, 4, "never"), (True, 6, "witnessed")):
        system = System("t", loss=loss, properties=[quiet, fails],
                        instances=[Instance("client", round_trip_client()),
                                   Instance("server", SERVER)])
        result = explore(system)
        verdicts = {v.property.name: v.status for v in result.verdicts}
        assert result.distinct_states == distinct
        assert verdicts["fails-only-when-nothing-is-in-flight"] == "holds"
        assert verdicts["fails"] == failing


def test_a_round_trip_bound_holds_only_where_its_reading_is_chosen():
    """RoundTrip(when=...): with the parameter at "free", the 7 states of the free timer;
    at "outlasts_answer", the 4 of the bound (no loss); both explored in one search: 11."""
    role = round_trip_client()
    bounded = dataclasses.replace(role.timer_table.timers["Register"], outlasts=(
        RoundTrip(when=lambda p: p.timeout == "outlasts_answer"),))
    client = Role("client", states=["idle", "registering", "registered", "failed"],
                  initial="idle", final=["registered", "failed"], transactions=[bounded],
                  transitions=list(role.declared["transitions"]), ignores={Ok: ["failed"]})
    system = System("t", params={"timeout": Param(("free", "outlasts_answer"), doc="t")},
                    instances=[Instance("client", client), Instance("server", SERVER)],
                    properties=[sometimes("fails-while-slow", lambda v: (
                        v["client"].state == "failed" and bool(v.in_flight())))])
    result = explore(system)
    assert result.distinct_states == 7 + 4
    [slow] = [v for v in result.verdicts if v.property.name == "fails-while-slow"]
    assert slow.status == "witnessed"
    assert slow.trace.states[-1][0].timeout == "free"


class Arrived(Message, clause="t"):
    pass


def _go(ctx):
    ctx.v.trips += 1


def _arrive(ctx):
    ctx.send("watcher", Arrived())


def _wait(ctx):
    ctx.arm("hold")
    mover = ctx.world["mover"]  # bookkeeping for the test's properties only
    ctx.v.armed_in = mover.trips if mover.state == "moving" else 0


def _trip_under_way(world, owner):
    mover = world["mover"]
    return mover.trips if mover.state == "moving" else None


MOVER = Role("mover", states=["here", "moving"], initial="here", final=["here"],
             variables={"trips": Var(int, 0)},
             transitions=[Transition("go", "here", "moving", after=[_go],
                                     conditions=[lambda ctx: ctx.v.trips < 2]),
                          Transition("arrive", "moving", "here", after=[_arrive],
                                     sends=[Arrived])])
WATCHER = Role("watcher", states=["idle", "holding", "met", "gave_up"], initial="idle",
               final=["idle", "met", "gave_up"], variables={"armed_in": Var(int, 0)},
               timers=[Timer("hold", clause="t", outlasts=(
                   Span("the mover's trip", _trip_under_way, doc="a trip takes less"),))],
               transitions=[Transition("wait", "idle", "holding", after=[_wait]),
                            Transition(Arrived, "holding", "met",
                                       after=[lambda ctx: ctx.cancel("hold")]),
                            Transition(Expiry("hold"), "holding", "gave_up")],
               ignores={Arrived: ["idle", "met", "gave_up"]})


def test_a_timer_outlasts_the_run_of_a_span_under_way_when_it_was_armed_and_no_later_one():
    """The watcher's hold outlasts the mover's trip (a Span, the reading of a bound across
    parties): armed during trip n, it cannot expire while trip n is under way; armed while
    the mover is here, or during a later trip, it may."""
    system = System("t", instances=[Instance("mover", MOVER), Instance("watcher", WATCHER)],
                    properties=[
                        always("never-during-the-trip-it-was-armed-in", lambda v: not (
                            v["watcher"].state == "gave_up" and v["mover"].state == "moving"
                            and v["watcher"].armed_in == v["mover"].trips)),
                        sometimes("during-a-later-trip", lambda v: (
                            v["watcher"].state == "gave_up" and v["mover"].state == "moving"
                            and 0 < v["watcher"].armed_in < v["mover"].trips)),
                        sometimes("during-a-trip-begun-after-it", lambda v: (
                            v["watcher"].state == "gave_up" and v["mover"].state == "moving"
                            and v["watcher"].armed_in == 0)),
                        sometimes("once-the-trip-ended", lambda v: (
                            v["watcher"].state == "gave_up" and v["watcher"].armed_in == 1
                            and v["mover"].state == "here"))])
    verdicts = {v.property.name: v.status for v in explore(system).verdicts}
    assert verdicts["never-during-the-trip-it-was-armed-in"] == "holds"
    assert verdicts["during-a-later-trip"] == "witnessed"
    assert verdicts["during-a-trip-begun-after-it"] == "witnessed"
    assert verdicts["once-the-trip-ended"] == "witnessed"
    # the same system without the span: the hold expires during its own trip too
    free = dataclasses.replace(WATCHER.timer_table.timers["hold"], outlasts=())
    watcher = Role("watcher", states=["idle", "holding", "met", "gave_up"], initial="idle",
                   final=["idle", "met", "gave_up"], variables={"armed_in": Var(int, 0)},
                   timers=[free], transitions=[t for t in WATCHER.declared["transitions"]],
                   ignores={Arrived: ["idle", "met", "gave_up"]})
    unbound = System("t", instances=[Instance("mover", MOVER), Instance("watcher", watcher)],
                     properties=[system.properties[0]])
    verdicts = {v.property.name: v.status for v in explore(unbound).verdicts}
    assert verdicts["never-during-the-trip-it-was-armed-in"] == "violated"


def test_spans_run_in_the_hypothesis_runtime_as_in_the_search():
    from mcfsm.check.runtime.machines import Runtime

    system = System("t", instances=[Instance("mover", MOVER), Instance("watcher", WATCHER)])
    rt = Runtime(system)

    def fire(name):
        [fire] = [f for k, f in rt.enabled()[0] if k.transition == name]
        fire()

    fire("go")
    fire("wait")
    assert rt.export()[3].timers == (Armed("hold", (), (("the mover's trip", 1),)),)
    assert "hold expires" not in [k.transition for k, _ in rt.enabled()[0]]
    fire("arrive")
    assert "hold expires" in [k.transition for k, _ in rt.enabled()[0]]


def test_a_span_is_checked_where_it_is_declared():
    with pytest.raises(ModelError, match="ROUND_TRIP, which only a transaction has"):
        Role("c", states=["a"], initial="a", final=["a"],
             timers=[Timer("t", outlasts=(ROUND_TRIP,))],
             transitions=[Transition(Expiry("t"), "a", None)])
    with pytest.raises(ModelError, match=r"under_way=.* is not a function"):
        Role("c", states=["a"], initial="a", final=["a"],
             timers=[Timer("t", outlasts=(Span("trip", "moving"),))],
             transitions=[Transition(Expiry("t"), "a", None)])
    with pytest.raises(ModelError, match="outlasts holds 3"):
        Role("c", states=["a"], initial="a", final=["a"],
             timers=[Timer("t", outlasts=(3,))],
             transitions=[Transition(Expiry("t"), "a", None)])


# -- errors a modeller meets --------------------------------------------------------------------
def test_an_expiry_for_an_undeclared_timer_says_which_timers_exist():
    with pytest.raises(ModelError, match=r"(?s)no timer 'hld'.*one of \['hold'\]"):
        Role("r", states=["a"], initial="a", timers=[Timer("hold")],
             transitions=[Transition(Expiry("hold"), "a", None),
                          Transition(Expiry("hld"), "a", None)])


def test_a_timer_without_an_expiry_transition_is_refused():
    with pytest.raises(ModelError, match=r"(?s)never ends on its own.*Expiry\('hold'\)"):
        Role("r", states=["a"], initial="a", timers=[Timer("hold")],
             transitions=[Transition("go", "a", None)])


def test_a_timer_still_running_where_its_expiry_is_not_handled_is_named():
    def start(ctx):
        ctx.arm("hold")

    role = Role("r", states=["a", "b"], initial="a", final=["b"], timers=[Timer("hold")],
                transitions=[Transition("go", "a", "b", after=[start]),
                             Transition(Expiry("hold"), "a", None)])
    system = System("t", instances=[Instance("x", role)])
    with pytest.raises(ModelError, match=r"(?s)still running when the role enters state 'b'.*"
                                         r"ctx.cancel\('hold'\)"):
        explore(system)


@pytest.mark.parametrize("fields", [False, True], ids=["whole", "fields"])
def test_a_guard_that_arms_a_timer_is_refused(fields, monkeypatch):
    # fields: the guard sees its local as a record that notes its reads (steps.py's
    # field-keyed memo), not as a tuple; it is refused all the same
    from mcfsm.check.state import steps

    monkeypatch.setattr(steps, "FIELD_KEYS_AT_START", fields)

    def sneaky(ctx):
        ctx.arm("hold")
        return True

    role = Role("r", states=["a"], initial="a", final=["a"], timers=[Timer("hold")],
                transitions=[Transition("go", "a", None, conditions=[sneaky]),
                             Transition(Expiry("hold"), "a", None)])
    with pytest.raises(ModelError, match="guards only read"):
        explore(System("t", instances=[Instance("x", role)]))


def test_the_timers_variable_is_reserved():
    with pytest.raises(ModelError, match="variable named 'timers'"):
        from mcfsm import Var
        Role("r", states=["a"], initial="a", timers=[Timer("hold")],
             variables={"timers": Var(int, 0)},
             transitions=[Transition(Expiry("hold"), "a", None)])


def test_timer_orders_are_assumptions_of_every_verdict():
    from mcfsm.check.assumptions import rests_on

    role = Role("r", states=["a"], initial="a", final=["a"],
                timers=[Timer("long", outlasts=("short",)), Timer("short")],
                transitions=[Transition(Expiry("long"), "a", None),
                             Transition(Expiry("short"), "a", None)])
    system = System("t", instances=[Instance("x", role)],
                    properties=[always("ok", lambda v: True)])
    assert "timer-order-r" in rests_on(system)


def test_timers_armed_in_the_initial_state_are_named_and_checked():
    role = Role("r", states=["a"], initial="a", final=["a"],
                timers=[Timer("long", outlasts=("short",)), Timer("short")],
                transitions=[Transition(Expiry("long"), "a", None),
                             Transition(Expiry("short"), "a", None)])
    system = System("t", instances=[Instance("x", role, init={"timers": ("long", "short")})])
    [start] = system.initial_states()
    assert start[2].timers == (Armed("long", ("short",)), Armed("short"))
    with pytest.raises(ModelError, match=r"(?s)no timer 'nope'.*one of \['long', 'short'\]"):
        System("t", instances=[Instance("x", role, init={"timers": ("nope",)})])


@pytest.mark.parametrize("field, returned", [("matches", "yes"), ("matches", None),
                                             ("awaited", None), ("awaited", "no"),
                                             ("awaited", b"")])
def test_matches_and_awaited_must_return_true_or_false(field, returned):
    """Issue 57 item 4: a string (always true) or None (a `return` left out) was taken as
    its truth value; like action_constraint=, it is a model error naming the transaction,
    the role and the transition of the step."""
    def answer(ctx):
        return returned

    role = Role("client", states=["idle", "registering", "registered", "failed"],
                initial="idle", final=["registered", "failed"],
                transactions=[Transaction(Register, responses=[Ok], clause="RFC 3261 17.1.2.2",
                                          **{field: answer})],
                transitions=[Transition("register", "idle", "registering", after=[_register],
                                        sends=[Register]),
                             Transition(Ok, "registering", "registered"),
                             Transition(Timeout(Register), "registering", "failed")],
                ignores={Ok: ["failed"]})
    system = System("t", instances=[Instance("client", role), Instance("server", SERVER)])
    with pytest.raises(ModelError) as refused:
        explore(system)
    text = str(refused.value)
    assert f"Transaction Register: {field}= returned {returned!r}" in text
    assert "not True or False" in text and "how to fix: return True" in text
    assert "role 'client" in text
    assert ("transition 'register'" if field == "awaited" else "transition 'Ok'") in text
