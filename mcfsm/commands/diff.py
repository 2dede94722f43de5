"""`mcfsm diff`: two variants side by side (a clause as published and as a CR changes it)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import UsageError
from ..lang.loader import load_path
from .common import (
    EXIT_INCONCLUSIVE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_VIOLATED,
    budget,
    budget_options,
    check_output_file,
    echo,
    explore_variant,
    guarded,
)

HELP = ("Compare two variants: verdicts, counterexamples, reachability and set-up cost.\n\n"
        "Exit status: 0 every property has the same verdict in A and B, under the same "
        "readings (counterexample lengths may differ); 1 a verdict changed (fixed or broken "
        "in B, a property in one variant only, or, unless --status-only, a verdict that "
        "keeps its status under fewer or more of the readings both explore: a CR's effect "
        "too); 2 usage or model error; 3 inconclusive: no verdict changed but "
        "a budget left some verdict unknown; 130 interrupted (Ctrl-C).")


@click.command(name="diff", help=HELP)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--variant", "variants", multiple=True, metavar="NAME",
              help="Give it twice: A then B. With two paths, A is in the first, B in the "
                   "second. Once: B, against the baseline it declares (a CR file's changed "
                   "variant, a fix_* variant). Not at all: the one variant of the file that "
                   "declares a baseline, against it (a CR file: as_published vs changed).")
@click.option("--json", "as_json", is_flag=True, help="Print the diff as JSON.")
@click.option("--status-only", is_flag=True,
              help="Exit 1 only when a verdict's status changes, not when it keeps its status "
                   "under other readings (violated under fewer choices, witnessed under more). "
                   "Without it such a change fails the diff: it is what a CR changes when it "
                   "says which reading the text means, and a gate must not pass it unseen.")
@click.option("--markdown", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Also write a Markdown report with sequence charts, fit to attach to a CR.")
@budget_options
@guarded
def diff_(paths: tuple[Path, ...], variants: tuple[str, ...], as_json: bool, status_only: bool,
          markdown: Path | None, max_states: int | None, max_depth: int | None,
          time_limit: float | None) -> None:
    from ..show.diff import Side, diff, diff_json, diff_text
    from ..show.diff_files import write_diff_markdown

    if len(paths) > 2:
        raise UsageError("give one model file (two variants of it) or two model files")
    if len(variants) < 2:
        variants = _against_baseline(paths, variants)
    if len(variants) != 2:
        raise UsageError("give --variant exactly twice: the variant A and the variant B")
    check_output_file(markdown, "--markdown")
    run_budget = budget(max_states, max_depth, time_limit)
    # Both sides are loaded and their variant names checked before either is explored:
    # a wrong name for B must not cost the search of A.
    chosen = []
    for path, variant in zip(paths if len(paths) == 2 else paths * 2, variants):
        everything = load_path(path)
        loaded = [lm for lm in everything if variant in lm.model.variants]
        if not loaded:
            known = sorted({v for lm in everything for v in lm.model.variants})
            raise UsageError(f"--variant {variant!r} is not a variant in {path}; known: "
                             f"{', '.join(known)}")
        chosen.append((loaded[0], variant))
    sides = []
    for lm, variant in chosen:
        click.echo(f"diff: exploring {lm.model.name} [{variant}]", err=True)
        system, result = explore_variant(lm, variant, run_budget)
        if result.stopped_by == "interrupted":
            click.echo(f"mcfsm: interrupted while exploring {lm.model.name}[{variant}] "
                       f"({result.distinct_states:,} states so far); no diff", err=True)
            sys.exit(EXIT_INTERRUPTED)
        # Variants of one file are named by their own names; of two files, with the model's.
        label = variant if len(paths) == 1 else f"{lm.model.name} [{variant}]"
        sides.append(Side(label, system, result, lm.model.variants[variant].doc))
    d = diff(sides[0], sides[1])
    if as_json:
        echo(json.dumps(diff_json(d), indent=2))
    else:
        echo("\n".join(diff_text(d)))
    if markdown is not None:
        write_diff_markdown(d, f"CR diff: {lm.model.name}, {sides[0].label} vs {sides[1].label}",
                            markdown)
        if not as_json:
            echo(f"\nMarkdown report: {markdown}")
    changed = inconclusive = False
    for p in d.properties:
        if p.a is None or p.b is None:
            changed = True
        elif "unknown" in (p.a.status, p.b.status):
            inconclusive = True
        elif p.a.status != p.b.status or (p.readings and not status_only):
            changed = True
    if changed:
        sys.exit(EXIT_VIOLATED)
    if inconclusive:
        if not as_json:
            click.echo("INCONCLUSIVE: a budget cut a search, and no verdict that was decided "
                       "changed", err=True)
        sys.exit(EXIT_INCONCLUSIVE)
    sys.exit(EXIT_OK)


def _against_baseline(paths: tuple[Path, ...], variants: tuple[str, ...]) -> tuple[str, ...]:
    """(A, B) where --variant is given once (B) or not at all, from the baseline B declares
    (Model.variant(baseline=)); one model file only."""
    if len(paths) != 1:
        raise UsageError("with two model files, give --variant twice: A in the first, B in "
                         "the second")
    based = {v: spec.baseline for lm in load_path(paths[0])
             for v, spec in lm.model.variants.items() if spec.baseline}
    if variants:
        [b] = variants
        if b not in based:
            raise UsageError(f"--variant {b!r} declares no baseline in {paths[0]} to compare "
                             f"it with; give --variant twice (A, then B)"
                             + (f", or one of {sorted(based)}" if based else ""))
        return (based[b], b)
    if len(based) != 1:
        raise UsageError(f"{paths[0]}: give --variant twice (A, then B), or once: one of the "
                         f"variants that declare a baseline ({', '.join(sorted(based)) or 'none'})")
    [(b, a)] = based.items()
    return (a, b)
