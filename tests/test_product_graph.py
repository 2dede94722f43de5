"""The product state graph (`mcfsm diagram`, show/diagrams.py) has exactly the states the
check explores: the state constraint, the action constraint and max_in_flight cut it as
they cut the search (docs/reference.md's turnstile once drew 16 states against 10)."""

import re

from mcfsm.check.choices import explore_by_choice
from mcfsm.lang.loader import load_path
from mcfsm.show.diagrams import product_dot

from .conftest import ROOT


def _turnstile(tmp_path, edit=lambda code: code):
    text = (ROOT / "docs" / "reference.md").read_text()
    [code] = re.findall(r"<!-- runnable-example: turnstile -->\n```python\n(.*?)```", text, re.S)
    code = edit(code)
    (tmp_path / "turnstile.py").write_text(code)
    [lm] = load_path(tmp_path / "turnstile.py")
    return lm.model.system("base")


def _nodes_and_edges(dot: str) -> tuple[int, int]:
    nodes = len(re.findall(r"^  s\d+ \[label=", dot, re.M))
    edges = len(re.findall(r"^  s\d+ -> s\d+ ", dot, re.M))
    return nodes, edges


def test_product_graph_of_the_turnstile_has_the_checked_states(tmp_path):
    system = _turnstile(tmp_path)
    result = explore_by_choice(system)
    assert result.distinct_states == 10
    dot = product_dot(system, result)
    nodes, edges = _nodes_and_edges(dot)
    assert nodes == 10, dot
    # one line of 1 + 9 states: every taken step is an edge, the rejected ones are not
    assert edges == 9, dot
    assert "10 reachable states" in dot


def test_product_graph_is_cut_by_the_state_constraint_too(tmp_path):
    system = _turnstile(tmp_path, lambda code: code.replace(
        "action_constraint=", "constraint=lambda v: v['person'].paid < 2, action_constraint="))
    result = explore_by_choice(system)
    nodes, _ = _nodes_and_edges(product_dot(system, result))
    assert nodes == result.distinct_states < 10
