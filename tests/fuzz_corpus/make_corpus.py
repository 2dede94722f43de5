"""Write the fixed fuzz corpus: tests/fuzz_corpus/cases/NNN-name.json, one case a file.

    .venv/bin/python -m tests.fuzz_corpus.make_corpus

A case is {"name", "argv", "files": {name: text}, "setup": [...], "exits": [...allowed exit
codes], "mentions": [...words an exit-2 message must contain], and optionally "says": [...words
the output must contain whatever the exit]}. The cases come from the
grammar of mistakes (grammar.py): every model mistake under `check`, and again under a
second command (list, diff, simulate or diagram, in turn); broken trace files under replay
and export; and wrong options and paths under every command. Expected exit codes are
derived from what each mistake is, never from running mcfsm: running the corpus is the test.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

from . import grammar

HERE = Path(__file__).resolve().parent
OUT = HERE / "cases"
M = grammar.MODEL_FILE
BUDGET = ["--max-states", "5000"]


def model_cases() -> list[dict[str, Any]]:
    cases = []
    rotation = ["list", "diff", "simulate", "diagram"]
    for k, mistake in enumerate(grammar.all_model_mistakes()):
        files = {M: grammar.model_source(**mistake.slots)}
        mentions = [M, *mistake.mentions]
        cases.append({"name": f"model-{mistake.name}-check", "argv": ["check", M, *BUDGET],
                      "files": files, "exits": list(mistake.exits), "mentions": mentions})
        command = rotation[k % len(rotation)]
        if command == "list" and mistake.runtime:
            command = "diff"  # list builds but never runs the model code
        argv = {
            "list": ["list", M],
            "diff": ["diff", M, "--variant", "v1", "--variant", "v2", *BUDGET],
            "simulate": ["simulate", M, "--examples", "5", "--steps", "6", "--seed", "1",
                         "--traces", "traces"],
            "diagram": ["diagram", M, "--no-svg", "--out", "out", *BUDGET],
        }[command]
        exits = list(mistake.exits)
        if command == "simulate" and mistake.runtime:
            # Random runs may not reach the failing code: no violation (0), a violation the
            # mistake causes (1), or the model error (2); never a traceback.
            exits = [0, 1, 2, 3]
        cases.append({"name": f"model-{mistake.name}-{command}", "argv": argv, "files": files,
                      "exits": exits, "mentions": mentions})
    for mistake in grammar.RUNTIME_VALUE_MISTAKES:  # what the runtime (not the explorer) meets
        if any(c["name"] == f"model-{mistake.name}-simulate" for c in cases):
            continue
        cases.append({"name": f"model-{mistake.name}-simulate",
                      "argv": ["simulate", M, "--examples", "10", "--steps", "8", "--seed", "1",
                               "--traces", "traces"],
                      "files": {M: grammar.model_source(**mistake.slots)}, "exits": [0, 1, 2, 3],
                      "mentions": [M, *mistake.mentions]})
    return cases


def valid_trace(folder: Path) -> dict[str, Any]:
    """The explorer's witness trace of the template model, made by mcfsm itself."""
    from click.testing import CliRunner

    from mcfsm.cli import main

    (folder / M).write_text(grammar.model_source())
    import os

    here = os.getcwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(main, ["check", M, "--variant", "v1", "--traces", "tr"])
    finally:
        os.chdir(here)
    assert result.exit_code == 0, result.output
    record = json.loads((folder / "tr" / "fuzz_model.v1.two.trace.json").read_text())
    for bulky in ("initial_state", "narrated"):  # replay reads neither
        record.pop(bulky, None)
    record["file"] = M  # the model beside the trace, wherever a case is materialised
    return record


TRACE_FIELD_VALUES: list[tuple[str, Any]] = [
    ("null", None), ("int", 5), ("list", []), ("object", {}), ("empty", ""), ("true", True),
    ("float", 1.5),
]


