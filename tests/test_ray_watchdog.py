"""The watchdog of a `--ray local` run (ray_backend._WATCHDOG), on a process tree of our own
(no Ray needed): a driver, its child (the raylet's place) and a grandchild the child forks
after the watchdog's last look, as a Ray worker may be forked just before the driver dies.
CI saw such workers outlive a SIGKILLed driver (tests/test_ray.py, under load): the raylet
dies with the driver (Ray's fate sharing), so the worker is nobody's descendant by the time
the watchdog looks; it carries the run's mark in its environment, as Ray's processes do."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mcfsm.check.ray_backend import _WATCHDOG, RUN_MARK

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

# The grandchild ignores SIGTERM and sleeps: only a SIGKILL ends it before the test does.
_GRANDCHILD = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(120)"
# The child forks the grandchild once told to (a file appears), writes its pid, and sleeps.
# Fate-shared, it dies with the driver as the raylet does (PR_SET_PDEATHSIG, SIGKILL).
_CHILD = f"""
import ctypes, os, signal, subprocess, sys, time
from pathlib import Path
go, out, fate_shared = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "1"
if fate_shared and ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0) != 0:
    sys.exit("prctl(PR_SET_PDEATHSIG) failed")
while not go.exists():
    time.sleep(0.02)
b = subprocess.Popen([sys.executable, "-c", {_GRANDCHILD!r}])
out.write_text(str(b.pid))
time.sleep(120)
"""
_DRIVER = f"""
import subprocess, sys, time
a = subprocess.Popen([sys.executable, "-c", {_CHILD!r}, *sys.argv[1:]])
print(a.pid, flush=True)
time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("fate_shared", [True, False], ids=["fate-shared", "outliving"])
def test_a_process_forked_after_the_last_look_is_killed_with_the_rest(tmp_path, fate_shared):
    go, out = tmp_path / "go", tmp_path / "grandchild"
    mark = f"{RUN_MARK}=test-{os.getpid()}-{fate_shared}"
    driver = subprocess.Popen([sys.executable, "-c", _DRIVER, str(go), str(out),
                               "1" if fate_shared else "0"],
                              env=dict(os.environ, **dict([mark.split("=", 1)])),
                              stdout=subprocess.PIPE, text=True, start_new_session=True)
    child = int(driver.stdout.readline())
    # a look every 2 s: the first at its start, the next after the grandchild is born and
    # the driver is gone; the grandchild is the child's child, unseen by any earlier look
    # (on a slow machine a look may see it: the test then passes without the race)
    watchdog = subprocess.Popen([sys.executable, "-c", _WATCHDOG, str(driver.pid), "2", mark],
                                start_new_session=True)
    grandchild = None
    try:
        time.sleep(0.5)
        go.touch()
        deadline = time.monotonic() + 60
        while not (out.exists() and out.read_text()) and time.monotonic() < deadline:
            time.sleep(0.05)
        grandchild = int(out.read_text())
        driver.kill()
        driver.wait()
        watchdog.wait(timeout=60)
        deadline = time.monotonic() + 10
        while (_alive(child) or _alive(grandchild)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(child), "the driver's child outlived the watchdog"
        assert not _alive(grandchild), "a process forked after the watchdog's last look lived on"
    finally:
        for pid in (child, grandchild):
            if pid is not None and _alive(pid):
                os.kill(pid, signal.SIGKILL)
        if watchdog.poll() is None:
            watchdog.kill()
