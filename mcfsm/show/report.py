"""Reports of explorer results: the verdict table (TLC-like run report) and JSON.

Results say what they are: "holds in all N states (exhaustive)" differs from "no violation
in the N states explored" when a budget cut the search.
"""

from __future__ import annotations

import json
from typing import Any

from ..check.assumptions import in_the_run, pins, rests_on, unforced_in_the_run
from ..check.choices import (
    choices_words,
    dependency,
    fails_in_every_reading,
    finished_runs,
    per_choice_json,
)
from ..check.expectations import found_words, meets, surprises
from ..check.search.explorer import Result, Verdict
from ..check.search.vacuity import vacuity
from ..check.state.fingerprints import omission_bound, omission_words
from ..check.temporal.marking import fairness_words
from ..lang.findings import CHOICE, GAP_IN_THE_TEXT, UNDER_REVIEW, Finding
from .explain import explain
from .trace import state_json, steps_json, trace_text
from .values import plural

STOP_WORDS = {
    "max-states": "the --max-states budget",
    "max-depth": "the --max-depth budget",
    "time-limit": "the --time-limit budget",
    "first-violation": "the first violation (fail fast)",
    "interrupted": "an interrupt (Ctrl-C)",
    "max-memory": "the --max-memory budget",
}


def verdict_detail(result: Result, v: Verdict) -> str:
    """What the verdict rests on, without the status word (the table shows that)."""
    n = f"{result.distinct_states:,}"
    exhaustive = "exhaustive" + (", within bounds" if result.pruned else "")
    scope = exhaustive + symmetry_words(result)
    if v.status == "holds" and v.property.temporal:
        return f"on every fair behaviour ({scope}, {n} states){fairness_tail(v)}"
    if v.status == "holds" and result.search.startswith(HASHED):
        return (f"in all {n} states ({exhaustive} up to "
                f"{omission_words(result.distinct_states)}{symmetry_words(result)})")
    if v.status == "holds":
        return f"in all {n} states ({scope})"
    if v.status == "violated" and v.trace is not None and v.trace.loop_start is not None:
        k, n = v.trace.loop_start, len(v.trace)
        loop = "then stutters forever" if k == n else f"steps {k + 1}-{n} repeat forever"
        return f"lasso counterexample: {n} steps, {loop}{fairness_tail(v)}"
    shortest = trace_word(result)
    if v.status == "violated":
        return f"{shortest} counterexample: {plural(len(v.trace or ()), 'step')}"
    if v.status == "witnessed":
        return f"{shortest} witness: {plural(len(v.trace or ()), 'step')}"
    if v.status == "never":
        return f"no reachable state satisfies it ({scope}, {n} states)"
    if v.property.temporal and result.search == "depth-first" and result.complete:
        return ("not judged: a depth-first search records no state graph for temporal "
                "properties; check without --dfs")
    if v.property.temporal and result.search.startswith(HASHED) and result.complete:
        return ("not judged: hash compaction (--hash-compact) keeps no state graph for "
                "temporal properties; check without it")
    if v.property.temporal and result.search.startswith(SPLIT) and result.complete:
        return ("not judged: a split search (--workers N on a variant with one combination of "
                "choices, or --ray) records "
                "no state graph for temporal properties; check with --workers 1, without --ray")
    return (f"no {'witness' if v.property.kind == 'sometimes' else 'violation'} in the "
            f"{plural(result.distinct_states, 'state')} explored; search stopped by "
            f"{STOP_WORDS.get(result.stopped_by or '', '?')}")


# A depth-first search's traces: the first it came upon, not the shortest (check --dfs).
DFS_TRACE = "depth-first (not necessarily the shortest)"
# A reduced search's traces whose symmetry was not verified (Result.symmetry_assumed): a
# real run of the unreduced system, but the shortest only if the model is symmetric, which
# the run assumes (issue 73: one read "shortest if the declared symmetry holds ... 20
# steps" where the shortest was 18); check --verify-symmetry verifies it.
ASSUMED_SYMMETRY_TRACE = ("symmetry-reduced (not necessarily the shortest: the declared "
                          "symmetry is ASSUMED, not verified)")
