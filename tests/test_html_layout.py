"""The HTML report's layout in a real browser window of 1400 x 900 (issue 56 item 6): no page
scrolls sideways (the verdict tables were 2,300-4,200 px wide), a link to a finding opens it
and brings it into view (it opened collapsed), and a trace's chart pane shows its whole
chart or scrolls to every part of it (it clipped the chart).

Headless Chromium is driven over the DevTools protocol (tests/chromium_devtools.py) to
measure the laid-out page with JavaScript. The report of every bundled model is checked in
a slow test; the fast ones read the report of models/group_call_migration.py (shared with
test_browser.py and test_report.py) and of a made-up model wider than any bundled one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .chromium_devtools import BROWSER, SKIP_REASON, Page

pytestmark = pytest.mark.skipif(BROWSER is None, reason=SKIP_REASON)

WIDTH, HEIGHT = 1400, 900

# The page's width and its widest table, in CSS pixels; with every fold open too (a folded
# table does not count towards the width until it is opened).
MEASURE = """(() => {
  const widest = () => Math.max(0, ...Array.from(document.querySelectorAll("table"),
    t => Math.ceil(t.getBoundingClientRect().width)));
  const folded = {width: document.documentElement.scrollWidth, table: widest(),
                  height: document.documentElement.scrollHeight};
  document.querySelectorAll("details").forEach(d => { d.open = true; });
  return {folded, open: {width: document.documentElement.scrollWidth, table: widest()}};
})()"""


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    with Page(WIDTH, HEIGHT) as p:
        yield p


def _fits(page: Page, url: str) -> dict[str, Any]:
    page.open(url)
    sizes = page.js(MEASURE)
    for state in ("folded", "open"):
        assert sizes[state]["width"] <= WIDTH, (
            f"{url} scrolls sideways at {WIDTH} px ({state}): {sizes[state]['width']} px wide, "
            f"its widest table {sizes[state]['table']} px")
    return sizes


def _finding_ids(html: str) -> list[str]:
    return re.findall(r'<details class="finding" id="(finding-[^"]+)"', html)


FINDING_SHOWN = """((id) => {
  const d = document.getElementById(id);
  if (!d || !d.open) { return null; }
  const r = d.getBoundingClientRect();
  const nav = document.querySelector("nav.toc");
  const below = nav ? nav.getBoundingClientRect().bottom : 0;
  // its summary in the window, below the table of contents that stays at the top
  return r.top >= below - 1 && r.top < window.innerHeight - 20 ? {top: r.top, below} : null;
})"""


def _link_opens_finding(page: Page, url: str, finding: str) -> None:
    page.open(f"{url}#{finding}")
    _finding_is_shown(page, f"{url}#{finding}", finding)


def _finding_is_shown(page: Page, url: str, finding: str) -> None:
    shown = page.wait_for(f"{FINDING_SHOWN}({json.dumps(finding)})", 5000)
    state = page.js(f"""(() => {{ const d = document.getElementById({json.dumps(finding)});
        return {{open: d.open, top: d.getBoundingClientRect().top, y: window.scrollY}}; }})()""")
    assert shown, f"{url}: the finding is not open in the window: {state}"


def _links_open_findings(page: Page, url: str, findings: list[str]) -> None:
    """Each finding opened and shown by a link to it. The page loads once with the last
    finding's fragment (the deepest in the page: the browser may scroll to it before the
    folds around it are open, which explorer.js's load handler corrects); every other
    finding is then named by the hash with every fold closed and the page at its top, as a
    link within the page does (explorer.js reveals a fragment on load and on a hash change
    by the same function). A load per finding cost 0.7 s of Chromium's CPU each (46 on
    the bundled models' pages)."""
    *others, deepest = findings
    _link_opens_finding(page, url, deepest)
    for finding in others:
        page.js(f"""(() => {{
          document.querySelectorAll("details[open]").forEach(d => {{ d.open = false; }});
          window.scrollTo(0, 0);
          window.location.hash = {json.dumps(finding)};
        }})()""")
        _finding_is_shown(page, f"{url}#{finding} (a hash change)", finding)


# -- a report wider than any bundled model: 18 variants with long names and long notes ----
def _wide_model(variants: int = 18) -> Any:
    from mcfsm import Instance, Model, Param, Role, System, Transition, Var, always, sometimes
    from mcfsm.lang.findings import CHOICE

    def bump(ctx: Any) -> None:
        ctx.v.n += ctx.params.step

    counter = Role("counter", states=["s"], initial="s", final=["s"], variables={"n": Var(int, 0)},
                   transitions=[Transition("tick", "s", None, environment=True, clause="t 1",
                                           conditions=[lambda ctx: ctx.v.n < 1], after=[bump])])
    prop = "the-count-never-reaches-two-in-any-run-of-the-counter-whatever-it-is-told"

    def build() -> System:
        return System("wide", instances=[Instance("c", counter, label="the counter")],
                      params={"step": Param(choices=(1, 2), doc="how far a tick goes, "
                                            "which the text leaves open", clause="t 2")},
                      properties=[always(prop, lambda v: v["c"].n < 2, clause="t 3; t 4; t 5",
                                         doc="the count stays under two " * 8),
                                  sometimes("reaches-one", lambda v: v["c"].n == 1, clause="t 6")])

    model = Model("wide", doc="A counter in many variants, each with a long name.")
    names = [f"variant_with_a_rather_long_descriptive_name_{i:02d}" for i in range(variants)]
    for name in names:
        model.add_variant(name, build, doc="the same counter " * 10,
                          expect={prop: "violated only with step=2",
                                  "reaches-one": "witnessed only with step=1"})
    model.finding("overshoot", prop=prop, variants=tuple(names), cls=CHOICE,
                  why="a step of two overshoots the bound, " * 30 + "and that is all")
    return model


