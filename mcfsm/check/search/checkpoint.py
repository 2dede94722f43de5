"""Checkpoints of a breadth-first search (issue 20 item 6): a long search that is cut off
(Ctrl-C, a CI runner's time limit, a machine going down) resumes where it was instead of
starting again.

A checkpoint is written at a BFS level boundary, never inside a level (a level half
expanded would count its successors twice when resumed), at most every `every_s` seconds,
and once more when the search completes. It holds everything the search has built: the
component values in interning order (value_pickle.py), the step keys in id order, the
visited states as rows of slot indices with their parent and step columns, the counters
and coverage, the findings so far, and for temporal properties the recorded edges and
marks. The engine core's memo tables are not kept: a resumed search relearns them (model
code runs again on a miss), which changes its speed, not its results. Rows are unpacked
indices, so a checkpoint written by the compiled core resumes on the pure-Python twin and
the other way round.

A checkpoint answers for one search only: it names the system, its parameter choices and
the caller's identity string (`check` puts there the digests of the model's files, the
variant, the budget and mcfsm's version); a resume whose identity differs is refused with
the reason, never continued on another model. Writes go to a temporary file first and
replace the old checkpoint in one rename, so a cut-off write leaves the previous one whole.

A checkpoint is named by the model, the variant and the parameter combination, so the
variants of one model (which often share a System name) keep one file each.

Reading a pickle runs whatever code it names, so a checkpoint is authenticated before it is
read: the file is signed with an HMAC-SHA256 keyed by a secret of this user
(`~/.config/mcfsm/checkpoint-key`, or under $XDG_CONFIG_HOME; made on first use, readable
by this user only). A checkpoint written by someone else, on another machine, or altered
since it was written is refused unread, with the reason: a checkpoint folder from elsewhere
can make `--resume` fail, never run code.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import UsageError
from ...lang.system import System
from ..state import value_pickle

FORMAT = 2
MAGIC = b"mcfsm checkpoint 2, HMAC-SHA256 signed\n"


def secret_file() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "mcfsm" / "checkpoint-key"


def _secret() -> bytes:
    """This user's key for signing checkpoints, made on first use (32 random bytes, mode
    0600); two processes making it at once agree on one (the second link fails)."""
    path = secret_file()
    try:
        key = path.read_bytes()
        if len(key) >= 32:
            return key
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".checkpoint-key.")
    try:
        os.write(fd, os.urandom(32))
        os.fchmod(fd, 0o600)
        os.close(fd)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(tmp)
    return path.read_bytes()


def _sign(payload: bytes) -> bytes:
    return hmac.new(_secret(), payload, hashlib.sha256).digest()


@dataclass(frozen=True)
class CheckpointPlan:
    """Where a search keeps its checkpoints (a folder: one file per parameter combination),
    how often it writes one, and what a resumed search must match."""

    folder: Path
    every_s: float = 60.0
    identity: str = ""
    resume: bool = False  # continue from the checkpoint there, if any
    name: str = ""  # the model and variant (`check` gives "model[variant]")

    def file_for(self, system: System) -> Path:
        """The file of this run: one per model, variant and combination of parameter
        choices (the variants of one model often share their System's name)."""
        choices = repr(sorted((name, repr(p.choices)) for name, p in system.params.items()))
        digest = hashlib.sha1(f"{self.name}|{system.name}|{choices}".encode()).hexdigest()[:16]
        return self.folder / f"{_safe(self.name or system.name)}-{digest}.ckpt"

    def files(self) -> list[Path]:
        """The checkpoints of this model and variant already in the folder."""
        if not self.folder.is_dir():
            return []
        return sorted(self.folder.glob(f"{_safe(self.name)}-" + "?" * 16 + ".ckpt"))


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)[:60]