# What a verdict of a symmetry-reduced search rests on, on its own line (verdict_detail).
VERIFIED_SYMMETRY_WORDS = ", states are orbits under the declared symmetry, verified"
ASSUMED_SYMMETRY_WORDS = (", states are orbits under the declared symmetry, which this "
                          "verdict ASSUMES (not verified)")


def symmetry_words(result: Result) -> str:
    """What a verdict's scope says of a declared symmetry: nothing when the search was not
    reduced by one; else that the states are orbits, and whether the symmetry was verified
    (the verdict is the unreduced search's) or is assumed."""
    if not result.reduced:
        return ""
    return ASSUMED_SYMMETRY_WORDS if result.symmetry_assumed else VERIFIED_SYMMETRY_WORDS


def trace_word(result: Result) -> str:
    """How a safety trace of this result is described: shortest, or what it is instead."""
    if result.search == "depth-first":
        return DFS_TRACE
    if result.symmetry_assumed:
        return ASSUMED_SYMMETRY_TRACE
    return "shortest"
# How Result.search names a search split over processes (check/split/partitioned.py), and one
# resumed from a checkpoint (check/search/checkpoint.py).
SPLIT = "breadth-first, split over"
# ... and one whose visited set kept fingerprints (check/state/fingerprints.py).
HASHED = "breadth-first, hash compaction"
RESUMED = "breadth-first, resumed"
# ... and one variant's parameter combinations searched in parallel (check/parallel.py).
SIDE_BY_SIDE = "breadth-first, parameter combinations side by side"


def declared_fairness(result: Result) -> tuple[str, ...]:
    """The fairness the model declares, in words: what its temporal verdicts rest on (a
    verdict that was not judged carries none of its own)."""
    judged = next((v.assumes for v in result.verdicts
                   if v.property.temporal and v.status != "unknown"), None)
    return judged if judged is not None else fairness_words(result.system)


def fairness_tail(v: Verdict) -> str:
    """The fairness a temporal verdict rests on."""
    if not v.property.temporal:
        return ""
    if not v.assumes:
        return "; assumes no fairness (any behaviour may stop anywhere)"
    return f"; assumes {len(v.assumes)} fairness constraint{'s' * (len(v.assumes) > 1)}"


STATUS_WORDS = {"holds": "holds", "witnessed": "witnessed", "violated": "VIOLATED",
                "never": "NEVER", "unknown": "unknown"}


# A verdict the run could not give (a cut search, or a temporal property a search mode does
# not judge) is never a pass: the closing line says so, and the command exits 3.
NOT_JUDGED = "not judged (each says why; exit 3)"
TALLY_WORDS = {**STATUS_WORDS, "unknown": "not judged"}


def verdict_words(result: Result, v: Verdict) -> str:
    return f"{STATUS_WORDS[v.status]}: {verdict_detail(result, v)}"


def found_class(result: Result, v: Verdict) -> str:
    """What the search established about a failed verdict, and nothing more: over which
    choices it fails, or that the search was cut before it could say."""
    if not result.complete:
        done, total = finished_runs(result)
        return (f"not classified: the search was cut ({done} of {total} choice combination"
                f"{'s' * (total != 1)} finished)" if total > 1
                else "not classified: the search was cut")
    word = "never witnessed" if v.status == "never" else "violated"
    depends = dependency(result, v.property.name)
    if depends is None:
        return word if not any(len(p.choices) > 1 for p in result.system.params.values()) \
            else f"{word} under every choice explored"
    if depends == "whatever the choices":
        return f"{word} under every choice explored"
    return f"{word} {depends}"


def rests_on_words(result: Result) -> str:
    """What every verdict of the variant rests on besides the text, by reference to the
    report's list of assumptions (the JSON lists the names per verdict)."""
    n = len(unforced_in_the_run(result))
    pinned = pins(result.system)
    parts = [f"{n} unforced assumption{'s' * (n != 1)}"] if n else []
    if pinned:
        parts.append("the pinned reading" + "s" * (len(pinned) > 1) + " " + ", ".join(pinned))
    return "rests on " + " and ".join(parts) if parts else ""


