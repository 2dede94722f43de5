"""Declarations that say something about nothing (issue 57 item 3): a property comparing a
field with a value no code of the model writes (a typo, or the values listed only in a
comment) is vacuous, a warning in every output and an error under --strict; a fault
`around` or `on` an instance the system does not have is refused, as SwitchOff of one is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mcfsm import Duplication, Instance, Loss, ModelError, Reorder, Role, System, Transition
from mcfsm.cli import main

MODEL = '''
from mcfsm import Instance, Model, Role, System, Transition, Var, always, step

def start(ctx):
    ctx.v.phase = "filling"

def finish(ctx):
    ctx.v.phase = "done"   # phases: filling, done (and, in a comment only, "donee")

JUG = Role("jug", states=["on", "off"], initial="on", final=["off"],
           variables={{"phase": Var(str, "idle")}},
           transitions=[Transition("Start", "on", None, clause="t 1", after=[start],
                                   conditions=[lambda ctx: ctx.v.phase == "idle"]),
                        Transition("Finish", "on", "off", clause="t 2", after=[finish],
                                   conditions=[lambda ctx: ctx.v.phase == "filling"])])

model = Model("jug", source="test", clause="t")

@model.variant("base")
def base():
    return System("jug", instances=[Instance("jug", JUG)],
                  properties=[step("finishes-from-filling", lambda before, s, after: not (
                                   after["jug"].phase == {phase!r}
                                   and before["jug"].phase != "filling"), clause="t 3")])
'''


def _check(tmp_path: Path, phase: str, *args: str) -> tuple[int, str, str]:
    path = tmp_path / "jug.py"
    path.write_text(MODEL.format(phase=phase))
    r = CliRunner().invoke(main, ["check", str(path), "--no-cache", "--workers", "1", *args])
    return r.exit_code, r.stdout, r.stderr


def test_a_step_property_comparing_a_field_with_a_value_nothing_writes_is_vacuous(tmp_path):
    code, out, err = _check(tmp_path, "donee")
    assert code == 0  # it holds, vacuously: the warning says so
    assert "VACUOUS" in out and "jug.phase with 'donee'" in out
    assert "1 vacuous property" in err
    code, out, _ = _check(tmp_path, "donee", "--json")
    [prop] = [p for p in json.loads(out)[0]["properties"] if p["name"] ==
              "finishes-from-filling"]
    assert "no code, initial value or choice of the model writes" in prop["vacuous"]
    code, _, err = _check(tmp_path, "donee", "--strict")
    assert code == 2 and "--strict" in err


def test_the_same_property_with_a_value_the_model_writes_is_not_vacuous(tmp_path):
    code, out, err = _check(tmp_path, "done", "--strict")
    assert code == 0, out + err
    assert "VACUOUS" not in out


SWITCH = Role("switch", states=["off", "on"], initial="off", final=["off", "on"],
              transitions=[Transition("switch_on", "off", "on", environment=True)])


@pytest.mark.parametrize("fault", [
    lambda: Loss.around("nosuch", why="UE 2 leaves coverage"),
    lambda: Loss.on(("a", "nosuch"), why="the link to B"),
    lambda: Duplication.around("nosuch", why="retransmissions"),
    lambda: Reorder.on(("nosuch", "b"), why="two paths"),
])
def test_a_fault_on_an_instance_the_system_does_not_have_is_refused(fault):
    with pytest.raises(ModelError, match="names instance 'nosuch', which the system does "
                                         "not have") as err:
        System("s", instances=[Instance("a", SWITCH), Instance("b", SWITCH)], faults=[fault()],
               max_in_flight=1)
    assert "use one of ['a', 'b']" in str(err.value)


def test_a_loss_flag_on_an_unknown_instance_is_refused_too():
    with pytest.raises(ModelError, match="'zz'"):
        System("s", instances=[Instance("a", SWITCH)], loss=Loss.around("zz", why="gone"))


def test_faults_on_instances_the_system_has_are_accepted():
    system = System("s", instances=[Instance("a", SWITCH), Instance("b", SWITCH)],
                    faults=[Loss.on(("a", "b"), why="the link"),
                            Loss.around("b", why="b leaves coverage")])
    assert system.loss


VACUOUS_MODEL = '''
from mcfsm import Instance, Model, Role, System, Transition, always

JUG = Role("jug", states=["on", "off"], initial="on", final=["on", "off"],
           transitions=[Transition("Stop", "on", "off", clause="t 1",
                                   conditions=[lambda ctx: False])])  # never in this world

model = Model("jug", source="test", clause="t")
model.add_variant("base", lambda: System("jug", instances=[Instance("jug", JUG)],
    properties=[always("stays-on", lambda v: v["jug"].state != "off", clause="t 2")]))
model.transition_never_fires("jug", "Stop", why="this world never stops the jug")
{declare}
'''


def test_a_vacuity_the_model_explains_is_printed_with_its_reason_and_passes_strict(tmp_path):
    """Issue 58: no property is vacuous on a bundled variant without saying why."""
    path = tmp_path / "jug.py"
    path.write_text(VACUOUS_MODEL.format(declare=""))
    r = CliRunner().invoke(main, ["check", str(path), "--strict", "--no-cache"])
    assert r.exit_code == 2 and "1 vacuous property" in r.stderr
    path.write_text(VACUOUS_MODEL.format(declare='model.vacuous_where_so("stays-on", why="the '
                                         'jug never stops here; other worlds stop it")'))
    r = CliRunner().invoke(main, ["check", str(path), "--strict", "--no-cache", "--expected"])
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "as the model says: the jug never stops here" in r.stdout
    r = CliRunner().invoke(main, ["check", str(path), "--json", "--no-cache"])
    [prop] = [p for p in json.loads(r.stdout)[0]["properties"] if p["name"] == "stays-on"]
    assert prop["vacuous"] is None and "never stops" in prop["vacuous_explained"]
