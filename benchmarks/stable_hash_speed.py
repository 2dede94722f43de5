"""stable_hash today against the function before 7698066d, on the values two in-process
split searches hash (migration_lifecycle[permission_and_provisioning] and
private_call_migration[fix_release_completes], 3 partitions): CPU seconds for each, and
whether every hash is the same (the split's owners, and so its searches, must not move).

    .venv/bin/python benchmarks/stable_hash_speed.py
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mcfsm.check.choices import explore_by_choice  # noqa: E402
from mcfsm.check.split import partition  # noqa: E402
from mcfsm.check.split.partitioned import InProcessPartitions, explore_split  # noqa: E402
from mcfsm.check.state import stable_hash as today  # noqa: E402
from mcfsm.lang.loader import load_path  # noqa: E402

BEFORE = "7698066d^"
VARIANTS = (("migration_lifecycle", "permission_and_provisioning"),
            ("private_call_migration", "fix_release_completes"))


def values_hashed() -> list[Any]:
    """Every value the partitions hand to stable_hash, in order."""
    seen: list[Any] = []

    def recording(value: Any) -> int:
        seen.append(value)
        return today.stable_hash(value)
    partition.stable_hash = recording
    try:
        for model, variant in VARIANTS:
            [lm] = [m for m in load_path(ROOT / "models") if m.model.name == model]
            explore_by_choice(lm.model.system(variant), explorer=lambda s, b, progress=None:
                              explore_split(s, b, workers=3, backend=InProcessPartitions))
    finally:
        partition.stable_hash = today.stable_hash
    return seen


def the_function_before() -> Any:
    source = subprocess.run(["git", "show", f"{BEFORE}:mcfsm/check/state/stable_hash.py"],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout
    source = source.replace("from ...errors import", "from mcfsm.errors import")
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(source)
    spec = importlib.util.spec_from_file_location("stable_hash_before", f.name)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.stable_hash


def timed(fn: Any, values: list[Any]) -> tuple[float, list[int]]:
    started = time.process_time()
    out = [fn(v) for v in values]
    return time.process_time() - started, out


def main() -> None:
    values = values_hashed()
    before = the_function_before()
    old_s, old = timed(before, values)
    today._LEAVES.clear(), today._TUPLE_TAGS.clear(), today._DATACLASS.clear()
    new_s, new = timed(today.stable_hash, values)
    print(f"{len(values):,} values: today {new_s:.2f} s of CPU, before {BEFORE} {old_s:.2f} s "
          f"({old_s / new_s:.1f}x); every hash the same: {new == old}")
    if new != old:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
