"""Source-level mutation operators for benchmarks/mutation.py: one change to the Python code
of a guard, an action or a helper they call, compiled in the function's own globals and
closure and patched into the transitions of a built system.

    swap-statements   two adjacent statements of a block swapped (not the docstring);
    negate-if         an `if` test negated (`if t:` becomes `if not (t):`);
    drop-if           an `if` replaced by its body (`:then`: the test taken as true), or by
                      its `else` part, i.e. removed when it has none (`:else`);
    flip-comparison   one comparison operator of a guard, or of a helper a guard calls,
                      flipped: == and !=, < and >=, <= and >, in and not in, is and is not;
    drop-call         a statement that is only a call of a helper by name (`leave(ctx)`)
                      removed (`ctx.send(...)` is drop-send's, not this one's);
    swap-arguments    two keyword arguments of a message built in the code swapped
                      (`PrivateCallRequest(calling_id=a, called_id=b)` gets calling_id=b,
                      called_id=a): message contents mixed up where they are written, which
                      change-field, one element at a time in what is sent, does not do.

Targets are the functions a transition holds (`conditions`, `after`, `choices`) defined
under models/, and one level of helpers: the model functions those name through their
closure (a helper defined in `build(...)`) or their globals (a module-level helper). A
mutant of a function is one change of its source; it is applied to every transition that
runs the function itself, and to every transition whose function calls it (that caller is
rebuilt with the mutated helper in its closure cell or globals). Properties are untouched:
a property calling the same helper keeps the original.

The source is read from the function's file (the whole module is parsed, so that lambdas
and nested functions are found by name and first line), changed in place, compiled as a
whole module, and the changed function's code object found among the compiled constants
by name and first line; the change is then undone. A change that leaves the function's
syntax tree as it was, or that does not compile, gives no mutant: `not_applicable` counts
it per operator, and it is never counted as killed.
"""

from __future__ import annotations

import ast
import dataclasses
import dis
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

Function = types.FunctionType
OPERATORS = ("swap-statements", "negate-if", "drop-if", "flip-comparison", "drop-call",
             "swap-arguments")

FLIPS: dict[type, type] = {
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.GtE, ast.GtE: ast.Lt,
    ast.LtE: ast.Gt, ast.Gt: ast.LtE, ast.In: ast.NotIn, ast.NotIn: ast.In,
    ast.Is: ast.IsNot, ast.IsNot: ast.Is,
}
SYMBOL = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.GtE: ">=", ast.LtE: "<=",
          ast.Gt: ">", ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not"}


@dataclasses.dataclass(frozen=True)
class SourceMutant:
    op: str
    label: str           # "<op> <module>.<function>+<line offset>[:<detail>]"
    target: types.CodeType  # the original function's code
    code: types.CodeType    # the changed function's code
    change: str          # the changed lines, before -> after, for a reader judging survivors


@dataclasses.dataclass
class Target:
    """A model function reachable from the transitions: its code and how it is used."""

    code: types.CodeType
    kinds: set[str]  # "guard", "action" (after and choices), as a root or one level down


def _in_dirs(code: types.CodeType, dirs: tuple[Path, ...]) -> bool:
    try:
        path = Path(code.co_filename).resolve()
    except (OSError, ValueError):
        return False
    return any(path.is_relative_to(d) for d in dirs)


def _names(code: types.CodeType) -> set[str]:
    """Global names a code object (and the code nested in it) loads; not attribute names,
    which share co_names (`ctx.v.resumed_after` is not the function `resumed_after`)."""
    out = {i.argval for i in dis.get_instructions(code) if i.opname == "LOAD_GLOBAL"}
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            out |= _names(c)
    return out


def called_helpers(fn: Function, dirs: tuple[Path, ...]) -> Iterator[Function]:
    """The model functions `fn` names through its closure cells or its globals."""
    for cell in fn.__closure__ or ():
        try:
            value = cell.cell_contents
        except ValueError:  # an empty cell
            continue
        if isinstance(value, Function) and _in_dirs(value.__code__, dirs):
            yield value
    for name in sorted(_names(fn.__code__)):
        value = fn.__globals__.get(name)
        if isinstance(value, Function) and _in_dirs(value.__code__, dirs):
            yield value


def transition_functions(t: Any) -> Iterator[tuple[Any, str]]:
    for g in t.conditions:
        yield g, "guard"
    for a in t.after:
        yield a, "action"
    if t.choices is not None:
        yield t.choices, "action"


