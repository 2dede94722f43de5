"""What every command shares: the exit-code contract, the error guard, budget options,
output-path checks, variant selection and the one function that explores a variant.

The exit-code contract (README "Exit codes"; every command's --help says its own):
    0  all as expected
    1  a property is violated (diff: a verdict changed; replay: the trace diverged or no
       longer shows its finding)
    2  a usage or model error: one message naming the file, role, transition or property,
       option, and how to fix it; never a traceback
    3  inconclusive: a budget cut the search and nothing in what it saw decides, or a
       property was not judged (temporal properties under --dfs, --hash-compact, --ray or
       --workers N on one variant): `unknown` is never a pass
    130 interrupted (Ctrl-C): what was explored so far is printed, marked incomplete
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import math
import os
import shutil
import stat
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import click

from ..check.cache import explore_cached
from ..check.choices import explore_by_choice
from ..check.parallel import explore_choices
from ..check.search.checkpoint import CheckpointPlan
from ..check.search.explorer import Budget, Progress, Result, Verdict, explore
from ..check.search.verdicts import coverage_by_role
from ..check.split.partitioned import explore_split
from ..errors import McfsmError, ModelError, Terminated, UsageError
from ..interrupt import (
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    MemoryGuard,
    StopRequest,
    sigterm_ends_the_command,
    stop_on_sigint,
    stop_word,
)
from ..lang.initial_states import limit_initial_states
from ..lang.loader import LoadedModel
from ..lang.system import System
from ..spec.where import choose as choose_spec

EXIT_OK, EXIT_VIOLATED, EXIT_ERROR, EXIT_INCONCLUSIVE = 0, 1, 2, 3
EXIT_CODES = (EXIT_OK, EXIT_VIOLATED, EXIT_ERROR, EXIT_INCONCLUSIVE, EXIT_INTERRUPTED)

EXIT_HELP = ("Exit status: 0 {ok}; 1 {bad}; 2 usage or model error; 3 inconclusive "
             "(a budget cut the search, or a property was not judged); 130 interrupted "
             "(Ctrl-C; the partial result is printed).")

# The stop request of the running command: Ctrl-C sets it, budgets carry it to the explorer.
_current_stop = StopRequest()
# Where reports go. While a command runs, sys.stdout is redirected to stderr, so a print()
# left in model code cannot corrupt a report (`--json` stays parseable).
_report_stream: list[Any] = [None]


_reader_gone = [False]  # stdout's reader closed the pipe (`mcfsm check ... | head`)


def echo(message: str = "", nl: bool = True, flush: bool = False) -> None:
    """Print part of a report on the real stdout (`flush`: at once, also into a pipe).
    When the reader has gone (`| head`), the rest of the report is dropped quietly and the
    command still ends with its verdict's exit code."""
    if _reader_gone[0]:
        return
    try:
        click.echo(message, nl=nl, file=_report_stream[0])
        if flush and _report_stream[0] is not None:
            _report_stream[0].flush()
    except BrokenPipeError:
        _reader_gone[0] = True
        # later writes, and the interpreter's final flush, go nowhere instead of failing
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def exit_help(ok: str, bad: str) -> str:
    return EXIT_HELP.format(ok=ok, bad=bad)


