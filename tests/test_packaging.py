"""`pip install .` (not editable) outside the repository checks a copied model folder whose
model imports a sibling module (issue 9). The install is real: a wheel built from a copy
of the sources, installed into a fresh venv. To stay offline and fast, the fresh venv
borrows the dependencies (click, hypothesis, ...) from the test venv through a .pth line;
mcfsm itself comes only from the wheel (checked below). Building the wheel fetches the
build backend (setuptools) as `pip install .` does, so like .ci/setup it needs the package
index (or pip's cache)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from .conftest import ROOT


@pytest.mark.slow
def test_pip_install_dot_checks_a_copied_model_folder(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "mcfsm", source / "mcfsm",
                    ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    fresh = tmp_path / "fresh"
    venv.create(fresh, with_pip=False)
    python = fresh / "bin" / "python"
    site = Path(subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True).stdout.strip())
    (site / "borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-deps",
         "--target", str(site), str(source)],
        capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stdout + install.stderr

    models = tmp_path / "elsewhere" / "my_models"
    shutil.copytree(ROOT / "models", models, ignore=shutil.ignore_patterns("__pycache__"))
    assert "from _mc import" in (models / "group_call_migration.py").read_text()
    where = subprocess.run([str(python), "-c", "import mcfsm; print(mcfsm.__file__)"],
                           cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(site)), where  # the installed copy, not the repository
    # one small variant: what is tested is the installed copy loading a model that imports
    # its sibling, not the search (every variant's verdicts are checked from the checkout)
    proc = subprocess.run([str(python), "-m", "mcfsm", "check", "my_models/group_call_migration.py",
                           "--variant", "make_before_break", "--expected"], cwd=models.parent,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "verdicts as the model declares them" in proc.stdout
