"""A delegate's change request as data: choice points, and a CR file over their names.

A delegate thinks in clauses, steps and sentences. A model answers each question the text
leaves open, or that a CR changes, in one of two ways, and each is a **choice point** of
the model, named and found by its clause:

- a reading the model explores as a `Param` (`notification`: one_way or acknowledged,
  clause "10.16.5.3 pre-condition 3 ..."): each choice is a behaviour, and selecting one
  pins the parameter;
- a candidate change the model implements as a variant with a `baseline=` (the `fix_*` and
  `cr_*` variants, and any whose changed sentence models/fix_sentences.toml gives): its
  behaviours are "published" (the baseline) and "changed" (the variant).

A CR file (TOML, a file of its own, written by `mcfsm cr new`) says which variant it
starts from, and per change the clause, the new sentence and the behaviour that sentence
selects:

    [change_request]
    title = "The partner acknowledges the migration notification"
    model = "../models/private_call_redirect.py"     # relative to this file
    start = "base"

    [[change]]
    clause = "10.16.5.3 pre-condition 3"
    sentence = "The MC service server A is aware ..."
    choice = "notification"
    behaviour = "acknowledged"

It loads as a model of two variants, `as_published` (the start variant) and `changed`
(with `baseline="as_published"`), so that `check`, `diff`, `diagram` and `report` take it
like any model. No role code is touched: a change selects behaviours the model offers.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import ModelError
from ..spec.clauses import covers, refs_of
from .model import Model
from .step_changes import IGNORED, OMITTED, selected, steps_cited
from .system import System

CHANGED = "changed"  # a candidate-change choice point's behaviour that is the variant
PUBLISHED = "published"  # ... and the one that is its baseline


@dataclasses.dataclass(frozen=True)
class Behaviour:
    """One behaviour a choice point offers: `pins` (a reading: parameter -> value) or
    `variant` (a candidate change, built by that variant on top of `baseline`)."""

    name: str
    words: str
    pins: tuple[tuple[str, Any], ...] = ()
    variant: str = ""
    baseline: str = ""
    sentence: str = ""
    # a generic change to a step its transitions cite (lang/step_changes.py): (step, how)
    step_change: tuple[str, str] | None = None


@dataclasses.dataclass(frozen=True)
class ChoicePoint:
    """A step of a procedure a CR can change: its clause, what it decides, its behaviours."""

    name: str
    clause: str
    doc: str
    behaviours: tuple[Behaviour, ...]

    def behaviour(self, name: str) -> Behaviour | None:
        return next((b for b in self.behaviours if b.name == name), None)


def fix_sentences(model_file: Path) -> dict[str, list[dict[str, str]]]:
    """The candidate sentences of the `fix_*` variants, by variant, from the
    fix_sentences.toml beside the model file (empty when there is none)."""
    path = model_file.parent / "fix_sentences.toml"
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(_utf8(path, str(path)))
    except tomllib.TOMLDecodeError as exc:
        raise ModelError(f"cannot be read as TOML ({exc})", where=str(path),
                         fix="fix the file's syntax") from None
    return {variant: list(entries) for variant, entries in data.get(_stem(model_file), {}).items()}


def _stem(model_file: Path) -> str:
    return model_file.stem


def choice_points(model: Model, model_file: Path, generic: bool = True,
                  build: Callable[[str], System] | None = None) -> list[ChoicePoint]:
    """Every choice point of a model (module doc): one per parameter any variant declares
    (its choices the behaviours), then one per variant with a baseline (published or
    changed), in declaration order; then, with `generic`, the generic changes to every step
    the transitions cite (generic_points). `build(variant)` gives a variant's system (by
    default built afresh: `impact`, which reads the same systems next, passes the model's
    own cached ones, and so builds each variant once instead of twice)."""
    params: dict[str, Any] = {}
    choices: dict[str, list[Any]] = {}
    means: dict[str, dict[Any, str]] = {}  # what each choice means, in the text's words
    systems: list[System] = []
    for name in model.variants:
        system = build(name) if build is not None else _fresh(model, name)
        systems.append(system)
        for pname, param in system.params.items():
            params.setdefault(pname, param)
            seen = choices.setdefault(pname, [])
            seen += [c for c in param.choices if c not in seen]
            for value, words in param.means.items():
                means.setdefault(pname, {}).setdefault(value, words)
    out = [ChoicePoint(pname, params[pname].clause, params[pname].doc, tuple(
        Behaviour(str(value), means.get(pname, {}).get(value)
                  or f"the reading {value!r} of what it decides (its words: not declared)",
                  pins=((pname, value),)) for value in choices[pname]))
        for pname in params]
    sentences = fix_sentences(model_file)
    for name, variant in model.variants.items():
        entries = sentences.get(name, [])
        # a candidate change of the text: a sentence declared, or a fix_/cr_ variant (the
        # others with a baseline change the world, a fault or a bound, not the text)
        if not variant.baseline or not (entries or name.startswith(("fix_", "cr_"))):
            continue
        clause = "; ".join(e.get("clause", "") for e in entries) or _clause_in(variant.doc)
        sentence = " ".join(e.get("changed", "") for e in entries)
        out.append(ChoicePoint(
            re.sub(r"^fix_", "", name), clause, variant.doc,
            (Behaviour(PUBLISHED, f"as in variant {variant.baseline}", variant=variant.baseline),
             Behaviour(CHANGED, f"as in variant {name}", variant=name,
                       baseline=variant.baseline, sentence=sentence))))
    return out + (generic_points(systems) if generic else [])


GENERIC = "step "  # the name of a generic choice point: "step 10.16.3.2 step 2"
VOID = "Void."  # the sentence of an omitted step: 3GPP keeps a removed item's number so
PUBLISHED_TEXT = "{published}"  # in a sentence template: the step's published text


def generic_points(systems: list[System]) -> list[ChoicePoint]:
    """For every step any variant's transitions cite, the generic changes a CR can make to
    it (lang/step_changes.py), beside the model's own choice points: the step as
    published, omitted, or (where it receives a message) its messages ignored. Each
    behaviour's words name the transitions it changes, by what a trace says of them."""
    cited: dict[str, list[Any]] = {}
    who: dict[int, str] = {}  # a transition's role, as the text names its instances
    for system in systems:
        for inst in system.instances:
            for t in inst.role.transitions:
                who.setdefault(id(t), inst.label or inst.name)
        transitions = [t for inst in system.instances for t in inst.role.transitions]
        for step, ts in steps_cited(transitions).items():
            seen = cited.setdefault(step, [])
            seen += [t for t in ts if all(" ".join(t.words.split()) != " ".join(u.words.split())
                                          for u in seen)]
    out = []
    for step, ts in cited.items():
        doing = "; ".join(dict.fromkeys(" ".join(t.words.split()) for t in ts))
        behaviours = [
            Behaviour("as_published", f"{step} as published: {doing}"),
            Behaviour(OMITTED, f"{step} does not happen: none of this takes place ({doing})",
                      step_change=(step, OMITTED), sentence=VOID)]
        taking = dict.fromkeys((who.get(id(t), "the receiver"), t.receives.title)
                               for t in ts if t.receives is not None)
        if taking:
            behaviours.append(Behaviour(
                IGNORED, f"the messages {step} receives are taken and ignored: "
                + "; ".join(f"the {title} by {receiver}" for receiver, title in taking),
                step_change=(step, IGNORED), sentence=PUBLISHED_TEXT + " " + " ".join(
                    f"{receiver[:1].upper() + receiver[1:]} takes no action on the {title} it "
                    "receives." for receiver, title in taking)))
        out.append(ChoicePoint(GENERIC + step, step,
                               f"generic changes to {step}, derived from the transitions "
                               "citing it (no modeller needed)", tuple(behaviours)))
    return out


