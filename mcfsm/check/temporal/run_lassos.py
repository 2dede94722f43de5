"""Temporal properties on the lassos that random runs close (check/runs/walk.py calls it per step).

A run that comes back to a state it visited earlier closes a cycle: the prefix up to the
first visit and the cycle repeated forever is a lasso, an infinite behaviour the model
really has. A run may also stop for ever in the state it is in (TLA+ stuttering), which
is the lasso whose cycle is that one state. Each lasso is judged as the exhaustive checker
(check/temporal/liveness.py) judges the cycle of its counterexamples:
- the obligation (leads_to's P, eventually's start, every state for always_eventually)
  is open when the cycle is entered or opens inside it, and the awaited state never
  comes on the cycle, which repeats;
- the behaviour is fair: liveness.fair_cycle applies the exhaustive checker's rule (a
  weakly fair action enabled in every state of the cycle is taken on it, a strongly fair
  one enabled somewhere on it is taken on it; "enabled" is a step within the bounds that
  changes the state). An unfair lasso is no counterexample: it is counted and discarded.
A violation found so is real; finding none is not a proof (only the cycles the runs
happened to close were judged). `shortest` then finds the shortest violating lasso among
the states the violating run visited, with liveness.find_violation itself.
"""

from __future__ import annotations

import dataclasses
from array import array
from typing import Any

from ...lang.properties import Property
from ...lang.system import System
from ..state.edges import EdgeGraph
from ..state.predicates import MemoPredicate, predicate_guard
from ..state.steps import CompiledSteps
from ..state.store import Store
from .liveness import MET, OPENS, Constraint, fair_cycle, find_violation
from .marking import TemporalCheck, fairness_constraints

Idxs = tuple[int, ...]
_CACHE_LIMIT = 1 << 16  # cycles whose fairness is remembered (runs retrace the same cycles)


@dataclasses.dataclass
class CycleCounts:
    """What the runs closed and what was judged, for the report."""

    cycles: int = 0  # revisits: cycles closed by the runs
    stops: int = 0  # states where a run could stop for ever with an obligation open
    judged: dict[str, int] = dataclasses.field(default_factory=dict)  # lassos left open
    graph_states: int = 0  # states of the runs' union searched as a graph at the end (0: not)
    unfair: dict[str, int] = dataclasses.field(default_factory=dict)  # ... of them unfair


