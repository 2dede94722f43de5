"""A predicate or an action constraint that returns None (a forgotten `return`) or a string
(always true) is a clear ModelError naming the property or the constraint, never a
silent verdict."""

import textwrap

import pytest

from .conftest import run_cli

MODEL = textwrap.dedent('''
    from mcfsm import Instance, Model, Role, System, Transition, Var, always, sometimes, step


    def bump(ctx):
        ctx.v.n += 1


    COUNTER = Role("counter", states=["s"], initial="s", final=["s"],
                   variables={"n": Var(int, 0)},
                   transitions=[Transition("tick", "s", None, environment=True,
                                           conditions=[lambda ctx: ctx.v.n < 2],
                                           after=[bump])])

    model = Model("truth")
    model.add_variant("base", lambda: System("truth", instances=[Instance("c", COUNTER)],
                                             properties=[PROPERTY], **EXTRA))
''')

CASES = {
    "always-string": ('always("small", lambda v: "no")', "{}", "property 'small'"),
    "always-none": ('always("small", lambda v: None)', "{}", "property 'small'"),
    "sometimes-string": ('sometimes("seen", lambda v: "yes")', "{}", "property 'seen'"),
    "step-string": ('step("grows", lambda b, k, a: "yes")', "{}", "property 'grows'"),
    "action-none": ('always("small", lambda v: v["c"].n < 5)',
                    '{"action_constraint": lambda b, k, a: None}', "action_constraint="),
    "action-string": ('always("small", lambda v: v["c"].n < 5)',
                      '{"action_constraint": lambda b, k, a: "no"}', "action_constraint="),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_result_that_is_not_true_or_false_is_a_model_error(tmp_path, case):
    prop, extra, named = CASES[case]
    text = MODEL.replace("model = Model", f"PROPERTY = {prop}\nEXTRA = {extra}\n\nmodel = Model")
    (tmp_path / "truth.py").write_text(text)
    proc = run_cli("check", str(tmp_path / "truth.py"), "--no-cache", cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert named in proc.stderr and "True or False" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
