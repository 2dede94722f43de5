"""Session 54's faster ways of computing the same answers, each held to the plain
computation it replaced on generated inputs: a model word looked up among a text's runs
of word characters (instead of a pattern per name), and a product of parameter values
tested against the other combinations only (instead of building the set it carves)."""

from __future__ import annotations

import itertools
import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mcfsm.check.choices import _product
from mcfsm.show.contribution import _CHOICE, _IDENTIFIER, model_words_in


def _words_by_pattern(text: str, names: set[str]) -> list[str]:
    """model_words_in as it was: one pattern per name."""
    return [n for n in names if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text)]


# names and texts over a small alphabet, so that names occur in texts, inside longer runs,
# beside hyphens and underscores, and with characters (".", " ", "é") outside [\w-]
ALPHABET = "ab_-. é"
NAMES = st.sets(st.text(ALPHABET, max_size=5), max_size=6)
TEXTS = st.text(ALPHABET + "x", max_size=40)


@settings(max_examples=300, derandomize=True)
@given(NAMES, TEXTS, st.lists(st.sampled_from(sorted(ALPHABET)), max_size=3))
def test_a_model_word_is_found_where_its_pattern_finds_it(names, text, glue):
    # a text made to hold some of the names, joined by the generated characters
    text = text + "".join(glue).join(sorted(names)[:3])
    assert model_words_in(text, names) == (_CHOICE.findall(text) + _IDENTIFIER.findall(text)
                                           + _words_by_pattern(text, names))


def _product_by_sets(multi: list[str], subset: set, all_set: set) -> Any:
    """_product as it was: the set each candidate carves, compared with subset."""
    as_dict = {c: dict(c) for c in all_set | subset}
    for size in range(1, len(multi) + 1):
        for names in itertools.combinations(multi, size):
            values = [{as_dict[c][n] for c in subset} for n in names]
            carved = {c for c in all_set
                      if all(as_dict[c][n] in vs for n, vs in zip(names, values))}
            if carved == subset:
                return list(zip(names, values))
    return None


@st.composite
def _spaces(draw: Any) -> tuple[list[str], set, set]:
    sizes = draw(st.lists(st.integers(1, 3), min_size=1, max_size=4))
    multi = [f"p{k}" for k in range(len(sizes))]
    every = [tuple(zip(multi, values)) for values in itertools.product(*map(range, sizes))]
    all_set = set(draw(st.lists(st.sampled_from(every), min_size=1, unique=True)))
    subset = set(draw(st.lists(st.sampled_from(sorted(all_set)), unique=True)))
    subset |= set(draw(st.lists(st.sampled_from(every), max_size=1)))  # at times one outside
    return multi, subset, all_set


@settings(max_examples=300, derandomize=True)
@given(_spaces())
def test_a_product_carves_what_the_set_it_builds_carves(space):
    multi, subset, all_set = space
    assert _product(multi, subset, all_set) == _product_by_sets(multi, subset, all_set)
