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
from .findings import Chart, Finding, Joint
from .guard import call_model, check_callable, function_line
from .system import System

Builder = Callable[[], System]


VERDICTS = ("holds", "violated", "witnessed", "never")
READINGS = ("only with ", "except with ")


def split_expectation(text: str) -> tuple[str, str | None]:
    """'violated only with notification=one_way' -> ('violated', 'only with
    notification=one_way'); 'violated' -> ('violated', None). A plain status in a model
    with choices means: under every combination of choices."""
    status, _, reading = text.partition(" ")
    return status, reading or None


def check_expectation(prop: str, text: object, where: str) -> None:
    fix = (f"expect one of {', '.join(VERDICTS)}, optionally followed by the choices it "
           "needs: 'violated only with notification=one_way' (the words `mcfsm check` prints)")
    if not isinstance(text, str):
        raise ModelError(f"expects {prop!r} to be {text!r}", where=where, fix=fix)
    status, reading = split_expectation(text)
    if status not in VERDICTS or (reading is not None and (
            status not in ("violated", "witnessed") or not reading.startswith(READINGS))):
        raise ModelError(f"expects {prop!r} to be {text!r}", where=where, fix=fix)


@dataclasses.dataclass(frozen=True)
class Variant:
    """One variant. `expect` declares verdicts that differ from the default (holds for
    always/step/deadlock/unhandled, witnessed for sometimes), per choice where the model
    makes choices: "violated" means under every combination of choices, "violated only with
    notification=one_way" under exactly those (the words `mcfsm check` prints). `mcfsm check
    --expected`, the pytest plugin and the reports compare the checker's verdicts, per
    choice, against these."""

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
        self.findings: dict[str, Finding] = {}
        # Findings with one root answered by one contribution (one_contribution), by name.
        self.joints: dict[str, Joint] = {}
        # Transitions declared never to fire in any variant, with the reason (coverage as a
        # verdict: check/expectations.coverage_gaps); (role name, transition name) -> why.
        self.never_fires: dict[tuple[str, str], str] = {}
        # Properties the model says may be vacuous where they are, and why (a witness of a
        # reading other variants explore): printed beside the verdict, no warning.
        self.vacuity_reasons: dict[str, str] = {}
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
            check_expectation(prop, verdict, f"{where}, variant {name!r}")

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

    def vacuous_where_so(self, prop: str, *, why: str) -> None:
        """Declare why property `prop` may be vacuous in some variants (its comparisons
        never change truth value there: the situation it judges does not arise in that
        world). Reports print the reason beside the verdict instead of a warning, and
        `--strict` accepts it; a property vacuous without a reason still fails --strict."""
        check_text(why, "why", where=f"model {self.name!r}, property {prop!r}")
        if not why.strip():
            raise ModelError(f"vacuous_where_so({prop!r}) gives no reason",
                             where=f"model {self.name!r}", fix="say why: why=...")
        self.vacuity_reasons[prop] = why

    def transition_never_fires(self, role: str, transition: str, *, why: str) -> None:
        """Declare that a transition fires in no variant of this model, and why (a defensive
        branch, a reception the model keeps for another model's world). Without it, `check
        --expected` over every variant fails when a transition never fires: a guard cut off
        by mistake would otherwise pass unseen."""
        check_text(why, "why", where=f"model {self.name!r}, {role}.{transition}")
        if not why.strip():
            raise ModelError(f"transition_never_fires({role!r}, {transition!r}) gives no reason",
                             where=f"model {self.name!r}", fix="say why it never fires: why=...")
        self.never_fires[(role, transition)] = why

    def finding(self, name: str, *, prop: str, variants: tuple[str, ...], cls: str, why: str,
                title: str = "", fix: str = "", clauses: tuple[str, ...] = (),
                reading: str = "", facts: tuple = (),
                outside_readings: tuple[str, ...] = (), charts: tuple = ()) -> Finding:
        """Declare a reviewed finding: `prop` fails in `variants`, and a reviewer classes
        it as `cls` for the reason `why` (see lang/findings.py). Reports print the class
        only where it is declared, beside what the search found."""
        f = Finding(name, prop, tuple(variants), cls, why, title, fix, clauses, reading,
                    tuple(facts) if isinstance(facts, list) else facts, outside_readings,
                    tuple(charts) if isinstance(charts, list) else charts)
        if name in self.findings:
            raise ModelError(f"model {self.name!r} declares finding {name!r} twice",
                             fix="give each finding its own name")
        taken = [g.name for g in self.findings.values() if g.prop == prop
                 and set(g.variants) & set(f.variants)]
        if taken:
            raise ModelError(f"finding {name!r} classes {prop!r} in a variant that finding "
                             f"{taken[0]!r} already classes", where=f"model {self.name!r}",
                             fix="one reviewed class per property and variant")
        self.findings[name] = f
        return f

    def one_contribution(self, name: str, *, findings: tuple[str, ...], fix: str,
                         why: str) -> Joint:
        """Declare that findings already declared have one root and get one contribution:
        each turns on a reading of the same wording, and the `fix` variant's sentences
        (fix_sentences.toml) settle them all (`mcfsm contribution` writes one paper and
        one CR for them, each finding's property re-checked on `fix`)."""
        j = Joint(name, tuple(findings), fix, why)
        where = f"model {self.name!r}, contribution {name!r}"
        if name in self.joints or name in self.findings:
            raise ModelError(f"model {self.name!r} already declares {name!r}",
                             fix="give the contribution a name of its own")
        for n in j.findings:
            if n not in self.findings:
                raise ModelError(f"names finding {n!r}, which is not declared before it",
                                 where=where, fix=f"use some of {sorted(self.findings)}")
            taken = [k for k, other in self.joints.items() if n in other.findings]
            if taken:
                raise ModelError(f"names finding {n!r}, which contribution {taken[0]!r} "
                                 "already answers", where=where,
                                 fix="one contribution per finding")
        if fix not in self.variants:
            raise ModelError(f"names fix {fix!r}, which the model does not declare",
                             where=where, fix=f"use one of {list(self.variants)}")
        self.joints[name] = j
        return j

    def joint_of(self, finding: str) -> Joint | None:
        """The contribution that answers `finding` with others, if any."""
        return next((j for j in self.joints.values() if finding in j.findings), None)

    def reviewed(self, variant: str, system: System) -> dict[str, Finding]:
        """The reviewed findings of a built variant, by property."""
        out = {}
        names = {p.name for p in system.properties}
        for f in self.findings.values():
            for v in (*f.variants, *((f.fix,) if f.fix else ()),
                      *(c.variant for c in f.charts if c.variant)):
                if v not in self.variants:
                    raise ModelError(f"finding {f.name!r} names variant {v!r}, which the model "
                                     "does not declare", where=f"model {self.name!r}",
                                     fix=f"use one of {list(self.variants)}")
            if variant in f.variants:
                if f.prop not in names:
                    raise ModelError(f"finding {f.name!r} classes property {f.prop!r}, which "
                                     f"variant {variant!r} does not have",
                                     where=f"model {self.name!r}",
                                     fix=f"use one of {sorted(names)}")
                _check_outside_readings(f, variant, system)
                out[f.prop] = f
            for k, c in enumerate(f.charts, 1):
                if (c.variant or f.variants[0]) == variant:
                    _check_chart(f, k, c, variant, system)
        return out

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
            built.reviewed = self.reviewed(variant, built)
            built.cites_text = bool(self.clause)
            names = {p.name for p in built.properties}  # a name no variant has: coverage_gaps
            built.vacuity_reasons = {p: w for p, w in self.vacuity_reasons.items() if p in names}
            if self.clause:
                _require_clauses(built, f"model {self.name!r}, variant {variant!r}")
            self._built[variant] = built
        return self._built[variant]

    def __repr__(self) -> str:
        return f"Model({self.name!r}, variants={list(self.variants)})"


