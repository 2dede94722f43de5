"""mcfsm is an installable package, kept so (issue 72 item 4): `python -m build` makes an
sdist and a wheel; the wheel, installed into a fresh virtual environment outside the
repository, checks a model of its own in another folder (`mcfsm init`, then `check`,
`diagram`, `report`); and the sdist, built where no C compiler runs, installs the
pure-Python engine core and says so in every result."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from .conftest import ROOT, _session_wide

pytestmark = pytest.mark.slow


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None,
         timeout: int = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=env)


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment without this checkout on PYTHONPATH (the installed package alone)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "MCFSM_SPEC", "MCFSM_PURE")}
    env.update(extra)
    return env


# uv where .ci/setup installed it (as the build's isolated environments are made): a
# fresh environment without pip, and the package with its dependencies installed into it,
# in 2 s of CPU against pip's 9 (ensurepip, then pip's resolver); the wheel and the sdist
# are the same files either way, and tests/test_packaging.py installs with pip
UV = Path(sys.executable).parent / "uv"


def _venv(where: Path) -> Path:
    venv.create(where, with_pip=not UV.exists(), clear=True)
    return where / "bin"


def _install(bin_dir: Path, target: Path, tmp: Path, env: dict[str, str]) -> None:
    if UV.exists():
        proc = _run(UV, "pip", "install", "-q", "--python", bin_dir / "python", target,
                    cwd=tmp, env=env)
    else:
        proc = _run(bin_dir / "python", "-m", "pip", "install", "-q",
                    "--disable-pip-version-check", target, cwd=tmp, env=env)
    if proc.returncode != 0 and ("Could not find a version" in proc.stderr
                                 or "No matching distribution" in proc.stderr):
        pytest.skip(f"no package index for mcfsm's dependencies: {proc.stderr[-300:]}")
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One `python -m build` per test run (half a minute of CPU, the C core compiled),
    shared by the workers whichever of them runs this module's tests."""
    with _session_wide(tmp_path_factory, "dist") as (out, done):
        if not done:
            # build's own isolated environments made by uv where .ci/setup installed it
            # (build's --installer option): 5 s of CPU less than by pip, the same 152 files
            uv = ["--installer", "uv"] if UV.exists() else []
            proc = _run(sys.executable, "-m", "build", *uv, "--outdir", out, ROOT, cwd=ROOT,
                        env=_clean_env())
            assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return out


def test_build_makes_an_sdist_with_the_core_source_and_a_wheel(dist):
    sdist = next(dist.glob("mcfsm-*.tar.gz"))
    wheel = next(dist.glob("mcfsm-*.whl"))
    listing = _run("tar", "tzf", sdist, cwd=dist).stdout
    assert "mcfsm/check/kernel/_core.pyx" in listing and "/LICENSE" in listing
    assert "mcfsm/show/templates/base.html" in listing
    import zipfile
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.startswith("mcfsm/show/templates/") for n in names)
    assert any(n.startswith("mcfsm/check/kernel/_core") and n.endswith(".so") for n in names) \
        or shutil.which("cc") is None  # compiled where a compiler is
    metadata = zipfile.ZipFile(wheel).read(
        next(n for n in names if n.endswith("METADATA"))).decode()
    for field in ("License-Expression: Apache-2.0", "Project-URL: Homepage",
                  "Classifier: Programming Language :: Python :: 3.11", "Requires-Python"):
        assert field in metadata, field


def test_the_wheel_outside_the_repository_checks_a_model_of_its_own(dist, tmp_path):
    wheel = next(dist.glob("mcfsm-*.whl"))
    env = _clean_env()
    bin_dir = _venv(tmp_path / "env")
    _install(bin_dir, wheel, tmp_path, env)
    work = tmp_path / "work"
    work.mkdir()
    mcfsm = bin_dir / "mcfsm"
    proc = _run(mcfsm, "init", "door", cwd=work, env=env)
    assert proc.returncode == 0 and (work / "door.py").is_file(), proc.stderr
    check = _run(mcfsm, "check", "door.py", cwd=work, env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "holds     answered-once" in check.stdout and "(exhaustive)" in check.stdout
    where = _run(bin_dir / "python", "-c", "import mcfsm; print(mcfsm.__file__)", cwd=work,
                 env=env).stdout
    assert str(ROOT) not in where and str(tmp_path / "env") in where  # the installed copy
    diagram = _run(mcfsm, "diagram", "door.py", "--out", "diagrams", "--no-svg", cwd=work,
                   env=env)
    assert diagram.returncode == 0, diagram.stderr
    assert list((work / "diagrams").rglob("*.dot")) and list((work / "diagrams").rglob("*.md"))
    report = _run(mcfsm, "report", "door.py", "--out", "html", cwd=work, env=env)
    assert report.returncode == 0, report.stderr
    assert "answered-once" in (work / "html" / "index.html").read_text()


def test_without_a_c_compiler_the_pure_python_core_runs_and_says_so(dist, tmp_path):
    sdist = next(dist.glob("mcfsm-*.tar.gz"))
    # no compiler: CC and the usual names point at `false`, so the extension's build fails
    # and setup.py installs mcfsm without it (ext.optional)
    shim = tmp_path / "nocc"
    shim.mkdir()
    for name in ("cc", "gcc", "x86_64-linux-gnu-gcc", "c++", "g++"):
        (shim / name).symlink_to(shutil.which("false") or "/bin/false")
    env = _clean_env(CC=str(shim / "cc"), CXX=str(shim / "c++"),
                     PATH=f"{shim}{os.pathsep}{os.environ.get('PATH', '')}")
    bin_dir = _venv(tmp_path / "env")
    _install(bin_dir, sdist, tmp_path, env)
    work = tmp_path / "work"
    work.mkdir()
    assert _run(bin_dir / "mcfsm", "init", "door", cwd=work, env=env).returncode == 0
    check = _run(bin_dir / "mcfsm", "check", "door.py", "--json", cwd=work, env=env)
    assert check.returncode == 0, check.stderr
    import json
    [result] = json.loads(check.stdout)
    assert "compiled core unavailable" in result["engine"], result["engine"]
    assert "the pure-Python twin runs" in result["engine"]
    plain = _run(bin_dir / "mcfsm", "check", "door.py", cwd=work, env=env)
    assert "engine:" in plain.stdout, plain.stdout  # said on the summary line, not only in JSON
