"""README's sample output is what the command prints today (see tests/readme_sample.py)."""

from .readme_sample import README, blocks, normalise, run


def test_readme_sample_output_is_current():
    found = blocks(README.read_text())
    assert found, "README.md has no <!-- sample-output: ... --> block"
    for command, shown in found:
        assert normalise(run(command)) == normalise(shown), (
            f"README's output of `{command}` is stale: run .venv/bin/python tests/readme_sample.py")


def test_readme_writing_a_model_example_runs_as_documented(tmp_path):
    import re

    from mcfsm import explore
    from mcfsm.lang.loader import load_path
    from mcfsm.show.explain import explain

    text = README.read_text()
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

    text = README.read_text()
    [code] = re.findall(r"<!-- runnable-example: initial -->\n```python\n(.*?)```", text, re.S)
    (tmp_path / "initial_demo.py").write_text(code)
    [loaded] = load_path(tmp_path / "initial_demo.py")
    result = explore(loaded.model.system("base"))
    assert (result.distinct_states, result.total_states, result.depth) == (4, 4, 2)
    assert "4 distinct states, 4 total, depth 2" in text
    assert {v.property.name: v.status for v in result.verdicts}["got-it"] == "witnessed"