def _require_clauses(system: System, where: str) -> None:
    """A model that cites a text (Model(clause=...)) cites the clause of every transition
    and property; a model of something else (a TLA+ example, a toy) need not."""
    from .declared import check_clause

    for inst in system.instances:
        for t in inst.role.transitions:
            check_clause(t.clause, "transition", role=inst.role.name, transition=t.name,
                         where=where)
    for p in system.properties:
        if p.kind not in ("deadlock", "unhandled"):
            check_clause(p.clause, "the property", prop=p.name, where=where)


def _check_outside_readings(f: Finding, variant: str, system: System) -> None:
    """Each of a gap's outside_readings names a parameter of the variant and one of its
    choices (a misspelt one would silently count every run as a reading)."""
    system.choices_named(f.outside_readings, variant=variant,  # raises on a bad one
                         what=f"finding {f.name!r} names outside_readings")


def _check_chart(f: Finding, k: int, c: Chart, variant: str, system: System) -> None:
    """A chart's property is one of its variant's, and its choices that variant's."""
    names = {p.name for p in system.properties}
    if (c.prop or f.prop) not in names:
        raise ModelError(f"finding {f.name!r}'s chart {k} draws property {c.prop!r}, which "
                         f"variant {variant!r} does not have", fix=f"use one of {sorted(names)}")
    system.choices_named(c.under, variant=variant,
                         what=f"finding {f.name!r}'s chart {k} is drawn under")
