"""The split search (check/split/partitioned.py) against the single search: the same TLC counts,
verdicts, shortest counterexample lengths and coverage, for any number of partitions, in
this process and in forked ones, with the compiled core and its pure-Python twin; and the
stable hash it partitions by, equal in processes with different hash seeds."""

from __future__ import annotations

import collections
import dataclasses
import enum
import functools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mcfsm import Budget, explore
from mcfsm.check.choices import combinations
from mcfsm.check.split.partitioned import InProcessPartitions, explore_split, owner_of
from mcfsm.check.state.stable_hash import StableHashError, combine, stable_hash
from mcfsm.lang.loader import load_path

from .conftest import ROOT, run_cli

VALIDATION = ROOT / "tests" / "validation"


def _validation(name: str):
    sys.path.insert(0, str(VALIDATION))
    try:
        return __import__(name)
    finally:
        sys.path.pop(0)


def _bundled(model: str, variant: str | None = None, folder: Path = ROOT / "models"):
    """One parameter combination of a variant (the first when none is named): a system the
    split search takes whole."""
    [lm] = [m for m in load_path(folder / f"{model}.py")]
    system = lm.model.system(variant or next(iter(lm.model.variants)))
    combo = next(combinations(system), ())
    return system.restricted(dict(combo)) if combo else system


def _figures(result):
    verdicts = [(v.property.name, v.status, None if v.trace is None else len(v.trace))
                for v in result.verdicts if not v.property.temporal]
    generated = {key: g for key, (g, _) in result.coverage.items()}
    discovered = sum(n for _, n in result.coverage.values())
    return (result.distinct_states, result.total_states, result.depth, result.pruned,
            result.complete, verdicts, generated, discovered)


SYSTEMS = {
    "twophase-4": lambda: _validation("twophase").build(4),
    "peterson": lambda: _bundled("peterson", folder=VALIDATION),
    "diehard": lambda: _bundled("diehard", folder=VALIDATION),
    "private_call_redirect[base]": lambda: _bundled("private_call_redirect", "base"),
    "private_call_migration[as_published]": lambda: _bundled("private_call_migration",
                                                             "as_published"),
}


@pytest.mark.parametrize("name", sorted(SYSTEMS))
def test_split_search_gives_the_single_search_figures(name):
    system = SYSTEMS[name]()
    single = _figures(explore(system))
    for workers in (1, 2, 3):
        assert _figures(explore_split(system, workers=workers,
                                      backend=InProcessPartitions)) == single, workers
    assert _figures(explore_split(system, workers=2)) == single  # forked processes


def test_split_search_with_the_pure_twin(monkeypatch):
    monkeypatch.setenv("MCFSM_PURE", "1")
    system = _validation("twophase").build(3)
    single = explore(system)
    split = explore_split(system, workers=2, backend=InProcessPartitions)
    assert split.engine.startswith("python") and single.engine.startswith("python")
    assert _figures(split) == _figures(single)
    assert (split.distinct_states, split.total_states, split.depth) == (288, 1146, 11)


def test_temporal_properties_read_unknown_with_the_reason():
    system = _bundled("private_call_migration", "as_published")
    result = explore_split(system, workers=2, backend=InProcessPartitions)
    temporal = [v for v in result.verdicts if v.property.temporal]
    assert temporal and all(v.status == "unknown" and v.trace is None for v in temporal)
    assert result.search == "breadth-first, split over 2 processes"


def test_traces_are_runs_of_the_system_ending_where_the_property_fails():
    system = _bundled("diehard", folder=VALIDATION)
    result = explore_split(system, workers=3, backend=InProcessPartitions)
    [violated] = [v for v in result.verdicts if v.status == "violated"]
    trace = violated.trace
    assert trace.states[0] in system.initial_states()
    for before, key, after in zip(trace.states, trace.steps, trace.states[1:]):
        assert (key, after) in system.successors(before)
    assert len(trace) == len(next(v for v in explore(system).verdicts
                                  if v.status == "violated").trace)


def test_budgets_cut_the_split_search_as_they_cut_the_single_one():
    system = _validation("twophase").build(4)
    single = explore(system, Budget(max_depth=5))
    split = explore_split(system, Budget(max_depth=5), workers=2, backend=InProcessPartitions)
    assert (split.distinct_states, split.depth, split.stopped_by, split.complete) == (
        single.distinct_states, single.depth, "max-depth", False)
    cut = explore_split(system, Budget(max_states=100), workers=2, backend=InProcessPartitions)
    assert cut.stopped_by == "max-states" and not cut.complete
    assert all(v.status in ("unknown", "violated", "witnessed") for v in cut.verdicts)