def trace_cases(good: dict[str, Any]) -> list[dict[str, Any]]:
    model = grammar.model_source()
    cases = []

    def case(name: str, record: Any, exits: list[int], mentions: list[str],
             command: str = "replay", raw: Any = None, extra: list[str] | None = None) -> None:
        text = raw if raw is not None else json.dumps(record, indent=1)
        cases.append({"name": f"trace-{name}-{command}",
                      "argv": [command, "t.trace.json", *(extra or [])],
                      "files": {M: model, "t.trace.json": text}, "exits": exits,
                      "mentions": mentions})

    case("valid", good, [0], [])
    for fmt in ("itf", "json", "mermaid", "dot"):
        case(f"valid-{fmt}", good, [0], [], "export", extra=["--format", fmt])
    for field in ("format", "model", "file", "variant", "property", "steps", "status", "params",
                  "note", "source"):
        for label, value in TRACE_FIELD_VALUES:
            record = copy.deepcopy(good)
            record[field] = value
            if field in ("note", "source") and isinstance(value, str):
                exits = [0]  # free text, only echoed back
            elif field == "steps" and value == []:
                exits = [1]  # replays, but the empty trace's last state shows no witness
            else:
                exits = [2]
            command = "export" if (len(cases) % 3 == 0 and exits == [2]) else "replay"
            case(f"{field}-{label}", record, exits, ["t.trace.json"] if exits == [2] else [],
                 command)
        record = copy.deepcopy(good)
        if field in record and field not in ("status", "note", "source", "params"):
            del record[field]
            case(f"{field}-missing", record, [2], ["t.trace.json", field])
    # steps, one by one
    for index in range(len(good["steps"])):
        for key in ("actor", "transition", "kind"):
            for label, value in (("null", None), ("int", 3), ("list", ["a"])):
                record = copy.deepcopy(good)
                record["steps"][index][key] = value
                case(f"step{index}-{key}-{label}", record, [2], ["t.trace.json", key])
        record = copy.deepcopy(good)
        record["steps"][index] = "ping"
        case(f"step{index}-string", record, [2], ["t.trace.json", f"step {index + 1}"])
        record = copy.deepcopy(good)
        record["steps"][index]["from"] = 7
        case(f"step{index}-from-int", record, [2], ["t.trace.json", "from"])
        record = copy.deepcopy(good)
        record["steps"][index]["transition"] = "teleport"
        case(f"step{index}-diverges", record, [1], [])
        case(f"step{index}-diverges", record, [2], ["no longer replays"], "export")
    record = copy.deepcopy(good)
    record["steps"].append({"actor": "zz", "transition": "x", "kind": "internal", "from": None,
                            "message": None, "arg": None})
    case("extra-step", record, [1], [])
    record = copy.deepcopy(good)
    record["params"] = {"p": 99}
    case("params-unknown-choice", record, [1], [])
    case("property-unknown", {**good, "property": "nope"}, [2], ["t.trace.json", "'nope'"])
    case("model-unknown", {**good, "model": "other_model"}, [2], ["t.trace.json", "other_model"])
    case("variant-unknown", {**good, "variant": "v9"}, [2], ["t.trace.json", "v9"])
    case("file-gone", {**good, "file": "gone.py"}, [2], ["gone.py"])
    case("file-not-py", {**good, "file": "t.trace.json"}, [2], ["not a model file"])
    case("file-nul", {**good, "file": "a\u0000b.py"}, [2], ["t.trace.json"])
    # not JSON, or JSON of the wrong shape
    for name, raw in (("empty", ""), ("garbage", "not json at all"), ("list", "[1, 2]"),
                      ("string", '"trace"'), ("number", "42"), ("truncated", '{"format": '),
                      ("nan", '{"format": NaN}'), ("infinity", "Infinity"),
                      ("bom", "\ufeff" + json.dumps(good))):
        case(f"raw-{name}", None, [2], ["t.trace.json"], raw=raw)
    cases.append({"name": "trace-deep-nesting-replay", "argv": ["replay", "t.trace.json"],
                  "files": {M: model, "t.trace.json": {"nest": 200000}}, "exits": [2],
                  "mentions": ["t.trace.json"]})
    cases.append({"name": "trace-huge-number-replay", "argv": ["replay", "t.trace.json"],
                  "files": {M: model, "t.trace.json": {"prefix": '{"format": ', "digits": 100000,
                                                       "suffix": "}"}},
                  "exits": [2], "mentions": ["t.trace.json"]})
    huge = copy.deepcopy(good)
    cases.append({"name": "trace-huge-float-replay", "argv": ["replay", "t.trace.json"],
                  "files": {M: model, "t.trace.json": json.dumps(huge).replace(
                      '"p": 1', '"p": 1e999999')}, "exits": [1], "mentions": []})
    cases.append({"name": "trace-not-utf8-replay", "argv": ["replay", "t.trace.json"],
                  "files": {M: model, "t.trace.json": {"hex": "7b22666f726d6174223a20ff fe7d"
                                                       .replace(" ", "")}},
                  "exits": [2], "mentions": ["t.trace.json"]})
    for name, setup in (("fifo", "fifo:t.trace.json"), ("dir", "dir:t.trace.json")):
        cases.append({"name": f"trace-is-{name}-replay", "argv": ["replay", "t.trace.json"],
                      "files": {M: model}, "setup": [setup], "exits": [2],
                      "mentions": ["t.trace.json"]})
    cases.append({"name": "trace-missing-replay", "argv": ["replay", "none.trace.json"],
                  "files": {M: model}, "exits": [2], "mentions": ["none.trace.json"]})
    cases.append({"name": "trace-model-is-fifo-replay",
                  "argv": ["replay", "t.trace.json", "--model", "f.py"],
                  "files": {M: model, "t.trace.json": json.dumps(good)}, "setup": ["fifo:f.py"],
                  "exits": [2], "mentions": ["f.py"]})
    return cases


