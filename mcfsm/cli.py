"""The `mcfsm` command line (entry point `mcfsm.cli:main`). The commands live in
mcfsm/commands/, one module each, with the exit-code contract in commands/common.py:

    0 all as expected, 1 a property violated (diff: a verdict changed), 2 a usage or model
    error, 3 inconclusive (a budget cut the search, or a property not judged), 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

from .commands import main
from .commands.common import (
    EXIT_ERROR,
    EXIT_INCONCLUSIVE,
    EXIT_OK,
    EXIT_VIOLATED,
    ProgressLine,
)
from .interrupt import EXIT_INTERRUPTED

_ProgressLine = ProgressLine  # the name tests and older code use

__all__ = ["EXIT_ERROR", "EXIT_INCONCLUSIVE", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_VIOLATED",
           "ProgressLine", "main"]

if __name__ == "__main__":  # pragma: no cover
    main()
