"""A CR diff written to disk: the Markdown report and, beside it, the SVG sequence chart of
every counterexample it shows (DOT too, so `dot -Tpng|pdf` gives pictures for a .docx)."""

from __future__ import annotations

import shutil
from pathlib import Path

from .chart_layout import chart_pages, page_file
from .charts import dot
from .diff import Diff, diff_charts, diff_markdown
from .dot_render import render_files


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text)


def write_diff_markdown(d: Diff, title: str, markdown: Path, *, svg: bool = True,
                        queue: list[Path] | None = None) -> list[Path]:
    """Write MARKDOWN and its charts under MARKDOWN's stem + '-charts/'; return the files.
    With svg=False (or without graphviz) only the DOT files are written, and the Markdown
    still links the SVG names (rendered later, as for diagrams/). With a `queue`, the DOT
    files to draw are added to it for the caller to draw with its own (listed as written)."""
    folder = markdown.parent / f"{markdown.stem}-charts"
    written: list[Path] = []
    links: dict[str, str] = {}
    render = svg and shutil.which("dot") is not None
    to_draw: list[Path] = [] if queue is None else queue
    for key, c in diff_charts(d):
        folder.mkdir(parents=True, exist_ok=True)
        base = folder / _slug(key)
        # a long chart in pages that fit an A4 page; the Markdown links the first
        for n, page in enumerate(chart_pages(c), 1):
            path = page_file(base, n, ".dot")
            path.write_text(dot(page))
            written.append(path)
            if render:
                to_draw.append(path)
                written.append(path.with_suffix(".svg"))
        links[key] = page_file(base, 1, ".svg").relative_to(markdown.parent).as_posix()
    markdown.parent.mkdir(parents=True, exist_ok=True)
    markdown.write_text(diff_markdown(d, title, links))
    written.append(markdown)
    if queue is None:
        render_files(to_draw)
    return written
