"""The model-code guard: whatever model code does (guards, actions, choices, property
predicates, constraint=, final=, variant functions, the model file itself), mcfsm decides
the exit code. Any exception it raises, SystemExit and KeyboardInterrupt included, becomes
one ModelError that names the model file and line, the role, transition or property, the
clause, and how to fix it.

Hot loops keep their own `try`/`except BaseException` (free in CPython 3.11 when nothing is
raised) and call `model_code_error` in the handler; cold paths call `call_model` or
`call_predicate`. A KeyboardInterrupt is left alone only while Python's default SIGINT
handler is installed, because it may then be a real Ctrl-C; the CLI installs its own
handler (mcfsm/interrupt.py), so under the CLI every KeyboardInterrupt seen here was
raised by model code.
"""

from __future__ import annotations

import inspect
import os
import signal
import sysconfig
import traceback
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import McfsmError, ModelError, UserInterrupt

_MCFSM_DIR = str(Path(__file__).resolve().parent.parent) + os.sep
_LIBRARY_DIRS = tuple({str(Path(p).resolve()) + os.sep
                       for key in ("stdlib", "platstdlib", "purelib", "platlib")
                       if (p := sysconfig.get_paths().get(key))})

DEBUG_HINT = "MCFSM_DEBUG=1 shows the Python traceback"


def is_real_interrupt(exc: BaseException) -> bool:
    """Whether a KeyboardInterrupt may come from the user rather than from model code."""
    return isinstance(exc, UserInterrupt) or (isinstance(exc, KeyboardInterrupt) and (
        signal.getsignal(signal.SIGINT) is signal.default_int_handler))


def model_code_error(exc: BaseException, *, what: str, fn: Callable[..., Any] | None = None,
                     role: str | None = None, transition: str | None = None,
                     clause: str | None = None, prop: str | None = None,
                     fix: str = "", where: str | None = None) -> ModelError:
    """The ModelError for an exception raised by model code (`what` says which code:
    "a guard", "the predicate", ...). Re-raises a real Ctrl-C unchanged."""
    if is_real_interrupt(exc):
        raise exc
    if isinstance(exc, ModelError):
        return exc.replaced(role=exc.role or role, transition=exc.transition or transition,
                            clause=exc.clause or clause, prop=exc.prop or prop,
                            where=exc.where or where, at=exc.at or model_line(exc, fn))
    if isinstance(exc, SystemExit):
        problem = f"{what} called sys.exit({exc.code!r})"
        fix = fix or "model code must not exit; return a value or raise nothing"
    elif isinstance(exc, KeyboardInterrupt):
        problem = f"{what} raised KeyboardInterrupt"
        fix = fix or "model code must not raise KeyboardInterrupt"
    elif isinstance(exc, McfsmError):
        problem = f"{what} raised {type(exc).__name__}: {exc}"
    else:
        detail = str(exc)
        problem = f"{what} raised {type(exc).__name__}" + (f": {detail}" if detail else "")
    return ModelError(problem, fix=(fix or f"fix {what}") + f"; {DEBUG_HINT}", role=role,
                      transition=transition, clause=clause, prop=prop, where=where,
                      at=model_line(exc, fn))


def call_model(fn: Callable[..., Any], *args: Any, what: str, role: str | None = None,
               transition: str | None = None, clause: str | None = None,
               prop: str | None = None, where: str | None = None) -> Any:
    """Call model code; any exception becomes a located ModelError."""
    try:
        return fn(*args)
    except BaseException as exc:
        if os.environ.get("MCFSM_DEBUG") and not isinstance(exc, McfsmError):
            raise
        raise model_code_error(exc, what=what, fn=fn, role=role, transition=transition,
                               clause=clause, prop=prop, where=where) from exc


def call_predicate(prop: Any, *args: Any) -> bool:
    """Evaluate a property's predicate (always/sometimes: view; step: before, step, after)."""
    result = call_model(prop.predicate, *args, what="the predicate", prop=prop.name,
                        clause=prop.clause)
    return predicate_value(prop, result)


def predicate_value(prop: Any, result: Any) -> bool:
    """A predicate's result as a verdict; None (a forgotten `return`) is a model error."""
    if result is None:
        raise none_result_error(prop)
    try:
        return bool(result)
    except BaseException as exc:
        raise model_code_error(exc, what="the truth value of the predicate's result",
                               prop=prop.name, clause=prop.clause) from exc


