"""What a finding's contribution says, as data: a discussion paper (introduction, discussion
with the scenario as numbered stage-2 steps and the chart as a figure, proposal) and a
draft CR (the cover page's fields, the changed clause). tdoc.py writes both as .docx.

Everything comes from what the finding's page computes (finding_pages.finding_data: the
quotes, the shortest chart, the fix's verdict) and the fix's changed sentence (fix_text.py).
What goes to a meeting speaks the text's vocabulary, so the modeller's words stay in the
modeller's notes: a parenthesis or a clause of a sentence that holds a parameter choice
("notification=one_way"), a variant, parameter, assumption or property name is left out
(`spec_words`), and the scenario is told from the trace in the spec's names ("MC service
client 1 sends a private call request to MC service server A"), never as model records.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Iterable
from typing import Any

from ..check.assumptions import assumptions_of
from ..check.choices import carving
from ..check.search.explorer import Trace
from ..lang.faults import SWITCHED_OFF
from ..lang.findings import (
    CHOICE,
    CR_DEMONSTRATION,
    FIX_PROPERTY,
    GAP_IN_THE_TEXT,
    MODEL_ARTEFACT,
    TRADE_OFF,
    UNDER_REVIEW,
    Finding,
)
from ..lang.messages import Message
from ..lang.model import Model
from ..lang.system import NETWORK_ACTOR, System
from .chart_model import Chart
from .fix_text import TextChange, line_runs
from .trace import step_sends
from .values import spec_value

TS = "TS 23.280"
# What the CR form calls for where the text gives nothing to fill in: visible placeholders
# a delegate replaces, never a guess.
VERSION_UNKNOWN = "<current version: not stated in the spec text; fill in>"

# Model words: a parameter choice, a snake_case identifier (variant and parameter names).
_CHOICE = re.compile(r"\b\w+=\S+")
_IDENTIFIER = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


class ModelNames(set[str]):
    """The modeller's names (a set, as `model_words_in` reads it) and the glossary that says
    a reading "p=v" in the text's words (its Param's means=), so that a sentence naming a
    reading can be kept whole in a delegate's document."""

    def __init__(self, names: Iterable[str] = (), glossary: dict[str, str] | None = None) -> None:
        super().__init__(names)
        self.glossary: dict[str, str] = dict(glossary or {})


def model_names(model: Model, systems: Iterable[System]) -> ModelNames:
    """The names the modeller uses that a delegate's reader would not know: variants,
    parameters, assumptions, properties and findings (a plain word such as "base" is left
    alone: only a name with '_' or '-' reads as the model's); with the glossary of readings
    whose meaning a Param declares."""
    names = set(model.variants) | set(model.findings)
    glossary: dict[str, str] = {}
    for system in systems:
        names |= set(system.params)
        names |= {a.name for a in assumptions_of(system)}
        names |= {p.name for p in system.properties}
        for pname, param in system.params.items():
            for value, words in param.means.items():
                glossary.setdefault(f"{pname}={value}", words)
    return ModelNames({n for n in names if "_" in n or "-" in n}, glossary)


_WORD = re.compile(r"[\w-]+")


def model_words_in(text: str, names: set[str]) -> list[str]:
    """The model words a text holds (what `spec_words` removes; tests check it is none).

    A name of word characters and hyphens occurs where it is a whole run of them (the
    pattern below: no word character or hyphen on either side), so it is looked up among
    the text's runs: a pattern per name (hundreds a model) was compiled and searched at
    every call, and Python's cache of 512 patterns could not hold them."""
    found = _CHOICE.findall(text) + _IDENTIFIER.findall(text)
    runs: set[str] | None = None
    for n in names:
        if _WORD.fullmatch(n):
            if runs is None:
                runs = set(_WORD.findall(text))
            if n in runs:
                found.append(n)
        elif re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text):
            found.append(n)
    return found


def _parentheses(text: str) -> list[tuple[int, int]]:
    """(start, end) of each innermost parenthesis, end exclusive."""
    spans, stack = [], []
    for k, ch in enumerate(text):
        if ch == "(":
            stack.append(k)
        elif ch == ")" and stack:
            start = stack.pop()
            spans.append((start, k + 1))
    return [s for s in spans if not any(o != s and s[0] < o[0] and o[1] < s[1] for o in spans)]


# Words of this project, not of a meeting: a sentence that holds one is left out whole.
PROJECT_WORDS = ("fact sheet", "Issue ", "issue ", "quiescent", "in flight", "candidate fix",
                 "the model", "model's", "variant", "the search", "Param", "assumption ")


def gap_case(reading: str) -> str:
    """A gap's declared "reading" ("none of the text's: pre-condition 1 speaks of ...") as
    the case the text has no step for: the "none" that says no reading saves it dropped."""
    return re.sub(r"^none(?: of the text's)?[:;,]\s*", "", reading, flags=re.I)


