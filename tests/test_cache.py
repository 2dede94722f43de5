"""The result cache: a warm run gives the same result as a cold one (traces rebuilt by
replay), any change to the model file or a module beside it explores again, and
--no-cache bypasses it."""

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from mcfsm.check.cache import explore_cached
from mcfsm.cli import main
from mcfsm.lang.loader import load_path

VALIDATION = Path(__file__).parent / "validation"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("MCFSM_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("MCFSM_NO_CACHE", raising=False)
    return tmp_path / "cache"


def run(path: Path, variant: str, **kw):
    lm = load_path(path)[0]
    return explore_cached(lm.model.system(variant), loaded=lm, variant=variant, **kw)


def same(a, b) -> None:
    assert (a.distinct_states, a.total_states, a.depth, a.complete, a.coverage) == \
        (b.distinct_states, b.total_states, b.depth, b.complete, b.coverage)
    for va, vb in zip(a.verdicts, b.verdicts):
        assert va.property.name == vb.property.name and va.status == vb.status
        assert (va.trace is None) == (vb.trace is None)
        if va.trace is not None:
            assert va.trace.states == vb.trace.states and va.trace.steps == vb.trace.steps
            assert va.trace.note == vb.trace.note


@pytest.mark.parametrize("name,variant", [("diehard", "jugs_3_5"), ("twophase", "rm3"),
                                          ("peterson", "two_processes")])
def test_warm_result_equals_cold(cache, tmp_path, name, variant):
    model = tmp_path / f"{name}.py"
    shutil.copy(VALIDATION / f"{name}.py", model)
    cold = run(model, variant)
    assert not cold.cached and list(cache.glob("*.json"))
    warm = run(model, variant)
    assert warm.cached
    same(cold, warm)


def test_a_changed_model_or_sibling_module_explores_again(cache, tmp_path):
    model = tmp_path / "diehard.py"
    model.write_text((VALIDATION / "diehard.py").read_text() + "\nimport _helper  # noqa: E402\n")
    (tmp_path / "_helper.py").write_text("LIMIT = 1\n")
    assert not run(model, "jugs_3_5").cached
    assert run(model, "jugs_3_5").cached
    model.write_text(model.read_text() + "\n# an edit\n")
    assert not run(model, "jugs_3_5").cached
    assert run(model, "jugs_3_5").cached
    (tmp_path / "_helper.py").write_text("LIMIT = 2\n")
    assert not run(model, "jugs_3_5").cached
    assert run(model, "jugs_3_5").cached


def test_budget_and_no_cache_are_part_of_the_decision(cache, tmp_path):
    from mcfsm import Budget
    model = tmp_path / "diehard.py"
    shutil.copy(VALIDATION / "diehard.py", model)
    full = run(model, "jugs_3_5")
    cut = run(model, "jugs_3_5", budget=Budget(max_states=3))
    assert not cut.cached and not cut.complete and full.complete
    assert not run(model, "jugs_3_5", cache=False).cached


def test_cli_no_cache(cache, tmp_path):
    model = tmp_path / "diehard.py"
    shutil.copy(VALIDATION / "diehard.py", model)
    runner = CliRunner()
    first = runner.invoke(main, ["check", str(model), "--json"])
    again = runner.invoke(main, ["check", str(model), "--json"])
    fresh = runner.invoke(main, ["check", str(model), "--json", "--no-cache"])
    assert first.exit_code == again.exit_code == fresh.exit_code == 1  # NotSolved is violated
    strip = [line for line in first.output.splitlines() if "elapsed" not in line]
    assert strip == [line for line in again.output.splitlines() if "elapsed" not in line]
    assert strip == [line for line in fresh.output.splitlines() if "elapsed" not in line]


def test_a_stop_request_does_not_change_the_key(cache, tmp_path):
    from mcfsm import Budget
    model = tmp_path / "diehard.py"
    shutil.copy(VALIDATION / "diehard.py", model)
    assert not run(model, "jugs_3_5", budget=Budget(stop=lambda: False)).cached
    assert run(model, "jugs_3_5", budget=Budget(stop=lambda: False)).cached


def test_the_key_does_not_depend_on_the_hash_seed(tmp_path):
    import subprocess
    import sys
    stop_on = "frozenset({'NotSolved', 'no-deadlock', 'x', 'y'})"
    code = "; ".join([
        "import sys", f"sys.path.insert(0, {str(VALIDATION)!r})",
        "from mcfsm import Budget", "from mcfsm.check.cache import _key",
        "from mcfsm.lang.loader import load_path",
        f"lm = load_path({str(VALIDATION / 'diehard.py')!r})[0]",
        f"print(_key(lm, lm.model.system('jugs_3_5'), 'jugs_3_5', Budget(stop_on={stop_on}), {{}}))",
    ])
    keys = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env={"PYTHONHASHSEED": seed, "PATH": ""}, check=True).stdout
            for seed in ("1", "2", "3")}
    assert len(keys) == 1


def test_processes_that_want_the_same_entry_search_once(cache, tmp_path):
    """Two processes (pytest-xdist workers, two `mcfsm check` runs) exploring the same
    variant at once: one searches and stores, the other waits for it and reads its entry.
    Each search is logged by a wrapper that also sleeps, so that the two overlap; without
    the lock both would search."""
    import multiprocessing
    import os
    import time

    import mcfsm.check.cache as cache_module

    log = tmp_path / "searches.log"
    search = cache_module.explore_by_choice

    def logged(*args, **kwargs):
        with open(log, "a") as f:
            f.write(f"{os.getpid()}\n")
        time.sleep(1.0)
        return search(*args, **kwargs)

    def child(queue):
        cache_module.explore_by_choice = logged
        result = run(VALIDATION / "diehard.py", "jugs_3_5")
        queue.put((result.distinct_states, [v.status for v in result.verdicts]))

    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [context.Process(target=child, args=(queue,)) for _ in range(2)]
    for w in workers:
        w.start()
    results = [queue.get(timeout=60) for _ in workers]
    for w in workers:
        w.join(timeout=60)
    assert results[0] == results[1]
    assert len(log.read_text().split()) == 1, "both processes searched"
