"""`unknown` is never a pass: a run in which some property was not judged (temporal
properties under --workers N on one variant, --ray, --hash-compact, --dfs) says "not
judged" with the reason and exits 3, with or without --expected, and never claims that the
temporal verdicts assume no fairness on a model that declares fairness."""

import importlib.util
import json

import pytest

from .conftest import ROOT, run_cli

MODEL = str(ROOT / "models" / "group_call_migration.py")
# 3,356 states, every safety verdict holds or is witnessed, two temporal properties under
# declared fairness: a run that does not judge them once exited 0
VARIANT = "make_before_break"

# --workers N on one variant splits its search only where the variant has one combination
# of choices (several run side by side, each search whole: test_parallel.py). This one has
# one, every safety verdict holds, and two leads_to properties under declared fairness.
TARGETS = {"workers": (str(ROOT / "models" / "private_call_migration.py"),
                       "fix_peer_call_resumes")}

MODES = {
    "workers": ("--workers", "2"),
    "dfs": ("--dfs",),
    "hash-compact": ("--hash-compact",),
    "ray": ("--ray", "local"),
}
REASONS = {"workers": "--workers", "dfs": "--dfs", "hash-compact": "--hash-compact",
           "ray": "--ray"}


def _mode(name):
    if name == "ray" and importlib.util.find_spec("ray") is None:
        pytest.skip("the ray package is not installed: pip install 'mcfsm[ray]'")
    return MODES[name]


# every mode with and without --expected, but Ray with it only: each of its runs starts a
# local Ray instance (half a minute of the machine's CPU with its daemons), and what
# --expected adds is held on every other mode, the Ray run's own words with it
CASES = [pytest.param(mode, expected, id=f"{mode}-{name}")
         for mode in sorted(MODES)
         for name, expected in (("plain", ()), ("expected", ("--expected",)))
         if not (mode == "ray" and not expected)]


@pytest.mark.parametrize("mode,expected", CASES)
def test_a_run_with_an_unjudged_property_says_so_and_exits_3(mode, expected, request):
    if mode == "ray":
        request.getfixturevalue("ray_alone")  # no other Ray test's `ray stop` meanwhile
    model, variant = TARGETS.get(mode, (MODEL, VARIANT))
    proc = run_cli("check", model, "--variant", variant, "--no-cache", *_mode(mode), *expected)
    out = proc.stdout
    assert proc.returncode == 3, out + proc.stderr
    assert "not judged" in out and REASONS[mode] in out, out
    assert "assume no fairness" not in out, out
    last = out.strip().splitlines()[-1]
    assert "2 not judged" in last and "unknown" not in last, last
    if expected:
        assert "verdicts as the model declares them" not in out, out
    if mode == "dfs":  # the same through --json
        proc = run_cli("check", MODEL, "--variant", VARIANT, "--no-cache", "--dfs", "--json",
                       *expected)
        assert proc.returncode == 3
        [record] = json.loads(proc.stdout)
        temporal = next(p for p in record["properties"] if p["verdict"] == "unknown")
        assert "not judged: a depth-first search" in temporal["words"] and temporal["fairness"]


def test_exit_3_covers_unjudged_properties_in_help_and_readme():
    proc = run_cli("check", "--help")
    assert "a property was not judged" in " ".join(proc.stdout.split())
    readme = (ROOT / "README.md").read_text()
    assert "not judged" in readme[readme.index("## Exit codes"):][:2500]
