"""What a delegate receives (issue 18): a page per declared finding with the spec's own
sentences, charts that carry their run's parameter values and clauses, and a glossary of
every name a chart shows.

The docs are generated once for private_call_migration (small, with findings, parameters
and fixes) into a temporary folder; the committed diagrams/ is not touched."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest

from mcfsm.check.cache import explore_cached
from mcfsm.errors import ModelError, UsageError
from mcfsm.lang.findings import CHOICE, GAP_IN_THE_TEXT, Finding
from mcfsm.lang.loader import LoadedModel, load_path
from mcfsm.lang.messages import M, Message
from mcfsm.lang.system import System
from mcfsm.show.chart_layout import chart_dot, chart_pages
from mcfsm.show.chart_model import Arrow, Chart
from mcfsm.show.charts import chart, mermaid, run_values
from mcfsm.show.contribution import model_names
from mcfsm.show.docs import write_docs
from mcfsm.show.finding_pages import class_line, page_path, short_title
from mcfsm.show.glossary import glossary
from mcfsm.spec.quotes import SpecText, spec_folder

from .conftest import ROOT, _session_wide, needs_spec_text

MODEL = ROOT / "models" / "private_call_migration.py"
CLAUSES = ROOT / "models" / "clauses.txt"
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


@pytest.fixture(scope="session")
def docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The pages of one `write_docs` per test run, shared by every pytest-xdist worker
    (conftest's _session_wide), with the results they were drawn from. As a module fixture
    it was torn down whenever a worker's next test came from another module and written
    again: three times in one run of README's test command, 38 s of CPU for one's 13."""
    (lm,) = load_path(MODEL)
    with _session_wide(tmp_path_factory, "findings_docs") as (out, done):
        listed = out.parent / "findings_docs.json"
        if not done:
            ran: list[str] = []

            def run(loaded: LoadedModel, variant: str) -> tuple[System, Any]:
                # through the result cache, as `mcfsm diagram` runs: the plugin's items for
                # these variants fill it (or read it), so each is searched once per session
                ran.append(variant)
                system = loaded.model.system(variant)
                return system, explore_cached(system, loaded=loaded, variant=variant)

            written = write_docs([lm], out, run=run)
            listed.write_text(json.dumps({"variants": ran, "written": [str(p) for p in written]}))
    record = json.loads(listed.read_text())
    # the results the pages were drawn from, read again from the result cache they went to
    results = {v: explore_cached(lm.model.system(v), loaded=lm, variant=v)
               for v in record["variants"]}
    return {"out": out, "lm": lm, "results": results,
            "written": {Path(p) for p in record["written"]}}


def _pages(docs: dict[str, Any]) -> list[Path]:
    """The finding pages: findings/ also holds the drawings of a finding's declared
    charts (`Chart(...)`: NAME-chartK.svg, .dot, .mmd)."""
    return sorted(p for p in (docs["out"] / "findings").iterdir() if p.suffix == ".md")


def _spec_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in spec_folder(CLAUSES).glob("*.txt")]


def test_a_page_per_declared_finding_linked_from_the_table(docs):
    model = docs["lm"].model
    assert len(model.findings) >= 2
    pages = {p.name for p in _pages(docs)}
    assert pages == {f"{name}.md" for name in model.findings}
    # every other file there draws a chart a finding declares
    drawings = {p.name for p in (docs["out"] / "findings").iterdir()} - pages
    declared = {name for name, f in model.findings.items() if f.charts}
    assert all(any(d.startswith(f"{name}-chart") for name in declared) for d in drawings), \
        sorted(drawings)
    table = (docs["out"] / "findings.md").read_text()
    names = model_names(model, [r.system for r in docs["results"].values()])
    for f in model.findings.values():
        page = (docs["out"] / "findings" / f"{f.name}.md").read_text()
        title = short_title(f.title, names)  # the page's title: the claim, in the text's words
        assert page.startswith(f"# {title}\n")
        assert f"`{f.prop}`" in page and ", ".join(f.variants) in page
        assert f"[{title}](findings/{f.name}.md)" in table  # the row links its page
    assert "## By CR and spec file" in table and "`002_" in table  # the index by file


@needs_spec_text
def test_quotes_are_verbatim_spec_sentences_with_clause_and_step(docs):
    texts = _spec_texts()
    for page in _pages(docs):
        quotes = [line[2:] for line in page.read_text().splitlines() if line.startswith("> ")]
        assert quotes, f"{page.name} quotes no spec sentence"
        for q in quotes:
            assert any(q in t for t in texts), f"{page.name}: not verbatim: {q[:80]}"
    # the release-overtaken finding turns on 10.16.3.2 step 1: its sentence is on the page
    page = (docs["out"] / "findings" / "release-overtaken.md").read_text()
    assert "**10.16.3.2 step 1** (file 002" in page
    assert ("> MC service client 1 releases the private call towards the MC service client 2 "
            "and puts the call into suspended state in MC service client.") in page