def spec_words(text: str, names: set[str]) -> str:
    """The text in a meeting's words, composed of whole sentences: a reading "p=v" said in
    its Param's declared words (ModelNames.glossary), a parenthesis that still holds a
    modeller's word left out (innermost first: an aside, the sentence stays whole), then a
    sentence that still holds one, or a project word, left out whole. Never cut at ";" or
    ":" (a caveat after a semicolon is part of its sentence)."""
    glossary = getattr(names, "glossary", {})
    for token, words in sorted(glossary.items(), key=lambda kv: -len(kv[0])):
        # "only with p=v" -> "only where <its words>": a reading is a clause, not a noun
        text = re.sub(rf"\bwith\s+{re.escape(token)}(?![\w-])", f"where {words}", text)
        text = re.sub(rf"(?<![\w-]){re.escape(token)}(?![\w-])", f"where {words}", text)
    changed = True
    while changed:
        changed = False
        for start, end in sorted(_parentheses(text), reverse=True):
            if model_words_in(text[start:end], names) or _project(text[start:end]):
                text = text[:start].rstrip() + text[end:]
                changed = True
                break
    kept = [s for s in _SENTENCES.split(text.strip())
            if s.strip() and not model_words_in(s, names) and not _project(s)]
    out = " ".join(s.strip() for s in kept)
    out = re.sub(r"\s+([,.;:])", r"\1", out)
    out = re.sub(r"[;:,]\s*$", "", out)
    return re.sub(r"\s{2,}", " ", out)


# Between two sentences ("... system. This ..."; not "e.g. the", not "X.1.6 says").
_SENTENCES = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'\u201c])")


# a session of this project's history ("session 14"), never a SIP session
SESSION_WORDS = re.compile(r"\bsessions? \d+")


def _project(text: str) -> bool:
    return any(w in text for w in PROJECT_WORDS) or bool(SESSION_WORDS.search(text))


def _article(title: str) -> str:
    """A message's title as a noun in a sentence: "the private call request" (a title that
    starts with an acronym keeps its case: "the KMS lookup request")."""
    first = title.split()[0] if title else ""
    words = title if first.isupper() and len(first) > 1 else title[:1].lower() + title[1:]
    return f"the {words}"


def message_phrase(message: Message, names: set[str]) -> str:
    """A message with its information elements, in the words of its flow table: "the
    private call request, with the MC service ID of the calling party user1@A and ..."."""
    described = {e.name: e.description for e in message.elements}
    parts = []
    for name, value in message.present().items():
        what = spec_words(described.get(name) or "", names)
        if not what or model_words_in(what, names):
            continue  # an element only a model's variant has, or undescribed: not told
        if value is True:
            parts.append(f"the indication of {what}")
        elif value is not False:  # "the target MC service user has migrated" keeps its article
            parts.append(f"{spec_value(value)} as {what if what.startswith('the ') else 'the ' + what}")
    head = _named(type(message))
    if not parts:
        return head
    return head + " with " + (", ".join(parts[:-1]) + " and " if len(parts) > 1 else "") + parts[-1]


def _named(kind: type[Message]) -> str:
    """A message's name in a sentence, marked where the text does not define it (a model's
    message must never read as the text's)."""
    head = _article(kind.title)
    return head + " (a message the text does not define)" if kind.not_in_text else head


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower(text: str) -> str:
    """A sentence's first letter in lower case, to follow a colon (not an acronym's)."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _who(system: System, name: str | None) -> str:
    if name is None or name == NETWORK_ACTOR:
        return "the network"
    return system.instance(name).words


def _is_verb(words: str) -> bool:
    """Whether a transition's words start with a verb in the third person ("detects ...",
    "registers ..."), so that they follow the actor's name as a sentence does."""
    first = words.split()[0] if words.split() else ""
    return first.endswith("s") and first.islower() and not first.endswith("ss")


def _verb_phrase(actor: str, words: str) -> str:
    """"MC service client 1 detects ..." or, for words that are no verb phrase, "MC service
    client 1: no answer ..."."""
    return f"{actor} {words}" if _is_verb(words) else f"{actor}: {words}"


