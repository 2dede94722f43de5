"""The visited set the partitions of a split search share with `--hash-compact` (issue 59
item 1): one table of 64-bit state fingerprints in memory every partition maps, so no
partition sends a state to another.

Word 0 counts the fingerprints claimed; the others are an open-addressing set of them (0 is
empty). A partition that generates a successor claims its fingerprint (the compiled core by
compare-and-swap, its twin under a lock): the partition that claims it first stores and
expands the state, every other skips it. Each state is thus stored once, by the partition
that reached it first on its BFS level, and its parent is that partition's own state, so a
trace never crosses partitions. Two states with the same fingerprint would be taken for one
(as in the single search's hash compaction: the report prints the bound).

The table lives in a file under /dev/shm (or the temporary folder), mapped shared: forked
partitions inherit the first mapping, and a larger table made later (`grown`) is mapped by
its path. The driver grows it between BFS levels, so that the next level, assumed to add at
most LEVEL_GROWTH times the states the last one added, leaves it at most half full; a level
that adds more and fills it past 7/8 is an error saying so (run it with --workers 1).
Since a partition expands what it claims first, the one holding the initial states would
claim everything: after each level the partitions that found the most new states give
the surplus to those that found the fewest (backends.py `balance`), rows and component
values as the hash-partitioned split sends them, so the work spreads; the states given
stay stored (and counted once) where they were claimed.
"""

from __future__ import annotations

import mmap
import os
import tempfile
from pathlib import Path

FIRST_SLOTS = 1 << 22  # 32 MB of address space; only the pages fingerprints land on are used
LEVEL_GROWTH = 4  # the next level adds at most this many times the last one's new states


def _folder() -> str | None:
    return "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


class SharedTable:
    """A file-backed table of 1 + `slots` 64-bit words, mapped shared."""

    def __init__(self, slots: int | None = None) -> None:
        slots = FIRST_SLOTS if slots is None else slots
        if slots < 2 or slots & (slots - 1):
            raise ValueError(f"{slots} slots: a power of two is needed")
        self.slots = slots
        self.size = 8 * (slots + 1)
        fd, path = tempfile.mkstemp(prefix="mcfsm-visited-", dir=_folder())
        try:
            os.ftruncate(fd, self.size)
            self.map = mmap.mmap(fd, self.size, mmap.MAP_SHARED)
        finally:
            os.close(fd)
        self.path = path

    def grown(self, claimed: int, last_level: int) -> SharedTable | None:
        """A larger table when the next level may fill this one past half: it is assumed
        to add at most LEVEL_GROWTH times the `last_level` new states (the table is sized
        from it, and a level that adds more, past 7/8, is an error saying so)."""
        need = claimed + LEVEL_GROWTH * last_level
        if 2 * need <= self.slots:
            return None
        slots = self.slots
        while slots < 4 * need:
            slots *= 2
        return SharedTable(slots)

    def close(self) -> None:
        Path(self.path).unlink(missing_ok=True)
        try:
            self.map.close()
        except BufferError:  # a core in this process still maps it: freed with the core
            pass


def attach(path: str, size: int) -> mmap.mmap:
    """The table at `path`, mapped shared in this process."""
    with open(path, "r+b") as f:
        return mmap.mmap(f.fileno(), size, mmap.MAP_SHARED)
