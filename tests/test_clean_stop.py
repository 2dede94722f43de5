"""Clean stops: when the parent of worker processes ends, whatever ends it (SIGTERM from a
CI runner's timeout, SIGKILL), its workers end with it, and a reader of its stdout reaches
end of file (no orphan holds the pipe open)."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="reads /proc to find the worker processes")

BIG = str(ROOT / "models" / "private_call_redirect.py")


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = (Path("/proc") / str(pid) / "stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _start(*args: str) -> subprocess.Popen:
    env = dict(os.environ, MCFSM_NO_CACHE="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.Popen([sys.executable, "-m", "mcfsm", "check", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            start_new_session=True)


@pytest.mark.parametrize("how", ["SIGTERM", "SIGKILL"])
@pytest.mark.parametrize("args", [
    ("--variant", "switch_off", "--workers", "2"),       # one search split over 2 processes
    ("--variant", "base", "--variant", "switch_off", "--workers", "2"),  # variants at once
], ids=["split", "variants"])
def test_workers_end_with_their_parent(args, how):
    proc = _start(BIG, *args)
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
            workers = _children(proc.pid)
        assert len(workers) >= 2, "the workers never started"
        time.sleep(0.5)
        proc.send_signal(getattr(signal, how))
        reader = threading.Thread(target=proc.stdout.read, daemon=True)
        reader.start()  # read() returns at end of file: every holder of the pipe has gone
        reader.join(timeout=20)
        assert not reader.is_alive(), "stdout stays open: a worker outlived its parent"
        proc.wait(timeout=20)
        deadline = time.monotonic() + 10
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [w for w in workers if _alive(w)], "a worker outlived its parent"
        if how == "SIGTERM":
            assert proc.returncode == 128 + signal.SIGTERM
            assert "terminated" in proc.stderr.read().decode()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        for w in workers:
            if _alive(w):
                os.kill(w, signal.SIGKILL)
