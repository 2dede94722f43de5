"""The CR gate cannot pass what it should stop (issue 71 item 5): `mcfsm diff CR.toml`
fails on a CR that pins the reading under which the published text is violated; a CR file
that selects one choice point twice, names a clause its choice point does not cite, carries
an unknown key, is still the unedited template, or names a model outside its folder and
the working directory is refused, each with the fix named."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import run_cli

# "under-three" is violated only with p=1 as published: the text's reading decides.
MODEL = '''
from mcfsm import Instance, Model, Param, Role, System, Transition, Var, always

def bump(ctx):
    ctx.v.n += 1

def system():
    role = Role("counter", states=["on"], initial="on", final=["on"],
                variables={"n": Var(int, 0)},
                transitions=[Transition("bump", "on", None, clause="9.9.9 step 1",
                                        after=[bump], conditions=[lambda ctx: ctx.v.n < 3])])
    return System("c", instances=[Instance("c", role)],
                  params={"p": Param((1, 2), clause="9.9.9 step 2",
                                     doc="whether the counter may pass two")},
                  properties=[always("under-three", lambda v: v["c"].n < 3 or v.params.p == 2,
                                     clause="9.9.9 step 2")])

model = Model("gate", source="test", clause="9.9.9")
model.add_variant("base", system)
'''

CHANGE = '''
[[change]]
clause = "{clause}"
sentence = "The counter stops at two."
choice = "{choice}"
behaviour = "{behaviour}"
'''


def _cr(folder: Path, *changes: tuple[str, str, str], head: str = "", model: str = "gate.py",
        title: str = "The counter stops at two") -> Path:
    (folder / "gate.py").write_text(MODEL)
    text = (f'[change_request]\ntitle = "{title}"\nmodel = "{model}"\nstart = "base"\n{head}'
            + "".join(CHANGE.format(clause=c, choice=ch, behaviour=b) for c, ch, b in changes))
    path = folder / "cr.toml"
    path.write_text(text)
    return path


def test_diff_fails_on_a_cr_that_pins_the_violated_reading(tmp_path):
    cr = _cr(tmp_path, ("9.9.9 step 2", "p", "1"))
    proc = run_cli("diff", str(cr))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "under the reading the change pins (p=1)" in proc.stdout
    # the other reading, under which the published text holds, is a fix: it fails the gate too
    # (a verdict changed), and --status-only passes neither silently
    fixed = _cr(tmp_path, ("9.9.9 step 2", "p", "2"))
    proc = run_cli("diff", str(fixed), "--status-only")
    assert proc.returncode == 1 and "now holds" in proc.stdout, proc.stdout


def test_one_choice_point_selected_twice_is_refused(tmp_path):
    cr = _cr(tmp_path, ("9.9.9 step 2", "p", "1"), ("9.9.9 step 2", "p", "2"))
    proc = run_cli("diff", str(cr))
    assert proc.returncode == 2
    assert "change 2 selects choice point 'p' again (change 1" in proc.stderr


def test_a_clause_the_choice_point_does_not_cite_is_refused(tmp_path):
    cr = _cr(tmp_path, ("9.9.9 step 7", "p", "1"))
    proc = run_cli("check", str(cr))
    assert proc.returncode == 2
    assert "choice point 'p' cites '9.9.9 step 2'" in proc.stderr and "cr list" in proc.stderr


@pytest.mark.parametrize("head, extra, named", [
    ('authour = "me"\n', "", "['authour']"),
    ("", 'sentnce = "typo"\n', "['sentnce']"),
])
def test_an_unknown_key_is_refused(tmp_path, head, extra, named):
    cr = _cr(tmp_path, ("9.9.9 step 2", "p", "1"), head=head)
    cr.write_text(cr.read_text() + extra)
    proc = run_cli("check", str(cr))
    assert proc.returncode == 2 and named in proc.stderr, proc.stderr


def test_the_unedited_template_is_refused(tmp_path):
    cr = _cr(tmp_path, ("9.9.9 step 2", "p", "1"), title="<one line: what the change does>")
    proc = run_cli("check", str(cr))
    assert proc.returncode == 2 and "placeholder" in proc.stderr
    same = _cr(tmp_path, ("9.9.9 step 2", "p", "1"))
    same.write_text(same.read_text().replace(
        'sentence = "The counter stops at two."',
        'published = "The counter stops at two."\nsentence = "The counter stops at two."'))
    proc = run_cli("check", str(same))
    assert proc.returncode == 2 and "the sentence is the published one" in proc.stderr


def test_a_model_outside_the_crs_folder_is_not_run_unless_allowed(tmp_path):
    models, crs, elsewhere = (tmp_path / n for n in ("models", "crs", "elsewhere"))
    for folder in (models, crs, elsewhere):
        folder.mkdir()
    _cr(models, ("9.9.9 step 2", "p", "1"))
    cr = _cr(crs, ("9.9.9 step 2", "p", "1"), model="../models/gate.py")
    (crs / "gate.py").unlink()
    proc = run_cli("check", str(cr), cwd=elsewhere)
    assert proc.returncode == 2, proc.stderr
    assert "would run its code" in proc.stderr and f"MCFSM_TRUSTED_MODELS={models}" in proc.stderr
    import os
    os.environ["MCFSM_TRUSTED_MODELS"] = str(models)
    try:
        proc = run_cli("check", str(cr), cwd=elsewhere)
    finally:
        del os.environ["MCFSM_TRUSTED_MODELS"]
    assert proc.returncode in (0, 1), proc.stderr  # allowed: checked


def test_the_diff_shows_what_the_sentence_was_checked_as(tmp_path):
    """A delegate's sentence is theirs; what was checked is the behaviour it selects, and
    the diff shows that behaviour's own declared words beside the sentence."""
    cr = _cr(tmp_path, ("9.9.9 step 2", "p", "2"))
    (tmp_path / "gate.py").write_text(MODEL.replace(
        'doc="whether the counter may pass two")',
        'doc="whether the counter may pass two", means={2: "the counter stops at two"})'))
    proc = run_cli("diff", str(cr))
    assert "The counter stops at two. [checked as: p: the counter stops at two]" in proc.stdout
