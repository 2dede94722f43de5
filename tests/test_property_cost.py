"""benchmarks/property_cost.py on a small bundled variant: it runs, its three searches
explore the same states (the script fails otherwise), and its header gives the count a
search of the variant in this process gives."""

from __future__ import annotations

import subprocess
import sys

from mcfsm import explore
from mcfsm.lang.loader import load_path

from .conftest import ROOT

MODEL, VARIANT = "models/private_call_migration.py", "fix_setup_resumed"


def test_property_cost_reports_the_variant_s_states_and_three_runs() -> None:
    out = subprocess.run([sys.executable, "benchmarks/property_cost.py", MODEL, VARIANT],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    states = explore(load_path(ROOT / MODEL)[0].model.system(VARIANT)).distinct_states
    lines = out.stdout.splitlines()
    assert lines[0].startswith(f"private_call_migration[{VARIANT}]: {states:,} states")
    assert [line.split(" | ")[0] for line in lines[3:6]] == [
        "| every property", "| no step property", "| no-deadlock only"]
    # every step property of the variant has its row
    system = load_path(ROOT / MODEL)[0].model.system(VARIANT)
    steps = [p.name for p in system.properties if p.kind == "step"]
    assert steps and all(any(line.startswith(f"| {name} |") for line in lines) for name in steps)