def targets(system: Any, dirs: tuple[Path, ...]) -> dict[types.CodeType, Target]:
    """Every model function a transition of `system` runs, directly or one level down."""
    found: dict[types.CodeType, Target] = {}
    for inst in system.instances:
        for t in inst.role.transitions:
            for fn, kind in transition_functions(t):
                if not isinstance(fn, Function) or not _in_dirs(fn.__code__, dirs):
                    continue
                found.setdefault(fn.__code__, Target(fn.__code__, set())).kinds.add(kind)
                for helper in called_helpers(fn, dirs):
                    if helper.__code__ is not fn.__code__:
                        found.setdefault(helper.__code__,
                                         Target(helper.__code__, set())).kinds.add(kind)
    return found


# -- finding and changing a function's source -------------------------------------------------
_PARSED: dict[str, tuple[ast.Module, list[str]]] = {}


def _module(filename: str) -> tuple[ast.Module, list[str]]:
    if filename not in _PARSED:
        text = Path(filename).read_text()
        _PARSED[filename] = (ast.parse(text, filename), text.splitlines())
    return _PARSED[filename]


def _first_line(node: ast.AST) -> int:
    decorators = getattr(node, "decorator_list", [])
    return min([node.lineno] + [d.lineno for d in decorators])  # type: ignore[attr-defined]


def function_node(tree: ast.Module, code: types.CodeType) -> ast.AST | None:
    """The def or lambda that compiled to `code` (by name and first line); None when none
    or several match (two lambdas on one line)."""
    hits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if node.name == code.co_name and _first_line(node) == code.co_firstlineno:
                hits.append(node)
        elif isinstance(node, ast.Lambda):
            if code.co_name == "<lambda>" and node.lineno == code.co_firstlineno:
                hits.append(node)
    return hits[0] if len(hits) == 1 else None


def find_code(code: types.CodeType, name: str, line: int) -> types.CodeType | None:
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            if c.co_name == name and c.co_firstlineno == line:
                return c
            inner = find_code(c, name, line)
            if inner is not None:
                return inner
    return None


def _walk_own(node: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a function's own code: nested defs and classes are functions of their
    own (targets when a transition reaches them), lambdas and comprehensions are not."""
    body = [node.body] if isinstance(node, ast.Lambda) else node.body  # type: ignore[attr-defined]
    stack: list[ast.AST] = list(body) if isinstance(body, list) else [body]
    found = []
    while stack:
        n = stack.pop()
        found.append(n)
        for child in ast.iter_child_nodes(n):
            if not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                stack.append(child)
    # in source order, so that two changes on one line are numbered left to right
    yield from sorted(found, key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0)))


def _blocks(node: ast.AST) -> Iterator[tuple[list[ast.stmt], bool]]:
    """Statement lists of the function (its body first), and whether the list is the
    function's own body (whose leading docstring is not a statement to move)."""
    if isinstance(node, ast.Lambda):
        return
    yield node.body, True  # type: ignore[attr-defined]
    for n in _walk_own(node):
        for field in ("body", "orelse", "finalbody"):
            value = getattr(n, field, None)
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                yield value, False
        if isinstance(n, ast.Try):
            for h in n.handlers:
                yield h.body, False
        if isinstance(n, ast.Match):
            for case in n.cases:
                yield case.body, False


def _is_docstring(stmt: ast.stmt) -> bool:
    return (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
            and isinstance(stmt.value.value, str))


# An edit: (operator, detail, line of the changed node, do, undo)
Edit = tuple[str, str, int, Callable[[], None], Callable[[], None]]


def _set_list(block: list[ast.stmt], new: list[ast.stmt], at: ast.stmt) -> tuple[Callable, Callable]:
    old = list(block)

    def do() -> None:
        block[:] = new or [ast.copy_location(ast.Pass(), at)]

    def undo() -> None:
        block[:] = old
    return do, undo


def edits(node: ast.AST, kinds: set[str]) -> Iterator[Edit]:
    """Each one-change edit of the function `node`, for the operators that apply to a
    function used as `kinds` (flip-comparison: a guard or a helper a guard calls)."""
    for block, own_body in list(_blocks(node)):
        start = 1 if own_body and block and _is_docstring(block[0]) else 0
        for i in range(start, len(block) - 1):
            a, b = block[i], block[i + 1]
            new = block[:i] + [b, a] + block[i + 2:]
            yield ("swap-statements", f"+{b.lineno - a.lineno}", a.lineno,
                   *_set_list(block, new, a))
        for i, stmt in enumerate(block):
            if isinstance(stmt, ast.If):
                yield ("drop-if", "then", stmt.lineno,
                       *_set_list(block, block[:i] + stmt.body + block[i + 1:], stmt))
                yield ("drop-if", "else", stmt.lineno,
                       *_set_list(block, block[:i] + stmt.orelse + block[i + 1:], stmt))
            elif (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)
                  and isinstance(stmt.value.func, ast.Name)):
                yield ("drop-call", stmt.value.func.id, stmt.lineno,
                       *_set_list(block, block[:i] + block[i + 1:], stmt))
    for n in _walk_own(node):
        if isinstance(n, ast.If):
            yield ("negate-if", "", n.lineno, *_negate(n))
        if (isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                and n.func.id[:1].isupper() and len(n.keywords) > 1):  # a Message built
            named = [k for k in n.keywords if k.arg is not None]
            for i in range(len(named)):
                for j in range(i + 1, len(named)):
                    yield ("swap-arguments", f"{named[i].arg}/{named[j].arg}", n.lineno,
                           *_swap(named[i], named[j]))
        if isinstance(n, ast.Compare) and "guard" in kinds:
            for k, op in enumerate(n.ops):
                if type(op) in FLIPS:
                    yield ("flip-comparison",
                           f"{SYMBOL[type(op)]}/{SYMBOL[FLIPS[type(op)]]}".replace(" ", "_")
                           + (f"@{k + 1}" if len(n.ops) > 1 else ""), n.lineno, *_flip(n, k))


