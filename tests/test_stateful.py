"""The hypothesis bridge as a user embeds it: the machine's TestCase in a test suite."""

import sys
import unittest
from pathlib import Path

from hypothesis import settings

from mcfsm.check.runtime.stateful import PropertyViolatedError, state_machine

sys.path.insert(0, str(Path(__file__).parent / "validation"))
import diehard
import peterson

sys.path.pop(0)


def run_case(case: type[unittest.TestCase]) -> unittest.TestResult:
    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(case).run(result)
    return result


def test_machine_testcase_passes_on_a_correct_model():
    machine = state_machine(peterson.model.system("two_processes"))
    machine.TestCase.settings = settings(max_examples=20, stateful_step_count=30,
                                         derandomize=True, database=None, deadline=None)
    result = run_case(machine.TestCase)
    assert result.testsRun == 1 and not result.failures and not result.errors


def test_machine_testcase_reports_a_violation_with_its_trace():
    # NotSolved is hard for random walks; a property violated at once shows the mechanism.
    system = diehard.model.system("jugs_3_5")
    from mcfsm import System, always
    quick = System("diehard", instances=system.instances,
                   properties=[always("big-stays-empty", lambda v: v["jugs"].big == 0,
                                      clause="test")])
    machine = state_machine(quick)
    machine.TestCase.settings = settings(max_examples=50, stateful_step_count=10,
                                         derandomize=True, database=None, deadline=None)
    result = run_case(machine.TestCase)
    assert len(result.failures) == 1, result.errors
    assert "big-stays-empty violated" in result.failures[0][1]
    assert PropertyViolatedError.__name__ in result.failures[0][1]


def test_hypothesis_reproduce_failure_blob_replays_the_failure():
    import re

    from hypothesis import reproduce_failure

    from mcfsm import System, always

    system = diehard.model.system("jugs_3_5")
    quick = System("diehard", instances=system.instances,
                   properties=[always("big-below-3", lambda v: v["jugs"].big < 3, clause="test")])
    first = state_machine(quick)
    first.TestCase.settings = settings(max_examples=50, stateful_step_count=10, database=None,
                                       deadline=None, print_blob=True)
    failure = run_case(first.TestCase).failures[0][1]
    blob = re.search(r"@reproduce_failure\('([^']+)', b'([^']+)'\)", failure)
    assert blob, failure
    again = reproduce_failure(blob.group(1), blob.group(2).encode().decode("unicode_escape")
                              .encode("latin-1"))(state_machine(quick))
    again.TestCase.settings = settings(max_examples=1, stateful_step_count=10, database=None,
                                       deadline=None)
    replayed = run_case(again.TestCase)
    assert len(replayed.failures) == 1 and "big-below-3 violated" in replayed.failures[0][1]


def test_simulate_leaves_known_violations_alone_and_still_finds_the_others():
    from mcfsm import System, always
    from mcfsm.check.runtime.stateful import simulate

    system = diehard.model.system("jugs_3_5")
    quick = System("diehard", instances=system.instances, check_deadlock=False,
                   properties=[always("big-stays-empty", lambda v: v["jugs"].big == 0, clause="t"),
                               always("small-stays-empty", lambda v: v["jugs"].small == 0,
                                      clause="t")])
    both = simulate(quick, examples=30, steps=10, derandomize=True)
    assert {o.property.name: o.status for o in both.outcomes} == {
        "big-stays-empty": "violated", "small-stays-empty": "violated",
        "no-unhandled-message": "no violation found"}
    # Declared violated (the pytest plugin passes those): not searched for, not shrunk.
    one = simulate(quick, examples=30, steps=10, derandomize=True,
                   known=frozenset({"big-stays-empty"}))
    assert {o.property.name: o.status for o in one.outcomes} == {
        "big-stays-empty": "not checked", "small-stays-empty": "violated",
        "no-unhandled-message": "no violation found"}


def test_runtimes_alive_at_once_drive_machines_of_their_own_and_a_later_one_starts_afresh():
    """The runtime's machines are reused once the Runtime driving them is gone (building
    them was a fifth of a bridge run): a Runtime started beside a live one, or after one
    that moved, starts in the initial state, and none of them moves another's machines."""
    import gc

    from mcfsm.check.runtime import machines
    from mcfsm.check.runtime.machines import Runtime

    system = diehard.model.system("jugs_3_5")
    gc.collect()
    machines._FREE.clear()  # none left by earlier tests: the one freed below is taken next

    def moved_runtime() -> tuple[Runtime, object, set[int]]:
        runtime = Runtime(system)
        initial = runtime.export()
        runtime.enabled()[0][0][1]()  # fire the first enabled step
        return runtime, initial, {id(m) for m in runtime._machines}

    first, initial, machines = moved_runtime()
    moved = first.export()
    beside = Runtime(system)
    beside_state, beside_machines = beside.export(), {id(m) for m in beside._machines}
    first_state = first.export()
    assert moved != initial and beside_state == initial and first_state == moved
    assert not machines & beside_machines
    del first
    gc.collect()
    later = Runtime(system)
    later_machines, later_state = {id(m) for m in later._machines}, later.export()
    assert later_machines == machines  # the gone one's machines, set to the initial state
    assert later_state == initial and beside.export() == initial
