"""README's sample output is what the command prints today (see tests/readme_sample.py)."""


from .readme_sample import PAGES, README, blocks, normalise, run

MODELLING = README.parent / "docs" / "modelling.md"  # the model examples, moved from README
CI = README.parent / "docs" / "ci.md"


def test_readme_sample_output_is_current():
    found = [(page, command, shown) for page in PAGES for command, shown in blocks(page.read_text())]
    assert len(found) >= 2, "the guides lost their <!-- sample-output: ... --> blocks"
    for page, command, shown in found:
        assert normalise(run(command)) == normalise(shown), (
            f"{page.name}'s output of `{command}` is stale: run .venv/bin/python "
            "tests/readme_sample.py")


def test_readme_is_read_in_ten_minutes():
    """README: the two commands, what they do, three paths each ending in a link; the rest
    lives in docs/ (issue 72 item 5: it was 839 lines)."""
    lines = README.read_text().splitlines()
    assert len(lines) <= 200, len(lines)
    text = "\n".join(lines)
    for guide in ("docs/delegate.md", "docs/modelling.md", "docs/ci.md"):
        assert f"({guide})" in text, guide


def test_readme_writing_a_model_example_runs_as_documented(tmp_path):
    import re

    from mcfsm import explore
    from mcfsm.lang.loader import load_path
    from mcfsm.show.explain import explain

    text = MODELLING.read_text()
    [code] = re.findall(r"<!-- runnable-example -->\n```python\n(.*?)```", text, re.S)
    (tmp_path / "example.py").write_text(code)
    [loaded] = load_path(tmp_path / "example.py")
    model = loaded.model
    assert list(model.variants) == ["retry", "no_retry"]
    for variant in model.variants:
        system = model.system(variant)
        result = explore(system)
        verdicts = {v.property.name: v.status for v in result.verdicts}
        assert verdicts == model.expected(variant, system), variant
    retry = explore(model.system("retry"))
    [broken] = [v for v in retry.verdicts if v.status == "violated"]
    assert explain(model.system("retry"), broken) == "fails: user 1 calls at most once"
    assert "fails: user 1 calls at most once" in text


def test_readme_initial_states_example_counts_as_documented(tmp_path):
    import re

    from mcfsm import explore
    from mcfsm.lang.loader import load_path

    text = (README.parent / "docs" / "reference.md").read_text()
    [code] = re.findall(r"<!-- runnable-example: initial -->\n```python\n(.*?)```", text, re.S)
    (tmp_path / "initial_demo.py").write_text(code)
    [loaded] = load_path(tmp_path / "initial_demo.py")
    result = explore(loaded.model.system("base"))
    assert (result.distinct_states, result.total_states, result.depth) == (4, 4, 2)
    assert "4 distinct states, 4 total, depth 2" in text
    assert {v.property.name: v.status for v in result.verdicts}["got-it"] == "witnessed"


def test_readme_hypothesis_example_works_with_a_model_that_imports_a_sibling(tmp_path):
    """README's "hypothesis machine as an ordinary test" on a model file that imports a
    module beside it (it used to import the model as a plain module, which broke then)."""
    import re
    import subprocess
    import sys

    text = CI.read_text()
    [code] = re.findall(r"<!-- runnable-example: hypothesis -->\n```python\n(.*?)```", text, re.S)
    models = tmp_path / "models"
    models.mkdir()
    (models / "_limits.py").write_text("LIMIT = 3\n")  # the sibling module
    (models / "my_model.py").write_text(
        "from _limits import LIMIT\n"
        "from mcfsm import Instance, Model, Role, System, Transition, Var, always\n\n"
        "def fill(ctx):\n    ctx.v.big = LIMIT\n\n"
        "def pour(ctx):\n    ctx.v.big = max(ctx.v.big - 2, 0)\n\n"
        "JUG = Role('jug', states=['on'], initial='on', variables={'big': Var(int, 0)},\n"
        "           transitions=[Transition('Fill', 'on', None, clause='t 1', after=[fill]),\n"
        "                        Transition('Pour', 'on', None, clause='t 2', after=[pour])])\n"
        "model = Model('my_model')\n"
        "model.add_variant('base', lambda: System('jug', instances=[Instance('jug', JUG)],\n"
        "    check_deadlock=False,\n"
        "    properties=[always('never-4', lambda v: v['jug'].big != 4, clause='t 3')]))\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_my_model.py").write_text(code)
    (tmp_path / "tests" / "conftest.py").write_text(  # a short run: this checks the wiring
        "from hypothesis import settings\n"
        "settings.register_profile('short', max_examples=10, stateful_step_count=10)\n"
        "settings.load_profile('short')\n")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-p", "no:mcfsm", "tests/test_my_model.py"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    # the machine is collected and runs its steps (never-4 holds: big is 3, 1 or 0)
    assert "1 passed" in proc.stdout, proc.stdout + proc.stderr


