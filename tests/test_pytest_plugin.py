"""The pytest plugin, run as a user runs it: a real pytest process on a folder of models."""

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

from .conftest import ROOT, run_cli


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
    # ... written as a trace file, with the command that replays it from anywhere (a set:
    # with $CI set, pytest repeats the whole failure message in its short summary; the
    # hypothesis item's own, when its runs find the violation too, is in a folder of its own)
    [command] = {line.split("replay: ", 1)[1] for line in proc.stdout.splitlines()
                 if "replay: mcfsm replay " in line and "/hypothesis/" not in line}
    trace = command.split("mcfsm replay ", 1)[1].strip()
    # (jugs.py imports diehard from tests/validation, which the plugin run puts on the path)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tests" / "validation")}
    replayed = subprocess.run([sys.executable, "-m", "mcfsm", "replay", trace], cwd=tmp_path,
                              capture_output=True, text=True, timeout=120, env=env)
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert "still shows NotSolved violated" in replayed.stdout
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


def test_other_projects_models_packages_are_left_alone(tmp_path):
    """A Django/SQLAlchemy-style models/ package: only the file defining an mcfsm Model is
    collected; other files (even ones that do not import or parse) never error."""
    from .fuzz_corpus import grammar

    models = tmp_path / "models"
    models.mkdir()
    (models / "__init__.py").write_text("")
    (models / "user.py").write_text("from django.db import models\n\n\n"
                                    "class User(models.Model):\n    name = models.CharField()\n")
    (models / "broken.py").write_text("def oops(:\n")
    (models / "mine.py").write_text(grammar.model_source())
    (tmp_path / "tests").mkdir()
    # an ordinary test of the other project: only collected here, never run
    (tmp_path / "tests" / "test_plain.py").write_text(
        "def test_ok():\n    assert sorted([2, 1]) == [1, 2]\n")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
                           "--collect-only", "models", "tests"],
                          cwd=tmp_path, env=dict(os.environ, MCFSM_PROFILE="ci"),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "models/mine.py::fuzz_model.v1::few" in proc.stdout
    assert "user.py" not in proc.stdout and "broken.py" not in proc.stdout
    assert "tests/test_plain.py::test_ok" in proc.stdout


def test_budget_options_are_validated_and_a_cut_search_is_not_a_pass():
    proc = run_pytest("tests/plugin_models/jugs.py::jugs.right", "-q", "--mcfsm-max-states", "3",
                      env={"MCFSM_PROFILE": "ci"})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "inconclusive" in proc.stdout
    bad = run_pytest("tests/plugin_models", "-q", "--mcfsm-time-limit", "nan")
    assert bad.returncode == 4 and "--mcfsm-time-limit" in bad.stdout + bad.stderr


def test_a_model_file_named_outside_models_gets_a_hint(tmp_path):
    (tmp_path / "example.py").write_text((ROOT / "tests" / "fixtures" / "sim_counter.py")
                                         .read_text())
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
                           "example.py"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=600,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert "is not under a models/ folder" in proc.stdout, proc.stdout + proc.stderr
    assert "mcfsm_model_dirs=" in proc.stdout


def _project(tmp_path, name, source):
    """A model project elsewhere: tmp_path/models/NAME.py."""
    (tmp_path / "models").mkdir(exist_ok=True)
    (tmp_path / "models" / name).write_text(source)


def run_project(tmp_path, *args):
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
                          cwd=tmp_path, capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, PYTHONPATH=str(ROOT), MCFSM_PROFILE="ci"))


def test_a_hypothesis_failure_prints_a_replay_line_that_replays_it(tmp_path):
    """Issue 33: the hypothesis item's failure said what it found but not how to see it
    again; it writes the shrunk run as a trace file and prints the command, as the
    property items do (each item its own file), without an empty [] for a clause."""
    _project(tmp_path, "counter.py",
             (ROOT / "tests" / "fixtures" / "sim_counter.py").read_text())
    proc = run_project(tmp_path, "-q", "models/counter.py")
    # below-three and below-twelve are declared to hold (by default) and are violated
    assert proc.returncode == 1 and "3 failed" in proc.stdout, proc.stdout + proc.stderr
    assert "hypothesis found a violation" in proc.stdout, proc.stdout
    assert "[]" not in proc.stdout, proc.stdout
    # a set: with $CI set, pytest repeats each failure message in its short summary
    commands = {line.split("replay: ", 1)[1].strip() for line in proc.stdout.splitlines()
                if "replay: mcfsm replay " in line}
    traces = {command.split("mcfsm replay ", 1)[1] for command in commands}
    hypothesis = {t for t in traces if t.startswith(str(tmp_path / ".mcfsm-traces" / "hypothesis"))}
    assert len(traces) == 4 and len(hypothesis) == 2, proc.stdout  # 2 items x 2 properties
    for trace in hypothesis:
        replayed = run_cli("replay", trace, cwd=ROOT)  # pasted anywhere
        assert replayed.returncode == 0, replayed.stdout + replayed.stderr
        assert "still shows below-" in replayed.stdout, replayed.stdout


DECLARED_WRONG = '''from mcfsm import Instance, Model, Role, System, Transition, Var, always


def bump(ctx):
    ctx.v.n += 1


COUNTER = Role("counter", states=["s"], initial="s", final=["s"], variables={"n": Var(int, 0)},
               transitions=[Transition("up", "s", None, environment=True,
                                       conditions=[lambda ctx: ctx.v.n < 2], after=[bump])])

model = Model("stale")
# below-five holds: the violation it declares is gone
model.add_variant("base", lambda: System("stale", instances=[Instance("c", COUNTER)],
                                         properties=[always("below-five",
                                                            lambda v: v["c"].n < 5)]),
                  expect={"below-five": "violated"})
'''


def test_only_mcfsms_own_models_are_told_to_update_models_readme(tmp_path):
    """Issue 33: the failure text told every project to edit models/README.md, which only
    mcfsm's bundled models have (it explains their verdicts)."""
    from mcfsm import pytest_plugin

    _project(tmp_path, "stale.py", DECLARED_WRONG)
    node = "models/stale.py::stale.base::below-five"
    elsewhere = run_project(tmp_path, "-q", node)
    assert elsewhere.returncode == 1, elsewhere.stdout + elsewhere.stderr
    assert "no longer exists" in elsewhere.stdout and "update expect=..." in elsewhere.stdout
    assert "README" not in elsewhere.stdout, elsewhere.stdout
    # the same file read as one of mcfsm's own models (the plugin's idea of mcfsm's models/
    # folder pointed at this project's) is told to update the README too
    (tmp_path / "conftest.py").write_text(
        "from pathlib import Path\n\nimport mcfsm.pytest_plugin\n\n"
        "mcfsm.pytest_plugin._MCFSM_MODELS = (Path(__file__).parent / 'models').resolve()\n")
    bundled = run_project(tmp_path, "-q", node)
    assert bundled.returncode == 1, bundled.stdout + bundled.stderr
    assert "update expect=... and models/README.md" in bundled.stdout, bundled.stdout
    # ... which is where mcfsm's own models are
    assert pytest_plugin._MCFSM_MODELS == (ROOT / "models").resolve()
    assert all(pytest_plugin._bundled(path) for path in (ROOT / "models").glob("*.py"))
    assert not pytest_plugin._bundled(tmp_path / "models" / "stale.py")
