"""`mcfsm cache verify`: re-explore cached results and fail on any difference; `mcfsm cache
clear`: empty the cache. A cached answer must be the answer a fresh run would give; this
command is how a user (or CI) checks that claim instead of trusting it."""

from __future__ import annotations

import shutil
import sys

import click

from ..check.cache import cache_dir, verify
from .common import EXIT_OK, EXIT_VIOLATED, echo, exit_help, guarded

HELP = ("Check or empty the result cache (.mcfsm-cache/, or MCFSM_CACHE_DIR).\n\n"
        "ACTION is `verify` (explore cached entries afresh, without the cache, and compare) "
        "or `clear` (remove every entry).\n\n"
        + exit_help("every verified entry equals a fresh run (or the cache was cleared)",
                    "a cached entry differs from a fresh run"))


@click.command(name="cache", help=HELP)
@click.argument("action", type=click.Choice(["verify", "clear"]))
@click.option("--sample", type=click.IntRange(min=1), metavar="N",
              help="verify: a random sample of N entries (default: every entry).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="verify: the seed that draws the sample.")
@guarded
def cache_command(action: str, sample: int | None, seed: int) -> None:
    folder = cache_dir()
    if action == "clear":
        count = len(list(folder.glob("*.json"))) if folder.is_dir() else 0
        if folder.is_dir():
            shutil.rmtree(folder)
        echo(f"cache: removed {count} entr{'y' if count == 1 else 'ies'} from {folder}")
        sys.exit(EXIT_OK)
    outcomes = verify(sample, seed)
    for o in outcomes:
        echo(f"  {o.outcome:<10} {o.entry}" + (f"  {o.detail}" if o.detail else ""))
    counts = {k: sum(o.outcome == k for o in outcomes)
              for k in ("same", "DIFFERENT", "stale", "unreadable", "unverified")}
    echo(f"cache verify: {len(outcomes)} entr{'y' if len(outcomes) == 1 else 'ies'} in {folder}: "
         f"{counts['same']} equal to a fresh run, {counts['DIFFERENT']} different, "
         f"{counts['stale']} stale (not used: their sources changed), "
         f"{counts['unreadable']} unreadable (explored afresh when met), "
         f"{counts['unverified']} not verified (their model cannot be built here)")
    sys.exit(EXIT_VIOLATED if counts["DIFFERENT"] else EXIT_OK)