def _fresh(model: Model, variant: str) -> System:
    """A variant's system built afresh: the model's own cached one keeps its reviews."""
    built = model.variants[variant].build()
    if not isinstance(built, System):
        raise ModelError(f"variant {variant!r} of model {model.name!r} returned {built!r}",
                         fix="the variant function must return a System(...)")
    return built


def _clause_in(text: str) -> str:
    found = re.search(r"\b(?:X\.\d+(?:\.\d+)*|\d+\.\d+(?:\.\d+)*)\b(?: (?:step|pre-condition|"
                      r"NOTE) \d+)?", text)
    return found.group(0) if found else ""


def matching(points: list[ChoicePoint], clause: str) -> list[ChoicePoint]:
    """The choice points that cite `clause` (its number, and step where given)."""
    want = " ".join(clause.split()).lower()
    return [p for p in points if want in " ".join(p.clause.split()).lower()]


# -- the CR file ---------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Change:
    """One [[change]] of a CR file: the clause it changes, the new sentence (and the
    published one, optional), and the choice point's behaviour that sentence selects."""

    clause: str
    sentence: str
    choice: str
    behaviour: str
    published: str = ""


@dataclasses.dataclass(frozen=True)
class ChangeRequest:
    """A CR file as read (read_change_request): its [change_request] table and changes; the
    model file resolved against the CR file's folder."""

    path: Path
    title: str
    model_file: Path
    start: str
    changes: tuple[Change, ...]
    source: str = ""


