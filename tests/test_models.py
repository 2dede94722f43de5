"""Every bundled migration model gives the verdicts its file declares (expect=...), its
sometimes-witnesses are reached, and every declared transition fires in some variant.
All of it comes from one real run of `mcfsm check models/ --expected --json`."""

import json
from pathlib import Path

import pytest

from .conftest import ROOT, run_cli

MODEL_FILES = sorted(p.stem for p in (ROOT / "models").glob("*.py") if not p.name.startswith("_"))


@pytest.fixture(scope="module")
def records():
    proc = run_cli("check", "models/", "--expected", "--json")
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def by_variant(records, model):
    return {r["variant"]: r for r in records if r["model"] == model}


def test_every_model_file_is_checked(records):
    assert sorted({r["model"] for r in records}) == MODEL_FILES


def test_every_variant_is_exhaustive_and_as_declared(records):
    for r in records:
        where = f"{r['model']}[{r['variant']}]"
        assert r["complete"], f"{where} was cut short"
        surprises = [(p["name"], p["expected"], p["verdict"]) for p in r["properties"]
                     if p["verdict"] != p["expected"]]
        assert not surprises, f"{where}: {surprises}"


def test_every_declared_transition_fires_in_some_variant(records):
    for model in MODEL_FILES:
        fired: dict[str, int] = {}
        for r in by_variant(records, model).values():
            for name, counts in r["coverage"]["transitions"].items():
                fired[name] = fired.get(name, 0) + counts["generated"]
        never = sorted(name for name, count in fired.items() if count == 0)
        assert never == [], f"{model}: never fired in any variant: {never}"


