"""Per-choice verdicts (check/choices.py) and the traceability matrix (show/matrix.py).

One run per parameter combination must give exactly the figures of one joint run: the
combinations are disjoint state spaces (parameters are constant), so distinct and total
states and coverage add up, depth is the deepest run's, and each shortest trace is the
shortest over the runs."""

from pathlib import Path

import pytest

from mcfsm import ModelError, explore
from mcfsm.check.cache import explore_cached
from mcfsm.check.choices import dependency, explore_by_choice
from mcfsm.errors import UsageError
from mcfsm.lang.loader import load_path
from mcfsm.show.matrix import matrix
from mcfsm.spec.clauses import covers, load_clauses, parse_ref

from .conftest import ROOT

GROUP = load_path(ROOT / "models" / "group_call_migration.py")[0]


@pytest.fixture(scope="module")
def group_model():
    return GROUP.model


def _by_choice(variant: str):
    """A bundled variant explored by choice, read through the result cache that the plugin's
    items for the same variant fill (explore_cached explores by choice on a miss)."""
    return explore_cached(GROUP.model.system(variant), loaded=GROUP, variant=variant)


def test_runs_per_choice_add_up_to_the_joint_run(group_model):
    system = group_model.system("break_before_make")
    joint = explore(system)
    split = explore_by_choice(system)
    assert len(split.per_choice) == 2  # group_document in {all_ids, primary_only}
    assert (split.distinct_states, split.total_states, split.depth) == \
        (joint.distinct_states, joint.total_states, joint.depth)
    assert split.coverage == joint.coverage
    for a, b in zip(joint.verdicts, split.verdicts):
        assert a.status == b.status, a.property.name
        assert (a.trace is None) == (b.trace is None)
        if a.trace is not None:
            assert len(a.trace) == len(b.trace), a.property.name


def test_dependency_words_name_the_choice(group_model):
    result = _by_choice("break_before_make")
    assert dependency(result, "rejoins-when-affiliated") == "only with group_document=primary_only"
    assert dependency(result, "group-continuity") == "whatever the choices"
    assert dependency(result, "no-deadlock") is None  # holds: nothing to explain


def test_restricting_to_an_unknown_choice_is_a_model_error(group_model):
    system = group_model.system("break_before_make")
    with pytest.raises(ModelError, match="no parameter 'colour'"):
        system.restricted({"colour": "red"})
    with pytest.raises(ModelError, match="has no choice 'some_ids'"):
        system.restricted({"group_document": "some_ids"})
    pinned = system.restricted({"group_document": "all_ids"})
    assert len(pinned.initial_states()) == 1 and len(system.initial_states()) == 2


@pytest.mark.parametrize("citation,row,expected", [
    ("10.16.5.3 steps 2-3", "CR 001 10.16.5.3 step 3", True),
    ("10.16.5.3 steps 2-3", "CR 000 10.16.5.3 step 4", False),
    ("CR 000 10.16.5.3 NOTE 2", "CR 000 10.16.5.3 NOTE 2", True),
    ("CR 000 10.16.5.3 NOTE 2", "CR 001 10.16.5.3 NOTE", False),
    ("X.1.7.1 items 6a-6b", "X.1.7.1 item 6b", True),
    ("X.1.7.1 items 6a-6b", "X.1.7.1 item 7", False),
    ("X.1.2 item 3b(ii)", "X.1.2 item 3", True),
    ("Table 10.16.5.2-1", "CR 001 Table 10.16.5.2-1 KMS URI", True),
    ("10.16.3.2 pre-condition 2 and step 1", "10.16.3.2 step 1", True),
    ("10.16.3.2 step 1 (release_ack=none)", "10.16.3.2 step 3", False),
])
def test_citations_match_clause_rows(citation, row, expected):
    cited, listed = parse_ref(citation), parse_ref(row)
    assert cited is not None and listed is not None
    assert covers(listed, cited) is expected


def test_matrix_lists_every_row_with_its_realisers_or_why_not(group_model, tmp_path):
    rows = load_clauses(ROOT / "models" / "clauses.txt")
    listed = [line for line in (ROOT / "models" / "clauses.txt").read_text().splitlines()
              if line.strip() and not line.startswith("#")]
    assert len(rows) == len(listed)
    runs = [("group_call_migration", v, _by_choice(v)) for v in group_model.variants]
    records = {r["clause"]: r for r in matrix(rows, runs)}
    step4 = records["10.16.2.2 step 4"]
    assert step4["status"] == "modelled"
    assert "group_call_migration: MC service client.late_entry" in step4["realised_by"]
    assert records["10.16.2.1 Editor's note"]["status"].startswith("not modelled: FFS")
    assert records["CR 000 10.16.5.3 NOTE 2"]["status"] == "not modelled: no model cites it"
    bad = tmp_path / "clauses.txt"
    bad.write_text("10.16.1 only one column\n")
    with pytest.raises(UsageError, match=r"needs 'id \| file \| summary'"):
        load_clauses(bad)


def test_committed_matrix_has_every_clause_row():
    text = Path(ROOT / "diagrams" / "matrix.md").read_text()
    for row in load_clauses(ROOT / "models" / "clauses.txt"):
        assert f"| {row.row_id} |" in text, row.row_id


def test_verdict_table_gives_each_variant_its_verdict_steps_and_choices(group_model):
    from mcfsm.show.verdict_table import verdict_table_markdown

    runs = [(v, _by_choice(v)) for v in ("break_before_make", "fix_group_lists_partner_ids")]
    table = verdict_table_markdown("group_call_migration", runs)
    rejoin = next(line for line in table.splitlines() if line.startswith("| rejoins-when"))
    steps = len(next(v for v in runs[0][1].verdicts
                     if v.property.name == "rejoins-when-affiliated").trace)
    assert rejoin.endswith(f"| **violated** ({steps}), only with group_document=primary_only "
                           "| holds |")
    assert "| group-continuity | " in table and "| call-ends-after-migration (sometimes) |" in table
    assert "- break_before_make: group_document in {all_ids, primary_only}" in table
    assert "- fix_group_lists_partner_ids: group_document = all_ids" in table


def test_the_matrix_lists_the_assumptions_made_about_each_clause():
    """An assumption is listed under the clause rows it cites, marked forced or unforced,
    and never counts as realising the row."""
    from mcfsm.check.cache import explore_cached
    rows = load_clauses(ROOT / "models" / "clauses.txt")
    lm = next(m for m in load_path(ROOT / "models") if m.model.name == "private_call_redirect")
    system = lm.model.system("base")
    result = explore_cached(system, loaded=lm, variant="base")
    records = {r["clause"]: r for r in matrix(rows, [("private_call_redirect", "base", result)])}
    assumed = [(c, a) for c, r in records.items() for a in r["assumed"]]
    assert any("reinitiate-per-rejection (unforced)" in a for _, a in assumed), assumed
    # a reading of CR 001 since session 14 (its element is O): unforced
    assert any("kms-uri-with-cr001 (unforced)" in a for _, a in assumed), assumed
    group = next(m for m in load_path(ROOT / "models") if m.model.name == "group_call_migration")
    forced = explore_cached(group.model.system("break_before_make"), loaded=group,
                            variant="break_before_make")
    records = {r["clause"]: r for r in matrix(rows, [("group_call_migration",
                                                      "break_before_make", forced)])}
    assert any("partner-forwards-affiliation (forced by the text)" in a
               for r in records.values() for a in r["assumed"]), records
