"""benchmarks/param_sharing.py's ceiling on exploring a variant's combinations together:
the states of every combination, and the distinct states with the params left out, on
small systems where both can be counted by hand."""

from __future__ import annotations

from benchmarks.param_sharing import sharing
from mcfsm import Instance, Param, Role, System, Transition, Var


def counter(step) -> Role:  # type: ignore[no-untyped-def]
    return Role("counter", states=["on"], initial="on", final=["on"],
                variables={"n": Var(int, 0)},
                transitions=[Transition("tick", "on", None, clause="t",
                                        conditions=[lambda c: c.v.n < 3], after=[step])])


def test_a_parameter_nothing_reads_shares_every_state():
    """n counts 0..3 whatever p is: 4 states per combination, 12 in all, 4 without p."""
    def tick(c) -> None:
        c.v.n += 1

    system = System("unread", instances=[Instance("a", counter(tick))],
                    params={"p": Param(choices=(0, 1, 2))})
    assert sharing(system, limit=1000) == (3, 12, 4)


def test_a_parameter_that_changes_the_steps_shares_what_they_have_in_common():
    """Steps of p (capped at 3): p=1 reaches 0,1,2,3; p=2 reaches 0,2,3; p=3 reaches 0,3.
    9 states in all; without p, {0, 1, 2, 3}: 4."""
    def tick(c) -> None:
        c.v.n = min(3, c.v.n + c.params.p)

    system = System("read", instances=[Instance("a", counter(tick))],
                    params={"p": Param(choices=(1, 2, 3))})
    assert sharing(system, limit=1000) == (3, 9, 4)
