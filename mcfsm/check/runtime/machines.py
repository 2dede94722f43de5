"""A second, independent execution of a System: every role instance is a real
`transitions.Machine`, driven by its own inboxes and variables.

The explorer compiles declarations into dispatch tables and works on immutable state
tuples; this runtime instead asks the transitions library which triggers a state allows
(`get_triggers`), whether a guard passes (`may_trigger`), and fires them (`trigger`), with
mutable per-instance variables and queues. Both read the same declarations (there is one
of each machine); the differential test checks that they agree. `export()` writes the
runtime's state in the System's canonical form, so states and traces can be compared.
"""

from __future__ import annotations

import functools
import weakref
from collections import Counter
from collections.abc import Callable
from typing import Any

from ...errors import ModelError
from ...lang.guard import model_code_error
from ...lang.messages import Message
from ...lang.monitors import observe, receipt
from ...lang.roles import Role, Transition, Variables
from ...lang.system import SHARED_OWNER, Network, State, StepKey, System, Unhandled, View
from ...lang.timers import set_timer, timer_running


class _Ctx:
    """The step context of the runtime: the same attributes guards and actions use."""

    def __init__(self, runtime: Runtime, k: int, msg: Message | None, sender: str | None,
                 arg: Any, transition: Transition) -> None:
        self._runtime = runtime
        self._k = k
        self._transition = transition
        self.me = runtime.system.instances[k].name
        self.msg = msg
        self.sender = sender
        self.arg = arg
        self.v = runtime._vars[k]
        self.shared = runtime._shared_view
        self._sends: list[tuple[str, Message]] = []
        self._armed_now: set[str] = set()  # timers armed in this step (lang/timers.py)
        self._dest: str | None = None  # a computed destination (state_actions.py sets it)
        self._snapshot: State | None = None
        # The state when the step began: `transitions` has already moved the machine when
        # `after` callbacks run, but model code (exit actions too) reads the source state,
        # as it does in the explorer's Context.
        self._source: str = runtime._models[k].state

    @property
    def _before(self) -> State:
        """The pre-state in canonical form, built only when model code asks for it."""
        if self._snapshot is None:
            self._snapshot = self._runtime.export()
        return self._snapshot

    @property
    def state(self) -> str:
        return self._source

    @property
    def params(self) -> Any:
        return self._runtime.system._Params(*self._runtime._params.values())

    @property
    def local(self) -> Any:
        return self._before[2 + self._k]

    @property
    def world(self) -> View:
        return View(self._runtime.system, self._before)

    def peers(self) -> list[Any]:
        system = self._runtime.system
        role = system.instances[self._k].role
        return [self._before[2 + j] for j, inst in enumerate(system.instances) if inst.role is role]

    def arm(self, timer: str) -> None:
        set_timer(self, self._runtime.system.instances[self._k].role.timer_table, timer, True)

    def cancel(self, timer: str) -> None:
        set_timer(self, self._runtime.system.instances[self._k].role.timer_table, timer, False)

    def armed(self, timer: str) -> bool:
        return timer_running(self, self._runtime.system.instances[self._k].role.timer_table,
                             timer)

    def send(self, to: str, message: Message) -> None:
        if type(message) not in self._transition.sends:
            raise ModelError(f"sends {type(message).__name__}, which is not in its sends=[...]",
                             fix=f"add {type(message).__name__} to sends= of this transition")
        if to not in self._runtime._index:
            raise ModelError(f"sends to unknown instance {to!r}",
                             fix=f"send to one of {list(self._runtime._index)}")
        self._sends.append((to, message))


# Which triggers transitions allows in a state depends on the role's declared transitions
# alone: the machines of a role share their answers (RoleMachine), asked once per role and
# state, not on every step and every guard's look of every run (get_triggers walks every
# event of the machine: a sixth of a simulation's time)
_TRIGGERS: weakref.WeakKeyDictionary[Role, dict[Any, list[str]]] = weakref.WeakKeyDictionary()


class _Model:
    """The model object a transitions.Machine drives for one instance."""

    state: str


Step = tuple[StepKey, Callable[[], None]]


