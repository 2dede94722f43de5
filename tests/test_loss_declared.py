"""Loss where the model declares it (`System(loss=Loss(where, why))`, issue 18: a UE leaving
coverage loses what it sends to the system it leaves, while the servers' links stay
reliable). Counts are derived by hand from the FIFO example of test_engine_semantics."""

import pytest

from mcfsm import Loss, ModelError, Network, explore, sometimes
from mcfsm.check.assumptions import derived

from .test_engine_semantics import figures, system


def only(n: int) -> Loss:
    return Loss(lambda sender, receiver, m: m.n == n, why=f"note {n} may be lost")


def test_loss_of_one_message_only():
    # FIFO [0,1] where only note 1 may be lost, as (queue, log) after the send:
    # ([0,1],()) ([1],(0,)) ([0],()) ([],(0,)) ([],(0,1)) = 5, plus the initial state = 6.
    # ([0],()) is reached by losing 1 first. Depth (levels, as in test_engine_semantics):
    # init; sent; ([1],(0,)) and ([0],()); ([],(0,)) and ([],(0,1)): 4.
    # Successors: init 1; ([0,1],()) deliver 0 + lose 1 = 2; ([1],(0,)) deliver + lose = 2;
    # ([0],()) deliver = 1; the two with an empty queue 0. Total = 1 + 1 + 2 + 2 + 1 = 7.
    assert figures(system((0, 1), Network.FIFO, loss=only(1))) == (6, 7, 4)


def test_loss_declared_for_every_message_equals_loss_true():
    everything = Loss(lambda s, r, m: True, why="every note")
    assert (figures(system((0, 1), Network.FIFO, loss=everything))
            == figures(system((0, 1), Network.FIFO, loss=True)))
    assert (figures(system((0, 1), Network.BAG, loss=everything))
            == figures(system((0, 1), Network.BAG, loss=True)))


def test_loss_that_loses_nothing_equals_no_loss():
    nothing = Loss(lambda s, r, m: False, why="none")
    assert figures(system((0, 1), Network.FIFO, loss=nothing)) == figures(
        system((0, 1), Network.FIFO))


def test_declared_loss_is_the_assumption_printed():
    words = {a.name: a.why for a in derived(system((0, 1), Network.FIFO, loss=only(1)))}
    assert "no-loss" not in words
    assert "note 1 may be lost" in words["loss-where-declared"]
    assert "no-loss" in {a.name for a in derived(system((0, 1), Network.FIFO))}


def test_loss_witness_names_the_lost_message():
    s = system((0, 1), Network.FIFO, loss=only(1),
               properties=[sometimes("only-zero", lambda v: v["rx"].got == (0,)
                                     and not v.in_flight())])
    r = explore(s)
    trace = next(v for v in r.verdicts if v.property.name == "only-zero").trace
    lost = [key.message.n for key in trace.steps if key.transition == "lose"]
    assert lost == [1]


@pytest.mark.parametrize("bad, words", [
    ("drop", "neither True/False nor a Loss"),
])
def test_bad_loss_declaration_is_named(bad, words):
    with pytest.raises(ModelError, match=words):
        system((0,), Network.FIFO, loss=bad)


def test_loss_without_reason_or_function_is_refused():
    with pytest.raises(ModelError, match="no reason"):
        Loss(lambda s, r, m: True, why=" ")
    with pytest.raises(ModelError, match="not a function"):
        Loss("client2", why="x")  # type: ignore[arg-type]


def test_loss_function_that_raises_is_named():
    broken = Loss(lambda s, r, m: m.missing, why="typo")
    with pytest.raises(ModelError, match=r"Loss.*AttributeError.*Note from tx to rx"):
        explore(system((0,), Network.FIFO, loss=broken))
