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