def test_chart_links_point_to_files_written(docs):
    for page in _pages(docs):
        charts = [t for _, t in LINK.findall(page.read_text()) if t.endswith(".svg")]
        assert charts, f"{page.name} links no chart"
        for target in charts:
            path = (page.parent / target).resolve()
            assert path in {p.resolve() for p in docs["written"]}, f"{page.name}: {target}"
        for _, target in LINK.findall(page.read_text()):  # verdicts, diffs, the table
            assert (page.parent / target).resolve().is_file(), f"{page.name}: {target}"


def test_class_line_follows_the_search(docs):
    model = docs["lm"].model
    results = docs["results"]
    f = model.findings["release-overtaken"]
    assert "depends on a reading of the text (reviewed:" in class_line(f, f.variants[0],
                                                                      results[f.variants[0]])
    # under its fix the property holds: the declared class must not be printed as holding
    fixed = class_line(f, f.fix, results[f.fix])
    assert fixed.startswith(f"no longer found in {f.fix}: release-not-overtaken holds")
    assert "is not printed as holding" in fixed
    page = (docs["out"] / "findings" / "release-overtaken.md").read_text()
    assert f"`{f.fix}`: release-not-overtaken holds there" in page
    # a class the search contradicts says so: a gap in the text needs a failure under every
    # choice, and this one fails only under some
    gap = dataclasses.replace(f, cls=GAP_IN_THE_TEXT)
    line = class_line(gap, f.variants[0], results[f.variants[0]])
    assert "violated only with" in line
    assert line.endswith("so that class does not apply") and not line.startswith(GAP_IN_THE_TEXT)


def test_chart_headers_carry_the_runs_parameter_values(docs):
    results = docs["results"]
    result = results["as_published"]
    v = next(v for v in result.verdicts if v.property.name == "release-not-overtaken")
    values = run_values(result.system, v.trace)
    chosen = [f"{n}={val}" for n, val, pinned in values if not pinned]
    assert chosen, "as_published explores choices"
    header = "run with " + ", ".join(chosen)
    base = docs["out"] / "private_call_migration" / "as_published" / "charts"
    assert header in (base / "release-not-overtaken.mmd").read_text()
    # Graphviz's header wraps long lines at a comma
    assert header in (base / "release-not-overtaken.dot").read_text().replace(",<br/>", ", ")
    # each step's clause: step 1 is the release of 10.16.3.2 step 1
    dot = (base / "release-not-overtaken.dot").read_text()
    assert re.search(r'id="clause-1".*label=<10\.16\.3\.2 pre-condition 2<br/>and step 1', dot)
    # and the finding page's Mermaid is the chart's own
    page = (docs["out"] / "findings" / "release-overtaken.md").read_text()
    assert (base / "release-not-overtaken.mmd").read_text().rstrip() in page


def test_glossary_has_every_state_message_and_element_a_chart_shows(docs):
    text = (docs["out"] / "glossary.md").read_text()
    g = glossary((r.system.name, r.system) for r in docs["results"].values())
    shown_states: set[str] = set()
    shown_elements: set[str] = set()
    shown_messages: set[str] = set()
    for result in docs["results"].values():
        for v in result.verdicts:
            if v.trace is None:
                continue
            c = chart(result.system, v.trace, "t")
            for _, _, note in c.notes:  # a state change is one "; "-part of a note
                for part in note.split("; "):  # (a state name may hold a space)
                    change = re.fullmatch(r"(?:observes: )?([\w ]+) → ([\w ]+)", part)
                    if change:
                        shown_states |= set(change.groups())
            for a in c.arrows:
                shown_messages.add(type(a.message).title)
                shown_elements |= set(a.message.present())
    assert shown_states and shown_elements and shown_messages
    assert shown_states <= set(g["states"]), shown_states - set(g["states"])
    assert shown_elements <= set(g["elements"]), shown_elements - set(g["elements"])
    assert shown_messages <= set(g["messages"]), shown_messages - set(g["messages"])
    for name in shown_states | shown_elements:
        assert f"| `{name}` |" in text, name
    for title in shown_messages:
        assert f"| {title} |" in text, title
    assert "(*, " not in text, "a dataclass signature is no description"


