"""Initial-state sets: TLC's `x \\in S` in Init.

    Var(int, one_of(0, 1, 2))                      a role or shared variable
    Instance("p0", role, init={"hr": one_of(*range(1, 13))})

Each combination of alternatives (across every variable and instance that has a set, and
every parameter choice) is one initial state, counted as TLC counts them: each generated
initial state adds one to the total, and the distinct ones to the distinct count.
Unlike a `Param`, the value is an ordinary variable: it may change in later steps, and
it does not stand for a choice the spec leaves open.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..errors import ModelError


@dataclasses.dataclass(frozen=True)
class OneOf:
    """A set of alternative initial values (build it with `one_of`)."""

    values: tuple[Any, ...]


def one_of(*values: Any) -> OneOf:
    if not values:
        raise ModelError("one_of() has no alternatives",
                         fix="pass at least one initial value, e.g. one_of(0, 1)")
    return OneOf(tuple(values))


def alternatives(value: Any) -> tuple[Any, ...]:
    """The initial values a declaration allows: several for one_of(...), else one."""
    return value.values if isinstance(value, OneOf) else (value,)
