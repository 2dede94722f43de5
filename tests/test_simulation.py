"""Random runs on the engine's successor function (check/runs/walk.py, check/runs/simulation.py): the
published DieHard length, every property in one simulation, budgets and swarm masks. Every
bundled variant's random runs are held against the exhaustive explorer in
test_differential.py, which explores each variant once for both random engines."""

import itertools

from hypothesis.database import InMemoryExampleDatabase

from mcfsm import Instance, Role, System, Transition, Var, always
from mcfsm.check.cache import explore_cached
from mcfsm.check.results import Budget
from mcfsm.check.runs.simulation import CHUNK, _Depths, _Search, simulate
from mcfsm.check.runs.walk import Walker
from mcfsm.lang.loader import load_path

from .conftest import ROOT


def assert_real_run(system, trace):
    """Each step of the trace is one of System.successors of the state before it."""
    assert trace.states[0] in system.initial_states()
    for before, key, after in zip(trace.states, trace.steps, trace.states[1:]):
        assert (key, after) in system.successors(before), f"{key} does not lead there"


def test_diehard_is_solved_in_the_published_six_steps():
    """DieHard.tla's NotSolved: TLC's shortest counterexample has 6 steps (fill big, big to
    small, empty small, big to small, fill big, big to small); random runs shrunk by
    hypothesis and the walker reach exactly that length."""
    [lm] = load_path(ROOT / "tests" / "validation" / "diehard.py")
    system = lm.model.system("jugs_3_5")
    # shortest_within=0: no breadth-first pass, so the length is the shrinking's own
    sim = simulate(system, examples=200, steps=30, seed=1, shortest_within=0)
    [outcome] = [o for o in sim.outcomes if o.property.name == "NotSolved"]
    assert outcome.status == "violated"
    assert len(outcome.trace) == 6
    assert "not necessarily the shortest" in outcome.words
    assert outcome.trace.states[-1][2].big == 4  # slot 2: the jugs' local state
    assert_real_run(system, outcome.trace)


def _bump(ctx) -> None:
    ctx.v.n += 1


def _jump(ctx) -> None:
    ctx.v.n += 2


def test_a_violation_the_breadth_first_pass_settles_is_not_shrunk_by_hypothesis():
    """The breadth-first pass after shrinking finds a safety property's shortest run from
    the initial states whatever run it is given, so hypothesis does not shrink a violation
    the pass settles (its shrinking was two thirds of a simulation's time on the bundled
    models) unless an example database is to keep the shrunk example: fewer runs of the
    walker then (hypothesis's shrinking replays the failing example, a batch of runs each
    time), the same shortest counterexample."""
    counter = Role("counter", states=["s"], initial="s", final=["s"], variables={"n": Var(int, 0)},
                   transitions=[Transition(name, "s", None, environment=True, after=[step],
                                           conditions=[lambda ctx: ctx.v.n < 6])
                                for name, step in (("tick", _bump), ("jump", _jump))])
    system = System("counter", instances=[Instance("c", counter)],
                    properties=[always("below-five", lambda v: v["c"].n < 5)])

    def walker_runs(**options):
        walker, calls = Walker(system), []
        run = walker.run
        walker.run = lambda *a, **k: calls.append(1) or run(*a, **k)
        sim = simulate(system, examples=20, steps=30, seed=1, walker=walker, **options)
        [outcome] = [o for o in sim.outcomes if o.property.name == "below-five"]
        assert outcome.status == "violated" and len(outcome.trace) == 3  # 2 + 2 + 1
        assert_real_run(system, outcome.trace)
        return len(calls), outcome.words

    settled, words = walker_runs()
    assert "shortest counterexample" in words
    kept, words = walker_runs(database=InMemoryExampleDatabase())
    assert "shortest counterexample" in words
    shrunk, words = walker_runs(shortest_within=0)  # no pass: hypothesis shrinks it
    assert "not necessarily the shortest" in words
    assert settled < kept == shrunk


