"""The CI contract under bad input (issue 9): for every case, no traceback, an exit code in
the contract (0/1/2/3), and an exit-2 message that names the file and, where there is one,
the role, transition or property.

Two sources of cases, both run in-process through click's CliRunner (no interpreter per
case, so the suite stays well under a minute):
- the fixed corpus tests/fuzz_corpus/cases/ (make_corpus.py writes it from the grammar of
  mistakes in grammar.py; each case states the exit codes it allows and the words its error
  must contain);
- hypothesis, drawing several mistakes at once from the same grammar, random edits of a
  valid trace file, and random budget option values.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .fuzz_corpus import grammar, runner

CASES = runner.load_cases()
# nested_given: `mcfsm simulate` runs hypothesis itself, inside these hypothesis tests.
# Derandomized in CI (the ci profile), so CI runs are repeatable; random elsewhere.
IN_CI = os.environ.get("MCFSM_PROFILE") == "ci" or bool(os.environ.get("CI"))
# MCFSM_FUZZ_EXAMPLES=400 fuzzes harder (the suite keeps to 40 per test, about 5 s).
FUZZ = settings(max_examples=int(os.environ.get("MCFSM_FUZZ_EXAMPLES", "40")), deadline=None,
                database=None, derandomize=IN_CI,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.nested_given])


def test_the_corpus_is_large_and_covers_every_outcome():
    assert len(CASES) >= 300
    expected = Counter(code for case in CASES for code in set(case["exits"]))
    # Every code of the contract but 130 (which needs a Ctrl-C; see test_contract.py) is
    # expected somewhere, so the corpus also checks that good input is not refused.
    assert all(expected[code] > 0 for code in (0, 1, 2, 3)), expected
    assert len({case["name"] for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_corpus_case(case: dict[str, Any], tmp_path: Path) -> None:
    outcome = runner.run_in(case, tmp_path)
    assert not outcome.problems, (outcome.problems, outcome.stdout[-2000:], outcome.stderr[-2000:])


def test_a_cache_case_uses_its_own_folder_whatever_the_callers_cache(tmp_path, monkeypatch):
    """The cache cases verify or corrupt `.mcfsm-cache` in their folder: a MCFSM_CACHE_DIR of
    the caller's (a developer's, or a test run pinning one cache) is not theirs to read."""
    elsewhere = tmp_path / "callers-cache"
    monkeypatch.setenv("MCFSM_CACHE_DIR", str(elsewhere))
    [case] = [c for c in CASES if c["name"] == "cache-verify-after-check"]
    folder = tmp_path / "case"
    folder.mkdir()
    outcome = runner.run_in(case, folder)
    assert not outcome.problems, outcome.problems
    assert list((folder / ".mcfsm-cache").glob("*.json")), "the case's own cache is empty"
    assert not elsewhere.exists()


# -- hypothesis: several mistakes at once ---------------------------------------------------------
MISTAKES = grammar.all_model_mistakes()
COMBINABLE = [m for m in MISTAKES if not m.alone]


@st.composite
def broken_models(draw: st.DrawFn) -> dict[str, str]:
    if draw(st.integers(0, 9)) == 0:
        return dict(draw(st.sampled_from(MISTAKES)).slots)
    chosen = draw(st.lists(st.sampled_from(COMBINABLE), min_size=1, max_size=3,
                           unique_by=lambda m: tuple(sorted(m.slots))))
    slots: dict[str, str] = {}
    for mistake in chosen:
        for slot, value in mistake.slots.items():
            slots.setdefault(slot, value)
    return slots


COMMANDS = {
    "check": ["check", grammar.MODEL_FILE, "--max-states", "3000"],
    "diff": ["diff", grammar.MODEL_FILE, "--variant", "v1", "--variant", "v2", "--max-states", "3000"],
    "diagram": ["diagram", grammar.MODEL_FILE, "--no-svg", "--out", "out", "--max-states", "3000"],
}
SIMULATE = ["simulate", grammar.MODEL_FILE, "--examples", "5", "--steps", "6", "--seed", "1",
            "--traces", "traces"]


@FUZZ
@given(slots=broken_models(), command=st.sampled_from([*sorted(COMMANDS), "simulate"]))
def test_several_mistakes_at_once_are_one_clear_error(slots: dict[str, str], command: str) -> None:
    # The exhaustive commands must reach every mistake (exit 2); random runs may miss a
    # mistake in code they never execute, but never crash.
    case = {"name": "hypothesis", "argv": COMMANDS.get(command, SIMULATE),
            "files": {grammar.MODEL_FILE: grammar.model_source(**slots)},
            "exits": [0, 1, 2, 3] if command == "simulate" else [2],
            "mentions": [grammar.MODEL_FILE]}
    outcome = runner.run_case(case)
    assert not outcome.problems, (slots, outcome.problems, outcome.stdout[-1500:],
                                  outcome.stderr[-1500:])


# -- hypothesis: random edits of a valid trace file -------------------------------------------------
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                 max_size=3),
    max_leaves=8)


def _valid_trace() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        case = {"name": "make-trace", "argv": ["check", grammar.MODEL_FILE, "--variant", "v1",
                                               "--traces", "tr"],
                "files": {grammar.MODEL_FILE: grammar.model_source()}, "exits": [0]}
        outcome = runner.run_in(case, Path(tmp))
        assert not outcome.problems, outcome.problems
        return json.loads((Path(tmp) / "tr" / "fuzz_model.v1.two.trace.json").read_text())


VALID_TRACE = _valid_trace()


@st.composite
def edited_traces(draw: st.DrawFn) -> Any:
    record = json.loads(json.dumps(VALID_TRACE))
    for _ in range(draw(st.integers(1, 3))):
        node = record
        # Walk down a random path of the record, then replace what is there.
        while isinstance(node, dict | list) and node and draw(st.booleans()):
            key = draw(st.sampled_from(sorted(node) if isinstance(node, dict)
                                       else list(range(len(node)))))
            if not isinstance(node[key], dict | list) or not node[key]:
                node[key] = draw(JSON_VALUES)
                break
            node = node[key]
        else:
            if isinstance(node, dict):
                node[draw(st.sampled_from(sorted(node) + ["extra"]))] = draw(JSON_VALUES)
            elif isinstance(node, list):
                node.append(draw(JSON_VALUES))
    return record


@FUZZ
@given(record=edited_traces(), command=st.sampled_from(["replay", "export"]))
def test_edited_trace_files_never_crash(record: Any, command: str) -> None:
    case = {"name": "hypothesis-trace", "argv": [command, "t.trace.json"],
            "files": {grammar.MODEL_FILE: grammar.model_source(),
                      "t.trace.json": json.dumps(record)},
            "exits": [0, 1, 2], "mentions": []}
    outcome = runner.run_case(case)
    assert not outcome.problems, (outcome.problems, outcome.stderr[-1500:])
    if outcome.exit_code == 2:  # names the trace file, or the model file it points to
        assert any(name in outcome.stderr for name in ("t.trace.json", grammar.MODEL_FILE,
                                                       str(record.get("file")))), outcome.stderr


# -- hypothesis: budget option values -------------------------------------------------------------
@FUZZ
@given(option=st.sampled_from(["--max-states", "--max-depth", "--time-limit"]),
       value=st.one_of(st.text(max_size=12), st.floats().map(repr), st.integers().map(str)),
       command=st.sampled_from(sorted(COMMANDS)))
def test_budget_values_are_validated(option: str, value: str, command: str) -> None:
    case = {"name": "hypothesis-budget", "argv": [*COMMANDS[command][:-2], option, value],
            "files": {grammar.MODEL_FILE: grammar.model_source()}, "exits": [0, 2, 3],
            "mentions": []}
    outcome = runner.run_case(case)
    assert not outcome.problems, (outcome.problems, outcome.stderr[-1500:])
    try:
        number = float(value) if option == "--time-limit" else int(value)
    except ValueError:
        number = None
    good = number is not None and math.isfinite(number) and number > 0
    assert (outcome.exit_code != 2) == good, (value, outcome.exit_code, outcome.stderr)
    if not good:
        assert option in outcome.stderr
