"""Ctrl-C as a stop request: the first press asks the explorer to stop where it polls its
budget (it returns a partial result marked "interrupted", which the CLI prints before
exiting with status 130); a second press aborts at once.

    stop = StopRequest()
    with stop_on_sigint(stop):
        result = explore(system, Budget(stop=stop))
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from .errors import Terminated, UserInterrupt

EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command killed by Ctrl-C
EXIT_TERMINATED = 128 + signal.SIGTERM  # 143: stopped by SIGTERM, its workers with it
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


class StopRequest:
    """A flag the explorer polls (`Budget.stop`): calling it says whether to stop."""

    __slots__ = ("requested",)

    def __init__(self) -> None:
        self.requested = False

    def __call__(self) -> bool:
        return self.requested

    def request(self) -> None:
        self.requested = True


class MemoryGuard:
    """A stop request that also fires when this process's resident memory passes a limit
    (`--max-memory`): polled like the Ctrl-C flag, it reads /proc at most every 0.2 s.
    `reason` says which fired, so the result can say "stopped by the memory budget"."""

    __slots__ = ("inner", "limit", "measure", "next_check", "reason")

    def __init__(self, inner: Callable[[], bool] | None, limit_bytes: int,
                 measure: Callable[[], int] | None = None) -> None:
        self.inner = inner
        self.limit = limit_bytes
        # what "memory" means: this process's resident bytes (a test passes its own reading)
        self.measure = measure or resident_bytes
        self.next_check = 0.0
        self.reason: str | None = None

    def __call__(self) -> bool:
        if self.inner is not None and self.inner():
            self.reason = self.reason or "interrupted"
            return True
        if self.reason == "max-memory":
            return True
        now = time.monotonic()
        if now >= self.next_check:
            self.next_check = now + 0.2
            if self.measure() > self.limit:
                self.reason = "max-memory"
                return True
        return False


def stop_word(stopped_by: str | None, stop: Any) -> str | None:
    """What stopped a search, in the result's words: a stop request that was the
    --max-memory guard (MemoryGuard.reason) says "max-memory", not "interrupted"."""
    if stopped_by == "interrupted" and getattr(stop, "reason", None) == "max-memory":
        return "max-memory"
    return stopped_by


def resident_bytes() -> int:
    """This process's resident memory (Linux /proc; elsewhere the peak, from getrusage)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _notice(text: str) -> None:
    sys.stderr.write(f"\n{text}\n")
    sys.stderr.flush()


@contextmanager
def stop_on_sigint(stop: StopRequest,
                   notice: Callable[[str], None] = _notice) -> Iterator[StopRequest]:
    """While inside, Ctrl-C requests a stop; a second Ctrl-C raises UserInterrupt (a
    KeyboardInterrupt the model-code guard lets through)."""
    if threading.current_thread() is not threading.main_thread():
        yield stop  # signal handlers can only be set from the main thread
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        if stop.requested:
            raise UserInterrupt
        stop.request()
        notice("mcfsm: interrupted; stopping after the current step and reporting what was "
               "explored (Ctrl-C again to abort)")

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def sigint_is_user_interrupt() -> Iterator[None]:
    """While inside, Ctrl-C raises UserInterrupt at once (for the pytest plugin: the session
    stops as usual, and a KeyboardInterrupt raised by model code is a model error)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        raise UserInterrupt

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def sigterm_ends_the_command() -> Iterator[None]:
    """While inside, SIGTERM raises Terminated (which the model-code guard lets through), so
    that every `finally` runs: the worker processes are stopped with their parent and the
    command exits 143 instead of leaving them running, holding its stdout."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        raise Terminated

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def bind_to_parent(parent: int) -> None:
    """Called first in a forked worker (`parent`: the pid that forked it). The worker ends
    when its parent ends, whatever ends it (SIGTERM, SIGKILL, a crash): on Linux the kernel
    sends it SIGKILL (prctl PR_SET_PDEATHSIG), elsewhere a thread polls the parent's pid.
    Its stdout is pointed at stderr, so that it never holds the pipe a reader of the
    report waits on (workers report through their pipes, never on stdout)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler (above)
    bound = False
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            bound = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            bound = False
    if os.getppid() != parent:  # the parent died before the binding took effect
        os._exit(1)
    if not bound:
        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, name="mcfsm-parent-watch", daemon=True).start()
    try:
        os.dup2(2, 1)
    except OSError:
        pass
