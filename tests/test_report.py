"""Outputs a spec author reads: values in spec notation, why a counterexample ends, the
closing summary, charts with step numbers and an end mark, the CR diff's words, the HTML
report's content, and `mcfsm init`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mcfsm import Instance, Role, System, Transition, Var, all_of, always, explore
from mcfsm.lang.messages import M, Message
from mcfsm.show.charts import dot, mermaid, verdict_chart
from mcfsm.show.explain import explain
from mcfsm.show.values import message_words, plural, spec_value

from .conftest import ROOT, run_cli


class Hello(Message, clause="test"):
    who: str = M("who says hello")


# -- values in spec notation -------------------------------------------------------------
@pytest.mark.parametrize("value,words", [
    (frozenset({"user2@A", "user1@A"}), "{user1@A, user2@A}"),
    (frozenset(), "none"),
    ((), "none"),
    (None, "none"),
    (False, "no"),
    (True, "yes"),
    (("A", "B"), "⟨A, B⟩"),
    ("", '""'),
    (3, "3"),
    (frozenset({("user2@B", "user2@A")}), "{⟨user2@B, user2@A⟩}"),
])
def test_values_print_as_a_spec_author_writes_them(value, words):
    assert spec_value(value) == words


def test_sets_are_sorted_whatever_the_hash_seed():
    # The same set built in two insertion orders prints the same.
    assert spec_value(frozenset(["b", "a", "c"])) == spec_value(frozenset(["c", "b", "a"])) == "{a, b, c}"


def test_messages_print_by_title_with_their_elements():
    assert message_words(Hello(who="user1@A")) == "Hello {who=user1@A}"


def test_plural():
    assert (plural(1, "step"), plural(2, "step"), plural(1, "round trip"), plural(0, "message")) \
        == ("1 step", "2 steps", "1 round trip", "0 messages")


# -- why a counterexample ends -----------------------------------------------------------
def _counter(prop_factory):
    role = Role("counter", states=["counting"], initial="counting", final=["counting"],
                variables={"n": Var(int, 0), "flag": Var(bool, False)},
                transitions=[Transition("tick", "counting", None, clause="t",
                                        conditions=[lambda ctx: ctx.v.n < 3],
                                        after=[lambda ctx: setattr(ctx.v, "n", ctx.v.n + 1)])])
    system = System("counter", instances=[Instance("c", role, label="the counter")],
                    properties=[prop_factory()])
    result = explore(system)
    [verdict] = [v for v in result.verdicts if v.property.name == "small"]
    return system, verdict


def test_the_note_names_the_failing_sub_conditions_of_all_of():
    system, verdict = _counter(lambda: always("small", all_of({
        "the count stays under two": lambda v: v["c"].n < 2,
        "the flag stays down": lambda v: not v["c"].flag}), clause="t"))
    assert verdict.status == "violated" and len(verdict.trace) == 2
    assert explain(system, verdict) == "fails: the count stays under two"


def test_the_note_uses_the_property_explain_sentence():
    system, verdict = _counter(lambda: always("small", lambda v: v["c"].n < 2, clause="t",
                                              explain=lambda v: f"the count reached {v['c'].n}"))
    assert explain(system, verdict) == "the count reached 2"


def test_without_help_the_note_says_what_the_last_step_changed():
    system, verdict = _counter(lambda: always("small", lambda v: v["c"].n < 2, clause="t"))
    assert explain(system, verdict) == "false after step 2, where the counter changed n 1 -> 2"


def test_every_counterexample_in_check_json_has_a_note():
    [record] = json.loads(run_cli("check", "tests/validation/diehard.py", "--json").stdout)
    violated = [p for p in record["properties"] if p["verdict"] == "violated"]
    assert violated and all(p["note"] for p in violated)
    assert all("doc" in p for p in record["properties"])


# -- closing summary and --summary -------------------------------------------------------
def _validation_counts(*extra: str) -> tuple[int, int, int, int]:
    """(variants, properties, unexpected, violated) of tests/validation, from check --json."""
    records = json.loads(run_cli("check", "tests/validation/", "--json", *extra).stdout)
    props = [p for r in records for p in r["properties"]]
    unexpected = sum(1 for p in props if p["expected"] not in (None, p["verdict"]))
    violated = sum(1 for p in props if p["verdict"] == "violated")
    return len(records), len(props), unexpected, violated


def test_check_closes_with_one_summary_line():
    variants, props, unexpected, _ = _validation_counts("--expected")
    # diehard's NotSolved is violated and declared to hold: at least one unexpected
    assert unexpected >= 1
    proc = run_cli("check", "tests/validation/", "--expected")
    assert proc.stdout.rstrip().splitlines()[-1] == (
        f"{variants} variants: {props - unexpected} verdicts as expected, {unexpected} unexpected")


def test_summary_prints_one_line_per_variant():
    variants, _, _, violated = _validation_counts()
    proc = run_cli("check", "tests/validation/", "--summary")
    lines = proc.stdout.rstrip().splitlines()
    assert len(lines) == variants + 1  # one per variant and the closing line
    diehard = next(line for line in lines if line.startswith("diehard[jugs_3_5]"))
    assert diehard.startswith("diehard[jugs_3_5]: 16 states") and "1 VIOLATED" in diehard
    assert lines[-1].startswith(f"{variants} variants: ") and f"{violated} VIOLATED" in lines[-1]


def test_check_text_gives_the_property_description_with_the_counterexample():
    proc = run_cli("check", "models/group_call_migration.py", "--variant", "break_before_make")
    assert "the property: while the group call is ongoing, client 1 receives it" in proc.stdout


def test_list_shows_property_descriptions():
    proc = run_cli("list", "models/group_call_migration.py")
    assert "while the group call is ongoing, client 1 receives it in some system" in proc.stdout


# -- charts ------------------------------------------------------------------------------
def test_charts_number_the_arrows_and_mark_the_end():
    from mcfsm.lang.loader import load_path

    [lm] = load_path(ROOT / "models" / "group_call_migration.py")
    system = lm.model.system("break_before_make")
    result = explore(system)
    verdict = next(v for v in result.verdicts if v.property.name == "rejoins-when-affiliated")
    c = verdict_chart(system, verdict, "t")
    text = dot(c)
    received = [a.received_at for a in c.arrows if a.received_at is not None]
    for step in received:  # each arrow's label starts with the step that received it
        assert f"<b>{step}. " in text
    assert "✗ rejoins-when-affiliated violated after step 9" in text
    assert "layout=neato" in text and "outputorder=edgesfirst" in text
    mmd = mermaid(c)
    assert all(f": {step}. " in mmd for step in received)
    assert "✗ rejoins-when-affiliated violated after step 9" in mmd


def test_role_diagrams_draw_one_edge_per_transition_and_no_red_initial_state():
    from mcfsm.lang.loader import load_path
    from mcfsm.show.diagrams import role_dot

    [lm] = load_path(ROOT / "models" / "private_call_redirect.py")
    role = next(i.role for i in lm.model.system("base").instances if i.role.name == "MC service server")
    text = role_dot(role, fired=set())
    # every state filled the same neutral grey; the initial one is marked by a start dot
    assert set(re.findall(r'fillcolor="([^"]+)"', text)) == {"#f4f6f9", "#333333"}
    assert f'"__start" -> "{role.initial}"' in text
    # a single-state server lists each of its transitions, never-fired ones marked
    assert text.count("↻") == len(role.transitions)
    assert text.count("(never fired)") == len(role.transitions)


def test_export_png_and_pdf(tmp_path):
    run_cli("check", "tests/validation/diehard.py", "--traces", str(tmp_path))
    trace = tmp_path / "diehard.jugs_3_5.NotSolved.trace.json"
    for fmt, magic in (("png", b"\x89PNG"), ("pdf", b"%PDF")):
        out = tmp_path / f"chart.{fmt}"
        proc = run_cli("export", str(trace), "--format", fmt, "--out", str(out))
        assert proc.returncode == 0, proc.stderr
        assert out.read_bytes().startswith(magic)
    proc = run_cli("export", str(trace), "--format", "png")
    assert proc.returncode == 2 and "--out FILE" in proc.stderr


# -- the HTML report ---------------------------------------------------------------------
def test_html_report_is_self_contained_and_explains_itself(group_call_report):
    # `mcfsm report models/group_call_migration.py --out DIR`, run once per test run (the
    # browser test reads the same pages): tests/conftest.py
    tmp_path = group_call_report
    page = (tmp_path / "group_call_migration.html").read_text()
    index = (tmp_path / "index.html").read_text()
    assert 'href="group_call_migration.html"' in index
    # no network: nothing is loaded from elsewhere
    assert not re.search(r'(src|href)="(https?:)?//', page)
    for words in ("while the group call is ongoing, client 1 receives it in some system",
                  "break_before_make", "make_before_break", "now holds", "Assumptions",
                  "never fired", 'data-testid="verdict-table"', "<svg", 'class="trace-body"'):
        assert words in page, words
    # each trace's chart and data sit beside the page and load when it is opened
    bodies = []
    for script in sorted((tmp_path / "group_call_migration.traces").glob("*.js")):
        call = re.fullmatch(r'mcfsmTrace\(("[^"]+"), (.*)\);\n', script.read_text(), re.S)
        assert call, script
        assert f'data-src="group_call_migration.traces/{script.name}"' in page
        bodies.append(json.loads(call.group(2)))
    assert "<svg" in "".join(bodies)
    data = [json.loads(m) for body in bodies for m in re.findall(
        r'<script type="application/json" class="trace-data">(.*?)</script>', body, re.S)]
    assert data and all(len(d["states"]) == d["steps"] + 1 for d in data)
    assert all("frozenset" not in json.dumps(d) for d in data)


def _capped_counter(cap: int) -> System:
    """A counter that ticks while under `cap`; `small` (n < 2) fails once it can reach 2."""
    role = Role("counter", states=["counting"], initial="counting", final=["counting"],
                variables={"n": Var(int, 0)},
                transitions=[Transition("tick", "counting", None, clause="t",
                                        conditions=[lambda ctx: ctx.v.n < cap],
                                        after=[lambda ctx: setattr(ctx.v, "n", ctx.v.n + 1)])])
    return System(f"counter-{cap}", instances=[Instance("c", role, label="the counter")],
                  properties=[always("small", lambda v: v["c"].n < 2, clause="t",
                                     doc="the count stays under two")])


def test_html_report_diffs_each_variant_and_fix_against_its_baseline(tmp_path):
    """Issue 18: a CR diff and a finding's fix compare against the variant declared as
    `baseline`, not the model's first. Here the fix restores the published cap: against
    the first variant it changes nothing, against its baseline (`broken`) it flips `small`."""
    from mcfsm import Model
    from mcfsm.lang.findings import GAP_IN_THE_TEXT
    from mcfsm.lang.loader import LoadedModel
    from mcfsm.show.html_report import write_report

    model = Model("capped")
    model.add_variant("published", lambda: _capped_counter(1))
    model.add_variant("broken", lambda: _capped_counter(3), baseline="published",
                      expect={"small": "violated"})
    model.add_variant("fix", lambda: _capped_counter(1), baseline="broken")
    model.finding("overshoot", prop="small", variants=("broken",), cls=GAP_IN_THE_TEXT,
                  why="the cap lets the count reach two", fix="fix")
    write_report([LoadedModel(tmp_path / "capped.py", model)], tmp_path / "html")
    page = (tmp_path / "html" / "capped.html").read_text()
    diffs = page[page.index('<section id="diffs">'):]
    diffs = diffs[:diffs.index("</section>")]
    assert re.findall(r">(\w+ → \w+)</h3>", diffs) == ["published → broken", "broken → fix"]
    assert re.findall(r'<h3 id="(diff-[\w-]+)">', diffs) == ["diff-published-vs-broken",
                                                              "diff-broken-vs-fix"]
    # broken -> fix: `small` goes from violated to holds, said as the CR diff says it
    assert re.search(r'<th scope="row">small<div class="doc">the count stays under two</div>'
                     r'</th>\s*<td class="v-violated">violated</td><td class="v-holds">holds</td>'
                     r"<td>now holds</td>", diffs.split('id="diff-broken-vs-fix"')[1])
    finding = page[page.index('id="finding-overshoot"'):]
    finding = finding[finding.index("<h4>Candidate fix</h4>"):finding.index("</details>")]
    assert ("Against its baseline, <code>broken</code>, the variant it changes "
            '(<a href="#diff-broken-vs-fix">CR diff</a>), it flips 1 verdict: small.') in finding
    assert re.search(r'<td class="v-violated">violated</td><td class="v-holds">holds</td>'
                     r"<td>now holds</td>", finding)
    assert "published" not in finding  # the model's first variant is not what the fix changes


def test_html_report_command_validates_variants(tmp_path):
    proc = run_cli("report", "models/group_call_migration.py", "--variant", "nope", "--out",
                   str(tmp_path))
    assert proc.returncode == 2 and "--variant 'nope'" in proc.stderr


# -- mcfsm init --------------------------------------------------------------------------
def test_init_writes_a_model_that_checks_and_a_test_that_passes(tmp_path):
    proc = run_cli("init", "demo", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    check = run_cli("check", "demo.py", "--expected", cwd=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "holds     answered-once" in check.stdout
    import subprocess
    import sys

    test = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "test_demo.py"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)
    assert test.returncode == 0, test.stdout
    again = run_cli("init", "demo", cwd=tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr


def test_init_rejects_a_name_that_is_not_an_identifier(tmp_path):
    proc = run_cli("init", "my-model", cwd=tmp_path)
    assert proc.returncode == 2 and "not a Python identifier" in proc.stderr
    assert not any(Path(tmp_path).iterdir())


def test_a_pipe_in_a_description_stays_inside_its_markdown_cell(tmp_path):
    """A `|` in a property's doc or clause must not split the CR diff's or the verdict
    table's rows (issue 21)."""
    from click.testing import CliRunner

    from mcfsm.cli import main

    source = (Path(__file__).parent / "validation" / "diehard.py").read_text().replace(
        'clause="DieHard.tla NotSolved (big # 4)")', 'clause="DieHard.tla | NotSolved", '
        'doc="big | small never 4")')
    source += '\n\n@model.variant("again")\ndef again() -> System:\n    return jugs()\n'
    (tmp_path / "diehard.py").write_text(source)
    r = CliRunner().invoke(main, ["diagram", str(tmp_path / "diehard.py"), "--out",
                                  str(tmp_path / "d"), "--no-svg"])
    assert r.exit_code == 0, r.output
    for table in (tmp_path / "d" / "diehard" / "verdicts.md",
                  tmp_path / "d" / "diehard" / "diff-jugs_3_5-vs-again.md"):
        rows = [line for line in table.read_text().splitlines() if "NotSolved" in line
                and line.startswith("| NotSolved")]
        assert rows, table
        header = next(line for line in table.read_text().splitlines() if line.startswith("| ---"))
        for row in rows:
            assert row.replace("\\|", "").count("|") == header.count("|"), row


def test_html_report_findings_carry_the_paragraph_to_paste_and_the_chart(group_call_report):
    """As the finding's Markdown page does (issue 72 item 5): each finding section of the
    HTML report holds the paragraph a delegate pastes and its shortest chart, drawn inline."""
    import re

    html = (group_call_report / "group_call_migration.html").read_text()
    sections = re.findall(r'<details class="finding" id="finding-[^"]+">(.*?)</details>', html, re.S)
    assert sections
    for section in sections:
        assert "The finding, in a paragraph to paste" in section
        assert re.search(r'<blockquote class="paste"><p>\S', section)
    assert sum('<figure class="finding-chart"><svg' in s for s in sections) >= 3
