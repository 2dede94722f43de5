"""A hash of a state component that is the same in every process and on every machine.

The split search (partitioned.py) sends each state to the worker that owns it, the owner
being a hash of the state modulo the number of workers. Every worker must compute the same
owner for the same state, or a state would be explored twice and counted twice. Python's
`hash()` cannot serve: the hash of a `str` changes from one process to the next
(PYTHONHASHSEED), and a Ray worker on another machine is another process. So values are
hashed from their structure: exact types by their bytes, tuples in order, sets and dict
items in any order (a sum of the items' hashes), dataclasses and enum members by their
type's name and their fields. Each distinct component value is hashed once (the stores
memoize it per interned index), but its parts again in every value that holds them: the
in-process split's partitions spent a quarter of their time here, so leaves, tuple tags and
dataclass fields are memoized and the common types dispatched on their exact type.

A value of a type this module does not know is hashed by its `repr`, when that `repr`
carries no memory address; otherwise `StableHashError` names the type and how to fix it.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import re
import struct
from typing import Any

from ...errors import McfsmError

_MASK = (1 << 64) - 1
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


class StableHashError(McfsmError):
    """A state component whose hash would differ between processes."""


def _digest(tag: bytes, data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(tag + data, digest_size=8).digest(), "little")


# Leaves met again and again (a state's fields repeat across states): their digests. Only
# exact ints, strs and bytes are kept (no two of those types hold equal values); bools,
# floats (0.0 == -0.0) and subclasses take the rules below every time.
_LEAVES: dict[Any, int] = {}
_LEAF_LIMIT = 1 << 20
_TUPLE_TAGS: dict[int, int] = {}  # length -> the digest a tuple of that length starts from
_DATACLASS: dict[type, tuple[int, tuple[str, ...]]] = {}  # its tag's digest, its fields
_TUPLES: set[type] = set()  # the tuple subclasses met (named tuples), hashed as tuples
_SET_TAG = _digest(b"S", b"")
_CONSTANTS = {c: _digest(b"c", repr(c).encode()) for c in (None, True, False)}


def stable_hash(value: Any) -> int:
    """A 64-bit hash of `value`, equal for equal values in every process."""
    kind = type(value)
    if kind is tuple or kind in _TUPLES:  # a named tuple (a role's local) is its tuple
        n = len(value)
        h = _TUPLE_TAGS.get(n)
        if h is None:
            h = _TUPLE_TAGS[n] = _digest(b"t", str(n).encode())
        for item in value:
            h = ((h * 0x100000001B3) ^ stable_hash(item)) & _MASK
        return h
    if kind is int or kind is str or kind is bytes:
        h = _LEAVES.get(value)
        if h is None:
            if len(_LEAVES) >= _LEAF_LIMIT:
                _LEAVES.clear()
            h = _LEAVES[value] = _other(value)
        return h
    if kind is frozenset:
        return (_SET_TAG + sum(stable_hash(item) for item in value)) & _MASK
    if value is None or value is True or value is False:
        return _CONSTANTS[value]
    shape = _DATACLASS.get(kind)
    if shape is not None:
        tag, names = shape
        return (tag ^ stable_hash(tuple(getattr(value, name) for name in names))) & _MASK
    return _other(value)


def _other(value: Any) -> int:
    """Every other kind of value: the rules of the module doc, by isinstance."""
    if value is None or isinstance(value, bool):
        return _digest(b"c", repr(value).encode())
    if isinstance(value, enum.Enum):  # before int and str: IntEnum and StrEnum members
        return _digest(b"e", f"{type(value).__qualname__}.{value.name}".encode())
    if isinstance(value, int):
        return _digest(b"i", str(value).encode())
    if isinstance(value, str):
        return _digest(b"s", value.encode("utf-8", "surrogatepass"))
    if isinstance(value, bytes):
        return _digest(b"b", value)
    if isinstance(value, float):
        return _digest(b"f", struct.pack("<d", value))
    if isinstance(value, tuple):  # named tuples too: equal to the plain tuple
        _TUPLES.add(type(value))
        return stable_hash(tuple(value))
    if isinstance(value, (frozenset, set)):  # any iteration order: a sum
        return (_SET_TAG + sum(stable_hash(item) for item in value)) & _MASK
    if isinstance(value, dict):
        return (_digest(b"d", b"") + sum(stable_hash((k, v)) for k, v in value.items())) & _MASK
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        kind = type(value)
        names = tuple(f.name for f in dataclasses.fields(value))
        _DATACLASS[kind] = (_digest(b"D", kind.__qualname__.encode()), names)
        return stable_hash(value)
    text = repr(value)
    if _ADDRESS.search(text):
        raise StableHashError(
            f"a state component of type {type(value).__qualname__} has no stable hash "
            f"(its repr {text!r} carries a memory address, which differs between the "
            "split search's processes)\n  how to fix: make it a dataclass, an enum, a tuple "
            "or a plain value, or give it a __repr__ built from its fields; or explore this "
            "variant with --workers 1")
    return _digest(b"r", f"{type(value).__qualname__}:{text}".encode())


def combine(hashes: Any) -> int:
    """The hash of a state from its components' hashes, in slot order (as partitioned.py and
    the compiled core compute it: both must agree)."""
    h = 0xCBF29CE484222325
    for x in hashes:
        h = ((h ^ x) * 0x100000001B3) & _MASK
    return _mix(h)


def _mix(h: int) -> int:
    """splitmix64's finaliser: the low bits (used modulo the worker count) depend on all."""
    h = ((h ^ (h >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    h = ((h ^ (h >> 27)) * 0x94D049BB133111EB) & _MASK
    return h ^ (h >> 31)