def finding_class(result: Result, v: Verdict, reviewed: Finding | None = None) -> str | None:
    """How a failed verdict is to be read: what the search found over the choices, what
    else it rests on (the unforced assumptions and pinned readings), and a class of the
    text only where the model declares one with its reason (a reviewed finding) and the
    search agrees with it (a gap in the text needs a failure under every choice)."""
    if not v.failed:
        return None
    found = found_class(result, v)
    basis = rests_on_words(result)
    tail = f"; {basis}" if basis else ""
    # `reviewed`: a finding to judge (a finding page's own), else the variant's declared one
    reviewed = reviewed or result.system.reviewed.get(v.property.name)
    if reviewed is None or found.startswith("not classified"):
        return found + tail
    every = "under every choice explored" in found or found in ("violated", "never witnessed")
    if not every and gap_beside_outside_readings(result, reviewed):
        return gap_line(reviewed, found) + tail
    if reviewed.cls == UNDER_REVIEW:
        return f"{found}{tail}; {UNDER_REVIEW} ({reviewed.name}: {reviewed.why})"
    if reviewed.cls == GAP_IN_THE_TEXT and not every:
        return (f"{found}{tail}; declared a {GAP_IN_THE_TEXT} ({reviewed.name}), but the "
                "search finds it only under some choices, so that class does not apply")
    if reviewed.cls == CHOICE and every and not pins(result.system):
        return (f"{found}{tail}; declared to depend on a reading ({reviewed.name}), but it "
                "fails under every choice explored")
    return f"{reviewed.cls} (reviewed: {reviewed.why}); {found}{tail}"


def gap_beside_outside_readings(result: Result, f: Finding) -> bool:
    """A gap that names the choices that cannot save it (`outside_readings`) and fails in
    every other run: printed as a gap though some choices save it."""
    return (f.cls == GAP_IN_THE_TEXT and bool(f.outside_readings)
            and fails_in_every_reading(result, f.prop, f.outside_readings))


def gap_line(f: Finding, found: str) -> str:
    """Such a gap's class line: the reason, what the search found, the choices set aside."""
    return (f"{f.cls} (reviewed: {f.why}); {found}, that is under every reading explored that "
            "could save it (not counting the choices the reason says cannot save it: "
            + ", ".join(f.outside_readings) + ")")


def choice_words(result: Result, v: Verdict) -> str:
    """'violated only with p=a' / 'witnessed whatever the choices', or '' when the
    model makes no choice or the verdict is not one a choice can explain."""
    if v.status not in ("violated", "witnessed"):
        return ""
    depends = dependency(result, v.property.name)
    if depends is None or (v.status == "witnessed" and depends == "whatever the choices"):
        return ""
    return f"{v.status} {depends}"


def shown_name(name: str) -> str:
    """A property's name in a table: quoted when it has spaces, so columns stay readable."""
    return f'"{name}"' if any(ch.isspace() for ch in name) else name


def summary_line(model: str, variant: str, result: Result) -> str:
    tail = "exhaustive" if result.complete else (
        f"INCOMPLETE, stopped by {STOP_WORDS.get(result.stopped_by or '', '?')}")
    if result.pruned:
        tail += f", {result.pruned:,} successors cut by the state or action constraint or a bound"
    if "unavailable" in result.engine:  # a failed build of the compiled core is never silent
        tail += f", engine: {result.engine}"
    depth = f"depth {result.depth}"
    if result.search == "depth-first":
        tail += ", depth-first: traces are not necessarily the shortest"
        depth = f"depth {result.depth} (the deepest path searched)"
    elif result.search.startswith(HASHED):
        tail += f", {omission_words(result.distinct_states)}"
        if "split over" in result.search:  # --workers N --hash-compact (split/shared_table.py)
            tail += f", {result.search[result.search.index('split over'):]}"
    elif result.search.startswith((SPLIT, RESUMED, SIDE_BY_SIDE)):
        tail += f", {result.search[len('breadth-first, '):]}"
    if result.reduced:  # as TLC's run report says it ran with SYMMETRY
        tail += (f", symmetry: {result.symmetry}; the {result.distinct_states:,} distinct "
                 "states are orbits")
    elif result.symmetry:
        tail += f", symmetry {result.symmetry}"
    return (f"{model}[{variant}]: {result.distinct_states:,} distinct states, "
            f"{result.total_states:,} total, {depth}, {result.elapsed_s:.2f} s ({tail})")


