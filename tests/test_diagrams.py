"""diagrams/ is current, and `mcfsm diff` / `mcfsm diagram` / `mcfsm export` work as the
real commands. The staleness test regenerates every text file (DOT, Mermaid, Markdown,
trace JSON, ITF) and compares it with the committed one; SVGs are rendered from the
committed DOT files, so each DOT must have its SVG."""

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from mcfsm.lang.faults import SWITCHED_OFF

from .conftest import ROOT, run_cli


@pytest.mark.slow
def test_committed_diagrams_are_current(tmp_path, monkeypatch):
    """Regenerated with no spec text reachable (MCFSM_SPEC=off: the quotes from
    models/quotes.json alone, as on a clone with nothing beside it), byte for byte the
    committed files; the record is checked against the text by tests/test_spec_input.py."""
    monkeypatch.setenv("MCFSM_SPEC", "off")
    proc = run_cli("diagram", "models/", "--out", str(tmp_path), "--no-svg")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("not re-read") == 1  # said once, in one line
    fresh = {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()}
    committed_dir = ROOT / "diagrams"
    committed = {p.relative_to(committed_dir) for p in committed_dir.rglob("*")
                 if p.is_file() and p.suffix != ".svg"}
    # `mcfsm diagram` never deletes files, so a chart that is no longer produced stays behind
    assert fresh == committed, ("diagrams/ is stale: run `rm -rf diagrams && "
                                "mcfsm diagram models/ --out diagrams/`",
                                sorted(fresh ^ committed)[:10])
    stale = [str(p) for p in sorted(fresh)
             if (tmp_path / p).read_text() != (committed_dir / p).read_text()]
    assert not stale, f"stale files (run `mcfsm diagram models/ --out diagrams/`): {stale[:10]}"
    for dot in committed_dir.rglob("*.dot"):
        assert dot.with_suffix(".svg").exists(), f"{dot} has no SVG"


def test_diff_of_kms_cr_shows_the_fix_and_the_saved_round_trip():
    text = (ROOT / "diagrams" / "private_call_redirect" / "diff-base-vs-cr_kms_uri.md").read_text()
    assert "| e2e-kms-uri-known | a protected call is requested only with" in text
    # a reading CR 001 settles (session 32): violated only with kms_without_uri=none
    assert ("depends on a reading of the text (reviewed: violated only with "
            "kms_without_uri=none, a reading the published text allows") in text
    assert ("The published redirection carries no KMS URI and the published text does not "
            "require the lookup; CR 001's element closes it") in text
    assert ("mandatory when the element is absent); violated only with kms_without_uri=none; "
            "rests on ") in text and "unforced assumptions and the pinned readings" in text
    [row] = [line for line in text.splitlines() if line.startswith("| e2e-kms-uri-known |")]
    assert "registered_and_notified=deliver" in row and row.endswith(") | holds | **now holds** |")
    assert ("| protected-call-connects-after-redirection | 16 steps, 14 messages, 3 round trips "
            "| 14 steps, 12 messages, 2 round trips |") in text
    # human names, not Python identifiers; variants by name, not "A"/"B"
    assert "Messages delivered only in base: Kms lookup request, Kms lookup response" in text
    assert "KmsLookupRequest" not in text and "| A | B |" not in text
    assert "```mermaid" in text
    # the SVG chart beside the Mermaid text
    svg = ROOT / "diagrams" / "private_call_redirect" / "diff-base-vs-cr_kms_uri-charts" / \
        "e2e-kms-uri-known-base.svg"
    assert "(diff-base-vs-cr_kms_uri-charts/e2e-kms-uri-known-base.svg)" in text and svg.exists()


def test_diff_of_migration_indication_cr_shows_what_note2_at_the_primary_changes():
    """CR 000 on top of CR 001: the same-system check fixes the primary redirecting a
    foreign caller, and NOTE 2's re-check by the primary names another partner's ID,
    which NOTE 2 at the partner never does (issue 12)."""
    path = ROOT / "diagrams" / "private_call_redirect" / "diff-cr_kms_uri-vs-cr_both.md"
    text = path.read_text()
    row = next(line for line in text.splitlines() if line.startswith("| primary-redirects-own-users |"))
    assert row.endswith("| holds | **now holds** |"), row
    assert "note2-redirects-to-another-partner" in text
    assert "witnessed only with note2_server=primary" in text
    # NOTE 2 applied at the primary and at the partner, in the transitions' own words
    assert "re-checks the indicated MC service ID and redirects to the current one" in text
    assert "re-checks the indicated MC service ID: removed, redirects to the primary" in text


