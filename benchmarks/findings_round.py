"""Every reviewed finding of the bundled models at two commits, side by side: what survived,
what changed (class, property, the variants it is found in, the verdict declared there),
what vanished and what is new. The verdicts compared are the ones each commit's models
declare (`expect=`), which `mcfsm check --expected` and CI hold equal to the checker's.

    .venv/bin/python benchmarks/findings_round.py BEFORE [AFTER]   # git revisions; AFTER
                                                                   # defaults to the work tree

Each side is loaded in its own process (the two commits define the same module names).
Prints a markdown table, one row per finding, for models/README.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# run in a child process: print {model: {finding: {...}}} for the models folder given
CHILD = r"""
import json, sys
from mcfsm.lang.loader import load_path
out = {}
for lm in load_path(sys.argv[1]):
    model = lm.model
    for f in model.findings.values():
        verdicts = {v: model.variants[v].expect.get(f.prop, "holds") for v in f.variants
                    if v in model.variants}
        out.setdefault(model.name, {})[f.name] = {
            "class": f.cls, "prop": f.prop, "variants": list(f.variants), "fix": f.fix,
            "verdicts": verdicts}
print(json.dumps(out))
"""


def findings_at(revision: str | None) -> dict:
    """The findings the models at `revision` declare (None: the work tree)."""
    with tempfile.TemporaryDirectory() as tmp:
        if revision is None:
            folder = ROOT / "models"
        else:
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "models"],
                                     check=True, capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
            folder = Path(tmp) / "models"
        done = subprocess.run([sys.executable, "-c", CHILD, str(folder)], check=False,
                              capture_output=True, text=True, cwd=tmp)
        if done.returncode != 0:
            raise SystemExit(f"loading the models at {revision or 'the work tree'} failed:\n"
                             f"{done.stderr.strip()}")
        return json.loads(done.stdout)


def status(before: dict | None, after: dict | None) -> str:
    if before is None:
        return "new"
    if after is None:
        return "vanished"
    changes = [what for what in ("class", "prop", "variants", "verdicts", "fix")
               if before[what] != after[what]]
    return "survived" if not changes else "changed: " + ", ".join(changes)


def main(argv: list[str]) -> int:
    if not argv or len(argv) > 2:
        print(__doc__)
        return 2
    old = findings_at(argv[0])
    new = findings_at(argv[1] if len(argv) == 2 else None)
    print("| model | finding | status | class now | verdict now (first variant) |")
    print("| --- | --- | --- | --- | --- |")
    counts: dict[str, int] = {}
    for model in sorted(set(old) | set(new)):
        names = sorted(set(old.get(model, {})) | set(new.get(model, {})))
        for name in names:
            b, a = old.get(model, {}).get(name), new.get(model, {}).get(name)
            s = status(b, a)
            counts[s.split(":")[0]] = counts.get(s.split(":")[0], 0) + 1
            shown = a or b
            first = shown["variants"][0]
            print(f"| {model} | {name} | {s} | {shown['class']} | "
                  f"{first}: {shown['verdicts'].get(first, '?')} |")
    print()
    print(", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