def test_each_fix_lists_the_verdicts_it_flips_against_its_baseline(docs):
    """A delegate attributes a flip to the fix's one change: the page lists every verdict
    that differs between the fix and the variant it changes, from this run's results, and
    the finding's own property is among them whenever the fix changes its verdict."""
    model, results = docs["lm"].model, docs["results"]
    fixed = [f for f in model.findings.values() if f.fix]
    assert fixed
    for f in fixed:
        text = (docs["out"] / page_path(f)).read_text()
        base = model.variants[f.fix].baseline or next(iter(model.variants))
        status = {v: {x.property.name: x.status for x in results[v].verdicts}
                  for v in (base, f.fix)}
        flipped = sorted(n for n in status[f.fix]
                         if n in status[base] and status[base][n] != status[f.fix][n])
        head = (f"Against its baseline, `{base}`, the variant it changes, it flips "
                f"{len(flipped)} verdict")
        assert head in text, (f.name, head)
        listed = re.findall(r"^- `([^`]+)`: (\S+) -> (\S+) \(", text.split(head, 1)[1], re.M)
        assert sorted(name for name, _, _ in listed) == flipped, f.name
        for name, a, b in listed:
            assert (a, b) == (status[base][name], status[f.fix][name]), (f.name, name)
        if status[base][f.prop] != status[f.fix][f.prop]:
            assert f.prop in flipped, f.name


def test_spec_quotes_locate_or_say_so():
    spec = SpecText(CLAUSES)
    (q,) = spec.quotes("10.16.3.2 NOTE 3")
    assert q.file.startswith("002_") and q.text.startswith("If another private call request")
    two = spec.quotes("10.16.5.3 step 2")  # published (CR 001) and changed (CR 000)
    assert {x.file[:3] for x in two} == {"000", "001"}
    assert "only if the called party belongs to the same MC system" in next(
        x.text for x in two if x.file.startswith("000"))
    (item,) = spec.quotes("X.1.7.1 item 6b")
    assert item.text.startswith("should the called MC user migrate again")
    (missing,) = spec.quotes("10.8.3.1")  # cited by 10.16.2.2, its heading is not in our text
    assert not missing.located
    assert spec.quotes("TS 23.379 10.6.3.3") == []  # another specification: not quoted


@needs_spec_text
def test_a_citation_of_quoted_words_quotes_only_their_sentence():
    """A finding that turns on one sentence of a long clause cites its words: the page
    quotes that sentence, verbatim, and not the clause's three paragraphs."""
    spec = SpecText(CLAUSES)
    (whole,) = spec.quotes("X.1.6")
    (one,) = spec.quotes('X.1.6 "to inform the primary MC system"')
    assert one.text.startswith("The partner MC server uses this information to inform")
    assert one.text.endswith("10.6.3.3.") and "\n" not in one.text
    assert one.text in whole.text and len(one.text) < len(whole.text) // 4
    assert one.text in (spec_folder(CLAUSES) / one.file).read_text(encoding="utf-8")
    (nowhere,) = spec.quotes('X.1.6 "words the clause does not hold"')
    assert not nowhere.located  # never the whole clause instead


def test_spec_folder_and_files_missing_name_the_file(tmp_path, monkeypatch):
    monkeypatch.delenv("MCFSM_SPEC", raising=False)  # the clause list's own folder
    clauses = tmp_path / "clauses.txt"
    clauses.write_text("# the spec text in ../nowhere/\n10.16.1 | 003 | general\n")
    with pytest.raises(UsageError, match="nowhere"):
        spec_folder(clauses)  # what needs the text itself says where it looked
    # the quotes come from the record then, and a question it never recorded says how to
    with pytest.raises(UsageError, match=r"no record of .*--spec DIR"):
        SpecText(clauses).quotes("10.16.1")
    (tmp_path / "spec").mkdir()
    clauses.write_text("# the spec text in ./spec/\n10.16.1 | 003 | general\n")
    spec = SpecText(clauses)
    with pytest.raises(UsageError, match="003_"):
        spec.quotes("10.16.1")


def test_finding_fields_are_validated_and_default_empty():
    f = Finding("x", "p", ("base",), CHOICE, "why")
    assert f.clauses == () and f.reading == ""
    g = Finding("x", "p", ("base",), CHOICE, "why", clauses=["X.1.6"], reading="one sentence")
    assert g.clauses == ("X.1.6",)
    with pytest.raises(ModelError, match="clauses="):
        Finding("x", "p", ("base",), CHOICE, "why", clauses="X.1.6")  # type: ignore[arg-type]
    with pytest.raises(ModelError, match="reading"):
        Finding("x", "p", ("base",), CHOICE, "why", reading=3)  # type: ignore[arg-type]