def fail(message: str) -> NoReturn:
    click.echo(f"mcfsm: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run a command under the contract: McfsmError -> one message, exit 2; Ctrl-C -> a
    stop request (a second one aborts, exit 130); an unexpected exception -> one line
    saying it is mcfsm's bug, exit 2. MCFSM_DEBUG=1 lets tracebacks through."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        global _current_stop
        _current_stop = StopRequest()
        debug = bool(os.environ.get("MCFSM_DEBUG"))
        _report_stream[0] = sys.stdout
        try:
            with stop_on_sigint(_current_stop), sigterm_ends_the_command(), \
                    contextlib.redirect_stdout(sys.stderr):
                return fn(*args, **kwargs)
        except McfsmError as exc:
            if debug:
                raise
            fail(str(exc))
        except Terminated:  # every `finally` has run: no worker process is left behind
            click.echo("\nmcfsm: terminated (SIGTERM); worker processes stopped, nothing "
                       "reported", err=True)
            sys.exit(EXIT_TERMINATED)
        except KeyboardInterrupt:
            click.echo("\nmcfsm: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except OSError as exc:
            if debug:
                raise
            name = f" {exc.filename}" if exc.filename else ""
            fail(f"cannot use{name}: {exc.strerror or exc}")
        except MemoryError:
            fail("out of memory; bound the search with --max-states N or --max-depth N")
        except (SystemExit, click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            if debug:
                raise
            fail(f"internal error (a bug in mcfsm, not in your model): "
                 f"{type(exc).__name__}: {exc}; MCFSM_DEBUG=1 shows the traceback")

    return wrapper


# -- budgets ------------------------------------------------------------------------------------
class Seconds(click.ParamType):
    """A positive, finite number of seconds (nan and inf never stop a search); with
    `zero=True`, 0 too (--checkpoint-every 0: at every level)."""

    name = "seconds"

    def __init__(self, zero: bool = False) -> None:
        self.zero = zero

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not math.isfinite(seconds) or seconds < 0 or (seconds == 0 and not self.zero):
            self.fail(f"{value!r} is not a {'' if self.zero else 'positive, '}finite number "
                      f"of seconds{' (0 or more)' if self.zero else ''}", param, ctx)
        return seconds


def budget_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--max-states, --max-depth, --time-limit for any command that explores (pass the three
    values to `budget()`)."""
    options = [
        click.option("--max-states", type=click.IntRange(min=1), metavar="N",
                     help="Stop after N distinct states; verdicts then say the search is "
                          "incomplete (exit 3 unless something is violated)."),
        click.option("--max-depth", type=click.IntRange(min=1), metavar="N",
                     help="Do not expand states at BFS depth N or deeper (initial states are "
                          "depth 1); with check --dfs, do not follow a path past N states."),
        click.option("--time-limit", type=Seconds(), metavar="SECONDS",
                     help="Stop exploring after this many seconds."),
        click.option("--max-memory", type=Megabytes(), metavar="MB", expose_value=False,
                     callback=_set_max_memory,
                     help="Stop a search whose process holds more than MB megabytes of "
                          "memory (each worker process on its own); the result says so and "
                          "the command exits 3 unless something is violated."),
        click.option("--no-cache", is_flag=True, expose_value=False, callback=_set_no_cache,
                     help="Explore again even when .mcfsm-cache/ holds the result "
                          "(MCFSM_NO_CACHE=1 does the same; MCFSM_CACHE_DIR moves the cache)."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def spec_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--spec DIR on the commands that quote the spec text (spec/where.py)."""
    return click.option(
        "--spec", metavar="DIR", expose_value=False, callback=_set_spec,
        help="The folder of the spec text to quote from and check the record of quotes "
             "against (default: MCFSM_SPEC, else the folder the clause list's header names; "
             "'off': the record beside the clause list only, as on a clone with nothing "
             "beside it).")(fn)


def _set_spec(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    choose_spec(value)


# Whether the running command reads and writes .mcfsm-cache/ (check/cache.py); --no-cache
# (part of budget_options) turns it off. Set by the option's callback, which click calls on
# every invocation, so a value never leaks from one command to the next.
_use_cache = [True]


def _set_no_cache(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    _use_cache[0] = not value


# --max-memory of the running command, in bytes (None: no limit); set like _use_cache.
_max_memory: list[int | None] = [None]


def _set_max_memory(ctx: click.Context, param: click.Parameter, value: int | None) -> None:
    _max_memory[0] = value


class Megabytes(click.ParamType):
    """A positive number of megabytes, as bytes."""

    name = "megabytes"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        try:
            mb = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of megabytes", param, ctx)
        if not math.isfinite(mb) or mb <= 0:
            self.fail(f"{value!r} is not a positive, finite number of megabytes", param, ctx)
        return int(mb * 1024 * 1024)


def budget(max_states: int | None = None, max_depth: int | None = None,
           time_limit: float | None = None) -> Budget:
    """The explorer budget of the running command, with its Ctrl-C stop request (and the
    memory budget, which stops the search through the same request)."""
    # the same budget bounds listing a model's initial_states= (lang/initial_states.py)
    limit_initial_states(max_states, time_limit)
    stop: Any = _current_stop
    if _max_memory[0] is not None:
        stop = MemoryGuard(_current_stop, _max_memory[0])
    return Budget(max_states=max_states, max_depth=max_depth, time_limit=time_limit, stop=stop)


def use_cache() -> bool:
    return _use_cache[0]


def interrupted() -> bool:
    return _current_stop.requested


# -- output paths, checked before any search ----------------------------------------------------
def _nearest_existing(path: Path) -> Path:
    p = path.absolute()
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def check_output_dir(path: Path | None, option: str) -> None:
    """A folder we can create or write into (checked before the search, not after it)."""
    if path is None:
        return
    if path.exists():
        if not path.is_dir():
            raise UsageError(f"{option} {path}: is a file, not a folder; pass a folder")
        if not os.access(path, os.W_OK | os.X_OK):
            raise UsageError(f"{option} {path}: the folder is not writable")
        return
    base = _nearest_existing(path)
    if not base.is_dir():
        raise UsageError(f"{option} {path}: {base} is a file, so the folder cannot be made there")
    if not os.access(base, os.W_OK | os.X_OK):
        raise UsageError(f"{option} {path}: cannot create it ({base} is not writable)")


def check_output_file(path: Path | None, option: str) -> None:
    if path is None:
        return
    if path.exists():
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise UsageError(f"{option} {path}: is a folder; pass a file name")
        if not stat.S_ISREG(mode):
            raise UsageError(f"{option} {path}: not a regular file (a FIFO or device)")
        if not os.access(path, os.W_OK):
            raise UsageError(f"{option} {path}: the file is not writable")
        return
    check_output_dir(path.parent, option)


# -- variants --------------------------------------------------------------------------------
def selected(loaded: list[LoadedModel], variants: tuple[str, ...]) -> Iterator[tuple[LoadedModel, str]]:
    if variants:
        known = {v for lm in loaded for v in lm.model.variants}
        unknown = [v for v in variants if v not in known]
        if unknown:
            raise UsageError(f"--variant {unknown[0]!r} is not a variant of "
                             f"{', '.join(lm.model.name for lm in loaded)}; "
                             f"known variants: {', '.join(sorted(known))}")
    for lm in loaded:
        for name in lm.model.variants:
            if not variants or name in variants:
                yield lm, name


def where(lm: LoadedModel, variant: str) -> str:
    return f"{lm.path} [{variant}]"


def build(lm: LoadedModel, variant: str) -> System:
    """The System of a variant (its function runs under the model-code guard)."""
    try:
        return lm.model.system(variant)
    except ModelError as exc:
        if exc.where == f"model {lm.model.name!r}, variant {variant!r}":
            raise exc.replaced(where=where(lm, variant)) from exc  # the same place, said once
        raise exc.located(where(lm, variant)) from exc


def explore_variant(lm: LoadedModel, variant: str, run_budget: Budget,
                    progress: Callable[[Progress], None] | None = None,
                    system: System | None = None,
                    done: Result | None = None, split: int = 1,
                    backend: Any = None,
                    checkpoint: CheckpointPlan | None = None) -> tuple[System, Result]:
    """The one way commands explore a variant: build it, explore it within the budget (or
    read it from .mcfsm-cache/), locate model errors in the file, and refuse a search with
    no state at all. `done` is a result already explored (by a worker process). `split` > 1
    (or a Ray `backend`): one search split over that many partitions (check/split/partitioned.py),
    never cached, as its temporal verdicts read unknown."""
    system = system if system is not None else build(lm, variant)
    if system.initial_states_cut and done is None:
        return system, not_started(system, lm, variant)
    try:
        if done is None and checkpoint is not None:  # each parameter combination its file
            result = explore_by_choice(system, run_budget, progress, explorer=functools.partial(
                explore, checkpoint=checkpoint))
        elif done is None and (split > 1 or backend is not None):
            # its combinations side by side where it has several, else each search split
            side = None if backend is not None else explore_choices(
                system, run_budget, split, progress)
            result = side or explore_by_choice(system, run_budget, progress,
                                               explorer=functools.partial(
                                                   explore_split, workers=split,
                                                   backend=backend))
        else:
            result = done if done is not None else explore_cached(
                system, loaded=lm, variant=variant, budget=run_budget, cache=_use_cache[0],
                progress=progress)
    except ModelError as exc:
        raise exc.located(where(lm, variant)) from exc
    result = memory_cut(result, run_budget)
    if result.distinct_states == 0 and result.complete:  # a budget cut is inconclusive, not this
        raise ModelError(
            f"no initial state is within the bounds: the state constraint or max_in_flight "
            f"excludes all {system.initial_count():,} of them, so nothing would be checked",
            where=where(lm, variant),
            fix="relax constraint= (it must hold in at least one initial state)")
    return system, result


def not_started(system: System, lm: LoadedModel, variant: str) -> Result:
    """The result of a search that never started: the --time-limit ran out while the
    model's initial_states= listed the initial configurations (lang/initial_states.py).
    Every verdict is unknown, and the result says its time limit stopped it (exit 3)."""
    click.echo(f"mcfsm: {where(lm, variant)}: {system.initial_states_cut}; the search did "
               "not start, every verdict is unknown (raise --time-limit, or make "
               "initial_states= faster)", err=True)
    return Result(system=system, distinct_states=0, total_states=0, depth=0, complete=False,
                  stopped_by="time-limit", elapsed_s=0.0,
                  verdicts=tuple(Verdict(p, "unknown", None, ()) for p in system.properties),
                  coverage=coverage_by_role(system, [], []), pruned=0,
                  search="not started (initial_states= cut by the time limit)")


def memory_cut(result: Result, run_budget: Budget) -> Result:
    """A search the memory budget stopped says so (the explorer only knows it was asked to
    stop)."""
    word = stop_word(result.stopped_by, run_budget.stop)
    return result if word == result.stopped_by else dataclasses.replace(result, stopped_by=word)


# Where stderr is not a terminal (a CI log), a plain progress line every this many seconds
# instead of the redrawn one: a long or unbounded search says it is alive, and a log keeps
# a line a half-minute, not a redraw per progress report. MCFSM_PROGRESS_EVERY=SECONDS
# sets it (tests use a fraction of a second); 0 turns the lines off.
PROGRESS_EVERY_S = 30.0


def progress_every() -> float:
    """Seconds between plain progress lines off a terminal (MCFSM_PROGRESS_EVERY, or 30)."""
    text = os.environ.get("MCFSM_PROGRESS_EVERY", "").strip()
    if not text:
        return PROGRESS_EVERY_S
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds < 0:
        raise UsageError(f"MCFSM_PROGRESS_EVERY={text!r} is not a number of seconds (0 or more)",
                         fix="set it to the seconds between progress lines on a "
                             "non-terminal stderr (default 30; 0: none), or unset it")
    return seconds


class _PlainLines:
    """When a plain line is due off a terminal: every `progress_every()` seconds from the
    start, measured here (a variant's combinations each restart the explorer's clock)."""

    def __init__(self) -> None:
        self.every = progress_every()
        self.started = time.monotonic()
        self.next_at = self.every

    def due(self) -> float | None:
        """The seconds elapsed when a line is due now, else None."""
        if not self.every:
            return None
        elapsed = time.monotonic() - self.started
        if elapsed < self.next_at:
            return None
        self.next_at = (elapsed // self.every + 1) * self.every  # the next multiple
        return elapsed

    @staticmethod
    def write(line: str) -> None:
        sys.stderr.write(f"mcfsm: {line}\n")
        sys.stderr.flush()


class WorkersLine:
    """One progress line on stderr for variants explored in worker processes (check
    --workers N): per running variant its states, states/s, depth and elapsed time; on a
    terminal, redrawn in place; elsewhere (a CI log), a plain line every 30 seconds."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.enabled = sys.stderr.isatty()
        self.plain = None if self.enabled else _PlainLines()
        self.running: dict[int, Progress] = {}
        self.done = 0
        self.shown = False

    def __call__(self, index: int, p: Progress | None) -> None:
        if p is None:
            self.running.pop(index, None)
            self.done += 1
        else:
            self.running[index] = p
        elapsed = None if self.plain is None else self.plain.due()
        if not self.enabled and elapsed is None:
            return
        parts = [f"{self.names[i]} {q.distinct:,} states "
                 f"({q.distinct / max(q.elapsed_s, 1e-9):,.0f}/s) depth {q.depth} {q.elapsed_s:.0f} s"
                 for i, q in sorted(self.running.items())]
        line = f"{self.done} of {len(self.names)} done | " + " | ".join(parts)
        if elapsed is not None:
            self.plain.write(f"{elapsed:.0f} s: {line}")  # type: ignore[union-attr]
            return
        width = shutil.get_terminal_size((120, 20)).columns - 1
        sys.stderr.write("\r" + line[:width].ljust(width))
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            width = shutil.get_terminal_size((120, 20)).columns - 1
            sys.stderr.write("\r" + " " * width + "\r")
            sys.stderr.flush()


class ProgressLine:
    """A progress line on stderr: on a terminal, redrawn in place for runs over two
    seconds; elsewhere (a CI log), a plain line every 30 seconds (MCFSM_PROGRESS_EVERY),
    so an unbounded search is not silent there."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.enabled = sys.stderr.isatty()
        self.plain = None if self.enabled else _PlainLines()
        self.shown = False

    def __call__(self, p: Progress) -> None:
        words = (f"{p.distinct:,} distinct, {p.total:,} total, depth {p.depth}, "
                 f"{p.queued:,} queued")
        if not self.enabled:
            elapsed = None if self.plain is None else self.plain.due()
            if elapsed is not None:
                self.plain.write(f"{self.label}: {words}, {elapsed:.0f} s")  # type: ignore[union-attr]
            return
        if p.elapsed_s < 2.0:
            return
        self.shown = True
        sys.stderr.write(f"\r{self.label}: {words}, {p.elapsed_s:.0f} s   ")
        sys.stderr.flush()

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\r" + " " * 100 + "\r")
            sys.stderr.flush()
