import pickle

import pytest

from searcher import analysis, turkish


def tokens(analyzer, text):
    return [t.text for t in analyzer(text)]


def test_turkish_lowercase_handles_dotted_and_dotless_i():
    assert turkish.lower("KIZILAY") == "kızılay"
    assert turkish.lower("İSMET PAŞA") == "ismet paşa"
    assert turkish.lower("İngiliz") == "ingiliz"
    assert "KIZILAY".lower() == "kizilay"  # why Python's lower() is not used


def test_fold_removes_turkish_diacritics():
    assert turkish.fold("gümrük çağrı ışık şöyle ilân") == "gumruk cagri isik soyle ilan"


def test_exact_chain_lowercases_strips_suffix_and_folds():
    text = "KIZILAY Çiçerin'i Ankara'ya ve İngiliz"
    assert tokens(analysis.exact_analyzer(), text) == [
        "kizilay", "cicerin", "ankara", "ve", "ingiliz",
    ]


def test_stem_chain_drops_stop_words_stems_then_folds():
    assert tokens(analysis.stem_analyzer(), "ültimatomlar ve tutsakların dönüşleri") == [
        "ultimatom", "tutsak", "donus",
    ]


def test_circumflex_is_folded_before_stemming():
    stem = analysis.stem_analyzer()
    assert tokens(stem, "silâh ilân") == tokens(stem, "silah ilan")


def test_prefix_chain_keeps_five_folded_letters():
    assert tokens(analysis.prefix_analyzer(), "Gönderilmesi bir gümrük") == ["gonde", "gumru"]


def test_surface_form_keeps_turkish_letters_for_the_vocabulary():
    assert [analysis.surface(w) for w in ("Çiçerin'i", "SİLÂH")] == ["çiçerin", "silah"]


def test_hyphen_and_punctuation_split_words():
    assert tokens(analysis.exact_analyzer(), "Meclis-i Mebusan, V.İ. Lenin") == [
        "meclis", "i", "mebusan", "v", "i", "lenin",
    ]


@pytest.mark.parametrize(
    "make", [analysis.exact_analyzer, analysis.stem_analyzer, analysis.prefix_analyzer]
)
def test_analyzers_pickle_for_the_whoosh_schema(make):
    a = pickle.loads(pickle.dumps(make()))
    assert tokens(a, "Gümrük") == tokens(make(), "Gümrük")


def test_query_term_helpers_agree_with_the_index_analyzers():
    words = ["Çiçerin'i", "SİLÂHLARI", "gönderilmesi", "KIZILAY", "ültimatomlar", "Ankara'ya"]
    for w in words:
        s = analysis.surface(w)
        assert tokens(analysis.stem_analyzer(), w) == [analysis.stem_term(s)]
        assert tokens(analysis.prefix_analyzer(), w) == [analysis.prefix_term(s)]
        assert tokens(analysis.exact_analyzer(), w) == [turkish.fold(s)]
