"""Shared helpers: run the real `mcfsm` command and load model files."""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


# The spec text, where the models' clause list (or MCFSM_SPEC) finds it: None on a clone
# with nothing beside it. The tests that compare with the text itself need it and skip
# without it, saying why; CI sets MCFSM_REQUIRE_SPEC=1, which turns that skip into a
# failure of the whole run (pytest_configure below): CI has the text and must use it.
def _spec_text() -> Path | None:
    from mcfsm.spec.where import text_folder

    return text_folder(ROOT / "models" / "clauses.txt")


SPEC_TEXT = _spec_text()
needs_spec_text = pytest.mark.skipif(
    SPEC_TEXT is None, reason="compares with the spec text itself, which is not reachable "
    "(models/clauses.txt names ../../shared/spec/; give MCFSM_SPEC=DIR)")


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("MCFSM_REQUIRE_SPEC") == "1" and SPEC_TEXT is None:
        raise pytest.UsageError("MCFSM_REQUIRE_SPEC=1 but the spec text is not reachable "
                                "(models/clauses.txt's folder, or MCFSM_SPEC): the tests that "
                                "compare with the text would skip")


# Tests of a minute or more of wall time (a chain of processes each, or a Ray cluster's
# start), in groups that must share a worker: run first, so that pytest-xdist's workers
# share out the short ones after them and no worker is left running one of these alone at
# the end of a step. Only the order changes. test_package.py's three tests share the built
# sdist and wheel; the readers of the session's `contribution --all` go with its first
# (another worker would wait for it on the fixture's lock).
LONG_FIRST: tuple[tuple[str, ...], ...] = (
    ("tests/test_package.py::",),
    ("tests/test_ray.py::",),  # they take turns (ray_alone): on one worker, none waits
    ("tests/test_expectations_agree.py::test_every_judge_agrees_on_every_bundled_variant",),
    ("tests/test_contribution_words.py::",
     "tests/test_contribution.py::test_the_cr_carries_the_change_as_word_revision_marks",
     "tests/test_contribution.py::test_the_cr_cover_page_is_filled_and_the_change_is_framed",
     "tests/test_contribution.py::test_the_paper_has_a_tdoc_shape_and_the_text_s_vocabulary",
     "tests/test_contribution.py::test_libreoffice_converts_both_documents_to_pdf",
     "tests/test_contribution.py::test_both_documents_are_a4_with_the_tdoc_number_inside_the_"),
    ("tests/test_validation.py::test_coffeecan_1000_beans",),
    ("tests/test_diagrams.py::test_committed_diagrams_are_current",),
    ("tests/test_sim_lassos.py::test_simulate_finds_the_bundled_models_violated_wait",),
    ("tests/test_simulation.py::test_every_property_is_searched_for_in_one_simulation",),
    ("tests/test_simulation.py::test_a_breadth_first_pass_cut_by_its_bound",),
)
_PREFIXES = [(group, prefix) for group, prefixes in enumerate(LONG_FIRST) for prefix in prefixes]
UNRECORDED = 30.0  # seconds: a LONG_FIRST group none of whose tests the durations file knows


# After them, the other tests of ten seconds or more in a recorded run, longest first
# (tests/data/durations.json, written by `python -m tests.durations` from `--durations=0`
# output): a long test met late in a worker's queue is the tail of a step, the other worker
# idle while it runs. A test the file does not know keeps its place, and so does a test
# that uses a module- or class-scoped fixture: taken away from its module's other tests,
# it would build the fixture again (seen: test_findings_pages's `docs`, built three times).
_DURATIONS_FILE = ROOT / "tests" / "data" / "durations.json"
DURATIONS: dict[str, float] = (json.loads(_DURATIONS_FILE.read_text())
                               if _DURATIONS_FILE.exists() else {})