def test_every_fix_variant_has_its_diff_against_the_text_it_fixes():
    fixes = sorted(ROOT.glob("diagrams/*/diff-*-vs-fix_*.md"))
    assert len(fixes) >= 5, fixes
    for path in fixes:
        text = path.read_text()
        # a fix flips a property to holds, leaves it violated under fewer readings, or
        # reaches a witness under more readings (a witness one reading never reached)
        assert ("**now holds**" in text or "**violated under fewer readings" in text
                or "**witnessed under more readings" in text), \
            f"{path.name} fixes nothing"


def test_diff_command_text_json_and_markdown(tmp_path):
    report = tmp_path / "diff.md"
    proc = run_cli("diff", "models/group_call_migration.py", "--variant", "break_before_make",
                   "--variant", "make_before_break", "--markdown", str(report))
    assert proc.returncode == 1  # verdicts change
    assert "group-continuity" in proc.stdout and "now holds" in proc.stdout
    assert "```mermaid" in report.read_text()
    proc = run_cli("diff", "models/group_call_migration.py", "--variant", "break_before_make",
                   "--variant", "make_before_break", "--json")
    data = json.loads(proc.stdout)
    change = next(p for p in data["properties"] if p["name"] == "group-continuity")
    assert (change["a"], change["b"], change["change"], change["counterexample_in"]) == \
        ("violated", "holds", "now holds", "break_before_make")


def test_diff_needs_two_variants_or_one_with_a_baseline():
    proc = run_cli("diff", "models/group_call_migration.py", "--variant", "break_before_make")
    assert proc.returncode == 2 and "declares no baseline" in proc.stderr
    assert "give --variant twice" in proc.stderr


def test_export_itf_and_mermaid(tmp_path):
    run_cli("check", "tests/validation/diehard.py", "--traces", str(tmp_path))
    trace = tmp_path / "diehard.jugs_3_5.NotSolved.trace.json"
    itf = json.loads(run_cli("export", str(trace), "--format", "itf").stdout)
    assert itf["#meta"]["format"] == "ITF" and len(itf["states"]) == 7
    assert itf["states"][-1]["jugs"]["big"] == {"#bigint": "4"}
    mmd = run_cli("export", str(trace), "--format", "mermaid").stdout
    assert mmd.startswith("sequenceDiagram") and "BigToSmall" in mmd


