"""What a symmetry-reduced search (state/symmetry.py) needs besides the canonical form:

- `check_symmetric`: a declared symmetry that the model breaks would make the reduced
  search wrong without a sign, so before it runs, its properties, bounds and steps are
  tried on the states within a few steps of the initial states (unreduced): each
  property and constraint must give the same answer on a state and on its images under
  the group's generators, the initial states must be closed under them, and the steps of
  an image must be the images of the steps. TLC checks none of this; a failure is a
  ModelError naming the property (or step) and the permutation.
- `check_stored_rows`: after the reduced search, the same checks on every state it stored,
  under the generators (default: an asymmetry far from the initial states is still
  found, though one visible only under a product of generators may not be, so the
  verdicts print the symmetry as an assumption) or under every permutation
  (--verify-symmetry: complete, at about the cost of the unreduced search).
- `symmetric_trace_to`: counterexamples found on canonical states, printed as real runs.
  The path of canonical states is replayed from a concrete initial state, taking at each
  step a successor whose canonical form is the next state of the path; the run is then
  renamed by the permutation that maps its last state onto the canonical state the search
  judged (its notes speak of that state), and replayed once more, step for step, so that
  every printed trace is an execution of the unreduced system, as short as the path.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from itertools import pairwise
from typing import Any

from ...errors import ModelError
from ...lang.guard import call_predicate
from ...lang.symmetry import Renaming
from ...lang.system import State, StepKey, System
from ..results import Trace
from ..state.fingerprints import fingerprint
from ..state.symmetry import Canonical, Perm, generators

_FIX = ("make it treat the instances of each set alike (for example, quantify over "
        "view.instances_of(role) rather than name one instance), or drop symmetry= "
        "(or run `mcfsm check --no-symmetry`)")


def _sample(system: System, limit: int) -> list[State]:
    """Up to `limit` states, breadth-first from the initial states (unreduced)."""
    seen: dict[State, None] = dict.fromkeys(system.initial_states())
    frontier = list(seen)
    while frontier and len(seen) < limit:
        nxt = []
        for state in frontier:
            for _, after in system.successors(state):
                if after not in seen and len(seen) < limit:
                    seen[after] = None
                    nxt.append(after)
        frontier = nxt
    return list(seen)


def check_symmetric(system: System, limit: int = 200) -> None:
    """Refuse a symmetry the model's initial states, properties, bounds or steps break,
    judged on up to `limit` states near the initial states (module doc)."""
    where = f"system {system.name!r}"
    renamings = [Renaming(system, g) for g in generators(system)]
    initial = set(system.initial_states())
    for r in renamings:
        for state in initial:
            if r.state(state) not in initial:
                raise ModelError(f"the initial states are not symmetric under {_words(r)}: "
                                 f"one has no counterpart with the instances renamed",
                                 where=where, fix=_FIX)
    for state in _sample(system, limit):
        _check_state(system, state, renamings)


def check_stored_rows(system: System, canonical: Canonical, steps: Any,
                      rows: Iterable[tuple[int, ...]], perms: list[Perm]) -> int:
    """`check_stored` on the search's own interned rows, through its memoized steps and
    the canonicaliser's memoized renaming of slot values (no state is renamed whole): the
    same checks, at a fraction of the cost. Under every permutation this is complete: if
    each stored state's images have the same properties and the renamed steps, so has every
    reachable state (each is an image of a stored one), and the reduced verdicts and trace
    lengths are the unreduced search's. Returns how many states were checked."""
    store = canonical.store
    decode = store.decode
    where = f"system {system.name!r}"
    state_props = [p for p in system.properties if p.kind in ("always", "sometimes")]
    step_props = [p for p in system.properties if p.kind == "step"]
    moved = canonical.moved
    gens = [(g, canonical.renaming(g)) for g in perms if list(g) != sorted(g)]
    targets = {g: [r.target(slot) for slot in range(system.slot_count)] for g, r in gens}
    key_ids: dict[tuple[Perm, int], int] = {}

    def rename(row: Any, g: Perm, near: Any = None, near_image: Any = None,
               ) -> tuple[int, ...]:
        """The row renamed by g; given a row `near` and its image, only the slots where
        the two rows differ are renamed (a successor differs from its state in a slot or
        two)."""
        if near is None:
            out = [0] * len(row)
            for slot, (idx, to) in enumerate(zip(row, targets[g])):
                out[to] = moved(slot, idx, g)
        else:
            out = list(near_image)
            for slot, (idx, was, to) in enumerate(zip(row, near, targets[g])):
                if idx != was:
                    out[to] = moved(slot, idx, g)
        return tuple(out)

    def step_set(row: tuple[int, ...]) -> set[tuple[int, tuple[int, ...]]]:
        succs, loops, _ = steps.expand(row)
        return {(sid, tuple(new)) for _, sid, new in succs} | {(sid, row) for _, sid in loops}

    count = 0
    for row in rows:
        count += 1
        row = tuple(row)
        mine = step_set(row)
        state = None
        for g, r in gens:
            image = rename(row, g)
            if state is None:
                state = decode(row)
            image_state = decode(image)
            for p in state_props:
                if call_predicate(p, system.view(state)) != \
                        call_predicate(p, system.view(image_state)):
                    raise ModelError(f"is not symmetric under {_words(r)}: it differs on a "
                                     "state the reduced search reached and on that state "
                                     "with the instances renamed", where=where, prop=p.name,
                                     fix=_FIX)
            if system.within_bounds(state) != system.within_bounds(image_state):
                raise ModelError(f"the state constraint or max_in_flight is not symmetric "
                                 f"under {_words(r)}", where=where, fix=_FIX)
            expected = set()
            for sid, new in mine:
                rid = key_ids.get((g, sid))
                if rid is None:
                    rid = key_ids[(g, sid)] = steps.step_id(r.key(steps.step_list[sid]))
                expected.add((rid, rename(new, g, row, image)))
            # a state the permutation leaves as it is has its own steps (no expansion)
            theirs = mine if image == row else step_set(image)
            if expected != theirs:
                odd = steps.step_list[min(expected ^ theirs)[0]]
                raise ModelError(f"the model's steps are not symmetric under {_words(r)}: "
                                 f"a state the reduced search reached and its renamed image "
                                 f"do not have renamed steps (step {_step_words(odd)} has no "
                                 "counterpart)", where=where, fix=_FIX)
            if step_props or system.action_constraint is not None:
                for sid, new in mine:  # the slow path, only where such checks exist
                    k, after = steps.step_list[sid], decode(new)
                    rk, rafter = r.key(k), decode(rename(new, g))
                    if system.action_constraint is not None and system.allows(
                            state, k, after) != system.allows(image_state, rk, rafter):
                        raise ModelError(f"action_constraint= is not symmetric under "
                                         f"{_words(r)}", where=where, fix=_FIX)
                    for p in step_props:
                        if call_predicate(p, system.view(state), k, system.view(after)) != \
                                call_predicate(p, system.view(image_state), rk,
                                               system.view(rafter)):
                            raise ModelError(f"is not symmetric under {_words(r)}: it "
                                             f"differs on step {_step_words(k)} and on its "
                                             "renamed image", where=where, prop=p.name,
                                             fix=_FIX)
    return count


