"""The CI contract through the public CLI (issue 9): Ctrl-C, per-folder sibling modules,
budgets on every exploring command, `python -m mcfsm`, and the exit codes documented in
README and every command's --help. The fuzz corpus (test_fuzz.py) covers bad input."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from mcfsm.cli import main

from .conftest import ROOT, run_cli
from .fuzz_corpus import grammar

COMMANDS = ("check", "simulate", "replay", "diagram", "diff", "export", "list")


def invoke(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    here = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, list(args), prog_name="mcfsm")
    finally:
        os.chdir(here)
    return result.exit_code, result.stdout, result.stderr


def _interrupted(*args: str) -> tuple[int, str, str]:
    """Run mcfsm on the never-ending model, press Ctrl-C once, and collect the outcome."""
    env = dict(os.environ)
    env.pop("MCFSM_DEBUG", None)
    proc = subprocess.Popen([sys.executable, "-m", "mcfsm", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(3)  # loading takes a moment; the search then runs for ever
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    return proc.returncode, out, err


def test_ctrl_c_prints_the_partial_result_marked_incomplete_and_exits_130():
    code, out, err = _interrupted("check", "tests/fixtures/long_running.py")
    assert code == 130, (out, err)
    assert "INCOMPLETE, stopped by an interrupt (Ctrl-C)" in out
    assert "unknown   bounded" in out  # never "holds" on a partial search
    assert "interrupted" in err and "Traceback" not in err


def test_ctrl_c_stops_a_simulation_too(tmp_path):
    code, out, err = _interrupted("simulate", "tests/fixtures/long_running.py", "--examples",
                                  "1000000", "--steps", "1000", "--seed", "1", "--traces",
                                  str(tmp_path))
    assert code == 130, (out, err)
    assert "INCOMPLETE, stopped by an interrupt (Ctrl-C)" in out and "Traceback" not in err


def test_a_keyboard_interrupt_raised_by_model_code_is_a_model_error(tmp_path):
    (tmp_path / "model.py").write_text(grammar.model_source(GUARD="raise KeyboardInterrupt"))
    code, _, err = invoke("check", "model.py", cwd=tmp_path)
    assert code == 2 and "transition 'ping'" in err and "KeyboardInterrupt" in err


@pytest.mark.parametrize("site", ["ACTION", "GUARD", "ALWAYS", "STEP", "CONSTRAINT", "PRELUDE"])
def test_sys_exit_0_in_model_code_does_not_decide_the_exit_code(tmp_path, site):
    (tmp_path / "model.py").write_text(grammar.model_source(**{site: "sys.exit(0)"}))
    code, out, err = invoke("check", "model.py", cwd=tmp_path)
    assert code == 2, (out, err)
    assert "model.py" in err and "sys.exit(0)" in err and "how to fix" in err


def test_time_limit_stops_a_search_that_would_never_end():
    proc = run_cli("check", "tests/fixtures/long_running.py", "--time-limit", "1")
    assert proc.returncode == 3
    assert "stopped by the --time-limit budget" in proc.stdout


def _model_folder(folder: Path, limit: int) -> Path:
    """A model folder whose model imports its sibling module `_mc` (which sets the limit)."""
    folder.mkdir()
    (folder / "_mc.py").write_text(
        "from mcfsm import M, Message\n\n\nclass Ping(Message, clause='T.1'):\n"
        "    n: int = M('count')\n\n\n" f"LIMIT = {limit}\n")
    source = grammar.model_source(GUARD="return ctx.v.count < LIMIT")
    source = source.replace('class Ping(Message, clause="T.1"):\n    n: int = M("count")\n',
                            "from _mc import LIMIT, Ping\n")
    (folder / "model.py").write_text(source)
    return folder / "model.py"


def test_two_copies_of_a_model_folder_each_use_their_own_sibling_modules(tmp_path):
    old = _model_folder(tmp_path / "old", 2)
    new = _model_folder(tmp_path / "new", 3)
    sys.modules.pop("_mc", None)
    code, out, err = invoke("diff", str(old), str(new), "--variant", "v1", "--variant", "v1",
                            "--json")
    assert code == 1, err  # the new _mc allows a third Ping, which breaks `few`
    few = next(p for p in json.loads(out)["properties"] if p["name"] == "few")
    assert (few["a"], few["b"]) == ("holds", "violated")
    assert "_mc" not in sys.modules  # siblings are kept per folder, not in sys.modules


def test_a_sibling_module_imported_before_is_not_reused_for_another_folder(tmp_path):
    new = _model_folder(tmp_path / "new", 3)
    stale = tmp_path / "stale"
    stale.mkdir()
    (stale / "_mc.py").write_text("LIMIT = 'stale'\n")
    sys.path.insert(0, str(stale))
    try:
        import _mc  # noqa: F401 - a test's own import of a module named like the sibling

        code, out, err = invoke("check", str(new), "--json")
    finally:
        sys.path.remove(str(stale))
        sys.modules.pop("_mc", None)
    assert code == 1, err
    assert json.loads(out)[0]["distinct_states"] > 24  # LIMIT 3: more states than LIMIT 2


def test_diff_of_budget_cut_searches_is_inconclusive_not_unchanged():
    proc = run_cli("diff", "tests/validation/twophase.py", "--variant", "rm3", "--variant", "rm3",
                   "--max-states", "20")
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "unchanged" not in proc.stdout and "inconclusive" in proc.stdout


@pytest.mark.parametrize("command", [["diagram", "--no-svg", "--out", "{tmp}"],
                                     ["diff", "--variant", "rm3", "--variant", "rm3"],
                                     ["simulate", "--examples", "5", "--traces", "{tmp}"]])
def test_every_exploring_command_honours_the_budget(command, tmp_path):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in command]
    code, out, err = invoke(argv[0], "tests/validation/twophase.py", *argv[1:],
                            "--max-states", "10", cwd=ROOT)
    assert code == 3, (out, err)


def test_more_than_256_parameter_combinations(tmp_path):
    (tmp_path / "model.py").write_text(grammar.model_source(
        PARAM='Param(tuple(range(300)), clause="1.4")'))
    code, out, err = invoke("check", "model.py", "--json", cwd=tmp_path)
    assert code == 0, err
    assert json.loads(out)[0]["distinct_states"] == 300 * 12  # 12 states per choice (24 / 2)


def test_python_dash_m_mcfsm():
    proc = subprocess.run([sys.executable, "-m", "mcfsm", "list", "tests/validation/tcommit.py"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "variant rm3" in proc.stdout, proc.stderr


def test_every_command_documents_its_exit_codes():
    """Every registered command, also those added later: its --help states the exit
    codes, and README's "Exit codes" table has a row for it."""
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Exit codes"):]
    assert set(COMMANDS) <= set(main.commands)
    for command in main.commands:
        code, out, _ = invoke(command, "--help")
        assert code == 0 and "Exit status" in out, command
        assert f"`{command}`" in section, command
    for code in ("0", "1", "2", "3", "130"):
        assert f"**{code}**" in section


