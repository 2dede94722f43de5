"""Explore once: results cached in `.mcfsm-cache/`, shared by every command.

`explore_cached` is the one function `check`, `diagram`, `diff`, the pytest plugin (and
any later command) call to explore a model variant. A cached answer is the answer a fresh
run would give, or it is not used. A result is stored as JSON under a key made of:
  - the model's identity: the model file (resolved path), the Model's name, the variant,
    and the options (budget, memoization);
  - everything the model's code read while it was loaded, as recorded then
    (`lang/reads.py`): the content of the model file and of every module it imported
    (siblings in its folder, namespace packages and modules from elsewhere alike), and of
    the data files it opened;
  - the content of mcfsm's own lang/ and check/ sources, mcfsm's version and Python's (a
    changed engine or semantics never reads an old result).
What the model's code read during the search itself (a data file opened by a guard, a
module imported late) is kept in the entry with its digest and checked on every read of
the entry. An entry is not written when a file read changed during the run (an edit while
checking), nor when the model read what cannot be kept in step with the entry (environment
variables, files outside its folder) without declaring it (`Model(reads_files=...,
reads_env=...)`); the cache says so once per model.

A result is the per-choice run of check/choices.py (one search per combination of parameter
choices, merged), with its ChoiceRuns stored as the index of each choice among the
parameter's choices. Traces are stored as the index of the initial state and, for each step,
the index of the step among System.successors of the state before it (bag and set orders are
canonical, so indices are stable across processes); reading a result rebuilds the states by
replaying those steps on the freshly built system, so no model object is ever unpickled.
An entry that cannot be read or replayed is explored afresh and rewritten.

`--no-cache` (or MCFSM_NO_CACHE=1) bypasses the cache; MCFSM_CACHE_DIR moves it;
`mcfsm cache verify` re-explores a sample of entries and fails on any difference.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import random
import sys
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

from ..lang.loader import LoadedModel, load_path
from ..lang.reads import Reads, changed, digest, recording
from ..lang.system import System
from .choices import ChoiceRun, explore_by_choice, restrict
from .results import Budget, ProgressFn, Result, Trace, Verdict
from .search.explorer import explore

FORMAT = 4
_MCFSM_ROOT = Path(__file__).resolve().parent.parent
_source_digests: dict[Path, str] = {}
_said: set[tuple[str, str]] = set()  # (model file, reason) already reported on stderr


def cache_dir() -> Path:
    return Path(os.environ.get("MCFSM_CACHE_DIR") or Path.cwd() / ".mcfsm-cache")


def cache_enabled(requested: bool = True) -> bool:
    return requested and not os.environ.get("MCFSM_NO_CACHE")


def explore_cached(system: System, *, loaded: LoadedModel | None, variant: str,
                   budget: Budget | None = None, cache: bool = True,
                   progress: ProgressFn | None = None, under: tuple[str, ...] = (),
                   **options: Any) -> Result:
    """Explore one variant, or read its result from the cache when nothing it depends on
    changed. `loaded` is the loaded model file (None: never cached). `under` ("p=v", ...)
    explores only the runs with those choices (a finding's chart drawn under a reading)."""
    budget = budget or Budget()
    system = restrict(system, under)
    if options:  # keep_states / memoize: one joint search, never cached
        return explore(system, budget, progress=progress, **options)
    if loaded is None or not cache_enabled(cache):
        return explore_by_choice(system, budget, progress=progress)
    found = cached_result(system, loaded=loaded, variant=variant, budget=budget, under=under)
    if found is not None:
        return found
    file = _file(loaded, system, variant, budget, {}, under)
    with _one_search_at_a_time(file):
        # another process may have explored it while this one waited: read its entry
        found = cached_result(system, loaded=loaded, variant=variant, budget=budget,
                              under=under)
        if found is not None:
            return found
        with recording() as run_reads:
            result = explore_by_choice(system, budget, progress=progress)
        if result.stopped_by in ("time-limit", "interrupted"):  # those cuts vary run to run
            return result
        manifest, refusal = _manifest(loaded, run_reads)
        if refusal is not None:
            _say_once(loaded, refusal)
            return result
        _store(file, {**_dump(system, result), "reads": dataclasses.asdict(manifest),
                      "origin": _origin(loaded, variant, budget, under)})
    return result


@contextlib.contextmanager
def _one_search_at_a_time(file: Path) -> Iterator[None]:
    """Processes that want the same entry (pytest-xdist workers, two `mcfsm check` runs)
    take turns: the first explores and stores, the others wait and read its entry instead
    of searching again. A waiting process idles no longer than the one searching, and
    never as long as a second search. Without a lock (a read-only cache, no fcntl) each
    explores for itself, as before."""
    try:
        import fcntl

        file.parent.mkdir(parents=True, exist_ok=True)
        handle = open(file.with_suffix(".lock"), "a")
    except (ImportError, OSError):
        yield
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        handle.close()  # releases the lock


def cached_result(system: System, *, loaded: LoadedModel | None, variant: str,
                  budget: Budget | None = None, cache: bool = True, under: tuple[str, ...] = (),
                  **options: Any) -> Result | None:
    """The cached result of a variant (restricted to the choices `under`, a system
    explore_cached has restricted), or None when it must be explored."""
    if loaded is None or not cache_enabled(cache) or options:
        return None
    file = _file(loaded, system, variant, budget or Budget(), {}, under)
    try:
        if not file.exists():
            return None
        data = json.loads(file.read_text())
        if changed(Reads(**data["reads"])):
            return None  # something the search read has changed since
        return _load(system, data)
    except Exception:
        return None


# -- what the entry depends on ---------------------------------------------------------------
def _manifest(loaded: LoadedModel, run_reads: Reads) -> tuple[Reads, str | None]:
    """(what the search read, to be checked on every read of the entry; why the entry must
    not be written, or None)."""
    everything = loaded.reads.copy()
    everything.merge(run_reads)
    edited = changed(everything)
    if edited:
        return run_reads, (f"{_shown(edited[0])} changed while the model was checked; the "
                           "result is not cached (check again to cache it)")
    folders = {loaded.path.parent.resolve(), loaded.path.resolve().parent}
    declared_files = {os.path.realpath(loaded.path.parent / f) for f in loaded.model.reads_files}
    outside = sorted(f for f in everything.files
                     if f not in declared_files
                     and not any(Path(f).is_relative_to(d) for d in folders))
    env = sorted(n for n in everything.env if n not in loaded.model.reads_env)
    if outside or env:
        what = (f"the file {_shown(outside[0])}, outside its folder" if outside else
                "every environment variable" if "*" in env else
                f"the environment variable {env[0]}")
        fix = (f"reads_files=({os.path.relpath(outside[0], loaded.path.parent)!r},)" if outside
               else f"reads_env=({env[0]!r},)")
        return run_reads, (f"model {loaded.model.name!r} reads {what}, which the cache cannot "
                           f"keep in step with its entries; it is explored afresh every time "
                           f"(declare it to cache: Model(..., {fix}))")
    manifest = run_reads.copy()
    for f in declared_files:
        manifest.files.setdefault(f, digest(f))
    for name in loaded.model.reads_env:
        manifest.env.setdefault(name, os.environ.get(name))
    return manifest, None


def _say_once(loaded: LoadedModel, reason: str) -> None:
    key = (str(loaded.path), reason)
    if key not in _said:
        _said.add(key)
        print(f"mcfsm: cache: {reason}", file=sys.stderr)


def _shown(path: str) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return path


def _origin(loaded: LoadedModel, variant: str, budget: Budget,
            under: tuple[str, ...] = ()) -> dict[str, Any]:
    """How to explore the entry afresh (`mcfsm cache verify`)."""
    return {"file": str(loaded.path.absolute()), "model": loaded.model.name,
            "variant": variant, "budget": _limits(budget), "under": list(under)}


# -- the key ---------------------------------------------------------------------------------
def _file(loaded: LoadedModel, system: System, variant: str, budget: Budget,
          options: dict, under: tuple[str, ...] = ()) -> Path:
    key = _key(loaded, system, variant, budget, {**options, "under": list(under)} if under
               else options)
    return cache_dir() / (f"{_safe(loaded.path.stem)}-{_safe(loaded.model.name)}-"
                          f"{_safe(variant)}-{key[:20]}.json")


def _limits(budget: Budget) -> dict[str, Any]:
    # The stop request (Ctrl-C) is a callable that does not change what a completed
    # search finds (an interrupted one is not stored), so it is not part of the key.
    # Sets are sorted: their repr follows the hash seed, which differs between processes.
    return {f.name: sorted(v) if isinstance(v, frozenset | set) else v
            for f in dataclasses.fields(budget) if f.name != "stop"
            for v in (getattr(budget, f.name),)}


def _key(loaded: LoadedModel, system: System, variant: str, budget: Budget,
         options: dict) -> str:
    h = hashlib.sha256()
    h.update(f"format {FORMAT} mcfsm {_version()} {mcfsm_digest()} "
             f"python {sys.version}\n".encode())
    identity = (str(loaded.path.resolve()), str(loaded.path.parent.resolve()),
                loaded.model.name, system.name, variant,
                sorted(_limits(budget).items()), sorted(options.items()))
    # surrogateescape: a path that is not UTF-8 (undecodable bytes) still makes a key
    h.update(repr(identity).encode("utf-8", "surrogateescape"))
    for name, value in (("module", loaded.reads.modules), ("file", loaded.reads.files)):
        for path, d in sorted(value.items()):
            h.update(f"\n{name} {path} {d}".encode("utf-8", "surrogateescape"))
    for var, v in sorted(loaded.reads.env.items()):
        h.update(f"\nenv {var} {v!r}".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def _version() -> str:
    try:
        return metadata.version("mcfsm")
    except metadata.PackageNotFoundError:
        return "unknown"


def mcfsm_digest() -> str:
    root = _MCFSM_ROOT
    if root not in _source_digests:
        h = hashlib.sha256()
        # check/kernel/_core.pyx: the compiled engine core (identical results to its twin, but code)
        for f in sorted([*root.glob("lang/*.py"), *root.glob("check/**/*.py"),
                         *root.glob("check/**/*.pyx")]):
            h.update(f.read_bytes())
        _source_digests[root] = h.hexdigest()
    return _source_digests[root]


# -- mcfsm cache verify ------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Verification:
    entry: str
    outcome: str  # "same", "DIFFERENT", "stale", "unreadable", "unverified"
    detail: str = ""


def verify(sample: int | None = None, seed: int = 0) -> list[Verification]:
    """Re-explore (a random sample of) the cache's entries without the cache and compare
    each with what the cache holds. Stale entries (their model or sources changed, so the
    cache would not use them) and unreadable ones (explored afresh when met) are listed
    but are not differences."""
    files = sorted(cache_dir().glob("*.json"))
    if sample is not None and sample < len(files):
        files = sorted(random.Random(seed).sample(files, sample))
    return [_verify_one(f) for f in files]


def _verify_one(file: Path) -> Verification:
    try:
        data = json.loads(file.read_text())
        origin = data["origin"]
    except Exception as exc:
        return Verification(file.name, "unreadable", f"{type(exc).__name__}: {exc}")
    try:
        loaded = next(lm for lm in load_path(origin["file"])
                      if lm.model.name == origin["model"])
        under = tuple(origin.get("under", ()))
        system = restrict(loaded.model.system(origin["variant"]), under)
        budget = Budget(**{k: frozenset(v) if k == "stop_on" else v
                           for k, v in origin["budget"].items()})
    except Exception as exc:  # e.g. a model that needs a sys.path only its test sets up
        return Verification(file.name, "unverified",
                            f"its model cannot be built here ({type(exc).__name__}: {exc})")
    if _file(loaded, system, origin["variant"], budget, {}, under).name != file.name:
        return Verification(file.name, "stale", "the model or a module it reads changed since")
    edited = changed(Reads(**data["reads"]))
    if edited:
        return Verification(file.name, "stale", f"{_shown(edited[0])} changed since")
    fresh = json.loads(json.dumps(_dump(system, explore_by_choice(system, budget))))
    ignored = {"elapsed_s", "reads", "origin", "engine"}  # provenance, not findings
    differing = sorted(k for k in set(fresh) | set(data)
                       if k not in ignored and fresh.get(k) != data.get(k))
    where = f"{origin['model']}[{origin['variant']}] ({origin['file']})"
    if differing:
        return Verification(file.name, "DIFFERENT",
                            f"{where}: a fresh run differs in {', '.join(differing)}")
    return Verification(file.name, "same", where)


def _safe(name: str) -> str:
    # ASCII only: a name that is not UTF-8 (surrogate escapes) must still make a file name
    return "".join(ch if (ch.isascii() and ch.isalnum()) or ch in "-_" else "_" for ch in name)


# -- storing and reading -----------------------------------------------------------------------
def _dump(system: System, result: Result) -> dict[str, Any]:
    memo: dict[Any, list] = {}  # traces share their first states: their successors once
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
        "search": result.search,
        "symmetry": result.symmetry,
        "per_choice": [{"choices": [list(system.params[name].choices).index(value)
                                    for name, value in run.choices],
                        "verdicts": {name: list(v) for name, v in run.verdicts.items()},
                        "distinct": run.distinct_states, "complete": run.complete}
                       for run in result.per_choice],
        "verdicts": [{"property": v.property.name, "status": v.status,
                      "assumes": list(v.assumes),
                      "trace": None if v.trace is None else _trace_indices(system, v.trace,
                                                                           memo)}
                     for v in result.verdicts],
    }


def _successors(system: System, state: Any, memo: dict[Any, list]) -> list:
    found = memo.get(state)
    if found is None:
        found = memo[state] = system.successors(state)
    return found


def _trace_indices(system: System, trace: Trace, memo: dict[Any, list]) -> dict[str, Any]:
    initial = system.initial_states().index(trace.states[0])
    steps = []
    for key, before, after in zip(trace.steps, trace.states, trace.states[1:]):
        steps.append(_successors(system, before, memo).index((key, after)))
    return {"initial": initial, "steps": steps, "note": trace.note,
            "loop_start": trace.loop_start}


def _load(system: System, data: dict[str, Any], cached: bool = True) -> Result:
    if data["format"] != FORMAT:
        raise ValueError("old format")
    by_name = {p.name: p for p in system.properties}
    memo: dict[Any, list] = {}  # traces share their first states: their successors once
    verdicts = []
    for v in data["verdicts"]:
        trace = None
        if v["trace"] is not None:
            states = [system.initial_states()[v["trace"]["initial"]]]
            steps = []
            for index in v["trace"]["steps"]:
                key, nxt = _successors(system, states[-1], memo)[index]
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
        search=data.get("search", "breadth-first"),
        symmetry=data.get("symmetry", ""),
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
