"""One place decides whether a verdict is as declared (check/expectations.py `meets`): the
HTML report, the Markdown verdict table, the JSON record, `check --expected` and the pytest
plugin all agree on it, for expectations that rest on choices ("violated only with
step=2") as well as plain ones, right and wrong."""

import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from mcfsm.check.cache import explore_cached
from mcfsm.check.choices import explore_by_choice
from mcfsm.lang.loader import load_path
from mcfsm.show.html_report import model_context
from mcfsm.show.report import result_json, result_text
from mcfsm.show.verdict_table import verdict_table_markdown

from .conftest import ROOT

TINY = textwrap.dedent('''
    from mcfsm import Instance, Model, Param, Role, System, Transition, Var, always, sometimes


    def bump(ctx):
        ctx.v.n += ctx.params.step


    COUNTER = Role("counter", states=["s"], initial="s", final=["s"],
                   variables={"n": Var(int, 0)},
                   transitions=[Transition("tick", "s", None, environment=True,
                                           conditions=[lambda ctx: ctx.v.n < 1],
                                           after=[bump])])


    def build():
        return System("tiny", instances=[Instance("c", COUNTER)],
                      params={"step": Param(choices=(1, 2), doc="how far a tick goes")},
                      properties=[always("below-two", lambda v: v["c"].n < 2),
                                  sometimes("reaches-one", lambda v: v["c"].n == 1)])


    model = Model("tiny")
    model.add_variant("right", build, expect={"below-two": "violated only with step=2",
                                              "reaches-one": "witnessed only with step=1"})
    model.add_variant("wrong", build, expect={"below-two": "violated",
                                              "reaches-one": "never"})
    model.add_variant("plain", build)
''')


def _html(lm, results):
    context = model_context(lm, run=lambda lm, v: (lm.model.system(v), results[v]))
    return {(variant, row["name"]) for row in context["rows"]
            for variant, cell in row["cells"].items() if cell["as_expected"] is False}


def _markdown(lm, results):
    """The cells of diagrams/MODEL/verdicts.md that say they differ from the declaration."""
    table = verdict_table_markdown(lm.model.name, list(results.items()), expected={
        v: lm.model.expected(v, results[v].system) for v in results})
    lines = [line for line in table.splitlines() if line.startswith("| ")]
    names = [c.strip() for c in lines[0].strip("|").split("|")][2:]
    differ = set()
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        prop = cells[0].split(" ")[0]
        differ |= {(variant, prop) for variant, cell in zip(names, cells[2:])
                   if "declared" in cell}
    return differ


def _json(lm, results):
    return {(variant, p["name"]) for variant, result in results.items()
            for p in result_json(lm.model.name, variant, result,
                                 lm.model.expected(variant, result.system))["properties"]
            if p["as_expected"] is False}


def _text(lm, results):
    differ = set()
    for variant, result in results.items():
        for line in result_text(lm.model.name, variant, result,
                                expected=lm.model.expected(variant, result.system)):
            found = re.match(r"  UNEXPECTED (\S+):", line)
            if found:
                differ.add((variant, found.group(1)))
    return differ


def _cli(path: Path, cwd: Path, env: dict[str, str]):
    proc = subprocess.run([sys.executable, "-m", "mcfsm", "check", str(path), "--expected",
                           "--json", "--workers", "1"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=1200)
    assert proc.returncode in (0, 1), proc.stderr
    records = json.loads(proc.stdout)
    return {(r["model"], r["variant"], p["name"]) for r in records for p in r["properties"]
            if p["as_expected"] is False}, proc.returncode


def _plugin(folder: Path, cwd: Path, env: dict[str, str], *select: str):
    # the report goes to a folder of its own, never into the checkout it runs in
    report = Path(tempfile.mkdtemp(prefix="mcfsm-junit-")) / "junit.xml"
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
                           "-p", "no:randomly", "-o", f"mcfsm_model_dirs={folder}",
                           "-k", "not hypothesis", f"--junitxml={report}", "-q", *select],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=1200)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    failed = set()
    for case in ET.parse(report).getroot().iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            model_variant = case.get("classname").rsplit(".", 1)  # ...file.model.variant
            failed.add((model_variant[0].rsplit(".", 1)[-1], model_variant[1], case.get("name")))
    return failed


def _env(cache: Path) -> dict[str, str]:
    env = dict(os.environ, MCFSM_CACHE_DIR=str(cache), MCFSM_PROFILE="ci")
    env.pop("MCFSM_DEBUG", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def test_every_judge_agrees_on_a_model_with_choices(tmp_path):
    folder = tmp_path / "tinymodels"
    folder.mkdir()
    (folder / "tiny.py").write_text(TINY)
    [lm] = load_path(folder / "tiny.py")
    results = {v: explore_by_choice(lm.model.system(v)) for v in lm.model.variants}
    # plain: a default "holds" is violated, and a default "witnessed" (under every choice)
    # is witnessed only with step=1
    want = {(v, p) for v in ("wrong", "plain") for p in ("below-two", "reaches-one")}
    assert _json(lm, results) == want
    assert _text(lm, results) == want
    assert _html(lm, results) == want  # the HTML once outlined ("right", ...) cells too
    assert _markdown(lm, results) == want
    env = _env(tmp_path / "cache")
    cli, code = _cli(folder / "tiny.py", tmp_path, env)
    assert {(v, p) for _, v, p in cli} == want and code == 1
    assert {(v, p) for _, v, p in _plugin(folder, tmp_path, env)} == want


@pytest.mark.slow
def test_every_judge_agrees_on_every_bundled_variant(models_check):
    """At most one real exploration per bundled variant: the checkout's result cache serves
    the rest, and the variants the quick tests already explored (a cached result is the
    one a fresh run gives, keyed by the sources: check/cache.py; what is judged here is
    whether the outputs agree, not the search). `check models/ --expected --json` is the
    session's one run (conftest.py's models_check, which tests/test_models.py reads too).
    The pytest plugin's judgement of every bundled variant is README's test command itself
    (its `models` items: one per variant and property, each failing on a verdict other than
    the declared one); the plugin against the other judges, right and wrong, is the test
    above."""
    code, records = models_check
    cli = {(r["model"], r["variant"], p["name"]) for r in records for p in r["properties"]
           if p["as_expected"] is False}
    assert code == 0 and not cli  # every bundled verdict is as declared
    for lm in load_path(ROOT / "models"):
        results = {v: explore_cached(lm.model.system(v), loaded=lm, variant=v)
                   for v in lm.model.variants}
        assert _json(lm, results) == _text(lm, results) == _html(lm, results) \
            == _markdown(lm, results) == set(), lm.model.name