def choices_line(result: Result) -> str | None:
    """The parameters (silent choices) this run explored, and those the variant pins."""
    params = result.system.params
    if not params:
        return None
    explored = [f"{n} in {{{choices_words(p.choices)}}}" for n, p in params.items()
                if len(p.choices) > 1]
    pinned = [f"{n}={p.choices[0]}" for n, p in params.items() if len(p.choices) == 1]
    parts = []
    if explored:
        done, total = finished_runs(result)
        runs = (f"{total:,} runs" if result.complete else
                f"{done:,} of {total:,} runs finished; per-choice verdicts only for those")
        parts.append(f"explored: {'; '.join(explored)} ({runs})")
    if pinned:
        parts.append(f"pinned by this variant: {', '.join(pinned)}")
    return "  choices " + "; ".join(parts)


def result_text(model: str, variant: str, result: Result, *, traces: bool = True,
                expected: dict[str, str] | None = None) -> list[str]:
    lines = [summary_line(model, variant, result)]
    choices = choices_line(result)
    if choices:
        lines.append(choices)
    assumed = unforced_in_the_run(result)  # the model's, and a symmetry the run assumed
    # "the text" only for a model that cites one (Model(clause=...)); no 3GPP wording else
    by = "not forced by the text" if result.system.cites_text else "by the model"
    lines.append(f"  assumed, {by} ({len(assumed)}; every verdict rests on "
                 f"them): " + (", ".join(a.name for a in assumed) or "nothing"))
    width = max((len(shown_name(v.property.name)) for v in result.verdicts), default=10)
    empty, explained = vacuity(result)
    for v in result.verdicts:
        lines.append(f"  {STATUS_WORDS[v.status]:<9} {shown_name(v.property.name):<{width}}  "
                     f"{verdict_detail(result, v)}  [{v.property.kind}"
                     + (f"; {v.property.clause}]" if v.property.clause else "]"))
        if v.property.doc:  # what the property says, under its name
            lines.append(f"  {'':<9} {v.property.doc}")
        extra = [w for w in ((finding_class(result, v),) if v.failed
                             else (choice_words(result, v),)) if w]
        if extra:
            lines.append(f"  {'':<9} {'':<{width}}  {'; '.join(extra)}")
        if v.property.name in empty:
            lines.append(f"  {'VACUOUS':<9} {'':<{width}}  {empty[v.property.name]}")
        elif v.property.name in explained:
            lines.append(f"  {'vacuous':<9} {'':<{width}}  {explained[v.property.name]}")
    unjudged = [v for v in result.verdicts if v.status == "unknown"]
    if expected is not None:
        unexpected = surprises(result, expected)
        if unexpected:
            lines.extend(f"  UNEXPECTED {name}: expected {want}, checker says {got}"
                         for name, want, got in unexpected)
        elif not result.complete:
            lines.append("  verdicts as declared where the cut search could judge them")
        elif unjudged:  # never a pass: the run says what it did not judge (exit 3)
            lines.append(f"  verdicts as declared where this search could judge them; "
                         f"{plural(len(unjudged), 'property', 'properties')} not judged: "
                         + ", ".join(v.property.name for v in unjudged))
        else:
            lines.append(f"  verdicts as the model declares them ({len(expected)} properties)")
    fired = [k for k, (g, _) in result.coverage.items() if g]
    never = [k for k, (g, _) in result.coverage.items() if not g]
    lines.append(f"  coverage: {len(fired)} of {len(result.coverage)} transitions fired"
                 + (f"; never fired: {', '.join(f'{r}.{t}' for r, t in never)}" if never else ""))
    if traces:
        for v in result.verdicts:
            if v.failed and v.trace is not None:
                lines.append("")
                kind = "lasso" if v.trace.loop_start is not None else trace_word(result)
                clause = f" ({v.property.clause})" if v.property.clause else ""
                lines.append(f"  {v.property.name} violated{clause}: {kind} "
                             f"counterexample, {plural(len(v.trace), 'step')}")
                if v.property.doc:
                    lines.append(f"    the property: {v.property.doc}")
                lines.extend(trace_text(result.system, v.trace, indent="    ",
                                        note=explain(result.system, v)))
            elif v.status == "never":
                lines.append("")
                clause = f" ({v.property.clause})" if v.property.clause else ""
                lines.append(f"  {v.property.name}{clause} is never witnessed: "
                             f"{v.property.doc or 'no reachable state satisfies it'}")
    if assumed:
        lines.append("")
        lines.append(f"  assumptions ({by}; a verdict holds or fails only as far as they do):")
        lines.extend(f"    - {a.words()}" for a in assumed)
    temporal = [v for v in result.verdicts if v.property.temporal]
    if temporal:
        fair = declared_fairness(result)
        lines.append("")
        if all(v.status == "unknown" for v in temporal):
            # nothing was judged, so nothing assumed: say what a judging run would assume
            lines.append("  temporal properties not judged in this run (each says why); the model "
                         + ("declares no fairness" if not fair else "declares this fairness:"))
        else:
            lines.append("  temporal verdicts assume no fairness (a behaviour may stop anywhere)"
                         if not fair else "  temporal verdicts assume:")
        lines.extend(f"    - {words}" for words in fair)
    return lines