class LassoJudge:
    """Per run: the states visited (for revisits), which obligations are open, where each
    awaited state was last met. Built by the walker when the system has temporal
    properties; `allowed(idxs, sid, new)` is the walker's bounds test."""

    def __init__(self, system: System, store: Store, steps: CompiledSteps,
                 allowed: Any, filtered: bool, decode: Any, memoize: bool = True) -> None:
        self.system, self.steps, self.allowed, self.filtered = system, steps, allowed, filtered
        self.decode = decode
        self.props: list[Property] = [p for p in system.properties if p.temporal]
        projections = steps.projections  # shared with the world readers' memo

        def memo(p: Any, fn: Any) -> MemoPredicate:
            return MemoPredicate(system, fn, memoize, projections, predicate_guard(p))
        # (opens on every state, trigger or None, awaited) per property, as the explorer marks
        self.plan = [(opens, trigger, met)
                     for opens, trigger, met, _ in TemporalCheck(system).memo_plan(memo)]
        self.eventually = [p.kind == "eventually" for p in self.props]
        self.counts = CycleCounts()
        self._constraints: list[Constraint] = []
        self._fair_labels: frozenset[int] = frozenset()
        self._labels = -1  # coverage ids when the constraints were read
        self._fair_cache: dict[tuple[Idxs, tuple[int, ...]], bool] = {}
        self._stop_cache: dict[Idxs, bool] = {}  # may a behaviour stay in this state?
        # this run
        self.active: list[int] = []
        self.position: dict[Idxs, int] = {}
        self.pending: list[bool] = [False] * len(self.props)
        self.last_met: list[int] = [-1] * len(self.props)
        self.open = False  # some active obligation is open in the current state

    # -- during a run ---------------------------------------------------------------------
    def begin(self, idxs: Idxs, skip: Any) -> None:
        """A run starts in initial state idxs."""
        self.active = [k for k, p in enumerate(self.props) if p.name not in skip]
        self.position = {idxs: 0}
        decode = self.decode
        for k in self.active:
            opens, trigger, met = self.plan[k]
            if met(idxs, decode):
                self.pending[k], self.last_met[k] = False, 0
            else:
                self.pending[k] = (self.eventually[k] or opens
                                   or (trigger is not None and bool(trigger(idxs, decode))))
                self.last_met[k] = -1
        self.open = any(self.pending[k] for k in self.active)

    def visit(self, idxs: Idxs, path: list[Idxs], sids: list[int]) -> tuple[str, int] | None:
        """The run stepped to idxs (path[-1]): update the obligations; when it revisits a
        state, judge the cycle closed. Returns (property, loop start) of a violating fair
        lasso, or None."""
        j = len(path) - 1
        decode = self.decode
        pending, last_met = self.pending, self.last_met
        for k in self.active:
            opens, trigger, met = self.plan[k]
            if met(idxs, decode):
                pending[k], last_met[k] = False, j
            elif not pending[k] and (opens or (trigger is not None and trigger(idxs, decode))):
                pending[k] = True
        self.open = any(pending[k] for k in self.active)
        pos = self.position.get(idxs)
        self.position[idxs] = j  # the latest visit: the next cycle closed is the shortest
        if pos is None:
            return None
        self.counts.cycles += 1
        if not self.open:
            return None
        # open now and never met since the cycle began: open all along the cycle, forever
        violating = [k for k in self.active if pending[k] and last_met[k] < pos]
        if not violating:
            return None
        fair = self._cycle_fair(path, sids, pos)
        return self._verdict(violating, fair, pos)

    def stop_here(self, idxs: Idxs, succs: list[Any], j: int) -> tuple[str, int] | None:
        """Called when an obligation is open in idxs (path[j]), with its steps: may the
        behaviour stay here for ever? Only when no fair action is enabled (a one-state
        cycle)."""
        self.counts.stops += 1
        violating = [k for k in self.active if self.pending[k]]
        fair = self._stop_cache.get(idxs)
        if fair is None:
            fair_labels = self._fair()
            fair = not any(tid in fair_labels and self._allowed(idxs, sid, new)
                           for tid, sid, new in succs)
            if len(self._stop_cache) < _CACHE_LIMIT:
                self._stop_cache[idxs] = fair
        return self._verdict(violating, fair, j)

    def _verdict(self, violating: list[int], fair: bool, loop_start: int,
                 ) -> tuple[str, int] | None:
        counts = self.counts
        for k in violating:
            name = self.props[k].name
            counts.judged[name] = counts.judged.get(name, 0) + 1
            if not fair:
                counts.unfair[name] = counts.unfair.get(name, 0) + 1
        return (self.props[violating[0]].name, loop_start) if fair else None

    # -- fairness, with the exhaustive checker's rule -----------------------------------------
    def _fair(self) -> frozenset[int]:
        """The labels of fairly scheduled actions (read again if new coverage ids came)."""
        n = len(self.system.coverage_names)
        if n != self._labels:
            self._constraints = fairness_constraints(self.system)
            self._fair_labels = frozenset().union(*(c.labels for c in self._constraints))
            self._labels = n
            self._fair_cache.clear()
            self._stop_cache.clear()
        return self._fair_labels

    def _allowed(self, idxs: Idxs, sid: int, new: Any) -> bool:
        return not self.filtered or bool(self.allowed(idxs, sid, new))

    def _cycle_fair(self, path: list[Idxs], sids: list[int], pos: int) -> bool:
        """Whether repeating path[pos:] (which ends where it starts) forever is fair."""
        fair_labels = self._fair()
        key = (path[pos], tuple(sids[pos:]))
        known = self._fair_cache.get(key)
        if known is not None:
            return known
        if not fair_labels:
            return True
        local: dict[Idxs, int] = {}
        for s in path[pos:-1]:
            local.setdefault(s, len(local))
        taken = {(path[i], sids[i]) for i in range(pos, len(path) - 1)}
        outside = len(local)  # every step not on the cycle leads here
        offsets, targets, labels = array("I", [0]), array("i"), array("H")
        for s in local:
            for tid, sid, new in self.steps.expand(s)[0]:
                if not self._allowed(s, sid, new):
                    continue
                after = tuple(new)
                targets.append(local[after] if (s, sid) in taken else outside)
                labels.append(tid)
            offsets.append(len(targets))
        fair = fair_cycle(EdgeGraph(offsets, targets, labels), self._constraints,
                          len(self.system.coverage_names))
        if len(self._fair_cache) < _CACHE_LIMIT:
            self._fair_cache[key] = fair
        return fair

    # -- after a violation ----------------------------------------------------------------------
    def shortest(self, name: str, initials: list[Idxs], around: tuple[Idxs, ...] = (),
                 known: Any = (), radius: int = 2, cap: int = 20_000,
                 rows: dict[Idxs, list[tuple[int, int, Idxs]]] | None = None,
                 ) -> tuple[list[Idxs], list[int], int] | None:
        """The shortest violating fair lasso of `name` in a small graph of real states:
        liveness.find_violation itself on the initial states, the states `known` (all
        reached by runs), the states `around` (a run that found a lasso) and those within
        `radius` steps of them (at most `cap` more). Every step of each state is listed; a
        step to a state not in the graph leads to one state outside in which the awaited
        state counts as met (so no lasso passes there; fairness still sees the step
        enabled). Returns (states, step ids, loop start) or None."""
        k = next(i for i, p in enumerate(self.props) if p.name == name)
        opens, trigger, met = self.plan[k]
        local: dict[Idxs, int] = {}
        for s in [*around[:1], *initials, *around, *known]:
            local.setdefault(s, len(local))
        if rows is None:  # state -> (label, step id, next); a caller may share it
            rows = {}
        limit = len(local) + cap
        level = list(dict.fromkeys(around))
        for _ in range(radius):
            nxt = []
            for s in level:
                row = rows[s] = rows.get(s) or self._moves(s)
                for _tid, _sid, after in row:
                    if after not in local and len(local) < limit:
                        local[after] = len(local)
                        nxt.append(after)
            level = nxt
        states = list(local)
        for s in states:
            if s not in rows:
                rows[s] = self._moves(s)
        outside = len(states)
        offsets, targets, labels = array("I", [0]), array("i"), array("H")
        step_of: dict[tuple[int, int, int], int] = {}  # (source, target, label) -> step id
        flags = bytearray()
        decode = self.decode
        for i, s in enumerate(states):
            for tid, sid, after in rows[s]:
                t = local.get(after, outside)
                targets.append(t)
                labels.append(tid)
                step_of.setdefault((i, t, tid), sid)
            offsets.append(len(targets))
            f = OPENS if opens or (trigger is not None and trigger(s, decode)) else 0
            flags.append(f | (MET if met(s, decode) else 0))
        offsets.append(len(targets))  # the state outside: no steps
        flags.append(MET)
        self._fair()
        initial = len({*around[:1], *initials})
        lasso = find_violation(EdgeGraph(offsets, targets, labels), initial, flags,
                               self.props[k].kind, self._constraints,
                               len(self.system.coverage_names))
        if lasso is None:
            return None
        sids = [step_of[(a, b, label)] for a, b, label
                in zip(lasso.states, lasso.states[1:], lasso.labels)]
        return [states[i] for i in lasso.states], sids, lasso.loop_start

    def _moves(self, s: Idxs) -> list[tuple[int, int, Idxs]]:
        """Every step from s within the bounds: (label, step id, next state)."""
        succs, loops, _ = self.steps.expand(s)
        out = [(tid, sid, tuple(new)) for tid, sid, new in succs
               if self._allowed(s, sid, new)]
        out += [(tid, sid, s) for tid, sid in loops if self._allowed(s, sid, None)]
        return out
