"""A verdict that rests on a declared symmetry says so wherever it is read (issue 73 item 1).

The issue's probe: three counters declared interchangeable, and a step only r2 may take
while r1 = r3 = 7 (and r2 = 8). The stored state of that orbit is (7, 7, 8); its images
under the generators (a swap of r1 and r2, the cycle r1 -> r2 -> r3) are itself and
(8, 7, 7), where no counter may take the step; (7, 8, 7), where r2 may, is an image under a
product of them only. Checked under the generators, the reduced search said "holds", exit 0,
165 orbits, where the unreduced search finds a violation in 23 steps. The whole orbit of
every stored state is now checked where the group is small (search/symmetric.check_orbits),
and the model is refused; where the group is too large for that by default (a set of three
and a set of four: 144 permutations), the same asymmetry is missed by the generators, and
then every verdict says it ASSUMES the symmetry: its own line, --summary, the JSON per
property, the "assumed" list and the HTML report; a counterexample is not called shortest.
"""

from __future__ import annotations

import json

import pytest

from mcfsm import Instance, Role, System, Transition, Var, always, explore
from mcfsm.check.results import Budget
from mcfsm.errors import ModelError
from mcfsm.lang.loader import load_path
from mcfsm.show.html_report import model_context
from mcfsm.show.report import verdict_detail

from .conftest import ROOT, run_cli


def _count(ctx) -> None:
    ctx.v.n += 1


def counters(names: tuple[str, ...], top: int, others: tuple[str, ...] = (),
             symmetric: bool = True, asymmetric: bool = True) -> System:
    """Counters `names` each counting to `top`; the second may go "boom" when it is at
    `top` and the first and third at top - 1 (an asymmetry only a product of the generators
    shows), or with `asymmetric=False` any counter at `top` may. `others`: a second
    symmetric set of idle instances (the group grows, the state space does not)."""
    first, second, third = names[:3]

    def boom(ctx) -> bool:
        if not asymmetric:
            return ctx.v.n == top
        return (ctx.me == second and ctx.v.n == top and ctx.world[first].n == top - 1
                and ctx.world[third].n == top - 1)

    counter = Role("counter", states=["on", "boom"], initial="on", final=["on", "boom"],
                   variables={"n": Var(int, 0)},
                   transitions=[Transition("count", "on", "on", after=[_count],
                                           conditions=[lambda ctx: ctx.v.n < top]),
                                Transition("boom", "on", "boom", conditions=[boom])])
    idle = Role("idle", states=["on"], initial="on", final=["on"], transitions=[])
    no_boom = always("no-boom", lambda v: all(v[k].state != "boom" for k in names))
    sets = [names] + ([others] if others else [])
    return System("counters", instances=[Instance(k, counter) for k in names]
                  + [Instance(k, idle) for k in others],
                  properties=(no_boom,), symmetry=sets if symmetric else None)


PROBE = ("r1", "r2", "r3")
IDLE = ("b1", "b2", "b3", "b4")


def test_the_issue_probe_is_refused_not_said_to_hold(engine):
    unreduced = explore(counters(PROBE, 8), Budget(symmetry=False))
    [v] = [v for v in unreduced.verdicts if v.property.name == "no-boom"]
    assert v.status == "violated" and len(v.trace) == 23
    # before issue 73: "holds" in 165 orbits (the generators' check saw nothing)
    with pytest.raises(ModelError, match="steps are not symmetric") as info:
        explore(counters(PROBE, 8))
    assert "r2: boom" in str(info.value) and "--no-symmetry" in str(info.value)


def test_a_symmetric_twin_is_verified_with_the_unreduced_verdicts(engine):
    """Without the asymmetric step the default run verifies the symmetry on every orbit (as
    many images in all as the unreduced search has states) and its verdicts, unconditional,
    are the unreduced search's."""
    def twin() -> System:
        return counters(PROBE, 8, asymmetric=False)

    reduced, unreduced = explore(twin()), explore(twin(), Budget(symmetry=False))
    assert not reduced.symmetry_assumed and "; verified: the whole orbit" in reduced.symmetry
    assert f"({unreduced.distinct_states - reduced.distinct_states:,} images besides them)" \
        in reduced.symmetry
    assert [(v.status, v.trace and len(v.trace)) for v in reduced.verdicts] == \
        [(v.status, v.trace and len(v.trace)) for v in unreduced.verdicts]
    [v] = [v for v in reduced.verdicts if v.property.name == "no-boom"]
    assert verdict_detail(reduced, v).startswith("shortest counterexample: 9 steps")


