"""Where the spec text is, in the order a user expects: the command's `--spec DIR`, then
the environment variable MCFSM_SPEC, then the folder the clause list's header comment names
("# ... the spec text in ../../shared/spec/"). None when no folder is reachable: the record
of cited sentences then answers (record.py), and the run says so once.

`--spec off` (or MCFSM_SPEC=off) keeps the text out on purpose: CI uses it to show that a
clone with nothing beside it regenerates the same pages.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from ..errors import UsageError

ENV = "MCFSM_SPEC"
OFF = "off"
_FOLDER = re.compile(r"(\.{1,2}/[^\s,;)]+)")

# The command line's --spec, set once per process by the commands that quote.
_chosen: str | None = None
_said = False


def choose(path: str | Path | None) -> None:
    """The command's --spec (None: not given)."""
    global _chosen
    _chosen = None if path is None else str(path)


def _given() -> tuple[str, str] | None:
    """(the folder or file given, by whom) from --spec or MCFSM_SPEC, or None."""
    if _chosen is not None:
        return _chosen, "--spec"
    env = os.environ.get(ENV, "").strip()
    return (env, ENV) if env else None


def header_folder(clauses: Path) -> str | None:
    """The folder the clause list's header comment names, as written ("../../shared/spec/")."""
    for line in clauses.read_text(encoding="utf-8").splitlines():
        if not line.lstrip().startswith("#"):
            break
        m = _FOLDER.search(line)
        if m:
            return m.group(1)
    return None


def text_folder(clauses: Path) -> Path | None:
    """The folder of the spec files for a clause list, or None when the text is not
    reachable (then the record answers). A folder given by --spec or MCFSM_SPEC that does
    not exist is an error: the user asked for it."""
    given = _given()
    if given is not None:
        value, by = given
        if value == OFF:
            return None
        folder = Path(value).expanduser()
        if not folder.is_dir():
            raise UsageError(f"{by} {value}: not a folder; give the folder of the spec text "
                             f"files (001_*.txt ...), or '{OFF}' to use the record of quotes only")
        return folder.resolve()
    if not clauses.is_file():
        return None
    named = header_folder(clauses)
    if named is None:
        return None
    folder = (clauses.parent / named).resolve()
    return folder if folder.is_dir() else None


def say_not_reread(record: Path, clauses: Path) -> None:
    """One line, once per process: the quotes came from the record, not the text."""
    global _said
    if _said:
        return
    _said = True
    given = _given()
    if given is not None and given[0] == OFF:
        why = f"{given[1]} {OFF}"
    else:
        named = header_folder(clauses) if clauses.is_file() else None
        why = f"no spec text at {named}" if named else "no spec text folder named"
    print(f"mcfsm: quotes from {record}, not re-read ({why}; give --spec DIR or {ENV}=DIR "
          "to re-read them)", file=sys.stderr)