def option_cases() -> list[dict[str, Any]]:
    model = grammar.model_source()
    violated = grammar.model_source(ALWAYS='return v["b"].seen < 1')
    files = {M: model}
    cases = []

    def case(name: str, argv: list[str], exits: list[int], mentions: list[str],
             setup: list[str] | None = None, the_files: dict[str, Any] | None = None) -> None:
        cases.append({"name": f"option-{name}", "argv": argv,
                      "files": files if the_files is None else the_files,
                      "setup": setup or [], "exits": exits, "mentions": mentions})

    exploring = {
        "check": ["check", M],
        "diff": ["diff", M, "--variant", "v1", "--variant", "v2"],
        "diagram": ["diagram", M, "--no-svg", "--out", "out"],
        "simulate": ["simulate", M, "--examples", "3", "--steps", "5", "--seed", "2"],
    }
    bad_values = {
        "--max-states": ["0", "-1", "abc", "1.5", "nan", ""],
        "--max-depth": ["0", "-3", "x", "inf"],
        "--time-limit": ["nan", "inf", "-inf", "-1", "0", "abc", "1e309", "", "NaN"],
    }
    for command, argv in exploring.items():
        for option, values in bad_values.items():
            for value in values:
                case(f"{command}{option}={value or 'empty'}", [*argv, option, value], [2],
                     [option])
        case(f"{command}-valid", argv, [0], [])
        case(f"{command}-max-states-3", [*argv, "--max-states", "3"], [3], [])
        # simulate: --max-depth caps each run's length, which cuts no exhaustive search
        case(f"{command}-max-depth-2", [*argv, "--max-depth", "2"],
             [0] if command == "simulate" else [3], [])
        case(f"{command}-time-limit-60", [*argv, "--time-limit", "60"], [0], [])
        case(f"{command}-huge-max-states", [*argv, "--max-states", "9" * 30], [0], [])
        case(f"{command}-unknown-option", [*argv, "--frobnicate"], [2], ["--frobnicate"])
        case(f"{command}-missing-file", [command, "gone.py", *argv[2:]], [2], ["gone.py"])
        case(f"{command}-not-py", [command, "notes.txt", *argv[2:]], [2], ["notes.txt"],
             the_files={**files, "notes.txt": "hello"})
        case(f"{command}-fifo", [command, "x.py", *argv[2:]], [2], ["x.py"], ["fifo:x.py"])
        case(f"{command}-empty-folder", [command, "empty", *argv[2:]], [2], ["empty"],
             ["dir:empty"])
        case(f"{command}-nonutf8-name", [command, "@NONUTF8@", *argv[2:]], [0], [],
             ["nonutf8"])
        case(f"{command}-symlink-loop", [command, "loop.py", *argv[2:]], [2], ["loop.py"],
             ["symlink_loop:loop.py"])
    case("check-violated", ["check", M], [1], [], the_files={M: violated})
    # 4 states cannot reach the violation (it needs a delivery: depth 3, more states) -> 3;
    # 50 states can (the whole space has 24 distinct states per parameter pair) -> 1
    case("check-violated-small-budget", ["check", M, "--max-states", "4"], [3], [],
         the_files={M: violated})
    case("check-violated-budget", ["check", M, "--max-states", "50"], [1], [],
         the_files={M: violated})
    case("check-expected-violated", ["check", M, "--expected"], [1], [], the_files={M: violated})
    case("diff-verdict-changed", ["diff", "a/model.py", "b/model.py", "--variant", "v1",
                                  "--variant", "v1"], [1], [],
         the_files={"a/model.py": model, "b/model.py": violated})
    case("check-variant-unknown", ["check", M, "--variant", "nope"], [2], ["'nope'"])
    case("check-out-is-file", ["check", M, "--out", "f"], [2], ["f"],
         the_files={**files, "f": "x"})
    case("check-out-under-file", ["check", M, "--out", "f/sub"], [2], ["f"],
         the_files={**files, "f": "x"})
    case("check-traces-is-file", ["check", M, "--traces", "f"], [2], ["f"],
         the_files={**files, "f": "x"})
    case("check-json-and-out", ["check", M, "--json", "--out", "reports"], [0], [])
    case("diagram-out-is-file", ["diagram", M, "--no-svg", "--out", "f"], [2], ["f"],
         the_files={**files, "f": "x"})
    case("diff-one-variant", ["diff", M, "--variant", "v1"], [2], ["give --variant twice"])
    case("diff-three-variants", ["diff", M, "--variant", "v1", "--variant", "v2", "--variant",
                                 "v1"], [2], ["exactly twice"])
    case("diff-three-paths", ["diff", M, M, M, "--variant", "v1", "--variant", "v2"], [2],
         ["two model files"])
    case("diff-no-variant", ["diff", M], [2], ["--variant"])
    case("diff-variant-unknown", ["diff", M, "--variant", "v1", "--variant", "v7"], [2], ["'v7'"])
    case("diff-markdown-is-dir", ["diff", M, "--variant", "v1", "--variant", "v2", "--markdown",
                                  "d"], [2], ["d"], ["dir:d"])
    case("diff-markdown-under-file", ["diff", M, "--variant", "v1", "--variant", "v2",
                                      "--markdown", "f/r.md"], [2], ["f"],
         the_files={**files, "f": "x"})
    case("diff-markdown-fifo", ["diff", M, "--variant", "v1", "--variant", "v2", "--markdown",
                                "p.md"], [2], ["p.md"], ["fifo:p.md"])
    case("simulate-examples-0", ["simulate", M, "--examples", "0"], [2], ["--examples"])
    case("simulate-steps-0", ["simulate", M, "--steps", "0"], [2], ["--steps"])
    case("simulate-seed-negative", ["simulate", M, "--seed", "-1"], [2], ["--seed"])
    case("simulate-seed-text", ["simulate", M, "--seed", "abc"], [2], ["--seed"])
    case("simulate-traces-is-file", ["simulate", M, "--traces", "f", "--examples", "2"], [2],
         ["f"], the_files={**files, "f": "x"})
    case("export-format-bad", ["export", "t.json", "--format", "gif"], [2], ["--format"])
    for site in ("PRELUDE", "GUARD", "ACTION", "ALWAYS", "VARIANT_BODY"):
        # print() left in model code goes to stderr: the JSON report stays parseable
        noisy = {M: grammar.model_source(**{site: 'print("debugging {")'})}
        for command, argv in (("check", ["check", M, "--json"]),
                              ("diff", ["diff", M, "--variant", "v1", "--variant", "v2", "--json"]),
                              ("list", ["list", M, "--json"])):
            cases.append({"name": f"option-print-in-{site.lower()}-{command}-json", "argv": argv,
                          "files": noisy, "setup": [], "exits": [0], "mentions": [],
                          "stdout_json": True})
    case("list-valid", ["list", M], [0], [])
    case("list-json", ["list", M, "--json"], [0], [])
    case("list-folder", ["list", "."], [0], [])
    case("no-command", [], [0, 2], [])
    case("unknown-command", ["frobnicate"], [2], ["frobnicate"])
    case("help", ["--help"], [0], [])
    case("check-help", ["check", "--help"], [0], [])
    case("version", ["--version"], [0], [])
    case("check-no-path", ["check"], [2], ["PATH"])
    return cases


