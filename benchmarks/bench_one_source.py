"""One source for the core (issue 34 item 4), judged before writing it: what the pure-Python
twin costs when Cython compiles it as it stands, against the interpreted twin and the
compiled core (`_core.pyx`), on one bundled variant each way, each in its own process.

    .venv/bin/python benchmarks/bench_one_source.py                       # PCM[as_published]
    .venv/bin/python benchmarks/bench_one_source.py MODEL:VARIANT ...     # others

Cython's pure-Python mode compiles a .py file unchanged; its types speed up C scalars and
typed buffers, not the dicts, sets and tuples the twin is written in. So the row "twin,
compiled by Cython" is what one text written the twin's way would run at when compiled,
before any typing. It needs Cython importable (`pip install cython`); the package is
copied to a temporary directory and compiled there (core.py and steps.py, the memo layer
the twin expands with), so the checkout is left as it is. The runs must agree in counts
and verdicts (the script fails otherwise).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TWIN_FILES = ("mcfsm/check/kernel/core.py", "mcfsm/check/state/steps.py")


def compile_twin(into: Path) -> None:
    """A copy of the package under `into`, with the twin's files compiled by Cython."""
    shutil.copytree(ROOT / "mcfsm", into / "mcfsm",
                    ignore=shutil.ignore_patterns("__pycache__", "*.c"))
    subprocess.run([sys.executable, "-m", "Cython.Build.Cythonize", "-3", "-i", *TWIN_FILES],
                   cwd=into, check=True, capture_output=True)


def twin_files(pythonpath: Path) -> list[str]:
    """The files the twin is loaded from with this root first on the path (the check that
    the compiled copy is the one that runs)."""
    out = subprocess.run([sys.executable, "-c", "import mcfsm.check.kernel.core as c, "
                          "mcfsm.check.state.steps as s; print(c.__file__); print(s.__file__)"],
                         capture_output=True, text=True, check=True, cwd=pythonpath,
                         env=dict(os.environ, PYTHONPATH=str(pythonpath)))
    return out.stdout.split()


def run(path: Path, variant: str, pythonpath: Path, pure: bool) -> dict:
    # `python -m` puts the working directory first on sys.path, so it is the copy's root
    env = dict(os.environ, PYTHONPATH=str(pythonpath), MCFSM_NO_CACHE="1")
    env.pop("MCFSM_PURE", None)
    if pure:
        env["MCFSM_PURE"] = "1"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "mcfsm.cli", "check", str(path), "--variant",
                          variant, "--workers", "1", "--json"],
                         capture_output=True, text=True, env=env, cwd=pythonpath)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode not in (0, 1):
        raise SystemExit(f"bench_one_source: {path}[{variant}] failed:\n{out.stderr}")
    record = json.loads(out.stdout)[0]
    return {"cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
            "wall": wall, "search": record["elapsed_s"], "engine": record["engine"],
            "figures": (record["distinct_states"], record["total_states"], record["depth"]),
            "verdicts": [(p["name"], p["verdict"]) for p in record["properties"]]}


def main() -> int:
    cases = [a for a in sys.argv[1:] if ":" in a] or ["private_call_migration:as_published"]
    try:
        import Cython  # noqa: F401  (only to say how to get it)
    except ImportError:
        print("bench_one_source: needs Cython (pip install cython)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="mcfsm-one-source-") as tmp:
        compile_twin(Path(tmp))
        loaded = twin_files(Path(tmp))
        if not all(f.endswith(".so") and f.startswith(tmp) for f in loaded):
            raise SystemExit(f"bench_one_source: the compiled copy is not what loads: {loaded}")
        print("| variant | engine | distinct | search s | process CPU s | vs compiled core |")
        print("| --- | --- | ---: | ---: | ---: | ---: |")
        for case in cases:
            model, variant = case.split(":", 1)
            path = ROOT / "models" / f"{model}.py"
            rows = [("compiled core (_core.pyx)", run(path, variant, ROOT, False)),
                    ("twin, interpreted", run(path, variant, ROOT, True)),
                    ("twin, compiled by Cython", run(path, variant, Path(tmp), True))]
            first = rows[0][1]
            for name, r in rows:
                if (r["figures"], r["verdicts"]) != (first["figures"], first["verdicts"]):
                    raise SystemExit(f"bench_one_source: {name} disagrees on {case}")
                print(f"| {model}[{variant}] | {name} | {r['figures'][0]:,} | "
                      f"{r['search']:.1f} | {r['cpu']:.1f} | {r['search'] / first['search']:.1f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
