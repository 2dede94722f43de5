"""Checkpoints keep to the contract: one file per model, variant and parameter combination
(two variants of one model no longer overwrite each other); a checkpoint is authenticated
before it is read, so a crafted or foreign one is refused instead of running its code;
a bad --checkpoint-every and a --resume with nothing to resume are said."""

import os
import pickle

import pytest

from mcfsm import Budget, explore
from mcfsm.check.search.checkpoint import CheckpointPlan
from mcfsm.errors import UsageError

from .conftest import ROOT, run_cli
from .test_checkpoint import _twophase

MODEL = str(ROOT / "models" / "private_call_migration.py")


def test_two_variants_of_one_model_keep_their_own_checkpoints(tmp_path):
    folder = str(tmp_path / "ck")
    # two small variants of one model (one System name): 3,448 and 2,532 states
    both = ("--variant", "setup_in_progress", "--variant", "fix_setup_resumed")
    cut = run_cli("check", MODEL, *both, "--no-cache", "--summary", "--workers", "1",
                  "--checkpoint", folder, "--checkpoint-every", "0", "--max-states", "500")
    assert cut.returncode in (1, 3), cut.stderr
    names = sorted(p.name for p in (tmp_path / "ck").glob("*.ckpt"))
    assert any("fix_setup_resumed" in n for n in names) and any("setup_in_progress" in n
                                                                for n in names), names
    resumed = run_cli("check", MODEL, *both, "--no-cache", "--summary", "--workers", "1",
                      "--checkpoint", folder, "--resume")
    assert resumed.returncode in (0, 1), resumed.stderr  # once: 2, the other variant's file
    assert "INCOMPLETE" not in resumed.stdout


class _Boom:
    def __reduce__(self):
        return (os.system, ("touch PWNED",))


def test_a_crafted_checkpoint_is_refused_without_running_its_code(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    system = _twophase(3)
    plan = CheckpointPlan(tmp_path / "ck", 0, "same", name="twophase[base]")
    explore(system, Budget(max_states=100), checkpoint=plan)
    [file] = (tmp_path / "ck").glob("*.ckpt")
    file.write_bytes(pickle.dumps({"format": 1, "boom": _Boom()}))
    with pytest.raises(UsageError, match="not written by this user"):
        explore(system, checkpoint=CheckpointPlan(tmp_path / "ck", 0, "same", resume=True,
                                                  name="twophase[base]"))
    assert not (tmp_path / "PWNED").exists()


def test_a_checkpoint_altered_after_writing_is_refused(tmp_path):
    system = _twophase(3)
    plan = CheckpointPlan(tmp_path, 0, "same", name="t")
    explore(system, Budget(max_states=100), checkpoint=plan)
    [file] = tmp_path.glob("*.ckpt")
    data = bytearray(file.read_bytes())
    data[-5] ^= 1
    file.write_bytes(bytes(data))
    with pytest.raises(UsageError, match=r"not written by this user|altered"):
        explore(system, checkpoint=CheckpointPlan(tmp_path, 0, "same", resume=True, name="t"))


@pytest.mark.parametrize("every", ["nan", "inf", "-inf"])
def test_checkpoint_every_must_be_a_finite_number(tmp_path, every):
    proc = run_cli("check", MODEL, "--variant", "as_published", "--checkpoint",
                   str(tmp_path), "--checkpoint-every", every)
    assert proc.returncode == 2
    assert "--checkpoint-every" in proc.stderr and "Traceback" not in proc.stderr


def test_resume_without_a_checkpoint_says_it_starts_afresh(tmp_path):
    proc = run_cli("check", MODEL, "--variant", "setup_in_progress", "--no-cache", "--summary",
                   "--checkpoint", str(tmp_path / "empty"), "--resume")
    assert proc.returncode in (0, 1), proc.stderr
    assert "no checkpoint" in proc.stderr and "afresh" in proc.stderr, proc.stderr
