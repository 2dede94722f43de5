"""Explore once: results cached in `.mcfsm-cache/`, shared by every command.

`explore_cached` is the one function `check`, `diagram`, `diff`, the pytest plugin (and
any later command) call to explore a model variant. A result is stored as JSON under a key
made of:
  - the content of the model file and of every module it imports from its own folder
    (sibling files such as models/_mc.py: the loader keeps them per folder, see
    `lang/loader.model_sources`),
  - the content of mcfsm's own lang/ and check/ sources and mcfsm's version (a changed
    engine or semantics never reads an old result),
  - the variant name and the options (budget, memoization).
A result is the per-choice run of check/choices.py (one search per combination of parameter
choices, merged), with its ChoiceRuns stored as the index of each choice among the
parameter's choices. Traces are stored as the index of the initial state and, for each step, the index of the
step among System.successors of the state before it (bag and set orders are canonical, so
indices are stable across processes); reading a result rebuilds the states by replaying
those steps on the freshly built system, so no model object is ever unpickled.

`--no-cache` (or MCFSM_NO_CACHE=1) bypasses the cache; MCFSM_CACHE_DIR moves it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from importlib import metadata
from pathlib import Path
from typing import Any

from ..lang.loader import model_sources
from ..lang.system import System
from .choices import ChoiceRun, explore_by_choice
from .explorer import explore
from .results import Budget, ProgressFn, Result, Trace, Verdict

FORMAT = 3
_MCFSM_ROOT = Path(__file__).resolve().parent.parent
_source_digests: dict[Path, str] = {}


def cache_dir() -> Path:
    return Path(os.environ.get("MCFSM_CACHE_DIR") or Path.cwd() / ".mcfsm-cache")


def cache_enabled(requested: bool = True) -> bool:
    return requested and not os.environ.get("MCFSM_NO_CACHE")


def explore_cached(system: System, *, path: Path | str | None, variant: str,
                    budget: Budget | None = None, cache: bool = True,
                    progress: ProgressFn | None = None, **options: Any) -> Result:
    """Explore one variant, or read its result from the cache when nothing it depends on
    changed. `path` is the model file (None: never cached)."""
    budget = budget or Budget()
    if options:  # keep_states / memoize: one joint search, never cached
        return explore(system, budget, progress=progress, **options)
    if path is None or not cache_enabled(cache):
        return explore_by_choice(system, budget, progress=progress)
    found = cached_result(system, path=path, variant=variant, budget=budget)
    if found is not None:
        return found
    result = explore_by_choice(system, budget, progress=progress)
    file = _file(Path(path), system, variant, budget, options)
    if result.stopped_by not in ("time-limit", "interrupted"):  # those cuts vary run to run
        _store(file, _dump(system, result))
    return result


def cached_result(system: System, *, path: Path | str | None, variant: str,
                  budget: Budget | None = None, cache: bool = True,
                  **options: Any) -> Result | None:
    """The cached result of a variant, or None when it must be explored."""
    if path is None or not cache_enabled(cache) or options.get("keep_states"):
        return None
    file = _file(Path(path), system, variant, budget or Budget(), options)
    if not file.exists():
        return None
    try:
        return _load(system, json.loads(file.read_text()))
    except (ValueError, KeyError, IndexError, TypeError):
        return None  # an unreadable or stale entry is recomputed and rewritten


# -- the key ---------------------------------------------------------------------------------
def _file(path: Path, system: System, variant: str, budget: Budget, options: dict) -> Path:
    key = _key(path, system, variant, budget, options)
    return cache_dir() / f"{_safe(path.stem)}-{_safe(variant)}-{key[:20]}.json"


def _key(path: Path, system: System, variant: str, budget: Budget, options: dict) -> str:
    h = hashlib.sha256()
    h.update(f"format {FORMAT} mcfsm {_version()} {_mcfsm_digest()}\n".encode())
    for source in model_sources(path):
        h.update(os.fsencode(source.name) + b"\0" + source.read_bytes() + b"\0")
    # The stop request (Ctrl-C) is a callable that does not change what a completed
    # search finds (an interrupted one is not stored), so it is not part of the key.
    # Sets are sorted: their repr follows the hash seed, which differs between processes.
    limits = {f.name: sorted(v) if isinstance(v, frozenset | set) else v
              for f in dataclasses.fields(budget) if f.name != "stop"
              for v in (getattr(budget, f.name),)}
    h.update(repr((system.name, variant, sorted(limits.items()),
                   sorted(options.items()))).encode())
    return h.hexdigest()


def _version() -> str:
    try:
        return metadata.version("mcfsm")
    except metadata.PackageNotFoundError:
        return "unknown"


def _mcfsm_digest() -> str:
    root = _MCFSM_ROOT
    if root not in _source_digests:
        h = hashlib.sha256()
        # check/*.pyx: the compiled engine core (identical results to its twin, but code)
        for f in sorted([*root.glob("lang/*.py"), *root.glob("check/*.py"),
                         *root.glob("check/*.pyx")]):
            h.update(f.read_bytes())
        _source_digests[root] = h.hexdigest()
    return _source_digests[root]


def _safe(name: str) -> str:
    # ASCII only: a name that is not UTF-8 (surrogate escapes) must still make a file name
    return "".join(ch if (ch.isascii() and ch.isalnum()) or ch in "-_" else "_" for ch in name)


# -- storing and reading -----------------------------------------------------------------------
def _dump(system: System, result: Result) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "distinct": result.distinct_states,
        "total": result.total_states,
        "depth": result.depth,
        "complete": result.complete,
        "stopped_by": result.stopped_by,
        "elapsed_s": result.elapsed_s,
        "pruned": result.pruned,
        "coverage": [[role, transition, g, n]
                     for (role, transition), (g, n) in result.coverage.items()],
        "edges": result.edges,
        "engine": result.engine,
        "per_choice": [{"choices": [list(system.params[name].choices).index(value)
                                    for name, value in run.choices],
                        "verdicts": {name: list(v) for name, v in run.verdicts.items()},
                        "distinct": run.distinct_states, "complete": run.complete}
                       for run in result.per_choice],
        "verdicts": [{"property": v.property.name, "status": v.status,
                      "assumes": list(v.assumes),
                      "trace": None if v.trace is None else _trace_indices(system, v.trace)}
                     for v in result.verdicts],
    }


def _trace_indices(system: System, trace: Trace) -> dict[str, Any]:
    initial = system.initial_states().index(trace.states[0])
    steps = []
    for key, before, after in zip(trace.steps, trace.states, trace.states[1:]):
        steps.append(system.successors(before).index((key, after)))
    return {"initial": initial, "steps": steps, "note": trace.note,
            "loop_start": trace.loop_start}


def _load(system: System, data: dict[str, Any], cached: bool = True) -> Result:
    if data["format"] != FORMAT:
        raise ValueError("old format")
    by_name = {p.name: p for p in system.properties}
    verdicts = []
    for v in data["verdicts"]:
        trace = None
        if v["trace"] is not None:
            states = [system.initial_states()[v["trace"]["initial"]]]
            steps = []
            for index in v["trace"]["steps"]:
                key, nxt = system.successors(states[-1])[index]
                steps.append(key)
                states.append(nxt)
            trace = Trace(tuple(states), tuple(steps), v["trace"]["note"],
                          v["trace"]["loop_start"])
        verdicts.append(Verdict(by_name[v["property"]], v["status"], trace,
                                tuple(v["assumes"])))
    if len(verdicts) != len(system.properties):
        raise ValueError("properties changed")
    return Result(
        system=system,
        distinct_states=data["distinct"],
        total_states=data["total"],
        depth=data["depth"],
        complete=data["complete"],
        stopped_by=data["stopped_by"],
        elapsed_s=data["elapsed_s"],
        verdicts=tuple(verdicts),
        coverage={(role, transition): (g, n) for role, transition, g, n in data["coverage"]},
        pruned=data["pruned"],
        edges=data["edges"],
        engine=data.get("engine", ""),
        cached=cached,
        per_choice=tuple(_choice_run(system, run) for run in data["per_choice"]),
    )


def _choice_run(system: System, data: dict[str, Any]) -> ChoiceRun:
    names = list(system.params)
    if len(data["choices"]) not in (0, len(names)):
        raise ValueError("parameters changed")
    choices = tuple((name, system.params[name].choices[i])
                    for name, i in zip(names, data["choices"]))
    return ChoiceRun(choices, {name: (status, length)
                               for name, (status, length) in data["verdicts"].items()},
                     data["distinct"], data["complete"])


def _store(file: Path, data: dict[str, Any]) -> None:
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp = file.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data))
        os.replace(tmp, file)  # atomic: parallel runs never read half a file
    except OSError:
        pass  # a read-only checkout still checks, only without the cache
