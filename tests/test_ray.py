"""The split search on Ray (check --ray): a local cluster of a head and a worker node on the
loopback address, started with Ray's own test utility, explores a bundled variant with
the same counts, verdicts and counterexample lengths as the single search.

Skipped, saying so, only when the ray package is not installed (pip install 'mcfsm[ray]';
.ci/setup installs it)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, run_cli

ray = pytest.importorskip("ray", reason="the ray package is not installed: "
                          "pip install 'mcfsm[ray]' to run the Ray cluster test")

pytestmark = pytest.mark.slow

MODEL = str(ROOT / "models" / "private_call_redirect.py")


def _figures(record: dict) -> tuple:
    safety = [(p["name"], p["verdict"], len(p["counterexample"] or p.get("witness") or []))
              for p in record["properties"]
              if p["kind"] in ("always", "sometimes", "step", "deadlock", "unhandled")]
    return (record["distinct_states"], record["total_states"], record["depth"],
            record["complete"], safety)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def cluster():
    """A head and a worker node on 127.0.0.1, started as README shows (`ray start`), without
    Ray's token authentication (a loopback cluster for this test only; the CLI subprocesses
    inherit this environment). `ray stop` ends it."""
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "disabled"}
    os.environ.update(RAY_AUTH_MODE="disabled", RAY_USAGE_STATS_ENABLED="0")
    ray_cli = str(Path(sys.executable).parent / "ray")
    address = f"127.0.0.1:{_free_port()}"
    common = ["--num-cpus", "1", "--node-ip-address", "127.0.0.1"]
    try:
        for command in ([ray_cli, "start", "--head", "--port", address.split(":")[1],
                         "--include-dashboard", "false", "--disable-usage-stats", *common],
                        [ray_cli, "start", "--address", address, *common]):
            started = subprocess.run(command, env=env, capture_output=True, text=True,
                                     timeout=180)
            assert started.returncode == 0, started.stderr[-2000:]
        yield address
    finally:
        subprocess.run([ray_cli, "stop", "--force"], env=env, capture_output=True, timeout=120)


def test_a_two_node_cluster_gives_the_single_search_and_forked_swarm_results(cluster,
                                                                            tmp_path):
    """One test for everything the cluster runs: `ray stop` ends every Ray process on the
    machine, so a second test using the cluster on another xdist worker would start its own
    and stop this one."""
    _split_search_equals_single(cluster)
    _swarm_equals_forked_swarm(cluster, tmp_path)


def _split_search_equals_single(cluster: str) -> None:
    single = run_cli("check", MODEL, "--variant", "base", "--workers", "1", "--no-cache",
                     "--json")
    on_ray = run_cli("check", MODEL, "--variant", "base", "--workers", "2", "--no-cache",
                     "--json", "--ray", cluster)
    assert single.returncode == on_ray.returncode == 1, on_ray.stderr
    [a], [b] = json.loads(single.stdout), json.loads(on_ray.stdout)
    assert _figures(a) == _figures(b)
    assert len(_figures(a)[4]) >= 10
    assert b["search"] == "breadth-first, split over 2 processes"


def test_an_address_where_no_cluster_answers_is_a_clear_error():
    proc = run_cli("check", MODEL, "--variant", "base", "--no-cache",
                   "--ray", "127.0.0.1:1")
    assert proc.returncode == 2
    assert "--ray 127.0.0.1:1" in proc.stderr and "Traceback" not in proc.stderr


def _swarm_equals_forked_swarm(cluster: str, tmp_path: Path) -> None:
    """`simulate --ray`: each member a Ray task that builds the system from the model file;
    with the same seeds, the members' merged findings equal the forked swarm's."""
    diehard = str(ROOT / "tests" / "validation" / "diehard.py")
    common = ["simulate", diehard, "--workers", "2", "--seed", "5", "--examples", "40"]
    forked = run_cli(*common, "--traces", str(tmp_path / "forked"))
    on_ray = run_cli(*common, "--traces", str(tmp_path / "ray"), "--ray", cluster)
    assert forked.returncode == on_ray.returncode == 1, on_ray.stderr

    def findings(out: str) -> list[str]:  # everything but the timing figures
        return [line for line in out.splitlines()[1:] if line.strip()
                and "/forked/" not in line and "/ray/" not in line]
    assert findings(forked.stdout) == findings(on_ray.stdout)
    assert f"as Ray tasks ({cluster})" in on_ray.stdout
    assert "VIOLATED" in on_ray.stdout
