"""The generated findings table (diagrams/findings.md) must agree with the committed charts
and diffs it links.

A delegate follows the link from a finding to its chart; the step count printed beside the
link, the property and the variant must be the ones the chart's trace file records; a fix
whose row says the property holds must show it flipping in the linked diff.
"""

import json
import re

from .conftest import ROOT

TABLE = ROOT / "diagrams" / "findings.md"
ROW = re.compile(r"^\| (\d+) \| (.+)$")
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def _finding_rows() -> list[tuple[int, list[str]]]:
    rows = []
    for line in TABLE.read_text().splitlines():
        m = ROW.match(line)
        if m and line.count(" | ") >= 7:
            rows.append((int(m.group(1)), line.split(" | ")))
    return rows


def test_every_finding_links_its_chart_and_the_step_count_matches():
    rows = _finding_rows()
    assert rows, "the findings table lists no finding"
    assert [n for n, _ in rows] == list(range(1, len(rows) + 1)), "findings numbered 1..N"
    for n, cells in rows:
        (label, target), = LINK.findall(cells[6])
        chart = (TABLE.parent / target).resolve()
        assert chart.exists(), f"finding {n}: {target} does not exist"
        trace = json.loads(chart.with_name(chart.stem + ".trace.json").read_text())
        steps = len(trace["steps"])
        assert int(label) == steps, f"finding {n}: the table says {label} steps, the chart has {steps}"
        assert trace["property"] in cells[2], f"finding {n}: chart of {trace['property']}"
        assert trace["variant"] in chart.parts


def test_a_fix_said_to_hold_flips_its_property_in_the_linked_diff():
    fixed = [(n, cells) for n, cells in _finding_rows() if ": holds)" in cells[7]]
    assert fixed, "no finding has a fix under which its property holds"
    for n, cells in fixed:
        (_, diff), = [(t, d) for t, d in LINK.findall(cells[7]) if d.endswith(".md")]
        text = (TABLE.parent / diff).resolve().read_text()
        prop = cells[2].split(", ", 1)[1].split(" (")[0]
        assert re.search(rf"\| {re.escape(prop)} \|.*\*\*now holds\*\*", text), (
            f"finding {n}: {prop} does not flip to holds in {diff}")


def test_no_declared_finding_is_lost():
    for n, cells in _finding_rows():
        assert "no longer found" not in cells[4], f"finding {n}: {cells[4]}"


def test_relative_links_in_the_readmes_resolve():
    for readme in (ROOT / "README.md", ROOT / "models" / "README.md", ROOT / "diagrams" / "README.md",
                   TABLE, *sorted((ROOT / "docs").glob("*.md"))):
        for _, target in LINK.findall(readme.read_text()):
            if "://" in target or target.startswith("#"):
                continue
            path = (readme.parent / target.split("#")[0]).resolve()
            assert path.exists(), f"{readme.relative_to(ROOT)} links to missing {target}"


def test_generated_pages_count_one_step_in_the_singular():
    """Issue 33: "1 steps" in a chart's title or a finding page's link (the generator wrote
    `{n} steps` for every n); `plural` (show/values.py) writes "1 step"."""
    one_steps = re.compile(r"(?<![\d.,])1 steps\b")
    pages = [*(ROOT / "diagrams" / "findings").glob("*.md"), *(ROOT / "diagrams").glob("*/README.md"),
             *(ROOT / "diagrams").glob("*/*/charts/*.mmd")]
    assert pages
    wrong = [p.relative_to(ROOT) for p in pages if one_steps.search(p.read_text())]
    assert not wrong, wrong
    # the 1-step counterexamples are there, counted in the singular
    page = ROOT / "diagrams" / "findings" / "registered-nowhere.md"
    assert "(counterexample, 1 step)" in page.read_text()


def test_a_delegate_finds_the_way_in():
    """Issue 33: README sends a delegate to one entry page near its top; that page lists the
    findings first, one line each, and stays a page (not a wall of links); README says what
    a checkpoint or cache folder from elsewhere can do."""
    readme = (ROOT / "README.md").read_text()
    head = "\n".join(readme.splitlines()[:40])
    assert "A delegate starts here: [diagrams/README.md](diagrams/README.md)" in head
    entry = ROOT / "diagrams" / "README.md"
    sections = re.findall(r"^## (.+)$", entry.read_text(), re.M)
    assert sections[0] == "Findings first", sections
    findings = len([line for line in TABLE.read_text().splitlines()
                    if ROW.match(line) and line.count(" | ") >= 7])
    links = re.findall(r"^- \[.+\]\(findings/[^)]+\.md\)", entry.read_text(), re.M)
    assert len(links) == findings  # every finding, once
    assert entry.stat().st_size < 64_000, "the entry page grew into a wall of links"
    assert "A checkpoint or cache folder from elsewhere" in readme
    assert "mcfsm cache verify" in readme or "cache verify" in readme