def test_a_run_s_choices_are_drawn_as_the_walker_takes_them():
    """A run's bytes come from hypothesis CHUNK at a time, when the walker needs them: a run
    that stops early leaves the rest of its bound undrawn (so hypothesis shrinks what the
    run used), and a run that takes its whole bound gets exactly that many bytes."""
    [lm] = load_path(ROOT / "tests" / "validation" / "diehard.py")
    depths = _Depths(None, None)  # the default: bounds 50, 100, 200, 400, ..., 6,400
    search = _Search(Walker(lm.model.system("jugs_3_5")), depths, 1000, frozenset(), None,
                     True, True, {})

    class Data:  # what the search draws, by size
        def __init__(self) -> None:
            self.sizes: list[int] = []

        def draw(self, strategy):
            [size] = [n for n, chunk in search.chunks.items() if chunk is strategy]
            self.sizes.append(size)
            return bytes(size)

    data = Data()
    taken = list(itertools.islice(search._choices(data, 6400), 10))
    assert len(taken) == 10 and data.sizes == [CHUNK]
    for steps in (400, 6400):
        data = Data()
        assert len(list(search._choices(data, steps))) == steps
        assert data.sizes == [CHUNK] * (steps // CHUNK) + [steps % CHUNK] * (steps % CHUNK > 0)


def test_every_property_is_searched_for_in_one_simulation():
    [lm] = [m for m in load_path(ROOT / "models") if m.model.name == "private_call_redirect"]
    system = lm.model.system("base")
    # the exhaustive verdicts through the result cache (the plugin's items fill it)
    exhaustive = {v.property.name: v
                  for v in explore_cached(system, loaded=lm, variant="base").verdicts}
    sim = simulate(system, examples=60, steps=60, seed=2, derandomize=True)
    statuses = {o.property.name: o.status for o in sim.outcomes}
    violated = {n for n, s in statuses.items() if s == "violated"}
    assert violated and violated <= {n for n, v in exhaustive.items() if v.status == "violated"}
    for o in sim.outcomes:
        if o.property.temporal and o.status == "violated":  # a real fair lasso
            assert exhaustive[o.property.name].status == "violated"
            assert o.trace.loop_start is not None
        elif o.property.temporal:  # judged on the cycles the runs closed: no proof
            assert o.status == "no violation found" and "not a proof" in o.words
        elif o.status == "no violation found":
            assert "not a proof" in o.words and f"{sim.distinct_states:,} distinct" in o.words
        elif o.status == "violated":
            assert_real_run(system, o.trace)
            # the breadth-first pass after shrinking: the explorer's shortest length
            assert "shortest counterexample" in o.words, o.words
            assert len(o.trace) == len(exhaustive[o.property.name].trace), o.property.name
            assert len(o.trace) <= sim.shrunk_lengths[o.property.name]
    assert sim.steps > 0 and sim.distinct_states > 0 and sim.transitions > 0


def test_a_breadth_first_pass_cut_by_its_bound_keeps_the_shrunk_run_and_says_so():
    [lm] = [m for m in load_path(ROOT / "models") if m.model.name == "private_call_redirect"]
    system = lm.model.system("base")
    # the temporal properties left out (`known`): the pass is for safety properties, and
    # shrinking a lasso was most of this test's time
    temporal = frozenset(p.name for p in system.properties if p.temporal)
    sim = simulate(system, examples=30, steps=60, seed=2, derandomize=True, shortest_within=5,
                   known=temporal)
    violated = [o for o in sim.outcomes if o.status == "violated"]
    assert temporal and not any(o.property.name in temporal for o in violated)
    assert violated
    for o in violated:  # 5 states never reach a violation: every run stays as shrunk
        assert "not necessarily the shortest" in o.words
        assert len(o.trace) == sim.shrunk_lengths[o.property.name]
        assert_real_run(system, o.trace)


def test_a_budget_cuts_the_simulation_and_says_so():
    [lm] = load_path(ROOT / "tests" / "validation" / "twophase.py")
    system = lm.model.system(next(iter(lm.model.variants)))
    sim = simulate(system, examples=10_000, steps=50, seed=3, budget=Budget(max_states=50))
    assert sim.stopped_by == "max-states"


def test_a_swarm_mask_avoids_transitions_unless_nothing_else_is_enabled():
    [lm] = load_path(ROOT / "tests" / "validation" / "diehard.py")
    system = lm.model.system("jugs_3_5")
    walker = Walker(system)
    everything_but_one = (2**64 - 1) & ~1  # only coverage id 0 stays allowed
    walker.run(bytes(range(200)), 0, everything_but_one, skip=frozenset({"NotSolved"}))
    fired = {tid for tid, count in walker.fired.items() if count}
    assert 0 in fired
    # the others fire only where coverage id 0 is not enabled: fewer than without the mask
    free = Walker(system)
    free.run(bytes(range(200)), 0, 0, skip=frozenset({"NotSolved"}))
    assert walker.fired.get(0, 0) > free.fired.get(0, 0)


def test_witnesses_are_counted_not_shrunk_when_no_trace_is_wanted():
    """The pytest plugin's hypothesis items read violations only (witness_traces=False): a
    `sometimes` property seen true is still witnessed, with its count, but no run of it is
    shrunk or traced; `mcfsm simulate` (the default) gives the shrunk witness."""
    [lm] = [m for m in load_path(ROOT / "tests" / "validation" / "stateright_pingpong.py")]
    system = lm.model.system("ping_pong")
    wanted, counted = (simulate(system, examples=5, steps=40, derandomize=True,
                                witness_traces=traced) for traced in (True, False))
    [a] = [o for o in wanted.outcomes if o.property.name == "can-reach-max"]
    [b] = [o for o in counted.outcomes if o.property.name == "can-reach-max"]
    assert a.status == b.status == "witnessed" and a.words == b.words
    assert a.trace is not None and len(a.trace) > 0 and b.trace is None