# The result cache's cases (issue 17): a cached answer must be the one a fresh run gives.
# `limit` decides the verdict: with 4 the jug holds 4 (never-4 violated, exit 1), with 5 it
# never does (pour drains two at a time; exit 0).
CACHE_JUG = '''
from mcfsm import Instance, Model, Role, System, Transition, Var, always
{imports}

def fill(ctx):
    ctx.v.big = {limit}

def pour(ctx):
    ctx.v.big = max(ctx.v.big - 2, 0)

JUG = Role("jug", states=["on"], initial="on", variables={{"big": Var(int, 0)}},
           transitions=[Transition("Fill", "on", None, clause="t 1", after=[fill]),
                        Transition("Pour", "on", None, clause="t 2", after=[pour])])

def jug_system(forbidden):
    return System("jug", instances=[Instance("jug", JUG)], check_deadlock=False,
                  properties=[always("never-4", lambda v: v["jug"].big != forbidden,
                                     clause="t 3")])

model = Model("jug", source="fuzz")
model.add_variant("base", lambda: jug_system(4))
{more}
'''


def cache_cases() -> list[dict[str, Any]]:
    def jug(limit: str = "4", imports: str = "", more: str = "") -> str:
        return CACHE_JUG.format(limit=limit, imports=imports, more=more)

    two = jug(limit="5", more='published = Model("jug_published", source="fuzz")\n'
                              'published.add_variant("base", lambda: jug_system(5))\n')
    edits_itself = jug(limit="_edit_once()", more='''
def _edit_once():
    import pathlib
    path = pathlib.Path(__file__)
    if "# edited" not in path.read_text():
        path.write_text(path.read_text() + "\\n# edited\\n")
    return 4
''')
    cases = [
        # jug (limit 5: holds) and jug_published (forbids 5: violated) share a variant name
        {"name": "cache-two-models-one-file", "argv": ["check", M, "--workers", "1"],
         "files": {M: two}, "exits": [1], "mentions": []},
        {"name": "cache-two-models-one-file-warm", "argv": ["check", M, "--workers", "2"],
         "files": {M: two}, "setup": [f"run:check {M} --workers 1"], "exits": [1],
         "mentions": []},
        {"name": "cache-corrupt-entry", "argv": ["check", M],
         "files": {M: jug()}, "setup": [f"run:check {M}", "corrupt_cache"], "exits": [1],
         "mentions": []},
        {"name": "cache-edit-during-run", "argv": ["check", M],
         "files": {M: edits_itself}, "exits": [1], "mentions": []},
        # the link's folder has limits 5 (holds); the target's folder 4 (violated)
        {"name": "cache-symlinked-model", "argv": ["check", "link/model.py"],
         "files": {"real/model.py": jug(limit="_side.LIMIT", imports="import _side"),
                   "real/_side.py": "LIMIT = 4\n", "link/_side.py": "LIMIT = 5\n"},
         "setup": ["symlink:link/model.py=real/model.py", "run:check real/model.py"],
         "exits": [0], "mentions": []},
        # two folders, each with its own namespace package `helpers` (no __init__.py)
        {"name": "cache-namespace-package-per-folder", "argv": ["check", "v2/model.py"],
         "files": {"v1/model.py": jug(limit="limits.LIMIT", imports="from helpers import limits"),
                   "v1/helpers/limits.py": "LIMIT = 4\n",
                   "v2/model.py": jug(limit="limits.LIMIT", imports="from helpers import limits"),
                   "v2/helpers/limits.py": "LIMIT = 5\n"},
         "setup": ["run:check v1/model.py"], "exits": [0], "mentions": []},
        {"name": "cache-verify-after-check", "argv": ["cache", "verify"],
         "files": {M: jug()}, "setup": [f"run:check {M}"], "exits": [0], "mentions": []},
    ]
    return cases


