"""benchmarks/findings_round.py: the round's table of findings compares what two commits
declare; a commit compared with itself has every finding survived, and each kind of change
is named."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _module():
    spec = importlib.util.spec_from_file_location("findings_round",
                                                  ROOT / "benchmarks" / "findings_round.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["findings_round"] = module
    spec.loader.exec_module(module)
    return module


def test_a_commit_against_itself_survives_whole() -> None:
    fr = _module()
    findings = fr.findings_at("HEAD")
    assert sum(len(f) for f in findings.values()) > 0
    for model in findings.values():
        for f in model.values():
            assert fr.status(f, f) == "survived"


def test_each_kind_of_change_is_named() -> None:
    fr = _module()
    before = {"class": "choice", "prop": "p", "variants": ["a"], "fix": "x",
              "verdicts": {"a": "violated"}}
    assert fr.status(None, before) == "new"
    assert fr.status(before, None) == "vanished"
    after = {**before, "class": "gap", "verdicts": {"a": "holds"}}
    assert fr.status(before, after) == "changed: class, verdicts"
