"""Shared helpers: run the real `mcfsm` command and load model files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run the installed `mcfsm` console script, as a user would."""
    env = dict(os.environ)
    env.pop("MCFSM_DEBUG", None)
    # the mcfsm of this checkout, even when the console script is another checkout's
    # editable install (a git worktree beside the main one)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    script = Path(sys.executable).parent / "mcfsm"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "mcfsm.cli"]
    return subprocess.run([*command, *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def check_json(path: str, *extra: str) -> list[dict[str, Any]]:
    proc = run_cli("check", path, "--json", *extra)
    assert proc.returncode in (0, 1, 3), proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture
def cli():
    return run_cli