class Runtime:
    """One live execution of a System, starting in the initial state numbered `initial`."""

    def __init__(self, system: System, initial: int = 0) -> None:
        self.system = system
        # The initial states come from the system (parameter choices times one_of sets).
        # read by its number, never listed: a product of many choices has many of them
        count = system.initial_count()
        if not 0 <= initial < count:
            raise ModelError(f"initial state {initial} does not exist",
                             fix=f"choose 0..{count - 1}")
        start = system.initial_state(initial)
        self._params = dict(zip(system.params, start[0]))
        self._shared = dict(zip(system.shared, start[1]))
        self._shared_view = Variables({k: v.type for k, v in system.shared.items()}, self._shared,
                                      SHARED_OWNER, frozen=True)
        self._index = {inst.name: k for k, inst in enumerate(system.instances)}
        self._models: list[_Model] = []
        self._machines: list[Any] = []
        self._vars: list[Variables] = []
        self._values: list[dict[str, Any]] = []
        self._inboxes: list[Any] = []
        for k, inst in enumerate(system.instances):
            role = inst.role
            values = dict(zip(role.variables, start[2 + k][1:]))
            self._values.append(values)
            self._vars.append(Variables({v: d.type for v, d in role.variables.items()}, values,
                                        f"role {role.name!r}", frozen=True))
            machine, model = _take_machine(role)
            if model.state != start[2 + k].state:  # a reused machine, or a correlated
                machine.set_state(start[2 + k].state, model=model)  # initial state
            self._machines.append(machine)
            self._models.append(model)
            self._inboxes.append(self._new_inbox())
        # this runtime's machines serve the next Runtime of the same roles once it is gone
        weakref.finalize(self, _give_back, [(inst.role, machine, model) for inst, machine, model
                                            in zip(system.instances, self._machines,
                                                   self._models, strict=True)])
        # messages in flight at the start (Instance(sends=...)), in the order declared
        for k, inst in enumerate(system.instances):
            for to, message in inst.sends:
                self._deliver(k, to, message)

    # -- the canonical state ------------------------------------------------------------------
    def _new_inbox(self) -> Any:
        net = self.system.network
        return {} if net is Network.FIFO else [] if net is Network.INBOX else Counter() \
            if net is Network.BAG else set()

    def export(self) -> State:
        system = self.system
        locals_ = [inst.role.Local(self._models[k].state, *self._values[k].values())
                   for k, inst in enumerate(system.instances)]
        inboxes = []
        for box in self._inboxes:
            if system.network is Network.FIFO:
                inboxes.append(tuple((s, tuple(q)) for s, q in sorted(box.items()) if q))
            elif system.network is Network.INBOX:
                inboxes.append(tuple(box))
            elif system.network is Network.BAG:
                inboxes.append(frozenset((env, c) for env, c in box.items() if c > 0))
            else:
                inboxes.append(frozenset(box))
        return (system._Params(*self._params.values()), system._Shared(*self._shared.values()),
                *locals_, *inboxes)

    # -- enabled steps --------------------------------------------------------------------------
    def _deliverable(self, k: int, state: State) -> list[tuple[int, Message]]:
        """What instance k may receive in `state` (this runtime's export of now): the
        system's own definition (lang/inboxes.py) applied to this inbox in canonical form,
        so both engines agree on FIFO heads, deferred messages and overtaking."""
        system = self.system
        inbox = state[2 + len(system.instances) + k]
        deferred = system._deferred[k]
        here = self._models[k].state
        found = (system._deliverable(inbox, k) if deferred is None
                 else system._deliverable_deferring(inbox, deferred, here, k))
        return [(sender, msg) for sender, msg, _ in found]

    def _consume(self, k: int, sender: int, msg: Message) -> None:
        box = self._inboxes[k]
        if self.system.network is Network.FIFO:
            box[sender].remove(msg)  # the first equal message: the head, or past deferred ones
        elif self.system.network is Network.INBOX:
            box.remove((sender, msg))
        elif self.system.network is Network.BAG:
            box[(sender, msg)] -= 1

    def _deliver(self, sender: int, to: str, msg: Message) -> None:
        box = self._inboxes[self._index[to]]
        if self.system.network is Network.FIFO:
            box.setdefault(sender, []).append(msg)
        elif self.system.network is Network.INBOX:
            box.append((sender, msg))
        elif self.system.network is Network.BAG:
            box[(sender, msg)] += 1
        else:
            box.add((sender, msg))

    def enabled(self) -> tuple[list[Step], list[Unhandled]]:
        system = self.system
        steps: list[Step] = []
        unhandled: list[Unhandled] = []
        now = self.export()  # once: looking for enabled steps changes nothing
        for k, inst in enumerate(system.instances):
            if inst.observer:
                continue  # a monitor takes no step (its Timeout transitions observe others')
            model, machine, role = self._models[k], self._machines[k], inst.role
            allowed = machine.get_triggers(model.state)
            for t in role.transitions:
                if t.name in allowed and t.receives is None:
                    steps += self._candidates(k, t, None, None)
            for sender, msg in self._deliverable(k, now):
                accepting = [t for t in role.transitions
                             if t.name in allowed and t.receives is type(msg)]
                sender_name = system.instances[sender].name
                if accepting:
                    for t in accepting:
                        steps += self._candidates(k, t, sender, msg)
                elif model.state in role.ignores.get(type(msg), ()):
                    if system.network is not Network.PERSISTENT:
                        name = "ignore " + type(msg).__name__
                        steps.append((StepKey(inst.name, name, "ignore", sender_name, msg),
                                      self._ignore(k, sender, msg)))
                elif system.network is not Network.PERSISTENT:
                    unhandled.append(Unhandled(inst.name, model.state, sender_name, msg))
        if system.loss or system.duplication:
            steps += self._faults()
        return steps, unhandled

    def _candidates(self, k: int, t: Transition, sender: int | None,
                    msg: Message | None) -> list[Step]:
        sender_name = None if sender is None else self.system.instances[sender].name
        probe = _Ctx(self, k, msg, sender_name, None, t)
        args = (None,) if t.choices is None else _call(
            lambda c: tuple(t.choices(c)), probe, self, k, t)  # type: ignore[misc]
        out: list[Step] = []
        for arg in args:
            probe.arg = arg
            if _call(lambda ctx: self._models[k].may_trigger(t.name, ctx=ctx), probe, self, k, t):
                key = StepKey(self.system.instances[k].name, t.name,
                              "internal" if msg is None else "receive", sender_name, msg, arg)
                out.append((key, self._firing(k, t, sender, msg, arg)))
        return out

    def _firing(self, k: int, t: Transition, sender: int | None, msg: Message | None,
                arg: Any) -> Callable[[], None]:
        def fire() -> None:
            sender_name = None if sender is None else self.system.instances[sender].name
            ctx = _Ctx(self, k, msg, sender_name, arg, t)
            if msg is not None and sender is not None:
                self._consume(k, sender, msg)
            if not _call(lambda c: self._models[k].trigger(t.name, ctx=c), ctx, self, k, t):
                raise ModelError("a step that was enabled could not fire",
                                 fix="guards must not depend on anything but the state")
            for to, message in ctx._sends:
                self._deliver(k, to, message)
            ended = receipt(t, msg)
            if self.system.receipt_monitors and ended is not None:
                # a transaction's timeout has no sender: its owner is both ends (monitors.py)
                self._observe(k if sender is None else sender,
                              [(self.system.instances[k].name, ended)], received=True)
            if self.system.monitors and ctx._sends:
                self._observe(k, ctx._sends)
        return fire

    def _observe(self, k: int, sends: list[tuple[str, Message]], received: bool = False) -> None:
        """The monitors observe a step's sends (lang/monitors.py's `observe`, the one
        definition of what observing does; the runtime keeps each monitor's machine and
        variables in step with it)."""
        system = self.system
        sender = system.instances[k].name
        for m in system.receipt_monitors if received else system.monitor_indices:
            inst = system.instances[m]
            local = inst.role.Local(self._models[m].state, *self._values[m].values())
            for to, message in sends:
                local = observe(inst, local, sender, to, message, received)
            if local.state != self._models[m].state:
                self._machines[m].set_state(local.state, model=self._models[m])
            self._values[m].update(zip(inst.role.variables, local[1:]))

    def _ignore(self, k: int, sender: int, msg: Message) -> Callable[[], None]:
        def fire() -> None:
            self._consume(k, sender, msg)
        return fire

    def _faults(self) -> list[Step]:
        """Loss and duplication steps: the system's own definition (lang/inboxes.py) on
        each inbox in canonical form; firing one puts the faulted inbox in place."""
        out: list[Step] = []
        system = self.system
        n = len(system.instances)
        state = self.export()
        seen: set[StepKey] = set()
        for k in range(n):
            for key, new, _ in system.fault_steps(k, state[2 + n + k]):
                if key not in seen:  # equal messages at two places: one step, as in traces
                    seen.add(key)
                    out.append((key, self._set_inbox(k, new)))
        return out

    def _set_inbox(self, k: int, inbox: Any) -> Callable[[], None]:
        def fire() -> None:
            net = self.system.network
            if net is Network.FIFO:
                self._inboxes[k] = {s: list(q) for s, q in inbox}
            elif net is Network.INBOX:
                self._inboxes[k] = list(inbox)
            elif net is Network.BAG:
                self._inboxes[k] = Counter(dict(inbox))
            else:
                self._inboxes[k] = set(inbox)
        return fire


