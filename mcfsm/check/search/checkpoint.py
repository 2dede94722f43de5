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
can make `--resume` fail, never run code. The key is refused, like ssh refuses a private
key, when it is shorter than 32 bytes or open to the group or others; a checkpoint is
opened without following it into a device or a pipe, and refused unread when it is not a
regular file or larger than this machine could have written (`_open_regular`).

The file starts with a header of fixed size (`_header`): the magic line, the payload's
length, the payload's signature and the header's own signature over those. `--resume`
reads and checks the header first: a file that is not a checkpoint of this format, or
whose header this user's key did not sign, is refused after reading its first
HEADER_BYTES, and one whose size is not the header's length (cut short, or grown since)
before its payload is read. A 20 GB file of zeros is refused after 111 bytes.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import stat
import struct
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import UsageError
from ...lang.system import System
from ..state import value_pickle

FORMAT = 3
MAGIC = b"mcfsm checkpoint 3, HMAC-SHA256 signed\n"
_ANY_MAGIC = b"mcfsm checkpoint "  # every format's magic starts so
# magic, payload length (8 bytes, big-endian), the payload's signature, the header's own
HEADER_BYTES = len(MAGIC) + 8 + 32 + 32


def secret_file() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "mcfsm" / "checkpoint-key"


# The shortest key accepted: HMAC-SHA256's output length. RFC 2104 section 3: a key shorter
# than the hash's output "is strongly discouraged as it would decrease the security strength
# of the function"; the key mcfsm makes has 32 random bytes.
MIN_KEY_BYTES = 32
# The longest key read: mcfsm writes 32 bytes, and a longer key adds nothing (HMAC hashes a
# key longer than its 64-byte block); the cap keeps a mistaken file from being read whole.
MAX_KEY_BYTES = 4096


def _secret() -> bytes:
    """This user's key for signing checkpoints, made on first use (32 random bytes, mode
    0600); two processes making it at once agree on one (the second link fails). A key that
    is too short, open to the group or others, or another user's is refused (`_key_from`)."""
    path = secret_file()
    if not os.path.lexists(path):
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".checkpoint-key.")
        try:
            os.write(fd, os.urandom(MIN_KEY_BYTES))
            os.fchmod(fd, 0o600)
            os.close(fd)
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
        finally:
            os.unlink(tmp)
    return _key_from(path)


def _key_from(path: Path) -> bytes:
    """The key in `path`, checked as ssh checks a private key: a key others can read lets
    them forge a checkpoint that runs their code when this user resumes it."""
    fix_new = (f"delete {path} and mcfsm makes a new key on its next run (the checkpoints "
               "signed with the old one are then refused: delete them too)")

    def check(info: os.stat_result) -> None:
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            raise UsageError(f"checkpoint key {path}: owned by another user (uid "
                             f"{info.st_uid}); a key someone else controls can sign a "
                             "checkpoint that runs their code", fix=fix_new)
        if info.st_mode & 0o077:
            raise UsageError(
                f"checkpoint key {path}: its permissions {stat.filemode(info.st_mode)} let "
                "the group or others read or replace it, and with it sign a checkpoint that "
                "runs their code when you resume it; the key is refused",
                fix=f"chmod 600 {path}")

    key = _read_regular(path, MAX_KEY_BYTES, "checkpoint key", fix_new, check)
    if len(key) < MIN_KEY_BYTES:
        raise UsageError(f"checkpoint key {path}: {len(key)} bytes, shorter than the "
                         f"{MIN_KEY_BYTES} an HMAC-SHA256 key needs (RFC 2104: a shorter key "
                         "weakens the signature); the key is refused", fix=fix_new)
    return key


def _memory_bytes() -> int:
    """This machine's memory and swap: the most a process here can hold."""
    total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("SwapTotal:"):
                    total += int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return total


def max_checkpoint_bytes() -> int:
    """The largest checkpoint `--resume` reads. The writer pickled the search's tables into
    one bytes object while it still held them (Checkpointer.write), and the reader holds
    the whole payload once its header is checked: a file larger than this machine's memory
    and swap was not written here, and reading it would only exhaust the memory."""
    return _memory_bytes()


def _read_regular(path: Path, cap: int, what: str, fix: str,
                  check: Any = None) -> bytes:
    """The bytes of `path`, a regular file of at most `cap` bytes (`_open_regular`)."""
    fd, _ = _open_regular(path, cap, what, fix, check)
    try:
        return _read_upto(fd, cap, path, what, fix)
    finally:
        os.close(fd)


