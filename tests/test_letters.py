"""A question typed in ASCII is embedded with its Turkish letters back (searcher.query.letters)."""

from __future__ import annotations

from searcher.query.letters import restore

# fold(word) -> its spellings in the texts, as the index's vocabulary answers
TEXTS = {"turk": ("türk",), "gumru": ("gümrü",), "sinir": ("sınır",),
         "koylerindeki": ("köylerindeki",), "ingiliz": ("ingiliz",), "kac": ("kaç",)}


def test_words_the_texts_hold_get_their_spelling_there():
    assert restore("Turk ordusu Gumru'yu ne zaman ele gecirdi", TEXTS) == (
        "Türk ordusu Gümrü'yü ne zaman ele geçirdi")


def test_a_word_the_texts_lack_is_its_root_and_suffixes_in_harmony():
    # kaçın- + dı, tanı- + dı, ulaş- + ınca: the suffix vowel follows the root's
    assert restore("kac mebus oy kullanmaktan kacindi", TEXTS) == (
        "kaç mebus oy kullanmaktan kaçındı")
    assert restore("Sovyetler anlasmayi tanidi mi") == "Sovyetler anlaşmayı tanıdı mi"
    assert restore("Halil Pasa Moskova'ya ulasinca") == "Halil Paşa Moskova'ya ulaşınca"


def test_suffixes_outside_harmony_keep_their_vowel():
    assert restore("hayvanlarini nerede otlatabilecekti") == (
        "hayvanlarını nerede otlatabilecekti")
    assert restore("yoldaki cocuklar geliyordu") == "yoldaki çocuklar geliyordu"


def test_a_capital_i_becomes_the_dotted_capital_of_its_word():
    assert restore("Ingiliz gazetesi", TEXTS) == "İngiliz gazetesi"


def test_a_word_in_doubt_and_an_acronym_stay_as_typed():
    # koy or köy: the root list has both and no text says which; TBMM is a name
    assert restore("koy halki ve TBMM") == "koy halkı ve TBMM"


def test_a_query_with_one_turkish_letter_is_left_as_typed():
    query = "Türk ordusu Kars'i aldi"  # typed on a Turkish keyboard: its letters are meant
    assert restore(query, TEXTS) == query