def _call(fn: Callable[[Any], Any], ctx: _Ctx, runtime: Runtime, k: int, t: Transition) -> Any:
    try:
        return fn(ctx)
    except ModelError as exc:
        raise _located(exc, runtime, k, t) from exc
    except BaseException as exc:  # the model-code guard (mcfsm/lang/guard.py)
        raise _located(model_code_error(exc, what="a guard, action or choices=",
                                        fix="fix the guard or action"), runtime, k, t) from exc


def _located(exc: ModelError, runtime: Runtime, k: int, t: Transition) -> ModelError:
    inst = runtime.system.instances[k]
    if exc.role:
        return exc
    return exc.replaced(role=f"{inst.role.name} ({inst.name})", transition=t.name,
                        clause=t.clause)


# Machines no live Runtime drives, per role: the hypothesis bridge starts a Runtime per
# example, and building each instance's transitions.Machine again was a fifth of its time.
# A machine holds nothing of a run but its model's state, which the next Runtime sets.
_FREE: weakref.WeakKeyDictionary[Role, list[tuple[Any, _Model]]] = weakref.WeakKeyDictionary()


def _take_machine(role: Role) -> tuple[Any, _Model]:
    free = _FREE.get(role)
    if free:
        return free.pop()
    model = _Model()
    return _machine(role, model), model