# The choices each finding rests on (issue 12: "violated only with notification=one_way").
# These are the checker's own words for the per-choice verdicts (check/choices.py); a model
# change that moves a finding from one choice to another, or makes it unconditional, fails
# here and must be explained in models/README.md.
PER_CHOICE = {
    # progress (leads_to, weak fairness): the same choices as the safety findings they extend
    ('group_call_migration', 'break_before_make', 'member-gets-media-after-migration'):
        'only with group_document=primary_only',
    ('group_call_migration', 'free_chain', 'member-gets-media-after-migration'):
        'only with group_document=primary_only',
    **{('private_call_redirect', v, 'primary-learns-current-id'): 'only with notification=one_way'
       for v in ('base', 'cr_kms_uri', 'cr_both', 'free_chain')},
    ('group_call_migration', 'break_before_make', 'rejoins-when-affiliated'):
        'only with group_document=primary_only',
    ('group_call_migration', 'break_before_make', 'late-entry-after-primary-to-partner'):
        'only with group_document=all_ids',
    ('group_call_migration', 'break_before_make', 'late-entry-after-partner-to-partner'):
        'only with group_document=all_ids',
    ('group_call_migration', 'break_before_make', 'late-entry-after-partner-to-primary'):
        'only with group_document=all_ids',
    ('group_call_migration', 'make_before_break', 'late-entry-after-primary-to-partner'):
        'only with group_document=all_ids',
    ('group_call_migration', 'make_before_break', 'late-entry-after-partner-to-partner'):
        'only with group_document=all_ids',
    ('group_call_migration', 'make_before_break', 'late-entry-after-partner-to-primary'):
        'only with group_document=all_ids',
    ('group_call_migration', 'free_chain', 'rejoins-when-affiliated'):
        'only with group_document=primary_only',
    ('group_call_migration', 'free_chain', 'late-entry-after-primary-to-partner'):
        'only with group_document=all_ids',
    ('group_call_migration', 'free_chain', 'late-entry-after-partner-to-partner'):
        'only with group_document=all_ids',
    ('group_call_migration', 'free_chain', 'late-entry-after-partner-to-primary'):
        'only with group_document=all_ids',
    **{('migration_lifecycle', v, 'call-accepted-after-deregistration-sent'):
       'only with late_call=accept'
       for v in ('break_before_make', 'make_before_break', 'fix_departure_notice')},
    **{('migration_lifecycle', v, 'primary-binding-fresh'): 'only with notification=one_way'
       for v in ('break_before_make', 'make_before_break')},
    # Finding 8 with make-before-break: a choice, not a gap (break_before_make: whatever
    # the choices, fixed by fix_departure_notice).
    ('migration_lifecycle', 'make_before_break', 'cached-call-connects'):
        'only with deregistration=one_way or notification=one_way',
    ('migration_lifecycle', 'permission_and_provisioning', 'primary-binding-fresh'):
        'only with notification=one_way',
    ('migration_lifecycle', 'permission_and_provisioning', 'migration-command-completes'):
        'only with permission=command',
    ('migration_lifecycle', 'permission_and_provisioning', 'migration-explicit-completes'):
        'only with permission=explicit',
    ('migration_lifecycle', 'permission_and_provisioning', 'migration-implicit-completes'):
        'only with permission=implicit',
    ('migration_lifecycle', 'permission_and_provisioning', 'migration-implicit-with-download-completes'):
        'only with permission=implicit and provisioning=download',
    ('private_call_migration', 'as_published', 'suspended-call-not-lost'):
        'only with release_ack=none or suspension_indication=absent or note3_policy=accept',
    ('private_call_migration', 'as_published', 'release-not-overtaken'):
        'only with release_ack=none',
    ('private_call_migration', 'as_published', 'other-call-does-not-block-resumption'):
        'only with suspension_indication=absent or note3_policy=accept',
    ('private_call_migration', 'as_published', 'other-call-connects-while-suspended'):
        'only with suspension_indication=absent or note3_policy=accept',
    ('private_call_migration', 'free_chain', 'suspended-call-not-lost'):
        'only with release_ack=none or suspension_indication=absent or note3_policy=accept',
    ('private_call_migration', 'free_chain', 'release-not-overtaken'):
        'only with release_ack=none',
    ('private_call_migration', 'free_chain', 'other-call-does-not-block-resumption'):
        'only with suspension_indication=absent or note3_policy=accept',
    ('private_call_migration', 'free_chain', 'other-call-connects-while-suspended'):
        'only with suspension_indication=absent or note3_policy=accept',
    ('private_call_migration', 'fix_release_then_migrate', 'suspended-call-not-lost'):
        'only with note3_policy=accept',
    ('private_call_migration', 'fix_release_then_migrate', 'other-call-does-not-block-resumption'):
        'only with note3_policy=accept',
    ('private_call_migration', 'fix_release_then_migrate', 'other-call-connects-while-suspended'):
        'only with note3_policy=accept',
    ('private_call_redirect', 'base', 'primary-binding-fresh'):
        'only with notification=one_way',
    ('private_call_redirect', 'base', 'e2e-kms-uri-known'):
        'only with kms_without_uri=none',
    ('private_call_redirect', 'base', 'protected-call-connects-after-redirection'):
        'only with kms_without_uri=lookup',
    ('private_call_redirect', 'cr_kms_uri', 'primary-binding-fresh'):
        'only with notification=one_way',
    ('private_call_redirect', 'cr_kms_uri', 'call-not-refused-before-notification'):
        'only with uninformed_primary=reject',
    ('private_call_redirect', 'cr_kms_uri', 'call-connects-after-redirection-to-primary-id'):
        'only with departed_policy=redirect_to_primary',
    ('private_call_redirect', 'cr_both', 'primary-binding-fresh'):
        'only with notification=one_way',
    ('private_call_redirect', 'cr_both', 'foreign-caller-connects'):
        'only with otherwise=forward',
    ('private_call_redirect', 'cr_both', 'call-connects-after-redirection-to-primary-id'):
        'only with note2_server=partner',
    ('private_call_redirect', 'cr_both', 'note2-never-names-stale-id'):
        'only with notification=one_way and note2_server=primary',
    ('private_call_redirect', 'cr_both', 'note2-redirects-to-another-partner'):
        'only with note2_server=primary',
    ('private_call_redirect', 'free_chain', 'primary-binding-fresh'):
        'only with notification=one_way',
    ('private_call_redirect', 'free_chain', 'note2-never-names-stale-id'):
        'only with notification=one_way',
    ('private_call_redirect', 'fix_notification_order', 'foreign-caller-connects'):
        'only with otherwise=forward',
    ('private_call_redirect', 'fix_notification_order', 'call-connects-after-redirection-to-primary-id'):
        'only with note2_server=partner',
    ('private_call_redirect', 'fix_notification_order', 'note2-redirects-to-another-partner'):
        'only with note2_server=primary',
    ('private_call_redirect', 'fix_hold_until_informed', 'foreign-caller-connects'):
        'only with otherwise=forward',
    ('private_call_redirect', 'fix_hold_until_informed', 'call-connects-after-redirection-to-primary-id'):
        'only with note2_server=partner',
    ('private_call_redirect', 'fix_hold_until_informed', 'note2-never-names-stale-id'):
        'only with note2_server=primary',
    ('private_call_redirect', 'fix_hold_until_informed', 'note2-redirects-to-another-partner'):
        'only with note2_server=primary',
    ('private_call_redirect', 'fix_departure_notice', 'foreign-caller-connects'):
        'only with otherwise=forward',
    # A migrated caller of the primary's own system (issue 12 item 7): CR 000 step 2's
    # "calling party MC system" read off the calling ID treats it as foreign; read off the
    # primary ID it carries, its cached calls meet NOTE 2 where no server holds the status.
    **{('private_call_redirect', v, p): 'only with same_system_by=primary_id'
       for v in ('migrated_caller', 'fix_note2_via_primary')
       for p in ('redirects-never-loop', 'call-connects-after-redirection',
                 'protected-call-connects-after-redirection', 'cached-call-connects')},
    **{('private_call_redirect', v, 'own-caller-gets-migration-check'):
       'only with same_system_by=calling_id' for v in ('migrated_caller', 'fix_note2_via_primary')},
    **{('private_call_redirect', v, 'foreign-caller-connects'): 'only with otherwise=forward'
       for v in ('migrated_caller', 'fix_note2_via_primary')},
    ('private_call_redirect', 'migrated_caller', 'call-connects-after-redirection-to-primary-id'):
        'only with note2_server=partner and same_system_by=primary_id',
    ('private_call_redirect', 'migrated_caller', 'note2-answers-with-current-id'):
        'only with same_system_by=primary_id',
    ('private_call_redirect', 'fix_note2_via_primary', 'note2-redirects-to-another-partner'):
        'only with same_system_by=primary_id',
    # A witness per explored acknowledged exchange: reached only with that choice, so a
    # variant that lost the choice (a drop-choice mutant) shows it.
    **{('migration_lifecycle', v, 'deregistration-confirmed'): 'only with deregistration=acknowledged'
       for v in ('break_before_make', 'make_before_break', 'permission_and_provisioning')},
    **{('migration_lifecycle', v, 'notification-acknowledged'): 'only with notification=acknowledged'
       for v in ('break_before_make', 'make_before_break', 'permission_and_provisioning',
                 'fix_departure_notice')},
    **{('private_call_redirect', v, 'notification-acknowledged'): 'only with notification=acknowledged'
       for v in ('base', 'cr_both', 'cr_kms_uri', 'fix_departure_notice', 'free_chain')},
}


