"""`json.dumps(value, indent=N)`, byte for byte, at the C encoder's speed for the leaves.

With an indent, the standard library lays JSON out with its pure-Python encoder (a
generator per container, a yield per token): the trace files `diagram` and `report` write
took a third of the time of writing a model's pages. Here each container is one Python
call and each run of leaves one `join` over the C encoder's output; the text is the
standard library's (tests/test_json_layout.py holds them equal on generated values and on
every trace file of a bundled model)."""

from __future__ import annotations

import json
from typing import Any

_LEAF = json.JSONEncoder().encode  # the C encoder: strings escaped, floats as json writes them
_KEYS = {True: "true", False: "false", None: "null"}


def _key(key: Any) -> str:
    """A mapping key as json writes it: a string, or a number, bool or None in its JSON
    spelling quoted."""
    if isinstance(key, str):
        return _LEAF(key)
    if key is None or isinstance(key, bool):
        return f'"{_KEYS[key]}"'
    if isinstance(key, (int, float)):
        return _LEAF(str(_LEAF(key)))
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def indented(value: Any, indent: int = 1) -> str:
    out: list[str] = []
    _layout(value, 0, indent, out)
    return "".join(out)


def _layout(value: Any, level: int, indent: int, out: list[str]) -> None:
    if isinstance(value, dict):
        opening, closing = "{", "}"
        items: Any = ((_key(key) + ": ", item) for key, item in value.items())
    elif isinstance(value, (list, tuple)):
        opening, closing = "[", "]"
        items = (("", item) for item in value)
    else:
        out.append(_LEAF(value))
        return
    if not value:
        out.append(opening + closing)
        return
    pad = "\n" + " " * (indent * (level + 1))
    end = "\n" + " " * (indent * level) + closing
    if not any(isinstance(item, (dict, list, tuple))
               for item in (value.values() if opening == "{" else value)):
        # leaves only (a state's locals, a list of values): one join
        out.append(opening + pad + ("," + pad).join([head + _LEAF(item) for head, item in items])
                   + end)
        return
    out.append(opening)
    sep = pad
    for head, item in items:
        out.append(sep + head)
        if isinstance(item, (dict, list, tuple)):
            _layout(item, level + 1, indent, out)
        else:
            out.append(_LEAF(item))
        sep = "," + pad
    out.append(end)
