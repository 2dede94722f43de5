"""The result cache never answers for the wrong model or a stale file (issue 17): each test
reproduces one way an entry used to outlive what it depended on."""

from __future__ import annotations

import importlib.util
import json
import os
import py_compile
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mcfsm.check.cache import explore_cached
from mcfsm.cli import main
from mcfsm.lang.loader import load_path

# A tiny model whose verdict on "never-4" depends on LIMIT (the big jug's size): with 5
# the jug reaches 4 (violated), with 3 it cannot (holds).
JUGS = '''
from mcfsm import Instance, Model, Role, System, Transition, Var, always
{imports}

def fill(ctx):
    ctx.v.big = {limit}

def pour(ctx):
    ctx.v.big = max(ctx.v.big - 1, 0)

JUGS = Role("jug", states=["on"], initial="on", variables={{"big": Var(int, 0)}},
            transitions=[Transition("Fill", "on", None, clause="t 1", after=[fill]),
                         Transition("Pour", "on", None, clause="t 2", after=[pour])])

{models}
'''

ONE_MODEL = '''
model = Model("jug", source="test")

@model.variant("base")
def base():
    return System("jug", instances=[Instance("jug", JUGS)],
                  properties=[always("never-4", lambda v: v["jug"].big != 4, clause="t 3")])
'''