def test_findings_rest_on_the_declared_choices(records):
    got = {(r["model"], r["variant"], p["name"]): p["depends_on"]
           for r in records for p in r["properties"]}
    wrong = {key: (want, got.get(key)) for key, want in PER_CHOICE.items() if got.get(key) != want}
    assert not wrong, wrong
    unpinned = sorted(key for key, words in got.items()
                      if words and words != "whatever the choices" and key not in PER_CHOICE)
    assert not unpinned, f"choice-dependent verdicts not pinned in PER_CHOICE: {unpinned}"


def test_every_choice_has_its_own_run_and_every_failure_a_class(records):
    for r in records:
        combos = 1
        for choices in r["params"].values():
            combos *= len(choices)
        for p in r["properties"]:
            assert len(p["by_choice"]) == combos, (r["model"], r["variant"], p["name"])
            if p["verdict"] in ("violated", "never"):
                assert p["finding"], (r["model"], r["variant"], p["name"])


def test_every_parameter_choice_changes_some_verdict(records):
    """A choice no verdict depends on would be a parameter the model ignores (issue 12's
    "removing a parameter choice changes no verdict"): each parameter of each model must
    decide at least one verdict in some variant."""
    deciding: dict[str, set[str]] = {}
    declared: dict[str, set[str]] = {}
    for r in records:
        declared.setdefault(r["model"], set()).update(
            n for n, c in r["params"].items() if len(c) > 1)
        for p in r["properties"]:
            words = p["depends_on"] or ""
            deciding.setdefault(r["model"], set()).update(
                n for n in r["params"] if f"{n}=" in words or f"{n} in" in words)
    idle = {m: sorted(declared[m] - deciding.get(m, set())) for m in declared}
    assert not any(idle.values()), f"parameters that decide no verdict: {idle}"


def test_models_readme_links_a_verdict_table_for_every_model(records):
    """models/README.md links the generated per-model tables (diagrams/MODEL/verdicts.md),
    and each of those names every variant and property the check reports."""
    text = (Path(ROOT) / "models" / "README.md").read_text()
    for model in MODEL_FILES:
        assert f"(../diagrams/{model}/verdicts.md)" in text, f"models/README.md: link {model}"
        table = (Path(ROOT) / "diagrams" / model / "verdicts.md").read_text()
        for variant, r in by_variant(records, model).items():
            assert f"| {variant} " in table.splitlines()[4] + " ", f"{model}: column {variant}"
            for p in r["properties"]:
                assert f"| {p['name']}" in table, f"{model}: {p['name']} missing from verdicts.md"
