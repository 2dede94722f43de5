"""The source-level mutation operators of benchmarks/mutation.py (issue 18), on a tiny model
defined here: each operator makes the change it names, the changed function runs in its
original closure, a change that leaves the code as it was is "not applicable", and the
kill accounting tells a verdict from a model error and from a mutant no step of which
differs."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import SimpleNamespace

import pytest

from benchmarks import mutation
from benchmarks import mutation_source as ms
from mcfsm import Budget, Instance, M, Message, Role, System, Transition, Var, always, sometimes
from mcfsm.check.choices import explore_by_choice

HERE = (Path(__file__).resolve().parent,)
B = "test_mutation_operators.build."  # how labels name the functions of build() below


class Note(Message, clause="t 0"):
    n: int = M("the count")


def record(ctx) -> None:
    """A module-level helper (reached through the globals of `step`)."""
    ctx.v.log = ctx.v.log + ("recorded",)


def build(limit: int = 2) -> System:
    def is_even(ctx) -> bool:  # a helper a guard calls (through the closure)
        return ctx.v.count % 2 == 0

    def even(ctx) -> bool:
        return is_even(ctx)

    def small(ctx) -> bool:  # `limit` comes from the closure of build
        return ctx.v.count < limit

    def fresh(ctx) -> bool:
        return "a" not in ctx.v.log

    def bump(ctx) -> None:
        ctx.v.count += 1

    def step(ctx) -> None:
        """Counts, notes whether it started from zero, and tells the watcher."""
        if ctx.v.count == 0:
            ctx.v.flag = True
        else:
            ctx.v.flag = False
        bump(ctx)
        record(ctx)
        ctx.send("watcher", Note(n=ctx.v.count))

    def order(ctx) -> None:
        ctx.v.log = ctx.v.log + ("a",)
        ctx.v.log = ctx.v.log + ("b",)

    def twice(ctx) -> None:
        bump(ctx)
        bump(ctx)

    def tell(ctx) -> None:
        n = ctx.v.count
        ctx.send("watcher", Note(n=n))
        ctx.v.told = True

    counter = Role(
        "counter", states=["on"], initial="on", final=["on"],
        variables={"count": Var(int, 0), "flag": Var(bool, False), "log": Var(tuple, ()),
                   "told": Var(bool, False)},
        transitions=[
            Transition("step", "on", None, clause="t 1", conditions=[small], after=[step],
                       sends=[Note]),
            Transition("order", "on", None, clause="t 2", conditions=[even, small, fresh],
                       after=[order]),
            Transition("twice", "on", None, clause="t 3",
                       conditions=[lambda ctx: ctx.v.count == 1], after=[twice]),
            Transition("tell", "on", None, clause="t 8", sends=[Note],
                       conditions=[lambda ctx: not ctx.v.told], after=[tell]),
        ])
    watcher = Role("watcher", states=["on"], initial="on", final=["on"],
                   variables={"last": Var(int, 0)},
                   transitions=[Transition(Note, "on", None, clause="t 4",
                                           after=[lambda ctx: setattr(ctx.v, "last", ctx.msg.n)])])
    return System("tiny", instances=[Instance("c", counter), Instance("watcher", watcher)],
                  properties=[
                      always("bounded", lambda v: v["c"].count <= limit + 2, clause="t 5"),
                      always("flag-means-one", lambda v: not v["c"].flag or v["c"].count >= 1,
                             clause="t 6"),
                      always("told", lambda v: v.in_flight() or v["watcher"].last <= v["c"].count,
                             clause="t 7"),
                      sometimes("reaches-limit", lambda v: v["c"].count == limit, clause="t 9")])


def functions(system: System) -> dict[str, object]:
    """The model functions of the built system by name (transition functions and the
    helpers they reach)."""
    out = {}
    for inst in system.instances:
        for t in inst.role.transitions:
            for fn, _ in ms.transition_functions(t):
                out[fn.__name__] = fn
                for helper in ms.called_helpers(fn, HERE):
                    out[helper.__name__] = helper
    return out


def all_mutants(system: System, counts: dict[str, int] | None = None) -> dict[str, ms.SourceMutant]:
    return {m.label: m for t in ms.targets(system, HERE).values()
            for m in ms.source_mutants(t, counts)}


def ctx(**values):
    sent = []
    return SimpleNamespace(v=SimpleNamespace(**values), sent=sent,
                           send=lambda to, m: sent.append((to, m)))


def only(mutants: dict[str, ms.SourceMutant], text: str) -> ms.SourceMutant:
    hits = [m for label, m in mutants.items() if text in label]
    assert len(hits) == 1, (text, sorted(mutants))
    return hits[0]


@pytest.fixture(scope="module")
def tiny():
    system = build()
    return system, functions(system), all_mutants(system)


def test_targets_are_the_transition_functions_and_one_level_of_helpers(tiny):
    system, fns, _ = tiny
    found: dict[str, set[str]] = {}
    for code, t in ms.targets(system, HERE).items():
        found.setdefault(code.co_name, set()).update(t.kinds)
    # `bump` is reached from `step` and `twice` (actions); `is_even` from the guard `even`;
    # `record` through the module globals of `step`.
    assert found["is_even"] == {"guard"} and found["small"] == {"guard"}
    assert found["bump"] == {"action"} and found["record"] == {"action"}
    assert found["<lambda>"] == {"guard", "action"}  # twice's and tell's guards, the watcher's
    assert set(fns) >= {"step", "order", "twice", "bump", "record", "even", "is_even", "small"}


def test_negate_if_flips_which_branch_runs(tiny):
    _, fns, mutants = tiny
    m = only(mutants, f"negate-if {B}step+")
    assert m.change.endswith("if ctx.v.count == 0: negated")
    mutated = ms.rebuild(fns["step"], m.code)
    original, changed = ctx(count=0, flag=False, log=()), ctx(count=0, flag=False, log=())
    fns["step"](original)
    mutated(changed)
    assert original.v.flag is True and changed.v.flag is False
    assert changed.v.count == 1 and changed.sent[0][1] == Note(n=1)  # the rest still runs


def test_drop_if_keeps_the_body_or_the_else_part(tiny):
    _, fns, mutants = tiny
    then = ms.rebuild(fns["step"], only(mutants, f"drop-if {B}step+2:then").code)
    orelse = ms.rebuild(fns["step"], only(mutants, f"drop-if {B}step+2:else").code)
    c = ctx(count=1, flag=False, log=())
    then(c)
    assert c.v.flag is True  # the test is gone: the body runs from 1 too
    c = ctx(count=0, flag=True, log=())
    orelse(c)
    assert c.v.flag is False  # only the else part is left


def test_flip_comparison_in_a_guard_and_in_a_helper_it_calls(tiny):
    _, fns, mutants = tiny
    m = only(mutants, f"flip-comparison {B}small+")
    assert m.label.endswith(":</>=") and m.change.endswith("with < -> >=")
    flipped = ms.rebuild(fns["small"], m.code)
    assert fns["small"](ctx(count=0)) is True and flipped(ctx(count=0)) is False
    assert flipped(ctx(count=2)) is True  # `limit` still read from build's closure

    m = only(mutants, f"flip-comparison {B}is_even+")
    assert m.label.endswith(":==/!=")
    guard = ms.transform(fns["even"], m)  # the guard, rebuilt to call the flipped helper
    assert guard is not fns["even"] and guard.__code__ is fns["even"].__code__
    assert fns["even"](ctx(count=0)) is True and guard(ctx(count=0)) is False
    assert fns["is_even"](ctx(count=0)) is True  # the helper in the closure is untouched


def test_flip_comparison_is_for_guards_only(tiny):
    _, _, mutants = tiny
    assert not [label for label in mutants
                if label.startswith("flip-comparison") and ".step+" in label]  # an action
    assert [label for label in mutants
            if label.startswith("flip-comparison") and "<lambda>" in label]  # a guard lambda


def test_swap_statements_swaps_two_neighbours_not_the_docstring(tiny):
    _, fns, mutants = tiny
    m = only(mutants, f"swap-statements {B}order+")
    c = ctx(log=())
    ms.rebuild(fns["order"], m.code)(c)
    assert c.v.log == ("b", "a")
    steps = [label for label in mutants if label.startswith("swap-statements") and ".step+" in label]
    # step's body: docstring, if, bump, record, send: three swaps, none with the docstring
    assert len(steps) == 3 and not any(label.endswith(".step+1:+1") for label in steps)


def test_drop_call_removes_a_helper_call_and_the_closure_still_resolves(tiny):
    _, fns, mutants = tiny
    labels = sorted(label for label in mutants if label.startswith("drop-call") and ".step+" in label)
    assert [label.rsplit(":", 1)[1] for label in labels] == ["bump", "record"]  # not ctx.send
    m = only(mutants, f"drop-call {B}step+6:bump")
    # `bump` was step's only free variable: the changed code has none, and the rebuilt
    # function is given a closure matched by name
    assert "bump" in fns["step"].__code__.co_freevars and "bump" not in m.code.co_freevars
    c = ctx(count=0, flag=False, log=())
    ms.rebuild(fns["step"], m.code)(c)
    assert c.v.count == 0 and c.v.log == ("recorded",) and c.sent == [("watcher", Note(n=0))]


def test_a_change_that_leaves_the_code_as_it_was_is_not_applicable():
    counts: dict[str, int] = {}
    mutants = all_mutants(build(), counts)
    # twice's two statements are the same call: swapping them changes nothing
    assert counts == {"swap-statements": 1}
    assert not [label for label in mutants
                if label.startswith("swap-statements") and ".twice+" in label]
    assert [label for label in mutants if label.startswith("drop-call") and ".twice+" in label]


def verdicts(system: System) -> dict[str, tuple[str, str | None]]:
    result = explore_by_choice(system)
    return {v.property.name: (v.status, None) for v in result.verdicts}


def test_apply_patches_every_transition_that_runs_the_function(tiny):
    _, _, mutants = tiny
    m = only(mutants, f"drop-call {B}twice+1:bump")
    assert ms.apply(build(), m) == 1  # the transition `twice` only
    m = only(mutants, f"flip-comparison {B}small+")
    assert ms.apply(build(), m) == 2  # small guards `step` and `order`
    m = only(mutants, f"flip-comparison {B}is_even+")
    assert ms.apply(build(), m) == 1  # is_even, a helper of order's guard `even`
    hits: list[int] = []
    system = build()
    ms.apply(system, only(mutants, f"drop-call {B}step+7:record"), lambda: hits.append(1))
    explore_by_choice(system)
    assert hits  # the mutated function ran in the search


def judge(label: str, tiny) -> tuple[str, str]:
    _, _, mutants = tiny
    m = mutants[label]
    baseline = {"v": verdicts(build())}
    return mutation.judge(lambda _: build(), [("v", lambda s: ms.apply(s, m))], baseline,
                          {"v": Budget(max_states=10_000)})


def test_kills_are_told_apart(tiny):
    # the flipped bound disables `step` from the start: "reaches-limit" is never witnessed
    status, why = judge(f"flip-comparison {B}small+1:</>=", tiny)
    assert status == mutation.VERDICT and "reaches-limit: ('witnessed', None) -> ('never'" in why
    # a negated if sets the flag at count 1 instead of 0: the steps differ, and no property
    # says which is right
    assert judge(f"negate-if {B}step+2", tiny) == (
        mutation.SURVIVED, "steps differ, no verdict noticed")
    # bump and record write different variables: swapped, no step's outcome changes
    assert judge(f"swap-statements {B}step+6:+1", tiny) == (
        mutation.SAME_STEPS, "no step differs from the original's in any explored state")
    # `n` read before it is assigned: the model fails, which is not a verdict
    status, why = judge(f"swap-statements {B}tell+1:+1", tiny)
    assert status == mutation.ERROR and "UnboundLocalError" in why


def test_one_search_tells_which_mutants_take_a_differing_step(tiny):
    _, _, mutants = tiny
    labels = (f"negate-if {B}step+2", f"swap-statements {B}step+6:+1",
              f"flip-comparison {B}small+1:</>=", f"swap-statements {B}tell+1:+1")
    system = build()
    before = [(where, list(ts)) for where, ts in mutation._tables(system)]
    found, result = mutation.differing(
        system, {label: (lambda s, m=mutants[label]: ms.apply(s, m)) for label in labels})
    # the same judgement as judge()'s watch, one mutant at a time (test_kills_are_told_apart)
    assert found == {labels[0], labels[2], labels[3]}
    assert result.complete and mutation.verdicts_of(result) == verdicts(build())
    after = [(where, list(ts)) for where, ts in mutation._tables(system)]
    assert [(w, [id(t) for t in ts]) for w, ts in after] == \
        [(w, [id(t) for t in ts]) for w, ts in before]  # the unmutated tables, restored


def test_all_variants_takes_the_survivors_to_the_other_variants(tiny):
    _, _, mutants = tiny
    same, differs, killed = (f"swap-statements {B}step+6:+1", f"negate-if {B}step+2",
                             f"flip-comparison {B}small+1:</>=")
    names = {label: [("v", lambda s, m=mutants[label]: ms.apply(s, m))]
             for label in (same, differs, killed)}
    model = SimpleNamespace(variants={"v": None, "w": None}, system=lambda v: build(3))
    pending = [(same, mutation.SAME_STEPS, ""), (differs, mutation.SURVIVED, ""),
               (killed, mutation.SAME_STEPS, "")]  # (as if the variant run had not seen it)
    out = list(mutation.extend(model, ["w"], pending, names, "source", lambda v: build(3), False))
    assert out[0] == (same, mutation.EXPLORED,
                      "no step differs from the original's in any of the model's 2 variants")
    assert out[1] == (differs, mutation.SURVIVED,
                      "steps differ in the variants run and in w; no verdict noticed")
    assert out[2][1] == mutation.VERDICT and out[2][2].startswith("[w] reaches-limit")


def test_a_crash_in_every_variant_is_an_error_not_a_survivor():
    def crash(s: System) -> None:
        raise ZeroDivisionError("model code divided by zero")
    status, why = mutation.judge(lambda _: build(), [("v", crash), ("w", crash)],
                                 {"v": {}, "w": {}}, {"v": Budget(), "w": Budget()})
    assert status == mutation.ERROR
    assert why == ("[v] ZeroDivisionError: model code divided by zero; "
                   "[w] ZeroDivisionError: model code divided by zero")


def test_table_ratio_leaves_out_errors_equivalents_and_not_applicable():
    o = mutation.Outcome
    outcomes = [o("m", "negate-if a", mutation.VERDICT), o("m", "negate-if b", mutation.VERDICT),
                o("m", "negate-if c", mutation.ERROR), o("m", "negate-if d", mutation.SURVIVED),
                o("m", "drop-if e", mutation.EQUIVALENT), o("m", "drop-if f", mutation.NOT_APPLICABLE),
                o("m", "drop-if g", mutation.SAME_STEPS), o("m", "drop-if h", mutation.CUT)]
    outcomes.append(o("m", "swap-statements i", mutation.EXPLORED))
    text = mutation.table(outcomes)
    assert "| m | negate-if | 4 | 0 | 2 | 1 | 0 | 0 | 0 | 0 | 1 | 66.7% |" in text
    assert "| m | drop-if | 4 | 1 | 0 | 0 | 1 | 1 | 0 | 1 | 0 | 0.0% |" in text
    assert "| m | swap-statements | 1 | 0 | 0 | 0 | 0 | 0 | 1 | 0 | 0 | - |" in text
    assert "overall kill ratio by a verdict: 2/4 = 50.0% (target 90%): missed" in text
    assert "the 1 equivalent by exploration and the 1 no step of which differs as survivors: " \
        "2/6 = 33.3% (missed)" in text


def test_equivalence_file_needs_a_reason(tmp_path):
    good = tmp_path / "eq.txt"
    good.write_text("# reviewed\nswap-statements m.f+1:+1  # two updates of different variables\n")
    assert mutation.read_equivalent(good) == {
        "swap-statements m.f+1:+1": "two updates of different variables"}
    bad = tmp_path / "bad.txt"
    bad.write_text("drop-if m.f+2:then\n")
    with pytest.raises(SystemExit, match="no reason"):
        mutation.read_equivalent(bad)


def test_a_run_is_judged_again_from_its_log(tmp_path):
    log = tmp_path / "run.txt"
    log.write_text("m:v1,v2:\n"
                   "  killed by verdict negate-if m.f+1  -- [v1] p: ('holds', None) -> ...\n"
                   "  SURVIVED          drop-if m.f+2:then  -- L3: if x: -> only its body\n"
                   "  no step differs   swap-statements m.f+1:+1  -- L2 <-> L3: a <-> b\n"
                   "m:v1,v2: 3 mutants, 1 s\n\nsurvived (1):\n  m: drop-if m.f+2:then\n")
    outcomes, _ = mutation.read_log(log)
    assert [(o.model, o.label, o.status) for o in outcomes] == [
        ("m", "negate-if m.f+1", mutation.VERDICT), ("m", "drop-if m.f+2:then", mutation.SURVIVED),
        ("m", "swap-statements m.f+1:+1", mutation.SAME_STEPS)]
    equivalent = {"m: drop-if m.f+2:then": "x is always true here",
                  "negate-if m.f+1": "wrongly listed", "other: swap-statements m.f+1:+1": "not m"}
    judged = [mutation.reviewed(o, equivalent) for o in outcomes]
    explored = mutation.Outcome("m", "negate-if m.f+1", mutation.EXPLORED, "no step differs")
    assert mutation.reviewed(explored, equivalent) == explored  # a computed fact stands
    assert [o.status for o in judged] == [mutation.VERDICT, mutation.EQUIVALENT, mutation.SAME_STEPS]
    assert judged[1].why == "x is always true here"
    assert "listed as equivalent (wrongly listed), yet killed by verdict" in judged[0].why


def test_a_monitors_mutants_are_applied_to_a_copy_of_its_role():
    """A monitor takes no step (it observes from its role's transitions), so it is in no
    dispatch table: its mutants once changed nothing and survived unseen. Negating the
    guard of the order monitor's `b_pings` lets both of its transitions observe a's Ping,
    which the engine refuses (a monitor observes deterministically); the role the test
    module declares stays as it was, and the mutant counts as one whose steps differ."""
    from mcfsm import ModelError, explore

    from .test_monitors import ORDER, pings

    declared = ORDER.transitions
    system = pings()
    mutate = dict(mutation.mutants(system))["negate-guard order spec.b_pings"]
    mutate(system)
    assert ORDER.transitions == declared
    with pytest.raises(ModelError, match="2 transitions enabled"):
        explore(system, Budget(max_states=1_000))
    fresh = pings()
    differ, _ = mutation.differing(fresh, {"negate-guard order spec.b_pings": mutate})
    assert differ == {"negate-guard order spec.b_pings"}


def test_a_monitors_count_mutant_finds_its_monitor_by_name_in_another_variant():
    """--all-variants applies a mutant made on one variant to the others: a monitor's
    count mutant once named the monitor by its index there, which in another variant is
    another instance or none at all (migration_lifecycle's run crashed on an IndexError).
    It names the monitor: moved, it is the one changed; absent, nothing is."""
    from mcfsm import Instance, Monitor, Role, System, Transition, Var

    from .test_monitors import RECEIVER, SENDER, Ping

    def count(ctx) -> None:
        ctx.v.seen += 1

    counter = Role("ping count", states=["on"], initial="on", variables={"seen": Var(int, 0)},
                   transitions=[Transition(Ping, "on", None, clause="demo", after=[count])])

    def build(first: tuple, monitored: bool = True) -> System:
        return System("pings", instances=[*first, Instance("a", SENDER), Instance("r", RECEIVER)],
                      monitors=[Monitor("count", counter)] if monitored else [])

    label = "count-plus-one ping count.Ping"
    mutate = dict(mutation.machinery_mutants(build(())))[label]
    moved = build((Instance("b", SENDER),))
    mutate(moved)
    [k] = moved.mutated_monitors
    assert moved.instances[k].name == "count"
    assert moved.instances[k].role is not counter  # a copy, changed
    absent = build((), monitored=False)
    mutate(absent)  # nothing to change
    assert not getattr(absent, "mutated_monitors", None)


def test_resume_takes_only_a_log_of_the_same_models(tmp_path):
    """--resume: a log's outcome lines count as decided only where its digest line is
    today's models'; an older log without one needs --trust-log."""
    spec = "m:v1"
    body = "  killed by verdict negate-if m.f+1  -- [v1] p: ('holds', None) -> ...\n"
    same = tmp_path / "same.txt"
    same.write_text(f"{spec}:\n{mutation.DIGEST}{mutation.models_digest()}\n{body}")
    lines, decided, _ = mutation.resumable(same, spec, trust=False)
    assert lines == [body.rstrip("\n")] and [o.label for o in decided] == ["negate-if m.f+1"]
    changed = tmp_path / "changed.txt"
    changed.write_text(f"{spec}:\n{mutation.DIGEST}0123456789abcdef\n{body}")
    with pytest.raises(SystemExit, match="models/ changed since"):
        mutation.resumable(changed, spec, trust=False)
    old = tmp_path / "old.txt"
    old.write_text(f"{spec}:\n{body}")
    with pytest.raises(SystemExit, match="--trust-log"):
        mutation.resumable(old, spec, trust=False)
    assert [o.label for o in mutation.resumable(old, spec, trust=True)[1]] == ["negate-if m.f+1"]


def test_two_logs_of_a_split_run_resume_as_one(tmp_path):
    """A run split between two processes (--reverse), each resumed from the same log, is
    resumed from both logs: the first is taken whole, the second adds only what the first
    did not decide, so the common lines (the not-applicable counts among them) count once,
    a mutant the first left pending and the second decided is decided, and one neither
    decided is carried on."""
    spec = "m:v1"
    head = f"{spec}:\n{mutation.DIGEST}{mutation.models_digest()}\n"
    common = ("  not applicable    drop-if (no change or no compile)\n"
              "  not applicable    drop-if (no change or no compile)\n"
              "  killed by verdict negate-if m.f+1  -- [v1] p: ('holds', None) -> ...\n")
    forward = tmp_path / "forward.txt"
    forward.write_text(head + common
                       + "  killed by verdict negate-if m.f+2  -- [v1] p: ...\n"
                       + "  pending           negate-if m.g+1  -- changed 1; survived: x\n")
    backward = tmp_path / "backward.txt"
    backward.write_text(head + common
                        + "  killed by error   negate-if m.g+1  -- [v2] ModelError: y\n"
                        + "  pending           negate-if m.h+1  -- changed 2; survived: z\n"
                        + "  killed by verdict negate-if m.f+2  -- [v1] p: ...\n")
    lines, decided, carried = mutation.resumable([forward, backward], spec, trust=False)
    assert len(lines) == 7  # forward's five, then backward's two it adds
    assert sorted((o.label, o.status) for o in decided) == [
        ("drop-if (no change or no compile)", mutation.NOT_APPLICABLE),
        ("drop-if (no change or no compile)", mutation.NOT_APPLICABLE),
        ("negate-if m.f+1", mutation.VERDICT), ("negate-if m.f+2", mutation.VERDICT),
        ("negate-if m.g+1", mutation.ERROR)]
    assert carried == [("negate-if m.h+1", 2, mutation.SURVIVED, "z")]
    table, pending = mutation.read_log([forward, backward])  # --from-log with both logs
    assert sorted(o.label for o in table) == sorted(o.label for o in decided)
    assert [o.label for o in pending] == ["negate-if m.h+1"]
    stale = tmp_path / "stale.txt"
    stale.write_text(f"{spec}:\n{mutation.DIGEST}0123456789abcdef\n{common}")
    with pytest.raises(SystemExit, match="models/ changed since"):
        mutation.resumable([forward, stale], spec, trust=False)


def test_a_resumed_run_runs_nothing_its_log_decided(tmp_path, capsys):
    """A run, then the same run resumed from its output: the second runs no mutant (each
    outcome is printed once, from the log) and tabulates the same figures."""
    args = ["private_call_migration:fix_setup_resumed", "--only",
            "guard migrating MC service client.release_transaction_ends"]
    assert mutation.main(args) == 0
    first = capsys.readouterr().out
    log = tmp_path / "run.txt"
    log.write_text(first)
    assert mutation.main([*args, "--resume", str(log)]) == 0
    second = capsys.readouterr().out
    outcome_lines = [line for line in first.splitlines() if line.startswith("  killed")]
    assert len(outcome_lines) == 2
    assert [line for line in second.splitlines() if line.startswith("  killed")] == \
        outcome_lines
    assert first.split("overall kill ratio")[1] == second.split("overall kill ratio")[1]


def test_a_pending_mutant_is_taken_on_from_the_log_not_judged_again(tmp_path, monkeypatch):
    """--all-variants prints a `pending` line for each mutant the variants run leaves alive,
    so a run cut off in the long phase on the other variants resumes there: the mutant is
    not judged on the variants run again, and keeps the count of messages it changed. A
    later line of the log decides a pending mutant; one no line decides is left out of
    the table (it is undecided, not a survivor)."""
    spec = "private_call_migration:fix_setup_resumed"
    label = "drop-guard migrating MC service client.release_transaction_ends"
    decided_label = "negate-guard migrating MC service client.release_transaction_ends"
    log = tmp_path / "cut.txt"
    log.write_text(f"{spec}:\n{mutation.DIGEST}{mutation.models_digest()}\n"
                   f"  pending           {decided_label}  -- changed 0; survived: x\n"
                   f"  killed by verdict {decided_label}  -- [w] p: ('holds', None) -> ...\n"
                   f"  pending           {label}  -- changed 3; no step differs: a: b\n")
    lines, decided, carried = mutation.resumable(log, spec, trust=False)
    assert len(lines) == 3 and [o.label for o in decided] == [decided_label]
    assert carried == [(label, 3, mutation.SAME_STEPS, "a: b")]
    table, pending = mutation.read_log(log)
    assert [o.status for o in table] == [mutation.VERDICT] and [o.label for o in pending] == [label]

    judged, extended = [], []
    monkeypatch.setattr(mutation, "judge", lambda b, per_variant, *a, **k: (
        judged.append(per_variant), (mutation.SURVIVED, "steps differ"))[1])

    def extend(model, others, pending, *args, **kwargs):
        extended.extend(pending)
        return iter(())
    monkeypatch.setattr(mutation, "extend", extend)
    monkeypatch.setattr(mutation, "CHANGED", {})
    mutation.run_model(spec, only=(label, decided_label),
                       all_variants=True, done=frozenset({decided_label}), carried=carried,
                       verbose=False)
    assert judged == [] and extended == [(label, mutation.SAME_STEPS, "a: b")]
    assert mutation.CHANGED == {label: 3}


def peer_guarded() -> System:
    """A counter whose step is guarded by a peer's flag (a world read), the peer flipping
    its flag freely; the flag starts raised, so the first state in which the counter's step
    runs has the guard true."""
    counter = Role(
        "counter", states=["on"], initial="on", final=["on"],
        variables={"count": Var(int, 0)},
        transitions=[Transition("go", "on", None, clause="t 1",
                                conditions=[lambda ctx: ctx.world["flag"].up],
                                after=[lambda ctx: setattr(ctx.v, "count",
                                                           min(ctx.v.count + 1, 2))])])
    flag = Role("flag", states=["on"], initial="on", final=["on"],
                variables={"up": Var(bool, True)},
                transitions=[Transition("flip", "on", None, clause="t 2",
                                        after=[lambda ctx: setattr(ctx.v, "up", not ctx.v.up)])])
    return System("peer", instances=[Instance("c", counter), Instance("flag", flag)],
                  check_deadlock=False,
                  properties=[always("small", lambda v: v["c"].count <= 2, clause="t 3")])


def test_a_dropped_world_guard_differs_though_its_first_compared_state_agrees():
    """The mutant's search memoizes its step on what the mutant reads (nothing of the
    peer), so the original, which reads the peer's flag, is compared on one state per
    counter value, each with the flag up: the outcomes agree there. The original reads
    what the mutant does not, so the steps count as differing; and the other way round,
    one search of the original tells the same."""
    label = "drop-guard counter.go"
    [(_, drop)] = [(lab, m) for lab, m in mutation.mutants(peer_guarded()) if lab == label]
    baseline = {"v": verdicts(peer_guarded())}
    status, why = mutation.judge(lambda _: peer_guarded(), [("v", drop)], baseline,
                                 {"v": Budget(max_states=10_000)})
    assert status == mutation.SURVIVED, (status, why)
    found, _ = mutation.differing(peer_guarded(), {label: drop})
    assert found == {label}


def test_steps_are_compared_where_locals_are_keyed_on_their_fields(tiny, monkeypatch):
    """With every local memoized on the fields its steps read (steps.py's `fields`), the
    model code runs with its own reads recorded (local_step's `own`): the watch passes it to
    both versions, and tells the same mutants apart as with whole locals."""
    from mcfsm.check.state import steps

    _, _, mutants = tiny
    labels = (f"negate-if {B}step+2", f"swap-statements {B}step+6:+1",
              f"flip-comparison {B}small+1:</>=", f"swap-statements {B}tell+1:+1")
    monkeypatch.setattr(steps, "FIELD_KEYS_AT_START", True)
    found, result = mutation.differing(
        build(), {label: (lambda s, m=mutants[label]: ms.apply(s, m)) for label in labels})
    assert found == {labels[0], labels[2], labels[3]}
    assert result.complete and mutation.verdicts_of(result) == verdicts(build())


def test_reads_within_a_key_whole_slots_cover_their_fields():
    assert mutation.reads_within(None, None) and mutation.reads_within((), ((2, "up"),))
    assert mutation.reads_within(((2, "up"),), ((2, "up"), (3, "x")))
    assert mutation.reads_within(((2, "up"), (2, "down")), ((2, None),))
    assert not mutation.reads_within(((2, "up"),), None)
    assert not mutation.reads_within(((0, "mode"),), ((2, None),))


def test_a_survivor_that_silences_a_transition_in_every_variant_is_killed_by_coverage(tiny):
    """--all-variants judges a mutant no verdict kills as `check --expected` does: a
    transition the original fires in some variant and the mutant in none is a coverage
    gap, and that verdict kills it; a survivor that silences nothing stays a survivor."""
    _, _, mutants = tiny
    differs = f"negate-if {B}step+2"
    names = {"silence tell": [("v", lambda s: mutation._patch(
                 s, "counter", "tell", lambda t: dataclasses.replace(t, conditions=[mutation._never])))],
             differs: [("v", lambda s, m=mutants[differs]: ms.apply(s, m))]}

    def fired_where_run(label):
        fired = {}
        status, _ = mutation.judge(lambda v: build(), names[label], {"v": verdicts(build())},
                                   {"v": Budget()}, fired=fired)
        return fired if status in (mutation.SURVIVED, mutation.SAME_STEPS) else None

    first = ({"v": mutation.fired_transitions(explore_by_choice(build()))}, fired_where_run)
    model = SimpleNamespace(variants={"v": None, "w": None}, system=lambda v: build(3))
    pending = [("silence tell", mutation.SURVIVED, ""), (differs, mutation.SURVIVED, "")]
    out = list(mutation.extend(model, ["w"], pending, names, "machinery", lambda v: build(3),
                               False, first))
    assert out == [("silence tell", mutation.VERDICT,
                    "coverage: counter.tell fires in no variant (check --expected fails)"),
                   (differs, mutation.SURVIVED,
                    "steps differ in the variants run and in w; no verdict noticed")]
    assert mutation.lost_coverage({"v": {("r", "a"), ("r", "b")}, "w": {("r", "b")}},
                                  {"v": {("r", "b")}}) == ["r.a"]
    assert mutation.lost_coverage({"v": {("r", "a")}, "w": {("r", "a")}},
                                  {"v": set()}) == []  # still fires in w
