"""The canonical form that sorts symmetric instances by signature (check/state/symmetry.py,
`Canonical._by_signature`) against the reference that tries every permutation
(`ExhaustiveCanonical`, TLC's least image): the same orbits, and so the same counts,
depths, verdicts and counterexample lengths, on every symmetric model of tests/ and
benchmarks/, in both engine cores.

What makes a canonical form exact is checked directly on every reachable state of small
models: it is constant on each orbit (the same for a state and for each of its images
under the whole group), it is a member of the state's orbit (the image under the
permutation it reports, `last_perm`), and two states get the same canonical member under
it exactly when they do under the reference.
"""

from __future__ import annotations

import pytest

from benchmarks import symmetric_paxos
from mcfsm import Network, System, always, explore
from mcfsm.check.search import explorer
from mcfsm.check.state.store import Store
from mcfsm.check.state.symmetry import Canonical, ExhaustiveCanonical, group
from mcfsm.lang.symmetry import Renaming

from .test_symmetry import _counters, figures, peers, reachable, twophase


def _all_heard(view) -> bool:
    return not all(len(view[p].heard) == 2 for p in ("p1", "p2", "p3"))


# Every symmetric model of tests/ and benchmarks/ that a reduced search accepts (the
# asymmetric ones of tests/test_symmetry.py are refused before any state is stored), at
# sizes a test can afford; benchmarks/bench_symmetry.py runs the larger ones.
MODELS = {
    "twophase-3": lambda: twophase.build(3, symmetric=True),
    "twophase-4": lambda: twophase.build(4, symmetric=True),
    "peers-fifo": lambda: peers(True, Network.FIFO,
                                (always("not-all-heard", _all_heard),)),
    "peers-bag": lambda: peers(True, Network.BAG),
    "counters": lambda: _counters(blocked_at=None),
    "paxos-3-2-2": lambda: symmetric_paxos.build(True, 3, 2, 2),
    "paxos-3-2-3": lambda: symmetric_paxos.build(True, 3, 2, 3),
}


# seconds each: run by CI's slow step (pyproject.toml), not by README's test command
SLOW = {"paxos-3-2-3"}


def _cases(names) -> list:
    return [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in sorted(names)]


@pytest.mark.parametrize("name", _cases(MODELS))
def test_reduced_search_is_the_every_permutation_reference(name, engine, monkeypatch):
    fast = explore(MODELS[name]())
    monkeypatch.setattr(explorer, "Canonical", ExhaustiveCanonical)
    reference = explore(MODELS[name]())
    assert figures(fast) == figures(reference)
    assert fast.complete and fast.symmetry.startswith(MODELS[name]().symmetry[0][0])


def _unreduced(system: System) -> System:
    return System(system.name, instances=system.instances, network=system.network,
                  shared=system.shared, properties=system.properties)


@pytest.mark.parametrize("name", _cases(["peers-fifo", "peers-bag", "paxos-3-2-2",
                                          "paxos-3-2-3"]))
def test_canonical_form_is_exact_on_every_reachable_state(name):
    """The models whose symmetric locals mention symmetric instances (the signature path;
    TwoPhase's and the counters' take the sorting shortcut, compared above)."""
    system = MODELS[name]()
    states = reachable(_unreduced(system))
    store = Store(system.slot_count)
    fast, reference = Canonical(system, store), ExhaustiveCanonical(system, store)
    perms = group(system)
    renamings = [Renaming(system, g) for g in perms]
    fast_of, reference_of = {}, {}
    for state in states:
        row = store.encode(state)
        canonical = tuple(fast(row))
        moved = Renaming(system, fast.last_perm).state(state)
        assert store.decode(canonical) == moved  # a member of the orbit, by the perm it says
        for r in renamings:
            assert tuple(fast(store.encode(r.state(state)))) == canonical  # one per orbit
        fast_of[state] = canonical
        reference_of[state] = tuple(reference(row))
    by_fast: dict = {}
    by_reference: dict = {}
    for state in states:
        by_fast.setdefault(fast_of[state], set()).add(state)
        by_reference.setdefault(reference_of[state], set()).add(state)
    assert sorted(map(sorted, by_fast.values())) == sorted(map(sorted, by_reference.values()))
    # ... and the orbits are what the renamings make of the states, counted without either form
    orbits = {frozenset(r.state(s) for r in renamings) for s in states}
    assert len(by_fast) == len(orbits) < len(states)
    assert fast.by_signature > 0  # the path under test ran


@pytest.mark.slow
def test_paxos_needs_one_image_a_state():
    """On Paxos the signatures leave only ties between instances that are alike (replicas
    at the same local that the messages mention alike, values no message names), which
    the tie blocks' generators show, so each state costs one image, not 2 x 3! = 12. A
    weaker signature would show here as more images, not as a wrong count."""
    system = symmetric_paxos.build(True, 3, 2, 3)
    store = Store(system.slot_count)
    canonical = Canonical(system, store)
    for state in reachable(_unreduced(system)):
        canonical(store.encode(state))
    assert canonical.tried == canonical.by_signature > 0


@pytest.mark.slow
def test_paxos_published_orbits():
    """Paxos.cfg under SYMMETRY Permutations(Values) \\union Permutations(Replicas): TLC's
    published 1,207 distinct states and depth 22 (the Examples manifest)."""
    result = explore(symmetric_paxos.build())
    assert (result.distinct_states, result.depth) == (1207, 22)
    assert [v.status for v in result.verdicts] == ["holds"] * len(result.verdicts)
