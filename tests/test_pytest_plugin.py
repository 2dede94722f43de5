"""The pytest plugin, run as a user runs it: a real pytest process on a folder of models."""

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

from .conftest import ROOT


def run_pytest(*args, env=None):
    environment = dict(os.environ, PYTHONPATH=str(ROOT / "tests" / "validation"), **(env or {}))
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
                           "-o", "mcfsm_model_dirs=tests/plugin_models", *args],
                          cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600)


def test_items_per_property_and_variant_with_expected_verdicts(tmp_path):
    report = tmp_path / "junit.xml"
    proc = run_pytest("tests/plugin_models", "-q", f"--junitxml={report}", "-rf",
                      env={"MCFSM_PROFILE": "ci"})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    # right: 3 properties + hypothesis pass; wrong: NotSolved fails (declared holds) and its
    # hypothesis item passes unless random runs happen to find the violation too.
    assert "jugs.wrong::NotSolved" in proc.stdout
    assert "the model declares holds, the exhaustive check says VIOLATED" in proc.stdout
    assert "6. jugs: BigToSmall" in proc.stdout  # the counterexample, narrated
    cases = {(c.get("classname"), c.get("name")): c
             for c in ET.parse(report).getroot().iter("testcase")}
    right, wrong = "tests.plugin_models.jugs.jugs.right", "tests.plugin_models.jugs.jugs.wrong"
    assert {(right, "NotSolved"), (right, "hypothesis"), (wrong, "NotSolved"),
            (wrong, "no-deadlock")} <= set(cases)
    assert cases[(wrong, "NotSolved")].find("failure") is not None
    assert cases[(right, "NotSolved")].find("failure") is None


def test_one_item_can_be_selected_by_its_node_id():
    proc = run_pytest("tests/plugin_models/jugs.py::jugs.right::NotSolved", "-q",
                      env={"MCFSM_PROFILE": "ci"})
    assert proc.returncode == 0 and "1 passed" in proc.stdout, proc.stdout + proc.stderr


def test_unknown_profile_is_a_usage_error():
    proc = run_pytest("tests/plugin_models", "-q", env={"MCFSM_PROFILE": "turbo"})
    assert proc.returncode != 0
    assert "MCFSM_PROFILE='turbo' is not a profile" in proc.stdout + proc.stderr
