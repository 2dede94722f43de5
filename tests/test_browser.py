"""The HTML report in a real browser: headless Chromium opens a generated page from disk,
the page's own test hook (`#selftest`, see mcfsm/show/static/explorer.js) checks that the
verdict table rendered and steps through a counterexample, and the browser's result is
read back with --dump-dom. Screenshots go to artifacts/ (kept by CI).

Skipped, saying why, when no Chromium is installed (`.ci/setup` installs Debian's). The
page's layout at 1400 x 900 (widths, links to findings, chart panes): tests/test_html_layout.py.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import tempfile
from pathlib import Path

import pytest

from mcfsm.lang.loader import load_path

from .chromium_devtools import BROWSER, FLAGS, SKIP_REASON
from .conftest import ROOT

pytestmark = pytest.mark.skipif(BROWSER is None, reason=SKIP_REASON)

MODEL = "models/group_call_migration.py"  # bundled, small: both variants explore in under 1 s
ARTIFACTS = ROOT / "artifacts"


def chromium(*args: str) -> str:
    # FLAGS: what this machine's closed network needs, no background connections at all
    assert BROWSER is not None
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.run([BROWSER, *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


@pytest.fixture(scope="module")
def page(group_call_report: Path) -> Path:
    # `mcfsm report` of MODEL, run once per test run for this test and tests/test_report.py
    assert MODEL == "models/group_call_migration.py"
    return group_call_report / "group_call_migration.html"


def test_the_page_renders_the_verdicts_and_steps_through_a_counterexample(page):
    dom = chromium("--dump-dom", page.as_uri() + "#selftest")
    # The last match: the script's own comment, inlined above it, names the element too.
    found = re.findall(r'<pre id="selftest-result">(\{.*?)</pre>', dom, re.S)
    assert found, "the page's script did not run (no #selftest-result in the DOM)"
    result = json.loads(html.unescape(found[-1]))
    [loaded] = load_path(ROOT / MODEL)
    properties = {p.name for v in loaded.model.variants for p in loaded.model.system(v).properties}
    assert result["verdict_rows"] == len(properties)
    assert result["step_after_two_clicks"] == 2
    assert result["state_at_0"] != result["state_at_2"], "stepping did not change the state panel"
    assert result["changed_cells"] > 0, "what the step changed is not highlighted"
    assert result["chart_highlighted"] > 0, "the chart does not highlight the current step"
    assert "state" in result["state_at_2"] and "messages in flight" in result["state_at_2"]
    # issue 21: the chart scrolls to the current step, and its text is readable
    assert result["last_step_visible"], "the last step's highlight is scrolled out of view"
    assert result["chart_text_px"] >= 9, f"chart text is {result['chart_text_px']:.1f} px"


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def test_screenshots_of_the_verdict_table_and_a_trace_are_kept(page):
    ARTIFACTS.mkdir(exist_ok=True)
    # The longest counterexample on the page, shown at its third step.
    traces = re.findall(r'<details class="trace" id="(t\d+)"[^>]*data-failed.*?: (\d+) steps?</summary>',
                        page.read_text(), re.S)
    longest = max(traces, key=lambda t: int(t[1]))[0]
    shots = {"report-verdicts.png": "", "report-trace-explorer.png": f"#show={longest}&step=3&only"}
    for name, fragment in shots.items():
        target = ARTIFACTS / name
        target.unlink(missing_ok=True)
        chromium("--window-size=1400,1000", f"--screenshot={target}", page.as_uri() + fragment)
        assert _png_size(target) == (1400, 1000)
        # A blank page compresses to a few kilobytes; a rendered table or chart does not.
        assert target.stat().st_size > 30_000, f"{target} looks blank"
