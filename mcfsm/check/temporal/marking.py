"""The explorer's side of temporal properties: while the BFS runs, mark each new state
with what the temporal properties say of it and record the edges (check/state/edges.py); after
it, search each property for a fair lasso (check/temporal/liveness.py) and turn the lasso into a
narrated Trace. Used only when the system has temporal properties (no cost otherwise;
no second exploration)."""

from __future__ import annotations

from collections.abc import Callable

from ...lang.guard import model_code_error
from ...lang.properties import Property
from ...lang.system import State, StepKey, System, View
from ..results import Trace, Verdict
from ..state.edges import EdgeGraph, EdgeRecorder
from .liveness import MET, OPENS, Constraint, Lasso, find_violation


def fairness_constraints(system: System) -> list[Constraint]:
    """Each declared fairness constraint as the set of step labels (coverage ids) of its
    action. Labels are read after the search, when every coverage id has been handed out."""
    environment = {inst.name: frozenset(t.name for t in inst.role.transitions if t.environment)
                   for inst in system.instances}
    out = []
    for f in system.fairness:
        labels = frozenset(tid for tid, (actor, transition) in enumerate(system.coverage_names)
                           if actor in environment
                           and f.covers(actor, transition, environment[actor]))
        out.append(Constraint(f.kind == "strong", labels))
    return out


def fairness_words(system: System) -> tuple[str, ...]:
    """What every temporal verdict of this system assumes, in words."""
    labels = {inst.name: inst.words for inst in system.instances}
    return tuple(f.words(labels[f.instance], labels) for f in system.fairness)


class TemporalCheck:
    def __init__(self, system: System) -> None:
        self.system = system
        self.properties: list[Property] = [p for p in system.properties if p.temporal]
        self.flags = [bytearray() for _ in self.properties]
        self.edges = EdgeRecorder()

    def mark(self, view: View) -> None:
        """Called once per new state, in discovery order."""
        p = None
        try:  # the model-code guard (lang/guard.py): free unless a predicate raises
            for p, flags in zip(self.properties, self.flags):
                f = 0
                if p.kind == "always_eventually" or (p.kind == "leads_to"
                                                     and p.trigger(view)):  # type: ignore[misc]
                    f = OPENS
                if p.predicate(view):  # type: ignore[misc]
                    f |= MET
                flags.append(f)
        except BaseException as exc:
            assert p is not None
            raise model_code_error(exc, what="the predicate", fn=p.predicate, prop=p.name,
                                   clause=p.clause) from exc

    def memoized(self, memo: Callable[[Property, Callable[..., bool]], Callable[..., bool]],
                 ) -> Callable[[object, Callable[[object], State]], None]:
        """`mark` for the compiled engine: each predicate and trigger memoized on the fields
        and slots it reads (`memo` builds a predicates.MemoPredicate with the guard), called
        on the interned state; the same flags as `mark`."""
        plan = self.memo_plan(memo)

        def mark(idxs: object, decode: Callable[[object], State], parent: int = -1,
                 changed: int = -1) -> None:
            """`parent`: the index of a state marked before that differs from this one only
            in the slots of `changed` (a bit per slot), or -1. Where neither the trigger nor
            the predicate reads those slots, the state has the parent's flags."""
            for opens_always, trigger, met, flags in plan:
                if 0 <= parent < len(flags) and met.keeps(changed) and (
                        trigger is None or trigger.keeps(changed)):
                    met.unchanged_for(changed)  # counted as hits, as the walks would be
                    if trigger is not None:
                        trigger.unchanged_for(changed)
                    flags.append(flags[parent])
                    continue
                f = OPENS if opens_always or (trigger is not None and trigger(idxs, decode)) else 0
                if met(idxs, decode):
                    f |= MET
                flags.append(f)
        return mark

    def memo_plan(self, memo: Callable[[Property, Callable[..., bool]], Callable[..., bool]],
                  ) -> list[tuple[bool, Callable[..., bool] | None, Callable[..., bool], bytearray]]:
        """Per property: (opens on every state, memoized trigger or None, memoized predicate,
        its flags); `mark` runs it, and so does the compiled core (_core.pyx)."""
        plan = []
        for p, flags in zip(self.properties, self.flags):
            opens_always = p.kind == "always_eventually"
            trigger = memo(p, p.trigger) if p.kind == "leads_to" else None  # type: ignore[arg-type]
            plan.append((opens_always, trigger, memo(p, p.predicate), flags))  # type: ignore[arg-type]
        return plan

    def lassos(self, expanded: int, initial_count: int) -> dict[str, Lasso | None]:
        graph = self.edges.finish(expanded)
        self.graph = graph
        constraints = fairness_constraints(self.system)
        labels = len(self.system.coverage_names)
        return {p.name: find_violation(graph, initial_count, flags, p.kind, constraints, labels)
                for p, flags in zip(self.properties, self.flags)}

    @property
    def graph_size(self) -> tuple[int, int]:
        graph: EdgeGraph | None = getattr(self, "graph", None)
        return (0, 0) if graph is None else (graph.size, graph.edge_count)


def lasso_steps(system: System, lasso: Lasso, decode: Callable[[int], State],
                ) -> tuple[list[State], list[StepKey]]:
    """Decode the lasso's states and recover each step's key by re-expanding its source."""
    states = [decode(i) for i in lasso.states]
    keys = []
    for a, b, label in zip(states, states[1:], lasso.labels):
        succs, _ = system.expand(a)
        keys.append(next(key for key, nxt, _, tid in succs if tid == label and nxt == b))
    return states, keys


def lasso_note(prop: Property, lasso: Lasso | None = None) -> str:
    """What a lasso counterexample shows (the same words whichever search found it)."""
    awaited = {"eventually": "the awaited state never comes",
               "always_eventually": "the awaited state never comes again",
               "leads_to": "the trigger held and the awaited state never follows"}[prop.kind]
    return f"{awaited} on this fair behaviour"


def temporal_verdicts(system: System, temporal: TemporalCheck, decode: Callable[[int], State],
                      verdicts: list[Verdict], complete: bool, expanded: int,
                      initial_count: int) -> list[Verdict]:
    """The safety verdicts with each temporal property's verdict put in: violated with its
    lasso, else holds (or unknown when the search was cut), with the fairness it assumes."""
    lassos = temporal.lassos(expanded, initial_count) if complete else {}
    assumes = fairness_words(system)
    out = []
    for p, verdict in zip(system.properties, verdicts):
        if not p.temporal:
            out.append(verdict)
            continue
        lasso = lassos.get(p.name)
        if lasso is not None:
            trace_states, trace_steps = lasso_steps(system, lasso, decode)
            out.append(Verdict(p, "violated", Trace(
                tuple(trace_states), tuple(trace_steps), lasso_note(p, lasso),
                lasso.loop_start), assumes))
        else:
            out.append(Verdict(p, "holds" if complete else "unknown", None, assumes))
    return out
