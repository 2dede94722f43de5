"""Entry and exit actions per state (`transitions`' on_enter/on_exit, P's entry/exit):
written once per state instead of copied into every transition that enters or leaves it.

    Role(..., on_enter={"connected": StateActions([start_timer], sends=[Timer])},
              on_exit={"connected": [stop_timer]})

They are compiled into the transitions when the role is built, so every engine (the
exhaustive explorer, the hypothesis runtime) runs the same `after` list: a transition that
changes state runs the source state's exit actions, its own actions, then the destination's
entry actions; a transition with dest=None (an internal step) runs neither; a reflexive
one (dest equal to its source) runs both, as `transitions` and P do. Messages the entry
and exit actions send are added to the transition's `sends=`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ..errors import ModelError
from .messages import Message

Action = Callable[[Any], None]


@dataclasses.dataclass(frozen=True)
class StateActions:
    """The actions run on entering (or leaving) a state, and the message types they send."""

    actions: Sequence[Action]
    sends: Sequence[type[Message]] = ()


def normalise(value: Mapping[str, Any] | None, states: Sequence[str], role: str,
              field: str) -> dict[str, StateActions]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ModelError(f"{field}={value!r} is not a dict", role=role,
                         fix=f"pass {field}={{'state': [action, ...]}}")
    out = {}
    for state, entry in value.items():
        if state not in states:
            raise ModelError(f"{field} names state {state!r}, which the role does not declare",
                             role=role, fix=f"use one of {list(states)}")
        if callable(entry):
            entry = StateActions((entry,))
        elif not isinstance(entry, StateActions):
            if isinstance(entry, str | bytes) or not isinstance(entry, Iterable):
                raise ModelError(f"{field}[{state!r}] is {entry!r}", role=role,
                                 fix="pass an action, a list of actions, or "
                                     "StateActions([...], sends=[...])")
            entry = StateActions(tuple(entry))
        if not all(callable(a) for a in entry.actions):
            raise ModelError(f"{field}[{state!r}] holds something that is not a function",
                             role=role, fix="pass functions of the step context")
        if not all(isinstance(m, type) and issubclass(m, Message) for m in entry.sends):
            raise ModelError(f"{field}[{state!r}] sends= holds something that is not a "
                             "Message class", role=role, fix="list Message subclasses")
        out[state] = StateActions(tuple(entry.actions), tuple(entry.sends))
    return out


def with_state_actions(t: Any, enter: dict[str, StateActions], leave: dict[str, StateActions],
                       all_states: Sequence[str], any_state: str) -> Any:
    """The transition with the entry and exit actions it triggers folded into `after`."""
    if callable(t.dest):
        return _with_computed_dest(t, enter, leave, all_states, any_state)
    if t.dest is None or (not enter and not leave):
        return t
    sources = tuple(all_states) if any_state in t.sources else t.sources
    exits = {s: leave[s] for s in sources if s in leave}
    entry = enter.get(t.dest)
    if not exits and entry is None:
        return t

    def run_exit(ctx: Any) -> None:
        actions = exits.get(ctx.state)
        if actions is not None:
            for action in actions.actions:
                action(ctx)

    def run_entry(ctx: Any) -> None:
        if entry is not None:
            for action in entry.actions:
                action(ctx)

    run_exit.__qualname__ = f"exit actions of {'/'.join(exits) or 'no state'}"
    run_entry.__qualname__ = f"entry actions of {t.dest}"
    sends = list(t.sends)
    for extra in (*exits.values(), *((entry,) if entry else ())):
        sends += [m for m in extra.sends if m not in sends]
    after = ((run_exit,) if exits else ()) + tuple(t.after) + ((run_entry,) if entry else ())
    return dataclasses.replace(t, after=after, sends=tuple(sends))


def _with_computed_dest(t: Any, enter: dict[str, StateActions], leave: dict[str, StateActions],
                        all_states: Sequence[str], any_state: str) -> Any:
    """A transition whose destination a function computes (`dest=f, dests=(...)`), in P's
    order: its own actions (the handler), then `choose` calls f and checks the state it
    returns against dests (a ModelError naming the transition otherwise), leaves it on the
    context as `_dest` for the engine (successors.py, runtime.py), and runs the exit
    actions of the state left and the entry actions of the state chosen. A state returned
    is a change of state, its own source too (P's `goto` to the state it is in: exit and
    entry both run); None is P's handler without a goto: the role stays, and neither runs
    (a counter an exit action resets survives)."""
    sources = tuple(all_states) if any_state in t.sources else t.sources
    exits = {s: leave[s] for s in sources if s in leave}
    fn = t.dest
    allowed = tuple(t.dests) if isinstance(t.dests, Iterable) and not isinstance(t.dests, str) \
        else ()

    def run_exit(ctx: Any) -> None:
        actions = exits.get(ctx.state)
        if actions is not None:
            for action in actions.actions:
                action(ctx)

    def choose(ctx: Any) -> None:
        dest = fn(ctx)
        if dest is not None and dest not in allowed:
            raise ModelError(f"dest= returned {dest!r}, which is not among dests={allowed!r}",
                             fix=f"return one of {list(allowed)}, or add {dest!r} to dests= "
                                 "(and to the role's states), or None to stay (P's handler "
                                 "without a goto)")
        ctx._dest = dest
        if dest is None:  # stays: no exit, no entry
            return
        run_exit(ctx)
        entry = enter.get(dest)
        if entry is not None:
            for action in entry.actions:
                action(ctx)

    run_exit.__qualname__ = f"exit actions of {'/'.join(exits) or 'no state'}"
    choose.__qualname__ = f"the destination of {t.name or t.trigger_name}"
    sends = list(t.sends)
    for extra in (*exits.values(), *(enter[d] for d in allowed if d in enter)):
        sends += [m for m in extra.sends if m not in sends]
    after = tuple(t.after) + (choose,)  # the exit runs in choose, once a state is chosen
    return dataclasses.replace(t, after=after, sends=tuple(sends))
