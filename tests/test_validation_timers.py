"""Stateright's ordered reliable link test (stateright/stateright,
src/actor/ordered_reliable_link.rs, `mod test`, commit ab8c8be9341505e0f71edbe5dd88ed275bd976a4),
re-modelled with timers on the lossy duplicating network (tests/validation/stateright_orl.py).

Published verdicts: "no redelivery" and "ordered" are never discovered (they hold), and
"delivered" is discovered (witnessed). Stateright pins no state count for this test: the
counts asserted below are those of an independent breadth-first search of Stateright's
semantics written here in plain Python (ActorModel::actions/next_state of src/actor/model.rs,
the unordered duplicating network of src/actor/network.rs, the checker's within_boundary
filter of src/checker/bfs.rs, the ORL's on_msg/on_timeout), not through mcfsm.

`assert_discovery("delivered", [Deliver(1, 42), Deliver(2, 43)])` does not say that the
checker found that path: it asks that the checker found *some* discovery and that the given
path, replayed from the initial state (src/checker.rs `assert_discovery`, `Path::from_actions`,
which ignores the boundary), ends where "delivered" holds. That path ends with four envelopes
in the network (both Delivers and both Acks), outside `network.len() < 4`; the shortest
witness inside the boundary takes three steps (a loss of an envelope among them). Both are
checked below.
"""

from __future__ import annotations

import importlib.util
from collections import deque

import pytest

from mcfsm import explore

from .conftest import ROOT

PATH = ROOT / "tests" / "validation" / "stateright_orl.py"


def load():
    spec = importlib.util.spec_from_file_location("stateright_orl_under_test", PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- Stateright's semantics, by hand -----------------------------------------------------------
# Ids: 0 the Sender, 1 the Receiver. An envelope: ("D", seq, value) from 0 to 1 (Deliver) or
# ("A", seq) from 1 to 0 (Ack). A state: (pending, storage0, last, received, storage1,
# network, last_msg): the Sender's msgs_pending_ack as a frozenset of (seq, value) and its
# saved copy; the Receiver's last delivered seq from 0, its Received history and its saved
# copy (None before its first save); the set of envelopes; the envelope delivered last (None
# before any), which the fingerprint includes since Stateright #74. Timers are {Network} for
# both actors in every state, crashes are off (max_crashes 0): neither is kept.
def stateright_successors(s, last_msg: bool):
    pending, storage0, last, received, storage1, network, lm = s
    for env in sorted(network):
        yield "drop", env, (pending, storage0, last, received, storage1, network - {env}, lm)
        seen = env if last_msg else None
        if env[0] == "D":  # on_msg Deliver: Ack always sent, so never a no-op
            _, seq, value = env
            net = network | {("A", seq)}
            if seq <= last:  # early return: acked, not delivered, nothing saved
                yield "deliver", env, (pending, storage0, last, received, storage1, net, seen)
            else:
                yield "deliver", env, (pending, storage0, seq, (*received, (0, value)), seq,
                                       net, seen)
        else:  # on_msg Ack: state.to_mut() and o.save, never a no-op
            left = frozenset(p for p in pending if p[0] != env[1])
            yield "deliver", env, (left, left, last, received, storage1, network, seen)
    if pending:  # the Sender's timeout; with nothing pending it only re-arms: no successor
        net = network | {("D", seq, value) for seq, value in pending}
        yield "timeout", 0, (pending, storage0, last, received, storage1, net, lm)
    # the Receiver's timeout: nothing is ever pending there, so never a successor


def stateright_bfs(last_msg: bool):
    """Distinct states inside the boundary, whether each property holds / is found, the
    depth (steps) of the shortest "delivered" state, and the published path replayed."""
    pending = frozenset({(1, 42), (2, 43)})
    init = (pending, pending, 0, (), None, frozenset({("D", 1, 42), ("D", 2, 43)}), None)
    assert len(init[5]) < 4  # within_boundary filters the initial states too
    values = lambda s: [v for _, v in s[3]]  # noqa: E731
    no_redelivery = lambda s: values(s).count(42) < 2 and values(s).count(43) < 2  # noqa: E731
    ordered = lambda s: all(a <= b for a, b in zip([0, *values(s)], values(s)))  # noqa: E731
    delivered = lambda s: s[3] == ((0, 42), (0, 43))  # noqa: E731
    depth = {init: 0}
    queue = deque([init])
    while queue:
        s = queue.popleft()
        for _, _, n in stateright_successors(s, last_msg):
            if len(n[5]) < 4 and n not in depth:
                depth[n] = depth[s] + 1
                queue.append(n)
    # the published discovery path, ignoring the boundary as Path::from_actions does
    s = init
    for env in (("D", 1, 42), ("D", 2, 43)):
        [s] = [n for kind, e, n in stateright_successors(s, last_msg)
               if kind == "deliver" and e == env]
    return {
        "distinct": len(depth),
        "no redelivery": all(map(no_redelivery, depth)),
        "ordered": all(map(ordered, depth)),
        "delivered": min((d for st, d in depth.items() if delivered(st)), default=None),
        "published path": (delivered(s), len(s[5])),
    }


# -- mcfsm against it --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def module():
    return load()


@pytest.fixture(scope="module")
def results(module):
    return {variant: explore(module.model.system(variant))
            for variant in ("as_published", "set_only")}


@pytest.mark.parametrize("variant", ["as_published", "set_only"])
def test_published_verdicts(results, variant):
    """assert_no_discovery("no redelivery"), assert_no_discovery("ordered"),
    assert_discovery("delivered", ...)."""
    r = results[variant]
    assert r.complete
    assert {v.property.name: v.status for v in r.verdicts} == {
        "no redelivery": "holds", "ordered": "holds", "delivered": "witnessed"}


@pytest.mark.parametrize("variant,last_msg", [("as_published", True), ("set_only", False)])
def test_counts_and_shortest_witness_agree_with_a_plain_bfs_of_stateright(results, variant,
                                                                          last_msg):
    """Not published: the hand-written BFS above gives 356 states with the network's last
    delivered envelope (Stateright's state at that commit), 140 without; the shortest
    "delivered" is 3 steps in both."""
    bfs = stateright_bfs(last_msg)
    r = results[variant]
    assert (bfs["no redelivery"], bfs["ordered"]) == (True, True)
    assert r.distinct_states == bfs["distinct"] == {True: 356, False: 140}[last_msg]
    [witness] = [v.trace for v in r.verdicts if v.property.name == "delivered"]
    assert len(witness) == bfs["delivered"] == 3


def test_the_published_path_reaches_delivered_outside_the_boundary(module):
    """Deliver(1, 42) then Deliver(2, 43), from 0 to 1: a run of our model too, ending where
    "delivered" holds, with 4 envelopes in flight (outside the boundary), as in the BFS."""
    assert stateright_bfs(True)["published path"] == (True, 4)
    system = module.model.system("as_published")
    [state] = system.initial_states()
    for seq, value in ((1, 42), (2, 43)):
        [state] = [after for key, after in system.successors(state)
                   if key.transition == "deliver_new" and key.sender == "sender"
                   and (key.message.seq, key.message.msg) == (seq, value)]
    view = system.view(state)
    assert view["receiver"].received == (("sender", 42), ("sender", 43))
    assert len(view.in_flight()) == 4
