"""Depth-first search (issue 22 item 6): the same explorer with a stack for its frontier,
`Budget(depth_first=True)` and `mcfsm check --dfs [--max-depth N]`. Same counts as BFS when
nothing is cut; a deep bug found with fewer states; honest words (not the shortest, cut by
the bound, temporal properties not judged); SPIN's re-expansion of a state reached again by
a shorter path, so that a depth bound misses nothing within it; both engine cores agree."""

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mcfsm import Budget, Instance, Role, System, Transition, Var, always, explore
from mcfsm.cli import main

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "tests" / "validation"))
import peterson
import tcommit
import twophase

sys.path.pop(0)


def figures(result):
    return result.distinct_states, result.total_states, result.complete


@pytest.fixture(params=["0", "1"], ids=["compiled", "pure"])
def engine(request, monkeypatch):
    monkeypatch.setenv("MCFSM_PURE", request.param)
    return request.param


@pytest.mark.parametrize("module", [tcommit, twophase, peterson], ids=lambda m: m.__name__)
def test_unbounded_dfs_counts_as_bfs(module, engine):
    """TCommit 34/94, TwoPhase 288/1146, Peterson 42/77 (the published TLC figures) by
    either frontier; the depth is the deepest path searched, at least the BFS depth."""
    system = module.model.system(next(iter(module.model.variants)))
    bfs, dfs = explore(system), explore(system, Budget(depth_first=True))
    assert figures(dfs) == figures(bfs) and dfs.complete
    assert dfs.search == "depth-first" and bfs.search == "breadth-first"
    assert dfs.depth >= bfs.depth
    assert [v.status for v in dfs.verdicts] == [v.status for v in bfs.verdicts]
    # steps generated per transition are the same; which one found a state first is not
    assert {k: g for k, (g, _) in dfs.coverage.items()} == {k: g for k, (g, _) in bfs.coverage.items()}


def two_counters(deep: int, wide: int) -> System:
    """x counts to `deep` (the bug is at x == deep), y to `wide`, in any interleaving:
    (deep + 1) * (wide + 1) states; BFS reaches x == deep only after every state of
    smaller distance, DFS goes down the first transition, x, at once."""
    role = Role("counter", states=["on"], initial="on", final=["on"],
                variables={"x": Var(int, 0), "y": Var(int, 0)},
                transitions=[
                    Transition("inc_x", "on", None, clause="x", conditions=[lambda c: c.v.x < deep],
                               after=[lambda c: setattr(c.v, "x", c.v.x + 1)]),
                    Transition("inc_y", "on", None, clause="y", conditions=[lambda c: c.v.y < wide],
                               after=[lambda c: setattr(c.v, "y", c.v.y + 1)])])
    return System("counters", instances=[Instance("c", role)],
                  properties=[always("x-stays-small", lambda v: v["c"].x < deep, clause="bug")])


def test_dfs_finds_a_deep_bug_with_fewer_states(engine):
    system = two_counters(deep=60, wide=60)
    stop = frozenset({"x-stays-small"})
    bfs = explore(system, Budget(stop_on=stop))
    dfs = explore(system, Budget(stop_on=stop, depth_first=True))
    [vb] = [v for v in bfs.verdicts if v.property.name == "x-stays-small"]
    [vd] = [v for v in dfs.verdicts if v.property.name == "x-stays-small"]
    assert vb.status == vd.status == "violated"
    assert len(vb.trace) == len(vd.trace) == 60   # here the first path down is a shortest one
    assert dfs.distinct_states < 200 < 1800 < bfs.distinct_states


def test_a_dfs_counterexample_is_not_necessarily_the_shortest(engine):
    """The bug is at x == 3, y == 2: the shortest trace has 5 steps; depth-first runs x
    and then y up to their bounds before it comes back to it."""
    role = Role("counter", states=["on"], initial="on", final=["on"],
                variables={"x": Var(int, 0), "y": Var(int, 0)},
                transitions=[
                    Transition("inc_x", "on", None, clause="x", conditions=[lambda c: c.v.x < 9],
                               after=[lambda c: setattr(c.v, "x", c.v.x + 1)]),
                    Transition("inc_y", "on", None, clause="y", conditions=[lambda c: c.v.y < 9],
                               after=[lambda c: setattr(c.v, "y", c.v.y + 1)]),
                    Transition("dec_x", "on", None, clause="x", conditions=[lambda c: c.v.x > 0],
                               after=[lambda c: setattr(c.v, "x", c.v.x - 1)])])
    system = System("detour", instances=[Instance("c", role)],
                    properties=[always("not-3-2", lambda v: (v["c"].x, v["c"].y) != (3, 2),
                                       clause="bug")])
    [bfs] = explore(system).verdicts[:1]
    [dfs] = explore(system, Budget(depth_first=True)).verdicts[:1]
    assert len(bfs.trace) == 5 < len(dfs.trace)
    assert len(dfs.trace.states) == len(dfs.trace) + 1