def test_a_group_too_large_for_the_default_check_is_verified_on_request(engine):
    system = counters(("a1", "a2", "a3"), 8, IDLE)
    unreduced = explore(system, Budget(symmetry=False))
    assert unreduced.verdicts[0].status == "violated"
    assumed = explore(system)  # 144 permutations: the generators only, which miss it
    assert assumed.symmetry_assumed and assumed.verdicts[0].status == "holds"
    with pytest.raises(ModelError, match="steps are not symmetric"):
        explore(system, Budget(verify_symmetry=True))


MODEL = '''
import sys
sys.path.insert(0, {root!r})
from tests.test_symmetry_assumed import IDLE, counters
from mcfsm import Model
model = Model("counters", source="tests/test_symmetry_assumed.py")

@model.variant("assumed", doc="a group of 144 permutations, checked under its generators")
def assumed():
    return counters(("a1", "a2", "a3"), 8, IDLE)

@model.variant("violated", doc="the same group, any counter at the top may go boom")
def violated():
    return counters(("a1", "a2", "a3"), 8, IDLE, asymmetric=False)
'''


@pytest.fixture
def model_file(tmp_path):
    path = tmp_path / "counters_model.py"
    path.write_text(MODEL.format(root=str(ROOT)))
    return path


def test_every_output_says_the_verdict_assumes_the_symmetry(model_file):
    proc = run_cli("check", str(model_file), "--variant", "assumed")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    # the verdict's own line
    [holds] = [line for line in lines if line.lstrip().startswith("holds") and "no-boom" in line]
    assert "which this verdict ASSUMES (not verified)" in holds
    # the "assumed" list and the assumptions below
    [listed] = [line for line in lines if line.lstrip().startswith("assumed,")]
    assert listed.rstrip().endswith(", symmetry")
    assert any(line.strip().startswith("- symmetry (the declared symmetry holds") for line in lines)
    # --summary
    summary = run_cli("check", str(model_file), "--variant", "assumed", "--summary").stdout
    assert "orbits under the declared symmetry, ASSUMED (not verified)" in summary
    # JSON, per property
    [record] = json.loads(run_cli("check", str(model_file), "--variant", "assumed",
                                  "--json").stdout)
    for prop in record["properties"]:
        assert prop["symmetry"] == "assumed" and "symmetry" in prop["rests_on"]
        assert "ASSUMES" in prop["words"]
    assert "symmetry" in [a["name"] for a in record["assumptions"]]
    # verified on request: no assumption left
    [verified] = json.loads(run_cli("check", str(model_file), "--variant", "violated",
                                    "--json", "--verify-symmetry").stdout)
    assert {p["symmetry"] for p in verified["properties"]} == {"verified"}
    assert "symmetry" not in [a["name"] for a in verified["assumptions"]]


def test_a_counterexample_under_an_assumed_symmetry_is_not_called_shortest(model_file):
    proc = run_cli("check", str(model_file), "--variant", "violated")
    assert proc.returncode == 1, proc.stderr
    assert "shortest" not in proc.stdout.replace("not necessarily the shortest", "")
    assert ("symmetry-reduced (not necessarily the shortest: the declared symmetry is ASSUMED, "
            "not verified) counterexample" in proc.stdout)


def test_the_html_report_says_it_too(model_file):
    [lm] = load_path(model_file)
    context = model_context(lm, ("assumed",))
    [row] = [r for r in context["rows"] if r["name"] == "no-boom"]
    assert "ASSUMES (not verified)" in row["cells"]["assumed"]["detail"]
    [assumptions] = context["assumptions"]
    assert "symmetry" in [a["name"] for a in assumptions["fixed"]]


def test_a_symmetry_one_combination_only_assumed_is_assumed_by_the_variant(monkeypatch):
    """The whole-orbit check's size limit is per search: where one parameter combination's
    search is small enough and another's is not, the variant's verdicts assume it."""
    from mcfsm import Param
    from mcfsm.check.choices import explore_by_choice
    from mcfsm.check.search import explorer

    def count(ctx) -> None:
        ctx.v.n += 1

    counter = Role("counter", states=["on"], initial="on", final=["on"],
                   variables={"n": Var(int, 0)},
                   transitions=[Transition("count", "on", "on", after=[count],
                                           conditions=[lambda ctx: ctx.v.n < ctx.params.top])])
    system = System("counters", instances=[Instance(k, counter) for k in PROBE],
                    params={"top": Param((1, 8))}, symmetry=[PROBE])
    monkeypatch.setattr(explorer, "FULL_CHECK_IMAGES", 100)  # top=1: 4 orbits; top=8: 165
    assert not explore(system.restricted({"top": 1})).symmetry_assumed  # the first, alone
    assert explore(system.restricted({"top": 8})).symmetry_assumed
    result = explore_by_choice(system)
    assert result.symmetry_assumed and "ASSUMED" in result.symmetry