def contract_r3_cases(good: dict[str, Any]) -> list[dict[str, Any]]:
    """Issue 33's bad inputs (after every earlier case, so their numbers stay put)."""
    cases = []
    model = grammar.model_source()

    def case(name: str, argv: list[str], exits: list[int], mentions: list[str],
             files: dict[str, Any] | None = None) -> None:
        cases.append({"name": f"r3-{name}", "argv": argv, "files": files or {M: model},
                      "exits": exits, "mentions": mentions})

    # a predicate or action constraint whose result is not True or False
    for site, prop in (("ALWAYS", "few"), ("SOMETIMES", "two"), ("STEP", "grows")):
        for label, value in (("string", 'return "yes"'), ("empty-string", 'return ""')):
            case(f"{site.lower()}-returns-{label}", ["check", M, *BUDGET], [2],
                 [M, f"property '{prop}'", "True or False"],
                 {M: grammar.model_source(**{site: value})})
    for label, value in (("none", "None"), ("string", '"no"')):
        case(f"action-constraint-returns-{label}", ["check", M, *BUDGET], [2],
             [M, "action_constraint=", "True or False"],
             {M: grammar.model_source(CONSTRAINT_FN=f"bound, action_constraint=lambda b, k, a: "
                                                   f"{value}")})
    # checkpoints: a period that never comes, and a resume with nothing to resume
    for value in ("nan", "inf", "-inf", "-1", "abc"):
        case(f"checkpoint-every={value}", ["check", M, "--checkpoint", "ck",
                                           "--checkpoint-every", value], [2],
             ["--checkpoint-every"])
    case("resume-without-checkpoint", ["check", M, "--checkpoint", "ck", "--resume"], [0], [])
    case("checkpoint-garbage", ["check", M, "--checkpoint", "ck", "--resume"], [0], [],
         {M: model, "ck/other.ckpt": "not a checkpoint"})
    # simulate cut by memory: says so, exit 3 (not 130)
    case("simulate-max-memory-1", ["simulate", M, "--examples", "3", "--steps", "5", "--seed",
                                   "2", "--max-memory", "1"], [3], [])
    # a trace naming the model by an absolute path of another checkout
    record = copy.deepcopy(good)
    record["file"] = "/nonexistent/checkout/" + M
    case("replay-other-checkout", ["replay", "t.trace.json"], [0], [],
         {M: model, "t.trace.json": json.dumps(record, indent=1)})
    case("replay-other-checkout-no-model", ["replay", "t.trace.json"], [2],
         ["t.trace.json", "--model PATH"], {"t.trace.json": json.dumps(record, indent=1)})
    return cases