@pytest.fixture(scope="module")
def wide_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from mcfsm.lang.loader import LoadedModel
    from mcfsm.show.html_report import write_report

    out = tmp_path_factory.mktemp("wide")
    write_report([LoadedModel(out / "wide.py", _wide_model())], out / "html")
    return out / "html"


def test_a_table_of_many_long_named_variants_fits_the_window(page, wide_report):
    html = (wide_report / "wide.html").read_text()
    # every verdict is still on the page, once: 18 variants in two bands of 9 (at most 10)
    properties = set(re.findall(r'<tr data-property="([^"]+)"', html))
    assert len(properties) >= 2
    assert len(re.findall(r'<td class="verdict v-', html)) == 18 * len(properties)
    assert html.count('data-testid="verdict-table"') == 2
    for name in ("wide.html", "index.html"):
        sizes = _fits(page, (wide_report / name).as_uri())
        assert sizes["open"]["table"] <= WIDTH - 48, sizes
    page.open((wide_report / "wide.html").as_uri())
    # the long notes are clipped to a few lines, and a click shows one whole
    heights = page.js("""(() => {
      const note = document.querySelector("td.verdict .declared.clamp");
      const before = note.getBoundingClientRect().height;
      note.click();
      return [before, note.getBoundingClientRect().height, note.scrollHeight];
    })()""")
    assert heights[0] < 40 < heights[1], heights


def test_a_link_to_a_finding_opens_it_in_view_on_load_on_hashchange_and_on_click(page, wide_report):
    url = (wide_report / "wide.html").as_uri()
    _link_opens_finding(page, url, "finding-overshoot")
    # the hash changes (a link followed, the back button): the target opens and shows
    page.js("""document.getElementById("finding-overshoot").open = false;
               window.scrollTo(0, 0); location.hash = "#verdicts";""")
    page.wait_for("window.scrollY > 0")
    page.js('location.hash = "#finding-overshoot"')
    assert page.wait_for(f"{FINDING_SHOWN}('finding-overshoot')", 5000), "not opened on hashchange"
    # a click on a link to the hash the page already has (no hashchange): opened again
    page.js("""(() => { const d = document.getElementById("finding-overshoot");
        d.open = false; window.scrollTo(0, 0);
        const a = document.createElement("a"); a.href = "#finding-overshoot"; a.textContent = "x";
        document.querySelector("main").prepend(a); a.click(); })()""")
    assert page.wait_for(f"{FINDING_SHOWN}('finding-overshoot')", 5000), "not opened on click"


# -- the bundled group call model (one report per test run, shared) -----------------------
def test_group_call_pages_fit_and_their_findings_open_from_a_link(page, group_call_report):
    for name in ("group_call_migration.html", "index.html"):
        _fits(page, (group_call_report / name).as_uri())
    model = group_call_report / "group_call_migration.html"
    findings = _finding_ids(model.read_text())
    assert len(findings) >= 2
    _links_open_findings(page, model.as_uri(), findings)


CHARTS = """(async () => {
  // every trace opened in its fold, its chart loaded and sized to its pane
  const roots = Array.from(document.querySelectorAll("details.trace"));
  roots.forEach(r => { for (let n = r; n; n = n.parentElement) if (n.tagName === "DETAILS") n.open = true; });
  const start = Date.now();
  while (roots.some(r => !r._explorer) && Date.now() - start < 30000) {
    await new Promise(done => setTimeout(done, 50));
  }
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  const out = {pageWidth: document.documentElement.scrollWidth, charts: []};
  for (const root of roots) {
    const x = root._explorer;
    if (!x || !x.svg) { out.charts.push({id: root.id, loaded: !!x}); continue; }
    const pane = x.pane;
    const measure = () => {
      const box = pane.getBoundingClientRect();
      const s = x.svg.getBoundingClientRect(), style = getComputedStyle(pane);
      const text = Array.from(x.svg.querySelectorAll("text"), t => t.getBoundingClientRect().height)
        .filter(h => h > 0).sort((a, b) => a - b);
      return {svg: [s.width, s.height], pane: [pane.clientWidth, pane.clientHeight],
              scroll: [pane.scrollWidth, pane.scrollHeight],
              overflow: [style.overflowX, style.overflowY],
              inside: s.left >= box.left - 1 && s.right <= box.right + 1 &&
                      s.top >= box.top - 1 && s.bottom <= box.bottom + 1,
              text: text.length ? text[Math.floor(text.length / 2)] : 0};
    };
    const width = measure();
    x.fit("whole");
    const whole = measure();
    x.fit("width");
    out.charts.push({id: root.id, loaded: true, width, whole});
  }
  return out;
})()"""


