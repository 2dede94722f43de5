"""What each parameter combination of a variant shows of its model: the transitions that
fire in its search, each property's verdict, its distinct states. tests/data/
combination_features.json holds them for every validation and bundled variant of at most
400,000 states by tests/data/engine_reference.json, each with the `source` digest of its
model file (benchmarks/engine_reference.py's), so that tests/test_every_variant_modes.py can
choose its cover over single combinations; a variant whose model changed since, or that the
file lacks, is searched there whole, every combination (a stale file costs time, never
coverage).

    .venv/bin/python benchmarks/combination_features.py --check     # compare (a minute or two)
    .venv/bin/python benchmarks/combination_features.py --write [--workers 2]
    .venv/bin/python benchmarks/combination_features.py --write --stale  # only the variants
                                                    # whose model changed or that are missing

Each combination is one plain search of the variant restricted to it
(`System.restricted`), the searches of a variant sharing their memo tables as
`explore_by_choice` has them (the same figures as searches on their own). In the file, per
variant: `transitions`, every transition that fires in some combination ("role:
transition", sorted); `properties`, every property in declaration order, and `temporal`,
those of them that are temporal (no split, shared or compacted search judges them); per combination
(`combinations`, in `check/choices.combinations` order): `choices` ("p=v, q=w"),
`distinct`, `fires` (indices into `transitions`) and `verdicts`, one letter per property
(h holds, v violated, w witnessed, n never, u unknown).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))

from benchmarks.engine_reference import FOLDERS, key, source_digest, variants  # noqa: E402
from benchmarks.engine_reference import load as load_reference  # noqa: E402

FEATURES = ROOT / "tests" / "data" / "combination_features.json"
MAX_STATES = 400_000  # tests/test_every_variant_modes.py's bound on a variant's recorded size
LETTER = {"holds": "h", "violated": "v", "witnessed": "w", "never": "n", "unknown": "u"}
STATUS = {letter: status for status, letter in LETTER.items()}

_ALL: list[tuple[str, str, Any, Path]] = []  # the variants to record, for forked workers


def choices_words(combo: tuple[tuple[str, Any], ...]) -> str:
    return ", ".join(f"{name}={value}" for name, value in combo)


def record(system: Any, digest: str) -> dict[str, Any]:
    """One variant's combinations, each searched on its own (shared memo tables)."""
    from mcfsm import explore
    from mcfsm.check.choices import combinations
    from mcfsm.check.search.explorer import SharedTables, gc_paused

    tables = SharedTables(system)
    runs = []
    with gc_paused():
        for combo in combinations(system):
            result = explore(system.restricted(dict(combo)), tables=tables)
            if not result.complete:
                raise RuntimeError(f"{system.name} {choices_words(combo)}: search not complete")
            fired = sorted(f"{role}: {transition}" for (role, transition), (generated, _)
                           in result.coverage.items() if generated)
            runs.append((combo, result.distinct_states, fired,
                         "".join(LETTER[v.status] for v in result.verdicts)))
    transitions = sorted({t for _, _, fired, _ in runs for t in fired})
    index = {t: i for i, t in enumerate(transitions)}
    return {"source": digest, "transitions": transitions,
            "properties": [p.name for p in system.properties],
            "temporal": [p.name for p in system.properties if p.temporal],
            "combinations": [{"choices": choices_words(combo), "distinct": distinct,
                              "fires": [index[t] for t in fired], "verdicts": verdicts}
                             for combo, distinct, fired, verdicts in runs]}


def _one(index: int) -> tuple[str, dict[str, Any], float]:
    import time as _time

    model_name, variant, model, path = _ALL[index]
    start = _time.process_time()
    figures = record(model.system(variant), source_digest(path))
    return key(model_name, variant), figures, _time.process_time() - start


