"""Chained changes composed into one sentence (show/fix_text.chained), and a change checked
as worded from the published search's own runs (show/contribution.change_as_worded)."""

import dataclasses

import pytest

from mcfsm.check.choices import ChoiceRun
from mcfsm.errors import UsageError
from mcfsm.show.contribution import change_as_worded
from mcfsm.show.fix_text import TextChange, _merge, chained

BASE = "The server is informed, as described in clause 10.6.3.3."


def change(changed: str, published: str = BASE) -> TextChange:
    return TextChange("10.16.5.3 pre-condition 3", published, changed, "000.txt",
                      "10.16.5.3 Procedure", ("Pre-conditions:", published), 1)


def test_an_edit_inside_and_a_sentence_added_compose():
    one = "The server is informed, as described in clause 10.6.3.3, with a count."
    two = BASE + " It is told when the user leaves."
    assert _merge(BASE, one, two) == (
        "The server is informed, as described in clause 10.6.3.3, with a count. "
        "It is told when the user leaves.")


def test_two_added_sentences_keep_the_chain_s_order():
    first, second = BASE + " First.", BASE + " Second."
    (merged,) = chained([change(first), change(second)])
    assert merged.changed == BASE + " First. Second."


def test_two_rewrites_of_the_same_words_are_an_error_naming_the_fix():
    with pytest.raises(UsageError) as e:
        chained([change("The server is told."), change("The server learns it.")])
    assert "fix_sentences.toml" in str(e.value.fix)


def test_changes_to_other_sentences_stay_apart():
    other = dataclasses.replace(change("Another one, changed.", "Another one."), line=0)
    assert len(chained([change(BASE + " More."), other])) == 2


@dataclasses.dataclass
class _Param:
    choices: tuple


@dataclasses.dataclass
class _System:
    params: dict


@dataclasses.dataclass
class _Result:
    system: _System
    per_choice: tuple


def _run(states: int, status: str, **choices: str) -> ChoiceRun:
    return ChoiceRun(tuple(choices.items()), {"p": (status, 3)}, states, True)


PUBLISHED = _Result(_System({"setup": _Param(("wait", "resume")),
                             "timer": _Param(("free", "outlasts"))}), (
    _run(10, "violated", setup="wait", timer="free"),
    _run(11, "violated", setup="wait", timer="outlasts"),
    _run(12, "violated", setup="resume", timer="free"),
    _run(13, "holds", setup="resume", timer="outlasts")))


def test_a_change_that_is_a_published_choice_is_checked_under_the_readings_its_variant_drops():
    fix = _Result(_System({"setup": _Param(("resume",))}),
                  (_run(13, "holds", setup="resume"),))
    worded = change_as_worded(PUBLISHED, fix)
    assert [dict(r.choices) for r in worded.per_choice] == [
        {"setup": "resume", "timer": "free"}, {"setup": "resume", "timer": "outlasts"}]


def test_a_fix_whose_runs_differ_from_the_published_ones_is_its_own_check():
    # same choices, other states: the fix's code does more than its parameter shows
    fix = _Result(_System({"setup": _Param(("resume",))}), (_run(99, "holds", setup="resume"),))
    assert change_as_worded(PUBLISHED, fix) is None
    # a choice the published search does not have: the fix's own code
    own = _Result(_System({"setup": _Param(("resume",)), "extra": _Param(("on",))}),
                  (_run(13, "holds", setup="resume", extra="on"),))
    assert change_as_worded(PUBLISHED, own) is None


def test_the_readings_a_question_draws_are_the_fewest_choices_that_each_make_it_fail():
    from mcfsm.show.contribution import failing_readings

    system = _System({"a": _Param(("x", "y")), "b": _Param(("p", "q"))})
    system.params = {n: dataclasses.replace(p) for n, p in system.params.items()}

    def run(status, **choices):
        return _run(1, status, **choices)

    # fails with a=x or b=q: two readings, one chart each
    result = _Result(system, (run("violated", a="x", b="p"), run("violated", a="x", b="q"),
                              run("violated", a="y", b="q"), run("holds", a="y", b="p")))
    assert failing_readings(result, "p") == [("a=x",), ("b=q",)]
    # fails only with a=x: one reading, the finding's own chart already draws it
    result = _Result(system, (run("violated", a="x", b="p"), run("violated", a="x", b="q"),
                              run("holds", a="y", b="q"), run("holds", a="y", b="p")))
    assert failing_readings(result, "p") == []