def stage2_steps(system: System, trace: Trace, names: set[str]) -> tuple[list[str], list[str]]:
    """(what is in flight at the start, the numbered steps) of a trace, each step one
    sentence in the spec's names: who receives what from whom, what it does, what it sends."""
    view = system.view(trace.states[0])
    start = [f"{_capital(message_phrase(m, names))} is on its way from {_who(system, s)} to "
             f"{_who(system, r)}." for s, r, m in view.in_flight()]
    steps = []
    for key, before, after in zip(trace.steps, trace.states, trace.states[1:]):
        actor = _who(system, key.actor)
        sender = _who(system, key.sender)
        words = ""
        if key.actor != NETWORK_ACTOR and key.kind in ("receive", "internal"):
            words = spec_words(system.instance(key.actor).role.transition(key.transition).words,
                               names)
        title = _named(type(key.message)) if key.message is not None else ""
        if key.kind == "receive":
            text = f"{actor} receives {title} from {sender}"
            if words and not words.startswith("receives "):
                text += f" and {words}" if _is_verb(words) else f"; {words}"
        elif key.kind == "ignore" and system.view(before)[key.actor].state == SWITCHED_OFF:
            text = f"{title[:1].upper()}{title[1:]} from {sender} is lost: {actor} is switched off"
        elif key.kind == "ignore":
            text = f"{actor} ignores {title} from {sender}"
        elif key.kind in ("lose", "duplicate"):
            what = "loses" if key.kind == "lose" else "duplicates"
            text = f"The network {what} {title} from {sender} to {_who(system, key.arg)}"
        else:
            text = _verb_phrase(actor, words or key.transition.replace("_", " "))
        sends = [f"{message_phrase(m, names)} to {_who(system, to)}"
                 for to, m in step_sends(system, before, key, after)]
        if sends:
            text += (", and sends " + ", ".join(sends[:-1]) + (" and " if len(sends) > 1 else "")
                     + sends[-1])
        steps.append(text.rstrip(".") + ".")
    return start, steps


def category(f: Finding) -> tuple[str, str]:
    """The CR's category and why, from the finding's reviewed class: a fix that adds an
    element the text does not have is an addition of feature (B); a gap, or a reading the
    text leaves open that makes the procedure fail, is a correction (F): the text as it
    stands lets compliant implementations fail to interwork."""
    if f.cls == FIX_PROPERTY:
        return "B", ("B (addition of feature): the change adds an element the text does not "
                     "have, rather than correcting what it says")
    if f.cls == GAP_IN_THE_TEXT:
        return "F", ("F (correction): the text has no step for the case, so the procedure "
                     "fails in it whatever an implementation chooses")
    if f.cls == CR_DEMONSTRATION:
        return "F", ("F (correction): the published procedure behaves as the scenario shows, "
                     "which the change corrects")
    return "F", ("F (correction): the text can be read in a way under which the procedure "
                 "fails; the change removes that reading")


NOT_FOR_A_CONTRIBUTION = {
    MODEL_ARTEFACT: "an artefact of the model (what the model leaves out, not what the text "
                    "says): there is nothing in the text to change",
    TRADE_OFF: "a trade-off the text states: the text already offers the alternative",
    UNDER_REVIEW: "not classed yet: a reviewer has not decided whether the text is to blame",
}


# The document each class of finding gets (DESIGN: "the document follows the finding's
# class"): a gap with a declared change, a CR and its paper; a finding that turns on a
# reading, a question to the meeting (SA6 decides the reading, the paper shows what each
# leads to); a CR demonstration, a review comment on that CR; the rest, none, saying why.
CR_DOCUMENT = "discussion paper and CR"
QUESTION = "discussion paper asking which reading is intended"
REVIEW = "review comment on the CR"
CASE_PAPER = "discussion paper showing the case (no change declared)"
NO_DOCUMENT = "none"


def document_for(f: Finding, has_sentence: bool) -> tuple[str, str]:
    """(the document a finding gets, why), by its reviewed class (see above)."""
    if f.cls in NOT_FOR_A_CONTRIBUTION:
        return NO_DOCUMENT, NOT_FOR_A_CONTRIBUTION[f.cls]
    if f.cls == CR_DEMONSTRATION:
        return REVIEW, ("the scenario shows what a CR already under discussion does; the "
                        "meeting gets a comment on that CR, never a re-proposal of it")
    if f.cls == CHOICE:
        return QUESTION, ("the outcome turns on a reading the text leaves open; SA6 decides "
                          "the reading, and the paper shows what each reading leads to")
    if f.cls == FIX_PROPERTY and not (f.fix and has_sentence):
        return NO_DOCUMENT, ("a property of an element the text does not have, and no change "
                             "adding it is declared: nothing in the text to change")
    if f.fix and has_sentence:
        return CR_DOCUMENT, ("the text has no step for the case (a gap), and a change is "
                             "declared and checked as worded")
    if f.fix:
        return CASE_PAPER, ("a gap in the text whose change is modelled but has no sentence "
                            "declared (fix_sentences.toml): the paper shows the case and asks "
                            "for a step; a CR follows once the sentence is declared")
    return CASE_PAPER, ("a gap in the text with no change declared yet: the paper shows the "
                        "case and asks for a step; a CR follows once its change is declared")


def reading_words(system: System, choices: Iterable[tuple[str, Any]]) -> str:
    """A combination of readings in the text's words: each parameter's declared meaning of
    its choice (Param means=), else its doc and the choice quoted."""
    parts = []
    for name, value in choices:
        param = system.params.get(name)
        if param is None:
            continue
        parts.append(_choice_in_words(system, name, value))
    return "; ".join(parts)