def _negate(n: ast.If) -> tuple[Callable, Callable]:
    test = n.test

    def do() -> None:
        n.test = ast.copy_location(ast.UnaryOp(ast.Not(), test), test)

    def undo() -> None:
        n.test = test
    return do, undo


def _swap(a: ast.keyword, b: ast.keyword) -> tuple[Callable, Callable]:
    va, vb = a.value, b.value

    def do() -> None:
        a.value, b.value = vb, va

    def undo() -> None:
        a.value, b.value = va, vb
    return do, undo


def _flip(n: ast.Compare, k: int) -> tuple[Callable, Callable]:
    ops = list(n.ops)

    def do() -> None:
        n.ops = ops[:k] + [FLIPS[type(ops[k])]()] + ops[k + 1:]

    def undo() -> None:
        n.ops = ops
    return do, undo


def _qualified(code: types.CodeType) -> str:
    qual = getattr(code, "co_qualname", code.co_name).replace(".<locals>", "")
    if "<lambda>" in qual:
        qual += f"@{code.co_firstlineno}"
    return qual


def source_mutants(target: Target, counts: dict[str, int] | None = None
                   ) -> Iterator[SourceMutant]:
    """Every one-change mutant of a target function. `counts[op]` is increased for each
    change that gives no mutant (no change to the syntax tree, or it does not compile)."""
    code = target.code
    tree, lines = _module(code.co_filename)
    node = function_node(tree, code)
    if node is None:
        return
    module = Path(code.co_filename).stem
    where = f"{module}.{_qualified(code)}"
    before = ast.dump(node)
    seen: dict[str, int] = {}
    for op, detail, line, do, undo in list(edits(node, target.kinds)):
        label = f"{op} {where}+{line - node.lineno}" + (f":{detail}" if detail else "")
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:  # the same change twice on one line: numbered in source order
            label += f"~{seen[label]}"
        do()
        try:
            changed = ast.dump(node) != before
            new = None
            if changed:
                ast.fix_missing_locations(tree)
                try:
                    compiled = compile(tree, code.co_filename, "exec")
                    new = find_code(compiled, code.co_name, code.co_firstlineno)
                except (SyntaxError, ValueError):
                    new = None
        finally:
            undo()
        if new is None or not set(new.co_freevars) <= set(code.co_freevars):
            if counts is not None:
                counts[op] = counts.get(op, 0) + 1
            continue
        yield SourceMutant(op, label, code, new, _describe(op, detail, line, lines))


def _describe(op: str, detail: str, line: int, lines: list[str]) -> str:
    original = lines[line - 1].strip()
    if op == "swap-statements":
        other = lines[line - 1 + int(detail)].strip()
        return f"L{line} <-> L{line + int(detail)}: {original} <-> {other}"
    if op == "drop-if":
        return f"L{line}: {original} -> only its {'body' if detail == 'then' else 'else part'}"
    if op == "drop-call":
        return f"L{line}: {original} removed"
    if op == "negate-if":
        return f"L{line}: {original} negated"
    if op == "swap-arguments":
        return f"L{line}: {original} with the values of {detail.replace('/', ' and ')} swapped"
    return f"L{line}: {original} with {detail.split('@')[0].replace('/', ' -> ')}"


