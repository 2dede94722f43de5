"""State component values as bytes another process (or a later run) reads back: what the
split search's partitions send each other (partitioned.py) and what a checkpoint keeps
(checkpoint.py).

Plain pickle cannot carry them as they are:
- the parameter record, the shared record and each role's local record are classes made
  per system (NamedTuples built in lang/), which pickle cannot name: they travel as (which
  record, fields) and are rebuilt with the reading process's own system, which has the
  same classes;
- classes of model files and their sibling modules (messages, enums, dataclasses) live in
  modules the loader keeps out of sys.modules, so pickle cannot import them by name: they
  travel as (file name, qualified name) and are looked up among the reading process's
  loaded model modules (a name that two loaded files share is left out: ambiguous);
- a message caches its hash, which another process computes with another string-hash seed:
  lang/messages.py pickles messages by their elements, so the reader hashes them afresh.

`register(system)` must run in the reading and the writing process before `dumps`/`loads`.
"""

from __future__ import annotations

import io
import pickle
from pathlib import Path
from typing import Any

from ...errors import McfsmError
from ...lang.loader import model_modules
from ...lang.system import System

_CLASSES: dict[tuple[str, ...], type] = {}
_KEYS: dict[type, tuple[str, ...]] = {}
_MODEL_CLASSES: dict[tuple[str, str], type] = {}
_MODEL_KEYS: dict[type, tuple[str, str]] = {}


class UnpicklableValueError(McfsmError):
    """A state component value that cannot be written for another process."""


def register(system: System) -> None:
    """Name the system's record classes and every loaded model class (see the module doc)."""
    records: dict[tuple[str, ...], type] = {("params",): system._Params,
                                            ("shared",): system._Shared}
    for inst in system.instances:  # by instance: roles of one name may differ (a Param each)
        records[("local", inst.name)] = inst.role.Local
    _KEYS.clear()
    for key, cls in records.items():
        _CLASSES[key] = cls
        _KEYS.setdefault(cls, key)  # a role shared by instances: its first instance names it
    found: dict[tuple[str, str], type | None] = {}
    for module in model_modules():
        file = Path(getattr(module, "__file__", "") or module.__name__).name
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == module.__name__:
                key = (file, value.__qualname__)
                found[key] = value if found.get(key, value) is value else None
    _MODEL_CLASSES.clear()
    _MODEL_KEYS.clear()
    for key, model_class in found.items():
        if model_class is not None:
            _MODEL_CLASSES[key] = model_class
            _MODEL_KEYS[model_class] = key


def _rebuild(key: tuple[str, ...], fields: tuple) -> Any:
    return _CLASSES[key](*fields)


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        key = _KEYS.get(type(obj))
        if key is None:
            return NotImplemented
        return _rebuild, (key, tuple(obj))

    def persistent_id(self, obj: Any) -> Any:
        return _MODEL_KEYS.get(obj) if isinstance(obj, type) else None


class _Unpickler(pickle.Unpickler):
    def persistent_load(self, pid: Any) -> Any:
        return _MODEL_CLASSES[tuple(pid)]  # type: ignore[index]


def loads(blob: bytes) -> Any:
    return _Unpickler(io.BytesIO(blob)).load()


def dumps(obj: Any, system: System, what: str) -> bytes:
    """`obj` as bytes; a value that cannot be written is an error naming its slot and type
    (`obj` holds (slot, values) pairs) or, otherwise, `what`."""
    buffer = io.BytesIO()
    try:
        _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    except Exception as exc:
        culprit = f"{what} ({exc})"
        if isinstance(obj, list) and all(isinstance(x, tuple) and len(x) == 2 for x in obj):
            for slot, values in obj:  # name the value that does not travel
                for value in values:
                    try:
                        _Pickler(io.BytesIO()).dump(value)
                    except Exception as inner:
                        culprit = (f"a value of state slot {slot} ({type(value).__qualname__}: "
                                   f"{inner})")
                        break
        raise UnpicklableValueError(
            f"system {system.name!r}: {culprit} cannot be written for another process\n"
            "  how to fix: use module-level classes, enums, tuples or plain values in states, "
            "or explore this variant with --workers 1 and without --checkpoint") from None
    return buffer.getvalue()
