"""Checkpoints (check/search/checkpoint.py): a search cut off and resumed gives what one
uninterrupted search gives (counts, verdicts, counterexample and lasso lengths, coverage),
across the two engine cores too; a checkpoint of another search is refused."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mcfsm import Budget, explore
from mcfsm.check.choices import combinations
from mcfsm.check.search import checkpoint
from mcfsm.check.search.checkpoint import CheckpointPlan
from mcfsm.errors import UsageError
from mcfsm.lang.loader import load_path

from .conftest import ROOT, run_cli


def _twophase(n: int):
    sys.path.insert(0, str(ROOT / "tests" / "validation"))
    try:
        import twophase
    finally:
        sys.path.pop(0)
    return twophase.build(n)


def _migration():
    """A first parameter combination of private_call_migration: leads_to properties, so
    the checkpoint carries edges and marks."""
    [lm] = load_path(ROOT / "models" / "private_call_migration.py")
    system = lm.model.system("as_published")
    return system.restricted(dict(next(combinations(system))))


def _figures(result):
    return (result.distinct_states, result.total_states, result.depth, result.pruned,
            result.complete, result.coverage,
            [(v.property.name, v.status, None if v.trace is None else len(v.trace),
              None if v.trace is None else v.trace.loop_start) for v in result.verdicts])


@pytest.mark.parametrize("build, cut", [(lambda: _twophase(5), 3000), (_migration, 3000)])
def test_a_search_cut_off_and_resumed_gives_the_uninterrupted_results(tmp_path, build, cut):
    system = build()
    whole = explore(system)
    plan = CheckpointPlan(tmp_path, every_s=0, identity="same")
    first = explore(system, Budget(max_states=cut), checkpoint=plan)
    assert not first.complete and first.distinct_states <= cut < whole.distinct_states
    resumed = explore(system, checkpoint=CheckpointPlan(tmp_path, 0, "same", resume=True))
    assert resumed.search.startswith("breadth-first, resumed from a checkpoint at depth")
    assert _figures(resumed) == _figures(whole)
    # the final checkpoint of a complete search answers at once, with the same results
    again = explore(system, checkpoint=CheckpointPlan(tmp_path, 0, "same", resume=True))
    assert _figures(again) == _figures(whole)


def test_a_checkpoint_resumes_on_the_other_engine_core(tmp_path, monkeypatch):
    system = _twophase(4)
    whole = explore(system)
    explore(system, Budget(max_states=500), checkpoint=CheckpointPlan(tmp_path, 0, "x"))
    monkeypatch.setenv("MCFSM_PURE", "1")
    resumed = explore(system, checkpoint=CheckpointPlan(tmp_path, 0, "x", resume=True))
    assert resumed.engine.startswith("python")
    assert _figures(resumed) == _figures(whole)


def test_a_checkpoint_of_another_search_is_refused(tmp_path):
    system = _twophase(4)
    explore(system, Budget(max_states=500), checkpoint=CheckpointPlan(tmp_path, 0, "model v1"))
    with pytest.raises(UsageError, match="delete the checkpoint"):
        explore(system, checkpoint=CheckpointPlan(tmp_path, 0, "model v2", resume=True))


def test_no_checkpoint_yet_starts_afresh(tmp_path):
    system = _twophase(3)
    result = explore(system, checkpoint=CheckpointPlan(tmp_path, 0, "x", resume=True))
    assert (result.distinct_states, result.search) == (288, "breadth-first")


def test_check_resumes_a_cut_search_from_the_command_line(tmp_path):
    # a bundled model with two parameter combinations, small enough to search three times
    model = str(ROOT / "models" / "group_call_migration.py")
    folder = str(tmp_path / "ck")
    cut = run_cli("check", model, "--variant", "break_before_make", "--no-cache", "--summary",
                  "--checkpoint", folder, "--checkpoint-every", "0", "--max-states", "3000")
    assert cut.returncode in (1, 3) and "INCOMPLETE" in cut.stdout
    resumed = run_cli("check", model, "--variant", "break_before_make", "--no-cache", "--json",
                      "--checkpoint", folder, "--resume")
    whole = run_cli("check", model, "--variant", "break_before_make", "--no-cache", "--json")
    assert resumed.returncode == whole.returncode, resumed.stderr
    import json

    [a], [b] = json.loads(resumed.stdout), json.loads(whole.stdout)
    assert a["search"].startswith("breadth-first, resumed")
    for key in ("distinct_states", "total_states", "depth", "complete"):
        assert a[key] == b[key]
    assert [(p["name"], p["verdict"]) for p in a["properties"]] == \
        [(p["name"], p["verdict"]) for p in b["properties"]]
    assert len(list(Path(folder).glob("*.ckpt"))) >= 2  # one per parameter combination
    refused = run_cli("check", model, "--variant", "break_before_make", "--resume")
    assert refused.returncode == 2 and "--checkpoint DIR" in refused.stderr


# -- issue 57 item 4: what --resume reads is refused unread when it cannot be a checkpoint ----
def _checkpointed(tmp_path: Path) -> tuple[Path, Path]:
    """(the fuzz grammar's model file, the checkpoint a finished search wrote for v1)."""
    from .fuzz_corpus import grammar

    model = tmp_path / grammar.MODEL_FILE
    model.write_text(grammar.model_source())
    done = run_cli("check", str(model), "--variant", "v1", "--no-cache", "--checkpoint",
                   str(tmp_path / "ck"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    [first, *_] = sorted((tmp_path / "ck").glob("*.ckpt"))
    return model, first


def _resume(tmp_path: Path, model: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    began = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "mcfsm", "check", str(model), "--variant", "v1",
                           "--no-cache", "--checkpoint", str(tmp_path / "ck"), "--resume"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    return proc, time.monotonic() - began


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/dev/zero and mkfifo")
@pytest.mark.parametrize("kind", ["link-to-dev-zero", "fifo", "folder"])
def test_resume_refuses_a_checkpoint_that_is_not_a_regular_file(tmp_path, kind):
    # before: a link to /dev/zero was read for ever (6.7 GB in 11 s), a FIFO blocked the open
    model, file = _checkpointed(tmp_path)
    file.unlink()
    if kind == "link-to-dev-zero":
        file.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(file)
    else:
        file.mkdir()
    proc, took = _resume(tmp_path, model)
    assert proc.returncode == 2, proc.stderr
    assert str(file) in proc.stderr and "not a regular file" in proc.stderr
    assert "refused unread" in proc.stderr and f"how to fix: delete {file}" in proc.stderr
    assert took < 30


def test_resume_refuses_a_checkpoint_larger_than_the_machine_could_write(tmp_path):
    model, file = _checkpointed(tmp_path)
    cap = checkpoint.max_checkpoint_bytes()
    with open(file, "r+b") as f:
        f.truncate(cap + 1)  # sparse: no disk space taken
    proc, took = _resume(tmp_path, model)
    assert proc.returncode == 2, proc.stderr
    assert str(file) in proc.stderr and f"more than the {cap:,}" in proc.stderr
    assert "refused unread" in proc.stderr and "how to fix: delete" in proc.stderr
    assert took < 30


@pytest.fixture
def own_key(tmp_path, monkeypatch) -> Path:
    """A checkpoint key of this test's own (under a fresh $XDG_CONFIG_HOME)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    key = checkpoint.secret_file()
    assert not key.exists()
    return key


def test_a_new_key_is_made_with_32_bytes_and_mode_600(own_key):
    assert len(checkpoint._secret()) == 32
    assert stat.S_IMODE(own_key.stat().st_mode) == 0o600
    assert checkpoint._secret() == own_key.read_bytes()  # and then read back as it is


def test_a_short_checkpoint_key_is_refused(own_key):
    own_key.parent.mkdir(parents=True)
    own_key.write_bytes(b"abc")
    own_key.chmod(0o600)
    with pytest.raises(UsageError) as refused:
        checkpoint._secret()
    text = str(refused.value)
    assert str(own_key) in text and "3 bytes, shorter than the 32" in text
    assert f"how to fix: delete {own_key}" in text


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620])
def test_a_checkpoint_key_open_to_others_is_refused(own_key, mode):
    own_key.parent.mkdir(parents=True)
    own_key.write_bytes(bytes(range(32)))
    own_key.chmod(mode)
    with pytest.raises(UsageError) as refused:
        checkpoint._secret()
    text = str(refused.value)
    assert str(own_key) in text and "group or others" in text
    assert f"how to fix: chmod 600 {own_key}" in text
    own_key.chmod(0o600)  # the fix it gives works
    assert checkpoint._secret() == bytes(range(32))


def test_resume_with_a_loose_key_is_a_usage_error_naming_the_key(tmp_path):
    model, _ = _checkpointed(tmp_path)  # under the user's own key (made 0600)
    config = tmp_path / "config"
    key = config / "mcfsm" / "checkpoint-key"
    key.parent.mkdir(parents=True)
    key.write_bytes(os.urandom(32))
    key.chmod(0o644)
    env = dict(os.environ, PYTHONPATH=str(ROOT), XDG_CONFIG_HOME=str(config))
    proc = subprocess.run([sys.executable, "-m", "mcfsm", "check", str(model), "--variant", "v1",
                           "--no-cache", "--checkpoint", str(tmp_path / "ck"), "--resume"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert f"chmod 600 {key}" in proc.stderr and "Traceback" not in proc.stderr