def test_unwritable_output_is_refused_before_the_search(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, out, err = invoke("check", "tests/fixtures/long_running.py", "--out", str(blocker / "x"),
                            "--time-limit", "2", cwd=ROOT)
    assert code == 2 and "--out" in err
    assert out == ""  # refused before the search: no report was printed


def test_every_command_keeps_the_contract_on_a_missing_path(tmp_path):
    """Also commands added later: a path that does not exist never gives a traceback or an
    exit code outside the contract."""
    for command in main.commands:
        code, out, err = invoke(command, "no/such/file.py", cwd=tmp_path)
        assert code in (0, 1, 2, 3), (command, code, out, err)
        assert "Traceback" not in out + err and "internal error" not in err, (command, err)


def test_ctrl_c_sent_to_the_parent_alone_stops_the_worker_processes_too(tmp_path):
    """`kill -INT` reaches only the parent (a terminal's Ctrl-C reaches the whole group):
    the forked workers exploring variants in parallel must stop as well."""
    source = (ROOT / "tests" / "fixtures" / "long_running.py").read_text()
    source += ('\n\n@model.variant("grid2")\ndef grid2() -> System:\n    return grid()\n')
    (tmp_path / "two_long.py").write_text(source)
    env = dict(os.environ)
    env.pop("MCFSM_DEBUG", None)
    proc = subprocess.Popen([sys.executable, "-m", "mcfsm", "check", "two_long.py", "--workers",
                             "2", "--no-cache"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    time.sleep(3)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (out, err)
    assert "INCOMPLETE, stopped by an interrupt (Ctrl-C)" in out and "Traceback" not in err


def _two_long_with(tmp_path, action: str) -> subprocess.CompletedProcess:
    """long_running's grid plus a variant whose worker does `action` once n reaches 50."""
    source = (ROOT / "tests" / "fixtures" / "long_running.py").read_text()
    source += f'''

import os, signal


def odd(ctx):
    ctx.v.n = ctx.v.n + 1
    if ctx.v.n == 50:
        {action}


ODD = Role("odd", states=["on"], initial="on", variables={{"n": Var(int, 0)}},
           transitions=[Transition("up", "on", None, clause="test", after=[odd])])


@model.variant("odd")
def odd_variant() -> System:
    return System("long_running", instances=[Instance("c", ODD)], check_deadlock=False,
                  properties=[always("bounded", lambda v: v["c"].n < 10**9, clause="test")])
'''
    (tmp_path / "two.py").write_text(source)
    env = dict(os.environ)
    env.pop("MCFSM_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "mcfsm", "check", "two.py", "--workers", "2",
                           "--no-cache"], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("action, words", [
    ("os._exit(3)", "exit status 3"),
    ("os.kill(os.getpid(), signal.SIGKILL)", "killed by SIGKILL"),  # as the OOM killer does
])
def test_a_worker_that_dies_is_an_error_naming_its_variant_never_a_hang(tmp_path, action, words):
    proc = _two_long_with(tmp_path, action)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "long_running[odd]" in proc.stderr and words in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_sigint_that_reaches_one_worker_stops_them_all(tmp_path):
    proc = _two_long_with(tmp_path, "os.kill(os.getpid(), signal.SIGINT)")
    assert proc.returncode == 130, (proc.stdout, proc.stderr)
    assert "INCOMPLETE, stopped by an interrupt (Ctrl-C)" in proc.stdout


def test_budgets_bound_the_enumeration_of_parameter_combinations(tmp_path):
    """4**12 (16.7 million) combinations: the budget stops the search after a few, and the
    product is never built whole (it once ran minutes at 1.8 GB)."""
    params = ", ".join(f'"p{i}": Param((0, 1, 2, 3), clause="1.4")' for i in range(12))
    source = (ROOT / "tests" / "fixtures" / "long_running.py").read_text().replace(
        "from mcfsm import", "from mcfsm import Param,").replace(
        'check_deadlock=False,', f'check_deadlock=False, params={{{params}}},')
    (tmp_path / "many.py").write_text(source)
    started = time.perf_counter()
    code, out, err = invoke("check", "many.py", "--max-states", "100", "--time-limit", "3",
                            "--no-cache", cwd=tmp_path)
    assert code == 3, (out, err)
    assert "INCOMPLETE" in out
    assert time.perf_counter() - started < 60  # generous; it used to take minutes


def test_a_deeply_nested_initial_value_is_a_model_error_not_a_segfault(tmp_path):
    (tmp_path / "deep.py").write_text('''
from mcfsm import Instance, Model, Role, System, Transition, Var, always
v = ()
for _ in range(200_000):
    v = (v,)
R = Role("r", states=["on"], initial="on", variables={"x": Var(tuple, v)},
         transitions=[Transition("t", "on", None, clause="x 1")])
model = Model("deep")


@model.variant("base")
def base():
    return System("deep", instances=[Instance("r", R)], check_deadlock=False,
                  properties=[always("p", lambda v: True, clause="x 1")])
''')
    for command in ("list", "check"):
        code, _out, err = invoke(command, "deep.py", cwd=tmp_path)
        assert code == 2 and "more than 1000 levels deep" in err and "variable 'x'" in err, err