def test_a_message_not_in_the_text_is_drawn_so():
    class Ack(Message, not_in_text="the text defines no acknowledgement"):
        user: str = M("whose")

    class Note(Message):
        user: str = M("whose")
        not_in_text = "a departure notice: no clause defines one"

    assert Ack.not_in_text.startswith("the text") and Note.not_in_text.startswith("a departure")
    c = Chart((("a", "A"), ("b", "B")), (Arrow("a", "b", Ack(user="u"), 0, 1, "X.1.6"),),
              (), 1, "t", "", context=("run with p=1",), clauses=((1, "X.1.6"),))
    dot = chart_dot(c)
    assert "not in the text" in dot and "style=dotted" in dot and "run with p=1" in dot
    assert "[not in the text: the text defines no acknowledgement]" in mermaid(c)
    with pytest.raises(ModelError, match="not_in_text"):
        class Bad(Message, not_in_text=3):  # type: ignore[arg-type]
            pass

    class Reg(Message):  # an element the model adds to a message the text defines
        user: str = M("whose")
        seq: int = M("migration count", not_in_text="candidate fix: ordering")

    assert [e.not_in_text for e in Reg.elements] == ["", "candidate fix: ordering"]
    c = Chart((("a", "A"), ("b", "B")), (Arrow("a", "b", Reg(user="u", seq=1), 0, 1),),
              (), 1, "t", "")
    assert "seq=1 (not in the text)" in chart_dot(c) and "user=u," in mermaid(c)
    assert "user=u (not" not in mermaid(c)
    with pytest.raises(ModelError, match="not_in_text"):
        M("x", not_in_text=True)  # type: ignore[arg-type]


def test_html_report_has_a_findings_section_with_quotes(docs, tmp_path):
    from mcfsm.show.html_report import write_report

    # the docs' own runs (the same model, variants and engine): explored once per module
    lm, results = docs["lm"], docs["results"]
    write_report([lm], tmp_path, run=lambda _, variant: (results[variant].system,
                                                         results[variant]))
    page = (tmp_path / "private_call_migration.html").read_text()
    assert '<section id="findings">' in page
    for f in lm.model.findings.values():
        assert f'id="finding-{f.name}"' in page
    # the quote is the spec's sentence (HTML-escaped by the template, nothing else changed)
    assert ("<blockquote><p>MC service client 1 releases the private call towards the MC "
            "service client 2 and puts the call into suspended state in MC service client.</p>"
            "</blockquote>") in page
    assert 'href="private_call_migration.html#findings"' in (tmp_path / "index.html").read_text()


def test_long_charts_are_cut_into_pages_that_fit_an_a4_page(docs):
    svgs = [p for p in docs["written"] if p.suffix == ".svg" and "charts" in p.parent.name]
    assert svgs
    heights = {p: float(re.search(r'<svg[^>]*height="([\d.]+)pt"', p.read_text(), re.S)
                        .group(1)) for p in svgs}
    assert max(heights.values()) <= 1000, max(heights.items(), key=lambda kv: kv[1])
    pages = [p for p in svgs if re.search(r"-p\d+\.svg$", p.name)]
    assert pages, "no chart of private_call_migration is long enough to need pages"
    second = pages[0].with_suffix(".dot").read_text()
    assert "continued from page" in second and re.search(r"page \d+ of \d+", second)
    first = Path(re.sub(r"-p\d+\.svg$", ".dot", str(pages[0])))
    assert "continued on page 2" in first.read_text()
    # the verdict's end mark (✗ violated / ✓ witnessed) is on the last page only
    chart_pages = sorted(first.parent.glob(first.stem + "-p*.dot"),
                         key=lambda p: int(p.stem.rsplit("-p", 1)[1]))
    *earlier, last = [first, *chart_pages]
    assert re.search(r"[✗✓] [\w-]+ (violated|witnessed) after step", last.read_text())
    for page in earlier:
        assert not re.search(r"[✗✓] [\w-]+ (violated|witnessed)", page.read_text()), page.name


def test_a_long_lasso_keeps_its_cycle_whole_on_the_last_page():
    class Ping(Message):
        n: int = M("which")

    steps = 60
    arrows = tuple(Arrow("a" if k % 2 else "b", "b" if k % 2 else "a", Ping(n=k), k - 1, k)
                   for k in range(1, steps + 1))
    c = Chart((("a", "A"), ("b", "B")), arrows, (), steps, "lasso", "", outcome="p violated",
              failed=True, loop_start=50)
    pages = chart_pages(c)
    assert len(pages) > 1
    *earlier, last = pages
    assert last.first <= 51 and last.loop_start == 50 and "loop-frame" in chart_dot(last)
    for page in earlier:
        assert page.loop_start is None and "loop-frame" not in chart_dot(page)
        assert "continued on page" in page.footnote and not page.failed
    # every step is drawn on exactly one page
    assert [k for p in pages for k in range(p.first, p.steps + 1)] == list(range(1, steps + 1))