def test_reference_depth_first_example_prints_what_it_says(tmp_path):
    import os
    import re
    import subprocess
    import sys

    from .conftest import ROOT

    text = (README.parent / "docs" / "reference.md").read_text()
    [code] = re.findall(r"<!-- runnable-example: dfs -->\n```python\n(.*?)```", text, re.S)
    (tmp_path / "dfs_demo.py").write_text(code)
    proc = subprocess.run([sys.executable, str(tmp_path / "dfs_demo.py")], capture_output=True,
                          text=True, timeout=300, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert proc.stdout.strip() == "11327 301 150", proc.stderr
    assert "It prints `11327 301 150`" in text


def test_reference_computed_destination_example_counts_as_documented(tmp_path):
    import re

    from mcfsm import explore
    from mcfsm.lang.loader import load_path
    from mcfsm.show.diagrams import role_dot

    text = (README.parent / "docs" / "reference.md").read_text()
    [code] = re.findall(r"<!-- runnable-example: dest -->\n```python\n(.*?)```", text, re.S)
    (tmp_path / "market.py").write_text(code)
    [loaded] = load_path(tmp_path / "market.py")
    result = explore(loaded.model.system("base"))
    assert (result.distinct_states, result.total_states, result.depth) == (6, 7, 3)
    assert "6 distinct states, 7 total, depth 3" in text
    seller = loaded.model.system("base").instances[1].role
    dot = role_dot(seller)
    assert '"waiting" -> "accepted"' in dot and '"waiting" -> "rejected"' in dot


def test_reference_monitor_example_counts_as_documented(tmp_path):
    import re

    from mcfsm import explore
    from mcfsm.lang.loader import load_path
    from mcfsm.show.report import result_text

    text = (README.parent / "docs" / "reference.md").read_text()
    [code] = re.findall(r"<!-- runnable-example: monitor -->\n```python\n(.*?)```", text, re.S)
    (tmp_path / "pings.py").write_text(code)
    [loaded] = load_path(tmp_path / "pings.py")
    system = loaded.model.system("base")
    result = explore(system)
    assert (result.distinct_states, result.total_states, result.depth) == (13, 17, 5)
    assert "13 distinct states, 17 total, depth 5" in text
    assert {v.property.name: v.status for v in result.verdicts} == loaded.model.expected("base", system)
    assert "monitor order observes: state none -> error" in "\n".join(result_text("pings", "base", result))


def test_reference_turnstile_example_runs_as_documented(tmp_path):
    """Issue 22 items 3, 5, 6, 7, 8 and 9 in one example, through the real command: the
    action constraint's counts, entry and exit actions, quoted names with spaces and no 3GPP
    wording, the reusable role's warning, --fail-fast and --max-memory with their exits."""
    import os
    import re
    import subprocess
    import sys

    from .conftest import ROOT

    text = (README.parent / "docs" / "reference.md").read_text()
    [code] = re.findall(r"<!-- runnable-example: turnstile -->\n```python\n(.*?)```", text, re.S)
    (tmp_path / "turnstile.py").write_text(code)
    flat = " ".join(text.split())

    def check(*options: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "mcfsm", "check", "turnstile.py",
                               "--no-cache", *options], capture_output=True, text=True,
                              timeout=300, cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(ROOT)))

    plain = check()
    assert plain.returncode == 1, plain.stderr
    warning = ("mcfsm: warning: system 'turnstile': role 'gate' (reusable), transition "
               "'Alarm' receives Alarm, which no role of this system sends: it never fires here")
    assert warning in plain.stderr and warning in flat
    assert "10 distinct states, 14 total, depth 10" in plain.stdout
    assert "4 successors cut by the state or action constraint or a bound" in plain.stdout
    assert re.search(r'holds +"every pass paid for"', plain.stdout)
    assert re.search(r'VIOLATED +"at most two passes" +shortest counterexample: 9 steps',
                     plain.stdout)
    for words in ("spec", "gap in the text", "3GPP", "TS 23"):
        assert words not in plain.stdout, words
    assert "10 distinct states, 14 total, depth 10" in flat and "violated in 9 steps" in flat

    fail_fast = check("--fail-fast")
    assert fail_fast.returncode == 1
    assert "INCOMPLETE, stopped by the first violation (fail fast)" in fail_fast.stdout
    assert re.search(r'unknown +"every pass paid for"', fail_fast.stdout)
    assert "stopped by the first violation (fail fast)" in flat

    memory = check("--max-memory", "1")
    assert memory.returncode == 3
    assert "INCOMPLETE, stopped by the --max-memory budget" in memory.stdout
    assert not re.search(r"^ +holds ", memory.stdout, re.M)  # a cut search never says holds
    assert "stopped by the --max-memory budget" in flat


