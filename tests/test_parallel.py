"""Variants explored in parallel processes give the same results, in the same order, as
one after the other (check --workers), cold or from the cache."""

import json
from pathlib import Path

from click.testing import CliRunner

from mcfsm.cli import main

VALIDATION = str(Path(__file__).parent / "validation")


def records(output: str) -> list[dict]:
    return [{k: v for k, v in r.items() if k != "elapsed_s"} for r in json.loads(output)]


def test_workers_give_the_serial_results(tmp_path, monkeypatch):
    monkeypatch.setenv("MCFSM_CACHE_DIR", str(tmp_path / "cache"))
    runner = CliRunner()
    serial = runner.invoke(main, ["check", VALIDATION, "--json", "--no-cache", "--workers", "1"])
    parallel = runner.invoke(main, ["check", VALIDATION, "--json", "--workers", "2"])
    warm = runner.invoke(main, ["check", VALIDATION, "--json", "--workers", "2"])
    assert serial.exit_code == parallel.exit_code == warm.exit_code == 1  # DieHard is violated
    assert records(serial.output) == records(parallel.output) == records(warm.output)
    assert len(records(serial.output)) >= 4


def test_workers_report_their_progress_while_they_explore():
    """Each worker tells the parent its states, depth and time about twice a second, and
    that it is done; the CLI draws it as one line on a terminal (issue 21)."""
    from mcfsm import Budget
    from mcfsm.check.parallel import Job, explore_many
    from mcfsm.lang.loader import load_path

    from .conftest import ROOT

    [lm] = load_path(ROOT / "models" / "private_call_redirect.py")
    jobs = [Job(lm.model.system(v), lm, v, Budget(), cache=False) for v in ("base", "cr_both")]
    heard: dict[int, list] = {0: [], 1: []}
    results = explore_many(jobs, workers=2, progress=lambda i, p: heard[i].append(p))
    assert all(r is not None and r.complete for r in results)
    for i in (0, 1):
        assert heard[i][-1] is None  # done, once, at the end
        states = [p.distinct for p in heard[i][:-1]]
        assert states and states == sorted(states)  # progress only grows


def test_one_variant_runs_its_combinations_side_by_side():
    """check --workers 2 on one variant with several combinations of choices: each
    combination's search is whole, in its own process, and the merge is the sequential
    one's, so the record is --workers 1's to the last trace step, temporal verdicts
    included (a split search could not judge them)."""
    from .conftest import ROOT, run_cli

    model = str(ROOT / "models" / "private_call_redirect.py")
    args = ("check", model, "--variant", "base", "--no-cache", "--json")
    single, side = run_cli(*args, "--workers", "1"), run_cli(*args, "--workers", "2")
    assert single.returncode == side.returncode == 1, side.stderr
    [a], [b] = json.loads(single.stdout), json.loads(side.stdout)
    assert b.pop("search").startswith("breadth-first, parameter combinations side by side: ")
    a.pop("search")
    a.pop("elapsed_s"), b.pop("elapsed_s")
    assert a == b
    temporal = [p["verdict"] for p in b["properties"] if p["kind"] == "leads_to"]
    assert temporal and "unknown" not in temporal
    head = run_cli("check", model, "--variant", "base", "--workers", "2",
                   "--no-cache").stdout.splitlines()[0]
    assert "parameter combinations side by side: " in head and " on 2 processes" in head


def test_side_by_side_keeps_the_first_shortest_trace_of_each_property():
    """One rule says which run a merged verdict and its trace come from (choices.py
    verdict_sources), and the parent replays only those traces: per property, among the
    combinations that violate or witness it, the first with the fewest steps; a verdict
    without a trace counts last."""
    from mcfsm.check.choices import ChoiceRun, verdict_sources

    def run(lengths: dict[str, int | None]) -> ChoiceRun:
        verdicts = {name: ("violated", steps) for name, steps in lengths.items()}
        return ChoiceRun((), {"other": ("holds", None), **verdicts}, 10, True)

    first, second, third = "first", "second", "third"
    sources = verdict_sources((run({first: 5, second: 3, third: None}), run({}),
                               run({first: 4, second: 3}), run({first: 4, third: 9})))
    keep = [{name for name, i in sources.items() if i == k} for k in range(4)]
    assert keep == [{second}, set(), {first}, {third}]


def test_side_by_side_reports_one_progress_line_for_the_variant():
    """The combinations' progress, added up into the variant's one line: heard at least
    once per combination (when it is done), never more states than the search found."""
    from mcfsm import Budget
    from mcfsm.check.choices import combination_count
    from mcfsm.check.parallel import explore_choices
    from mcfsm.lang.loader import load_path

    from .conftest import ROOT

    [lm] = load_path(ROOT / "models" / "private_call_migration.py")
    system = lm.model.system("setup_in_progress")
    heard = []
    result = explore_choices(system, Budget(), 2, progress=heard.append)
    assert result is not None and result.complete
    # release_ack, suspension_indication, setup_on_migration, setup_timeout and
    # same_peer_call, two choices each (the variant pins the rest): 2**5
    assert len(heard) >= combination_count(system) == 32
    assert all(0 <= p.distinct <= result.distinct_states for p in heard)


def _countdown_system(die_at: str | None = None):
    """A counter whose bound is a parameter of six choices (six combinations of very
    different sizes: bound + 1 states each); with `die_at`, the worker process exploring
    that bound exits in the middle of its search."""
    import os

    from mcfsm import Instance, Param, Role, System, Transition, Var

    def below(ctx) -> bool:
        return ctx.v.n < int(ctx.params.bound)

    def tick(ctx) -> None:
        if ctx.params.bound == die_at and ctx.v.n == 2:
            os._exit(3)  # a crash the interpreter cannot report: the process is gone
        ctx.v.n += 1

    role = Role("counter", states=["run"], initial="run", final=["run"],
                variables={"n": Var(int, 0)},
                transitions=[Transition("tick", "run", None, conditions=[below], after=[tick])])
    bounds = ("40", "3", "30", "4", "20", "5")
    return System("countdown", instances=[Instance("c", role)],
                  params={"bound": Param(choices=bounds)}), bounds


def test_side_by_side_workers_take_each_combination_once():
    """Workers on shared tables take the next combination nobody has taken: every
    combination is answered exactly once, whatever the order they finish in, and the merged
    record is the sequential one's (states counted by hand: bound + 1 per combination)."""
    from mcfsm import Budget
    from mcfsm.check.choices import explore_by_choice
    from mcfsm.check.parallel import explore_choices

    system, bounds = _countdown_system()
    side = explore_choices(system, Budget(), 2)
    single = explore_by_choice(system)
    assert side is not None
    assert side.distinct_states == single.distinct_states == sum(int(b) + 1 for b in bounds)
    assert [r.choices for r in side.per_choice] == [r.choices for r in single.per_choice]
    assert [r.distinct_states for r in side.per_choice] == [int(b) + 1 for b in bounds]


def test_a_worker_that_dies_names_the_combination_it_took():
    """A worker process that exits in the middle of a combination it took is an error that
    names that combination, never a hang nor a result without it."""
    import pytest

    from mcfsm import Budget
    from mcfsm.check.parallel import WorkerDiedError, explore_choices

    system, _ = _countdown_system(die_at="30")
    with pytest.raises(WorkerDiedError, match="bound=30"):
        explore_choices(system, Budget(), 2)