def _open_regular(path: Path, cap: int, what: str, fix: str,
                  check: Any = None) -> tuple[int, os.stat_result]:
    """(a descriptor open on `path`, its stat), a regular file of at most `cap` bytes, after
    following links. Opened non-blocking (a FIFO would block the open for ever) and checked
    on the open descriptor (no race with a rename): a device, a FIFO or a folder is refused
    unread (a link to /dev/zero would be read for ever), and so is a file over the cap.
    `check(stat)` may refuse the file on its metadata. The caller closes the descriptor."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:  # a dangling link, a loop of links, no permission
        raise UsageError(f"{what} {path}: cannot be opened ({exc.strerror or exc})",
                         fix=fix) from None
    try:
        info = os.fstat(fd)
        mode = info.st_mode
        if not stat.S_ISREG(mode):
            kind = ("a folder" if stat.S_ISDIR(mode) else
                    "a FIFO (named pipe)" if stat.S_ISFIFO(mode) else
                    "a character device" if stat.S_ISCHR(mode) else
                    "a block device" if stat.S_ISBLK(mode) else
                    "a socket" if stat.S_ISSOCK(mode) else "of an unknown kind")
            target = f" (a link to {os.path.realpath(path)})" if os.path.islink(path) else ""
            raise UsageError(f"{what} {path}{target}: {kind}, not a regular file; it is "
                             "refused unread", fix=fix)
        if check is not None:
            check(info)
        if info.st_size > cap:
            raise UsageError(f"{what} {path}: {info.st_size:,} bytes, more than the "
                             f"{cap:,} it can be; it is refused unread", fix=fix)
    except BaseException:
        os.close(fd)
        raise
    return fd, info


def _read_upto(fd: int, cap: int, path: Path, what: str, fix: str) -> bytes:
    """The rest of the file, at most `cap` bytes: one that grows past them while being
    read is refused."""
    chunks, size = [], 0
    while size <= cap:  # read until the end, or one byte past the cap
        chunk = os.read(fd, min(cap + 1 - size, 1 << 24))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > cap:
        raise UsageError(f"{what} {path}: grew past {cap:,} bytes while being read; it is "
                         "refused", fix=fix)
    return b"".join(chunks)


def _sign(payload: bytes, key: bytes | None = None) -> bytes:
    return hmac.new(key if key is not None else _secret(), payload, hashlib.sha256).digest()


def _header(payload: bytes, key: bytes) -> bytes:
    """The signed header a checkpoint starts with (module doc): it says how long the
    payload is, so a reader checks it before reading on."""
    signed = MAGIC + struct.pack(">Q", len(payload)) + _sign(payload, key)
    return signed + _sign(b"header:" + signed, key)


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
            out.write(_header(payload, _secret()) + payload)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, self.file)
        self.last = time.monotonic()
        self.written += 1


def _signed_payload(file: Path) -> bytes:
    """The payload of checkpoint `file`, its header read and checked first (module doc):
    a file this user's key did not sign is refused after HEADER_BYTES, one whose size is
    not its header's before its payload is read."""
    fix = (f"delete {file} (or point --checkpoint at another folder) to start the search "
           "afresh")
    unsigned = (f"{file}: not written by this user on this machine, or altered since (its "
                f"signature does not match the key in {secret_file()}); reading a checkpoint "
                "could run code, so it is refused unread")
    fd, info = _open_regular(file, max_checkpoint_bytes(), "checkpoint", fix)
    try:
        head = b""
        while len(head) < HEADER_BYTES:
            chunk = os.read(fd, HEADER_BYTES - len(head))
            if not chunk:
                break
            head += chunk
        if not head.startswith(MAGIC):
            if head.startswith(_ANY_MAGIC):
                first = head.split(b"\n", 1)[0].decode("ascii", "replace")
                raise UsageError(f"{file}: a checkpoint of another format ({first!r}, written "
                                 f"by another mcfsm version; this one reads format {FORMAT}); "
                                 "it is refused unread", fix=fix)
            raise UsageError(f"{file}: not a checkpoint (not written by this user on this "
                             "machine: it does not start with mcfsm's header "
                             f"{MAGIC[:-1].decode()!r}); it is refused after reading "
                             f"{len(head)} of its {info.st_size:,} bytes", fix=fix)
        signed, mark = head[:HEADER_BYTES - 32], head[HEADER_BYTES - 32:]
        key = _secret()
        if len(head) < HEADER_BYTES or not hmac.compare_digest(mark, _sign(b"header:" + signed,
                                                                           key)):
            raise UsageError(unsigned, fix=fix)
        [length] = struct.unpack(">Q", signed[len(MAGIC):len(MAGIC) + 8])
        if info.st_size != HEADER_BYTES + length:
            raise UsageError(f"checkpoint {file}: {info.st_size:,} bytes, but its signed "
                             f"header says {HEADER_BYTES + length:,}: cut short or grown "
                             "since it was written; it is refused unread", fix=fix)
        payload = _read_upto(fd, length, file, "checkpoint", fix)
    finally:
        os.close(fd)
    if len(payload) != length or not hmac.compare_digest(signed[-32:], _sign(payload, key)):
        raise UsageError(unsigned.replace("refused unread", "refused"), fix=fix)
    return payload


def restore(plan: CheckpointPlan, system: System, parts: dict[str, Any]
            ) -> dict[str, Any] | None:
    """Load this run's checkpoint into the (empty) store, steps, judge, core and temporal
    check; None when there is none. The answer holds where the search goes on: depth,
    level_start, and the initial states' counts."""
    file = plan.file_for(system)
    if not os.path.lexists(file):
        return None
    payload = _signed_payload(file)
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