def test_readme_timers_example_shows_the_race_and_the_long_enough_reading(tmp_path):
    """Issue 31, "done when": README shows a timer, a transaction and a loss in a runnable
    example, with the race a free timer exposes and, beside it, the verdict the reading
    "long enough" gives; this runs it and checks both verdicts and the words that state them."""
    import re

    from mcfsm import explore
    from mcfsm.check.assumptions import rests_on
    from mcfsm.lang.loader import load_path

    text = MODELLING.read_text()
    [code] = re.findall(r"<!-- runnable-example: timers -->\n```python\n(.*?)```", text, re.S)
    for declaration in ("timers=[hold]", "Transaction(WhereIs", "Timeout(WhereIs)",
                        "Expiry(\"hold\")", "Loss.on(", "outlasts=(\"WhereIs\",)"):
        assert declaration in code, declaration
    (tmp_path / "held_call.py").write_text(code)
    [loaded] = load_path(tmp_path / "held_call.py")
    model = loaded.model
    assert list(model.variants) == ["free_timer", "long_enough"]
    found = {}
    for variant in model.variants:
        system = model.system(variant)
        assert "loss-where-declared" in rests_on(system)  # the answer may be lost in both
        verdicts = {v.property.name: v for v in explore(system).verdicts}
        assert {n: v.status for n, v in verdicts.items()} == model.expected(variant, system)
        found[variant] = (system, verdicts)
    # the race: the hold expires right after the call, while the query is merely slow
    system, verdicts = found["free_timer"]
    race = verdicts["no-refusal-while-asking"]
    assert race.status == "violated"
    assert [k.transition for k in race.trace.steps] == ["call", "hold expires"]
    assert [type(m).__name__ for _, _, m in system.view(race.trace.states[1]).in_flight()] == [
        "WhereIs"]
    # the reading: it holds, and the lost answer deadlocks nothing (the query times out)
    _, verdicts = found["long_enough"]
    assert verdicts["no-refusal-while-asking"].status == "holds"
    assert verdicts["no-deadlock"].status == "holds"
    flat = " ".join(text.split())
    assert ("`no-refusal-while-asking` is violated in 2 steps (the call, then the hold expires "
            "while the query is merely slow); under the reading \"the hold outlasts the query\" "
            "(`outlasts=`) it holds.") in flat
    assert "a lost answer deadlocks nothing" in flat
    # after the section on writing a model, before the first check
    assert text.index("## Writing a model") < text.index("<!-- runnable-example: timers -->") \
        < text.index("## A check, start to finish")
