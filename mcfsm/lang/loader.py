"""Load model files: a Python file defining one or more module-level `Model` objects, or a
folder of such files. Every failure names the file (and line, for syntax errors).

How a model file finds its sibling modules: while the file runs, its own folder is first on
`sys.path`, so `import _mc` (or `from _mc import ...`) finds `_mc.py` (or the package
`_mc/`) next to it. Each folder gets its own copies of its sibling modules: they are kept
per folder, out of `sys.modules`, so two copies of a model folder (an old and a new version
of a model set) load side by side in one process, each with its own `_mc`, and a module of
the same name imported before (by a test, say) is not reused for a folder it does not
belong to. Import siblings at the top of the model file: imports made later, inside
functions, use whatever `sys.modules` holds then.

The model file, and every module it imports from outside the installed libraries and mcfsm
(its siblings, a folder put on `sys.path`), run the code of the source as read now: their
bytecode is cached keyed on a hash of the source's bytes (PEP 552's checked .pyc), never
on its mtime and size as Python's default is, under which an edit within the same second
that kept the size (a script writing variants, a test's second version) ran the old code
while the result cache keyed the run on the new source's digest.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import hashlib
import importlib.machinery
import importlib.util
import marshal
import os
import stat
import sys
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

from ..errors import McfsmError, ModelError, UsageError
from .change_request import change_request_model, read_change_request, trusted_model
from .guard import DEBUG_HINT, is_real_interrupt, model_line, shown_path
from .model import Model
from .reads import Reads, digest, installed_code, module_files, recording


@dataclasses.dataclass(frozen=True)
class LoadedModel:
    path: Path
    model: Model
    # What loading the file read (its own code, the modules it imported, data files,
    # environment variables), with digests taken when it was read: the result cache's key.
    reads: Reads = dataclasses.field(default_factory=Reads, compare=False)


def load_path(path: str | Path) -> list[LoadedModel]:
    p = Path(path)
    try:
        exists, is_dir = p.exists(), p.is_dir()
    except (OSError, ValueError) as exc:  # a name too long, a NUL byte, a symlink loop, ...
        raise UsageError(f"{p!s}: cannot be read ({getattr(exc, 'strerror', None) or exc})") from None
    if not exists:
        raise UsageError(f"{p}: no such file or folder; pass a model file (.py) or a folder")
    if is_dir:
        try:
            # Only files that define a Model are loaded (as the pytest plugin collects
            # them): tests and helpers beside the models are not run.
            files = sorted(f for f in p.glob("*.py") if not f.name.startswith("_")
                           and defines_model(f) is not False)
        except OSError as exc:
            raise UsageError(f"{p}: cannot list the folder ({exc.strerror or exc})") from None
        loaded = [m for f in files for m in _load_file(f, required=False)]
        if not loaded:
            raise UsageError(f"{p}: no model files here (no .py file defines a mcfsm Model)")
        _no_duplicate_names(loaded)
        return loaded
    if p.suffix == ".toml":  # a change request (lang/change_request.py)
        return [_load_change_request(p)]
    if p.suffix != ".py":
        raise UsageError(f"{p}: not a model file; pass a .py model file, a .toml change "
                         "request or a folder")
    return _load_file(p, required=True)


def _load_change_request(path: Path) -> LoadedModel:
    """A CR file as a model of two variants over the model file it names; what the result
    cache keys on is the model file's reads, the CR file and the fix sentences read."""
    _regular_file(path)
    cr = read_change_request(path)
    if not cr.model_file.is_file():
        raise UsageError(f"{path}: model = {cr.model_file} is not a file; give the model "
                         "file's path relative to the CR file")
    trusted_model(cr)
    loaded = _load_file(cr.model_file, required=True)
    if len(loaded) != 1:
        raise ModelError(f"{cr.model_file} defines {len(loaded)} models", where=str(path),
                         fix="a CR names a model file that defines one Model")
    model = change_request_model(cr, loaded[0].model)
    reads = loaded[0].reads.copy()
    for file in (path, cr.model_file.parent / "fix_sentences.toml"):
        if file.is_file():
            reads.files[str(file.resolve())] = digest(str(file.resolve()))
    return LoadedModel(path, model, reads)


