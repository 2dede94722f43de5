"""The explorer's counting, verdicts, shortest traces and budgets, on systems small enough
that every expected figure can be derived by hand (derivations in the comments)."""

import pytest

from mcfsm import (
    Budget,
    Instance,
    M,
    Message,
    Role,
    System,
    Transition,
    Var,
    always,
    explore,
    sometimes,
    step,
)


def counter(limit: int, *, by=(1,)) -> Role:
    def bump(ctx):
        ctx.v.n += ctx.arg

    return Role("counter", states=["on"], initial="on", final=["on"],
                variables={"n": Var(int, 0)},
                transitions=[Transition("inc", "on", None, after=[bump], clause="c",
                                        choices=lambda ctx: by,
                                        conditions=[lambda ctx: ctx.v.n + ctx.arg <= limit])])


def counters(n: int, k: int, **kw) -> System:
    return System("counters", instances=[Instance(f"c{i}", counter(k)) for i in range(n)], **kw)


@pytest.mark.parametrize("n,k", [(1, 4), (2, 3), (3, 2)])
def test_tlc_counting_on_independent_counters(n, k):
    # (k+1)^n distinct states; every state enables one step per counter below k, so the
    # generated successors sum to n * k * (k+1)^(n-1); plus 1 initial state. Depth: the
    # farthest state needs n*k steps, and the initial state is depth 1.
    r = explore(counters(n, k))
    assert r.complete
    assert r.distinct_states == (k + 1) ** n
    assert r.total_states == 1 + n * k * (k + 1) ** (n - 1)
    assert r.depth == n * k + 1


def test_state_constraint_drops_states_from_counts_but_not_from_total():
    # Constraint n <= 1 on 2 counters up to 3: 4 states remain. Generated successors: from
    # each of the 4 states, one per counter (all below 3) = 8, plus 1 initial; the 4 that
    # step to n = 2 are pruned.
    r = explore(counters(2, 3, constraint=lambda v: all(v[c].n <= 1 for c in ("c0", "c1"))))
    assert (r.distinct_states, r.total_states, r.pruned) == (4, 9, 4)


def test_always_violation_gives_a_shortest_counterexample():
    # n counts up by 1 or 2 to 9; reaching n == 7 needs ceil(7/2) = 4 steps.
    system = System("c", instances=[Instance("c", counter(9, by=(1, 2)))],
                    properties=[always("never-seven", lambda v: v["c"].n != 7, clause="t")])
    r = explore(system)
    verdict = next(v for v in r.verdicts if v.property.name == "never-seven")
    assert verdict.status == "violated"
    assert len(verdict.trace) == 4
    assert verdict.trace.states[-1][2].n == 7
    assert verdict.trace.states[0][2].n == 0


def test_step_property_checks_every_transition_and_keeps_the_step():
    system = System("c", instances=[Instance("c", counter(3, by=(1, 2)))],
                    properties=[step("small-steps",
                                     lambda before, key, after: after["c"].n - before["c"].n <= 1,
                                     clause="t")])
    verdict = explore(system).verdicts[0]
    assert verdict.status == "violated"
    assert len(verdict.trace) == 1 and verdict.trace.steps[0].arg == 2


def test_sometimes_never_witnessed_fails_and_witness_is_shortest():
    system = System("c", instances=[Instance("c", counter(3))],
                    properties=[sometimes("reaches-3", lambda v: v["c"].n == 3, clause="t"),
                                sometimes("reaches-9", lambda v: v["c"].n == 9, clause="t")])
    r = explore(system)
    by_name = {v.property.name: v for v in r.verdicts}
    assert by_name["reaches-3"].status == "witnessed" and len(by_name["reaches-3"].trace) == 3
    assert by_name["reaches-9"].status == "never" and r.failed


def test_deadlock_is_a_non_final_state_without_successors():
    stuck = Role("r", states=["a", "b", "c"], initial="a", final=["c"],
                 transitions=[Transition("ab", "a", "b", clause="t"),
                              Transition("bc", "b", "c", clause="t",
                                         conditions=[lambda ctx: False]),
                              Transition("ac", "a", "c", clause="t")])
    r = explore(System("s", instances=[Instance("i", stuck)]))
    deadlock = next(v for v in r.verdicts if v.property.kind == "deadlock")
    assert deadlock.status == "violated"
    assert deadlock.trace.states[-1][2].state == "b" and len(deadlock.trace) == 1


