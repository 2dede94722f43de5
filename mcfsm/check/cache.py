"""Explore once: results cached in `.mcfsm-cache/`, shared by every command.

`explore_cached` is the one function `check`, `diagram`, `diff`, the pytest plugin (and
any later command) call to explore a model variant. A cached answer is the answer a fresh
run would give, or it is not used. A result is stored as JSON under a key made of:
  - the model's identity: the model file (resolved path), the Model's name, the variant,
    and the budget (and the choices a search was restricted to);
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
choices, merged), kept as stored.py writes it: no model object is ever unpickled. An
entry that cannot be read or replayed is explored afresh and rewritten.

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
from pathlib import Path
from typing import Any

from ..lang.loader import LoadedModel, load_path
from ..lang.reads import Reads, changed, digest, recording
from ..lang.system import System
from .choices import explore_by_choice
from .results import Budget, ProgressFn, Result
from .stored import FORMAT, dump_result, load_result

_MCFSM_ROOT = Path(__file__).resolve().parent.parent
_source_digests: dict[Path, str] = {}
_said: set[tuple[str, str]] = set()  # (model file, reason) already reported on stderr


def cache_dir() -> Path:
    return Path(os.environ.get("MCFSM_CACHE_DIR") or Path.cwd() / ".mcfsm-cache")


def cache_enabled(requested: bool = True) -> bool:
    return requested and not os.environ.get("MCFSM_NO_CACHE")


def explore_cached(system: System, *, loaded: LoadedModel | None, variant: str,
                   budget: Budget | None = None, cache: bool = True,
                   progress: ProgressFn | None = None, under: tuple[str, ...] = ()) -> Result:
    """Explore one variant, or read its result from the cache when nothing it depends on
    changed. `loaded` is the loaded model file (None: never cached). `under` ("p=v", ...)
    explores only the runs with those choices (a finding's chart drawn under a reading).
    In order: the choices pinned, the entry's file named, the entry read under its lock, or
    else the search run and its entry written."""
    budget = budget or Budget()
    system = system.pinned(under)
    file = _entry_file(system, loaded, variant, budget, cache, under)
    with _one_search_at_a_time(file):
        # another process may have explored it while this one waited: its entry is read
        found = _read(file, system)
        if found is not None:
            return found
        # what the search reads is recorded only for an entry to keep
        with recording() if file is not None else contextlib.nullcontext(Reads()) as run_reads:
            result = explore_by_choice(system, budget, progress=progress)
        if file is not None and loaded is not None:
            _write(file, loaded, system, result, run_reads, variant, budget, under)
    return result


def cached_result(system: System, *, loaded: LoadedModel | None, variant: str,
                  budget: Budget | None = None, cache: bool = True,
                  under: tuple[str, ...] = ()) -> Result | None:
    """The cached result of a variant (restricted to the choices `under`, a system
    explore_cached has restricted), or None when it must be explored."""
    return _read(_entry_file(system, loaded, variant, budget or Budget(), cache, under), system)


def _entry_file(system: System, loaded: LoadedModel | None, variant: str, budget: Budget,
                cache: bool, under: tuple[str, ...]) -> Path | None:
    """The entry's file, or None when the result is not cached (no model file, the cache
    switched off)."""
    if loaded is None or not cache_enabled(cache):
        return None
    return _file(loaded, system, variant, budget, under)


def _read(file: Path | None, system: System) -> Result | None:
    """The entry's result, or None when there is none, something the search read has
    changed since, or it cannot be read or replayed on this system."""
    if file is None:
        return None
    try:
        if not file.exists():
            return None
        data = json.loads(file.read_text())
        if changed(Reads(**data["reads"])):
            return None
        return load_result(system, data)
    except Exception:
        return None


def _write(file: Path, loaded: LoadedModel, system: System, result: Result, run_reads: Reads,
           variant: str, budget: Budget, under: tuple[str, ...]) -> None:
    """The entry, unless the search was cut in a way that varies run to run (a time limit,
    an interrupt) or what it read cannot be kept in step with the entry (said once)."""
    if result.stopped_by in ("time-limit", "interrupted"):
        return
    manifest, refusal = _manifest(loaded, run_reads)
    if refusal is not None:
        _say_once(loaded, refusal)
        return
    _store(file, {**dump_result(system, result), "reads": dataclasses.asdict(manifest),
                  "origin": _origin(loaded, variant, budget, under)})


@contextlib.contextmanager
def _one_search_at_a_time(file: Path | None) -> Iterator[None]:
    """Processes that want the same entry (pytest-xdist workers, two `mcfsm check` runs)
    take turns: the first explores and stores, the others wait and read its entry instead
    of searching again. A waiting process idles no longer than the one searching, and
    never as long as a second search. Without an entry, or without a lock (a read-only
    cache, no fcntl), each explores for itself."""
    if file is None:
        yield
        return
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
          under: tuple[str, ...] = ()) -> Path:
    key = _key(loaded, system, variant, budget, {"under": list(under)} if under else {})
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
    # the code's digest, not the package version: importlib.metadata took 28 ms of each
    # start-up to read a number that changes only with the code the digest covers
    h.update(f"format {FORMAT} mcfsm {mcfsm_digest()} "
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
        system = loaded.model.system(origin["variant"]).pinned(under)
        budget = Budget(**{k: frozenset(v) if k == "stop_on" else v
                           for k, v in origin["budget"].items()})
    except Exception as exc:  # e.g. a model that needs a sys.path only its test sets up
        return Verification(file.name, "unverified",
                            f"its model cannot be built here ({type(exc).__name__}: {exc})")
    if _file(loaded, system, origin["variant"], budget, under).name != file.name:
        return Verification(file.name, "stale", "the model or a module it reads changed since")
    edited = changed(Reads(**data["reads"]))
    if edited:
        return Verification(file.name, "stale", f"{_shown(edited[0])} changed since")
    fresh = json.loads(json.dumps(dump_result(system, explore_by_choice(system, budget))))
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


# -- storing ----------------------------------------------------------------------------------
def _store(file: Path, data: dict[str, Any]) -> None:
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp = file.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data))
        os.replace(tmp, file)  # atomic: parallel runs never read half a file
    except OSError:
        pass  # a read-only checkout still checks, only without the cache
