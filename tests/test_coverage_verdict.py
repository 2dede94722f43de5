"""Coverage as a verdict (issue 58 item 4): over every variant of a model, each transition
fires in some variant that has it, or the model declares that it never fires and why;
`check --expected` fails otherwise, so a guard cut off by mistake (a mutant that disables
a timeout path) no longer passes while the report merely lists it as never fired."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mcfsm import ModelError
from mcfsm.check.choices import explore_by_choice
from mcfsm.check.expectations import coverage_gaps
from mcfsm.cli import main
from mcfsm.lang.loader import load_path

MODEL = '''
from mcfsm import Instance, Model, Role, System, Transition, Var

def bump(ctx):
    ctx.v.n += 1

def role(cut):
    return Role("counter", states=["on", "done"], initial="on", final=["on", "done"],
                variables={{"n": Var(int, 0)}},
                transitions=[Transition("bump", "on", None, clause="t 1", after=[bump],
                                        conditions=[lambda ctx: ctx.v.n < 2]),
                             Transition("finish", "on", "done", clause="t 2",
                                        conditions=[lambda ctx: not cut and ctx.v.n == 2])])

model = Model("counting", source="test", clause="t")
model.add_variant("a", lambda: System("c", instances=[Instance("c", role({cut}))]))
model.add_variant("b", lambda: System("c", instances=[Instance("c", role({cut}))]))
{declare}
'''


def _write(tmp_path: Path, cut: bool, declare: str = "") -> Path:
    path = tmp_path / "counting.py"
    path.write_text(MODEL.format(cut=cut, declare=declare))
    return path


def _gaps(path: Path) -> list[str]:
    [lm] = load_path(path)
    return coverage_gaps(lm.model, {v: explore_by_choice(lm.model.system(v))
                                    for v in lm.model.variants})


def test_a_transition_that_fires_nowhere_is_a_gap(tmp_path):
    assert _gaps(_write(tmp_path, cut=False)) == []
    [gap] = _gaps(_write(tmp_path, cut=True))
    assert "counter.finish fires in no variant" in gap and "transition_never_fires" in gap


def test_a_declared_one_is_no_gap_and_must_not_fire(tmp_path):
    declare = 'model.transition_never_fires("counter", "finish", why="cut for the test")'
    assert _gaps(_write(tmp_path, cut=True, declare=declare)) == []
    [gap] = _gaps(_write(tmp_path, cut=False, declare=declare))
    assert "declared never to fire (cut for the test) but fires in a, b" in gap


def test_a_declaration_of_an_unknown_transition_is_a_gap(tmp_path):
    declare = 'model.transition_never_fires("counter", "nosuch", why="a typo")'
    [gap] = _gaps(_write(tmp_path, cut=False, declare=declare))
    assert "counter.nosuch, which no variant has" in gap


def test_check_expected_fails_on_a_gap_and_says_which(tmp_path):
    r = CliRunner().invoke(main, ["check", str(_write(tmp_path, cut=True)), "--expected",
                                  "--no-cache", "--workers", "1"])
    assert r.exit_code == 1 and "coverage: counting: counter.finish fires in no variant" \
        in r.stderr
    r = CliRunner().invoke(main, ["check", str(_write(tmp_path, cut=False)), "--expected",
                                  "--no-cache", "--workers", "1"])
    assert r.exit_code == 0, r.stdout + r.stderr


def test_a_subset_of_variants_judges_no_coverage(tmp_path):
    r = CliRunner().invoke(main, ["check", str(_write(tmp_path, cut=True)), "--expected",
                                  "--variant", "a", "--no-cache", "--workers", "1"])
    assert r.exit_code == 0, r.stdout + r.stderr


def test_a_reason_is_required(tmp_path):
    with pytest.raises(ModelError, match="gives no reason"):
        _gaps(_write(tmp_path, cut=True,
                     declare='model.transition_never_fires("counter", "finish", why=" ")'))
