"""A system (product model): role instances, their inboxes under a network semantics,
parameters, shared variables, properties and bounds. Its one job: given an immutable,
hashable global state, list the enabled steps and their successor states.

A global state is a tuple of components, in a fixed slot order:
    (params, shared, local of instance 0..n-1, inbox of instance 0..n-1)
Locals are the roles' named tuples (state, *variables). An inbox holds what is in flight
towards one instance; its shape depends on the network:
    FIFO        tuple of (sender index, tuple of messages), one queue per sender, sorted
    BAG         frozenset of ((sender index, message), count)
    PERSISTENT  frozenset of (sender index, message): sent messages stay and may be read
                again (TLA+'s `msgs` set), so nothing is consumed
Keeping components separate lets the explorer intern each one and store a state as a few
small integers (see check/state/store.py).

The class is split by job: lang/records.py (the records), lang/validation.py (the
declaration checked when built), lang/successors.py (the successor function) and
lang/inboxes.py (network semantics); this module composes them and answers state-level
queries.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from ..errors import ModelError
from .channels import capacity_table, deferred_table
from .context import Context, View
from .fairness import Fairness, FairnessDecl, compile_fairness
from .faults import (
    ChannelDecl,
    Duplication,
    Loss,
    Reorder,
    SwitchOff,
    check_fault_instances,
    check_faults,
    combined,
    loss_witnesses,
    switchable,
)
from .findings import Assumption, Finding
from .guard import call_model
from .inboxes import Inboxes, canonical_key
from .initial import alternatives
from .initial_states import check_initial_sends, correlated, initial_inboxes
from .messages import Message
from .monitors import Monitor, check_monitors, monitor_properties, observe, unhandled_states
from .predicate_atoms import check_state_names
from .properties import Property, deadlock_property, unhandled_property
from .records import (
    NETWORK_ACTOR,
    SHARED_OWNER,
    Constraint,
    Instance,
    LocalOutcome,
    Network,
    Param,
    State,
    StepCut,
    StepKey,
    Successor,
    Unhandled,
)
from .roles import ANY_STATE, Role, Transition, Var
from .successors import Successors
from .symmetry import SymmetryDecl, check_symmetry
from .timers import TIMERS, transaction_properties
from .validation import Validation

# Re-exported: the records and helpers lived here before the split, and callers import them
# from lang.system.
__all__ = ["NETWORK_ACTOR", "SHARED_OWNER", "Constraint", "Context", "Instance",
           "LocalOutcome", "Network", "Param", "State", "StepCut", "StepKey", "Successor",
           "System", "Unhandled", "View", "canonical_key"]


def _assumptions(name: str, declared: Sequence[Assumption]) -> tuple[Assumption, ...]:
    out: dict[str, Assumption] = {}
    for a in declared:
        if not isinstance(a, Assumption):
            raise ModelError(f"assumptions contains {a!r}", where=f"system {name!r}",
                             fix="declare each as Assumption(name, why=..., clause=..., "
                                 "forced=False)")
        if a.name in out:
            raise ModelError(f"two assumptions are named {a.name!r}", where=f"system {name!r}",
                             fix="rename one of them")
        out[a.name] = a
    return tuple(out.values())


_INITIAL = "initial states"  # replayed's memo: its key for the initial states


class System(Validation, Successors, Inboxes):
    """Role instances composed under one network semantics, with properties and bounds."""

    def __init__(
        self,
        name: str,
        *,
        instances: Sequence[Instance],
        network: Network = Network.FIFO,
        loss: ChannelDecl = False,
        duplication: ChannelDecl = False,
        faults: Sequence[Any] = (),
        params: Mapping[str, Param] | None = None,
        shared: Mapping[str, Var] | None = None,
        properties: Sequence[Property] = (),
        constraint: Constraint | None = None,
        action_constraint: Callable[[View, StepKey, View], bool] | None = None,
        max_in_flight: int | None = None,
        capacity: int | Mapping[tuple[str, str], int] | None = None,
        fairness: FairnessDecl = None,
        final: Callable[[View], bool] | None = None,
        check_deadlock: bool = True,
        assumptions: Sequence[Assumption] = (),
        initial_states: Callable[[], Any] | None = None,
        monitors: Sequence[Monitor] = (),
        symmetry: SymmetryDecl | None = None,
        doc: str = "",
    ) -> None:
        self.name = name
        self.assumptions: tuple[Assumption, ...] = _assumptions(name, assumptions)
        # Reviewed findings by property, and whether the model cites a text (Model(clause=)),
        # both set by Model.system for the variant built.
        self.reviewed: dict[str, Finding] = {}
        self.cites_text = False
        self.vacuity_reasons: dict[str, str] = {}  # Model.vacuous_where_so, for this variant
        self.doc = doc
        # Faults (lang/faults.py): one declaration per kind, and the instances that may be
        # switched off, whose roles gain the step and the state for it.
        where = f"system {name!r}"
        declared_faults = check_faults(faults, where)
        self.loss: ChannelDecl = combined(Loss, loss, declared_faults, where)
        self.duplication: ChannelDecl = combined(Duplication, duplication, declared_faults, where)
        self.reorder: ChannelDecl = combined(Reorder, False, declared_faults, where)
        self.switch_offs: tuple[SwitchOff, ...] = tuple(
            f for f in declared_faults if isinstance(f, SwitchOff))
        self.instances: tuple[Instance, ...] = switchable(tuple(instances), self.switch_offs,
                                                          where)
        check_fault_instances([*declared_faults, loss, duplication],
                              [getattr(i, "name", None) for i in self.instances], where)
        self.network = network
        # Monitors (lang/monitors.py) come after the instances: a local slot and an (always
        # empty) inbox each, no step of their own; each step's sends update them.
        self.monitors: tuple[Monitor, ...] = check_monitors(self, monitors)
        self.instances += self.monitors
        self.monitor_indices = tuple(range(len(self.instances) - len(self.monitors),
                                           len(self.instances)))
        self.receipt_monitors = tuple(k for k in self.monitor_indices
                                      if self.instances[k].receipts)
        self.params: dict[str, Param] = dict(params or {})
        self.shared: dict[str, Var] = dict(shared or {})
        self.constraint = constraint
        # TLC's ACTION_CONSTRAINT: a step (before, step, after) it rejects is not taken: its
        # successor is generated (it counts in the total) but neither stored nor explored,
        # as with constraint=; a state whose every step it rejects is not a deadlock.
        self.action_constraint = action_constraint
        self.max_in_flight = max_in_flight
        self.capacity = capacity
        self._final = final
        self.check_deadlock = check_deadlock
        self._validate()
        self.instance_names = [i.name for i in self.instances]
        n = len(self.instances)
        self.slot_count = 2 + 2 * n
        self._local_slot = {inst.name: 2 + k for k, inst in enumerate(self.instances)}
        self._inbox_slot = {inst.name: 2 + n + k for k, inst in enumerate(self.instances)}
        self._index = {inst.name: k for k, inst in enumerate(self.instances)}
        self._instances_of: dict[str, list[str]] = {}
        self._Params = NamedTuple("Params", [(p, Any) for p in self.params])  # type: ignore[misc]
        self._Shared = NamedTuple("Shared", [(s, Any) for s in self.shared])  # type: ignore[misc]
        self._shared_types = {k: v.type for k, v in self.shared.items()}
        self._compile()
        # capacity: per (sender index, receiver index), the most messages in flight on it;
        # a send that would exceed it is not enabled (the sender waits). None: unbounded.
        self._capacity = capacity_table(self, capacity)
        self._deferred = deferred_table(self)
        self.fairness: tuple[Fairness, ...] = compile_fairness(self, fairness)
        # A Loss that names its message kinds is witnessed per kind (lang/faults.py,
        # loss_witnesses): a derived `sometimes` per kind says a message of it is lost.
        # Every declared Transaction: an answer ends only its own (lang/timers.py).
        self.properties: tuple[Property, ...] = self._all_properties(
            [*properties, *loss_witnesses(self.loss), *transaction_properties(self.instances),
             *monitor_properties(self.monitors)])
        check_initial_sends(self)
        # (shared, locals) per declared initial configuration, or None (the product of the
        # one_of alternatives); built once, when the system is built, so errors show then
        # initial_states_cut: why listing them was cut (the command's --time-limit ran out
        # first), or None; a cut system is reported as a search its time limit stopped
        self._correlated, self.initial_states_cut = correlated(self, initial_states)
        check_state_names(self)  # a misspelt state name would make a property vacuous
        # Sets of interchangeable instances (lang/symmetry.py): the explorer stores one
        # state per orbit of their permutations (check/state/symmetry.py).
        self.symmetry: tuple[tuple[str, ...], ...] = check_symmetry(self, symmetry)

    # -- validation -------------------------------------------------------------------------

    # -- compile declarations into dispatch tables (the explorer's hot loop reads these) ----
    def _compile(self) -> None:
        self._coverage_ids: dict[tuple[str, str], int] = {}
        self.coverage_names: list[tuple[str, str]] = []
        self._internal: list[dict[str, list[tuple[Transition, int]]]] = []
        self._receive: list[dict[tuple[str, type], list[tuple[Transition, int]]]] = []
        self._ignored: list[dict[type, frozenset[str]]] = []
        self._var_types: list[dict[str, Any]] = []
        self._var_owner: list[str] = []
        for inst in self.instances:
            role = inst.role
            internal: dict[str, list[tuple[Transition, int]]] = {s: [] for s in role.states}
            if getattr(inst, "strict", False):  # the states its unhandled events lead to
                internal.update((s, []) for s in unhandled_states(role))
            receive: dict[tuple[str, type], list[tuple[Transition, int]]] = {}
            for t in () if inst.observer else role.transitions:  # a monitor takes no step
                tid = self.coverage_id(inst.name, t.name)
                sources = role.states if ANY_STATE in t.sources else t.sources
                for s in sources:
                    if t.receives is None:
                        internal[s].append((t, tid))
                    else:
                        receive.setdefault((s, t.receives), []).append((t, tid))
            self._internal.append(internal)
            self._receive.append(receive)
            self._ignored.append(role.ignores)
            self._var_types.append({k: v.type for k, v in role.variables.items()})
            self._var_owner.append(f"role {role.name!r}")

    def _all_properties(self, declared: Sequence[Property]) -> tuple[Property, ...]:
        out: list[Property] = []
        names: set[str] = set()
        for p in declared:
            if not isinstance(p, Property):
                raise ModelError(f"properties contains {p!r}", where=f"system {self.name!r}",
                                 fix="build properties with always(), sometimes() or step()")
            if p.name in names:
                raise ModelError(f"two properties are named {p.name!r}",
                                 where=f"system {self.name!r}", fix="rename one of them")
            names.add(p.name)
            out.append(p)
        if self.check_deadlock and "no-deadlock" not in names:
            out.append(deadlock_property())
        if self.network is not Network.PERSISTENT and "no-unhandled-message" not in names:
            out.append(unhandled_property())
        return tuple(out)

    # -- the successor function -----------------------------------------------------------
    def instance(self, name: str) -> Instance:
        return self.instances[self._index[name]]

    def restricted(self, choices: Mapping[str, Any]) -> System:
        """The same system with some parameters pinned to one choice each: its initial
        states are those of that choice combination only (the explorer's per-choice runs)."""
        params = dict(self.params)
        for name, value in choices.items():
            if name not in params:
                raise ModelError(f"has no parameter {name!r}", where=f"system {self.name!r}",
                                 fix=f"use one of {sorted(params) or 'no parameters'}")
            if value not in params[name].choices:
                raise ModelError(f"parameter {name!r} has no choice {value!r}",
                                 where=f"system {self.name!r}",
                                 fix=f"use one of {list(params[name].choices)}")
            params[name] = dataclasses.replace(params[name], choices=(value,))
        clone = copy.copy(self)
        clone.params = params
        return clone

    def choices_named(self, choices: Sequence[str], *, what: str = "names",
                      variant: str = "") -> dict[str, Any]:
        """("p=v", ...), as a finding names choices (the value as its str) -> {p: the
        choice}, or a ModelError that names the parameter or choice the system lacks."""
        where = f"variant {variant!r}" if variant else f"system {self.name!r}"
        chosen: dict[str, Any] = {}
        for choice in choices:
            name, _, value = choice.partition("=")
            param = self.params.get(name)
            if param is None:
                raise ModelError(f"{what} {choice!r}, but {where} has no parameter {name!r}",
                                 fix=f"use one of {sorted(self.params)}")
            matching = [c for c in param.choices if str(c) == value]
            if not matching:
                raise ModelError(f"{what} {choice!r}, but {name} in {where} has no choice "
                                 f"{value!r}", fix="use one of " + ", ".join(
                                     f"{name}={c}" for c in param.choices))
            chosen[name] = matching[0]
        return chosen

    def pinned(self, under: Sequence[str]) -> System:
        """The system with the choices `under` ("p=v", as a finding names them) pinned;
        the system itself when there are none."""
        if not under:
            return self
        return self.restricted(self.choices_named(under, what="the search is restricted to"))

    def initial_states(self) -> list[State]:
        """Every initial state, in a fixed order: each parameter choice times each
        combination of one_of alternatives (shared variables, then each instance), or
        times each declared initial configuration (initial_states=); the inboxes hold the
        instances' initial sends, then the configuration's own `in_flight`
        (lang/initial_states.py). A variant's search restricts the system to one
        combination of choices first (check/choices.py): the whole list is built only for
        a restricted system, or one whose product of choices is small."""
        rests = self._initial_rests()
        return [(self._Params(*combo), *rest)
                for combo in itertools.product(*(p.choices for p in self.params.values()))
                for rest in rests]

    def _initial_rests(self) -> list[tuple[Any, ...]]:
        """The initial states without their parameters, in initial_states' order: they do
        not depend on the choices, so the k-th initial state is combination k // len(rests)
        with rest k % len(rests), counted and read without listing the product."""
        inboxes = initial_inboxes(self)
        declared = [(k, to, msg) for k, inst in enumerate(self.instances)
                    for to, msg in inst.sends]
        if self._correlated is not None:
            configs = self._correlated
        else:
            shared = [self._Shared(*combo) for combo in itertools.product(
                *(alternatives(v.initial) for v in self.shared.values()))]
            locals_ = [i.role.initial_locals(dict(i.init)) for i in self.instances]
            configs = [(sh, locs, ()) for sh in shared for locs in itertools.product(*locals_)]
        out = []
        for sh, locs, in_flight in configs:
            boxes = inboxes if not in_flight else initial_inboxes(self, in_flight)
            if self.monitors:  # the initial sends, offered to the monitors in order
                locs = self.observed(tuple(locs), [*declared, *in_flight])
            out.append((sh, *locs, *boxes))
        return out

    def params_sizes(self) -> str:
        """The parameters with several choices and how many each has, as a refusal names
        them: "p (3,000 choices) x q (3,000 choices) = 9,000,000 combinations"."""
        several = [(n, len(p.choices)) for n, p in self.params.items() if len(p.choices) > 1]
        words = " x ".join(f"{n} ({k:,} choices)" for n, k in several)
        if len(several) < 2:
            return words
        return f"{words} = {self.initial_count([()]):,} combinations"  # one rest: the product

    def initial_count(self, rests: Sequence[Any] | None = None) -> int:
        """len(initial_states()), without listing them."""
        count = len(rests if rests is not None else self._initial_rests())
        for p in self.params.values():
            count *= len(p.choices)
        return count

    def initial_state(self, index: int, rests: Sequence[Any] | None = None) -> State:
        """initial_states()[index], without listing them (IndexError past the end)."""
        rests = rests if rests is not None else self._initial_rests()
        if not 0 <= index < self.initial_count(rests):
            raise IndexError(f"initial state {index} does not exist")
        index, r = divmod(index, len(rests))
        combo = []
        for p in reversed(self.params.values()):  # the last parameter varies fastest
            index, k = divmod(index, len(p.choices))
            combo.append(p.choices[k])
        return (self._Params(*reversed(combo)), *rests[r])

    def initial_index(self, state: State, rests: Sequence[Any] | None = None) -> int:
        """initial_states().index(state), without listing them (ValueError when it is
        none of them)."""
        rests = rests if rests is not None else self._initial_rests()
        index = 0
        for p, value in zip(self.params.values(), state[0], strict=True):
            index = index * len(p.choices) + p.choices.index(value)
        return index * len(rests) + rests.index(tuple(state[1:]))

    def replayed(self, initial: int, steps: Sequence[int], memo: dict[Any, Any],
                 ) -> tuple[list[State], list[StepKey]]:
        """The run from initial state number `initial` that takes, in each state, the
        successor numbered by the next of `steps`: its states and step keys. successors()
        and initial_states() list in a canonical order, so the numbers name the same run in
        every process (how a stored trace is read back). `memo` keeps the initial states and
        each state's successors for the next run: runs share their first states."""
        states = [self.initial_state(initial, self._initial_memo(memo))]
        keys = []
        for index in steps:
            key, nxt = self._successors_memo(states[-1], memo)[index]
            keys.append(key)
            states.append(nxt)
        return states, keys

    def step_numbers(self, states: Sequence[State], keys: Sequence[StepKey],
                     memo: dict[Any, Any]) -> tuple[int, list[int]]:
        """The numbers `replayed` takes to give this run: (the initial state's, each
        step's among its state's successors)."""
        initial = self.initial_index(states[0], self._initial_memo(memo))
        return initial, [self._successors_memo(before, memo).index((key, after))
                         for key, before, after in zip(keys, states, states[1:])]

    def _initial_memo(self, memo: dict[Any, Any]) -> list[tuple[Any, ...]]:
        """The initial states' rests (never the product of the choices: see
        _initial_rests), kept for the next run."""
        if _INITIAL not in memo:  # no state is a str
            memo[_INITIAL] = self._initial_rests()
        return memo[_INITIAL]

    def _successors_memo(self, state: State, memo: dict[Any, Any]) -> list[tuple[StepKey, State]]:
        found = memo.get(state)
        if found is None:
            found = memo[state] = self.successors(state)
        return found

    def observed(self, locals_: tuple[Any, ...], sends: Sequence[tuple[int, str, Message]],
                 ) -> tuple[Any, ...]:
        """The locals with every monitor's after it observed `sends` ((sender index,
        receiver name, message), in the order sent)."""
        out = list(locals_)
        for k in self.monitor_indices:
            for sender, to, msg in sends:
                out[k] = observe(self.instances[k], out[k], self.instances[sender].name, to, msg)
        return tuple(out)

    def _empty_inbox(self) -> Any:
        return () if self.network in (Network.FIFO, Network.INBOX) else frozenset()

    # -- state-level queries used by explorers and reports ---------------------------------
    def view(self, state: State) -> View:
        return View(self, state)

    def is_final(self, state: State) -> bool:
        if self._final is not None:
            return bool(call_model(self._final, View(self, state), what="final=",
                                   where=f"system {self.name!r}"))
        n = len(self.instances)
        for k, inst in enumerate(self.instances):
            if inst.observer:
                continue  # a monitor never holds the system back
            local = state[2 + k]
            if local.state not in inst.role.final:
                return False
            # A transaction still open at its sender has not ended (RFC 3261 17.1: in its
            # answer or its timeout): a run stopped there is a deadlock, not an end, so a
            # timeout that never comes cannot pass for a finished run.
            transactions = inst.role.timer_table.requests
            if transactions and any(a.name in transactions.values()
                                    for a in getattr(local, TIMERS, ())):
                return False
            if self.network is not Network.PERSISTENT and state[2 + n + k]:
                return False
        return True

    @property
    def bounded(self) -> bool:
        """Whether any successor can fall outside the bounds (lets the explorer skip the call)."""
        return (self.max_in_flight is not None or self.constraint is not None
                or self.action_constraint is not None)

    def allows(self, before: State, key: StepKey, after: State) -> bool:
        """Whether the action constraint lets the step be taken (True without one)."""
        if self.action_constraint is None:
            return True
        result = call_model(self.action_constraint, View(self, before), key, View(self, after),
                            what="action_constraint=", where=f"system {self.name!r}")
        if result is None or isinstance(result, (str, bytes)):  # a missing return; always true
            raise ModelError(f"action_constraint= returned {result!r}, not True or False",
                             where=f"system {self.name!r}",
                             fix="return True (the step is taken) or False (it is not); is a "
                                 "`return` or a comparison missing?")
        return bool(result)

    def within_bounds(self, state: State) -> bool:
        """TLC CONSTRAINT semantics: a state outside the bounds is neither counted nor explored."""
        if self.max_in_flight is not None:
            n = len(self.instances)
            for k in range(n):
                if self._inbox_size(state[2 + n + k]) > self.max_in_flight:
                    return False
        return self.constraint is None or bool(call_model(
            self.constraint, View(self, state), what="constraint=", where=f"system {self.name!r}"))



    def instances_of(self, role: Role | str) -> list[str]:
        """Names of the instances of a role (by Role or role name)."""
        name = role if isinstance(role, str) else role.name
        cached = self._instances_of.get(name)
        if cached is None:
            cached = self._instances_of[name] = [i.name for i in self.instances
                                                 if i.role.name == name]
        return cached

    def sent_between(self, state: State, after: State, key: StepKey) -> list[tuple[str, Message]]:
        """The messages step `key` sent, from the state it was taken in and the state it led
        to (what is in flight after and was not before): no model code runs."""
        if self.network is Network.PERSISTENT:
            before = set(self.envelopes(state))
            return [(r, m) for s, r, m in self.envelopes(after) if (s, r, m) not in before]
        return _sent_by_diff(self.envelopes(state), self.envelopes(after), key)

    def __repr__(self) -> str:
        return f"System({self.name!r}, {len(self.instances)} instances, {self.network.value})"


def _sent_by_diff(before: list[tuple[str, str, Message]], after: list[tuple[str, str, Message]],
                  key: StepKey) -> list[tuple[str, Message]]:
    """Messages the step added to inboxes, with multiplicity (FIFO/BAG)."""
    remaining = list(before)
    if key.kind == "receive":
        remaining.remove((key.sender, key.actor, key.message))
    sent = []
    for env in after:
        if env in remaining:
            remaining.remove(env)
        else:
            sent.append((env[1], env[2]))
    return sent











