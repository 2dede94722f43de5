"""mcfsm: a protocol state-machine verifier for the 3GPP MC migration procedures.

Data flows one way: declarations (messages, roles, system) -> successor function ->
explorers -> reports -> CLI.
"""

from .check.expectations import unexpected_verdicts
from .check.search.explorer import Budget, Result, Trace, Verdict, explore
from .errors import McfsmError, ModelError, UsageError
from .lang.faults import Duplication, Loss, Reorder, SwitchOff
from .lang.findings import (
    AGAINST,
    CHOICE,
    CR_DEMONSTRATION,
    DECIDES,
    FIX_PROPERTY,
    GAP_IN_THE_TEXT,
    LEFT_OUT,
    MODEL_ARTEFACT,
    SUPPORTS,
    TRADE_OFF,
    UNDER_REVIEW,
    Assumption,
    Chart,
    Fact,
    Finding,
)
from .lang.initial import one_of
from .lang.loader import load_path
from .lang.messages import M, Message, O
from .lang.model import Model, Variant
from .lang.monitors import Monitor
from .lang.properties import (
    AllOf,
    Property,
    all_of,
    always,
    always_eventually,
    eventually,
    leads_to,
    sometimes,
    step,
)
from .lang.roles import ANY_STATE, Role, Transition, Var
from .lang.state_actions import StateActions
from .lang.system import Instance, Network, Param, StepKey, System, View
from .lang.timers import ROUND_TRIP, Expiry, RoundTrip, Span, Timeout, Timer, Transaction

__all__ = [
    "AGAINST", "ANY_STATE", "CHOICE", "CR_DEMONSTRATION", "DECIDES", "FIX_PROPERTY",
    "GAP_IN_THE_TEXT", "LEFT_OUT", "MODEL_ARTEFACT", "ROUND_TRIP", "SUPPORTS", "TRADE_OFF",
    "UNDER_REVIEW",
    "AllOf", "Assumption", "Budget", "Chart", "Duplication", "Expiry", "Fact", "Finding",
    "Instance", "Loss", "M",
    "McfsmError", "Message", "Model",
    "ModelError", "Monitor",
    "Network", "O", "Param", "Property", "Reorder", "Result", "Role", "RoundTrip", "Span",
    "StateActions",
    "StepKey",
    "SwitchOff", "System",
    "Timeout", "Timer", "Trace", "Transaction",
    "Transition", "UsageError", "Var", "Variant", "Verdict", "View", "all_of", "always",
    "always_eventually", "eventually", "explore", "leads_to", "load_path", "one_of", "sometimes",
    "state_machine", "step", "unexpected_verdicts",
]


def __getattr__(name: str) -> object:
    # `state_machine` needs hypothesis and transitions (about 0.15 s to import): loaded on
    # first use, so that `mcfsm check`, which never runs them, starts that much sooner.
    if name == "state_machine":
        from .check.runtime.stateful import state_machine

        return state_machine
    raise AttributeError(f"module 'mcfsm' has no attribute {name!r}")
