"""The house stays one-way (issue 21): no import circle anywhere in mcfsm/, counting every
import a reader sees (function-level and TYPE_CHECKING ones too), and no layer imports a
layer above it (lang < check < show < commands)."""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "mcfsm"
LAYERS = ["lang", "check", "show", "commands"]


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(importer: str, is_package: bool, node: ast.ImportFrom) -> list[str]:
    if node.level == 0:
        base = node.module or ""
    else:
        parts = importer.split(".")
        keep = len(parts) - node.level + (1 if is_package else 0)
        base = ".".join(parts[:keep] + ([node.module] if node.module else []))
    out = []
    for alias in node.names:  # `from . import x` names a module when x is one
        candidate = f"{base}.{alias.name}"
        out.append(candidate if _exists(candidate) else base)
    return out


def _exists(module: str) -> bool:
    path = ROOT.joinpath(*module.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        name = _module(path)
        targets = graph.setdefault(name, set())
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                targets.update(t for t in _resolve(name, path.name == "__init__.py", node)
                               if t.startswith("mcfsm"))
            elif isinstance(node, ast.Import):
                targets.update(a.name for a in node.names if a.name.startswith("mcfsm."))
        targets.discard(name)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_circle_in_mcfsm():
    graph = {m: t for m, t in import_graph().items() if not m.endswith("__init__")}
    # the package faces (__init__.py) only hand names on; leave them out of the circles
    graph = {m: {t for t in ts if t in graph} for m, ts in graph.items()
             if m not in ("mcfsm", "mcfsm.lang", "mcfsm.check", "mcfsm.show", "mcfsm.commands")}
    assert _cycles(graph) == []


def test_no_layer_imports_a_layer_above_it():
    def layer(module: str) -> int | None:
        parts = module.split(".")
        return LAYERS.index(parts[1]) if len(parts) > 2 and parts[1] in LAYERS else None

    upward = sorted((m, t) for m, targets in import_graph().items() for t in targets
                    if layer(m) is not None and layer(t) is not None and layer(t) > layer(m))
    assert upward == []


def test_the_circle_finder_finds_a_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


# Inside check/, the concern packages in the order data flows up (issue 34's layout): a
# module imports only from its own package or one lower. results.py (the records every
# package returns) sits below them all; the top-level modules (cache, stored, choices,
# expectations, assumptions, parallel, ray_backend) sit above them all.
CHECK_ORDER = ["results", "state", "kernel", "temporal", "search", "split", "runs", "runtime"]


def _check_rank(module: str) -> int | None:
    parts = module.split(".")
    if parts[:2] != ["mcfsm", "check"] or len(parts) < 3:
        return None
    return CHECK_ORDER.index(parts[2]) if parts[2] in CHECK_ORDER else len(CHECK_ORDER)


def test_check_packages_import_only_downwards():
    upward = sorted((m, t) for m, targets in import_graph().items() for t in targets
                    if (rm := _check_rank(m)) is not None and (rt := _check_rank(t)) is not None
                    and rt > rm)
    assert upward == []


def test_every_check_package_is_ranked():
    packages = {p.name for p in (PACKAGE / "check").iterdir()
                if p.is_dir() and (p / "__init__.py").is_file()}
    assert packages == set(CHECK_ORDER) - {"results"}
