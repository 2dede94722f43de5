"""Hash compaction (`check --hash-compact`, issue 20 item 6): the visited set keeps a 64-bit
fingerprint per state instead of the state, and the engine core keeps rows only for the
levels it has not expanded yet, as SPIN's hash-compact mode and TLC's fingerprint set do.

What it costs in certainty: two distinct states with one fingerprint read as one, and the
second (with everything only it leads to) is never explored. With n states and a hash that
behaves as a random 64-bit function, the probability that any two share a fingerprint is at
most n(n-1)/2^65 (`omission_bound`, printed with every such run; TLC prints the same bound).
A violation found is real either way: its trace is replayed on System.successors.

What it keeps: in memory, the compiled core keeps only the set of fingerprints (8 bytes a
slot, at most 3/4 full: 13 bytes a state on TwoPhase 9); each state's fingerprint, parent
and step (16 bytes) go to a temporary file, and so does the breadth-first queue of the
states not yet expanded (as TLC keeps its state queue on disk). Counterexamples are still
the shortest: a trace is rebuilt by following the parents in that file and replaying the
steps from the initial state, choosing at each step the successor whose fingerprint is the
one recorded (`replayed_trace_to`). The pure-Python twin keeps the same columns in memory
and gives the same results.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from typing import Any

from ...errors import UsageError
from ...lang.system import State, System
from ..results import Trace

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15


def _mix(h: int) -> int:
    h = ((h ^ (h >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    h = ((h ^ (h >> 27)) * 0x94D049BB133111EB) & _MASK
    return h ^ (h >> 31)


_LANES = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5)


def fingerprint(idxs: Any) -> int:
    """A state's fingerprint from its slot indices: the pure-Python twin of the compiled
    core's _fingerprint (both must agree): word k on lane k % 4, the lanes then chained."""
    lanes = [seed ^ len(idxs) for seed in _LANES]
    for k, x in enumerate(idxs):
        lanes[k & 3] = _link(lanes[k & 3], x)
    h = lanes[0]
    for lane in lanes[1:]:
        h = _link(h, lane)
    return h


def _link(h: int, w: int) -> int:
    """One link of the chain: a bijection of w for a given h (the compiled core's _link)."""
    return (_mix(h ^ w) + _GOLDEN) & _MASK


def omission_bound(states: int) -> float:
    """At most this probability that two of `states` distinct states shared a fingerprint
    (so that a state may have been missed)."""
    return states * (states - 1) / 2**65


def omission_words(states: int) -> str:
    return (f"hash compaction: 64-bit fingerprints, a state missed with probability at most "
            f"{omission_bound(states):.1e}")


class FingerprintSet:
    """The pure-Python core's visited set under hash compaction: it answers for packed
    states (as the Store's set does) but remembers only their fingerprints."""

    def __init__(self, unpack: Callable[[bytes], Any]) -> None:
        self.unpack = unpack
        self.fps: set[int] = set()
        self._last: tuple[bytes, int] = (b"", 0)  # `in` then `add` of one state: hash once

    def _fingerprint(self, packed: bytes) -> int:
        if self._last[0] != packed:
            self._last = (packed, fingerprint(self.unpack(packed)))
        return self._last[1]

    def __contains__(self, packed: bytes) -> bool:
        return self._fingerprint(packed) in self.fps

    def add(self, packed: bytes) -> None:
        self.fps.add(self._fingerprint(packed))

    def clear(self) -> None:  # the packing widened: the remembered bytes are stale
        self.fps.clear()
        self._last = (b"", 0)

    def update(self, packed_states: Any) -> None:
        for packed in packed_states:
            self.add(packed)

    def __len__(self) -> int:
        return len(self.fps)


class ReplayError(RuntimeError):
    """A recorded step leads to no successor with the recorded fingerprint (a bug)."""


def replayed_trace_to(system: System, encode: Callable[[State], Any], core: Any,
                      step_list: list[Any], initials: dict[int, State]) -> Callable[..., Trace]:
    """trace_to(index, tail, note) for safety_verdicts when the core kept no rows: the path
    of parents to `index`, each state rebuilt from the one before by the recorded step."""

    def trace_to(index: int, tail: Any, note: str) -> Trace:
        path = core.path_to(index)
        state = initials[path[0]]
        states, steps = [state], []
        for j in path[1:]:
            key = step_list[core.step_of[j]]
            want = core.fingerprint_at(j)
            for k, after in system.successors(state):
                if k == key and fingerprint(encode(after)) == want:
                    state = after
                    break
            else:
                raise ReplayError(f"state {j}: step {key!r} leads to no successor with the "
                                  "recorded fingerprint")
            states.append(state)
            steps.append(key)
        if tail is not None:
            steps.append(tail[0])
            states.append(tail[1])
        return Trace(tuple(states), tuple(steps), note)

    return trace_to


class SpillFile:
    """One of the compiled core's temporary files under hash compaction (`what`: the state
    columns, or a level of the breadth-first queue). Its name is unlinked as soon as it is
    open, so a search killed by SIGKILL leaves no file behind; the name is kept for errors.
    Python's error on a failed write names no file ("File too large" under `ulimit -f`, a
    full disk): this one names the file, what it holds and --hash-compact."""

    __slots__ = ("file", "name", "what")

    def __init__(self, what: str, prefix: str) -> None:
        self.what = what
        try:
            fd, self.name = tempfile.mkstemp(prefix=prefix)
        except OSError as exc:
            self._failed("creating", exc, os.path.join(tempfile.gettempdir(), prefix + "*"))
        os.unlink(self.name)
        self.file = os.fdopen(fd, "w+b")

    def _failed(self, doing: str, exc: OSError, name: str | None = None) -> Any:
        folder = os.path.dirname(name or self.name)
        raise UsageError(
            f"--hash-compact: {doing} {name or self.name} (its temporary file of {self.what}, "
            f"unlinked while open) failed: {exc.strerror or exc}",
            fix=f"make room in {folder} or raise the file size limit (ulimit -f), point TMPDIR "
                "at a file system with room, or bound the search with --max-states N "
                "(--hash-compact keeps 16 bytes a state there, plus the queued states)"
        ) from None

    def write(self, data: bytes) -> int:
        try:
            return self.file.write(data)
        except OSError as exc:
            return self._failed("writing", exc)  # type: ignore[no-any-return]

    def flush(self) -> None:
        try:
            self.file.flush()
        except OSError as exc:
            self._failed("writing", exc)

    def truncate(self) -> int:
        try:
            return self.file.truncate()
        except OSError as exc:
            return self._failed("writing", exc)  # type: ignore[no-any-return]

    def read(self, size: int) -> bytes:
        try:
            return self.file.read(size)
        except OSError as exc:
            return self._failed("reading", exc)  # type: ignore[no-any-return]

    def seek(self, offset: int) -> int:
        try:
            return self.file.seek(offset)
        except OSError as exc:  # a seek flushes what the buffer holds
            return self._failed("writing", exc)  # type: ignore[no-any-return]

    def close(self) -> None:
        self.file.close()