def outcome_per_reading(result: Any, prop: str) -> list[tuple[str, str]]:
    """(the readings in words, the outcome) of a property, grouped by outcome: "every
    reading explored" when all agree, else each outcome with the fewest readings that carve
    it out (Param means= names them), else one line per combination."""
    if result is None:
        return []
    system = result.system
    runs = [r for r in result.per_choice if prop in r.verdicts]
    if len(runs) == 1:  # one combination (a published search narrowed to a change's choices)
        status = runs[0].verdicts[prop][0]
        if not runs[0].complete and status not in ("violated", "witnessed"):
            status = "unknown"
        return [("every reading explored", OUTCOME_WORDS.get(status, status))]
    if not runs:
        v = next((v for v in result.verdicts if v.property.name == prop), None)
        return [("every reading explored", OUTCOME_WORDS.get(v.status, v.status))] if v else []
    by_status: dict[str, list[Any]] = {}
    for run in runs:
        status = run.verdicts[prop][0]
        if not run.complete and status not in ("violated", "witnessed"):
            status = "unknown"
        by_status.setdefault(status, []).append(run)
    if len(by_status) == 1:
        (status,) = by_status
        return [("every reading explored", OUTCOME_WORDS.get(status, status))]
    out = []
    carved_all = {status: carving(system, subset, runs) for status, subset in by_status.items()}
    if all(c is not None for c in carved_all.values()):
        for status, carved in carved_all.items():
            words = "; ".join(" or ".join(_choice_in_words(system, n, v) for v in sorted(
                values, key=repr)) for n, values in carved or [])
            out.append((words, OUTCOME_WORDS.get(status, status)))
        return out
    # else the fewest readings the outcome is a function of, one line per combination of them
    status_of = {run.choices: s for s, subset in by_status.items() for run in subset}
    varying = [n for n, p in system.params.items() if len(p.choices) > 1]
    for size in range(1, len(varying) + 1):
        for names in itertools.combinations(varying, size):
            seen: dict[tuple[Any, ...], set[str]] = {}
            for choices, status in status_of.items():
                seen.setdefault(tuple(dict(choices)[n] for n in names), set()).add(status)
            if all(len(v) == 1 for v in seen.values()):
                return [(reading_words(system, list(zip(names, key))),
                         OUTCOME_WORDS.get(next(iter(v)), next(iter(v))))
                        for key, v in sorted(seen.items(), key=lambda kv: repr(kv[0]))]
    return out


def _choice_in_words(system: System, name: str, value: Any) -> str:
    """A choice as its Param's means= words, else its doc and the value spelled as words."""
    param = system.params[name]
    spelled = str(value).replace("_", " ")
    return param.means.get(value) or f"{param.doc or name}: \u2018{spelled}\u2019"


OUTCOME_WORDS = {"holds": "holds", "violated": "fails", "witnessed": "is reached",
                 "never": "is never reached", "unreachable": "is never reached",
                 "unknown": "is not decided (a budget cut the search)"}


@dataclasses.dataclass(frozen=True)
class Contribution:
    """The two documents' words. `chart` is the finding's shortest chart, for the figure."""

    finding: str
    title: str
    paper: dict[str, Any]
    cr: dict[str, Any]
    chart: Chart | None


MAX_TITLE_WORDS = 20


def cr_title(declared: str, where: str, category_letter: str) -> str:
    """The CR's title: the one declared with its change (fix_sentences.toml `title`), else
    what the category says it does to the clause; at most 20 words, never cut mid-word."""
    words = declared.strip().rstrip(".") or (
        f"Addition to clause {where}" if category_letter == "B" else f"Correction of clause {where}")
    kept = words.split()
    return " ".join(kept[:MAX_TITLE_WORDS])


@dataclasses.dataclass(frozen=True)
class Checked:
    """What was checked for a contribution: the document it gets, whether the finding's
    scenario is a witness (a case the procedure allows) rather than a failure, and the
    outcome of the finding's property per combination of readings, as published and with
    the declared change (each a list of (readings in words, outcome))."""

    kind: str = CR_DOCUMENT
    witness: bool = False
    builds_on_cr: bool = False  # the change is made to the text as a CR under discussion has it
    title: str = ""  # the CR's title as declared with its change
    pinned: tuple[str, ...] = ()  # readings the change was checked under alone, in words
    # the behaviour the change selects, where it is a choice of the published search, which
    # then checks it under every other reading that search explores (change_as_worded)
    selects: tuple[str, ...] = ()
    published: tuple[tuple[str, str], ...] = ()
    changed: tuple[tuple[str, str], ...] = ()