class Checkpointer:
    """Writes the checkpoints of one search (explorer.py calls `at_level` between levels)."""

    def __init__(self, plan: CheckpointPlan, system: System, parts: dict[str, Any]) -> None:
        self.plan = plan
        self.file = plan.file_for(system)
        self.system = system
        self.parts = parts  # store, steps, judge, core, temporal, initial
        self.last = time.monotonic()
        self.written = 0

    def at_level(self, depth: int, level_start: int) -> None:
        if time.monotonic() - self.last >= self.plan.every_s:
            self.write(depth, level_start)

    def write(self, depth: int, level_start: int) -> None:
        p, system = self.parts, self.system
        value_pickle.register(system)
        store, temporal = p["store"], p["temporal"]
        data = {
            "format": FORMAT,
            "identity": self.plan.identity,
            "system": system.name,
            "slots": system.slot_count,
            "values": value_pickle.dumps([(k, list(v)) for k, v in enumerate(store.values)],
                                         system, "a state component"),
            "steps": value_pickle.dumps(list(p["steps"].step_list), system, "a step key"),
            "found": value_pickle.dumps(dict(p["judge"].found), system, "a finding"),
            "snapshot": p["core"].snapshot(),
            "temporal": None if temporal is None else {
                "flags": [bytes(f) for f in temporal.flags],
                "offsets": temporal.edges.offsets, "targets": temporal.edges.targets,
                "labels": temporal.edges.labels},
            "initial": p["initial"],
            "depth": depth,
            "level_start": level_start,
        }
        self.file.parent.mkdir(parents=True, exist_ok=True)
        partial = self.file.with_suffix(".partial")
        payload = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
        with open(partial, "wb") as out:
            out.write(MAGIC + _sign(payload) + payload)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, self.file)
        self.last = time.monotonic()
        self.written += 1


def restore(plan: CheckpointPlan, system: System, parts: dict[str, Any]
            ) -> dict[str, Any] | None:
    """Load this run's checkpoint into the (empty) store, steps, judge, core and temporal
    check; None when there is none. The answer holds where the search goes on: depth,
    level_start, and the initial states' counts."""
    file = plan.file_for(system)
    if not file.exists():
        return None
    blob = file.read_bytes()
    signature, payload = blob[len(MAGIC):len(MAGIC) + 32], blob[len(MAGIC) + 32:]
    if not blob.startswith(MAGIC) or not hmac.compare_digest(signature, _sign(payload)):
        raise UsageError(
            f"{file}: not written by this user on this machine, or altered since (its "
            f"signature does not match the key in {secret_file()}); reading a checkpoint "
            "could run code, so it is refused unread: delete it to start the search afresh")
    try:
        data = pickle.loads(payload)
    except Exception as exc:
        raise UsageError(f"{file}: not a readable checkpoint ({exc}); delete it to start "
                         "the search afresh") from None
    if data.get("format") != FORMAT:
        raise UsageError(f"{file}: a checkpoint of another format; delete it to start afresh")
    if data["system"] != system.name or data["slots"] != system.slot_count:
        raise UsageError(f"{file}: a checkpoint of system {data['system']!r}, not "
                         f"{system.name!r}; delete it or point --checkpoint elsewhere")
    if data["identity"] != plan.identity:
        raise UsageError(
            f"{file}: the checkpoint was written for another model text, variant, budget or "
            "mcfsm version (its files or options changed since); a resumed search must be "
            "the same search: delete the checkpoint to start afresh")
    value_pickle.register(system)
    store, steps, judge, core, temporal = (parts[k] for k in
                                           ("store", "steps", "judge", "core", "temporal"))
    for k, values in value_pickle.loads(data["values"]):
        have = store.values[k]
        if values[:len(have)] != have:
            raise UsageError(f"{file}: its component values do not match this model's "
                             f"(slot {k}); delete it to start afresh")
        for v in values[len(have):]:
            store.intern(k, v)
    step_list = value_pickle.loads(data["steps"])
    steps.step_list[:] = step_list
    steps._step_ids.clear()
    steps._step_ids.update((key, sid) for sid, key in enumerate(step_list) if sid)
    core.restore(data["snapshot"])
    judge.found.update(value_pickle.loads(data["found"]))
    if (temporal is None) != (data["temporal"] is None):
        raise UsageError(f"{file}: the checkpoint's temporal properties differ from the "
                         "model's; delete it to start afresh")
    if temporal is not None:
        saved = data["temporal"]
        for flags, kept in zip(temporal.flags, saved["flags"]):
            flags[:] = kept
        edges = temporal.edges
        edges.offsets[:] = saved["offsets"]
        edges.targets[:] = saved["targets"]
        edges.labels[:] = saved["labels"]
    return {"depth": data["depth"], "level_start": data["level_start"],
            "initial": data["initial"], "file": file}
