"""Drawing the committed diagrams' DOT files: one `dot` process per file (how `mcfsm diagram`
and `mcfsm report` drew them before session 40) against show/dot_render.py's chunks, in one
run, each file's SVG compared byte for byte with the committed one.

    .venv/bin/python benchmarks/bench_drawing.py [--limit N]

Prints wall seconds and the CPU seconds of the dot processes for each way, and the ratio."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mcfsm.show.dot_render import render_files  # noqa: E402


def children_cpu() -> float:
    t = os.times()
    return t.children_user + t.children_system


def copies(sources: list[Path], folder: Path) -> list[Path]:
    out = []
    for n, source in enumerate(sources):
        copy = folder / f"{n:05d}-{source.name}"
        shutil.copyfile(source, copy)
        out.append(copy)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="draw only the first N files")
    args = parser.parse_args()
    sources = sorted((ROOT / "diagrams").rglob("*.dot"))
    sources = [s for s in sources if s.with_suffix(".svg").is_file()]
    if args.limit:
        sources = sources[:args.limit]
    print(f"{len(sources)} DOT files of diagrams/ with their committed SVG; "
          f"{os.cpu_count()} cores")
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        for way in ("one process a file", "chunks (dot_render)"):
            folder = Path(tmp) / way.split()[0]
            folder.mkdir()
            files = copies(sources, folder)
            cpu, wall = children_cpu(), time.perf_counter()
            if way.startswith("one"):
                for f in files:
                    subprocess.run(["dot", "-Tsvg", str(f), "-o", str(f.with_suffix(".svg"))],
                                   check=True)
            else:
                render_files(files)
            wall, cpu = time.perf_counter() - wall, children_cpu() - cpu
            differ = sum(f.with_suffix(".svg").read_bytes() != s.with_suffix(".svg").read_bytes()
                         for f, s in zip(files, sources))
            figures[way] = (wall, cpu)
            print(f"{way:22} {wall:7.2f} s wall {cpu:7.2f} s CPU of dot; "
                  f"{differ} SVGs differ from the committed ones")
    (w1, c1), (w2, c2) = figures.values()
    print(f"chunks against one process a file: {w1 / w2:.1f}x less wall, {c1 / c2:.1f}x less CPU")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