def _outcome_lines(checked: Checked) -> list[str]:
    """One sentence per combination of readings: the outcome as published, and with the
    change where one was checked."""
    changed = dict(checked.changed)
    out = []
    def where(readings: str) -> str:
        return ("Under every reading explored" if readings == "every reading explored"
                else f"Where {_lower(readings)}")

    for readings, outcome in checked.published:
        line = f"{where(readings)}: as published, the property {outcome}"
        if readings in changed:
            line += f"; with the change, it {changed[readings]}"
        out.append(line + ".")
    for readings, outcome in checked.changed:  # readings only the change explores
        if readings not in dict(checked.published):
            out.append(f"{where(readings)}: with the change, the property {outcome}.")
    return out


def build(d: dict[str, Any], f: Finding, changes: list[TextChange], system: System,
          trace: Trace | None, names: set[str], source: str,
          checked: Checked | None = None) -> Contribution:
    """The paper's and the CR's words from a finding page's data `d` (finding_data), the
    declared change's sentences, the chart's system and trace, and what was checked (the
    document kind, witness or failure, the outcome per reading)."""
    checked = checked or Checked()
    title = spec_words(d["title"], names).rstrip(".")
    quotes = [{"where": q["where"], "text": q["text"]} for q in d["quotes_cited"] if q["text"]]
    start, steps = stage2_steps(system, trace, names) if trace is not None else ([], [])
    fix = d["fix"] or {}
    # closed where the change as checked holds under every reading (else the fix's verdict)
    closes = (all(o == "holds" for _, o in checked.changed) if checked.changed
              else fix.get("verdict") in ("holds", "witnessed"))
    reading = spec_words(d["reading"], names) if d["reading"] else ""
    reason = spec_words(d["why"], names)
    change_words = spec_words(d["change"], names) if d["change"] else ""
    clauses = sorted({c.clause_number for c in changes}) or sorted(dict.fromkeys(
        re.sub(r"^CR [0-9]+ ", "", q["where"]).split()[0] for q in quotes))
    cat, why_cat = category(f)
    where = ", ".join(clauses)
    failing = not checked.witness
    case = ("a case in which the procedure fails" if failing
            else "a case that the procedure allows")
    introduction = [f"This contribution discusses {case} in {TS}: {_lower(title)}."]
    if checked.kind == QUESTION:
        introduction.append(f"The outcome turns on how clause {where} is read; the "
                            "contribution asks the meeting which reading is intended and "
                            "shows what each reading leads to.")
    elif checked.kind == REVIEW:
        introduction.append(f"It comments on the change request to clause {where} that is "
                            "under discussion: the scenario below is what the procedure as "
                            "that change request writes it does.")
    if checked.builds_on_cr and changes:
        introduction.append(f"The change it proposes is made to clause {where} as the change "
                            "request to it under discussion writes it.")
    introduction.append(
        "The case was found by checking every behaviour, within stated bounds, of a formal "
        "description of the procedure that follows the text clause by clause and step by "
        "step; the scenario below is the shortest one found, told in the words of the text.")
    discussion = []
    if quotes:
        discussion.append("The text involved reads:")
    prop = spec_words(d["prop_doc"], names)
    if failing:
        outcome = (f"After the last step, what the procedure should ensure does not hold: "
                   f"{_lower(prop)}." if prop else "After the last step, the procedure has failed.")
    else:
        outcome = (f"After the last step, the case is reached: {_lower(prop)}." if prop
                   else "After the last step, the case is reached.")
    analysis = [reason[:1].upper() + reason[1:].rstrip(".") + "."] if reason else []
    if reading and f.cls == GAP_IN_THE_TEXT:  # a gap's "reading" says no reading saves it
        analysis.insert(0, f"The text has no step for this case: {gap_case(reading)}.")
    elif reading:
        analysis.insert(0, f"The case turns on this reading of the text: {reading}.")
    per_reading = _outcome_lines(checked)
    if checked.selects:  # the change checked as the published search's own choice
        per_reading.append("With the change, the check makes these choices (the behaviour "
                           "the change selects, and any reading its check fixes): "
                           + "; ".join(_lower(w) for w in checked.selects)
                           + "; it varies every other reading as the check of the published "
                             "text does.")
    if checked.pinned:  # what the check of the change did not vary: said, never implied
        per_reading.append("The change was checked with these readings fixed: "
                           + "; ".join(_lower(w) for w in checked.pinned) + ".")
    if per_reading:
        analysis.append("The property was checked under every reading explored"
                        + (", as published and with the change:" if checked.changed else ":"))
        analysis += per_reading
    # where the change as worded still fails (for a witness, the outcomes are stated only)
    still = [r for r, o in checked.changed if o == "fails"] if failing else []
    sentences = "; ".join(dict.fromkeys(f"clause {re.sub(r'^CR [0-9]+ ', '', c.clause)}"
                                        for c in changes))
    proposal: list[str] = []
    if checked.kind == CR_DOCUMENT:
        proposal.append(f"Proposal 1: change {sentences} as shown in the draft CR attached to "
                        "this contribution.")
        if changes and not still and closes:
            proposal.append("With the change as worded, the scenario above no longer occurs "
                            "under any reading explored.")
        elif still:
            proposal.append("With the change as worded, the case still occurs where "
                            + "; and where ".join(_lower(r) for r in still) + ".")
    elif checked.kind == QUESTION:
        proposal.append(f"Proposal 1: SA6 to decide which reading of clause {where} is "
                        "intended" + (f": the case above occurs under this one: {reading}."
                                      if reading else "."))
        for n, c in enumerate(changes, 2):
            proposal.append(f"Proposal {n}: if that reading is not intended, clarify clause "
                            f"{re.sub(r'^CR [0-9]+ ', '', c.clause)} to read: "
                            f"\u201c{c.changed.strip()}\u201d"
                            + (" (checked as worded: the case then no longer occurs under "
                               "any reading explored)." if failing and not still and closes
                               else " (checked as worded: the case still occurs where "
                               + "; and where ".join(_lower(r) for r in still) + ")." if still
                               else " (checked as worded: the outcome under each reading is "
                               "stated in the discussion)."))
    elif checked.kind == REVIEW:
        proposal.append(f"Proposal 1: the authors of the change request to clause {where} "
                        "are asked to consider the scenario above before it is agreed.")
    else:
        proposal.append(f"Proposal 1: SA6 to agree that clause {where} needs a step for the "
                        "case above; a CR follows once the change is agreed.")
    if change_words and checked.kind == CR_DOCUMENT:
        number = sum(x.startswith("Proposal ") for x in proposal) + 1
        proposal.append(f"Proposal {number} (for discussion): {_lower(change_words)}.")
    kind_title = {QUESTION: "Which reading of clause", REVIEW: "Comment on the change to clause",
                  CASE_PAPER: "A case missing from clause"}.get(checked.kind, "Discussion on clause")
    short = spec_words(d.get("short_title") or title, names).rstrip(".")
    paper_title = f"{kind_title} {where}: {_lower(short)}"
    if len(paper_title.split()) > MAX_TITLE_WORDS:  # the claim alone, never cut mid-claim
        paper_title = _capital(short)
    paper = {"title": paper_title, "source": source,
             "introduction": introduction, "quotes": quotes, "discussion": discussion,
             "pre_steps": start, "steps": steps, "outcome": outcome, "analysis": analysis,
             "proposal": proposal, "kind": checked.kind}
    summary = " ".join(_summary(c) for c in changes)
    cr = {"spec": TS, "cr": "<CR number>", "rev": "-", "version": VERSION_UNKNOWN,
          "title": cr_title(checked.title, where, cat),
          "source": source, "work_item": "<work item code>", "date": "<date>",
          "category": cat, "category_why": why_cat, "release": "<release>",
          "reason": f"{title}. " + (analysis[0] if analysis else ""),
          "summary": summary,
          "consequences": ("The procedure keeps failing in the scenario of the discussion "
                           "paper" + (f": it is not ensured that {_lower(prop)}." if prop
                                      else ".")),
          "clauses": ", ".join(clauses), "other_specs": "None",
          "comments": builds_on_words(where) if checked.builds_on_cr else "",
          "changes": change_blocks(changes)}
    return Contribution(d["name"], title, paper, cr, d["chart"]["drawing"] if d["chart"] else None)