# -- applying a mutant to a built system ------------------------------------------------------
def rebuild(fn: Function, code: types.CodeType | None = None,
            globals_: dict[str, Any] | None = None,
            cells: dict[str, Any] | None = None) -> Function:
    """`fn` with another code object, globals or closure cells; the closure is matched by
    free-variable name (a change may drop the only use of one)."""
    code = code or fn.__code__
    by_name = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
    by_name.update(cells or {})
    closure = tuple(by_name[n] for n in code.co_freevars) or None
    new = types.FunctionType(code, fn.__globals__ if globals_ is None else globals_,
                             fn.__name__, fn.__defaults__, closure)
    new.__kwdefaults__ = fn.__kwdefaults__
    new.__qualname__ = fn.__qualname__
    new.__dict__.update(fn.__dict__)
    return new


def mutated_function(fn: Function, mutant: SourceMutant,
                     hits: Callable[[], None] | None = None) -> Function:
    new = rebuild(fn, mutant.code)
    if hits is None:
        return new

    def counted(*args: Any, **kwargs: Any) -> Any:
        hits()
        return new(*args, **kwargs)
    return counted


def transform(fn: Any, mutant: SourceMutant, hits: Callable[[], None] | None = None) -> Any:
    """`fn` as the mutant has it: itself changed, or rebuilt to call a changed helper."""
    if not isinstance(fn, Function):
        return fn
    if fn.__code__ is mutant.target:
        return mutated_function(fn, mutant, hits)
    cells = {}
    for name, cell in zip(fn.__code__.co_freevars, fn.__closure__ or ()):
        try:
            value = cell.cell_contents
        except ValueError:
            continue
        if isinstance(value, Function) and value.__code__ is mutant.target:
            cells[name] = types.CellType(mutated_function(value, mutant, hits))
    globals_ = None
    for name in _names(fn.__code__):
        value = fn.__globals__.get(name)
        if isinstance(value, Function) and value.__code__ is mutant.target:
            if globals_ is None:
                globals_ = dict(fn.__globals__)
            globals_[name] = mutated_function(value, mutant, hits)
    if not cells and globals_ is None:
        return fn
    return rebuild(fn, globals_=globals_, cells=cells)


def apply(system: Any, mutant: SourceMutant, hits: Callable[[], None] | None = None) -> int:
    """Patch the mutant into the system's dispatch tables; how many transitions changed."""
    done: dict[int, Any] = {}
    changed = 0
    for k in range(len(system.instances)):
        for table in (system._internal[k], system._receive[k]):
            for key, entries in table.items():
                new_entries = []
                for t, tid in entries:
                    if id(t) not in done:
                        conditions = tuple(transform(g, mutant, hits) for g in t.conditions)
                        after = tuple(transform(a, mutant, hits) for a in t.after)
                        choices = (transform(t.choices, mutant, hits)
                                   if t.choices is not None else None)
                        if (any(x is not y for x, y in zip(conditions, t.conditions))
                                or any(x is not y for x, y in zip(after, t.after))
                                or choices is not t.choices):
                            done[id(t)] = dataclasses.replace(
                                t, conditions=conditions, after=after, choices=choices)
                            changed += 1
                        else:
                            done[id(t)] = t
                    new_entries.append((done[id(t)], tid))
                table[key] = new_entries
    for k in list(getattr(system, "monitor_indices", ())):
        def change(t: Any) -> Any:
            conditions = tuple(transform(g, mutant, hits) for g in t.conditions)
            after = tuple(transform(a, mutant, hits) for a in t.after)
            if (any(x is not y for x, y in zip(conditions, t.conditions))
                    or any(x is not y for x, y in zip(after, t.after))):
                return dataclasses.replace(t, conditions=conditions, after=after)
            return t
        if patch_monitor(system, k, change):
            changed += 1
    return changed


def patch_monitor(system: Any, k: int, change: Callable[[Any], Any]) -> bool:
    """Monitor k observes with its transitions as `change` gives them (a copy of its role;
    the declared role, which other systems may share, stays as it was). True when one
    changed; the monitor's index joins system.mutated_monitors."""
    import copy
    inst = system.instances[k]
    new = tuple(change(t) for t in inst.role.transitions)
    if all(a is b for a, b in zip(new, inst.role.transitions)):
        return False
    role = copy.copy(inst.role)
    role.transitions = new
    monitor = copy.copy(inst)
    object.__setattr__(monitor, "role", role)
    system.instances = (*system.instances[:k], monitor, *system.instances[k + 1:])
    system.monitors = tuple(monitor if m is inst else m for m in system.monitors)
    system.mutated_monitors = getattr(system, "mutated_monitors", frozenset()) | {k}
    return True
