"""The sample outputs of README and the guides under docs/ come from a real run: this
script regenerates them, and tests/test_readme.py fails when one is stale.

    .venv/bin/python tests/readme_sample.py    # rewrite the blocks in README.md and docs/*.md

The block sits under a marker naming the command:

    <!-- sample-output: mcfsm check models/group_call_migration.py --variant break_before_make -->

Elapsed seconds are the only part that differs between runs; they are compared as "N.NN s".
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
# every page that may hold a sample output: README and the guides under docs/
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]
MARKER = re.compile(r"<!-- sample-output: (mcfsm [^>]*?) -->\n```\n(.*?)```\n", re.S)
SECONDS = re.compile(r"\b\d+\.\d\d s\b")


def run(command: str) -> str:
    args = shlex.split(command)
    script = Path(sys.executable).parent / "mcfsm"
    proc = subprocess.run([str(script), *args[1:]], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    return f"$ .venv/bin/{command}\n{proc.stdout}"


def normalise(text: str) -> str:
    return SECONDS.sub("N.NN s", text)


def blocks(text: str) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in MARKER.finditer(text)]


def rewrite() -> None:
    for page in PAGES:
        text = page.read_text()
        new = MARKER.sub(lambda m: f"<!-- sample-output: {m.group(1)} -->\n```\n"
                                   f"{run(m.group(1))}```\n", text)
        if new != text:
            page.write_text(new)


if __name__ == "__main__":
    rewrite()