def contract_r3_more_cases() -> list[dict[str, Any]]:
    """Issue 33's bad inputs that cases 858-875 left out (after them, so every number stays)."""
    cases = []
    model = grammar.model_source()

    def case(name: str, argv: list[str], exits: list[int], mentions: list[str],
             files: dict[str, Any] | None = None, says: list[str] | None = None,
             setup: list[str] | None = None) -> None:
        cases.append({"name": f"r3-{name}", "argv": argv, "files": files or {M: model},
                      "exits": exits, "mentions": mentions, "says": says or [],
                      "setup": setup or []})

    # a predicate returning None (a `return` left out)
    for site, prop in (("ALWAYS", "few"), ("SOMETIMES", "two"), ("STEP", "grows")):
        case(f"{site.lower()}-returns-none", ["check", M, *BUDGET], [2],
             [M, f"property '{prop}'", "True or False"],
             {M: grammar.model_source(**{site: "return None"})})
    # a period that overflows to infinity, NaN and infinity spelled otherwise, and a period
    # without a checkpoint folder
    for value in ("1e999", "NaN", "Infinity"):
        case(f"checkpoint-every={value}", ["check", M, "--checkpoint", "ck",
                                           "--checkpoint-every", value], [2],
             ["--checkpoint-every"])
    case("checkpoint-every=nan-without-checkpoint", ["check", M, "--checkpoint-every", "nan"],
         [2], ["--checkpoint-every"])
    # --resume with nothing to resume: the search starts afresh and says so; without a
    # folder, a usage error
    case("resume-without-checkpoint-says-afresh", ["check", M, "--checkpoint", "ck", "--resume"],
         [0], [], says=["--resume: no checkpoint of fuzz_model[v1]", "starts afresh"])
    case("resume-without-checkpoint-folder", ["check", M, "--resume"], [2], ["--checkpoint"])
    # v1 and v2 share a System name: each keeps its own checkpoint (v2's, written last,
    # does not replace v1's), and v1 resumes from its own
    case("resume-two-variants-one-system-name", ["check", M, "--checkpoint", "ck", "--resume",
                                                 "--variant", "v1"],
         [0], [], setup=[f"run:check {M} --checkpoint ck --no-cache"],
         says=["resumed from a checkpoint"])
    # a checkpoint from elsewhere (a forged signature over a pickle that would run code):
    # refused unread
    case("resume-forged-checkpoint", ["check", M, "--checkpoint", "ck", "--resume"], [2],
         ["refused unread"], setup=[f"run:check {M} --checkpoint ck --no-cache",
                                    "forge_checkpoints"])
    # temporal properties a mode does not judge: unknown is never a pass (exit 3), also
    # where the plain search finds them violated (exit 1) or holding (exit 0)
    temporal = {
        "violated": ('eventually("pinged", lambda v: v["b"].seen >= 1', 1),
        "holding": ('eventually("counted", lambda v: v["b"].seen >= 0', 0),
    }
    for label, (prop, plain) in temporal.items():
        files = {M: grammar.model_source(PRELUDE="from mcfsm import eventually",
                                         STEP_FN=f'grows, clause="1.8"), {prop}')}
        case(f"temporal-{label}-plain", ["check", M], [plain], [], files)
        # (--workers 2 on one variant of several combinations runs them side by side, each
        # search whole: judged; a budget spent across combinations keeps the split search)
        for mode, flags in (("dfs", ["--dfs"]), ("hash-compact", ["--hash-compact"]),
                            ("split", ["--variant", "v1", "--workers", "2",
                                       "--max-states", "100000"]),
                            ("dfs-expected", ["--dfs", "--expected"]),
                            ("hash-compact-expected", ["--hash-compact", "--expected"])):
            case(f"temporal-{label}-{mode}-unknown", ["check", M, *flags], [3], [], files,
                 says=["not judged"])
        case(f"temporal-{label}-side-by-side-judged",
             ["check", M, "--variant", "v1", "--workers", "2"], [plain], [], files,
             says=["parameter combinations side by side: 2 on 2 processes"])
    # initial_states= an endless generator (of distinct or of equal configurations) or a
    # slow one: the budget stops it with a model error, under check and simulate
    endless = ("import itertools\n\n\ndef configurations():\n"
               "    for k in itertools.count():\n        yield {{\"b\": {{\"seen\": {}}}}}\n")
    slow = ("import time\n\n\ndef configurations():\n    for _ in range(100):\n"
            "        time.sleep(0.05)\n        yield {}\n")
    generators = {"endless": endless.format("k"), "endless-equal": endless.format("0")}
    for label, prelude in generators.items():
        files = {M: grammar.model_source(PRELUDE=prelude,
                                         MAX_IN_FLIGHT="None, initial_states=configurations")}
        for command, extra in (("check", []), ("simulate", ["--examples", "3", "--seed", "1"])):
            case(f"initial-states-{label}-{command}-max-states",
                 [command, M, "--max-states", "50", *extra], [2],
                 [M, "initial_states=", "endless generator"], files)
    # (issue 57 item 4: the time limit cuts the listing as it cuts a search, exit 3; it was
    # a model error, exit 2)
    case("initial-states-slow-time-limit", ["check", M, "--time-limit", "0.5"], [3], [],
         {M: grammar.model_source(PRELUDE=slow,
                                  MAX_IN_FLIGHT="None, initial_states=configurations")},
         says=["initial_states= was still listing", "--time-limit of 0.5 s"])
    # session 23's audit: the same slow generator under simulate's time limit
    case("initial-states-slow-simulate-time-limit", ["simulate", M, "--time-limit", "0.5"],
         [3], [], {M: grammar.model_source(PRELUDE=slow,
                                           MAX_IN_FLIGHT="None, initial_states=configurations")},
         says=["initial_states= was still listing", "--time-limit of 0.5 s"])
    return cases