def test_diagram_command_writes_svg(tmp_path):
    proc = run_cli("diagram", "tests/validation/tcommit.py", "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "tcommit" / "rm3" / "product.svg").read_text().lstrip().startswith("<?xml")
    assert (tmp_path / "tcommit" / "rm3" / "roles" / "resource_manager.svg").exists()
    assert Path(tmp_path / "README.md").read_text().startswith("# Diagrams")


def _lost_steps(record: dict) -> list[int]:
    """The steps of a trace file that lose a message: a `lose` step of the network (a Loss,
    also the way a switched-off sender's messages are lost: lang/faults.py leaves what it
    sent in flight unless a Loss covers it), or an `ignore` step of an instance that was
    switched off before it (what reaches a switched-off party is lost)."""
    states = [record["initial_state"], *(n["state"] for n in record["narrated"])]
    return [k for k, step in enumerate(record["steps"], 1)
            if step["kind"] == "lose" or (
                step["kind"] == "ignore"
                and states[k - 1]["instances"][step["actor"]]["state"] == SWITCHED_OFF)]


def _still_in_flight(record: dict) -> Counter:
    """How many messages each step of the trace sent that are neither received, ignored nor
    lost at its end (by the step that sent them), read from the trace file alone."""
    pending: list[tuple] = []  # (sender, receiver, message, sent in step)
    for k, (step, told) in enumerate(zip(record["steps"], record["narrated"]), 1):
        if step["kind"] in ("receive", "ignore", "lose") and step.get("message") is not None:
            receiver = step["arg"] if step["kind"] == "lose" else step["actor"]
            match = (step["from"], receiver, step["message"])
            at = next((n for n, (s, r, m, _) in enumerate(pending) if (s, r, m) == match), None)
            if at is not None:
                del pending[at]
        if step["kind"] == "duplicate":  # the copy leaves where the original left
            match = (step["from"], step["arg"], step["message"])
            pending.append((*match, next((k for s, r, m, k in pending if (s, r, m) == match), 0)))
        pending += [(step["actor"], sent["to"], sent["message"], k) for sent in told["sends"]]
    return Counter(k for *_, k in pending)


def _pages(first: Path) -> list[Path]:
    """A chart's DOT pages in order: NAME.dot, NAME-p2.dot, ..."""
    more = sorted(first.parent.glob(first.stem + "-p*.dot"),
                  key=lambda p: int(p.stem.rsplit("-p", 1)[1]))
    return [first, *more]


def _check_drawn(record: dict, pages: list[Path], where: Path, mermaid: str | None = None) -> None:
    """Each loss a crossed arrow, and "still in flight" exactly what the trace left in
    flight (a lost message drawn in flight is one too many for the step that sent it)."""
    lost, left = len(_lost_steps(record)), _still_in_flight(record)

    def in_flight(text: str, pattern: str) -> Counter:
        return Counter(int(k) for k in re.findall(pattern, text))

    if mermaid is not None:
        assert len(re.findall(r"^    P\d+-xP\d+: \d+\. ✗ ", mermaid, re.M)) == lost, where
        assert in_flight(mermaid, r"\[sent in step (\d+), still in flight\]") == left, where
    dots = [p.read_text() for p in pages]
    assert sum(len(re.findall(r'\[id="step-\d+-lost", [^\n]*label="✗"', d)) for d in dots) \
        == lost, where
    # an arrow still in flight at the end is drawn on every page from its send to the last
    assert in_flight(dots[-1], r"\(sent in step (\d+), still in flight\)") == left, where
    svgs = [p.with_suffix(".svg") for p in pages]
    if all(s.exists() for s in svgs):
        drawn = [s.read_text() for s in svgs]
        assert sum(len(re.findall(r'id="step&#45;\d+&#45;lost"', d)) for d in drawn) == lost, where
        assert in_flight(drawn[-1], r"\(sent in step (\d+), still in flight\)") == left, where


def test_no_committed_chart_draws_a_lost_message_still_in_flight():
    """Every committed chart of a trace that loses messages (a `lose` step of the network,
    or a message that reached a switched-off party: _lost_steps) draws as many crossed
    arrows as losses, in its Mermaid, its DOT pages and their SVGs, and in the charts the
    CR diffs draw of the same trace; and what it draws "still in flight" is exactly what the
    trace file says was sent and never received, ignored or lost, step by step (checked on
    every committed chart, lossy or not)."""
    by_kind: Counter = Counter()
    traces = sorted(ROOT.glob("diagrams/*/*/charts/*.trace.json"))
    for trace_file in traces:
        record = json.loads(trace_file.read_text())
        for k in _lost_steps(record):
            by_kind[record["steps"][k - 1]["kind"]] += 1
        base = trace_file.name[: -len(".trace.json")]
        _check_drawn(record, _pages(trace_file.with_name(base + ".dot")), trace_file,
                     trace_file.with_name(base + ".mmd").read_text())
    # the CR diffs' charts: NAME-VARIANT.dot of the trace in VARIANT/charts/NAME.trace.json
    diffs = 0
    for folder in sorted(ROOT.glob("diagrams/*/diff-*-vs-*-charts")):
        sides = folder.name[len("diff-"):-len("-charts")].split("-vs-")
        for first in sorted(folder.glob("*.dot")):
            if re.search(r"-p\d+$", first.stem):
                continue
            variant = max((v for v in sides if first.stem.endswith("-" + v)), key=len)
            trace_file = (folder.parent / variant / "charts"
                          / f"{first.stem[: -len(variant) - 1]}.trace.json")
            record = json.loads(trace_file.read_text())
            diffs += bool(_lost_steps(record))
            _check_drawn(record, _pages(first), first)
    assert traces, "no committed chart: the test checks nothing"
    # the committed charts hold both kinds of loss, and a CR diff draws one
    assert by_kind["lose"] and by_kind["ignore"] and diffs, (by_kind, diffs)


@pytest.mark.slow
def test_the_html_report_needs_no_spec_text_and_leaves_the_checkout_clean(models_report):
    """README's first command's report step on a clone with nothing beside it (MCFSM_SPEC=off:
    conftest.py's models_report, whose pages tests/test_html_layout.py lays out): it runs,
    and writes nothing into the repository (no quote it lacked, no record it changed)."""
    html, before, after = models_report
    assert (html / "index.html").is_file()
    assert after == before, after