def check_orbits(system: System, canonical: Canonical, steps: Any,
                 rows: Iterable[tuple[int, ...]]) -> tuple[int, int]:
    """The declared symmetry checked completely on a reduced search's stored rows: every
    image of every stored state under the group (its whole orbit), not only its images
    under the generators. Returns (states, images checked).

    Why generators alone are not enough (issue 73): a stored state c and its images s(c)
    under each generator s are checked, but not s(t(c)): with a swap and a 3-cycle and a
    step only r2 may take while r1 = r3 = 7, the state where it is enabled is an image of
    the stored one under a product of generators only, and the reduced search said "holds"
    where the unreduced one finds a violation.

    What is complete: each orbit is walked from its stored member c along the generators
    (breadth-first, each image once: an orbit has at most |G| members, usually far fewer,
    since instances in equal states give equal images), and for each new image y = s(x),
    x an image already checked, y's properties, bounds and unhandled message are c's, and
    its steps are x's renamed by s (so, by induction along the path from c, c's renamed by
    the product g of the path: y = g(c) and succ(y) = g(succ(c))), with the same step
    properties, action constraint and bounds of the successors. Every reachable state of
    the unreduced system is an image of a stored one, whose successors are then images of
    the stored successors, with the same verdicts: the reduced search's verdicts and
    shortest trace lengths are the unreduced search's. Only each image's tree edge is
    checked, not every pair (g, image): invariance of a state's steps under its own
    stabiliser changes no verdict. The cost is one expansion per member of each orbit, as
    many as the unreduced search's states, with renaming by the generators only (the
    canonicaliser's per-permutation memo of renamed slot values stays small)."""
    store = canonical.store
    decode = store.decode
    where = f"system {system.name!r}"
    state_props = [p for p in system.properties if p.kind in ("always", "sometimes")]
    step_props = [p for p in system.properties if p.kind == "step"]
    slow = bool(step_props) or system.action_constraint is not None
    bounded = system.constraint is not None  # max_in_flight counts all inboxes alike
    gens = [(_Renamer(canonical, steps, g), canonical.renaming(g))
            for g in generators(system)]

    def expanded(row: tuple[int, ...]) -> tuple[set[tuple[int, tuple[int, ...]]], bool]:
        succs, loops, unhandled = steps.expand(row)
        return ({(sid, tuple(new)) for _, sid, new in succs} | {(sid, row) for _, sid in loops},
                unhandled is None)

    def step_words(r: Renaming, odd: int) -> str:
        return (f"the model's steps are not symmetric under {_words(r)}: a state the reduced "
                f"search reached, renamed, and its image do not have renamed steps (step "
                f"{_step_words(steps.step_list[odd])} has no counterpart)")

    states = images = 0
    for row in rows:
        states += 1
        row = tuple(row)
        state = decode(row)
        view = system.view(state)
        truths = [call_predicate(p, view) for p in state_props]
        mine, calm = expanded(row)
        members: dict[tuple[int, ...], tuple[set, bool]] = {row: (mine, calm)}
        frontier = [row]
        while frontier:
            later = []
            for x in frontier:
                x_steps, _ = members[x]
                for g, r in gens:
                    y = g.row(x)
                    if y in members:
                        continue
                    images += 1
                    y_state = decode(y)
                    y_view = system.view(y_state)
                    for p, truth in zip(state_props, truths):
                        if call_predicate(p, y_view) != truth:
                            raise ModelError(
                                f"is not symmetric under {_words(r)}: it differs on a state "
                                "the reduced search reached, renamed, and on its image",
                                where=where, prop=p.name, fix=_FIX)
                    if not system.within_bounds(y_state):
                        raise ModelError(f"the state constraint or max_in_flight is not "
                                         f"symmetric under {_words(r)}", where=where, fix=_FIX)
                    step, row_of = g.step_ids, g.row
                    expected = {(step[sid], row_of(new)) for sid, new in x_steps}
                    y_steps, y_calm = expanded(y)
                    if expected != y_steps:
                        raise ModelError(step_words(r, min(expected ^ y_steps)[0]),
                                         where=where, fix=_FIX)
                    if y_calm != calm:
                        raise ModelError(f"the model's handling of messages is not symmetric "
                                         f"under {_words(r)}: a state the reduced search "
                                         "reached, renamed, has an unhandled message and its "
                                         "image has none, or the other way round",
                                         where=where, fix=_FIX)
                    if slow or bounded:
                        _check_edge(system, steps, decode(x), x_steps, y_state, r, g.row,
                                    step_props, bounded)
                    members[y] = (y_steps, y_calm)
                    later.append(y)
            frontier = later
    return states, images


