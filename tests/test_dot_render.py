"""graphviz's dot run on many files at once (show/dot_render.py) draws each file as dot
run on it alone does: byte for byte, in any order, across chunks, with both layouts we
write (role diagrams in `dot`, pinned charts in `neato`) mixed in one call."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from mcfsm.errors import McfsmError
from mcfsm.show import dot_render

from .conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz's dot is not installed")

MODEL = ROOT / "diagrams" / "private_call_migration"


def _sample(tmp_path: Path) -> list[Path]:
    """Role diagrams and chart pages of the committed diagrams, interleaved (a role diagram
    after a chart is what graphviz 2.43 sizes wrongly in one process)."""
    roles = sorted(MODEL.glob("*/roles/*.dot"))[:12]
    charts = sorted(MODEL.glob("*/charts/*.dot"))[:12]
    assert len(roles) == 12 and len(charts) == 12
    out = []
    for n, source in enumerate(p for pair in zip(charts, roles) for p in pair):
        copy = tmp_path / f"{n:02d}-{source.name}"
        copy.write_text(source.read_text())
        out.append(copy)
    return out


def _alone(source: Path) -> bytes:
    return subprocess.run(["dot", "-Tsvg", str(source)], capture_output=True, check=True).stdout


def test_files_drawn_together_equal_each_drawn_alone(tmp_path, monkeypatch):
    monkeypatch.setattr(dot_render, "CHUNK", 5)  # several chunks per engine, run side by side
    sources = _sample(tmp_path)
    drawn = dot_render.render_files(sources)
    assert drawn == [s.with_suffix(".svg") for s in sources]
    differ = [s.name for s, svg in zip(sources, drawn) if svg.read_bytes() != _alone(s)]
    assert not differ, f"drawn differently in chunks: {differ}"
    assert not list(tmp_path.glob("*.dot.svg")), "dot -O's own names are left behind"


def test_the_layouts_are_told_apart(tmp_path):
    chart, role = _sample(tmp_path)[:2]
    assert (dot_render._layout(chart), dot_render._layout(role)) == ("neato", "dot")


def test_texts_drawn_in_order(tmp_path):
    sources = [s.read_text() for s in _sample(tmp_path)[:4]]
    svgs = dot_render.render_texts(sources)
    assert [svg.count("<svg") for svg in svgs] == [1, 1, 1, 1]
    titles = [s.split("label=<<b>", 1)[1].split("<", 1)[0] for s in sources]
    for title, svg in zip(titles, svgs):
        assert title.split(" ")[0] in svg


def test_a_file_dot_cannot_draw_is_named(tmp_path):
    sources = _sample(tmp_path)[:3]
    broken = tmp_path / "broken.dot"
    broken.write_text("digraph { a -> ; }")
    with pytest.raises(McfsmError, match=r"could not draw .*broken\.dot"):
        dot_render.render_files([*sources, broken])


def test_png_with_options(tmp_path):
    (source,) = _sample(tmp_path)[:1]
    (png,) = dot_render.render_files([source], "png", ["-Gdpi=50"])
    assert png == source.with_suffix(".png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
