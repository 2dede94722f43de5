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
