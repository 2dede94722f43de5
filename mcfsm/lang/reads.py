"""What model code reads while it runs: module files, data files, environment variables.

The result cache (check/cache.py) may answer for a model only with the answer a fresh run
would give, so its key must cover everything the model's code could read. This module
records those reads while model code runs (the import of the model file, and the search
that calls its guards and actions): the key is what was actually read, not a guess.

- Modules: every module a load added to `sys.modules` (installed packages excepted, which
  may be mcfsm's own lazy imports), every module the model file's globals name, and every
  sibling module of the model's folder, outside the standard library and mcfsm itself
  (mcfsm's sources are in the key by their own digest, the standard library by the Python
  version). Namespace packages count like packages: their submodules have files.
- Files: an audit hook (PEP 578) sees every `open()`; an open by model code (not by the
  import system, not by mcfsm) is recorded with the file's digest.
- Environment: `os.environ` is swapped for a recording mapping while model code runs, and
  the names model code reads are recorded with their values.

A read is model code's when the innermost frame outside the standard library is not
mcfsm's own; reads made during an import belong to the import (the module is recorded).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import sys
import sysconfig
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

_MCFSM_ROOT = str(Path(__file__).resolve().parent.parent) + os.sep
_STDLIB = tuple(str(Path(p).resolve()) + os.sep for p in
                {sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"]})
_SITE = tuple(str(Path(p).resolve()) + os.sep for p in
              {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
_THIS = str(Path(__file__).resolve())


@dataclasses.dataclass
class Reads:
    """What one stretch of model code read: module and data files (resolved path -> sha256
    of the content when first seen) and environment variables (name -> value, None when
    unset)."""

    modules: dict[str, str] = dataclasses.field(default_factory=dict)
    files: dict[str, str] = dataclasses.field(default_factory=dict)
    env: dict[str, str | None] = dataclasses.field(default_factory=dict)

    def merge(self, other: Reads) -> None:
        for mine, theirs in ((self.modules, other.modules), (self.files, other.files)):
            for k, v in theirs.items():
                mine.setdefault(k, v)
        for k, v in other.env.items():
            self.env.setdefault(k, v)

    def copy(self) -> Reads:
        return Reads(dict(self.modules), dict(self.files), dict(self.env))


def digest(path: str) -> str:
    """sha256 of a file's content, or a marker when it cannot be read (a file that later
    becomes readable then no longer matches)."""
    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError as exc:
        return f"unreadable: {exc.strerror or exc}"


# -- the recorder ------------------------------------------------------------------------------
_active: list[Reads] = []  # a stack: loads may nest (a model file importing another)
_in_hook = [False]
_hook_installed = [False]


def _is_library(filename: str) -> bool:
    return (filename.startswith("<frozen") or filename == _THIS
            or (filename.startswith(_STDLIB) and not filename.startswith(_SITE)))


def _reader() -> str | None:
    """'model' when the innermost frame outside the standard library belongs to model
    code, None when the read is mcfsm's own or made by the import system."""
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith("<frozen importlib"):
            return None  # an import: the module itself is recorded
        if not _is_library(name):
            return None if name.startswith(_MCFSM_ROOT) else "model"
        frame = frame.f_back
    return None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event != "open" or not _active or _in_hook[0]:
        return
    path = args[0]
    if not isinstance(path, str | bytes | os.PathLike):
        return  # an open file descriptor: its file was recorded when it was opened
    _in_hook[0] = True
    try:
        if _reader() is None:
            return
        resolved = os.path.realpath(os.fsdecode(path))
        if os.path.isfile(resolved):
            for reads in _active:
                if resolved not in reads.files:
                    reads.files[resolved] = digest(resolved)
    finally:
        _in_hook[0] = False


class _RecordingEnviron(MutableMapping[str, str]):
    """os.environ while model code runs: reads by model code are recorded."""

    def __init__(self, real: MutableMapping[str, str]) -> None:
        self.real = real

    def _note(self, key: str) -> None:
        if _active and not _in_hook[0] and _reader() is not None:
            for reads in _active:
                reads.env.setdefault(key, self.real.get(key))

    def __getitem__(self, key: str) -> str:
        self._note(key)
        return self.real[key]

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self._note(key)
        return key in self.real

    def get(self, key: str, default: Any = None) -> Any:
        self._note(key)
        return self.real.get(key, default)

    def __setitem__(self, key: str, value: str) -> None:
        self.real[key] = value

    def __delitem__(self, key: str) -> None:
        del self.real[key]

    def __iter__(self) -> Iterator[str]:
        if _active and _reader() is not None:
            for reads in _active:
                reads.env.setdefault("*", "the model code listed every variable")
        return iter(self.real)

    def __len__(self) -> int:
        return len(self.real)

    def copy(self) -> dict[str, str]:
        return dict(self.real)


def installed_code(resolved: str) -> bool:
    """Whether a resolved file is installed code: mcfsm, the standard library or a package
    in site-packages (not a model's own module)."""
    return resolved.startswith((_MCFSM_ROOT, *_SITE)) or _is_library(resolved)


def module_files(modules: list[ModuleType], *, installed: bool = True) -> dict[str, str]:
    """Resolved source file -> digest for the modules whose code is the model's to read
    (not the standard library, not mcfsm; installed packages only with `installed`)."""
    out: dict[str, str] = {}
    for module in modules:
        file = getattr(module, "__file__", None)
        if not file:
            continue  # a namespace package: its submodules carry the files
        resolved = os.path.realpath(file)
        if resolved.startswith(_MCFSM_ROOT) or _is_library(resolved):
            continue
        if not installed and resolved.startswith(_SITE):
            continue
        if resolved not in out:
            out[resolved] = digest(resolved)
    return out


@contextmanager
def recording() -> Iterator[Reads]:
    """Record what model code reads in the `with` block (modules newly imported, files
    opened, environment variables read)."""
    if not _hook_installed[0]:
        sys.addaudithook(_audit)  # cannot be removed: it does nothing while nothing records
        _hook_installed[0] = True
    reads = Reads()
    before = set(sys.modules)
    swapped = not _active
    if swapped:
        os.environ = _RecordingEnviron(os.environ)  # type: ignore[assignment]  # noqa: B003
    _active.append(reads)
    try:
        yield reads
    finally:
        _active.pop()
        if swapped:
            os.environ = os.environ.real  # type: ignore[attr-defined]  # noqa: B003
        # Installed packages a load imports for the first time may be mcfsm's own lazy
        # imports; those the model names itself are recorded by the loader (_named_modules).
        reads.modules.update(module_files([sys.modules[n] for n in set(sys.modules) - before
                                           if sys.modules.get(n) is not None],
                                          installed=False))


def changed(reads: Reads) -> list[str]:
    """The recorded reads whose file content or environment value differs now."""
    out = [p for p, d in {**reads.modules, **reads.files}.items() if digest(p) != d]
    out += [f"${name}" for name, value in reads.env.items()
            if name != "*" and os.environ.get(name) != value]
    return out
