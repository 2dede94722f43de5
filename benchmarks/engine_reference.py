"""Reference figures of every validation and bundled model variant: distinct, total and
depth, each property's verdict with the length of its shortest counterexample or witness,
and per-transition coverage. tests/data/engine_reference.json holds them as produced by
the engine at commit 4bfe139 (before the issue 11 rewrite), so a faster engine is checked
against the figures of the one it replaces.

    .venv/bin/python benchmarks/engine_reference.py --check            # every variant (minutes)
    .venv/bin/python benchmarks/engine_reference.py --check --workers 2
    .venv/bin/python benchmarks/engine_reference.py --against-twin  # both engine cores, now
    .venv/bin/python benchmarks/engine_reference.py --check --fields   # every instance memoized
                                                      # on the fields it reads from the start
    .venv/bin/python benchmarks/engine_reference.py --write            # regenerate (only when
                                                                       # the models change)

tests/test_engine_reference.py compares the small variants on every test run; this script
compares all of them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "tests" / "data" / "engine_reference.json"
FOLDERS = ("tests/validation", "models")
# Variants with at most this many distinct states are compared by the unit suite.
SMALL = 20_000


def summarize(result: Any) -> dict[str, Any]:
    """The figures a rewrite of the engine must reproduce exactly."""
    return {
        "distinct": result.distinct_states,
        "total": result.total_states,
        "depth": result.depth,
        "complete": result.complete,
        "verdicts": {v.property.name: [v.status, None if v.trace is None else len(v.trace)]
                     for v in result.verdicts},
        "coverage": {f"{role}: {transition}": list(counts)
                     for (role, transition), counts in sorted(result.coverage.items())},
    }


def variants(folder: str) -> list[tuple[str, str, Any, Path]]:
    """(model name, variant name, model, file) for every variant of every model in a folder."""
    from mcfsm.lang.loader import load_path

    out = []
    for loaded in load_path(ROOT / folder):
        for name in loaded.model.variants:
            out.append((loaded.model.name, name, loaded.model, loaded.path))
    return out


def source_digest(path: Path) -> str:
    """Of the model file and the shared helper files beside it (`_*.py`): a reference figure
    applies only to the model text it was computed from."""
    files = [path, *sorted(path.parent.glob("_*.py"))]
    return hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()[:16]


def key(model: str, variant: str) -> str:
    return f"{model}[{variant}]"


_ALL: list[tuple[str, str, Any, Path]] = []  # every variant, for forked workers to index


def _figures(index: int) -> tuple[str, dict[str, Any]]:
    from mcfsm import explore

    model_name, variant, model, path = _ALL[index]
    return key(model_name, variant), {"source": source_digest(path),
                                      **summarize(explore(model.system(variant)))}


def run(workers: int = 1) -> dict[str, dict[str, Any]]:
    """Every variant's figures; with workers > 1 the variants are explored in that many
    forked processes (each search itself is the same single-process search)."""
    import multiprocessing

    _ALL[:] = [v for folder in FOLDERS for v in variants(folder)]
    if workers <= 1:
        return dict(_figures(i) for i in range(len(_ALL)))
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        return dict(pool.imap(_figures, range(len(_ALL))))


def load() -> dict[str, dict[str, Any]]:
    data = json.loads(REFERENCE.read_text())
    return data["variants"]  # type: ignore[no-any-return]


def against_twin() -> int:
    """Every variant explored by the compiled engine core and by its pure-Python twin
    (check/kernel/core.py), now: counts, verdicts with their traces (lassos included), coverage
    and edges must be identical."""
    import os

    from mcfsm import explore

    def everything(result: Any) -> dict[str, Any]:
        traces = {v.property.name: None if v.trace is None else (v.trace.states, v.trace.steps)
                  for v in result.verdicts}
        return {**summarize(result), "traces": traces, "edges": result.edges}

    bad = 0
    total = 0
    for folder in FOLDERS:
        for model_name, variant, model, _path in variants(folder):
            os.environ["MCFSM_PURE"] = "0"
            start = time.process_time()
            fast = explore(model.system(variant))
            middle = time.process_time()
            os.environ["MCFSM_PURE"] = "1"
            twin = explore(model.system(variant))
            end = time.process_time()
            same = everything(fast) == everything(twin)
            bad += not same
            total += 1
            print(f"{'same' if same else 'DIFFERENT':<10} {key(model_name, variant)} "
                  f"{fast.distinct_states:,} states; CPU {middle - start:.1f} s {fast.engine}, "
                  f"{end - middle:.1f} s {twin.engine}", flush=True)
    print(f"{total - bad}/{total} variants identical on both engine cores")
    return 1 if bad else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="regenerate the reference file")
    parser.add_argument("--check", action="store_true", help="compare every variant")
    parser.add_argument("--workers", type=int, default=None,
                        help="explore this many variants at once, in forked processes")
    parser.add_argument("--compare-changed", action="store_true",
                        help="compare the variants of changed model files too (after a change "
                             "of words only: titles, clauses, docs); with --write, write only "
                             "if every figure is the same")
    parser.add_argument("--against-twin", action="store_true",
                        help="compare the compiled engine core with its pure-Python twin on "
                             "every variant, run now (no stored figures)")
    parser.add_argument("--fields", action="store_true",
                        help="memoize every instance with variables on the fields of its own "
                             "local its steps read from the start (check/state/steps.py's "
                             "`fields`), not only where a memo on whole locals misses")
    args = parser.parse_args()
    if args.fields:  # (forked workers inherit it)
        from mcfsm.check.state import steps

        steps.FIELD_KEYS_AT_START = True
    if args.against_twin:
        return against_twin()
    start = time.perf_counter()
    figures = run(args.workers or 1)
    elapsed = time.perf_counter() - start
    if args.write and args.compare_changed:
        reference = load()
        differ = [k for k, got in figures.items() if k in reference and
                  {f: v for f, v in reference[k].items() if f != "source"}
                  != {f: v for f, v in got.items() if f != "source"}]
        for k in differ:
            print(f"DIFFERENT  {k}: not written")
        if differ:
            return 1
        print(f"every figure of the {sum(k in reference for k in figures)} variants in the "
              "reference is the same; only their source digests change")
    if args.write:
        REFERENCE.parent.mkdir(parents=True, exist_ok=True)
        REFERENCE.write_text(json.dumps({
            "comment": "Produced by benchmarks/engine_reference.py --write; say in the commit "
                       "which engine produced it and why it was regenerated.",
            "variants": figures}, indent=1, sort_keys=True) + "\n")
        print(f"wrote {len(figures)} variants to {REFERENCE} in {elapsed:.1f} s")
        return 0
    reference = load()
    bad = skipped = 0
    for k, got in figures.items():
        want = reference.get(k)
        if want is None:
            print(f"{'new':<10} {k}: not in the reference; not compared")
            skipped += 1
            continue
        if want["source"] != got["source"] and not args.compare_changed:
            print(f"{'changed':<10} {k}: the model changed since the reference; not compared")
            skipped += 1
            continue
        same = {f: v for f, v in want.items() if f != "source" or not args.compare_changed} \
            == {f: v for f, v in got.items() if f != "source" or not args.compare_changed}
        bad += not same
        print(f"{'same' if same else 'DIFFERENT':<10} {k} {got['distinct']:,} states")
        if not same and want is not None:
            for field in want:
                if want[field] != got.get(field):
                    print(f"    {field}: reference {want[field]} != now {got.get(field)}")
    # a variant not compared is said as such, never counted as a match
    compared = len(figures) - skipped
    print(f"{compared - bad}/{compared} compared variants match the reference"
          + (f"; {skipped} not compared (new, or the model changed since the reference: "
             "review, then --write)" if skipped else "") + f", {elapsed:.1f} s")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