class _Renamer:
    """One permutation applied to interned rows and step ids at C speed (check_orbits
    renames every successor of every image): per slot a table of renamed indices, filled
    from the canonicaliser's memo on a miss, and the slots' order after the permutation as
    one itemgetter."""

    def __init__(self, canonical: Canonical, steps: Any, perm: Perm) -> None:
        renaming = canonical.renaming(perm)
        slots = canonical.system.slot_count
        source = [0] * slots  # source[j]: the slot whose content lands in slot j
        for slot in range(slots):
            source[renaming.target(slot)] = slot
        self._pick = operator.itemgetter(*source)
        self._tables = [_Moved(canonical.moved, slot, perm) for slot in source]
        self.step_ids = _StepIds(steps, renaming)

    def row(self, row: Any) -> tuple[int, ...]:
        return tuple(map(dict.__getitem__, self._tables, self._pick(row)))


class _Moved(dict):
    """slot's index -> the renamed value's index in the slot it moves to (Canonical.moved)."""

    def __init__(self, moved: Callable[[int, int, Perm], int], slot: int, perm: Perm) -> None:
        super().__init__()
        self._moved, self._slot, self._perm = moved, slot, perm

    def __missing__(self, idx: int) -> int:
        out = self[idx] = self._moved(self._slot, idx, self._perm)
        return out