def write_model(path: Path, limit: str = "5", imports: str = "", models: str = ONE_MODEL) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(JUGS.format(imports=imports, limit=limit, models=models))
    return path


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("MCFSM_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("MCFSM_NO_CACHE", raising=False)
    return tmp_path / "cache"


def run(path: Path, variant: str = "base", model: str | None = None):
    loaded = load_path(path)
    lm = next(m for m in loaded if model is None or m.model.name == model)
    return explore_cached(lm.model.system(variant), loaded=lm, variant=variant)


def verdict(result, prop: str = "never-4") -> str:
    return next(v.status for v in result.verdicts if v.property.name == prop)


def cli(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.stdout, r.stderr


def test_two_models_in_one_file_with_the_same_variant_name_have_their_own_entries(cache, tmp_path):
    two = ONE_MODEL + '''
published = Model("jug_published", source="test")

@published.variant("base")
def published_base():
    return System("jug", instances=[Instance("jug", JUGS)],
                  properties=[always("never-4", lambda v: v["jug"].big != 7, clause="t 3")])
'''
    model = write_model(tmp_path / "two.py", models=two)
    cold = cli("check", str(model), "--workers", "1")
    fresh = cli("check", str(model), "--no-cache", "--workers", "1")
    warm = cli("check", str(model), "--workers", "2")
    assert cold[0] == fresh[0] == warm[0] == 1  # jug violates never-4; jug_published holds
    assert verdict(run(model, model="jug")) == "violated"
    assert verdict(run(model, model="jug_published")) == "holds"


def test_an_edit_while_checking_is_not_stored_under_either_content(cache, tmp_path):
    model = write_model(tmp_path / "jug.py", limit="5")
    lm = load_path(model)[0]
    write_model(model, limit="3")  # edited after it was loaded, before the result is stored
    old = explore_cached(lm.model.system("base"), loaded=lm, variant="base")
    assert verdict(old) == "violated" and not list(cache.glob("*.json"))
    new = run(model)
    assert verdict(new) == "holds" and not new.cached


def test_a_symlinked_model_is_keyed_on_the_siblings_it_imports(cache, tmp_path):
    real = write_model(tmp_path / "real" / "jug.py", limit="_side.LIMIT", imports="import _side")
    (tmp_path / "real" / "_side.py").write_text("LIMIT = 3\n")
    link = tmp_path / "link" / "jug.py"
    link.parent.mkdir()
    link.symlink_to(real)
    (tmp_path / "link" / "_side.py").write_text("LIMIT = 5\n")  # the one a link imports
    assert verdict(run(link)) == "violated"
    (tmp_path / "link" / "_side.py").write_text("LIMIT = 3\n")
    again = run(link)
    assert verdict(again) == "holds" and not again.cached


def test_namespace_package_helpers_are_kept_per_model_folder(cache, tmp_path):
    for folder, limit in (("v1", "5"), ("v2", "3")):
        write_model(tmp_path / folder / "jug.py", limit="limits.LIMIT",
                    imports="from helpers import limits")
        (tmp_path / folder / "helpers").mkdir()  # no __init__.py: a namespace package
        (tmp_path / folder / "helpers" / "limits.py").write_text(f"LIMIT = {limit}\n")
    assert verdict(run(tmp_path / "v1" / "jug.py")) == "violated"
    assert verdict(run(tmp_path / "v2" / "jug.py")) == "holds"
    (tmp_path / "v2" / "helpers" / "limits.py").write_text("LIMIT = 5\n")
    assert verdict(run(tmp_path / "v2" / "jug.py")) == "violated"


def test_a_module_imported_from_outside_the_folder_is_in_the_key(cache, tmp_path, monkeypatch):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "jug_limits_outside.py").write_text("LIMIT = 5\n")
    monkeypatch.syspath_prepend(str(tmp_path / "lib"))
    model = write_model(tmp_path / "models" / "jug.py", limit="jug_limits_outside.LIMIT",
                        imports="import jug_limits_outside")
    try:
        assert verdict(run(model)) == "violated"
        assert run(model).cached
        (tmp_path / "lib" / "jug_limits_outside.py").write_text("LIMIT = 3\n")
        import sys
        del sys.modules["jug_limits_outside"]  # a new process would import the new file
        assert verdict(run(model)) == "holds"
    finally:
        import sys
        sys.modules.pop("jug_limits_outside", None)


def test_a_data_file_read_by_a_guard_during_the_search_is_checked(cache, tmp_path):
    model = write_model(tmp_path / "jug.py",
                        limit="int((Path(__file__).parent / 'limit.txt').read_text())",
                        imports="from pathlib import Path")
    (tmp_path / "limit.txt").write_text("5")
    assert verdict(run(model)) == "violated"
    assert run(model).cached
    (tmp_path / "limit.txt").write_text("3")
    again = run(model)
    assert verdict(again) == "holds" and not again.cached


def test_undeclared_environment_reads_are_never_cached_and_declared_ones_are_checked(
        cache, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("JUG_LIMIT", "5")
    model = write_model(tmp_path / "jug.py", limit="int(os.environ['JUG_LIMIT'])",
                        imports="import os")
    assert verdict(run(model)) == "violated"
    assert not run(model).cached
    err = capsys.readouterr().err
    assert err.count("mcfsm: cache:") == 1 and "reads_env=('JUG_LIMIT',)" in err  # said once
    declared = write_model(tmp_path / "declared" / "jug.py", limit="int(os.environ['JUG_LIMIT'])",
                           imports="import os",
                           models=ONE_MODEL.replace('source="test"',
                                                    'source="test", reads_env=("JUG_LIMIT",)'))
    assert verdict(run(declared)) == "violated"
    assert run(declared).cached
    monkeypatch.setenv("JUG_LIMIT", "3")
    again = run(declared)
    assert verdict(again) == "holds" and not again.cached


def test_an_undeclared_file_outside_the_folder_is_never_cached(cache, tmp_path, capsys):
    (tmp_path / "limit.txt").write_text("5")
    model = write_model(tmp_path / "models" / "jug.py",
                        limit="int((Path(__file__).parent.parent / 'limit.txt').read_text())",
                        imports="from pathlib import Path")
    assert verdict(run(model)) == "violated"
    assert not run(model).cached
    assert "reads_files=('../limit.txt',)" in capsys.readouterr().err


def test_a_corrupt_entry_is_explored_afresh(cache, tmp_path):
    model = write_model(tmp_path / "jug.py")
    assert cli("check", str(model))[0] == 1
    for entry in cache.glob("*.json"):
        entry.write_text('{"format": 4, "reads": {"modules": {}, "files": {}, "env": {}}, ')
    code, out, err = cli("check", str(model))
    assert code == 1 and "VIOLATED" in out and "internal error" not in err
    for entry in cache.glob("*.json"):
        entry.write_bytes(b"\xff\xfe not json")
    assert cli("check", str(model))[0] == 1


def test_cache_verify_finds_a_tampered_entry(cache, tmp_path):
    model = write_model(tmp_path / "jug.py")
    assert cli("check", str(model))[0] == 1
    code, out, _ = cli("cache", "verify")
    assert code == 0 and "1 equal to a fresh run, 0 different" in out
    (entry,) = cache.glob("*.json")
    data = json.loads(entry.read_text())
    data["distinct"] += 1
    entry.write_text(json.dumps(data))
    code, out, _ = cli("cache", "verify")
    assert code == 1 and "DIFFERENT" in out and "distinct" in out
    write_model(model, limit="3")  # the entry is now stale: not used, so not a difference
    code, out, _ = cli("cache", "verify")
    assert code == 0 and "1 stale" in out


def test_cache_verify_passes_on_a_bundled_model(cache):
    root = Path(__file__).resolve().parent.parent
    model = str(root / "models" / "group_call_migration.py")
    assert cli("check", model, "--variant", "make_before_break", "--workers", "1")[0] in (0, 1)
    code, out, _ = cli("cache", "verify")
    assert code == 0 and "0 different" in out and " same " in out, out


def test_the_pytest_plugin_keeps_two_models_apart(tmp_path, monkeypatch):
    import subprocess
    import sys
    two = ONE_MODEL + '''
published = Model("jug_published", source="test")

@published.variant("base")
def published_base():
    return System("jug", instances=[Instance("jug", JUGS)],
                  properties=[always("never-4", lambda v: v["jug"].big != 7, clause="t 3")])
'''
    write_model(tmp_path / "models" / "two.py", models=two)
    env = {**os.environ, "MCFSM_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("MCFSM_NO_CACHE", None)
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(tmp_path / "models" / "two.py"), "-k", "never"],
                          capture_output=True, text=True, env=env, cwd=tmp_path)
    # jug's never-4 is violated though declared to hold (a failure); jug_published's holds
    assert "1 failed, 1 passed" in proc.stdout, proc.stdout + proc.stderr


def _stale_bytecode_beside(source: Path) -> None:
    """Compile `source` into its __pycache__ as Python's import would, stamped with the
    source's mtime and size (as an import does whether or not this process writes
    bytecode)."""
    py_compile.compile(str(source), cfile=importlib.util.cache_from_source(str(source)),
                       invalidation_mode=py_compile.PycInvalidationMode.TIMESTAMP,
                       doraise=True)


@pytest.mark.parametrize("writes", [True, False], ids=["bytecode written", "not written"])
@pytest.mark.parametrize("where", ["model file", "sibling", "folder on sys.path"])
def test_an_edit_in_the_same_second_with_the_same_size_runs_the_new_code(cache, tmp_path,
                                                                          monkeypatch, where,
                                                                          writes):
    """Python trusts a .pyc on its source's mtime in whole seconds and its size: an edit that
    keeps both (LIMIT 5 -> 3 within a second) ran the old code under the new source's
    digest, and the cache stored the old verdict as the new file's (seen with bytecode
    written, as on a user's machine: 4 of these tests failed). mcfsm compiles a model's own
    code from the source it reads (its cache a .pyc keyed on the source's hash, checked
    after the edit here when this process writes bytecode)."""
    monkeypatch.setattr(sys, "dont_write_bytecode", not writes)
    if where == "model file":
        edited = write_model(tmp_path / "jug.py", limit="5")
        model = edited
    else:
        lib = tmp_path / ("models" if where == "sibling" else "lib")
        name = "_side" if where == "sibling" else "jug_limits_same_second"
        edited = lib / f"{name}.py"
        lib.mkdir()
        edited.write_text("LIMIT = 5\n")
        if where != "sibling":
            monkeypatch.syspath_prepend(str(lib))
            monkeypatch.delitem(sys.modules, name, raising=False)  # another case's
        model = write_model(tmp_path / "models" / "jug.py", limit=f"{name}.LIMIT",
                            imports=f"import {name}")
    stamp = edited.stat().st_mtime_ns
    _stale_bytecode_beside(edited)
    assert verdict(run(model)) == "violated"
    edited.write_text(edited.read_text().replace("5", "3"))  # the same size
    os.utime(edited, ns=(stamp, stamp))  # and the same mtime: the .pyc still looks current
    # a new process would import it anew
    monkeypatch.delitem(sys.modules, "jug_limits_same_second", raising=False)
    again = run(model)
    assert verdict(again) == "holds" and not again.cached


def test_cached_code_names_the_path_it_is_loaded_from(tmp_path, monkeypatch):
    """The model's bytecode, cached by a load through `models/jug.py` (a run in the folder
    above), read by a load through the absolute path: its functions name the file as this
    load found it, as Python's own loader renames cached code (a test reading co_filename
    found nothing of models/ after README's first command had run)."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    model = write_model(tmp_path / "models" / "jug.py")
    monkeypatch.chdir(tmp_path)
    load_path(Path("models") / "jug.py")
    assert Path(importlib.util.cache_from_source(str(model))).is_file()
    (lm,) = load_path(model)
    fill = next(t for t in lm.model.system("base").instances[0].role.transitions
                if t.name == "Fill").after[0]
    assert fill.__code__.co_filename == str(model)
