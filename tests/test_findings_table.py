"""models/README.md's findings table must agree with the committed charts it links.

A delegate follows the link from a finding to its chart; the step count printed beside the
link, the property and the verdict must be the ones the chart's trace file records.
"""

import json
import re

from .conftest import ROOT

README = ROOT / "models" / "README.md"
ROW = re.compile(r"^\| (\d+) \| (.+)$")
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def _finding_rows() -> list[tuple[int, list[str]]]:
    rows = []
    for line in README.read_text().splitlines():
        m = ROW.match(line)
        if m and line.count(" | ") >= 6:
            rows.append((int(m.group(1)), line.split(" | ")))
    return rows


def test_every_finding_links_its_chart_and_the_step_count_matches():
    rows = _finding_rows()
    assert [n for n, _ in rows] == list(range(1, len(rows) + 1)), "findings numbered 1..N"
    for n, cells in rows:
        (label, target), = LINK.findall(cells[5])
        chart = (README.parent / target).resolve()
        assert chart.exists(), f"finding {n}: {target} does not exist"
        trace = json.loads(chart.with_name(chart.stem + ".trace.json").read_text())
        steps = len(trace["steps"])
        assert int(re.match(r"\d+", label).group()) == steps, (
            f"finding {n}: the table says {label} steps, the chart has {steps}")
        assert trace["property"] in cells[2], f"finding {n}: chart of {trace['property']}"
        assert trace["variant"] in chart.parts


def test_every_gap_in_the_text_has_a_fix_diff_where_the_property_flips():
    gaps = [(n, cells) for n, cells in _finding_rows() if "**gap in the text**" in cells[3]]
    assert gaps, "the table classifies no finding as a gap in the text"
    for n, cells in gaps:
        diffs = [t for _, t in LINK.findall(cells[6]) if t.endswith(".md")]
        assert diffs, f"finding {n} is a gap in the text without a fix diff"
        text = (README.parent / diffs[0]).resolve().read_text()
        props = [p.strip() for p in re.split(r",| and ", cells[2].split(",", 1)[-1])]
        flips = [p for p in props if re.search(rf"\| {re.escape(p)} \|.*\*\*now holds\*\*", text)]
        assert flips, f"finding {n}: no property of {props} flips to holds in {diffs[0]}"


def test_relative_links_in_the_readmes_resolve():
    for readme in (ROOT / "README.md", README, ROOT / "diagrams" / "README.md"):
        for _, target in LINK.findall(readme.read_text()):
            if "://" in target or target.startswith("#"):
                continue
            path = (readme.parent / target.split("#")[0]).resolve()
            assert path.exists(), f"{readme.relative_to(ROOT)} links to missing {target}"