def _utf8(path: Path, where: str) -> str:
    """A TOML file's text: TOML is UTF-8, and a file saved in another encoding (Latin-1, by
    an editor's default) is named with the byte at fault and how to convert it."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelError(f"cannot be read ({exc.strerror or exc})", where=where,
                         fix="pass a readable CR file") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ModelError(f"not UTF-8 text (byte {data[exc.start]:#04x} on line {line}); a TOML "
                         "file is UTF-8", where=where,
                         fix=f"save it as UTF-8, e.g. iconv -f latin1 -t utf-8 {path} > "
                             f"{path.stem}.utf8.toml") from None


def read_change_request(path: Path) -> ChangeRequest:
    """Parse and check the shape of a CR file (module doc); every error names the file, the
    key and the fix."""
    where = str(path)
    try:
        data = tomllib.loads(_utf8(path, where))
    except tomllib.TOMLDecodeError as exc:
        raise ModelError(f"not valid TOML ({exc})", where=where,
                         fix="fix the syntax; `mcfsm cr new` writes a file to start from") from None
    head = data.get("change_request")
    if not isinstance(head, dict):
        raise ModelError("not a Python model file, and not a change request: no "
                         "[change_request] table", where=where,
                         fix="start the file with [change_request] (title, model, start); "
                             "`mcfsm cr new MODEL --from VARIANT --clause CLAUSE` writes one")
    _known_keys(data, {"change_request", "change"}, "the file", where,
                "a CR file holds a [change_request] table and [[change]] blocks")
    _known_keys(head, HEAD_KEYS, "[change_request]", where,
                "title, model, start (and source) are what it reads")
    for key in ("title", "model", "start"):
        if not isinstance(head.get(key), str) or not head[key].strip():
            raise ModelError(f"[change_request] has no {key} = \"...\"", where=where,
                             fix=f"give {key}: title (one line), model (the model file, "
                                 "relative to this file), start (the variant it changes)")
    changes = data.get("change")
    if not isinstance(changes, list) or not changes:
        raise ModelError("no [[change]] block", where=where,
                         fix="add a [[change]] with clause, sentence, choice and behaviour")
    if PLACEHOLDER_TITLE in head["title"]:
        raise ModelError("[change_request] title is still the placeholder `mcfsm cr new` "
                         "wrote", where=where, fix="write the CR's title: one line saying what "
                                                   "the change does")
    out = []
    chosen: dict[str, int] = {}
    for k, c in enumerate(changes, 1):
        if not isinstance(c, dict):
            raise ModelError(f"change {k} is not a table", where=where,
                             fix="write each change as a [[change]] block")
        _known_keys(c, CHANGE_KEYS, f"change {k}", where,
                    "clause, sentence, choice, behaviour (and published) are what it reads")
        for key in ("clause", "sentence", "choice", "behaviour"):
            if not isinstance(c.get(key), str) or not c[key].strip():
                raise ModelError(f"change {k} has no {key} = \"...\"", where=where,
                                 fix="each [[change]] gives the clause it changes, the new "
                                     "sentence, and the choice point and behaviour it selects")
        if c["choice"] in chosen:
            raise ModelError(f"change {k} selects choice point {c['choice']!r} again (change "
                             f"{chosen[c['choice']]} selects it too): one of them would "
                             "silently win", where=where,
                             fix="select each choice point once; one behaviour per choice point")
        chosen[c["choice"]] = k
        published = c.get("published", "")
        if isinstance(published, str) and published.strip() and \
                " ".join(published.split()) == " ".join(c["sentence"].split()):
            raise ModelError(f"change {k}: the sentence is the published one, unchanged",
                             where=where, fix="write the sentence as the CR changes it "
                                              "(published = keeps the text as it stands)")
        out.append(Change(c["clause"], c["sentence"], c["choice"], c["behaviour"],
                          published if isinstance(published, str) else ""))
    bad = next((c for c in head["model"] if ord(c) < 0x20 or ord(c) == 0x7F), None)
    if bad is not None:  # a NUL reaches no file: the OS refuses the path
        raise ModelError(f"model = {head['model']!r} holds the control character {bad!r}; a "
                         "path names no file with it", where=where,
                         fix="give the model file's path relative to this file, e.g. "
                             'model = "../models/group_call_migration.py"')
    try:
        model_file = (path.parent / head["model"]).resolve()
    except (OSError, RuntimeError) as exc:  # a loop of links, a name too long
        raise ModelError(f"model = {head['model']!r} cannot be followed ({exc})", where=where,
                         fix="give the model file's path relative to this file") from None
    return ChangeRequest(path, head["title"], model_file, head["start"], tuple(out),
                         head.get("source", ""))


HEAD_KEYS = {"title", "model", "start", "source"}
CHANGE_KEYS = {"clause", "sentence", "choice", "behaviour", "published"}
PLACEHOLDER_TITLE = "<one line: what the change does>"
# Folders whose model files a CR file may name besides its own folder and the working
# directory (a CR received from a colleague is code: the model it names is run).
TRUSTED_ENV = "MCFSM_TRUSTED_MODELS"


def _known_keys(table: dict[str, Any], known: set[str], what: str, where: str,
                reads: str) -> None:
    unknown = sorted(set(table) - known)
    if unknown:
        raise ModelError(f"{what} has key(s) {unknown} that a CR file does not have",
                         where=where, fix=f"remove or rename them: {reads}")


def cites(point: str, change: str) -> bool:
    """Whether a choice point's clause= names the piece a change's clause names (the
    clause as a whole, or a step, NOTE or item of it the point cites)."""
    points, changes = refs_of(point), refs_of(change)
    if not points or not changes:  # not a clause number (a model's own citation): the words
        return " ".join(change.split()).lower() in " ".join(point.split()).lower()
    return any(c.clause == r.clause and (not c.qualifiers or covers(c, r) or covers(r, c))
               for r in points for c in changes)


def trusted_model(cr: ChangeRequest, cwd: Path | None = None) -> None:
    """Refuse a model file outside the CR file's folder, the working directory and the
    folders MCFSM_TRUSTED_MODELS names: loading a model runs its Python code."""
    model = cr.model_file.resolve()
    roots = [cr.path.resolve().parent, (cwd or Path.cwd()).resolve()]
    roots += [Path(x).expanduser().resolve()
              for x in os.environ.get(TRUSTED_ENV, "").split(os.pathsep) if x.strip()]
    if any(model.is_relative_to(root) for root in roots):
        return
    raise ModelError(f"model = {model} lies outside this CR file's folder and the working "
                     "directory; loading it would run its code", where=str(cr.path),
                     fix="put the CR file beside the model (or run from a folder that holds "
                         f"the model), or allow its folder: {TRUSTED_ENV}={model.parent}")


def change_request_model(cr: ChangeRequest, base: Model) -> Model:
    """The CR as a model of two variants: as_published (the start variant) and changed."""
    where = str(cr.path)
    if cr.start not in base.variants:
        raise ModelError(f"start = {cr.start!r}: model {base.name!r} has no such "
                         "variant", where=where, fix=f"use one of {list(base.variants)}")
    points = {p.name: p for p in choice_points(base, cr.model_file)}
    pins: dict[str, Any] = {}
    step_changes: list[tuple[str, str]] = []  # generic changes to steps, applied at build
    checked_as: list[str] = []  # each behaviour's own declared meaning, beside the sentence
    built_by = cr.start
    for k, change in enumerate(cr.changes, 1):
        point = points.get(change.choice)
        if point is None:
            near = [p.name for p in matching(list(points.values()), change.clause)]
            raise ModelError(f"change {k}: model {base.name!r} has no choice point "
                             f"{change.choice!r}", where=where,
                             fix=f"choose one of {near or sorted(points)} (`mcfsm cr list "
                                 f"{cr.model_file.name} --clause ...` lists them)")
        if point.clause and not cites(point.clause, change.clause):
            raise ModelError(f"change {k}: clause = {change.clause!r}, but choice point "
                             f"{point.name!r} cites {point.clause!r}", where=where,
                             fix=f"give the clause the choice point changes, or choose one "
                                 f"citing {change.clause!r} (`mcfsm cr list "
                                 f"{cr.model_file.name} --clause '{change.clause}'`)")
        b = point.behaviour(change.behaviour)
        if b is None:
            raise ModelError(f"change {k}: choice point {point.name!r} has no "
                             f"behaviour {change.behaviour!r}", where=where,
                             fix=f"use one of {[x.name for x in point.behaviours]}")
        pins.update(b.pins)
        if b.step_change is not None:
            step_changes.append(b.step_change)
        checked_as.append(f"{point.name}: {b.words}")
        if b.variant and b.name == CHANGED:
            if b.baseline != cr.start:
                raise ModelError(f"change {k}: behaviour {point.name}: changed is "
                                 f"built on variant {b.baseline!r}, not on {cr.start!r}",
                                 where=where, fix=f"start = {b.baseline!r}")
            if built_by != cr.start:
                raise ModelError(f"changes select two candidate changes "
                                 f"({built_by!r} and {b.variant!r}) that the model builds "
                                 "as separate variants", where=where,
                                 fix="select one of them per CR, or ask the modeller for a "
                                     "variant that combines them")
            built_by = b.variant
    built = _fresh(base, built_by)  # the pins must be choices of the variant it builds on
    for pname, value in pins.items():
        param = built.params.get(pname)
        if param is None or value not in param.choices:
            explore = [v for v in base.variants if (p := _fresh(base, v).params.get(pname))
                       is not None and value in p.choices]
            raise ModelError(f"behaviour {pname}: {value} is not explored by "
                             f"variant {built_by!r}" + (f" (it pins {pname} to "
                             f"{list(param.choices)})" if param is not None else ""),
                             where=where, fix=f"start from a variant that explores it: "
                                              f"{explore or 'none does'}")
    name = re.sub(r"[^A-Za-z0-9_]+", "_", f"{base.name}__{cr.path.stem}")
    sentences = cr.model_file.parent / "fix_sentences.toml"  # read by choice_points
    model = Model(name, clause=base.clause, doc=cr.title,
                  source=f"change request {cr.path.name} to {base.name}[{cr.start}]",
                  reads_files=(os.path.relpath(sentences, cr.path.parent),)
                  if sentences.is_file() else ())
    start_build = base.variants[cr.start].build
    changed_build = base.variants[built_by].build
    model.add_variant("as_published", start_build,
                      doc=f"{base.name}[{cr.start}]: the text as published")

    def changed() -> System:
        with selected(step_changes):  # a generic step change: its roles built changed
            system = changed_build()
        return system.restricted(pins) if pins else system
    # the delegate's sentence, and what was checked: the behaviour it selects, in the
    # model's declared words (a sentence may say more or less than its behaviour does)
    model.add_variant(CHANGED, changed, baseline="as_published",
                      doc=cr.title + ": " + " ".join(c.sentence for c in cr.changes)
                      + " [checked as: " + "; ".join(checked_as) + "]")
    return model