def builds_on_words(where: str) -> str:
    """The cover page's word that a CR is made to a CR under discussion, not to the text."""
    return (f"This CR is made to clause {where} as the change request to it that is under "
            "discussion writes it, not as published: it depends on that change request.")


def change_blocks(changes: list[TextChange]) -> list[dict[str, Any]]:
    """The CR's change blocks: one per clause, as 3GPP CRs show them, holding every changed
    sentence of that clause as a revision mark (two changes to one clause are never shown
    as two copies of it, each with one change)."""
    blocks: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = {}
    on_line: dict[tuple[str, tuple[str, ...], int], list[TextChange]] = {}
    for c in changes:
        block = blocks.setdefault((c.heading, tuple(c.body)), {
            "heading": c.heading, "body": list(c.body), "line": c.line, "runs": line_runs(c),
            "clause": c.clause, "marks": {}})
        # several sentences of one paragraph changed: one line, every change marked
        same = on_line.setdefault((c.heading, tuple(c.body), c.line), [])
        same.append(c)
        block["marks"][c.line] = line_runs(*same)
    return list(blocks.values())


def _summary(c: TextChange) -> str:
    clause = re.sub(r"^CR [0-9]+ ", "", c.clause)
    return (f"In {clause}, the sentence \u201c{c.published.strip()}\u201d becomes "
            f"\u201c{c.changed.strip()}\u201d.")