def test_deadlock_check_can_be_turned_off():
    r = explore(counters(1, 2, check_deadlock=False))
    assert all(v.property.kind != "deadlock" for v in r.verdicts)


class Hello(Message, clause="t"):
    who: str = M()


def greeter() -> Role:
    return Role("greeter", states=["start", "done"], initial="start", final=["done"],
                transitions=[Transition("greet", "start", "done", sends=[Hello], clause="t",
                                        after=[lambda ctx: ctx.send("rx", Hello(who="g"))])])


def test_unhandled_message_is_found_with_the_receiver_state_in_the_note():
    rx = Role("listener", states=["asleep", "awake"], initial="asleep", final=["awake"],
              transitions=[Transition("wake", "asleep", "awake", clause="t",
                                      conditions=[lambda ctx: False]),
                           Transition(Hello, "awake", None, clause="t")])
    r = explore(System("s", instances=[Instance("tx", greeter()), Instance("rx", rx)]))
    unhandled = next(v for v in r.verdicts if v.property.kind == "unhandled")
    assert unhandled.status == "violated"
    assert "'asleep'" in unhandled.trace.note and "Hello" in unhandled.trace.note


def test_declared_ignore_consumes_the_message_instead():
    rx = Role("listener", states=["asleep"], initial="asleep", final=["asleep"],
              ignores=[Hello], transitions=[])
    r = explore(System("s", instances=[Instance("tx", greeter()), Instance("rx", rx)]))
    assert all(v.status == "holds" for v in r.verdicts)
    assert r.distinct_states == 3  # start, sent (in flight), consumed by the ignore step


def test_max_depth_stops_and_says_so():
    r = explore(counters(1, 10), Budget(max_depth=4))
    assert (r.distinct_states, r.depth, r.complete, r.stopped_by) == (4, 4, False, "max-depth")
    assert {v.status for v in r.verdicts} == {"unknown"}


def test_time_limit_stops_an_unbounded_search():
    r = explore(counters(1, 10**9), Budget(time_limit=0.2))
    assert not r.complete and r.stopped_by == "time-limit"


def test_coverage_counts_generated_and_new_states_per_transition():
    r = explore(counters(2, 3))
    generated, new = r.coverage[("counter", "inc")]
    assert generated == r.total_states - 1 and new == r.distinct_states - 1


def test_violation_does_not_stop_other_verdicts():
    system = System("c", instances=[Instance("c", counter(5))],
                    properties=[always("below-2", lambda v: v["c"].n < 2, clause="t"),
                                always("below-9", lambda v: v["c"].n < 9, clause="t")])
    r = explore(system)
    assert [v.status for v in r.verdicts[:2]] == ["violated", "holds"]
    assert r.distinct_states == 6


def test_slots_widen_past_one_and_two_bytes_without_losing_states():
    # One counter up to 70,000: its slot is re-encoded at 256 and at 65,536 values. Every
    # state is still found once, and the trace to the last one decodes to n == 70,000.
    system = System("c", instances=[Instance("c", counter(70_000))],
                    properties=[always("below-max", lambda v: v["c"].n < 70_000, clause="t")])
    r = explore(system)
    assert (r.distinct_states, r.total_states, r.depth) == (70_001, 70_001, 70_001)
    trace = r.verdicts[0].trace
    assert len(trace) == 70_000
    assert [s[2].n for s in trace.states[:3]] == [0, 1, 2]
    assert trace.states[300][2].n == 300 and trace.states[-1][2].n == 70_000


def test_kept_states_answer_membership():
    system = counters(2, 2)
    r = explore(system, keep_states=True)
    start = system.initial_states()[0]
    assert r.contains(start)
    reachable = system.successors(start)[0][1]
    assert r.contains(reachable)
    beyond = start[:2] + (start[2]._replace(n=7),) + start[3:]
    assert not r.contains(beyond)
    assert explore(system).contains is None


def test_stop_on_a_property_stops_at_its_first_violation():
    system = System("c", instances=[Instance("c", counter(50))],
                    properties=[always("below-5", lambda v: v["c"].n < 5, clause="t")])
    r = explore(system, Budget(stop_on=frozenset({"below-5"})))
    assert r.stopped_by == "first-violation" and not r.complete
    assert r.verdicts[0].status == "violated" and len(r.verdicts[0].trace) == 5
    assert r.distinct_states == 6