def chosen(max_states: int, only: set[str] | None = None) -> list[tuple[str, str, Any, Path]]:
    """The variants of at most max_states states by the engine reference (a variant the
    reference does not know is left out: the modes' test leaves it out too)."""
    reference = load_reference()
    return [v for folder in FOLDERS for v in variants(folder)
            if reference.get(key(v[0], v[1]), {}).get("distinct", max_states + 1) <= max_states
            and (only is None or key(v[0], v[1]) in only)]


def run(todo: list[tuple[str, str, Any, Path]], workers: int) -> dict[str, dict[str, Any]]:
    import multiprocessing

    _ALL[:] = todo
    out: dict[str, dict[str, Any]] = {}
    if workers <= 1:
        results = map(_one, range(len(_ALL)))
    else:
        pool = multiprocessing.get_context("fork").Pool(workers)
        results = pool.imap(_one, range(len(_ALL)))
    for name, figures, cpu in results:
        out[name] = figures
        print(f"{name}: {len(figures['combinations'])} combinations, "
              f"{sum(c['distinct'] for c in figures['combinations']):,} states, "
              f"{cpu:.1f} s of CPU", flush=True)
    if workers > 1:
        pool.close()
    return out


def load() -> dict[str, dict[str, Any]]:
    """The recorded variants ({} when there is no file)."""
    if not FEATURES.exists():
        return {}
    return json.loads(FEATURES.read_text())["variants"]  # type: ignore[no-any-return]


def dumps(figures: dict[str, dict[str, Any]]) -> str:
    """The file's text: one line per combination (the file stays small and its diffs
    readable)."""
    lines = ['{"comment": "Produced by benchmarks/combination_features.py --write; see its '
             'docstring for the fields.",', f' "max_states": {MAX_STATES},', ' "variants": {']
    names = sorted(figures)
    for n, name in enumerate(names):
        f = figures[name]
        combos = ",\n".join("   " + json.dumps(c, sort_keys=True) for c in f["combinations"])
        lines.append(f"  {json.dumps(name)}: {{\"source\": {json.dumps(f['source'])}, "
                     f"\"transitions\": {json.dumps(f['transitions'])}, "
                     f"\"properties\": {json.dumps(f['properties'])}, "
                     f"\"temporal\": {json.dumps(f['temporal'])}, \"combinations\": [\n"
                     f"{combos}]}}" + ("," if n < len(names) - 1 else ""))
    lines.append(" }}")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="regenerate the file")
    parser.add_argument("--stale", action="store_true",
                        help="with --write: search only the variants whose model changed since "
                             "the file was written or that it lacks; keep the others")
    parser.add_argument("--check", action="store_true",
                        help="search every variant and compare with the file")
    parser.add_argument("--workers", type=int, default=1,
                        help="record this many variants at once, in forked processes")
    args = parser.parse_args()
    if not (args.write or args.check):
        parser.error("say --write or --check")
    stored = load()
    everything = chosen(MAX_STATES)
    only = None
    if args.write and args.stale:
        only = {key(m, v) for m, v, _, path in everything
                if stored.get(key(m, v), {}).get("source") != source_digest(path)}
    start = time.perf_counter()
    figures = run(chosen(MAX_STATES, only), args.workers)
    elapsed = time.perf_counter() - start
    if args.write:
        if only is not None:
            wanted = {key(m, v) for m, v, _, _ in everything}
            figures = {**{k: f for k, f in stored.items() if k in wanted}, **figures}
        FEATURES.write_text(dumps(figures))
        print(f"wrote {len(figures)} variants to {FEATURES} ({FEATURES.stat().st_size:,} bytes) "
              f"in {elapsed:.1f} s")
        return 0
    bad = 0
    for name, got in figures.items():
        want = stored.get(name)
        verdict = ("missing" if want is None else "changed" if want["source"] != got["source"]
                   else "same" if want == got else "DIFFERENT")
        bad += verdict != "same"
        print(f"{verdict:<10} {name}")
    print(f"{len(figures) - bad}/{len(figures)} variants as recorded, {elapsed:.1f} s")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