def detour_system() -> System:
    """init -> l1 -> l2 -> t (long, declared first), init -> s1 -> t (short), t -> u -> bad.
    Depth-first reaches t first by the long path (depth 4), so u is at depth 5; with
    --max-depth 5, u is not expanded there and bad (depth 6 that way) is not seen. The short
    path reaches t at depth 3: t is expanded again, u gets depth 4, and bad is found at
    depth 5, as breadth-first finds it."""
    edges = [("long1", "init", "l1"), ("short1", "init", "s1"), ("long2", "l1", "l2"),
             ("long3", "l2", "t"), ("short2", "s1", "t"), ("on", "t", "u"), ("bad", "u", "bad")]
    role = Role("walker", states=["init", "l1", "l2", "s1", "t", "u", "bad"], initial="init",
                final=["bad"],
                transitions=[Transition(name, src, dst, clause=name) for name, src, dst in edges])
    return System("detour", instances=[Instance("w", role)],
                  properties=[always("never-bad", lambda v: v["w"].state != "bad", clause="bad")])


def test_a_state_reached_again_by_a_shorter_path_is_expanded_again(engine):
    system = detour_system()
    bfs = explore(system, Budget(max_depth=5))
    dfs = explore(system, Budget(max_depth=5, depth_first=True))
    assert bfs.verdicts[0].status == dfs.verdicts[0].status == "violated"
    assert len(dfs.verdicts[0].trace) == 4  # init s1 t u bad: the shorter path is kept
    # the same states as BFS within the bound, and each state's successors counted once
    assert figures(dfs)[:2] == figures(explore(system))[:2] == (7, 8)  # 1 initial + 7 edges


def test_a_depth_bound_that_cuts_never_says_holds(engine):
    system = detour_system()
    result = explore(system, Budget(max_depth=4, depth_first=True))
    assert not result.complete and result.stopped_by == "max-depth"
    assert result.verdicts[0].status == "unknown"
    # a bound that cuts nothing: complete, and the verdicts are the exhaustive ones
    whole = explore(system, Budget(max_depth=50, depth_first=True))
    assert whole.complete and whole.verdicts[0].status == "violated"


def test_compiled_and_pure_depth_first_agree(monkeypatch):
    def run(pure):
        monkeypatch.setenv("MCFSM_PURE", pure)
        out = []
        for system, budget in [(two_counters(7, 5), Budget(depth_first=True)),
                               (two_counters(7, 5), Budget(depth_first=True, max_depth=6)),
                               (detour_system(), Budget(depth_first=True, max_depth=5)),
                               (peterson.model.system("two_processes"), Budget(depth_first=True))]:
            r = explore(system, budget)
            out.append((r.distinct_states, r.total_states, r.depth, r.complete, r.stopped_by,
                        [(v.status, None if v.trace is None else len(v.trace)) for v in r.verdicts],
                        r.coverage))
        return out
    assert run("0") == run("1")


def write_model(tmp_path: Path) -> Path:
    path = tmp_path / "deep.py"
    path.write_text(
        "from mcfsm import Instance, Model, Role, System, Transition, Var, always, eventually\n"
        "R = Role('counter', states=['on'], initial='on', final=['on'], fair='weak',\n"
        "         variables={'x': Var(int, 0)},\n"
        "         transitions=[Transition('inc', 'on', None, clause='inc',\n"
        "                                 conditions=[lambda c: c.v.x < 30],\n"
        "                                 after=[lambda c: setattr(c.v, 'x', c.v.x + 1)])])\n"
        "model = Model('deep')\n"
        "model.add_variant('v', lambda: System('deep', instances=[Instance('c', R)],\n"
        "    properties=[always('below-20', lambda v: v['c'].x < 20),\n"
        "                eventually('reaches-30', lambda v: v['c'].x == 30)]))\n")
    return path


def test_check_dfs_says_what_it_did(tmp_path):
    path = write_model(tmp_path)
    r = CliRunner().invoke(main, ["check", str(path), "--dfs", "--no-cache"])
    assert r.exit_code == 1, r.output
    head = r.stdout.splitlines()[0]
    assert "depth 31 (the deepest path searched)" in head
    assert "depth-first: traces are not necessarily the shortest" in head
    assert "depth-first (not necessarily the shortest) counterexample: 20 steps" in r.stdout
    assert "not judged: a depth-first search records no state graph" in r.stdout
    r = CliRunner().invoke(main, ["check", str(path), "--dfs", "--no-cache", "--json"])
    [record] = json.loads(r.stdout)
    assert record["search"] == "depth-first"
    assert {p["name"]: p["verdict"] for p in record["properties"]}["reaches-30"] == "unknown"


def test_check_dfs_with_a_depth_bound_is_inconclusive(tmp_path):
    path = write_model(tmp_path)
    r = CliRunner().invoke(main, ["check", str(path), "--dfs", "--max-depth", "10", "--no-cache"])
    assert r.exit_code == 3, r.output
    assert "INCOMPLETE, stopped by the --max-depth budget" in r.stdout
    assert "  holds  " not in r.stdout
    r = CliRunner().invoke(main, ["check", str(path), "--dfs", "--max-depth", "25", "--no-cache"])
    assert r.exit_code == 1 and "VIOLATED  below-20" in r.stdout
