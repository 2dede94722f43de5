"""A finding's declared charts (Finding(charts=(Chart(...),))): drawn under the choices
they name, through the result cache, and checked against the variant when it is built."""

from __future__ import annotations

import json
import textwrap

import pytest

from mcfsm import Chart, ModelError
from mcfsm.check import cache
from mcfsm.check.cache import explore_cached
from mcfsm.lang.loader import load_path
from mcfsm.show.docs import write_docs
from mcfsm.show.finding_pages import finding_data, finding_markdown

# A counter that ticks by `step` while below three: below-three fails in 2 steps with
# step=2 and in 3 steps with step=1, so the shortest run and the run under step=1 differ.
COUNTER = textwrap.dedent('''
    from mcfsm import (CHOICE, Chart, Instance, Model, Param, Role, System, Transition, Var,
                       always, sometimes)


    def bump(ctx):
        ctx.v.n += ctx.params.step


    COUNTER = Role("counter", states=["s"], initial="s", final=["s"],
                   variables={"n": Var(int, 0)},
                   transitions=[Transition("tick", "s", None, environment=True,
                                           conditions=[lambda ctx: ctx.v.n < 3],
                                           after=[bump])])


    def build():
        return System("counter", instances=[Instance("c", COUNTER)],
                      params={"step": Param(choices=(1, 2), doc="how far a tick goes")},
                      properties=[always("below-three", lambda v: v["c"].n < 3),
                                  sometimes("reaches-two", lambda v: v["c"].n == 2)])


    model = Model("counter")
    model.add_variant("both", build, expect={"below-three": "violated"})
    model.finding("over", prop="below-three", variants=("both",), cls=CHOICE,
                  why="the counter passes three", title="The counter passes three",
                  charts=CHARTS)
''')


def _load(tmp_path, charts: str):
    path = tmp_path / "counter.py"
    path.write_text(COUNTER.replace("CHARTS", charts))
    [lm] = load_path(path)
    return lm


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("MCFSM_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_the_page_draws_its_declared_charts_under_their_choices(tmp_path, own_cache):
    lm = _load(tmp_path, '(Chart(under=("step=1",), says="One at a time."), '
                         'Chart(prop="reaches-two", under=("step=2",)))')
    results = {"both": explore_cached(lm.model.system("both"), loaded=lm, variant="both")}
    [shortest] = [v for v in results["both"].verdicts if v.property.name == "below-three"]
    assert len(shortest.trace) == 2  # the shortest run of the variant ticks by two
    d = finding_data(lm, lm.model.findings["over"], results, None)
    first, second = d["charts"]
    assert first["steps"] == 3 and first["under"] == ["step=1"]
    assert first["title"].endswith("(counterexample, 3 steps) under step=1")
    assert d["chart"] is first  # the page's own chart: its scenario is written out
    assert len(d["scenario"]) == 3 and "step=1" in " ".join(d["basis"]["values"])
    assert second["prop"] == "reaches-two" and second["steps"] == 1
    assert first["svg"] == "over-chart1.svg" and second["svg"] == "over-chart2.svg"
    # the variant explores step: the chart names it as its own choice, not the variant's pin
    assert first["drawing"].context == ("chosen for this chart: step=1",)
    page = finding_markdown(d)
    # the delegate reads "Chart 1", "Chart 2"; which property and choices each is drawn
    # under is the modeller's (the folded block)
    assert "## Charts" in page and "### Chart 1" in page and "### Chart 2" in page
    assert "**Chart 1**: counter [both]: below-three (counterexample, 3 steps) under step=1" in page
    assert "pinned by the variant" not in page
    assert "One at a time." in page and "**Chart 2**: counter [both]: reaches-two" in page
    # the restricted searches are cache entries of their own, which cache verify redoes
    entries = [json.loads(p.read_text()) for p in own_cache.glob("*.json")]
    assert sorted(tuple(e["origin"]["under"]) for e in entries) == [(), ("step=1",), ("step=2",)]
    assert {v.outcome for v in cache.verify()} == {"same"}


def test_mcfsm_diagram_writes_a_declared_chart_beside_the_page(tmp_path, own_cache):
    lm = _load(tmp_path, '(Chart(under=("step=1",)),)')
    out = tmp_path / "diagrams"
    write_docs([lm], out, svg=False)
    assert (out / "findings" / "over-chart1.dot").is_file()
    mmd = (out / "findings" / "over-chart1.mmd").read_text()
    page = (out / "findings" / "over.md").read_text()
    assert "## Shortest chart" in page and "Drawn under one reading" in page
    assert "below-three (counterexample, 3 steps) under step=1" in page
    assert mmd.rstrip() in page  # the page's Mermaid is the file's


def test_without_declared_charts_the_page_links_the_variants_own_chart(tmp_path, own_cache):
    lm = _load(tmp_path, "()")
    results = {"both": explore_cached(lm.model.system("both"), loaded=lm, variant="both")}
    d = finding_data(lm, lm.model.findings["over"], results, None)
    [only] = d["charts"]
    assert only["steps"] == 2 and only["svg"] == "../counter/both/charts/below-three.svg"


@pytest.mark.parametrize("charts,words", [
    ('(Chart(under=("speed=1",)),)', "finding 'over''s chart 1 is drawn under 'speed=1', but "
                                     "variant 'both' has no parameter 'speed'"),
    ('(Chart(under=("step=3",)),)', "step in variant 'both' has no choice '3'"),
    ('(Chart(prop="below-four"),)', "finding 'over''s chart 1 draws property 'below-four'"),
    ('(Chart(variant="other"),)', "finding 'over' names variant 'other'"),
])
def test_a_chart_the_variant_cannot_draw_is_a_model_error(tmp_path, charts, words):
    lm = _load(tmp_path, charts)
    with pytest.raises(ModelError) as err:
        lm.model.system("both")
    assert words in str(err.value)


@pytest.mark.parametrize("bad,words", [
    (dict(under="step=1"), "under='step=1'"),
    (dict(under=("step",)), "name each choice as parameter=value"),
    (dict(says=3), "says=3 is not a string"),
])
def test_a_malformed_chart_is_refused_with_the_form_to_use(bad, words):
    with pytest.raises(ModelError) as err:
        Chart(**bad)
    assert words in str(err.value)
