"""Ctrl-C as a stop request: the first press asks the explorer to stop where it polls its
budget (it returns a partial result marked "interrupted", which the CLI prints before
exiting with status 130); a second press aborts at once.

    stop = StopRequest()
    with stop_on_sigint(stop):
        result = explore(system, Budget(stop=stop))
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

from .errors import UserInterrupt

EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command killed by Ctrl-C


class StopRequest:
    """A flag the explorer polls (`Budget.stop`): calling it says whether to stop."""

    __slots__ = ("requested",)

    def __init__(self) -> None:
        self.requested = False

    def __call__(self) -> bool:
        return self.requested

    def request(self) -> None:
        self.requested = True


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