def titled_chart(c: Chart, title: str, names: set[str]) -> Chart:
    """The chart as a tdoc's figure shows it: the title in the text's words, no run context
    of parameter choices, and margins, notes and the end mark without the modeller's words."""
    notes = tuple((n, who, spec_words(t, names)) for n, who, t in c.notes)
    return dataclasses.replace(
        c, title=title, context=(), caption="", footnote="",
        outcome=spec_words(c.outcome, names) if not model_words_in(c.outcome, names) else
        ("the procedure fails here" if c.failed else "reached here"),
        clauses=tuple((n, spec_words(t, names)) for n, t in c.clauses),
        notes=tuple(note for note in notes if note[2].strip(" .0123456789")),
        arrows=tuple(dataclasses.replace(a, clause=spec_words(a.clause, names)) for a in c.arrows))



def change_as_worded(published: Any, fix: Any) -> Any:
    """The published search's runs that make the change's choices, as a result: the change
    as worded under every reading the published text's search explores, where the change's
    behaviour is a choice the published variant offers (a choice point's behaviour), so
    that those runs are the change by construction. None where it is not: the fix's
    variant has a choice the published one lacks (its own code), offers none narrower, or
    a run of it differs from the published run making the same choices (a fix's code that
    no parameter shows): then the fix's own variant is what was checked."""
    if published is None or fix is None:
        return None
    before, after = published.system.params, fix.system.params
    if any(n not in before or not set(p.choices) <= set(before[n].choices)
           for n, p in after.items()):
        return None
    narrowed = {n: set(p.choices) for n, p in after.items()
                if set(p.choices) < set(before[n].choices)}
    if not narrowed:
        return None
    runs = tuple(r for r in published.per_choice
                 if all(dict(r.choices)[n] in c for n, c in narrowed.items()))
    for own in fix.per_choice:  # the same system: some run making its choices agrees whole
        mine = dict(own.choices)
        alike = [r for r in runs if all(dict(r.choices).get(n) == v for n, v in mine.items())]
        if not any(r.distinct_states == own.distinct_states and all(
                r.verdicts[p][0] == v[0] for p, v in own.verdicts.items() if p in r.verdicts)
                for r in alike):
            return None
    return dataclasses.replace(published, per_choice=runs) if runs else None


MAX_READING_CHARTS = 4  # a question paper's charts, one per reading under which it fails


def failing_readings(result: Any, prop: str, witness: bool = False) -> list[tuple[str, ...]]:
    """The readings a question paper draws a chart for: the combinations of the fewest
    choices that carve out the runs where `prop` fails (is reached, for a witness), as
    ("p=v", ...) each; [] where fewer than two such readings, or no product of choices
    describes them, or more than MAX_READING_CHARTS would be drawn."""
    if result is None:
        return []
    runs = [r for r in result.per_choice if prop in r.verdicts]
    bad = [r for r in runs
           if r.verdicts[prop][0] == ("witnessed" if witness else "violated")]
    if not bad or len(bad) == len(runs):
        return []
    carved = carving(result.system, bad, runs)
    if carved is None:  # "only with p=a or q=b": the fewest choices each making it fail
        return _sufficient(result.system, bad, runs)
    names = [n for n, _ in carved]
    readings = [tuple(f"{n}={v}" for n, v in zip(names, combo, strict=True))
                for combo in itertools.product(*(sorted(vs, key=repr) for _, vs in carved))]
    # only the combinations some failing run makes (a product may hold combinations that
    # carve nothing on their own)
    made = {tuple(f"{n}={dict(r.choices)[n]}" for n in names) for r in bad}
    readings = [r for r in readings if r in made]
    return readings if 2 <= len(readings) <= MAX_READING_CHARTS else []


def _sufficient(system: System, bad: list[Any], runs: list[Any]) -> list[tuple[str, ...]]:
    """The minimal combinations of one or two choices under which every run fails, where
    together they cover every failing run ("only with p=a or (q=b and r=c)"); else []."""
    multi = [(n, p.choices) for n, p in system.params.items() if len(p.choices) > 1]
    bad_ids = {id(r) for r in bad}
    choices = [(n, v) for n, vs in multi for v in vs]
    found: list[tuple[tuple[str, Any], ...]] = []
    for size in (1, 2):
        for combo in itertools.combinations(choices, size):
            if len({n for n, _ in combo}) < size or any(
                    set(f) <= set(combo) for f in found):
                continue
            hit = [r for r in runs if all(dict(r.choices)[n] == v for n, v in combo)]
            if hit and all(id(r) in bad_ids for r in hit):
                found.append(combo)
    covered = {id(r) for r in bad for combo in found
               if all(dict(r.choices)[n] == v for n, v in combo)}
    if len(covered) != len(bad) or not 2 <= len(found) <= MAX_READING_CHARTS:
        return []
    return [tuple(f"{n}={v}" for n, v in combo) for combo in found]


