"""A trace's sequence chart drawn by graphviz as SVG, PNG or PDF (for a .docx contribution),
marked at the end with the property and why the last state shows it."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from typing import Any

from ..check.search.explorer import Trace
from ..errors import UsageError
from ..lang.system import System
from .charts import chart, dot


def draw_trace(system: System, trace: Trace, record: dict[str, Any], title: str, fmt: str) -> bytes:
    if shutil.which("dot") is None:
        raise UsageError("graphviz's `dot` is not installed; install it (apt-get install graphviz) "
                         "or export --format dot and draw it elsewhere")
    prop = next((p for p in system.properties if p.name == record["property"]), None)
    status = record["status"]
    failed = status in ("violated", "never")
    n = len(trace)
    c = chart(system, trace, title, caption=prop.doc if prop is not None else "",
              outcome=f"{record['property']} {status} " + (f"after step {n}" if n else "initially"),
              failed=failed)
    if record.get("note"):
        c = dataclasses.replace(c, footnote=record["note"])
    proc = subprocess.run(["dot", f"-T{fmt}"], input=dot(c).encode(), capture_output=True, check=True)
    return proc.stdout
