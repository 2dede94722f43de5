"""Random runs on the engine's own successor function (CompiledSteps.expand, memoized), judged
by the explorer's own predicates (explorer.Judge): what `mcfsm simulate` and the pytest
plugin's hypothesis item run. Whoever chooses (hypothesis in simulation.py, a benchmark's
plain random) passes the choices as bytes; the walker takes step k by byte k modulo the
number of steps to choose from, so hypothesis can replay and shrink a run from its bytes.

The transitions runtime (runtime.py) is not used here: it stays the independent semantics
that the differential test holds both engines against.

After a violation, `shortcut` shortens the run without changing where it ends: from each
state it jumps to the latest later state that is one step away, so a random run's detours
are cut (hypothesis shrinks the choices; this shrinks the path they took).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable
from typing import Any

from ...errors import ModelError
from ...lang.guard import unhashable_error
from ...lang.system import System
from ..results import Budget, Trace
from ..search.explorer import Judge
from ..search.verdicts import unhandled_note
from ..state.steps import CompiledSteps
from ..state.store import Store
from ..temporal.marking import lasso_note
from ..temporal.run_lassos import LassoJudge

# The most initial states random runs start from: each is listed, encoded and kept (a
# product of parameters with thousands of choices each would be listed for minutes,
# before any run and outside every budget).
MAX_INITIAL_STATES = 100_000
# The lasso searches' shared rows are emptied past this many states (about 100 MB at the
# bundled models' sizes); one search lists at most its known states and 20,000 more.
_ROWS_LIMIT = 250_000
# The successors kept for the shortening (emptied past this many states; a shortening's
# balls hold at most 4,000 states each).
_SUCCESSORS_KEPT = 100_000
# Each state's expansion, kept for the runs: random runs come back to the states they saw
# (Paxos: 98,760 steps over 2,238 states), and an expansion through the memo keyed on what
# the steps read (CompiledSteps: every instance that reads the params or another
# instance, since commit 70eeed47) costs more than a lookup here (bench_simulate.py --driver,
# docs/benchmarks.md). Emptied when full: about 1 KB a state on the redirect model (its
# successors as tuples of small ints), so about 50 MB there.
_EXPANDED_KEPT = 50_000

Idxs = tuple[int, ...]


@dataclasses.dataclass(frozen=True)
class Run:
    """One random run: the states it visited (interned), the steps between them, and the
    first violation it met (None if none)."""

    path: tuple[Idxs, ...]
    sids: tuple[int, ...]
    violated: str | None = None
    note: str = ""
    new_states: int = 0  # states no earlier run of this walker had visited
    loop_start: int | None = None  # a temporal violation: path[loop_start:] repeats forever


def too_many(system: System) -> None:
    """Refuse, naming the parameters and their sizes, a system with more initial states
    than random runs start from (MAX_INITIAL_STATES)."""
    count = system.initial_count()
    if count <= MAX_INITIAL_STATES:
        return
    sizes = system.params_sizes()
    raise ModelError(
        f"has {count:,} initial states{f' (parameters {sizes})' if sizes else ''}, more "
        f"than the {MAX_INITIAL_STATES:,} random runs start from: each would be listed "
        "before the first run, outside every budget",
        fix="pin parameters per variant (Param((v,), ...)) or give them fewer choices; "
            "`mcfsm check` searches one combination of choices at a time and stops at "
            "--max-states or --time-limit")


class Walker:
    """Random runs over one system; what all its runs saw is kept (states, fired transitions,
    witnesses), so a search of many runs reports its coverage."""

    def __init__(self, system: System, memoize: bool = True) -> None:
        self.system = system
        store = self.store = Store(system.slot_count, indexed=False)
        steps = self.steps = CompiledSteps(system, store, memoize=memoize)
        self.judge = judge = Judge(system, store, steps, None, memoize, Budget(), None,
                                   time.perf_counter())
        self.initials: list[Idxs] = []
        too_many(system)
        for init in system.initial_states():
            if not system.within_bounds(init):
                continue  # TLC CONSTRAINT: the explorer neither counts nor explores it
            try:
                idxs = tuple(store.encode(init))
            except TypeError as exc:
                raise unhashable_error(system, init, exc) from exc
            if idxs not in self.initials:
                self.initials.append(idxs)
        self.filtered = system.bounded or system.action_constraint is not None
        self.always = judge.memo_always
        self.sometimes = judge.memo_somet
        self.check_deadlock = judge.check_deadlock
        self.check_unhandled = judge.check_unhandled
        self.step_names = frozenset(p.name for p, _ in judge.memo_steps)
        self._state_names = frozenset(name for name, _ in (*self.always, *self.sometimes))
        # temporal properties: judged on the lassos the runs close (run_lassos.py)
        self.lassos = (LassoJudge(system, store, steps, judge.allowed, self.filtered,
                                  judge.decode_once, memoize)
                       if any(p.temporal for p in system.properties) else None)
        self.temporal_names = frozenset(p.name for p in system.properties if p.temporal)
        # every step of the states the lasso searches listed (run_lassos.shortest's rows),
        # shared by them: each shortens a lasso in nearly the same graph of visited states
        self._lasso_rows: dict[Idxs, Any] = {}
        # what every run saw
        self.visits: dict[Idxs, int] = {}  # state -> times visited (the coverage estimate)
        self.fired: dict[int, int] = {}  # coverage id -> steps taken
        self.witnesses: dict[str, Run] = {}  # first run that witnessed each `sometimes`
        self.witness_counts: dict[str, int] = {}
        # each state's judgement (see _judge_state), and the distinct judgements
        self._judged: dict[Idxs, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self._judgements: dict[Any, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        # each step's judgement by the step properties, keyed by (state, step id): a step's
        # successor is a function of both, and random runs take the same steps again and
        # again, so the predicates run once per distinct step
        self._broken: dict[tuple[Idxs, int], tuple[str, ...]] = {}
        # each state's successors as `successors` lists them, for the shortening after a
        # run: its balls overlap and its replays take the same prefix again and again
        self._successors: dict[Idxs, dict[Idxs, int]] = {}
        self._expanded: dict[Idxs, tuple[list[Any], list[Any], Any]] = {}
        self.runs = 0
        self.steps_taken = 0
        # how the runs ended, for the report (issue 73: every run of `simulate --steps 50`
        # was cut 68 steps short of a violation at depth 118, and nothing said so): at their
        # depth bound or the end of their choices (cut), or in a state with no step to take
        # within the bounds (ended: the behaviour is over); the most steps one run took
        self.runs_cut = 0
        self.runs_ended = 0
        self.deepest = 0
        self.tally = True  # off while a violation is shrunk (its replays are no search)

    # -- one run ----------------------------------------------------------------------------
    def run(self, choices: Iterable[int], start: int = 0, disabled: int = 0,
            skip: frozenset[str] | set[str] = frozenset(), depth: int | None = None) -> Run:
        """Runs driven by `choices` (bytes, or an iterable of them drawn as taken), one byte
        per step: from initial state `start` (modulo their number), and whenever a run ends
        (a final state, every step out of the bounds, `depth` steps taken) a new run from
        the initial state the next byte picks. Stops at the first violation of a property
        not in `skip` and returns the run that met it (or the last run). `disabled`: a swarm
        mask, coverage id t is avoided when bit t % 64 is set, unless every enabled step is
        avoided. One hypothesis example is thus many runs, which keeps hypothesis's cost per
        example small against the steps taken."""
        if not self.initials:
            return Run((), ())
        initials = self.initials
        visits, fired = self.visits, self.fired
        expand = self.expand
        judge = self.judge
        step_props = bool(judge.memo_steps)
        check_deadlock = self.check_deadlock and "no-deadlock" not in skip
        check_unhandled = self.check_unhandled and "no-unhandled-message" not in skip
        lassos = self.lassos if self.lassos is not None and self.temporal_names - skip else None
        idxs: Idxs | None = initials[start % len(initials)]
        path, sids = [idxs], []
        new_states, violated, note = self._begin(idxs, skip, path)
        if violated is not None:
            return Run(tuple(path), (), violated, note, new_states)
        if lassos is not None:
            lassos.begin(idxs, skip)
        for byte in choices:
            if idxs is None:  # the last run ended: this byte picks the next run's start
                idxs = initials[byte % len(initials)]
                path, sids = [idxs], []
                fresh, violated, note = self._begin(idxs, skip, path)
                new_states += fresh
                if violated is not None:
                    return Run(tuple(path), (), violated, note, new_states)
                if lassos is not None:
                    lassos.begin(idxs, skip)
                continue
            succs, loops, unhandled = expand(idxs)
            if unhandled is not None and check_unhandled:
                return Run(tuple(path), tuple(sids), "no-unhandled-message",
                           unhandled_note(self.system, unhandled), new_states)
            if lassos is not None and lassos.open:  # may the behaviour stop here for ever?
                found = lassos.stop_here(idxs, succs, len(sids))
                if found is not None:
                    return self._lasso(path, sids, found, new_states)
            if not succs and not loops:
                if check_deadlock and not self.system.is_final(self.store.decode(idxs)):
                    return Run(tuple(path), tuple(sids), "no-deadlock",
                               "no step is enabled and the state is not final", new_states)
                idxs = None  # a final state: the next byte starts a new run
                self.runs_ended += self.tally
                continue
            options: list[Any] = succs
            if loops:
                options = succs + [(tid, sid, None) for tid, sid in loops]
            if self.filtered:
                options = [o for o in options if judge.allowed(idxs, o[1], o[2])]
                if not options:
                    idxs = None  # every step leaves the bounds: the explorer stops here too
                    self.runs_ended += self.tally
                    continue
            if disabled:
                kept = [o for o in options if not disabled >> (o[0] & 63) & 1]
                if kept:
                    options = kept
            tid, sid, new = options[byte % len(options)]
            after = idxs if new is None else tuple(new)
            fired[tid] = fired.get(tid, 0) + 1
            self.steps_taken += 1
            path.append(after)
            sids.append(sid)
            if len(sids) > self.deepest and self.tally:
                self.deepest = len(sids)
            if step_props:
                broken = self._broken_by(idxs, sid, new)
                for name in broken:
                    if name not in skip:
                        return Run(tuple(path), tuple(sids), name, "", new_states)
            idxs = after
            count = visits.get(idxs)
            if count is None:
                new_states += 1
                visits[idxs] = 1
            else:
                visits[idxs] = count + 1
            violated, note = self._judge_state(idxs, skip, path, sids)
            if violated is not None:
                return Run(tuple(path), tuple(sids), violated, note, new_states)
            if lassos is not None:
                found = lassos.visit(idxs, path, sids)
                if found is not None:
                    return self._lasso(path, sids, found, new_states)
            if depth is not None and len(sids) >= depth:
                idxs = None  # the run's depth bound: the next byte starts a new run
                self.runs_cut += self.tally
        if idxs is not None:  # the choices ran out while the run could go on
            self.runs_cut += self.tally
        return Run(tuple(path), tuple(sids), None, "", new_states)

    def expand(self, idxs: Idxs) -> tuple[list[Any], list[Any], Any]:
        """CompiledSteps.expand(idxs), each successor a tuple, kept for the next visit
        (`_EXPANDED_KEPT`); the same successors in the same order, so the same runs."""
        found = self._expanded.get(idxs)
        if found is None:
            succs, loops, unhandled = self.steps.expand(idxs)
            found = ([(tid, sid, tuple(new)) for tid, sid, new in succs], loops, unhandled)
            if len(self._expanded) >= _EXPANDED_KEPT:
                self._expanded.clear()
            self._expanded[idxs] = found
        return found

    def _broken_by(self, idxs: Idxs, sid: int, new: Any) -> tuple[str, ...]:
        """The step properties the step sid from idxs breaks, in declaration order (none
        skipped: the caller skips), judged once per distinct step."""
        key = (idxs, sid)
        broken = self._broken.get(key)
        if broken is None:
            broken = tuple(self.judge.broken_steps(idxs, sid, new, ()))
            self._broken[key] = broken
        return broken

    def _lasso(self, path: list[Idxs], sids: list[int], found: tuple[str, int],
               new_states: int) -> Run:
        """The run up to a violating fair lasso: path[loop_start:] repeats (or, when
        loop_start is the last state, the behaviour stays there)."""
        name, loop_start = found
        return Run(tuple(path), tuple(sids), name, _lasso_note(self.system, name), new_states,
                   loop_start)

    def _begin(self, idxs: Idxs, skip: Any, path: list[Idxs]) -> tuple[int, str | None, str]:
        """A run starts in initial state idxs: (1 if no run visited it before, else 0, and
        the property it violates with its note, if any)."""
        self.runs += 1
        count = self.visits.get(idxs, 0)
        self.visits[idxs] = count + 1
        return (0 if count else 1), *self._judge_state(idxs, skip, path, [])

    def _judge_state(self, idxs: Idxs, skip: Any, path: list[Idxs],
                     sids: list[int]) -> tuple[str | None, str]:
        # Runs come back to the states they saw (most steps of a long search do): what a
        # state violates and witnesses is judged once and kept, as the explorer judges each
        # state once. The first violated property not skipped ends the run, before its
        # witnesses count, as when every predicate is asked on every visit.
        judged = self._judged.get(idxs)
        if judged is None:
            judged = self._judgement(idxs)
        violated, witnessed = judged
        for name in violated:
            if name not in skip:
                return name, ""
        for name in witnessed:
            self.witness_counts[name] = self.witness_counts.get(name, 0) + 1
            if name not in self.witnesses:
                self.witnesses[name] = Run(tuple(path), tuple(sids))
        return None, ""

    def _judgement(self, idxs: Idxs) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(the `always` properties idxs violates, the `sometimes` ones it witnesses), in
        declaration order; shared tuples, since most states give the same answer."""
        decode = self.judge.decode_once
        violated = tuple(name for name, holds in self.always if not holds(idxs, decode))
        witnessed = tuple(name for name, holds in self.sometimes if holds(idxs, decode))
        judged = self._judgements.setdefault((violated, witnessed), (violated, witnessed))
        self._judged[idxs] = judged
        return judged

    # -- after a run ------------------------------------------------------------------------
    def successors(self, idxs: Idxs) -> dict[Idxs, int]:
        """The states one step away (within the bounds), each with a step id leading there
        (the same dict for the same state, kept for the last _SUCCESSORS_KEPT states)."""
        out = self._successors.get(idxs)
        if out is None:
            if len(self._successors) >= _SUCCESSORS_KEPT:
                self._successors.clear()
            out = self._successors[idxs] = self._list_successors(idxs)
        return out

    def _list_successors(self, idxs: Idxs) -> dict[Idxs, int]:
        succs, loops, _ = self.expand(idxs)
        out: dict[Idxs, int] = {}
        for _tid, sid, new in succs:
            after = tuple(new)
            if after not in out and (not self.filtered or self.judge.allowed(idxs, sid, new)):
                out[after] = sid
        for _tid, sid in loops:
            if idxs not in out and (not self.filtered or self.judge.allowed(idxs, sid, None)):
                out[idxs] = sid
        return out

    def shortcut(self, run: Run, radius: int = 3, cap: int = 4000) -> Run:
        """The same violation (or witness) on a path no longer than the run's. From each
        state of the run, a breadth-first ball of `radius` steps (at most `cap` states) looks
        for the latest later state of the run, and for a state that meets the run's target
        (a state property's violation, a witness) sooner; the path jumps there. A step
        property's violation keeps its last step, which is the violation. The balls are
        small and local: this shortens a run, it does not search the state space."""
        path, sids = list(run.path), list(run.sids)
        target = run.violated
        step_target = target in self.step_names
        end = len(path) - 2 if step_target else len(path) - 1  # the state to reach
        if end <= 0:
            return run
        position = {state: j for j, state in enumerate(path[:end + 1])}  # latest visit
        initials = set(self.initials)
        first = max(j for j in range(end + 1) if path[j] in initials)
        new_path: list[Idxs] = []
        new_sids: list[int] = []
        last_step: tuple[int, Idxs] | None = (sids[-1], path[-1]) if step_target else None
        i = first
        # the first jump may start from any initial state (another parameter choice)
        centres = [path[first]] + [init for init in self.initials if init != path[first]]
        while i < end:
            best_j, best_hops = i + 1, [(sids[i], path[i + 1])]
            best_centre = path[i]
            finish: tuple[Idxs, list[tuple[int, Idxs]]] | None = None  # the target, sooner
            extra = 1 if step_target else 0  # a step property's path ends with its step
            for centre in centres:
                ball = self._ball(centre, radius, cap)
                for state, hops in ball.items():
                    j = position.get(state, -1)
                    if j > i and j - len(hops) > best_j - len(best_hops):
                        best_j, best_hops, best_centre = j, hops, centre
                if target is None:
                    continue
                for state, hops in ball.items():
                    if finish is not None and len(hops) + extra >= len(finish[1]):
                        continue
                    if step_target:
                        step = self._violating_step(target, state)
                        if step is not None:
                            finish = centre, [*hops, step]
                    elif self._meets(target, state):
                        finish = centre, hops
            if finish is not None and len(finish[1]) <= len(best_hops) + end - best_j + extra:
                best_centre, best_hops, best_j, last_step = finish[0], finish[1], end, None
            if not new_path:
                new_path.append(best_centre)
            for sid, state in best_hops:
                new_sids.append(sid)
                new_path.append(state)
            i = best_j
            centres = [path[i]] if i < end else []
        if step_target and last_step is not None:
            new_path.append(last_step[1])
            new_sids.append(last_step[0])
        note = self._note(target, new_path[-1]) if target is not None and not step_target else run.note
        return Run(tuple(new_path), tuple(new_sids), run.violated, note, run.new_states)

    def _violating_step(self, target: str, state: Idxs) -> tuple[int, Idxs] | None:
        """A step from `state` that violates step property `target`: (step id, successor)."""
        for after, sid in self.successors(state).items():
            if self._breaks_step(target, state, sid, after):
                return sid, after
        return None

    def _ball(self, centre: Idxs, radius: int, cap: int) -> dict[Idxs, list[tuple[int, Idxs]]]:
        """The states within `radius` steps of centre (at most `cap`), each with the steps
        (step id, state) of a shortest way there."""
        ball: dict[Idxs, list[tuple[int, Idxs]]] = {centre: []}
        level = [centre]
        for _ in range(radius):
            nxt = []
            for state in level:
                hops = ball[state]
                for after, sid in self.successors(state).items():
                    if after not in ball:
                        ball[after] = [*hops, (sid, after)]
                        nxt.append(after)
                        if len(ball) >= cap:
                            return ball
            level = nxt
        return ball

    def follow(self, start: Idxs, sids: list[int] | tuple[int, ...], target: str) -> Run | None:
        """Take the given steps (by step id: the same actor, transition and message) from
        `start`, up to the first state or step that violates (or, for a `sometimes`,
        witnesses) `target`; None when a step is not enabled or the target is never met."""
        idxs, path, taken = start, [start], []
        if self._meets(target, idxs):
            return Run((start,), (), target, self._note(target, idxs))
        for sid in sids:
            after = next((a for a, s in self.successors(idxs).items() if s == sid), None)
            if after is None:
                return None
            if self._breaks_step(target, idxs, sid, after):
                return Run((*path, after), (*taken, sid), target, "")
            path.append(after)
            taken.append(sid)
            idxs = after
            if self._meets(target, idxs):
                return Run(tuple(path), tuple(taken), target, self._note(target, idxs))
        return None

    def minimize(self, run: Run, target: str, budget: int = 20_000,
                 stop: Any = None) -> Run:
        """A shorter run to the same violation or witness: the shortcut, then delta debugging
        on its steps (drop one step, then two, and replay the others by step id while
        that still meets the target), until no drop works, `budget` replays were tried or
        `stop()` (the run's time limit or a stop request) says stop: the shortest run found
        so far is returned, a real one, only perhaps not the shortest.
        A temporal violation: a violating fair lasso, shortened by the lasso search among
        the states the runs visited (shortest_lasso) instead of the shortcut, and by delta
        debugging both from the run and from that search's lasso (neither always wins)."""
        if run.loop_start is not None and self.lassos is not None:
            tried = [self._delta(start, target, budget // 2, self.follow_lasso,
                                 self.shortest_lasso, lasso=True, stop=stop)
                     for start in (run, self.shortest_lasso(run))]
            return min(tried, key=lambda r: len(r.sids))
        return self._delta(self.shortcut(run), target, budget, self.follow, self.shortcut,
                           stop=stop)

    def _delta(self, best: Run, target: str, budget: int, follow: Any, shorten: Any,
               lasso: bool = False, stop: Any = None) -> Run:
        """Delta debugging on best's steps (see minimize), shortening after each success."""
        tries = 0
        improved = True
        while improved and tries < budget:
            improved = False
            sids = list(best.sids)
            n = len(sids)
            drops = [(k,) for k in range(n - 1, -1, -1)]
            drops += [(i, j) for j in range(n - 1, 0, -1) for i in range(j - 1, -1, -1)]
            if lasso:  # a detour rarely leaves a lasso fair halfway: whole blocks too
                drops += [tuple(range(i, i + size)) for size in _block_sizes(n)
                          for i in range(n - size, -1, -1)]
            # the same steps from another initial state (another parameter choice) first
            starts = [best.path[0]] + [i for i in self.initials if i != best.path[0]]
            attempts = [(start, ()) for start in starts[1:]] + [(starts[0], d) for d in drops]
            for start, drop in attempts:
                tries += 1
                if tries > budget or (stop is not None and not tries & 63 and stop()):
                    tries = budget + 1  # spent: no further round
                    break
                kept = [s for k, s in enumerate(sids) if k not in drop]
                shorter = follow(start, kept, target)
                if shorter is not None and len(shorter.sids) < n:
                    best, improved = shorten(shorter), True
                    break
        return best

    def follow_lasso(self, start: Idxs, sids: list[int] | tuple[int, ...],
                     target: str) -> Run | None:
        """Take the given steps from `start` (as `follow`) up to the first violating fair
        lasso of temporal property `target` they close; None when a step is not enabled or
        no such lasso is closed. The replays are not counted in the runs' cycles."""
        lassos = self.lassos
        assert lassos is not None
        saved = dataclasses.replace(lassos.counts, judged={}, unfair={})
        saved.judged.update(lassos.counts.judged)
        saved.unfair.update(lassos.counts.unfair)
        skip = frozenset(p.name for p in self.system.properties) - {target}
        idxs, path, taken = start, [start], []
        lassos.begin(start, skip)
        found: tuple[str, int] | None = None
        try:
            for sid in [*sids, None]:
                succs = self.expand(idxs)[0]
                if lassos.open and (found := lassos.stop_here(idxs, succs, len(taken))):
                    break
                if sid is None:
                    break
                after = next((after for after, s in self._moves(idxs) if s == sid), None)
                if after is None:
                    return None
                path.append(after)
                taken.append(sid)
                idxs = after
                if (found := lassos.visit(idxs, path, taken)) is not None:
                    break
        finally:
            lassos.counts = saved
        if found is None:
            return None
        return Run(tuple(path), tuple(taken), target, _lasso_note(self.system, target), 0,
                   found[1])

    def _moves(self, idxs: Idxs) -> list[tuple[Idxs, int]]:
        """Every step from idxs within the bounds: (next state, step id)."""
        succs, loops, _ = self.expand(idxs)
        out = [(tuple(new), sid) for _tid, sid, new in succs
               if not self.filtered or self.judge.allowed(idxs, sid, new)]
        out += [(idxs, sid) for _tid, sid in loops
                if not self.filtered or self.judge.allowed(idxs, sid, None)]
        return out

    def lassos_among_visited(self, names: list[str]) -> dict[str, Run]:
        """After the runs: the shortest violating fair lasso of each temporal property in
        the graph of every state the runs visited (with all their steps), which also holds
        the cycles no single run closed. Searched only when that graph is small enough."""
        assert self.lassos is not None
        known = self._known_states()
        if not known:
            return {}
        self.lassos.counts.graph_states = len(known)
        out = {}
        for name in names:
            found = self.lassos.shortest(name, self.initials, (), known, 0, 0, self._rows())
            if found is not None:
                path, sids, loop_start = found
                out[name] = Run(tuple(path), tuple(sids), name, _lasso_note(self.system, name),
                                0, loop_start)
        return out

    def _known_states(self, cap: int = 100_000) -> list[Idxs]:
        """The states the runs visited, as a graph to search lassos in (none when more than
        `cap`: the graph would cost more than it saves)."""
        return list(self.visits) if len(self.visits) <= cap else []

    def _rows(self) -> dict[Idxs, Any]:
        """The shared rows of the lasso searches, emptied past a bound (memory)."""
        if len(self._lasso_rows) > _ROWS_LIMIT:
            self._lasso_rows.clear()
        return self._lasso_rows

    def shortest_lasso(self, run: Run) -> Run:
        """The shortest violating fair lasso among the states the runs visited and those
        around this run (run_lassos.LassoJudge.shortest); the run itself if none is
        shorter."""
        assert self.lassos is not None and run.violated is not None
        best = run
        for _ in range(4):  # around each shorter lasso again, while that helps
            found = self.lassos.shortest(run.violated, self.initials, best.path,
                                         self._known_states(), rows=self._rows())
            if found is None or len(found[1]) >= len(best.sids):
                break
            path, sids, loop_start = found
            best = Run(tuple(path), tuple(sids), run.violated, run.note, run.new_states,
                       loop_start)
        return best

    def _meets(self, target: str, idxs: Idxs) -> bool:
        if target in self._state_names:  # a state property: the kept judgement answers
            violated, witnessed = self._judged.get(idxs) or self._judgement(idxs)
            return target in violated or target in witnessed
        if target == "no-unhandled-message":
            return self.expand(idxs)[2] is not None
        if target == "no-deadlock":
            succs, loops, _ = self.expand(idxs)
            return not succs and not loops and not self.system.is_final(self.store.decode(idxs))
        return False

    def _note(self, target: str, idxs: Idxs) -> str:
        if target == "no-unhandled-message":
            unhandled = self.expand(idxs)[2]
            return "" if unhandled is None else unhandled_note(self.system, unhandled)
        if target == "no-deadlock":
            return "no step is enabled and the state is not final"
        return ""

    def _breaks_step(self, target: str, idxs: Idxs, sid: int, after: Idxs) -> bool:
        if target not in self.step_names:
            return False
        new = None if after == idxs else after
        return bool(self.judge.broken_steps(idxs, sid, new, self.step_names - {target}))

    def trace(self, run: Run) -> Trace:
        """A run in the model's words (decoded states and step keys), as reports print it."""
        decode, step_list = self.store.decode, self.steps.step_list
        return Trace(tuple(decode(i) for i in run.path), tuple(step_list[s] for s in run.sids),
                     run.note, run.loop_start)

    # -- coverage ---------------------------------------------------------------------------
    @property
    def distinct_states(self) -> int:
        return len(self.visits)

    def estimated_states(self) -> int | None:
        """Chao1's estimate of how many states the runs could reach, from how many states
        were visited once (f1) and twice (f2): S + f1^2 / (2 f2). Random runs revisit their
        neighbourhood, so this is a rough lower estimate, never a count; None before any
        state was visited twice."""
        return chao1(self.visits)

    def never_fired(self) -> list[tuple[str, str]]:
        """(instance, transition) of every transition no run took."""
        return [name for tid, name in enumerate(self.system.coverage_names)
                if not self.fired.get(tid)]


def chao1(visits: dict[Any, int]) -> int | None:
    """Chao1's estimate from visit counts (Walker.estimated_states says what it means);
    the swarm computes it from its members' merged counts."""
    f1 = sum(1 for c in visits.values() if c == 1)
    f2 = sum(1 for c in visits.values() if c == 2)
    if not visits:
        return None
    if f2 == 0:
        return None if f1 else len(visits)
    return len(visits) + (f1 * f1) // (2 * f2)


def _lasso_note(system: System, name: str) -> str:
    prop = next(p for p in system.properties if p.name == name)
    return lasso_note(prop)


def _block_sizes(n: int) -> list[int]:
    """Sizes of the blocks of steps to drop at once: n/2, n/4, ... down to 3."""
    sizes, size = [], n // 2
    while size >= 3:
        sizes.append(size)
        size //= 2
    return sizes
