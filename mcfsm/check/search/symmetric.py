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
            rk, rafter = r.key(k), r.state(after)
            if system.action_constraint is not None and system.allows(state, k, after) \
                    != system.allows(image, rk, rafter):
                raise ModelError(f"action_constraint= is not symmetric under {_words(r)}",
                                 where=where, fix=_FIX)
            for p in step_props:
                if call_predicate(p, system.view(state), k, system.view(after)) != \
                        call_predicate(p, system.view(image), rk, system.view(rafter)):
                    raise ModelError(f"is not symmetric under {_words(r)}: it differs on "
                                     f"step {_step_words(k)} and on its renamed image",
                                     where=where, prop=p.name, fix=_FIX)


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
