"""Values in the spec's notation, the one formatter every renderer uses.

    frozenset({'user2@A', 'user1@A'})  ->  {user1@A, user2@A}
    ()                                 ->  none
    None                               ->  none
    False / True                       ->  no / yes
    ('A', 'B')                         ->  A, B  (a sequence, in order)
    PrivateCallRequest(calling_id=...) ->  Private call request {calling_id user1@A, ...}

Sets are sorted by their rendered text, so no output depends on Python's hash seed.
"""

from __future__ import annotations

from typing import Any

from ..lang.messages import Message
from ..lang.timers import Armed

NONE = "none"


def spec_value(value: Any) -> str:
    """A model value as a spec author writes it."""
    if value is None:
        return NONE
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value if value else '""'
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, Message):
        return message_words(value)
    if isinstance(value, Armed):  # a running timer: its name (and what it outlasts)
        return repr(value)
    if isinstance(value, tuple) and value and all(isinstance(v, Armed) for v in value):
        return "{" + ", ".join(repr(v) for v in value) + "} running"
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return "{" + ", ".join(f"{k} {spec_value(v)}" for k, v in value._asdict().items()) + "}"
    if isinstance(value, frozenset | set):
        if not value:
            return NONE
        return "{" + ", ".join(sorted(spec_value(v) for v in value)) + "}"
    if isinstance(value, dict):
        if not value:
            return NONE
        items = sorted((spec_value(k), spec_value(v)) for k, v in value.items())
        return "{" + ", ".join(f"{k}: {v}" for k, v in items) + "}"
    if isinstance(value, tuple | list):
        if not value:
            return NONE
        return "⟨" + ", ".join(spec_value(v) for v in value) + "⟩"
    return str(value)


def elements_words(message: Message) -> list[str]:
    """The present information elements of a message as `name value`."""
    return [f"{k}={spec_value(v)}" for k, v in message.present().items()]


def chart_elements(message: Message) -> list[str]:
    """elements_words for a chart: an element the model marks as not defined by the text
    says so."""
    marked = {e.name for e in message.elements if e.not_in_text}
    return [f"{k}={spec_value(v)}" + (" (not in the text)" if k in marked else "")
            for k, v in message.present().items()]


def message_words(message: Message) -> str:
    """`Private call request {calling_id=user1@A, called_id=user2@A}`: the message's title
    (the spec's name) and its present elements."""
    elements = ", ".join(elements_words(message))
    return type(message).title + (f" {{{elements}}}" if elements else "")


def assignments(pairs: Any) -> str:
    """`name=value, ...` for (name, value) pairs, in the order given."""
    return ", ".join(f"{k}={spec_value(v)}" for k, v in pairs)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`1 step`, `2 steps`, `1 round trip`, `3 round trips`."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"


def md_cell(text: object) -> str:
    """Text for a Markdown table cell: a `|` in a description or clause would end the cell,
    and a newline the row."""
    return str(text).replace("|", "\\|").replace("\n", " ")
