"""Run one fuzz case in-process (click's CliRunner, no interpreter per case) and judge it
against the CI contract: no traceback, an exit code in the contract and in the case's
allowed set, and, on exit 2, one message naming the file and what the case says it must.

    .venv/bin/python -m tests.fuzz_corpus.runner      # run the corpus, print outcomes per exit code
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from mcfsm.cli import main

CORPUS = Path(__file__).resolve().parent / "cases"
CONTRACT = (0, 1, 2, 3)  # 130 (interrupted) never happens without a Ctrl-C


@dataclasses.dataclass
class Outcome:
    exit_code: int
    stdout: str
    stderr: str
    problems: list[str]


def load_cases() -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted(CORPUS.glob("*.json"))]


def materialise(case: dict[str, Any], folder: Path) -> None:
    """Write the case's files; `setup` entries make what JSON cannot hold."""
    for name, content in case.get("files", {}).items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, dict) and "hex" in content:
            path.write_bytes(bytes.fromhex(content["hex"]))
        elif isinstance(content, dict) and "nest" in content:  # deeply nested JSON
            depth = content["nest"]
            path.write_text("[" * depth + "]" * depth)
        elif isinstance(content, dict) and "digits" in content:  # an absurdly long number
            path.write_text(content["prefix"] + "9" * content["digits"] + content["suffix"])
        else:
            path.write_text(content)
    for entry in case.get("setup", []):
        kind, _, name = entry.partition(":")
        if kind == "fifo":
            os.mkfifo(folder / name)
        elif kind == "dir":
            (folder / name).mkdir(parents=True, exist_ok=True)
        elif kind == "nonutf8":  # a copy of model.py under a name that is not UTF-8
            shutil.copy(folder / "model.py", os.fsencode(folder) + b"/m\xff\xfe.py")
        elif kind == "symlink_loop":
            os.symlink(folder / name, folder / name)
        elif kind == "symlink":  # symlink:LINK=TARGET, both relative to the case's folder
            link, _, target = name.partition("=")
            (folder / link).parent.mkdir(parents=True, exist_ok=True)
            os.symlink(folder / target, folder / link)
        elif kind == "run":  # run:ARGV, an mcfsm command run once before the case's own
            before = os.getcwd()
            os.chdir(folder)
            try:
                CliRunner().invoke(main, name.split(), prog_name="mcfsm", env=CASE_ENV)
            finally:
                os.chdir(before)
        elif kind == "corrupt_cache":  # every entry of the folder's result cache garbled
            for entry in (folder / ".mcfsm-cache").glob("*.json"):
                entry.write_text('{"format": 4, "distinct": ')
        elif kind == "forge_checkpoints":  # every checkpoint under ck/: a pickle that would
            # write FORGED_CHECKPOINT_RAN if read, signed with a made-up key
            from mcfsm.check.search.checkpoint import MAGIC

            payload = (b"cbuiltins\nexec\n(Vopen('FORGED_CHECKPOINT_RAN', 'w').close()\n"
                       b"tR.")
            for entry in (folder / "ck").glob("*.ckpt"):
                entry.write_bytes(MAGIC + bytes(32) + payload)
        elif kind == "replace_checkpoints":  # every checkpoint under ck/ made a FIFO, a
            # folder or a link to /dev/zero (replace_checkpoints:fifo|dir|devzero)
            for entry in (folder / "ck").glob("*.ckpt"):
                entry.unlink()
                if name == "fifo":
                    os.mkfifo(entry)
                elif name == "dir":
                    entry.mkdir()
                else:
                    entry.symlink_to("/dev/zero")
        else:
            raise ValueError(f"unknown setup {entry!r}")


# Each case has its own result cache, in its folder (the cache cases corrupt or verify
# `.mcfsm-cache` there): a MCFSM_CACHE_DIR of the caller's (a developer's, or a test run
# that pins one cache for all its searches) would make `cache verify` re-run every search
# of the whole test run and `corrupt_cache` garble nothing.
CASE_ENV: dict[str, str | None] = {"MCFSM_CACHE_DIR": None}


def argv_of(case: dict[str, Any]) -> list[str]:
    nonutf8 = os.fsdecode(b"m\xff\xfe.py")
    return [nonutf8 if a == "@NONUTF8@" else a for a in case["argv"]]


def run_in(case: dict[str, Any], folder: Path) -> Outcome:
    materialise(case, folder)
    before = os.getcwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(main, argv_of(case), prog_name="mcfsm", env=CASE_ENV)
    finally:
        os.chdir(before)
    problems = judge(case, result.exit_code, result.stdout, result.stderr)
    if (folder / "FORGED_CHECKPOINT_RAN").exists():  # see materialise's forge_checkpoints
        problems.append("reading a forged checkpoint ran its code")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        problems.append(f"an exception escaped: {type(result.exception).__name__}: "
                        f"{result.exception}")
    return Outcome(result.exit_code, result.stdout, result.stderr, problems)


def judge(case: dict[str, Any], code: int, stdout: str, stderr: str) -> list[str]:
    problems = []
    output = stdout + stderr
    if code not in CONTRACT:
        problems.append(f"exit {code} is not in the contract {CONTRACT}")
    if code not in case["exits"]:
        problems.append(f"exit {code}, expected one of {case['exits']}")
    if "Traceback" in output:
        problems.append("a traceback was printed")
    if "internal error" in output:
        problems.append("an internal error was reported")
    for words in case.get("says", []):  # whatever the exit
        if words not in output:
            problems.append(f"the output does not say {words!r}")
    if case.get("stdout_json") and code in (0, 1, 3):
        try:
            json.loads(stdout)
        except ValueError:
            problems.append("--json output is not JSON")
    if code == 2:
        for words in case.get("mentions", []):
            if words not in stderr:
                problems.append(f"the error does not mention {words!r}")
        if not stderr.strip():
            problems.append("exit 2 without a message on stderr")
    return problems


def run_case(case: dict[str, Any]) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="mcfsm-fuzz-") as tmp:
        return run_in(case, Path(tmp))


def main_summary() -> None:
    cases = load_cases()
    outcomes = Counter()
    failures = []
    for case in cases:
        outcome = run_case(case)
        outcomes[outcome.exit_code] += 1
        if outcome.problems:
            failures.append((case["name"], outcome.problems))
    print(f"{len(cases)} cases; outcomes by exit code: "
          + ", ".join(f"{code}: {n}" for code, n in sorted(outcomes.items())))
    for name, problems in failures:
        print(f"FAIL {name}: {'; '.join(problems)}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main_summary()