def clean_stop_cases() -> list[dict[str, Any]]:
    """Issue 57 item 4's bad inputs (after every earlier case, so their numbers stay)."""
    cases = []
    model = grammar.model_source()
    # a checkpoint that cannot be one is refused unread: before, a link to /dev/zero was
    # read for ever and a FIFO blocked the open for ever
    for kind in ("fifo", "dir", "devzero"):
        cases.append({"name": f"r4-resume-checkpoint-is-{kind}",
                      "argv": ["check", M, "--checkpoint", "ck", "--resume"],
                      "files": {M: model},
                      "setup": [f"run:check {M} --checkpoint ck --no-cache",
                                f"replace_checkpoints:{kind}"],
                      "exits": [2], "mentions": ["ck/", "not a regular file", "how to fix"]})
    # simulate's shrink window: a number of seconds, positive and finite
    for value in ("nan", "inf", "0", "-1", "abc"):
        cases.append({"name": f"r4-simulate-shrink-time={value}",
                      "argv": ["simulate", M, "--examples", "3", "--shrink-time", value],
                      "files": {M: model}, "exits": [2], "mentions": ["--shrink-time"]})
    # a slow initial_states= function (one call, no generator): the time limit cuts it
    # where it is, and the command reports the search cut (exit 3), not 15 s later with 0
    sleepy = "import time\n\n\ndef configurations():\n    time.sleep(30)\n    return [{}]\n"
    for command in ("check", "simulate"):
        cases.append({"name": f"r4-initial-states-slow-function-{command}-time-limit",
                      "argv": [command, M, "--time-limit", "0.5"],
                      "files": {M: grammar.model_source(
                          PRELUDE=sleepy, MAX_IN_FLIGHT="None, initial_states=configurations")},
                      "exits": [3], "mentions": [],
                      "says": ["initial_states= was still listing", "--time-limit of 0.5 s"]})
    return cases