class _StepIds(dict):
    """step id -> the renamed step's id."""

    def __init__(self, steps: Any, renaming: Renaming) -> None:
        super().__init__()
        self._steps, self._renaming = steps, renaming

    def __missing__(self, sid: int) -> int:
        steps = self._steps
        out = self[sid] = steps.step_id(self._renaming.key(steps.step_list[sid]))
        return out


def _check_edge(system: System, steps: Any, state: State, x_steps: set, image: State,
                r: Renaming, rename: Callable[[Any], tuple[int, ...]],
                step_props: list, bounded: bool) -> None:
    """Along one edge x -> r(x) of an orbit: each step's step properties and action
    constraint agree with its renamed step's, and (with a state constraint) each
    successor's bounds with its image's (a successor cut by the constraint is never
    stored, so nothing else compares it)."""
    where = f"system {system.name!r}"
    decode = steps.store.decode
    for sid, new in x_steps:
        k, after = steps.step_list[sid], decode(new)
        rk, rafter = r.key(k), decode(rename(new))
        if bounded and system.within_bounds(after) != system.within_bounds(rafter):
            raise ModelError(f"the state constraint is not symmetric under {_words(r)} (on a "
                             "successor and its image)", where=where, fix=_FIX)
        _check_step(system, r, step_props, (state, k, after), (image, rk, rafter))


def _check_step(system: System, r: Renaming, step_props: list, step: tuple[State, Any, State],
                renamed: tuple[State, Any, State]) -> None:
    """One step and its renamed image agree on the action constraint and every step
    property (a ModelError names what differs)."""
    where = f"system {system.name!r}"
    if system.action_constraint is not None and system.allows(*step) != system.allows(*renamed):
        raise ModelError(f"action_constraint= is not symmetric under {_words(r)}",
                         where=where, fix=_FIX)
    (state, k, after), (image, rk, rafter) = step, renamed
    for p in step_props:
        if call_predicate(p, system.view(state), k, system.view(after)) != \
                call_predicate(p, system.view(image), rk, system.view(rafter)):
            raise ModelError(f"is not symmetric under {_words(r)}: it differs on step "
                             f"{_step_words(k)} and on its renamed image", where=where,
                             prop=p.name, fix=_FIX)


