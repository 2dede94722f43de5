"""`mcfsm replay` and `mcfsm export`: commands on trace files."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from ..errors import ModelError, UsageError
from ..lang.loader import LoadedModel, load_path
from ..show.trace import trace_text
from ..show.tracefile import load_trace, replay
from .common import (
    EXIT_OK,
    EXIT_VIOLATED,
    build,
    check_output_file,
    echo,
    exit_help,
    guarded,
    where,
)

REPLAY_HELP = ("Re-execute a saved trace step by step and say where it diverges.\n\n"
               + exit_help("the trace replays and its last state still shows the finding",
                           "the trace diverges, or no longer shows its finding"))


def _model_file(tracefile: Path, recorded: str) -> Path:
    """The model file a trace names: as written (relative to where it was written, which
    need not be here), else relative to the trace file's folder or one of its parents (a
    trace under diagrams/ names models/x.py from the repository root)."""
    named = Path(recorded)
    if named.exists():
        return named
    # An absolute path of another checkout (the plugin and `check --traces` record one):
    # its tail, from the longest, beside the trace, in its parent folders or here.
    tails = ([Path(*named.parts[k:]) for k in range(1, len(named.parts))]
             if named.is_absolute() else [named])
    for tail in tails:
        for folder in (*tracefile.resolve().parents, Path.cwd()):
            if (folder / tail).is_file():
                return folder / tail
    raise UsageError(f"{tracefile}: the model file it names, {recorded}, is neither there "
                     "nor (by its trailing folders) beside the trace, in its parent folders "
                     "or here (a trace written in another checkout); pass --model PATH, the "
                     "model file to replay it against")


def _model_of(tracefile: Path, record: dict[str, Any],
              model_path: Path | None) -> tuple[Path, LoadedModel]:
    path = model_path or _model_file(tracefile, record["file"])
    matches = [lm for lm in load_path(path) if lm.model.name == record["model"]]
    if not matches:
        raise UsageError(f"{tracefile}: {path} has no model named {record['model']!r}; pass "
                         "--model PATH")
    lm = matches[0]
    if record["variant"] not in lm.model.variants:
        raise UsageError(f"{tracefile}: model {lm.model.name!r} in {path} no longer has variant "
                         f"{record['variant']!r}; known: {', '.join(lm.model.variants)}")
    return path, lm


def _replayed(tracefile: Path, lm: LoadedModel, record: dict[str, Any]) -> Any:
    system = build(lm, record["variant"])
    names = [p.name for p in system.properties]
    if record["property"] not in names:
        raise UsageError(f"{tracefile}: model {lm.model.name!r} [{record['variant']}] has no "
                         f"property {record['property']!r}; it has {', '.join(names)}")
    prop = system.properties[names.index(record["property"])]
    shows = "witnessed" if prop.kind == "sometimes" else "violated"
    if record["status"] != shows:  # what the replay checks the last state for goes by kind
        raise UsageError(f"{tracefile}: its status is {record['status']!r}, but "
                         f"{record['property']!r} is a {prop.kind} property, whose trace shows "
                         f"it {shows}", fix=f'set "status": "{shows}", or replay the trace on '
                                            "the model it was written from (--model PATH)")
    try:
        return system, replay(system, record)
    except ModelError as exc:
        raise exc.located(where(lm, record["variant"])) from exc


@click.command(name="replay", help=REPLAY_HELP)
@click.argument("tracefile", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--model", "model_path", type=click.Path(path_type=Path), default=None,
              help="The model file to replay on (default: the file named in the trace).")
@guarded
def replay_(tracefile: Path, model_path: Path | None) -> None:
    record = load_trace(tracefile)
    path, lm = _model_of(tracefile, record, model_path)
    system, result = _replayed(tracefile, lm, record)
    echo(f"replaying {tracefile} on {path} [{record['variant']}]: {record['property']} "
               f"({record.get('status', '?')}, from the {record.get('source', '?')}), "
               f"{len(record['steps'])} steps")
    if result.trace.states:
        echo("\n".join(trace_text(system, result.trace, indent="  ")))
    if result.diverged_at is not None:
        if result.diverged_at == 0:
            echo(f"  DIVERGED: no initial state has the recorded parameters "
                       f"{record.get('params')}; the model has {list(result.enabled)}")
        else:
            echo(f"  DIVERGED at step {result.diverged_at}: the recorded step "
                       f"{_step_words(result.expected)} is not enabled. Enabled instead:")
            for option in result.enabled:
                echo(f"    - {_step_words(option)}")
        sys.exit(EXIT_VIOLATED)
    if result.still_shows:
        echo(f"  the trace replays in full and its last state still shows "
                   f"{record['property']} {record.get('status', '')}".rstrip())
        sys.exit(EXIT_OK)
    echo(f"  the trace replays in full, but its last state no longer shows "
               f"{record['property']} {record.get('status', '')}: the model changed")
    sys.exit(EXIT_VIOLATED)


def _step_words(step: dict[str, Any] | None) -> str:
    if not step:
        return "?"
    text = f"{step.get('actor')}: {step.get('transition')}"
    if step.get("message") is not None:
        text += f" <- {step.get('from')}: {step['message']}"
    if step.get("arg") is not None:
        text += f" [{step['arg']}]"
    return text


@click.command(name="export", help="Print a trace file as ITF (Quint/Apalache), JSON steps, "
               "Mermaid or DOT, or draw its sequence chart as SVG, PNG or PDF.\n\n"
               + exit_help("the trace was exported", "(not used)")
               + " A trace that no longer replays is a usage error (2).")
@click.argument("tracefile", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt",
              type=click.Choice(["itf", "json", "mermaid", "dot", "svg", "png", "pdf"]),
              default="itf", show_default=True,
              help="svg, png and pdf draw the sequence chart through graphviz (png/pdf for a .docx).")
@click.option("--model", "model_path", type=click.Path(path_type=Path), default=None,
              help="The model file (default: the file named in the trace).")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="FILE", help="Write to FILE instead of printing (needed for png and pdf).")
@guarded
def export_(tracefile: Path, fmt: str, model_path: Path | None, out_file: Path | None) -> None:
    from ..show.charts import chart, dot, mermaid
    from ..show.trace import steps_json
    from ..show.tracefile import itf

    record = load_trace(tracefile)
    path, lm = _model_of(tracefile, record, model_path)
    system, result = _replayed(tracefile, lm, record)
    if result.diverged_at is not None:
        raise UsageError(f"{tracefile} no longer replays on {path} (diverges at step "
                         f"{result.diverged_at}); see `mcfsm replay {tracefile}`")
    title = f"{record['model']} [{record['variant']}]: {record['property']} ({record.get('status')})"
    if fmt in ("svg", "png", "pdf"):
        from ..show.export import draw_trace

        if out_file is None and fmt != "svg":
            raise UsageError(f"--format {fmt} is binary: pass --out FILE (e.g. --out chart.{fmt})")
        check_output_file(out_file, "--out")
        data = draw_trace(system, result.trace, record, title, fmt)
        if out_file is None:
            echo(data.decode(), nl=False)
        else:
            out_file.write_bytes(data)
            echo(f"wrote {out_file}")
        return
    if fmt == "itf":
        echo(json.dumps(itf(system, result.trace, title), indent=1))
    elif fmt == "json":
        echo(json.dumps(steps_json(system, result.trace), indent=1))
    elif fmt == "mermaid":
        echo(mermaid(chart(system, result.trace, title)), nl=False)
    else:
        echo(dot(chart(system, result.trace, title)), nl=False)