def test_a_page_puts_the_finding_s_own_sentences_first_and_a_paragraph_to_paste(docs):
    """Issue 32 item 6: the sentences cited by the finding (or its property) first and
    apart, the chart's other citations folded; a paragraph for a contribution built from
    the page's own data; forced assumptions listed with what the verdict rests on."""
    for page in _pages(docs):
        text = page.read_text()
        # the sentences it turns on come first, before anything else is said
        sections = re.findall(r"^## (.*)$", text, re.M)
        assert sections[0] == "The text it turns on", page.name
        head = text.partition("## Why it is classed so")[0]
        assert "**Forced by the text** (or by a CR's cover page):" in text
        # a fix that leaves the property violated says so in words, not only in a verdict
        fix = text.partition("## Candidate fix")[2]
        assert ("violated there" in fix) == ("**It does not close the finding**" in fix), page.name
        if head.split("\n")[2].startswith("*artefact of the model*"):
            # nothing of the text to cite: no paragraph to paste, and the page says so
            assert "Not for a contribution" in head and "```text" not in head, page.name
            continue
        paragraph = head.split("```text\n", 1)[1].split("\n```", 1)[0]
        assert paragraph.startswith("Observation: ") and "Proposed change: " in paragraph
        # in the text's words: no parameter choice, no model name (the modeller's block
        # holds them)
        assert not re.search(r"\b\w+=\w+", paragraph), page.name
        assert "whatever the choices" not in paragraph, page.name


def test_a_gap_s_modeller_notes_name_the_variant_and_the_choices_it_spans():
    """The paragraph to paste speaks the text's words; which variant explored which
    choices is the modeller's, in the folded block (issue 56 item 4)."""
    page = (ROOT / "diagrams" / "findings" / "abandoned-registration-lifecycle.md").read_text()
    paragraph = page.split("```text\n", 1)[1].split("\n```", 1)[0]
    assert "lossy_registration_retries" not in paragraph
    modeller = page.split("<details><summary>For the modeller</summary>", 1)[1]
    assert "- lossy_registration_retries: gap in the text" in modeller


def test_a_gap_that_holds_under_some_choices_says_they_are_no_reading_of_the_text():
    """A gap declared with outside_readings is violated only under some choices: the
    modeller's block names them beside the class the search bears out."""
    page = (ROOT / "diagrams" / "findings" / "abandoned-registration.md").read_text()
    modeller = page.split("<details><summary>For the modeller</summary>", 1)[1]
    assert "gap in the text" in modeller and "register_timeout" in modeller


def test_the_paragraphs_scenario_ends_with_what_the_last_step_sent():
    """The violation judged after the last step is often the message it sent (a
    redirection naming the ID the user has left), which the chart draws still in flight:
    the scenario takes that step's sends into its last line, before its clause, and only
    that step's."""
    from mcfsm.show.finding_pages import scenario_steps

    lines = ["0. initial state:", "     client: idle",
             "1. A: calls  (X.1 item 1)", "     sends Call {id=1} to B",
             "2. B receives Call {id=1} from A; redirects  (10.16.5.3 step 2)",
             "     state idle -> busy", "     sends Redirection {to=old} to A"]
    assert scenario_steps(lines) == [
        "1. A: calls  (X.1 item 1)",
        "2. B receives Call {id=1} from A; redirects; sends Redirection {to=old} to A"
        "  (10.16.5.3 step 2)"]


def test_a_scenario_that_starts_mid_exchange_says_what_is_in_flight_first(docs):
    """setup-abandoned's run starts with client 1's INVITE already sent: its paragraph says
    so before step 1, in the text's words, wherever the paragraph has room for its steps."""
    from mcfsm.show.finding_pages import contribution, finding_data

    lm, results = docs["lm"], docs["results"]
    f = lm.model.findings["setup-abandoned"]
    d = finding_data(lm, dataclasses.replace(f, title="The set-up fails"), results,
                     SpecText(CLAUSES))
    assert ("Scenario: The private call request with user1@A as the MC service ID of the "
            "calling party and user2@A as the MC service ID of the called party is on its way "
            "from MC service client 1 to MC service server A. 1. ") in contribution(d)