def report_file_text(record: dict[str, Any]) -> str:
    """A variant's JSON record as `check --out` writes it: one top-level key a line and each
    element of a list (each property, with its trace) on a line of its own, so that grep,
    less and a diff of two runs find their way; json's own encoder writes each line (the
    fully indented form goes through its pure-Python encoder: 5.5x the CPU and twice the
    bytes on the bundled reports, measured in session 38)."""
    lines = []
    for key, value in record.items():
        if isinstance(value, list) and value:
            items = ",\n  ".join(json.dumps(x) for x in value)
            lines.append(f"{json.dumps(key)}: [\n  {items}\n ]")
        else:
            lines.append(f"{json.dumps(key)}: {json.dumps(value)}")
    return "{\n " + ",\n ".join(lines) + "\n}\n"


def result_json(model: str, variant: str, result: Result,
                expected: dict[str, str] | None = None) -> dict[str, Any]:
    system = result.system
    properties = []
    empty, explained = vacuity(result)
    for v in result.verdicts:
        entry: dict[str, Any] = {
            "name": v.property.name,
            "kind": v.property.kind,
            "clause": v.property.clause,
            "doc": v.property.doc,
            "verdict": v.status,
            "words": verdict_words(result, v),
            "expected": None if expected is None else expected.get(v.property.name),
            "as_expected": (None if expected is None or v.property.name not in expected
                            else meets(result, v, expected[v.property.name])),
            "found": found_words(result, v),
            "rests_on": rests_on(system, result),
            # a declared symmetry that reduced the search: "verified" (the verdict is the
            # unreduced search's) or "assumed" (it rests on it, listed in rests_on); None
            "symmetry": (None if not result.reduced else
                         "assumed" if result.symmetry_assumed else "verified"),
            "vacuous": empty.get(v.property.name),
            "vacuous_explained": explained.get(v.property.name),
            "counterexample": None,
            "depends_on": dependency(result, v.property.name),
            "finding": finding_class(result, v),
            "by_choice": per_choice_json(result, v.property.name),
        }
        if v.property.temporal:
            entry["fairness"] = list(v.assumes if v.status != "unknown"
                                     else declared_fairness(result))
            entry["loop_start"] = v.trace.loop_start if v.trace is not None else None
        if v.trace is not None:
            record = {"initial_state": state_json(system, v.trace.states[0]),
                      "steps": steps_json(system, v.trace), "note": explain(system, v)}
            if v.status == "witnessed":
                entry["witness"] = record["steps"]
                entry["witness_initial_state"] = record["initial_state"]
            else:
                entry["counterexample"] = record["steps"]
                entry["counterexample_initial_state"] = record["initial_state"]
                entry["note"] = record["note"]
        properties.append(entry)
    coverage = {f"{role}.{t}": {"generated": g, "new_states": n}
                for (role, t), (g, n) in result.coverage.items()}
    return {
        "as_expected": None if expected is None else not surprises(result, expected),
        "model": model,
        "variant": variant,
        "distinct_states": result.distinct_states,
        "total_states": result.total_states,
        "depth": result.depth,
        "complete": result.complete,
        "stopped_by": result.stopped_by,
        "elapsed_s": round(result.elapsed_s, 4),
        "pruned_by_constraint": result.pruned,
        "engine": result.engine,  # which engine core computed it (check/kernel/core.py)
        "search": result.search,  # breadth-first (shortest traces) or depth-first (--dfs)
        # symmetry= (check/state/symmetry.py): the sets and the group's size when the states
        # counted are orbits, "not applied: why" when the search ran unreduced, "" if none
        "symmetry": result.symmetry,
        # --hash-compact: at most this probability that a state was missed (fingerprints.py)
        "omission_bound": (omission_bound(result.distinct_states)
                           if result.search.startswith(HASHED) else 0.0),
        "network": system.network.value,
        "params": {name: list(p.choices) for name, p in system.params.items()},
        "assumptions": [{"name": a.name, "why": a.why, "clause": a.clause, "forced": a.forced,
                         "derived": a.derived} for a in in_the_run(result)],
        "properties": properties,
        "coverage": {
            "transitions": coverage,
            "never_fired": [k for k, c in coverage.items() if c["generated"] == 0],
        },
    }