def defines_model(path: Path) -> bool | None:
    """Whether a file's source imports mcfsm and calls Model(...), read and never run:
    True or False; None when it mentions both but does not parse (a broken model file,
    whose syntax error the load reports)."""
    try:
        source = path.read_bytes()
    except OSError:
        return None  # unreadable: the load says so, naming the file
    if b"mcfsm" not in source or b"Model" not in source:
        return False
    return _parsed_defines_model(source)


# keyed on the source itself, so an edited file is read again: a test session lists the
# models/ folder from dozens of modules, and parsing was most of each listing
@functools.cache
def _parsed_defines_model(source: bytes) -> bool | None:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    imports_mcfsm = calls_model = False
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "mcfsm":
            imports_mcfsm = True
        elif isinstance(node, ast.Import) and any(a.name.split(".")[0] == "mcfsm"
                                                  for a in node.names):
            imports_mcfsm = True
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            calls_model = calls_model or name == "Model"
    return imports_mcfsm and calls_model


def _no_duplicate_names(loaded: list[LoadedModel]) -> None:
    first: dict[str, LoadedModel] = {}
    for lm in loaded:
        other = first.setdefault(lm.model.name, lm)
        if other is not lm:
            raise ModelError(f"model name {lm.model.name!r} is defined in {other.path} and in "
                             f"{lm.path}", where=str(lm.path),
                             fix="give every Model its own name (it names report folders)")


