"""mcfsm: a protocol state-machine verifier for the 3GPP MC migration procedures.

Data flows one way: declarations (messages, roles, system) -> successor function ->
explorers -> reports -> CLI.
"""

from .errors import McfsmError, ModelError, UsageError
from .explorer import Budget, Result, Trace, Verdict, explore
from .messages import M, Message, O
from .model import Model, Variant
from .properties import Property, always, sometimes, step
from .roles import ANY_STATE, Role, Transition, Var
from .system import Instance, Network, Param, StepKey, System, View

__all__ = [
    "ANY_STATE", "Budget", "Instance", "M", "McfsmError", "Message", "Model", "ModelError",
    "Network", "O", "Param", "Property", "Result", "Role", "StepKey", "System", "Trace",
    "Transition", "UsageError", "Var", "Variant", "Verdict", "View", "always", "explore",
    "sometimes", "step",
]
