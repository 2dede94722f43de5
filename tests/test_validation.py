"""The engine against published TLC figures (tlaplus/Examples manifests), through the CLI.

TCommit (3 RMs): 34 distinct, 94 total, depth 7. TwoPhase (3 RMs): 288, 1146, 11, no
deadlock. Peterson (2 processes): 42, 77, 11, mutual exclusion holds. DieHard: the "big
jug never holds 4" invariant is violated; its shortest counterexample is recomputed here
by an independent breadth-first search over (small, big) pairs.
"""

from collections import deque

import pytest

from .conftest import check_json

PUBLISHED = {
    "tcommit": (34, 94, 7),
    "twophase": (288, 1146, 11),
    "peterson": (42, 77, 11),
    # specifications/CoffeeCan/manifest.json, CoffeeCan100Beans.cfg: a correlated Init
    # (issue 22 item 2), every reachable state initial
    "coffeecan": (5150, 20002, 1),
}


@pytest.fixture(scope="module")
def results():
    return {r["model"]: r for r in check_json("tests/validation")}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_published_tlc_counts(results, name):
    r = results[name]
    assert (r["distinct_states"], r["total_states"], r["depth"]) == PUBLISHED[name]
    assert r["complete"] is True


# Stateright's own tests (stateright/stateright, src/actor/model.rs): actors that send in
# on_start, re-modelled with messages in flight in the initial state (issue 22 item 1).
# ping_pong max_nat 5 on a perfect network: 11 unique states
# (eventually_reaches_max_on_perfect_delivery_network, can_reach_max, whose witness ends in
# counts [4, 5]); no_op_depends_on_network on an ordered network: 3.
# On the lossy duplicating network (a persistent set with loss): visits_expected_states, 14
# for max_nat 1; maintains_fixed_delta_despite_lossy_duplicating_network, 4,094 for 5.
STATERIGHT = {"ping_pong": 11, "no_op_ordered": 3, "lossy_duplicating_1": 14,
              "lossy_duplicating_5": 4094}


@pytest.mark.parametrize("variant", sorted(STATERIGHT))
def test_published_stateright_counts(results_by_variant, variant):
    r = results_by_variant[("stateright_pingpong", variant)]
    assert r["distinct_states"] == STATERIGHT[variant] and r["complete"]
    assert all(p["verdict"] in ("holds", "witnessed") for p in r["properties"]
               if p["name"] != "must-reach-max")


@pytest.mark.parametrize("variant", ["lossy_duplicating_1", "lossy_duplicating_5"])
def test_stateright_must_reach_max_fails_by_dropping_the_first_ping(results_by_variant, variant):
    """may_never_reach_max_on_lossy_network: "delta within 1" is never violated, and "must
    reach max" is discovered by the one step Drop(Envelope{src: 0, dst: 1, msg: Ping(0)}):
    our lasso is that loss, then nothing happens for ever."""
    r = results_by_variant[("stateright_pingpong", variant)]
    found = {p["name"]: p for p in r["properties"]}
    assert found["delta-within-1"]["verdict"] == "holds"
    lasso = found["must-reach-max"]
    assert lasso["verdict"] == "violated"
    [drop] = lasso["counterexample"]
    assert (drop["actor"], drop["kind"], drop["from"], drop["message"]) == (
        "network", "lose", "ping", {"type": "Ping", "n": 0})


def test_stateright_can_reach_max_ends_where_stateright_s_discovery_does(results_by_variant):
    """Stateright's BFS discovery of "can reach max" ends with actor states [4, 5]; our
    shortest witness ends in the same counts (ping 4, pong 5), after 9 deliveries."""
    r = results_by_variant[("stateright_pingpong", "ping_pong")]
    [witness] = [p for p in r["properties"] if p["name"] == "can-reach-max"]
    last = witness["witness"][-1]["state"]["instances"]
    assert (len(witness["witness"]), last["ping"]["count"], last["pong"]["count"]) == (9, 4, 5)


@pytest.fixture(scope="module")
def results_by_variant():
    return {(r["model"], r["variant"]): r for r in check_json("tests/validation")}


def verdicts(result):
    return {p["name"]: p["verdict"] for p in result["properties"]}


def test_twophase_has_no_deadlock_and_is_consistent(results):
    assert verdicts(results["twophase"]) == {"TCConsistent": "holds", "no-deadlock": "holds"}


def test_peterson_mutual_exclusion_holds(results):
    assert verdicts(results["peterson"])["MutualExclusion"] == "holds"


def test_coffeecan_properties_hold_as_tlc_reports(results):
    """The manifest's "success": TypeInvariant and the four temporal and action properties
    of the .cfg hold (TerminationHypothesis as two stronger leads-to properties)."""
    assert set(verdicts(results["coffeecan"]).values()) == {"holds"}
    assert len(verdicts(results["coffeecan"])) == 8


def test_tcommit_consistency_holds(results):
    assert verdicts(results["tcommit"])["TCConsistent"] == "holds"


def shortest_diehard_solution() -> int:
    """Independent BFS over (small, big) with the six DieHard actions."""
    def moves(small, big):
        yield 3, big
        yield small, 5
        yield 0, big
        yield small, 0
        pour = min(big + small, 5) - big
        yield small - pour, big + pour
        pour = min(big + small, 3) - small
        yield small + pour, big - pour

    dist = {(0, 0): 0}
    queue = deque([(0, 0)])
    while queue:
        s = queue.popleft()
        if s[1] == 4:
            return dist[s]
        for t in moves(*s):
            if t not in dist:
                dist[t] = dist[s] + 1
                queue.append(t)
    raise AssertionError("unreachable")


def test_diehard_violation_is_a_shortest_valid_counterexample(results):
    prop = next(p for p in results["diehard"]["properties"] if p["name"] == "NotSolved")
    assert prop["verdict"] == "violated"
    steps = prop["counterexample"]
    assert len(steps) == shortest_diehard_solution() == 6
    jugs = [prop["counterexample_initial_state"]["instances"]["jugs"]]
    jugs += [s["state"]["instances"]["jugs"] for s in steps]
    assert (jugs[0]["small"], jugs[0]["big"]) == (0, 0)
    assert jugs[-1]["big"] == 4
    assert all(j["big"] != 4 for j in jugs[:-1])


def test_twophase_six_rms_matches_the_figure_in_twophase_tla():
    """TwoPhase.tla's closing comment: "checked with TLC for six RMs, a configuration with
    50816 reachable states"."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent / "validation"))
    try:
        import twophase
    finally:
        sys.path.pop(0)
    from mcfsm import explore

    result = explore(twophase.build(6))
    assert result.complete and result.distinct_states == 50816


@pytest.mark.slow
def test_coffeecan_1000_beans_matches_the_manifest():
    """specifications/CoffeeCan/manifest.json, CoffeeCan1000Beans.cfg: 501500 distinct
    states, 2000002 total, depth 1 (about a minute here)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent / "validation"))
    try:
        import coffeecan
    finally:
        sys.path.pop(0)
    from mcfsm import explore

    r = explore(coffeecan.build(1000))
    assert r.complete and (r.distinct_states, r.total_states, r.depth) == (501500, 2000002, 1)