def pinned_readings(published: Any, changed: Any) -> tuple[str, ...]:
    """The readings a change's check fixed that the published text's search varies (the
    words of the one choice the change's variant offers)."""
    if published is None or changed is None:
        return ()
    out = []
    for name, param in changed.system.params.items():
        before = published.system.params.get(name)
        if len(param.choices) == 1 and before is not None and len(before.choices) > 1:
            out.append(_choice_in_words(changed.system, name, param.choices[0]))
    return tuple(out)


# -- one root, one contribution (Model.one_contribution) --------------------------------------
JOINT = "one discussion paper and CR for findings with one root"


def _with_change(checked: Checked) -> str:
    """What the change as checked does to one case, in a clause."""
    outcomes = [o for _, o in checked.changed]
    if checked.witness:
        return ("the case is still reached, now under the reading the change says"
                if "is reached" in outcomes else "the case is no longer reached")
    still = [r for r, o in checked.changed if o == "fails"]
    if still:
        return "the case still occurs where " + "; and where ".join(_lower(r) for r in still)
    return "the case no longer occurs under any reading explored"


def joint_contribution(title: str, why: str, cases: list[tuple[Finding, Contribution, Checked]],
                       changes: list[TextChange], names: set[str], source: str
                       ) -> tuple[dict[str, Any], dict[str, Any]]:
    """One paper and one CR for findings with one root: each finding's case (its scenario,
    reading and outcome per reading, as its own question paper tells it) in a section of
    its own, one proposal asking which readings are intended, and one change, checked as
    worded against every case."""
    where = ", ".join(sorted({c.clause_number for c in changes}))
    claim = spec_words(title, names).rstrip(".")
    paper_title = f"Comment on the change to clause {where}: {_lower(claim)}"
    if len(paper_title.split()) > MAX_TITLE_WORDS:
        paper_title = _capital(claim)
    builds_on_cr = any(ch.builds_on_cr for _, _, ch in cases)
    under = ("the change request to clause " + where + " that is under discussion"
             if builds_on_cr else f"clause {where}")
    introduction = [
        f"This contribution comments on {under}. Its wording can be read in more than one "
        f"way, and the reading decides the outcome in the {len(cases)} cases below; the "
        "contribution asks the meeting which readings are intended and proposes one change "
        "that settles them, checked as worded against every case.",
        "The cases were found by checking every behaviour, within stated bounds, of a formal "
        "description of the procedure that follows the text clause by clause and step by "
        "step; each scenario below is the shortest one found, told in the words of the text."]
    quotes: list[dict[str, str]] = []
    for _, doc, _ in cases:
        quotes += [q for q in doc.paper["quotes"] if q not in quotes]
    sections = []
    for k, (_, doc, checked) in enumerate(cases, 1):
        sections.append({"heading": f"Case {k}: {_lower(doc.title)}",
                         "pre_steps": doc.paper["pre_steps"], "steps": doc.paper["steps"],
                         "outcome": doc.paper["outcome"], "analysis": doc.paper["analysis"],
                         "witness": checked.witness})
    readings = [f"in case {k}, {_lower(r)}" for k, (f, _, _) in enumerate(cases, 1)
                if (r := spec_words(f.reading, names).rstrip("."))]
    proposal = [f"Proposal 1: SA6 to decide which readings of {under} are intended"
                + (": the cases above turn on these: " + "; ".join(readings) + "."
                   if readings else ".")]
    checked_words = "; ".join(f"in case {k}, {_with_change(ch)}"
                              for k, (_, _, ch) in enumerate(cases, 1))
    proposal.append(f"Proposal 2: revise {under} as shown in the draft CR attached to this "
                    f"contribution, which says which readings are meant (checked as worded: "
                    f"{checked_words}).")
    paper = {"title": paper_title, "source": source, "introduction": introduction,
             "quotes": quotes, "discussion": ["The text involved reads:"] if quotes else [],
             "cases": sections, "proposal": proposal, "kind": JOINT}
    first = cases[0][1].cr
    reason = spec_words(why, names).rstrip(".")
    cr = {**first,
          "title": cr_title(cases[0][2].title, where, first["category"]),
          "reason": _capital(claim) + ". " + (_capital(reason) + ". " if reason else "")
          + " ".join(f"Case {k}: {_lower(doc.title)}." for k, (_, doc, _) in enumerate(cases, 1)),
          "consequences": "The wording keeps the readings under which the procedure fails in "
                          "the cases of the discussion paper open.",
          "clauses": where, "changes": change_blocks(changes),
          "comments": builds_on_words(where) if builds_on_cr else "",
          "summary": " ".join(_summary(c) for c in changes)}
    return paper, cr
