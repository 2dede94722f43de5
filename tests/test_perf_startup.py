"""Start-up of `mcfsm check` (issue 73 item 5): what a check of a small model imports. The
time itself is measured in benchmarks/startup.py, never here; this test keeps the heavy
modules out of the import closure, so that the start-up cannot drift back."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

# Modules `check` never needs on one worker: the other commands' (hypothesis for simulate,
# docx and the spec readers for contribution, impact and quotes, graphviz for diagrams),
# Ray (--ray), multiprocessing (--workers 2 and more), importlib.metadata (28 ms to read a
# version number the cache key no longer holds).
NOT_AT_START_UP = ("hypothesis", "graphviz", "docx", "jinja2", "ray", "multiprocessing",
                   "importlib.metadata", "mcfsm.check.ray_backend", "mcfsm.check.runs",
                   "mcfsm.check.runtime", "mcfsm.spec.drift", "mcfsm.spec.quotes",
                   "mcfsm.show.html", "mcfsm.commands.simulate", "mcfsm.commands.quotes",
                   "mcfsm.commands.contribution", "mcfsm.commands.impact")


def test_check_imports_nothing_it_does_not_use(tmp_path: Path) -> None:
    init = subprocess.run([sys.executable, "-m", "mcfsm", "init", "tiny"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert init.returncode == 0, init.stderr
    probe = textwrap.dedent("""
        import sys
        from mcfsm.cli import main
        try:
            main(["check", "--no-cache", "tiny.py"], prog_name="mcfsm")
        except SystemExit as exc:
            code = exc.code
        print("EXIT", code, file=sys.stderr)
        print("MODULES", " ".join(sorted(sys.modules)), file=sys.stderr)
    """)
    proc = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert "EXIT 0" in proc.stderr, proc.stdout + proc.stderr
    modules = set(proc.stderr.split("MODULES ", 1)[1].split())
    loaded = sorted(m for m in NOT_AT_START_UP
                    if m in modules or any(n.startswith(m + ".") for n in modules))
    assert loaded == [], f"imported at start-up of `mcfsm check`: {loaded}"


def test_every_command_is_listed_and_loads() -> None:
    """The commands are imported on first use (commands/__init__.py): each name maps to a
    command of that name."""
    from mcfsm.commands import COMMAND_SOURCES, main

    assert sorted(main.commands) == sorted(COMMAND_SOURCES)
    for name in COMMAND_SOURCES:
        assert main.commands[name].name == name