def test_stop_on_a_violation_keeps_its_shortest_length():
    system = _bundled("diehard", folder=VALIDATION)
    name = next(v.property.name for v in explore(system).verdicts if v.status == "violated")
    single = explore(system, Budget(stop_on=frozenset({name})))
    split = explore_split(system, Budget(stop_on=frozenset({name})), workers=2,
                          backend=InProcessPartitions)
    assert split.stopped_by == "first-violation"
    lengths = [len(next(v for v in r.verdicts if v.property.name == name).trace)
               for r in (single, split)]
    assert lengths[0] == lengths[1]


def test_a_split_search_is_breadth_first():
    system = _validation("twophase").build(3)
    with pytest.raises(Exception, match="breadth-first"):
        explore_split(system, Budget(depth_first=True), workers=2)


# -- the stable hash -------------------------------------------------------------------------
class Colour(enum.Enum):
    RED = 1


@dataclasses.dataclass(frozen=True)
class Call:
    caller: str
    ids: frozenset


Pair = collections.namedtuple("Pair", "a b")
VALUES = ["user-2", 7, None, True, 2.5, b"x", ("a", 1), frozenset({"a", "b", "c"}),
          Colour.RED, Call("c1", frozenset({"id1", "id2"})), {"k": (1, 2)}]


def test_stable_hash_is_equal_in_processes_with_other_hash_seeds():
    program = (
        f"import json, sys; sys.path.insert(0, {str(ROOT)!r}); "
        "from tests.test_partitioned import VALUES; "
        "from mcfsm.check.state.stable_hash import stable_hash; "
        "print(json.dumps([stable_hash(v) for v in VALUES]))")
    seen = set()
    for seed in ("1", "2", "random"):
        out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                             env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"}, cwd=ROOT,
                             check=True)
        seen.add(tuple(json.loads(out.stdout)))
    assert len(seen) == 1
    assert tuple(stable_hash(v) for v in VALUES) in seen
    assert len(set(next(iter(seen)))) == len(VALUES)  # no two of these values collide


def test_stable_hash_ignores_set_order_and_separates_types():
    assert stable_hash(frozenset(["x", "y"])) == stable_hash({"y", "x"})
    assert stable_hash(1) != stable_hash("1") != stable_hash((1,))
    assert stable_hash(("a", "b")) != stable_hash(("b", "a"))
    assert owner_of(("a", 1), 3) == combine([stable_hash("a"), stable_hash(1)]) % 3


def test_stable_hash_s_memos_give_what_a_fresh_process_gives():
    """Leaves, tuple tags and a dataclass's fields are memoized: a value hashed after
    others, and again, is hashed as in a process that meets it first; equal values of other
    types (1, True and 1.0 alone or in tuples) stay apart, and a named tuple is its tuple."""
    values = [1, True, 1.0, (1,), (True,), (1.0,), Pair(1, 2), (1, 2), "1", b"1",
              Call("c1", frozenset({"id1"})), (Call("c1", frozenset({"id1"})), 1)]
    program = (
        f"import json, sys; sys.path.insert(0, {str(ROOT)!r}); "
        "from tests.test_partitioned import Call, Pair; "
        "from mcfsm.check.state.stable_hash import stable_hash; "
        f"print(json.dumps([stable_hash(v) for v in {values!r}]))")
    fresh = json.loads(subprocess.run([sys.executable, "-c", program], capture_output=True,
                                      text=True, cwd=ROOT, check=True).stdout)
    first = [stable_hash(v) for v in values]
    assert [stable_hash(v) for v in values] == first == fresh
    assert len(set(first[:6])) == 6 and first[6] == first[7]


def test_a_value_without_a_stable_hash_is_named():
    class Opaque:
        pass

    with pytest.raises(StableHashError, match=r"(?s)Opaque.*--workers 1"):
        stable_hash(Opaque())