def _give_back(machines: list[tuple[Role, Any, _Model]]) -> None:
    for role, machine, model in machines:
        _FREE.setdefault(role, []).append((machine, model))


def _machine(role: Role, model: _Model) -> Any:
    """The role's transitions.Machine with its guards and actions wrapped to take the
    runtime's context from the event data: guards see read-only variables, and `before`
    (run once the guards pass) unlocks them for the `after` actions."""
    spec = []
    for t in role.transitions:
        conditions = [_guard(g) for g in t.conditions]
        after = [_action(a) for a in t.after]
        if t.dynamic:  # the machine stays put, then moves where the last action chose
            after.append(_move)
        spec.append({"trigger": t.name,
                     "source": "*" if "*" in t.sources else list(t.sources),
                     "dest": None if t.dynamic else t.dest, "conditions": conditions,
                     "before": [_unlock], "after": after})
    return _role_machine()(model=model, states=list(role.states), initial=role.initial,
                           transitions=spec, auto_transitions=False, send_event=True,
                           triggers=_TRIGGERS.setdefault(role, {}))


@functools.cache
def _role_machine() -> type:
    """transitions.Machine whose get_triggers (asked by enabled() and by every may_trigger)
    answers from its role's table: the machine's events are all added when it is built."""
    from transitions import Machine

    class RoleMachine(Machine):  # type: ignore[misc]
        def __init__(self, *args: Any, triggers: dict[Any, list[str]], **kwargs: Any) -> None:
            self.triggers = triggers
            super().__init__(*args, **kwargs)

        def get_triggers(self, *args: Any) -> list[str]:
            if len(args) != 1:
                return super().get_triggers(*args)
            key = getattr(args[0], "name", args[0])  # a State or its name
            found = self.triggers.get(key)
            if found is None:
                found = self.triggers[key] = super().get_triggers(*args)
            return found

    return RoleMachine


def _guard(g: Callable[[Any], bool]) -> Callable[[Any], bool]:
    def check(event: Any) -> bool:
        ctx = event.kwargs["ctx"]
        ctx.v.freeze(True)
        ctx.shared.freeze(True)
        return bool(g(ctx))
    return check


def _move(event: Any) -> None:
    """A computed destination: set the machine's state to the one chosen (`ctx._dest`)."""
    dest = event.kwargs["ctx"]._dest
    if dest is not None:  # None: it stays (P's handler without a goto)
        event.machine.set_state(dest, model=event.model)


def _unlock(event: Any) -> None:
    ctx = event.kwargs["ctx"]
    ctx.v.freeze(False)
    ctx.shared.freeze(False)


def _action(a: Callable[[Any], None]) -> Callable[[Any], None]:
    def run(event: Any) -> None:
        a(event.kwargs["ctx"])
    return run