def _reachable(m: dict[str, Any]) -> bool:
    """The whole chart is inside its pane, or the pane scrolls far enough to show it."""
    if m["inside"]:
        return True
    scrolls = all(o in ("auto", "scroll") for o in m["overflow"])
    return scrolls and m["scroll"][0] >= m["svg"][0] - 1 and m["scroll"][1] >= m["svg"][1] - 1


def test_each_chart_pane_shows_its_whole_chart_or_scrolls_to_all_of_it(page, group_call_report):
    page.open((group_call_report / "group_call_migration.html").as_uri())
    result = page.js(CHARTS)
    assert result["pageWidth"] <= WIDTH, f"with every trace open the page is {result['pageWidth']} px wide"
    charts = result["charts"]
    assert charts and all(c["loaded"] for c in charts), [c["id"] for c in charts if not c["loaded"]]
    for c in charts:
        assert _reachable(c["width"]), c
        # "whole chart": all of it inside the pane at once
        assert c["whole"]["inside"], c
        # "fit width" keeps the text readable, scrolling what it cannot fit
        assert c["width"]["text"] >= 9, c
    # a chart wider than its pane is shrunk towards it (never drawn larger than graphviz's)
    assert any(c["width"]["svg"][0] <= c["width"]["pane"][0] for c in charts)


def test_a_trace_link_opens_its_variants_fold_and_the_trace(page, group_call_report):
    model = group_call_report / "group_call_migration.html"
    trace = re.findall(r'<details class="trace" id="(t\d+)"', model.read_text())[-1]
    page.open(model.as_uri())
    page.js(f"""(() => {{ const a = document.createElement("a"); a.href = "#{trace}";
        document.querySelector("main").prepend(a); a.click(); }})()""")
    shown = page.wait_for(f"""(() => {{ const d = document.getElementById("{trace}");
        const r = d.getBoundingClientRect();
        return d.open && d.closest(".trace-group").open && d._explorer && r.top >= 0 &&
               r.top < window.innerHeight; }})()""")
    assert shown, "the trace's link left it folded or out of view"


def test_every_link_inside_a_page_opens_its_target_in_view(page, group_call_report):
    """A finding's links to its trace (in its variant's fold) and to its fix's CR diff (a
    folded table whose heading is the target): a click opens them and shows them."""
    model = group_call_report / "group_call_migration.html"
    links = sorted(set(re.findall(r'<a href="#((?:t\d+|diff-[^"]+))"', model.read_text())))
    assert any(x.startswith("diff-") for x in links) and any(x.startswith("t") for x in links)
    page.open(model.as_uri())
    for target in links:
        opened = page.js(f"""(async () => {{
          document.querySelectorAll("details[open]").forEach(d => {{ d.open = false; }});
          window.scrollTo(0, 0);
          const link = document.querySelector('a[href="#{target}"]');
          link.click();
          const node = document.getElementById("{target}");
          const look = () => {{
            const fold = node.closest("details");
            const r = node.getBoundingClientRect();
            return {{open: !!fold && fold.open, folds: !node.closest("details:not([open])"),
                     top: r.top, shown: r.top >= 0 && r.top < window.innerHeight}};
          }};
          // as soon as it is shown on two looks in a row, 10 ms apart, or what it shows
          // after 2 s (a fixed 100 ms a link was most of this test's time)
          let seen = 0;
          for (let waited = 0; waited < 2000; waited += 10) {{
            await new Promise(done => setTimeout(done, 10));
            const now = look();
            seen = now.open && now.folds && now.shown ? seen + 1 : 0;
            if (seen === 2) return now;
          }}
          return look();
        }})()""")
        assert opened["open"] and opened["folds"] and opened["shown"], (target, opened)


# -- every bundled model --------------------------------------------------------------------
@pytest.mark.slow
def test_every_bundled_model_page_fits_and_opens_its_findings_from_a_link(page, models_report):
    """`mcfsm report models/`, as README's first command runs it (conftest.py's models_report,
    with no spec text reachable: the quotes from models/quotes.json)."""
    pages = sorted(models_report[0].glob("*.html"))
    assert len(pages) >= 5, pages  # the index and a page per bundled model
    for html in pages:
        sizes = _fits(page, html.as_uri())
        print(f"{html.name}: widest table {sizes['folded']['table']} px, "
              f"{sizes['folded']['height'] / HEIGHT:.1f} screens of {HEIGHT} px")
        findings = _finding_ids(html.read_text())
        if findings:
            _links_open_findings(page, html.as_uri(), findings)
