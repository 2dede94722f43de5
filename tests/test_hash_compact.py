"""Hash compaction (check --hash-compact, check/state/fingerprints.py): the visited set compares
64-bit fingerprints, the compiled core drops the rows of expanded levels, traces are
replayed. Without a fingerprint collision (probability printed, about 1e-9 here) it gives
the full search's counts, verdicts and traces, state by state; temporal properties are
not judged."""

from __future__ import annotations

import json
import os
import random
import resource
import signal
import subprocess
import sys

import pytest

from mcfsm import Budget, explore
from mcfsm.check.kernel.core import PyCore, compiled
from mcfsm.check.search.explorer import Judge
from mcfsm.check.state.fingerprints import fingerprint, omission_bound
from mcfsm.check.state.steps import CompiledSteps
from mcfsm.check.state.store import Store

from .conftest import ROOT, run_cli
from .test_partitioned import SYSTEMS, _validation

REDIRECT = str(ROOT / "models" / "private_call_redirect.py")


def _safety(result):
    """Counts and every non-temporal verdict with its whole trace."""
    return (result.distinct_states, result.total_states, result.depth, result.pruned,
            result.complete, result.coverage,
            [(v.property.name, v.status, v.trace) for v in result.verdicts
             if not v.property.temporal])


@pytest.mark.parametrize("name", sorted(SYSTEMS))
def test_hash_compaction_gives_the_full_search_results(name):
    system = SYSTEMS[name]()
    full = explore(system)
    compact = explore(system, Budget(hash_compact=True))
    assert _safety(compact) == _safety(full)
    assert compact.search == "breadth-first, hash compaction"
    assert all(v.status == "unknown" for v in compact.verdicts if v.property.temporal)


@pytest.mark.parametrize("pure", [False, True])
def test_the_twin_and_the_compiled_core_compact_alike(monkeypatch, pure):
    """Both cores under compaction give the full search's results (the twin: the same
    fingerprint function in Python)."""
    if pure:
        monkeypatch.setenv("MCFSM_PURE", "1")
    elif compiled()[0] is None:
        pytest.skip("the compiled core is not built")
    system = SYSTEMS["private_call_redirect[base]"]()
    result = explore(system, Budget(hash_compact=True))
    assert result.engine.startswith("python" if pure else "compiled")
    monkeypatch.delenv("MCFSM_PURE", raising=False)
    assert _safety(result) == _safety(explore(system))


def test_the_fingerprint_lanes_agree_with_the_twin_and_tell_one_changed_slot_apart():
    """The C fingerprint (four lanes, word k on lane k % 4) is the Python one for every row
    length, the tails of 1, 2 and 3 words included; and each link of a lane is a bijection
    of its word, so rows that differ in one slot never share a fingerprint."""
    module = compiled()[0]
    if module is None:
        pytest.skip("the compiled core is not built")
    rng = random.Random(5)
    for n in range(0, 13):
        for _ in range(20):
            row = [rng.choice((0, 1, 2, 255, 65_536, rng.randrange(2**32))) for _ in range(n)]
            assert module.fingerprint_of(row) == fingerprint(row), row
            for k in range(n):
                changed = list(row)
                changed[k] = (changed[k] + 1 + rng.randrange(2**32 - 1)) % 2**32
                assert fingerprint(changed) != fingerprint(row), (row, k)
    # the length is in the seed: a row and the same row with a 0 appended differ
    assert fingerprint([3, 0]) != fingerprint([3]) != fingerprint([3, 0, 0])


def _core(system, core_class):
    """A core built as the explorer builds it, with the initial states added."""
    store = Store(system.slot_count)
    steps = CompiledSteps(system, store)
    judge = Judge(system, store, steps, None, True, Budget(), None, 0.0)
    core = core_class(steps, store, judge, None, judge.check_states,
                      bool(judge.stepp or judge.bounded),
                      judge.check_deadlock or judge.check_unhandled)
    return core, store


