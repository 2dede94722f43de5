"""graphviz's `dot` run on many DOT files with few processes.

Starting `dot` costs about 60 ms (it loads its plugins), drawing one of our pinned charts a
few: one process per picture spent most of `mcfsm diagram` and the report's time waiting
for processes to start. So the files are drawn in chunks, `dot -O` over each chunk, the
chunks side by side on the machine's cores. A chunk holds files of one layout engine only:
graphviz 2.43 drawing a `dot` layout after a pinned `neato` one in the same process sizes
it wrongly (the role diagrams lost their title's height). Within one engine a file drawn
in a chunk is byte for byte the file drawn alone but for graphviz's id of the graph group,
which it numbers by the graph's place in the process (`page0,1_graph0`); that one id is
put back, so a picture does not depend on its chunk (tests/test_dot_render.py compares
both ways, and every bundled diagram is drawn in chunks)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..errors import McfsmError, UsageError

CHUNK = 64  # files a process draws: enough to make its start-up cost nothing

# graphviz numbers the graph group of the second and later graphs a process draws
_PAGE_ID = re.compile(rb'<g id="page\d+,\d+_(graph\d+)"')


def need_dot(purpose: str) -> None:
    """A clear error, naming what needs it, when graphviz's `dot` is not installed."""
    if shutil.which("dot") is None:
        raise UsageError(f"graphviz's `dot` is not installed, and {purpose} needs it; install "
                         "it (apt-get install graphviz)")


def render_files(sources: Sequence[Path], fmt: str = "svg", options: Sequence[str] = (),
                 ) -> list[Path]:
    """Draw each DOT file as SOURCE with the suffix `.FMT` beside it; return those paths,
    in the order given. A file dot cannot draw is named in the error."""
    if not sources:
        return []
    engines: dict[str, list[Path]] = {}
    for source in sources:
        engines.setdefault(_layout(source), []).append(source)
    chunks = [group[i:i + CHUNK] for group in engines.values()
              for i in range(0, len(group), CHUNK)]
    workers = min(len(chunks), os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:  # threads: each waits on a process
        list(pool.map(lambda chunk: _render_chunk(chunk, fmt, options), chunks))
    return [source.with_suffix(f".{fmt}") for source in sources]


_GRAPH_ATTRIBUTES = re.compile(r"^\s*graph\s*\[(.*?)\];?\s*$", re.M | re.S)
_LAYOUT = re.compile(r'\blayout\s*=\s*"?(\w+)')


def _layout(source: Path) -> str:
    """The layout engine a DOT file's graph attributes name (graphviz's default: dot)."""
    attributes = _GRAPH_ATTRIBUTES.search(source.read_text(errors="replace"))
    found = _LAYOUT.search(attributes.group(1)) if attributes else None
    return found.group(1) if found else "dot"


def _render_chunk(chunk: list[Path], fmt: str, options: Sequence[str]) -> None:
    proc = subprocess.run(["dot", f"-T{fmt}", *options, "-O", *map(str, chunk)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        _name_the_failure(chunk, fmt, options, proc.stderr)
    for source in chunk:
        made = source.with_name(f"{source.name}.{fmt}")  # what -O writes: NAME.dot.svg
        target = source.with_suffix(f".{fmt}")
        if fmt == "svg":
            data = made.read_bytes()
            made.unlink()
            target.write_bytes(_PAGE_ID.sub(rb'<g id="\1"', data, count=1))
        else:
            os.replace(made, target)


def _name_the_failure(chunk: list[Path], fmt: str, options: Sequence[str], stderr: str) -> None:
    """Draw the chunk's files one by one to say which one dot refuses, then raise."""
    for source in chunk:
        one = subprocess.run(["dot", f"-T{fmt}", *options, str(source), "-o", os.devnull],
                             capture_output=True, text=True)
        if one.returncode != 0:
            raise McfsmError(f"graphviz's dot could not draw {source}: "
                             f"{one.stderr.strip() or 'exit status ' + str(one.returncode)}")
    raise McfsmError(f"graphviz's dot failed on {len(chunk)} files it draws one by one "
                     f"({chunk[0]} ...): {stderr.strip()}")


def render_texts(sources: Sequence[str], fmt: str = "svg") -> list[str]:
    """Each DOT text drawn, in the order given (through files in a temporary folder)."""
    if not sources:
        return []
    with tempfile.TemporaryDirectory(prefix="mcfsm-dot-") as folder:
        paths = []
        for n, text in enumerate(sources):
            path = Path(folder) / f"{n}.dot"
            path.write_text(text, errors="backslashreplace")
            paths.append(path)
        return [p.read_text() for p in render_files(paths, fmt)]
