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
# the tests that run Ray take turns (conftest's ray_alone); one that starts no Ray process
# does not wait for them (it waited half a minute for the cluster test)
takes_its_turn = pytest.mark.usefixtures("ray_alone")

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


@pytest.fixture  # per test (one uses it), inside ray_alone's turn: started and stopped there
def cluster(ray_alone):
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


@takes_its_turn
def test_a_two_node_cluster_gives_the_single_search_and_forked_swarm_results(cluster,
                                                                            tmp_path):
    """One test for everything the cluster runs: `ray stop` ends every Ray process on the
    machine, so a second test using the cluster on another xdist worker would start its own
    and stop this one."""
    _split_search_equals_single(cluster)
    _swarm_equals_forked_swarm(cluster, tmp_path)


def _split_search_equals_single(cluster: str) -> None:
    # the single search through the checkout's result cache (README's test command, run
    # before this step in CI, explored the variant: a cached answer is the one a fresh run
    # gives); the split search on the cluster always runs (--no-cache)
    single = run_cli("check", MODEL, "--variant", "base", "--workers", "1", "--json")
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
    # --steps as before simulate's depth grew by default (issue 73 item 2): with depths up
    # to 6,400 a member's steps when the first violation stops the swarm depend on timing
    # and --shrink-time long enough never to cut shrinking: the default window (10 s) was
    # cut on one side on a machine at load 7 (CI beside two other jobs), and the steps the
    # shrinking took, counted in every outcome, differed (306,045 and 317,309)
    common = ["simulate", diehard, "--workers", "2", "--seed", "5", "--examples", "40",
              "--steps", "50", "--shrink-time", "600"]
    forked = run_cli(*common, "--traces", str(tmp_path / "forked"))
    on_ray = run_cli(*common, "--traces", str(tmp_path / "ray"), "--ray", cluster)
    assert forked.returncode == on_ray.returncode == 1, on_ray.stderr

    def findings(out: str) -> list[str]:  # everything but the timing figures
        return [line for line in out.splitlines()[1:] if line.strip()
                and "/forked/" not in line and "/ray/" not in line]
    assert findings(forked.stdout) == findings(on_ray.stdout)
    assert f"as Ray tasks ({cluster})" in on_ray.stdout
    assert "VIOLATED" in on_ray.stdout


# -- clean stops (issue 57 item 4) ---------------------------------------------------------------
def _descendants(pid: int) -> dict[int, str]:
    """pid -> start time of every process under `pid` (from /proc)."""
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                table[int(entry.name)] = (int(fields[1]), fields[19])
    kin, grew = {pid}, True
    while grew:
        grew = False
        for child, (parent, _) in table.items():
            if parent in kin and child not in kin:
                kin.add(child)
                grew = True
    return {k: table[k][1] for k in kin - {pid}}


def _still_alive(procs: dict[int, str]) -> list[int]:
    alive = []
    for pid, started in procs.items():
        try:
            fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[19] == started and fields[0] != "Z":
            alive.append(pid)
    return alive


def _named(pid: int) -> str:
    """`pid (state, parent): command line`, from /proc, for the message of a failed stop."""
    try:
        fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
        line = (Path("/proc") / str(pid) / "cmdline").read_text(errors="replace")
    except OSError:
        return f"{pid} (gone)"
    return f"{pid} ({fields[0]}, parent {fields[1]}): {line.replace(chr(0), ' ')[:120]}"


@takes_its_turn
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("how", ["SIGTERM", "SIGKILL"])
@pytest.mark.parametrize("command", [
    ["check", MODEL, "--variant", "switch_off", "--workers", "2"],
    ["simulate", MODEL, "--variant", "switch_off", "--workers", "2", "--examples", "1000000",
     "--time-limit", "120", "--seed", "1"],
], ids=["check", "simulate"])
def test_a_ray_local_run_stops_cleanly(how, command):
    """Before: SIGTERM ended `--ray local` with status 15 (Ray's own handler), and after a
    SIGKILL of the driver two Ray agents lived on for more than 90 s. Now SIGTERM gives
    143 as local runs do, and whatever ends the driver, no process of the run is left."""
    import signal
    import time

    env = dict(os.environ, PYTHONPATH=str(ROOT), MCFSM_NO_CACHE="1",
               RAY_USAGE_STATS_ENABLED="0")
    proc = subprocess.Popen([sys.executable, "-m", "mcfsm", *command, "--ray", "local"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        kin: dict[int, str] = {}
        while time.monotonic() < deadline and proc.poll() is None:
            kin.update(_descendants(proc.pid))
            if sum("ray::" in (Path("/proc") / str(p) / "cmdline").read_text(errors="replace")
                   for p in _still_alive(kin)) >= 4:  # two agents and two workers
                break
            time.sleep(0.2)
        assert proc.poll() is None, proc.communicate()[1][-2000:]
        time.sleep(1)
        kin.update(_descendants(proc.pid))
        proc.send_signal(getattr(signal, how))
        signalled = time.monotonic()
        _, err = proc.communicate(timeout=60)
        while _still_alive(kin) and time.monotonic() < signalled + 20:
            time.sleep(0.1)
        left = _still_alive(kin)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert not left, (f"{len(left)} processes of the Ray run outlived it: "
                      + "; ".join(_named(pid) for pid in left))
    if how == "SIGTERM":
        assert proc.returncode == 128 + signal.SIGTERM, err[-2000:]
        assert "terminated (SIGTERM)" in err