def test_the_compiled_core_keeps_only_the_unexpanded_rows_and_the_fingerprints_agree():
    module = compiled()[0]
    if module is None:
        pytest.skip("the compiled core is not built")
    system = _validation("twophase").build(5)
    for compact in (False, True):
        core, store = _core(system, module.Core)
        if compact:
            core.set_compact()
        for init in system.initial_states():
            core.add_initial(store.encode(init))
        core.search(None, None, None, None, 10**9, False)
        if not compact:
            full = core
            # the C fingerprint of a row is the Python one (fingerprints.fingerprint)
            assert all(core.fingerprint_at(i) == fingerprint(core.unpack(i))
                       for i in range(0, len(core), 97))
            continue
        assert len(core) == len(full) == 8832  # TwoPhase 5 RMs: TLC's count
        assert core.rows_kept < len(core) // 4  # the last level's rows only
        with pytest.raises(IndexError, match="hash compaction"):
            core.unpack(0)
        assert [core.fingerprint_at(i) for i in range(len(core))] == \
            [full.fingerprint_at(i) for i in range(len(full))]
    twin, store = _core(system, PyCore)
    assert twin.add_initial(store.encode(next(iter(system.initial_states())))) == 0
    with pytest.raises(RuntimeError, match="before the first state"):
        twin.set_compact()  # after the first state: refused


def test_the_omission_bound_is_n_choose_2_over_2_to_the_64():
    assert omission_bound(1) == 0.0
    assert omission_bound(2**20) == pytest.approx(2**20 * (2**20 - 1) / 2 / 2**64)


def test_check_hash_compact_reports_the_bound_and_refuses_what_it_cannot_do():
    proc = run_cli("check", REDIRECT, "--variant", "base", "--hash-compact", "--no-cache",
                   "--json")
    assert proc.returncode == 1, proc.stderr  # the base variant's declared violations
    [record] = json.loads(proc.stdout)
    assert record["search"] == "breadth-first, hash compaction"
    n = record["distinct_states"]
    assert record["omission_bound"] == pytest.approx(n * (n - 1) / 2**65)
    text = run_cli("check", REDIRECT, "--variant", "base", "--hash-compact", "--no-cache")
    assert "a state missed with probability at most" in text.stdout
    assert "not judged: hash compaction" in text.stdout
    # (with --workers N on one variant it shares one visited set: test_shared_visited.py)
    for extra in (["--dfs"], ["--ray", "local"], ["--checkpoint", "cp"]):
        refused = run_cli("check", REDIRECT, "--variant", "base", "--hash-compact", *extra)
        assert refused.returncode == 2 and "--hash-compact" in refused.stderr, extra
        assert "Traceback" not in refused.stderr




@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_FSIZE, SIGXFSZ")
def test_a_failed_write_of_a_temporary_file_names_the_file_and_the_option(tmp_path):
    """Issue 57 item 4: "File too large" (a file size limit, `ulimit -f`) named no file."""
    if compiled()[0] is None:
        pytest.skip("the compiled core is not built (the twin keeps its columns in memory)")

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))

    env = dict(os.environ, PYTHONPATH=str(ROOT), TMPDIR=str(tmp_path), MCFSM_NO_CACHE="1")
    proc = subprocess.run([sys.executable, "-m", "mcfsm", "check", REDIRECT, "--variant", "base",
                           "--hash-compact", "--summary"], env=env, capture_output=True,
                          text=True, timeout=300, preexec_fn=limited)
    assert proc.returncode == 2, proc.stderr
    error = proc.stderr
    assert "--hash-compact: writing " + str(tmp_path / "mcfsm-") in error, error
    assert "File too large" in error and "how to fix:" in error and "ulimit -f" in error
    assert "Traceback" not in error
    assert not list(tmp_path.iterdir())  # unlinked while open: nothing is left behind
