"""The compiled core's hot paths stay in C: an integer literal of 2**31 or more written
without a C suffix is a Python int to Cython, so comparing a uint32_t with it (or or-ing
one into it) boxes the C value into a new int object and compares objects. Four such
sentinels (0xFFFFFFFE, 0xFFFFFFFF, 0x80000000) sat in the memo trees' walk and the world
readers' key: PyLong_FromLong and long_bitwise were 4% of private_call_migration
[lossy_release]'s CPU, and the fix made that variant 0.89x. This test keeps them suffixed."""

from __future__ import annotations

import re
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "mcfsm" / "check" / "kernel" / "_core.pyx"
# a hex literal of eight digits from 0x80000000 up, not followed by a suffix (U, L)
BIG = r"0x[89a-fA-F][0-9a-fA-F]{7}(?![0-9a-fA-FuUlL])"
# ... used as an operand of a comparison or a bitwise operator
OPERAND = re.compile(rf"(==|!=|<=|>=|<|>|\||&)\s*{BIG}|{BIG}\s*(==|!=|<=|>=|<|>|\||&)")


def code_lines(text: str) -> list[tuple[int, str]]:
    """(line number, code) of the lines outside docstrings, comments dropped."""
    out, in_doc = [], False
    for number, line in enumerate(text.splitlines(), 1):
        quotes = line.count('"""')
        if in_doc or quotes:
            if quotes % 2:
                in_doc = not in_doc
            continue
        out.append((number, line.split("#", 1)[0]))
    return out


def test_no_unsuffixed_big_literal_in_a_compare_or_bitwise_operation() -> None:
    offending = [f"{CORE.name}:{n}: {code.strip()}" for n, code in code_lines(CORE.read_text())
                 if OPERAND.search(code)]
    assert not offending, ("suffix these literals with U (a Python int to Cython otherwise):\n"
                           + "\n".join(offending))


def test_the_check_finds_an_unsuffixed_sentinel() -> None:
    sample = 'x = 1\n"""doc: == 0xFFFFFFFE"""\nif edge == 0xFFFFFFFE:\n    pk[0] = 0x80000000U | v\n'
    assert [n for n, code in code_lines(sample) if OPERAND.search(code)] == [3]
