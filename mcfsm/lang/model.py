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

from ..errors import ModelError
from .declared import check_name, check_text
from .guard import call_model, check_callable, function_line
from .system import System

Builder = Callable[[], System]


VERDICTS = ("holds", "violated", "witnessed", "never")


@dataclasses.dataclass(frozen=True)
class Variant:
    """One variant. `expect` declares verdicts that differ from the default (holds for
    always/step/deadlock/unhandled, witnessed for sometimes): a known gap in the spec text is
    declared as violated, with the reason in models/README.md. `mcfsm check --expected`
    compares the checker's verdicts against these."""

    name: str
    build: Builder
    doc: str = ""
    expect: dict[str, str] = dataclasses.field(default_factory=dict)
    # The variant this one changes (a candidate fix's published text): diagrams/ diffs
    # against it; empty means the model's first variant.
    baseline: str = ""


class Model:
    def __init__(self, name: str, *, clause: str = "", doc: str = "", source: str = "",
                 reads_files: tuple[str, ...] = (), reads_env: tuple[str, ...] = ()) -> None:
        check_name(name, "model name", plain=True)  # it names report folders and files
        for field, value in (("clause", clause), ("doc", doc), ("source", source)):
            check_text(value, field, where=f"model {name!r}")
        # What the model's code reads besides files in its own folder: data files outside
        # it (paths relative to the model file) and environment variables. The result cache
        # keeps an entry in step with them; a model that reads such inputs undeclared is
        # explored afresh every time (the cache says so).
        for field, value in (("reads_files", reads_files), ("reads_env", reads_env)):
            if isinstance(value, str) or not all(isinstance(v, str) and v for v in value):
                raise ModelError(f"model {name!r} has {field}={value!r}",
                                 fix=f"pass a tuple of names: {field}=('...',)")
        self.reads_files = tuple(reads_files)
        self.reads_env = tuple(reads_env)
        self.name = name
        self.clause = clause
        self.doc = doc
        self.source = source
        self.variants: dict[str, Variant] = {}
        self._built: dict[str, System] = {}

    def variant(self, name: str, *, doc: str = "", expect: dict[str, str] | None = None,
                baseline: str = "") -> Callable[[Builder], Builder]:
        """Decorator: register a function returning the System of one variant."""
        where = f"model {self.name!r}"
        if callable(name):  # `@model.variant` without a name would silently drop the variant
            raise ModelError(f"@model.variant is used without a name on "
                             f"{getattr(name, '__name__', name)!r}", where=where,
                             fix="give the variant a name: @model.variant('name', doc=...)")
        check_name(name, "variant name", where=where, plain=True)
        check_text(doc, "doc", where=f"{where}, variant {name!r}")
        if expect is not None and not isinstance(expect, dict):
            raise ModelError(f"variant {name!r} has expect={expect!r}, not a dict", where=where,
                             fix="pass expect={'property-name': 'violated', ...}")
        for prop, verdict in (expect or {}).items():
            if not isinstance(verdict, str) or verdict not in VERDICTS:
                raise ModelError(f"variant {name!r} expects {prop!r} to be {verdict!r}",
                                 where=where, fix=f"expect one of {', '.join(VERDICTS)}")

        def register(build: Builder) -> Builder:
            check_callable(build, 0, what=f"variant {name!r}", takes="no arguments", where=where)
            if name in self.variants:
                raise ModelError(f"model {self.name!r} declares variant {name!r} twice",
                                 fix="give each variant its own name")
            if baseline and baseline not in self.variants:
                raise ModelError(f"variant {name!r} names baseline {baseline!r}, which is not "
                                 "declared before it", where=f"model {self.name!r}",
                                 fix=f"use one of {list(self.variants)}")
            self.variants[name] = Variant(name, build, doc or (build.__doc__ or "").strip(),
                                          dict(expect or {}), baseline)
            return build

        return register

    def add_variant(self, name: str, build: Builder, *, doc: str = "",
                    expect: dict[str, str] | None = None, baseline: str = "") -> None:
        self.variant(name, doc=doc, expect=expect, baseline=baseline)(build)

    def expected(self, variant: str, system: System) -> dict[str, str]:
        """The verdict expected of every property of a built variant."""
        declared = dict(self.variants[variant].expect)
        names = {p.name for p in system.properties}
        unknown = sorted(set(declared) - names)
        if unknown:
            raise ModelError(f"variant {variant!r} expects verdicts of unknown properties "
                             f"{unknown}", where=f"model {self.name!r}",
                             fix=f"use property names among {sorted(names)}")
        return {p.name: declared.get(p.name, "witnessed" if p.kind == "sometimes" else "holds")
                for p in system.properties}

    def system(self, variant: str) -> System:
        if variant not in self.variants:
            raise ModelError(f"model {self.name!r} has no variant {variant!r}",
                             fix=f"choose one of {list(self.variants)}")
        if variant not in self._built:
            build = self.variants[variant].build
            built = call_model(build, what="the variant function",
                               where=f"model {self.name!r}, variant {variant!r}")
            if not isinstance(built, System):
                raise ModelError(
                    f"variant {variant!r} of model {self.name!r} returned {built!r}",
                    fix="the variant function must return a System(...)",
                    at=function_line(build))
            self._built[variant] = built
        return self._built[variant]

    def __repr__(self) -> str:
        return f"Model({self.name!r}, variants={list(self.variants)})"
