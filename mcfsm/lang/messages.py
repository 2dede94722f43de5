"""Messages: frozen, hashable records whose elements mirror a spec's information-flow table.

    class PrivateCallRedirection(Message, clause="Table 10.16.5.2-1"):
        calling_id: str = M("MC service ID of the calling party")
        kms_uri: str | None = O("KMS URI of the migrated user")

`M(...)` marks a mandatory element, `O(...)` an optional one (default None). Building a
message without a mandatory element raises ModelError naming the message and element.

A message the text does not define (the model invents it to close a gap or to stand for a
procedure outside the text) says so, and why, so that charts draw it as "not in the text":

    class DepartureNotification(Message, not_in_text="candidate fix: 10.6.3.3 defines none"):
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

from ..errors import ModelError


class _Missing:
    """Sentinel default of a mandatory element, so omission is detected after __init__."""

    def __repr__(self) -> str:
        return "<missing>"


_MISSING = _Missing()


def _marker(not_in_text: Any, description: str) -> str:
    if not isinstance(not_in_text, str):
        raise ModelError(f"element {description!r} has not_in_text={not_in_text!r}, not a string",
                         fix='say why the text does not define it: not_in_text="..."')
    return not_in_text


def M(description: str = "", *, not_in_text: str = "") -> Any:  # noqa: N802 - the spec's "M"
    """A mandatory information element. `not_in_text`: why the text defines no such
    element (the model adds it), so charts mark it."""
    return dataclasses.field(default=_MISSING, metadata={
        "status": "M", "description": description,
        "not_in_text": _marker(not_in_text, description)})


def O(description: str = "", default: Any = None, *,  # noqa: N802,E743 - spec's "O"
      not_in_text: str = "") -> Any:
    """An optional information element (absent = `default`, normally None)."""
    return dataclasses.field(default=default, metadata={
        "status": "O", "description": description,
        "not_in_text": _marker(not_in_text, description)})


@dataclasses.dataclass(frozen=True)
class Element:
    """One information element of a message, for listings and charts."""

    name: str
    status: str  # "M" or "O"
    description: str
    not_in_text: str = ""  # why the text defines no such element ("" = it does)


class Message:
    """Base class of every message. Subclasses become frozen keyword-only dataclasses."""

    clause: ClassVar[str] = ""
    title: ClassVar[str] = ""
    elements: ClassVar[tuple[Element, ...]] = ()
    # Why the text does not define this message ("" = it does): charts mark it.
    not_in_text: ClassVar[str] = ""

    def __init_subclass__(cls, clause: str = "", title: str = "", not_in_text: str | None = None,
                          **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Either the class keyword or a class attribute `not_in_text = "why"` marks it.
        marker = cls.__dict__.get("not_in_text", "") if not_in_text is None else not_in_text
        if not isinstance(marker, str):
            raise ModelError(f"message {cls.__name__} has not_in_text={marker!r}, not a string",
                             fix='say why the text does not define it: not_in_text="the text '
                                 'defines no acknowledgement"')
        if marker and not marker.strip():
            raise ModelError(f"message {cls.__name__} has a blank not_in_text",
                             fix='say why the text does not define it, or leave it out')
        cls.not_in_text = marker
        for field, value in (("clause", clause), ("title", title)):
            if not isinstance(value, str):
                raise ModelError(f"message {cls.__name__} has {field}={value!r}, not a string",
                                 fix=f'pass {field}="..." in the class line, or leave it out')
        dataclasses.dataclass(frozen=True, kw_only=True, eq=True, repr=False)(cls)
        # Messages sit inside every inbox and step key the explorer hashes: hash them once.
        cls.__hash__ = Message._cached_hash  # type: ignore[method-assign]
        cls.clause = clause or cls.clause
        cls.title = title or _words(cls.__name__)
        elements = []
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            status = f.metadata.get("status")
            if status is None:
                raise ModelError(
                    f"element {f.name!r} of message {cls.__name__} has no M/O status",
                    fix=f"declare it as `{f.name}: ... = M('description')` (mandatory) "
                    f"or `= O('description')` (optional)",
                    clause=clause or None,
                )
            elements.append(Element(f.name, status, f.metadata.get("description", ""),
                                    f.metadata.get("not_in_text", "")))
        cls.elements = tuple(elements)

    def __post_init__(self) -> None:
        for element in self.elements:
            value = getattr(self, element.name)
            if value is _MISSING:
                raise ModelError(
                    f"message {type(self).__name__} is missing mandatory element "
                    f"{element.name!r}",
                    fix=f"pass {type(self).__name__}({element.name}=...) where it is built"
                    + (f" (see {self.clause})" if self.clause else ""),
                )
        try:
            digest = hash((type(self).__name__, *(getattr(self, e.name) for e in self.elements)))
        except TypeError as exc:
            raise ModelError(
                f"message {type(self).__name__} has an unhashable element ({exc})",
                fix="use tuples, frozensets, str, int, bool or None as element values",
            ) from None
        object.__setattr__(self, "_hash", digest)

    def _cached_hash(self) -> int:
        return self._hash  # type: ignore[attr-defined, no-any-return]

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its class and elements, so that another process (a partition of the
        split search) computes the hash again: its string hashes use another seed."""
        return _rebuilt, (type(self), {e.name: getattr(self, e.name) for e in self.elements})

    def present(self) -> dict[str, Any]:
        """The elements that are present (optional ones that are None are left out)."""
        return {
            e.name: getattr(self, e.name)
            for e in self.elements
            if not (e.status == "O" and getattr(self, e.name) is None)
        }

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.present().items())
        return f"{type(self).__name__}({inner})"


def _words(name: str) -> str:
    """'PrivateCallRedirection' -> 'Private call redirection' (the spec's way of naming)."""
    out: list[str] = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and not name[i - 1].isupper():
            out.append(" ")
            out.append(ch.lower())
        else:
            out.append(ch)
    text = "".join(out)
    return text[:1].upper() + text[1:]


def _rebuilt(cls: type, elements: dict[str, Any]) -> Any:
    """A message from its class and elements (Message.__reduce__)."""
    return cls(**elements)