def _shares_a_narrow_fixture(item: pytest.Item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    return info is not None and any(
        d.scope in ("module", "class", "package")
        for defs in info.name2fixturedefs.values() for d in defs)


def _long_unit(item: pytest.Item) -> tuple[str, int] | None:
    """The unit a long test is dealt out in: its LONG_FIRST group, or itself when the
    durations file records it (and it shares no narrow fixture); None for the rest."""
    group = next((g for g, prefix in _PREFIXES if item.nodeid.startswith(prefix)), None)
    if group is not None:
        return "group", group
    if DURATIONS.get(item.nodeid) and not _shares_a_narrow_fixture(item):
        return item.nodeid, 0
    return None


def _chunk_sizes(n: int, workers: int) -> list[int]:
    """How pytest-xdist's worksteal scheduler first shares n tests out: each idle worker in
    turn takes the pending tests divided by the workers left (xdist/scheduler/worksteal.py,
    check_schedule); later it steals from the tail of the longest queue."""
    sizes = []
    for i in range(workers):
        sizes.append(n // (workers - i))
        n -= sizes[-1]
    return sizes


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hook: without xdist, never called
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: a worker more than the cores this process may run on. A tenth of the
    quick step's test time and a third of the slow step's is spent waiting (a browser
    drawing a page, a subprocess's time limit, a Ray cluster starting), when a worker
    beside them finds a core idle: README's test command took 479 s on three workers
    against 506 s on two (a fresh clone, 2 cores)."""
    return len(os.sched_getaffinity(0)) + 1


@pytest.hookimpl(trylast=True)  # after -m and -k deselect: the chunks are of what runs
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The long units first, dealt out longest first to the worker whose share of them is
    the shortest so far, each at the head of the chunk of tests that worker first receives
    (worksteal gives each a contiguous chunk: the long tests all at the head of the list
    went to one worker, which ran them one after another while the others stole its short
    ones); then the other tests in their order. Every worker computes the same order (the
    chunks follow from the number of tests and workers alone)."""
    units: dict[tuple[str, int], list[pytest.Item]] = {}
    rest = []
    for item in items:
        unit = _long_unit(item)
        if unit is None:
            rest.append(item)
        else:
            units.setdefault(unit, []).append(item)

    def weight(unit: list[pytest.Item]) -> float:
        return sum(DURATIONS.get(i.nodeid, 0.0) for i in unit) or UNRECORDED
    ranked = sorted(units.values(), key=lambda unit: (-weight(unit), unit[0].nodeid))
    workers = int(getattr(config, "workerinput", {}).get("workercount", 1))
    if workers <= 1:  # (a worker's own options say dist "no": CI's steps use worksteal)
        items[:] = [i for unit in ranked for i in unit] + rest
        return
    heads: list[list[pytest.Item]] = [[] for _ in range(workers)]
    loads = [0.0] * workers
    for unit in ranked:  # longest processing time first, onto the least loaded worker
        k = loads.index(min(loads))
        heads[k].extend(unit)
        loads[k] += weight(unit)
    order: list[pytest.Item] = []
    rest_iter = iter(rest)
    for head, size in zip(heads, _chunk_sizes(len(items), workers), strict=True):
        order.extend(head)
        order.extend(itertools.islice(rest_iter, max(0, size - len(head))))
    order.extend(rest_iter)
    items[:] = order


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run the installed `mcfsm` console script, as a user would."""
    env = dict(os.environ)
    env.pop("MCFSM_DEBUG", None)
    # the mcfsm of this checkout, even when the console script is another checkout's
    # editable install (a git worktree beside the main one)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    script = Path(sys.executable).parent / "mcfsm"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "mcfsm.cli"]
    return subprocess.run([*command, *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def check_json(path: str, *extra: str) -> list[dict[str, Any]]:
    proc = run_cli("check", path, "--json", *extra)
    assert proc.returncode in (0, 1, 3), proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture
def cli():
    return run_cli


@contextlib.contextmanager
def _session_wide(factory: pytest.TempPathFactory, name: str) -> Iterator[tuple[Path, bool]]:
    """(a folder of this test run shared by every pytest-xdist worker, whether it is already
    filled), held under a lock so that one worker fills it while the others wait: a session
    fixture alone is per worker, and two workers would each redo the work."""
    base = factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = root / name
    with open(root / f"{name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        done = folder / ".done"
        yield folder, done.exists()
        done.touch()


@pytest.fixture(scope="session")
def group_call_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real `mcfsm report models/group_call_migration.py` per test run, read by the HTML
    report's test and the browser's: both checked the same command's pages, each from its own
    run (its explorations come from the result cache; the pages cost seconds of CPU each)."""
    with _session_wide(tmp_path_factory, "group_call_report") as (out, done):
        if not done:
            proc = run_cli("report", "models/group_call_migration.py", "--out", str(out))
            assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="session")
def models_check(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, list[dict[str, Any]]]:
    """(exit status, JSON records) of one real `mcfsm check models/ --expected --json` per
    test run, read by tests/test_models.py and tests/test_expectations_agree.py (each ran
    the same command before; its searches come from the result cache)."""
    with _session_wide(tmp_path_factory, "models_check") as (out, done):
        if not done:
            out.mkdir(parents=True, exist_ok=True)
            proc = run_cli("check", "models/", "--expected", "--json")
            assert proc.returncode in (0, 1), proc.stderr
            (out / "status").write_text(str(proc.returncode))
            (out / "records.json").write_text(proc.stdout)
        return int((out / "status").read_text()), json.loads((out / "records.json").read_text())


@pytest.fixture(scope="session")
def contributions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of one real `mcfsm contribution --all --author "A. Delegate (Co)"` per test
    run (CI's slow step), read by tests/test_contribution_words.py (every document linted,
    the index) and tests/test_contribution.py (two findings' CR and paper read back, and
    converted by LibreOffice), which ran `contribution FINDING` for those two beside it
    (a document costs seconds of CPU; the searches come from the result cache)."""
    with _session_wide(tmp_path_factory, "contributions") as (out, done):
        if not done:
            proc = run_cli("contribution", "--all", "--out", str(out / "docs"), "--author",
                           "A. Delegate (Co)")
            assert proc.returncode == 0, proc.stderr
        return out / "docs"


def _git_status(*paths: str) -> str:
    return subprocess.run(["git", "status", "--porcelain", *paths], cwd=ROOT,
                          capture_output=True, text=True).stdout


@pytest.fixture(scope="session")
def models_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """(the folder, `git status` of models/ and diagrams/ before and after) of one real
    `mcfsm report models/` per test run with no spec text reachable (MCFSM_SPEC=off), as
    README's first command runs it on a clone with nothing beside it: read by
    tests/test_diagrams.py (it runs and leaves the checkout clean) and tests/test_html_layout.py
    (every page fits a window), which each ran it before (each variant's search from the
    result cache when it has it: a minute or two of CPU without)."""
    with _session_wide(tmp_path_factory, "models_report") as (out, done):
        if not done:
            before = _git_status("models", "diagrams")
            with pytest.MonkeyPatch.context() as mp:
                mp.setenv("MCFSM_SPEC", "off")
                proc = run_cli("report", "models/", "--out", str(out / "html"))
            assert proc.returncode == 0, proc.stderr
            (out / "before").write_text(before)
            (out / "after").write_text(_git_status("models", "diagrams"))
        return out / "html", (out / "before").read_text(), (out / "after").read_text()


@pytest.fixture(autouse=True)
def _initial_states_budget_reset() -> Iterator[None]:
    """A command run in this process (click's CliRunner) sets the budget for enumerating
    initial_states= (commands/common.py's budget()); it would outlive that test and cut a
    later one's initial states (coffeecan's, at --max-states 100) in the same worker."""
    yield
    from mcfsm.lang.initial_states import limit_initial_states

    limit_initial_states(None, None)


@pytest.fixture
def ray_alone():
    """Tests that run Ray take turns, across xdist workers: the cluster test ends with `ray
    stop`, which ends every Ray process on the machine, another worker's `--ray local` run
    included (seen in CI: its actors died mid-run). An exclusive lock on a file in the
    temporary folder, held for the whole test (its cluster's start and stop included)."""
    import tempfile

    with open(Path(tempfile.gettempdir()) / "mcfsm-tests-ray.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@pytest.fixture(params=["compiled", "pure"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test once on the compiled engine core and once on its pure-Python twin
    (MCFSM_PURE); a module that needs other choices defines its own."""
    if request.param == "pure":
        monkeypatch.setenv("MCFSM_PURE", "1")
    else:
        monkeypatch.delenv("MCFSM_PURE", raising=False)
    return request.param
