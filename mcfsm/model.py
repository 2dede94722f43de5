"""A model file's top-level object: a named model with its variants side by side.

    model = Model("private_call_redirect", clause="10.16.5", doc="...")

    @model.variant("base", doc="as published")
    def base() -> System: ...

    @model.variant("cr_kms_uri", doc="CR 001: KMS URI in the redirection", changes="001")
    def cr_kms_uri() -> System: ...

Variants are built lazily, so a broken variant does not hide the others' results.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from .errors import ModelError
from .system import System

Builder = Callable[[], System]


@dataclasses.dataclass(frozen=True)
class Variant:
    name: str
    build: Builder
    doc: str = ""


class Model:
    def __init__(self, name: str, *, clause: str = "", doc: str = "", source: str = "") -> None:
        if not name or not name.replace("_", "").replace("-", "").isalnum():
            raise ModelError(f"model name {name!r} is not a plain name",
                             fix="use letters, digits, '_' and '-'")
        self.name = name
        self.clause = clause
        self.doc = doc
        self.source = source
        self.variants: dict[str, Variant] = {}
        self._built: dict[str, System] = {}

    def variant(self, name: str, *, doc: str = "") -> Callable[[Builder], Builder]:
        """Decorator: register a function returning the System of one variant."""

        def register(build: Builder) -> Builder:
            if name in self.variants:
                raise ModelError(f"model {self.name!r} declares variant {name!r} twice",
                                 fix="give each variant its own name")
            self.variants[name] = Variant(name, build, doc or (build.__doc__ or "").strip())
            return build

        return register

    def add_variant(self, name: str, build: Builder, *, doc: str = "") -> None:
        self.variant(name, doc=doc)(build)

    def system(self, variant: str) -> System:
        if variant not in self.variants:
            raise ModelError(f"model {self.name!r} has no variant {variant!r}",
                             fix=f"choose one of {list(self.variants)}")
        if variant not in self._built:
            built = self.variants[variant].build()
            if not isinstance(built, System):
                raise ModelError(
                    f"variant {variant!r} of model {self.name!r} returned {built!r}",
                    fix="the variant function must return a System(...)")
            self._built[variant] = built
        return self._built[variant]

    def __repr__(self) -> str:
        return f"Model({self.name!r}, variants={list(self.variants)})"