# -- the CLI -------------------------------------------------------------------------------
def test_check_with_workers_on_one_variant_splits_its_search():
    """A variant with one combination of choices: its one search is split (a variant with
    several runs its combinations side by side instead: test_parallel.py)."""
    model = str(ROOT / "models" / "private_call_migration.py")
    variant = "fix_peer_call_resumes"
    single = run_cli("check", model, "--variant", variant, "--workers", "1", "--no-cache",
                     "--json")
    split = run_cli("check", model, "--variant", variant, "--workers", "2", "--no-cache",
                    "--json")
    # every property holds; split, its two leads_to properties are not judged: exit 3
    assert (single.returncode, split.returncode) == (0, 3), split.stderr
    [a], [b] = json.loads(single.stdout), json.loads(split.stdout)
    for key in ("distinct_states", "total_states", "depth", "complete"):
        assert a[key] == b[key], key
    def lengths(record):  # of the safety properties (temporal ones read unknown when split)
        return [(p["name"], p["verdict"], len(p["counterexample"] or p.get("witness") or []))
                for p in record["properties"]
                if p["kind"] in ("always", "sometimes", "step", "deadlock", "unhandled")]

    assert len(lengths(a)) >= 10 and lengths(a) == lengths(b)
    assert {p["verdict"] for p in b["properties"] if p["kind"] == "leads_to"} == {"unknown"}
    text = run_cli("check", model, "--variant", variant, "--workers", "2", "--no-cache")
    assert "split over 2 processes" in text.stdout.splitlines()[0]


def test_split_search_needs_no_model_on_sys_path():
    """Model classes (messages in a sibling module kept out of sys.modules) travel between
    the processes by name: the bundled models' sibling `_mc` is such a module."""
    assert "_mc" not in sys.modules or Path(sys.modules["_mc"].__file__).parent != ROOT / "models"
    system = _bundled("private_call_redirect", "base")
    assert explore_split(system, workers=2).complete


def test_a_message_sent_to_another_process_hashes_as_one_built_there():
    """Messages cache their hash; a pickled message carries its elements, not the cache,
    so a process with another hash seed rebuilds it with its own hash (a partition of the
    split search on Ray, or a spawned process, would otherwise keep equal states apart)."""
    import pickle

    program = (
        f"import pickle, sys; sys.path.insert(0, {str(ROOT)!r}); "
        "from mcfsm.lang.messages import Message, M; "
        "import tests.test_partitioned as t; "
        "m = pickle.loads(bytes.fromhex(sys.argv[1])); "
        "print(m == t.Ping(to='b') and hash(m) == hash(t.Ping(to='b')))")
    data = pickle.dumps(Ping(to="b")).hex()
    out = subprocess.run([sys.executable, "-c", program, data], capture_output=True, text=True,
                         env={"PYTHONHASHSEED": "7", "PATH": "/usr/bin:/bin"}, cwd=ROOT)
    assert out.stdout.strip() == "True", out.stderr


from mcfsm.lang.messages import M, Message  # noqa: E402


class Ping(Message):
    to: str = M("the receiver")


def _over_the_limit_only_in_a_child(parent: int) -> int:
    """A memory reading past any limit in every process but the test's own: a forked
    partition reads it, the driver does not (real resident memory after a fork depends on
    how much free heap the child inherits, so a real limit made this test flaky)."""
    return 2**62 if os.getpid() != parent else 0


def test_a_partition_past_max_memory_stops_the_split_search_saying_so():
    """Each forked partition polls the driver's --max-memory guard on its own memory (as
    each variant worker does): the search stops, and says which budget stopped it."""
    from mcfsm.interrupt import MemoryGuard

    guard = MemoryGuard(None, 2**40, functools.partial(_over_the_limit_only_in_a_child,
                                                       os.getpid()))
    result = explore_split(_validation("twophase").build(8), Budget(stop=guard), workers=2)
    assert result.stopped_by == "max-memory" and not result.complete
    assert guard.reason is None  # the driver's own reading stayed under the limit
    assert all(v.status in ("unknown", "violated", "witnessed") for v in result.verdicts)


def test_the_driver_past_max_memory_says_max_memory_too():
    """The driver polls the same guard between rounds; past the limit it says max-memory,
    not "interrupted"."""
    from mcfsm.interrupt import MemoryGuard

    guard = MemoryGuard(None, 2**40, lambda: 2**62)
    result = explore_split(_validation("twophase").build(5), Budget(stop=guard), workers=2,
                           backend=InProcessPartitions)
    assert result.stopped_by == "max-memory" and not result.complete
    assert guard.reason == "max-memory"