def _regular_file(path: Path) -> None:
    """Refuse what is not a regular file: a FIFO named x.py would block the read."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise UsageError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(mode):
        raise UsageError(f"{path}: not a regular file (a FIFO, device or socket); pass a .py "
                         "model file")
    if not os.access(path, os.R_OK):
        raise UsageError(f"{path}: permission denied; make the file readable")


def _load_file(path: Path, *, required: bool) -> list[LoadedModel]:
    _regular_file(path)
    folder = path.parent.resolve()
    digest = hashlib.sha1(os.fsencode(path.resolve())).hexdigest()[:10]
    module_name = f"mcfsm_model_{_identifier(path.stem)}_{digest}"
    spec = importlib.util.spec_from_file_location(module_name, path,
                                                  loader=_FromSource(module_name, str(path)))
    if spec is None or spec.loader is None:
        raise UsageError(f"{path}: cannot be loaded as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        with _siblings_of(folder), recording() as reads:
            spec.loader.exec_module(module)
            reads.modules.update(module_files([module, *_named_modules(module),
                                               *_FOLDER_MODULES.get(folder, {}).values(),
                                               *[sys.modules[n] for n in _module_names_in(folder)
                                                 if n in sys.modules]]))
            for file, d in reads.modules.items():
                _LOADED_DIGEST.setdefault(file, d)
    except SyntaxError as exc:
        raise ModelError(f"syntax error at line {exc.lineno}: {exc.msg}",
                         fix="correct the Python syntax", where=str(path)) from None
    except McfsmError as exc:
        if isinstance(exc, ModelError):
            raise exc.replaced(at=exc.at or model_line(exc)).located(str(path)) from exc
        raise
    except BaseException as exc:  # the model-code guard: even sys.exit() decides nothing
        if is_real_interrupt(exc):
            raise
        if os.environ.get("MCFSM_DEBUG"):
            raise
        if isinstance(exc, SystemExit):
            problem = f"loading the model called sys.exit({exc.code!r})"
        elif isinstance(exc, (ModuleNotFoundError, ImportError)) and getattr(exc, "name", None):
            problem = (f"loading the model raised {type(exc).__name__}: {exc} (sibling modules "
                       f"are looked up in {_shown(folder)})")
        else:
            problem = f"loading the model raised {type(exc).__name__}" + (f": {exc}" if str(exc) else "")
        raise ModelError(problem, fix=f"fix the model file; {DEBUG_HINT}", where=str(path),
                         at=model_line(exc)) from exc
    models: list[Model] = []
    for value in list(vars(module).values()):
        if isinstance(value, Model) and all(value is not m for m in models):
            models.append(value)
    if not models and required:
        raise UsageError(f"{path}: defines no mcfsm Model; add `model = Model(...)` at module "
                         "level and register variants with @model.variant(...)")
    names: set[str] = set()
    out = []
    for m in models:
        if m.name in names:
            raise ModelError(f"two Model objects are named {m.name!r}", where=str(path),
                             fix="give each Model its own name")
        names.add(m.name)
        if not m.variants:
            raise ModelError(f"model {m.name!r} declares no variants", where=str(path),
                             fix=f"register one: @{_var_name(module, m)}.variant('base', doc=...) "
                                 "above a function returning a System")
        out.append(LoadedModel(path, m, reads))
    return out


def _named_modules(module: ModuleType) -> list[ModuleType]:
    """The modules a model file's globals name, directly or through what they define (an
    `import x` of a module imported before still makes x part of what the model runs)."""
    out = []
    for value in list(vars(module).values()):
        if isinstance(value, ModuleType):
            out.append(value)
        else:
            owner = sys.modules.get(getattr(value, "__module__", None) or "")
            if owner is not None and owner is not module:
                out.append(owner)
    return out


# -- sibling modules, kept per folder ---------------------------------------------------------
_FOLDER_MODULES: dict[Path, dict[str, ModuleType]] = {}
# The digest of each sibling module's file when it was imported: a sibling edited since is
# imported again by the next load, so a process never runs (or caches) an old copy.
_LOADED_DIGEST: dict[str, str] = {}


def model_modules() -> list[ModuleType]:
    """Every model file and sibling module loaded in this process (the split search names
    their classes when it sends state values to another process)."""
    own = [m for name, m in sys.modules.items() if name.startswith("mcfsm_model_")]
    return own + [m for modules in _FOLDER_MODULES.values() for m in modules.values()]


def _module_names_in(folder: Path) -> set[str]:
    """Top-level names a plain import resolves in this folder (modules and packages)."""
    names = set()
    try:
        for entry in folder.iterdir():
            if entry.suffix == ".py" and entry.stem.isidentifier():
                names.add(entry.stem)
            elif (entry.is_dir() and entry.name.isidentifier()
                  and entry.name != "__pycache__"):
                names.add(entry.name)  # a package, or a namespace package (no __init__.py)
    except OSError:
        pass
    return names


def _belongs(module: ModuleType | None, folder: Path) -> bool:
    file = getattr(module, "__file__", None)
    # a namespace package has no file, only the folders of its path
    places = [file] if file else list(getattr(module, "__path__", None) or ())
    try:
        return bool(places) and all(Path(p).resolve().is_relative_to(folder) for p in places)
    except (OSError, ValueError):
        return False


class _FromSource(importlib.machinery.SourceFileLoader):
    """Runs the code of the bytes it reads now. Its bytecode cache is a checked hash-based
    .pyc (PEP 552: keyed on a hash of the source's bytes), never a timestamp one, which is
    trusted on mtime and size."""

    def get_code(self, fullname: str) -> CodeType:
        path = self.get_filename(fullname)
        source = self.get_data(path)
        header = importlib.util.MAGIC_NUMBER + _CHECKED_HASH + importlib.util.source_hash(source)
        # (an implementation without a cache tag keeps no bytecode at all)
        cached = importlib.util.cache_from_source(path) if sys.implementation.cache_tag \
            else None
        if cached:
            try:
                with open(cached, "rb") as file:
                    if file.read(16) == header:
                        return _named(marshal.loads(file.read()), path)
            except (OSError, EOFError, ValueError, TypeError):
                pass  # none, or a broken one: compiled again below
        code = self.source_to_code(source, path)
        if cached and not sys.dont_write_bytecode:
            self.set_data(cached, header + marshal.dumps(code))  # atomic; a failure is ignored
        return code


_CHECKED_HASH = (0b11).to_bytes(4, "little")  # a .pyc's flags: hash-based, checked on import


def _named(code: CodeType, path: str) -> CodeType:
    """Cached code under the path it is loaded from now (as Python's own loader renames it):
    it keeps the path it was compiled under, say `models/x.py` from a run in the repository,
    and tracebacks, model lines and readers of co_filename would name that one."""
    if code.co_filename == path:
        return code
    return code.replace(co_filename=path, co_consts=tuple(
        _named(c, path) if isinstance(c, CodeType) else c for c in code.co_consts))


_LOADERS = [(importlib.machinery.ExtensionFileLoader, importlib.machinery.EXTENSION_SUFFIXES),
            (_FromSource, importlib.machinery.SOURCE_SUFFIXES),
            (importlib.machinery.SourcelessFileLoader, importlib.machinery.BYTECODE_SUFFIXES)]


class _SourceFinder:
    """While a model file runs, first on sys.meta_path: finds a module as the path finder
    would (the same entries in the same order, the same file), and where that file is a
    model's own source outside the installed code, loads it with _FromSource. Elsewhere (an
    installed module, an entry that is no folder, a namespace package) it answers None and
    the import goes on as Python's."""

    def __init__(self) -> None:
        self.finders: dict[str, importlib.machinery.FileFinder] = {}

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        for entry in list(path if path is not None else sys.path):
            entry = os.path.abspath(entry or ".") if isinstance(entry, str) else None
            if entry is None or not os.path.isdir(entry):
                if entry is None or os.path.exists(entry):
                    return None  # a zip file or a path hook's entry: Python's own finder
                continue
            finder = self.finders.get(entry)
            if finder is None:
                finder = self.finders[entry] = importlib.machinery.FileFinder(entry, *_LOADERS)
            spec = finder.find_spec(fullname)
            if spec is None or spec.loader is None:
                continue  # not here, or a namespace package's portion: the next entry
            # installed code (mcfsm, the standard library, site-packages) is imported as
            # Python does, from its own bytecode
            if not isinstance(spec.loader, _FromSource) or installed_code(
                    os.path.realpath(spec.origin or entry)):
                return None
            return spec
        return None


class _siblings_of:  # noqa: N801 - used as a `with` statement, like contextlib's helpers
    """While a model file runs: its folder first on sys.path, and sys.modules showing this
    folder's sibling modules (not another folder's of the same name). Afterwards the
    siblings are moved into the folder's own table and sys.modules is restored."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.names = _module_names_in(folder)
        self.own = _FOLDER_MODULES.setdefault(folder, {})
        self.displaced: dict[str, ModuleType] = {}

    def _ours(self, name: str) -> bool:
        return name.split(".", 1)[0] in self.names

    def __enter__(self) -> None:
        edited = {name.split(".", 1)[0] for name, module in self.own.items()
                  if _edited_since_import(module)}
        for name in [n for n in self.own if n.split(".", 1)[0] in edited]:
            del self.own[name]  # the whole package goes: its modules import each other
        for name in [n for n in sys.modules if self._ours(n)]:
            self.displaced[name] = sys.modules.pop(name)
        sys.modules.update(self.own)
        sys.path.insert(0, str(self.folder))
        self.finder = _SourceFinder()
        sys.meta_path.insert(0, self.finder)

    def __exit__(self, *exc: object) -> None:
        try:
            sys.path.remove(str(self.folder))
        except ValueError:
            pass
        try:
            sys.meta_path.remove(self.finder)
        except ValueError:
            pass
        for name in [n for n in sys.modules if self._ours(n)]:
            module = sys.modules.pop(name)
            if _belongs(module, self.folder):
                self.own[name] = module
        sys.modules.update(self.displaced)


def _edited_since_import(module: ModuleType) -> bool:
    file = getattr(module, "__file__", None)
    if not file:
        return False
    resolved = os.path.realpath(file)
    loaded = _LOADED_DIGEST.get(resolved)
    if loaded is None or digest(resolved) == loaded:
        return False
    del _LOADED_DIGEST[resolved]  # re-imported now; the new digest is recorded then
    return True


def _identifier(text: str) -> str:
    return "".join(ch if ch.isalnum() and ch.isascii() else "_" for ch in text)


def _shown(folder: Path) -> str:
    return shown_path(str(folder))


def _var_name(module: ModuleType, model: Model) -> str:
    return next((k for k, v in vars(module).items() if v is model), "model")
