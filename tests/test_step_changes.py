"""The generic changes a CR makes to any step the transitions cite (lang/step_changes.py,
issue 71 item 2): listed by `cr list`, written by `cr new`, checked by `diff`, with no
choice point of the model's own and no role code touched."""

from __future__ import annotations

import sys

from mcfsm.lang.change_request import choice_points
from mcfsm.lang.loader import load_path
from mcfsm.lang.step_changes import IGNORED, OMITTED, apply, cites_step, selected, steps_cited

from .conftest import ROOT, run_cli

PCM = ROOT / "models" / "private_call_migration.py"


def _transitions(system):
    return [t for inst in system.instances for t in inst.role.transitions]


def test_a_step_is_cited_through_ranges_and_cr_prefixes():
    assert cites_step("10.16.5.3 steps 1-4; TS 23.379 10.7.2.1.1", "10.16.5.3 step 2")
    assert not cites_step("10.16.5.3 steps 3-4", "10.16.5.3 step 2")
    assert cites_step("CR 000 10.16.5.3 step 2 (otherwise=forward)", "CR 000 10.16.5.3 step 2")
    assert not cites_step("CR 001 10.16.5.3 step 2", "CR 000 10.16.5.3 step 2")
    assert not cites_step("X.1.7.1 items 6-7", "X.1.7.1 step 6")


def test_a_role_built_under_a_selection_drops_or_mutes_the_step_s_transitions():
    sys.path.insert(0, str(PCM.parent))
    [lm] = load_path(PCM)
    build = lm.model.variants["as_published"].build
    step2 = steps_cited(_transitions(build()))["10.16.3.2 step 2"]
    assert step2
    with selected([("10.16.3.2 step 2", OMITTED)]):
        omitted = _transitions(build())
    assert not any(cites_step(t.clause, "10.16.3.2 step 2") for t in omitted)
    with selected([("10.16.3.2 step 2", IGNORED)]):
        ignored = [t for t in _transitions(build()) if cites_step(t.clause, "10.16.3.2 step 2")]
    # the receiving transitions take the message and do nothing; the others are as they were
    taking = [t for t in ignored if t.receives is not None]
    assert taking and all(not t.sends and t.dest is None for t in taking)  # (a timer check
    # the role adds to every transition stays in after=)
    assert len(ignored) == len(step2)
    # outside the selection nothing changes
    assert len(_transitions(build())) == len(_transitions(lm.model.system("as_published")))
    assert apply(step2) == step2


def test_every_step_a_transition_cites_has_a_choice_point():
    sys.path.insert(0, str(PCM.parent))
    [lm] = load_path(PCM)
    points = choice_points(lm.model, lm.path)
    cited = set()
    for v in lm.model.variants:
        cited |= set(steps_cited(_transitions(lm.model.system(v))))
    offered = {p.clause for p in points if p.name.startswith("step ")}
    assert cited and cited <= offered
    step2 = next(p for p in points if p.name == "step 10.16.3.2 step 2")
    assert [b.name for b in step2.behaviours] == ["as_published", OMITTED, IGNORED]
    assert "User profile response" in step2.behaviour(IGNORED).words
    # without the generic ones, the model's own choice points only (what impact lists)
    assert not any(p.name.startswith("step ")
                   for p in choice_points(lm.model, lm.path, generic=False))


def test_cr_new_on_a_step_with_no_choice_point_of_its_own_writes_a_checkable_cr(tmp_path):
    """The step the issue names: `cr new --clause "10.16.3.2 step 2"` answered "no choice
    point cites it"; now it writes a CR over the generic changes, and diff checks it."""
    cr = tmp_path / "cr_step2.toml"
    proc = run_cli("cr", "new", str(PCM), "--from", "as_published", "--clause",
                   "10.16.3.2 step 2", "--out", str(cr))
    assert proc.returncode == 0, proc.stderr
    text = cr.read_text()
    assert 'choice = "step 10.16.3.2 step 2"' in text
    assert "takes no action on the User profile response it receives" in text
    text = text.replace("<one line: what the change does>", "No user profile after migration")
    text = text.replace('behaviour = "ignored"', 'behaviour = "omitted"')
    text = text.replace(text.split("sentence = ")[1].split("\n")[0], '"Void."')
    cr.write_text(text)
    proc = run_cli("diff", str(cr))
    assert proc.returncode == 1, proc.stdout + proc.stderr  # the change changes verdicts
    assert "call-resumed-primary-to-partner" in proc.stdout
    assert "no longer reachable" in proc.stdout
    assert "[checked as: step 10.16.3.2 step 2: 10.16.3.2 step 2 does not happen" in proc.stdout
