"""Model values reach DOT files (state names, product-graph labels, edge labels): one
function quotes them (show/diagrams.dot_quote), and graphviz's `dot` must accept whatever it
is given (issue 21: an empty string or a quote in a variable crashed `mcfsm diagram`)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from mcfsm.check.cache import explore_cached
from mcfsm.cli import main
from mcfsm.lang.loader import load_path
from mcfsm.show.diagrams import dot_quote

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz's dot is missing")

NASTY = st.text(alphabet=st.sampled_from(list('"\\\n\r{}[]<>|;,= \t\'ab😀é')),
                max_size=12)


@needs_dot
@settings(max_examples=40, deadline=None)
@given(st.lists(NASTY, min_size=1, max_size=6))
def test_dot_accepts_every_quoted_text(texts):
    lines = ["digraph fuzz {"]
    for k, text in enumerate(texts):
        lines.append(f"  n{k} [label={dot_quote(text)}];")
        lines.append(f"  {dot_quote(text + str(k))} -> n{k} [label={dot_quote(text)}];")
    lines.append("}")
    proc = subprocess.run(["dot", "-Tsvg"], input="\n".join(lines), capture_output=True,
                          text=True)
    assert proc.returncode == 0, (proc.stderr, lines)


@needs_dot
def test_diagram_of_a_model_with_quotes_and_empty_strings(tmp_path):
    (tmp_path / "q.py").write_text('''
from mcfsm import Instance, Model, Role, System, Transition, Var, always
R = Role("r", states=["on", "off"], initial="on",
         variables={"s": Var(str, ""), "t": Var(str, 'say "hi" \\\\ <b>|{x}')},
         transitions=[Transition("go", "on", "off", clause="q 1",
                                 conditions=[lambda ctx: ctx.v.s == ""])])
model = Model("q")

@model.variant("base")
def base():
    return System("q", instances=[Instance("r", R, label='the "r" | <1>')],
                  check_deadlock=False,
                  properties=[always("p", lambda v: v["r"].state != "off", clause="q 2")])
''')
    r = CliRunner().invoke(main, ["diagram", str(tmp_path / "q.py"), "--out", str(tmp_path / "d")])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "d" / "q" / "base" / "product.svg").exists()
    # the index names the model it was generated from, not this repository's models/
    index = (tmp_path / "d" / "README.md").read_text()
    assert f"mcfsm diagram {(tmp_path / 'q.py').as_posix()} --out" in index
    assert "models/" not in index


def test_state_diagrams_show_guards():
    """A guarded transition says so under its words: a named guard by its name, a lambda
    as "a condition" (issue 21: state diagrams dropped guards)."""
    from mcfsm import Role, Transition
    from mcfsm.show.diagrams import role_dot

    def caller_is_registered(ctx):
        return True

    role = Role("r", states=["on", "off"], initial="on", transitions=[
        Transition("go", "on", "off", clause="g 1", conditions=[caller_is_registered]),
        Transition("back", "off", "on", clause="g 2", conditions=[lambda ctx: True]),
        Transition("stay", "on", None, clause="g 3")])
    text = role_dot(role)
    assert "<i>if caller is registered</i>" in text
    assert "<i>if a condition</i>" in text
    assert text.count("<i>if") == 2  # the unguarded transition has none


def test_the_index_says_why_a_product_graph_is_not_drawn(tmp_path):
    root = Path(__file__).resolve().parent.parent
    r = CliRunner().invoke(main, ["diagram", str(root / "tests" / "validation" / "diehard.py"),
                                  "--out", str(tmp_path / "small"), "--no-svg"])
    # each model's index (MODEL/README.md) links its pictures; the entry page links the index
    [small] = (tmp_path / "small").glob("*/README.md")
    assert r.exit_code == 0 and "[Product state graph]" in small.read_text()
    r = CliRunner().invoke(main, ["diagram", str(root / "models" / "group_call_migration.py"),
                                  "--variant", "break_before_make", "--out", str(tmp_path / "big"),
                                  "--no-svg"])
    assert r.exit_code == 0, r.output
    [lm] = load_path(root / "models" / "group_call_migration.py")  # its count, as explored
    n = explore_cached(lm.model.system("break_before_make"), loaded=lm,
                       variant="break_before_make").distinct_states
    assert (f"Product state graph: not drawn ({n:,} states, more than the 300 a readable "
            "picture holds)") in (tmp_path / "big" / "group_call_migration" / "README.md").read_text()
