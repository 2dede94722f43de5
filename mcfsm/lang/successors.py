"""The successor function of a System (a mixin): from a global state, every enabled step
and its successor state. Model code (choices, guards, actions) runs under the model-code
guard in `local_step`; check/state/steps.py memoizes exactly that call."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..errors import ModelError
from .channels import check_capacity
from .context import Context, OwnValues, Read, _ReadLocal
from .guard import model_code_error
from .inboxes import _replace, canonical_key
from .messages import Message
from .monitors import observe, receipt
from .records import (
    SHARED_OWNER,
    Instance,
    LocalOutcome,
    Network,
    State,
    StepCut,
    StepKey,
    Successor,
    Unhandled,
    Writes,
    _make,
)
from .roles import Transition, Variables


class Successors:
    """System.successors, expand and local_step (see the module doc)."""

    def successors(self, state: State) -> list[tuple[StepKey, State]]:
        """The successor function: every enabled step and the state it leads to."""
        return [(key, nxt) for key, nxt, _, _ in self.expand(state)[0]]

    def expand(self, state: State) -> tuple[list[Successor], list[Unhandled]]:
        """Every enabled step with its successor, and every unhandled deliverable message.

        Each successor also names the slots it changed and its step's coverage id, so the
        explorer re-interns only what changed and counts coverage in a flat list."""
        out: list[Successor] = []
        unhandled: list[Unhandled] = []
        n = len(self.instances)
        for k, inst in enumerate(self.instances):
            local = state[2 + k]
            for t, tid in self._internal[k][local.state]:
                self._fire(state, k, inst, t, tid, local, None, None, None, out)
            inbox = state[2 + n + k]
            if not inbox:
                continue
            receive = self._receive[k]
            deferred = self._deferred[k]
            for sender, msg, rest in (self._deliverable(inbox, k) if deferred is None else
                                      self._deliverable_deferring(inbox, deferred, local.state,
                                                                  k)):
                candidates = receive.get((local.state, type(msg)))
                if candidates is None:
                    ignored_in = self._ignored[k].get(type(msg))
                    if ignored_in is not None and local.state in ignored_in:
                        if rest is not None:
                            name = "ignore " + type(msg).__name__
                            out.append((StepKey(inst.name, name, "ignore",
                                                self.instances[sender].name, msg),
                                        _replace(state, 2 + n + k, rest), (2 + n + k,),
                                        self.coverage_id(inst.name, name)))
                    elif self.network is not Network.PERSISTENT:
                        unhandled.append(Unhandled(inst.name, local.state,
                                                   self.instances[sender].name, msg))
                    continue
                for t, tid in candidates:
                    self._fire(state, k, inst, t, tid, local, sender, msg, rest, out)
        if self.loss or self.duplication:
            self._faults(state, out)
        return out, unhandled

    def coverage_id(self, actor: str, transition: str) -> int:
        """A small integer per (instance, transition) for the explorer's coverage counters."""
        key = (actor, transition)
        tid = self._coverage_ids.get(key)
        if tid is None:
            tid = self._coverage_ids[key] = len(self.coverage_names)
            self.coverage_names.append(key)
        return tid

    def _fire(self, state: State, k: int, inst: Instance, t: Transition, tid: int, local: Any,
              sender: int | None, msg: Message | None, rest: Any, out: list[Successor]) -> None:
        """The reference (unmemoized) step: run the model code, then assemble each successor.
        The compiled engine (check/state/steps.py) runs the same `local_step` once per distinct
        local step and assembles successors from tables; tests/test_compiled_steps.py checks
        that both give the same successors."""
        sender_name = None if sender is None else self.instances[sender].name
        kind = "internal" if msg is None else "receive"
        n = len(self.instances)
        for arg, new_local, new_shared, sends in self.local_step(state, k, t, local, sender, msg)[0]:
            nxt = list(state)
            changed = []
            if rest is not None:
                nxt[2 + n + k] = rest
                changed.append(2 + n + k)
            if new_local != local:
                nxt[2 + k] = new_local
                changed.append(2 + k)
            if new_shared is not state[1]:
                nxt[1] = new_shared
                changed.append(1)
            for to, message in sends:
                if to in self.monitor_indices:
                    continue  # an announcement (P's announce): only the monitors observe it
                slot = 2 + n + to
                nxt[slot] = self._inbox_add(nxt[slot], k, message)
                changed.append(slot)
            ended = receipt(t, msg)
            if self.receipt_monitors and ended is not None:  # a reception, then the sends
                for m in self.receipt_monitors:  # (a timeout: the transaction's sender, twice)
                    local_m = observe(self.instances[m], nxt[2 + m], sender_name or inst.name,
                                      inst.name, ended, received=True)
                    if local_m != nxt[2 + m]:
                        nxt[2 + m] = local_m
                        changed.append(2 + m)
            if self.monitors and sends:  # monitors observe the step's sends (monitors.py)
                for m in self.monitor_indices:
                    local_m = nxt[2 + m]
                    for to, message in sends:
                        local_m = observe(self.instances[m], local_m, inst.name,
                                          self.instances[to].name, message)
                    if local_m != nxt[2 + m]:
                        nxt[2 + m] = local_m
                        changed.append(2 + m)
            if self._capacity is not None and not check_capacity(
                    self, nxt, k, [(self.instance_names[to], m) for to, m in sends]):
                continue  # a channel it sends on is full: the sender waits
            out.append((_make(StepKey, (inst.name, t.name, kind, sender_name, msg, arg)),
                        tuple(nxt), tuple(changed), tid))

    def local_step(self, state: State, k: int, t: Transition, local: Any, sender: int | None,
                   msg: Message | None, poll: Callable[[int], bool] | None = None,
                   own: int | None = None,
                   ) -> tuple[list[LocalOutcome], tuple[Read, ...] | None]:
        """Run one transition's model code (choices, guards, actions) for instance k.

        Returns one outcome per enabled choice: (choice, new local, new shared variables,
        sends as (receiver index, message)), the shared record being `state[1]` itself when
        unchanged; and what the code read of other instances (`ctx.world`, `ctx.peers()`),
        in the order read, or None. The outcomes depend only on (k, local, sender, message,
        params, shared) and the values of those reads: the compiled engine memoizes on
        exactly these.

        Choices are taken lazily; `poll` (the explorer's budget check) is called every 256
        choices with the number taken so far and, when it returns True, the step is
        abandoned with StepCut, so a step with very many choices cannot outlast the time
        limit, a stop request or the state budget.

        `own` (the local's slot): the code's reads of its own local are recorded too, as
        (own, field), and each outcome's new local is what the step wrote (records.Writes),
        so that the outcomes depend on the values of the fields read, not the whole local
        (steps.py memoizes an instance whose local differs in nearly every state so)."""
        if not (t.conditions or t.after or t.choices):
            # A pure state change (and/or consumption): no model code to run.
            if own is not None:
                return [(None, Writes(t.dest, ()), state[1], ())], ()
            dest = local.state if t.dest is None else t.dest
            new = local if dest == local.state else _make(type(local), (dest, *local[1:]))
            return [(None, new, state[1], ())], None
        inst = self.instances[k]
        sender_name = None if sender is None else self.instances[sender].name
        ctx = Context(self, state, inst.name, local, msg, sender_name, t)
        seen: Any = local  # what guards see as ctx.v: the local, or a record noting reads
        if own is not None:
            ctx.reads = {}
            seen = ctx.local = ctx.v = _ReadLocal(local, own, ctx.reads)
        outcomes: list[LocalOutcome] = []
        cut = False
        what = "choices="  # which model code runs, for the guard's message
        try:
            args: Iterable[Any] = (None,) if t.choices is None else _in_order(t.choices(ctx))
            for count, arg in enumerate(args):
                if poll is not None and not count & 255 and poll(count):
                    cut = True
                    break
                ctx.arg = arg
                ctx.v = seen
                ctx.shared = state[1]
                enabled = True
                what = "a guard (conditions=)"
                for cond in t.conditions:
                    if not cond(ctx):
                        enabled = False
                        break
                if enabled:
                    what = "an action (after=)"
                    outcomes.append(self._apply(state, k, t, local, ctx, arg) if own is None
                                    else self._writes(state, k, t, local, ctx, arg, own))
        except BaseException as exc:  # the model-code guard (guard.py): say where
            if isinstance(exc, ModelError):
                raise _in_context(exc, inst, t) from exc.__cause__
            raise _in_context(model_code_error(exc, what=what, fix=f"fix {what}"),
                              inst, t) from exc
        if cut:
            raise StepCut()
        return outcomes, None if ctx.reads is None else tuple(ctx.reads)

    def _apply(self, state: State, k: int, t: Transition, local: Any, ctx: Context,
               arg: Any) -> LocalOutcome:
        ctx._sends = []
        ctx._armed_now = set()
        new_shared = state[1]
        if t.after:
            values = dict(zip(local._fields[1:], local[1:]))
            new_shared = self._run_actions(state, k, t, ctx, values)
            # a computed destination: the last action (state_actions.py) chose it
            dest = (ctx._dest or local.state) if t.dynamic else \
                local.state if t.dest is None else t.dest
            new_local = _make(type(local), (dest, *values.values()))
            if new_local == local:
                new_local = local
        elif t.dest is not None and t.dest != local.state:
            new_local = _make(type(local), (t.dest, *local[1:]))
        else:
            new_local = local
        sends = tuple((self._index[to], message) for to, message in ctx._sends)
        return arg, new_local, new_shared, sends


    def _writes(self, state: State, k: int, t: Transition, local: Any, ctx: Context,
                arg: Any, own: int) -> LocalOutcome:
        """_apply where the reads of the own local are recorded: the new local as the
        variables the actions assigned (records.Writes), every read of one not yet assigned
        noted in ctx.reads."""
        ctx._sends = []
        ctx._armed_now = set()
        new_shared = state[1]
        assigned: tuple[tuple[int, Any], ...] = ()
        dest = t.dest
        if t.after:
            fields = local._fields
            values = OwnValues(zip(fields[1:], local[1:]), own, ctx.reads)  # type: ignore[arg-type]
            new_shared = self._run_actions(state, k, t, ctx, values)
            if t.dynamic:  # the last action (state_actions.py) chose it
                dest = ctx._dest
            assigned = tuple((position, dict.__getitem__(values, name))
                             for position, name in enumerate(fields) if name in values.assigned)
        sends = tuple((self._index[to], message) for to, message in ctx._sends)
        return arg, Writes(dest, assigned), new_shared, sends


    def _run_actions(self, state: State, k: int, t: Transition, ctx: Context,
                     values: dict[str, Any]) -> Any:
        """Run t's actions on the variables `values` (assigned in place) and the shared
        variables: the shared record after them, `state[1]` itself when unchanged."""
        ctx.v = Variables(self._var_types[k], values, self._var_owner[k])
        shared_values = None
        if self.shared:
            shared_values = state[1]._asdict()
            ctx.shared = Variables(self._shared_types, shared_values, SHARED_OWNER)
        for cb in t.after:
            cb(ctx)
        if shared_values is not None:
            candidate = self._Shared(*shared_values.values())
            if candidate != state[1]:
                return candidate
        return state[1]


def _in_order(choices: Iterable[Any]) -> Iterable[Any]:
    """A choices= result as the steps take it: sets in canonical order, other iterables
    as the model orders them (generators are consumed lazily)."""
    if isinstance(choices, frozenset | set):
        return sorted(choices, key=canonical_key)
    return choices


def _in_context(exc: ModelError, inst: Instance, t: Transition) -> ModelError:
    if exc.role and exc.transition:
        return exc
    return exc.replaced(role=f"{inst.role.name} ({inst.name})", transition=t.name,
                        clause=t.clause)
