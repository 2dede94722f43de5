"""json_layout.indented is `json.dumps(value, indent=N)` byte for byte (the trace files of
`diagram` and `report` are committed under diagrams/ and must not change by a byte)."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mcfsm.lang.loader import load_path
from mcfsm.show.json_layout import indented
from mcfsm.show.trace import steps_json
from mcfsm.show.tracefile import itf, trace_record

from .conftest import ROOT

LEAVES = (st.none() | st.booleans() | st.integers() | st.text()
          | st.floats(allow_nan=True, allow_infinity=True))
KEYS = st.text() | st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False)
VALUES = st.recursive(LEAVES, lambda inner: st.lists(inner, max_size=4)
                      | st.tuples(inner, inner)
                      | st.dictionaries(KEYS, inner, max_size=4), max_leaves=30)


@settings(max_examples=400, deadline=None)
@given(VALUES, st.integers(0, 3))
def test_generated_values_lay_out_as_json_does(value, indent):
    assert indented(value, indent) == json.dumps(value, indent=indent)


@pytest.mark.parametrize("value", [{}, [], {"a": []}, [{}], {2: 2, 1.5: 3, True: 4, None: 5},
                                   [math.nan, -math.inf], "é\u2028\x00"])
def test_edge_cases_lay_out_as_json_does(value):
    assert indented(value, 1) == json.dumps(value, indent=1)


def test_a_key_json_refuses_is_refused_alike():
    with pytest.raises(TypeError):
        json.dumps({(1, 2): 3}, indent=1)
    with pytest.raises(TypeError):
        indented({(1, 2): 3}, 1)


def test_a_bundled_model_s_trace_files_lay_out_as_json_does():
    """Every counterexample and witness of one bundled variant, in the three records written
    of it (the trace file, its ITF twin, the steps of `trace --json`)."""
    from mcfsm import explore

    (lm,) = load_path(ROOT / "models" / "migration_lifecycle.py")
    variant = next(iter(lm.model.variants))
    system = lm.model.system(variant)
    traced = [v for v in explore(system).verdicts if v.trace]
    assert traced
    for v in traced:
        for record in (trace_record(model=lm.model.name, file="m.py", variant=variant,
                                    system=system, prop=v.property, status=v.status,
                                    source="explorer", trace=v.trace),
                       itf(system, v.trace, "t"), steps_json(system, v.trace)):
            assert indented(record, 1) == json.dumps(record, indent=1)
