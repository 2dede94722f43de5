"""Labels never claim more than the search knows (issue 17): a class of the text only where
the model declares it with a reason, what every verdict rests on, nothing classified from a
cut search, expectations judged per choice, and vacuous properties reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mcfsm import Assumption, ModelError
from mcfsm.cli import main

# big is set to `limit` and drained two at a time: "never-4" fails only with limit=4,
# "never-9" under every choice (spill sets 9); the jug is never "off" (Stop's guard).
MODEL = '''
from mcfsm import (GAP_IN_THE_TEXT, Assumption, Instance, Model, Param, Role, System,
                   Transition, Var, always)

def fill(ctx):
    ctx.v.big = ctx.params.limit

def pour(ctx):
    ctx.v.big = max(ctx.v.big - 2, 0)

def spill(ctx):
    ctx.v.big = 9

JUG = Role("jug", states=["on", "off"], initial="on", variables={{"big": Var(int, 0)}},
           transitions=[Transition("Fill", "on", None, clause="t 1", after=[fill]),
                        Transition("Pour", "on", None, clause="t 2", after=[pour]),
                        Transition("Spill", "on", None, clause="t 3", after=[spill]),
                        # never enabled: big stays at most 9
                        Transition("Stop", "on", "off", clause="t 7",
                                   conditions=[lambda ctx: ctx.v.big > 100])])

model = Model("jug", source="test", clause="t")
model.transition_never_fires("jug", "Stop", why="big stays at most 9")

@model.variant("base", expect={expect})
def base():
    return System("jug", instances=[Instance("jug", JUG)], check_deadlock=False,
                  params={{"limit": Param((4, 5), clause="t 0")}},
                  assumptions=[Assumption("fills-whole", "a fill fills the jug", clause="t 1"),
                               Assumption("one-jug", "there is one jug", clause="t 0",
                                          forced=True)],
                  properties=[always("never-4", lambda v: v["jug"].big != 4, clause="t 4"),
                              always("never-9", lambda v: v["jug"].big != 9, clause="t 5"),
                              {extra}])
{findings}
'''


def write(tmp_path: Path, expect: str = "{}", extra: str = "", findings: str = "") -> Path:
    path = tmp_path / "jug.py"
    path.write_text(MODEL.format(expect=expect, extra=extra, findings=findings))
    return path


def check(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, ["check", *args, "--no-cache", "--workers", "1"])
    return r.exit_code, r.stdout, r.stderr


def test_no_class_of_the_text_unless_declared(tmp_path):
    code, out, _ = check(str(write(tmp_path)))
    assert code == 1
    assert "gap in the text" not in out
    assert "violated under every choice explored" in out  # never-9
    assert "violated only with limit=4" in out  # never-4
    # 4 derived (FIFO, no loss, no duplication, atomic steps) + fills-whole; one-jug is forced
    assert "rests on 5 unforced assumptions" in out
    assert "assumed, not forced by the text" in out and "fills-whole" in out


def test_a_declared_class_is_printed_with_its_reason_only_where_the_search_agrees(tmp_path):
    findings = '''
model.finding("spill", prop="never-9", variants=("base",), cls=GAP_IN_THE_TEXT,
              why="the text never says the jug cannot overflow")
model.finding("four", prop="never-4", variants=("base",), cls=GAP_IN_THE_TEXT,
              why="wrongly declared: it needs limit=4")
'''
    code, out, _ = check(str(write(tmp_path, findings=findings)))
    assert code == 1
    assert "gap in the text (reviewed: the text never says the jug cannot overflow)" in out
    assert ("declared a gap in the text (four), but the search finds it only under some "
            "choices, so that class does not apply") in out


def test_a_gap_may_set_aside_the_choices_that_cannot_save_it(tmp_path):
    """A gap whose only saving choice is no reading of the text (an element the text does
    not have, say) names it in outside_readings: it is printed as a gap when the property
    fails in every other run, and still refused when it does not."""
    findings = '''
model.finding("four", prop="never-4", variants=("base",), cls=GAP_IN_THE_TEXT,
              why="limit=5 is no reading of the text", outside_readings=("limit=5",))
'''
    code, out, _ = check(str(write(tmp_path, findings=findings)))
    assert code == 1
    assert ("gap in the text (reviewed: limit=5 is no reading of the text); violated only "
            "with limit=4, that is under every reading explored that could save it (not "
            "counting the choices the reason says cannot save it: limit=5)") in out
    # setting aside the choice it fails under leaves no run that fails: not a gap
    wrong = findings.replace("limit=5\",)", "limit=4\",)")
    code, out, _ = check(str(write(tmp_path, findings=wrong)))
    assert code == 1
    assert "declared a gap in the text (four), but the search finds it only under some" in out


@pytest.mark.parametrize(("outside", "says"), [
    ("('limt=5',)", "variant 'base' has no parameter 'limt'"),
    ("('limit=6',)", "limit in variant 'base' has no choice '6'"),
    ("('limit',)", "name each choice as parameter=value"),
])
def test_outside_readings_that_name_nothing_are_refused(tmp_path, outside, says):
    findings = f'''
model.finding("four", prop="never-4", variants=("base",), cls=GAP_IN_THE_TEXT,
              why="a reason", outside_readings={outside})
'''
    code, out, err = check(str(write(tmp_path, findings=findings)))
    assert code == 2
    assert says in out + err and "four" in out + err


def test_outside_readings_belong_to_a_gap():
    from mcfsm.lang.findings import CHOICE, Finding
    with pytest.raises(ModelError, match="outside_readings are for a gap"):
        Finding("f", "p", ("base",), CHOICE, "why", outside_readings=("limit=5",))


def test_every_verdict_lists_its_unforced_assumptions_in_json(tmp_path):
    code, out, _ = check(str(write(tmp_path)), "--json")
    assert code == 1
    (record,) = json.loads(out)
    names = {a["name"]: a for a in record["assumptions"]}
    assert names["network-fifo"]["derived"] and not names["one-jug"]["derived"]
    assert names["one-jug"]["forced"]
    for p in record["properties"]:
        assert "fills-whole" in p["rests_on"] and "network-fifo" in p["rests_on"]
        assert "one-jug" not in p["rests_on"]  # forced by the text: not an assumption to list


def test_an_assumption_forced_by_the_text_must_say_where():
    with pytest.raises(ModelError, match="names no clause"):
        Assumption("x", "because", forced=True)
    with pytest.raises(ModelError, match="has no reason"):
        Assumption("x", "  ")


def test_a_cut_search_classifies_nothing(tmp_path):
    _code, out, _ = check(str(write(tmp_path)), "--max-states", "5")
    assert "not classified: the search was cut" in out
    assert "only with" not in out and "under every choice explored" not in out
    assert "per-choice verdicts only for those" in out


@pytest.mark.parametrize("declared, ok", [
    ('"violated only with limit=4"', True),
    ('"violated only with limit=5"', False),  # the two choices' meanings swapped
    ('"violated"', False),  # a plain "violated" means under every choice
])
def test_expectations_are_judged_per_choice(tmp_path, declared, ok):
    expect = '{"never-4": ' + declared + ', "never-9": "violated"}'
    code, out, _ = check(str(write(tmp_path, expect=expect)), "--expected")
    assert code == (0 if ok else 1), out
    if not ok:
        assert "UNEXPECTED never-4" in out and "checker says violated only with limit=4" in out


def test_the_plugin_judges_expectations_per_choice(tmp_path):
    import subprocess
    import sys
    folder = tmp_path / "models"
    folder.mkdir()
    write(folder, expect='{"never-4": "violated only with limit=5", "never-9": "violated"}')
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(folder / "jug.py"), "-k", "never"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert "1 failed, 1 passed" in proc.stdout, proc.stdout + proc.stderr
    assert "per choice: violated only with limit=4" in proc.stdout


def test_a_misspelt_state_name_is_a_model_error(tmp_path):
    extra = 'always("typo", lambda v: v["jug"].state != "of", clause="t 6")'
    code, _, err = check(str(write(tmp_path, extra=extra)))
    assert code == 2
    assert "property 'typo'" in err and "'of'" in err and "['off', 'on']" in err


def test_a_vacuous_property_is_a_warning_and_an_error_under_strict(tmp_path):
    extra = 'always("never-off", lambda v: v["jug"].state != "off", clause="t 6")'
    path = write(tmp_path, extra=extra)
    code, out, err = check(str(path))
    assert code == 1  # never-4 and never-9 are violated; never-off holds, vacuously
    assert "VACUOUS" in out and "jug is never in 'off'" in out
    assert "1 vacuous property" in err and "never-off" in err
    code, out, err = check(str(path), "--json")
    assert json.loads(out)[0]["properties"][2]["vacuous"]
    code, _, err = check(str(path), "--strict")
    assert code == 2 and "--strict" in err


def test_the_html_report_lists_what_each_variant_assumes(tmp_path):
    out = tmp_path / "html"
    r = CliRunner().invoke(main, ["report", str(write(tmp_path)), "--out", str(out)])
    assert r.exit_code == 0, r.output
    page = next(p for p in out.rglob("*.html") if "fills-whole" in p.read_text())
    text = page.read_text()
    assert "derived from the system" in text and "forced by the text" in text


def test_fail_fast_stops_at_the_first_unexpected_violation(tmp_path):
    path = write(tmp_path)
    r = CliRunner().invoke(main, ["check", str(path), "--fail-fast", "--no-cache", "--json"])
    assert r.exit_code == 1
    (record,) = json.loads(r.stdout)
    assert not record["complete"] and record["stopped_by"] == "first-violation"
    verdicts = {p["name"]: p["verdict"] for p in record["properties"]}
    assert "violated" in verdicts.values() and "unknown" in verdicts.values()
    assert "stopped at the first unexpected violation" in r.stderr
    # declared violations are expected: with --expected they do not stop the search
    path = write(tmp_path, expect='{"never-4": "violated only with limit=4", '
                                  '"never-9": "violated"}')
    r = CliRunner().invoke(main, ["check", str(path), "--fail-fast", "--expected", "--no-cache"])
    assert r.exit_code == 0, r.output
    assert "stopped at the first" not in r.stderr


@pytest.mark.slow
def test_max_memory_stops_a_search_and_says_so(tmp_path):
    import subprocess
    import sys
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run([sys.executable, "-m", "mcfsm", "check",
                           str(root / "tests" / "fixtures" / "long_running.py"),
                           "--max-memory", "150", "--time-limit", "120", "--no-cache"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "INCOMPLETE, stopped by the --max-memory budget" in proc.stdout


def test_a_model_that_cites_no_text_gets_no_text_wording(tmp_path):
    """Issue 22 item 8: Model() without clause= is a model of something else: clauses are
    optional and the report speaks of the model's assumptions, not of "the text"."""
    path = write(tmp_path).read_text().replace('Model("jug", source="test", clause="t")',
                                                'Model("jug", source="test")')
    path = path.replace('clause="t 4"', 'clause=""')
    (tmp_path / "plain.py").write_text(path)
    code, out, err = check(str(tmp_path / "plain.py"))
    assert code == 1, err
    assert "assumed, by the model" in out
    assert "the text" not in out and "gap" not in out and "spec" not in out
