"""benchmarks/bench_shapes.py's model (issue 34 item 5) at its smallest size, in-process: the
idiomatic mcfsm model, the two one-role encodings (one variable; one variable per component
and one transition per action) and the plain-Python BFS agree on distinct and
total states, depth, and every verdict with its shortest counterexample's length. A
correctness test of the four encodings; the benchmark measures their speed."""

from __future__ import annotations

from benchmarks import shapes_model

SIZE = shapes_model.SIZES[0]
# 6 items: counted by the plain BFS, and by the engine before this test was written.
EXPECTED = (28_982, 89_141, 32, {"window-kept": None, "in-order": 8, "acked-consumed": 7,
                                 "alarm-justified": None, "no-deadlock": None})


def test_four_encodings_agree() -> None:
    plain = shapes_model.run("plain", SIZE)[:4]
    assert plain == EXPECTED
    for encoding in ("idiomatic", "one_role", "one_role_vars"):
        assert shapes_model.run(encoding, SIZE)[:4] == plain, encoding


def test_idiomatic_model_has_the_issues_shape() -> None:
    system = shapes_model.build(SIZE)
    assert len(system.instances) == 5
    assert set(system.shared) == {"credit", "done"}
    assert system.network.name == "FIFO"