def variant_summary(record: dict[str, Any]) -> str:
    """One line per checked variant (`check --summary`), from its JSON record."""
    counts: dict[str, int] = {}
    for p in record["properties"]:
        counts[p["verdict"]] = counts.get(p["verdict"], 0) + 1
    verdicts = ", ".join(f"{n} {TALLY_WORDS[k]}" for k, n in sorted(counts.items()))
    line = (f"{record['model']}[{record['variant']}]: {record['distinct_states']:,} states, "
            f"{record['elapsed_s']:.1f} s{'' if record['complete'] else ' (INCOMPLETE)'}: {verdicts}")
    reduced = {p.get("symmetry") for p in record["properties"]} - {None}
    if reduced:  # the states are orbits; say whether the verdicts rest on the symmetry
        line += ("; orbits under the declared symmetry, ASSUMED (not verified)"
                 if "assumed" in reduced else "; orbits under the declared symmetry, verified")
    if record["as_expected"] is not None:
        unexpected = [p["name"] for p in record["properties"] if p["as_expected"] is False]
        line += "; as declared" if not unexpected else "; UNEXPECTED " + ", ".join(unexpected)
    return line


def closing_line(records: list[dict[str, Any]]) -> str:
    """The last line of a run: `11 variants: 31 as expected, 0 unexpected` with --expected,
    else the verdicts counted over every variant."""
    props = [p for r in records for p in r["properties"]]
    head = plural(len(records), "variant")
    incomplete = sum(1 for r in records if not r["complete"])
    tail = f"; {incomplete} incomplete (a budget cut the search)" if incomplete else ""
    if records and records[0]["as_expected"] is not None:
        unexpected = sum(1 for p in props if p["as_expected"] is False)
        unknown = sum(1 for p in props if p["as_expected"] is None)
        return (f"{head}: {len(props) - unexpected - unknown:,} verdicts as expected, "
                f"{unexpected:,} unexpected" + (f", {unknown:,} {NOT_JUDGED}" if unknown
                                               else "") + tail)
    counts: dict[str, int] = {}
    for p in props:
        counts[p["verdict"]] = counts.get(p["verdict"], 0) + 1
    return (f"{head}: " + ", ".join(f"{n:,} {NOT_JUDGED if k == 'unknown' else STATUS_WORDS[k]}"
                                     for k, n in sorted(counts.items())) + tail)