def reads_and_declarations_cases() -> list[dict[str, Any]]:
    """Issue 57 items 1 and 3's bad inputs (after every earlier case, so their numbers
    stay): a read of the state that no record notes is refused, naming what to read
    instead, where it used to give a memoized search a wrong verdict; a fault on an
    instance the system lacks is refused; a field compared with a string nothing writes
    is vacuous (an error under --strict)."""
    cases = []
    for name, guard, mention in (
            ("ctx-state", "ctx._state", "Context._state"),
            ("record-local", 'ctx.world["b"]._local', "ReadRecord._local"),
            ("params-local", "ctx.params._local", "ReadRecord._local"),
            ("getattr-ctx-state", 'getattr(ctx, "_state")', "Context._state")):
        cases.append({"name": f"r4-guard-reads-{name}", "argv": ["check", M, *BUDGET],
                      "files": {M: grammar.model_source(GUARD=guard)}, "exits": [2],
                      "mentions": [M, mention, "transition 'ping'", "how to fix"]})
    # the whole state by index is recorded now: a valid read (the model's own verdicts)
    cases.append({"name": "r4-guard-reads-world-state-by-index",
                  "argv": ["check", M, *BUDGET],
                  "files": {M: grammar.model_source(GUARD='ctx.world.state[3]')},
                  "exits": [0], "mentions": []})
    for name, loss in (("around", 'Loss.around("nosuch", why="gone")'),
                       ("on", 'Loss.on(("a", "nosuch"), why="the link")')):
        cases.append({"name": f"r4-loss-{name}-unknown-instance", "argv": ["check", M, *BUDGET],
                      "files": {M: grammar.model_source(PRELUDE="from mcfsm import Loss\n",
                                                        LOSS=loss)},
                      "exits": [2], "mentions": [M, "'nosuch'", "does not have"]})
    typo = 'if after["b"].seen == "deux": return False  # the values: 0, 1, 2'
    cases.append({"name": "r4-step-field-value-nothing-writes-strict",
                  "argv": ["check", M, "--strict", *BUDGET],
                  "files": {M: grammar.model_source(STEP=typo)}, "exits": [2],
                  "mentions": ["--strict"]})
    return cases


def main() -> None:
    import tempfile

    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir()
    with tempfile.TemporaryDirectory() as tmp:
        good = valid_trace(Path(tmp))
    cases = (model_cases() + trace_cases(good) + option_cases() + cache_cases()
             + contract_r3_cases(good) + contract_r3_more_cases() + clean_stop_cases()
             + reads_and_declarations_cases())
    names = set()
    for number, case in enumerate(cases, start=1):
        assert case["name"] not in names, case["name"]
        names.add(case["name"])
        case.setdefault("setup", [])
        safe = "".join(ch if ch.isalnum() or ch in "-_=." else "_" for ch in case["name"])
        (OUT / f"{number:03d}-{safe[:80]}.json").write_text(json.dumps(case, indent=1) + "\n")
    print(f"wrote {len(cases)} cases under {OUT}")


if __name__ == "__main__":
    main()
