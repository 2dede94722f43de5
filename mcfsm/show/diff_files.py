"""A CR diff written to disk: the Markdown report and, beside it, the SVG sequence chart of
every counterexample it shows (DOT too, so `dot -Tpng|pdf` gives pictures for a .docx)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from .charts import dot
from .diff import Diff, diff_charts, diff_markdown


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text)


def write_diff_markdown(d: Diff, title: str, markdown: Path, *, svg: bool = True) -> list[Path]:
    """Write MARKDOWN and its charts under MARKDOWN's stem + '-charts/'; return the files.
    With svg=False (or without graphviz) only the DOT files are written, and the Markdown
    still links the SVG names (rendered later, as for diagrams/)."""
    folder = markdown.parent / f"{markdown.stem}-charts"
    written: list[Path] = []
    links: dict[str, str] = {}
    render = svg and shutil.which("dot") is not None
    for key, c in diff_charts(d):
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{_slug(key)}.dot"
        path.write_text(dot(c))
        written.append(path)
        if render:
            subprocess.run(["dot", "-Tsvg", str(path), "-o", str(path.with_suffix(".svg"))],
                           check=True)
            written.append(path.with_suffix(".svg"))
        links[key] = path.with_suffix(".svg").relative_to(markdown.parent).as_posix()
    markdown.parent.mkdir(parents=True, exist_ok=True)
    markdown.write_text(diff_markdown(d, title, links))
    written.append(markdown)
    return written