def none_result_error(prop: Any) -> ModelError:
    return ModelError("the predicate returned None", prop=prop.name, clause=prop.clause,
                      at=function_line(prop.predicate),
                      fix="return True or False (is a `return` missing?)")


def model_line(exc: BaseException, fn: Callable[..., Any] | None = None) -> str | None:
    """file:line of the innermost frame of model code in the traceback (neither mcfsm nor
    a library), else where `fn` is defined."""
    frames = traceback.extract_tb(exc.__traceback__)
    for frame in reversed(frames):
        name = frame.filename
        if name.startswith("<") or _is_library(name):
            continue
        return f"{shown_path(name)}:{frame.lineno}"
    return function_line(fn) if fn is not None else None


def function_line(fn: Any) -> str | None:
    code = getattr(fn, "__code__", None)
    if code is None or _is_library(code.co_filename):
        return None
    return f"{shown_path(code.co_filename)}:{code.co_firstlineno}"


def _is_library(filename: str) -> bool:
    try:
        resolved = str(Path(filename).resolve())
    except (OSError, ValueError):
        return False
    return resolved.startswith(_MCFSM_DIR) or resolved.startswith(_LIBRARY_DIRS)


def shown_path(filename: str) -> str:
    """A file name relative to the working folder when it is below it."""
    try:
        return os.path.relpath(filename) if not os.path.relpath(filename).startswith("..") \
            else filename
    except ValueError:
        return filename


# What a plain function can be called with is its code's (the names and counts of its
# arguments) given its defaults: the lambdas a variant function declares are new objects at
# every build of the variant, with the same code, and inspect.signature on each was a fifth
# of building a system
_BINDS: set[tuple[Any, ...]] = set()


def _bind_key(fn: Any, arity: int) -> tuple[Any, ...] | None:
    if (type(fn) is not types.FunctionType or "__signature__" in fn.__dict__
            or "__wrapped__" in fn.__dict__):
        return None
    return (fn.__code__, len(fn.__defaults__ or ()), tuple(fn.__kwdefaults__ or ()), arity)


def check_callable(fn: Any, arity: int, *, what: str, takes: str, role: str | None = None,
                   transition: str | None = None, clause: str | None = None,
                   prop: str | None = None, where: str | None = None) -> None:
    """Declaration-time check that `fn` can be called with `arity` positional arguments."""
    site = {"role": role, "transition": transition, "clause": clause, "prop": prop,
            "where": where}
    if not callable(fn):
        raise ModelError(f"{what} is {_short(fn)}, not a function", fix=f"pass a function of {takes}",
                         **site)
    known = _bind_key(fn, arity)
    if known in _BINDS:
        return
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return  # builtins and C callables: nothing to check before the call
    try:
        signature.bind(*([None] * arity))
        if known is not None:
            _BINDS.add(known)
    except TypeError:
        plural = "argument" if arity == 1 else "arguments"
        raise ModelError(f"{what} {getattr(fn, '__name__', 'function')}{signature} cannot be "
                         f"called with {arity} {plural} ({takes})",
                         fix=f"make it a function of {takes}", at=function_line(fn),
                         **site) from None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def unhashable_error(system: Any, state: tuple, exc: TypeError, key: Any = None) -> Exception:
    """The ModelError for a state (or step) holding a value that cannot be hashed; other
    TypeErrors are returned unchanged (they are not the model's)."""
    if "unhashable" not in str(exc):
        return exc
    step = f" after step {key.actor}: {key.transition}" if key is not None else ""
    culprit = "a value"
    components: list[tuple[str, Any]] = [("a parameter or shared variable", state[0]),
                                         ("a shared variable", state[1])]
    components += [(f"instance {i.name!r}", state[2 + k]) for k, i in enumerate(system.instances)]
    for name, component in components:
        try:
            hash(component)
        except TypeError:
            culprit = name
            fields = getattr(component, "_fields", ())
            for field, value in zip(fields, component):
                try:
                    hash(value)
                except TypeError:
                    culprit = f"variable {field!r} of {name}: {value!r}"
                    break
            break
    if key is not None and culprit == "a value":
        culprit = f"the step's message or choice ({key.message!r}, {key.arg!r})"
    return ModelError(f"{culprit} is not hashable{step} ({exc})", where=f"system {system.name!r}",
                      fix="states must be hashable: use tuple, frozenset, str, int, bool or "
                          f"None; declare the variable's type so assignments are checked; "
                          f"{DEBUG_HINT}")