def _check_state(system: System, state: State, renamings: list[Renaming]) -> None:
    """The properties, bounds, steps, action constraint and step properties of `state` and
    of its image under each renaming agree (a ModelError names what differs)."""
    where = f"system {system.name!r}"
    state_props = [p for p in system.properties if p.kind in ("always", "sometimes")]
    step_props = [p for p in system.properties if p.kind == "step"]
    steps = system.successors(state)
    images: dict[State, set] = {}  # an image's steps, once per distinct image
    for r in renamings:
        image = r.state(state)
        for p in state_props:
            if call_predicate(p, system.view(state)) != call_predicate(p, system.view(image)):
                raise ModelError(f"is not symmetric under {_words(r)}: it differs on a "
                                 "state and on that state with the instances renamed",
                                 where=where, prop=p.name, fix=_FIX)
        if system.within_bounds(state) != system.within_bounds(image):
            raise ModelError(f"the state constraint or max_in_flight is not symmetric "
                             f"under {_words(r)}", where=where, fix=_FIX)
        image_steps = images.get(image)
        if image_steps is None:
            image_steps = images[image] = set(system.successors(image))
        expected = {(r.key(k), r.state(after)) for k, after in steps}
        if expected != image_steps:
            odd = min(expected ^ image_steps, key=repr)[0]
            raise ModelError(f"the model's steps are not symmetric under {_words(r)}: "
                             f"a state and its renamed image do not have renamed steps "
                             f"(step {_step_words(odd)} has no counterpart)", where=where,
                             fix=_FIX)
        for k, after in steps:
            _check_step(system, r, step_props, (state, k, after),
                        (image, r.key(k), r.state(after)))


def _words(r: Renaming) -> str:
    return "the renaming " + ", ".join(f"{a} -> {b}" for a, b in r.names.items())


def _step_words(key: StepKey) -> str:
    return f"{key.actor}: {key.transition}"


def symmetric_trace_to(system: System, canonical: Canonical, encode: Callable[[State], Any],
                       decode: Callable[[Any], State], core: Any,
                       compact: bool) -> Callable[..., Trace]:
    """trace_to(index, tail, note) for safety_verdicts after a symmetry-reduced search
    (module doc). `compact`: the core kept fingerprints, not rows."""

    def row(state: State) -> tuple[int, ...]:
        return tuple(canonical(encode(state)))

    def matches(j: int, state: State) -> bool:
        if compact:
            return fingerprint(row(state)) == core.fingerprint_at(j)
        return row(state) == tuple(core.unpack(j))

    def trace_to(index: int, tail: tuple[StepKey, State] | None, note: str) -> Trace:
        path = core.path_to(index)
        initial = system.initial_states()
        run = [next(s for s in initial if matches(path[0], s))]
        for j in path[1:]:
            run.append(next((after for _, after in system.successors(run[-1])
                             if matches(j, after)), None) or _no_replay(system, j))
        end = decode(row(run[-1]))  # the canonical state the search judged
        rename = Renaming(system, canonical.last_perm)  # the permutation that gave it
        states = [rename.state(s) for s in run]
        if states[-1] != end or states[0] not in initial:
            _no_replay(system, path[0])
        steps = []
        for before, after in pairwise(states):
            key = next((k for k, nxt in system.successors(before) if nxt == after), None)
            steps.append(key if key is not None else _no_replay(system, index))
        if tail is not None:
            steps.append(tail[0])
            states.append(tail[1])
        return Trace(tuple(states), tuple(steps), note)

    return trace_to


def _no_replay(system: System, j: int) -> Any:
    raise ModelError(f"symmetry: the path to state {j} of the reduced search has no "
                     "counterpart in the unreduced system, so the model's steps are not "
                     f"symmetric in {', '.join(' '.join(s) for s in system.symmetry)}",
                     where=f"system {system.name!r}", fix=_FIX)
