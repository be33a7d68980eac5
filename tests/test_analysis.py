import pickle
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from searcher.backends.local import analysis
from searcher.text import tokens as text_tokens
from searcher.text import turkish


def tokens(analyzer, text):
    return [t.text for t in analyzer(text)]


def test_turkish_lowercase_handles_dotted_and_dotless_i():
    assert turkish.lower("KIZILAY") == "kızılay"
    assert turkish.lower("İSMET PAŞA") == "ismet paşa"
    assert turkish.lower("İngiliz") == "ingiliz"
    assert "KIZILAY".lower() == "kizilay"  # why Python's lower() is not used


def test_turkish_capital_keeps_the_dot_of_its_i():
    assert turkish.capitalize("istanbul") == "İstanbul"
    assert turkish.capitalize("ırmak") == "Irmak"
    assert turkish.capitalize("çiçerin") == "Çiçerin"
    assert "istanbul".capitalize() == "Istanbul"  # why Python's capitalize() is not used


# Lucene's TestTurkishLowerCaseFilter, token by token: composed, decomposed (I + U+0307),
# decomposed with another mark first (I U+0316 U+0307 is canonically İ U+0316), the lone
# decomposed İ, and the empty term.
LUCENE_TURKISH_LOWER = [
    ("\u0130STANBUL", "istanbul"),
    ("\u0130ZM\u0130R", "izmir"),
    ("ISPARTA", "\u0131sparta"),
    ("I\u0307STANBUL", "istanbul"),
    ("I\u0307ZMI\u0307R", "izmir"),
    ("I\u0316\u0307STANBUL", "i\u0316stanbul"),
    ("I\u0316SPARTA", "\u0131\u0316sparta"),
    ("I\u0307", "i"),
    ("", ""),
]


@pytest.mark.parametrize("text, lowered", LUCENE_TURKISH_LOWER)
def test_turkish_lower_matches_lucene_cases(text, lowered):
    assert turkish.lower(text) == lowered


def test_canonically_equivalent_spellings_lower_alike():
    assert turkish.lower("I\u0316\u0307STANBUL") == turkish.lower("\u0130\u0316STANBUL")


def test_dot_above_stays_after_other_letters():
    assert turkish.lower("A\u0307 X\u0307") == "a\u0307 x\u0307"
    assert turkish.lower("II\u0307") == "\u0131i"  # only the I the dot belongs to
    assert turkish.lower("I\u0307\u0307") == "i"  # all dots of that I (as Lucene)


def test_fold_removes_turkish_diacritics():
    assert turkish.fold("gümrük çağrı ışık şöyle ilân") == "gumruk cagri isik soyle ilan"


@given(st.text(st.characters(categories=("Lu", "Ll", "Lt", "Lo", "Nd")), max_size=40))
def test_first_folded_letters_are_those_of_each_letter_folded_alone(chars):
    assert turkish.first_folded(chars) == "".join(turkish.fold(turkish.lower(c))[:1]
                                                  for c in chars)


def test_first_folded_letters_of_the_latin_blocks():
    chars = "".join(chr(c) for c in range(0x30, 0x2000) if chr(c).isalnum()) + "İIıßæ"
    assert turkish.first_folded(chars) == "".join(turkish.fold(turkish.lower(c))[:1]
                                                  for c in chars)


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
    assert [text_tokens.surface(w) for w in ("Çiçerin'i", "SİLÂH")] == ["çiçerin", "silah"]


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
        s = text_tokens.surface(w)
        assert tokens(analysis.stem_analyzer(), w) == [text_tokens.stem_term(s)]
        assert tokens(analysis.prefix_analyzer(), w) == [text_tokens.prefix_term(s)]
        assert tokens(analysis.exact_analyzer(), w) == [turkish.fold(s)]


# -- the build's per-word analysis (issue 31): one cached call gives every field's term


def _chains(word: str) -> tuple:
    """What the three Whoosh chains make of *word* (a single token)."""
    exact = tokens(analysis.exact_analyzer(), word)
    stem = tokens(analysis.stem_analyzer(), word)
    prefix = tokens(analysis.prefix_analyzer(), word)
    return exact, stem, prefix


def _cached(word: str) -> tuple:
    a = text_tokens.analysed(word)
    return [a.exact], [] if a.stem is None else [a.stem], [] if a.prefix is None else [a.prefix]


def test_cached_analysis_gives_the_chains_terms_for_every_word_of_the_seed(real_passages):
    words = {w for p in real_passages for w in text_tokens.TOKEN_RE.findall(p.text)}
    assert len(words) > 4000
    differ = [w for w in sorted(words) if _cached(w) != _chains(w)]
    assert differ == []


def test_cached_analysis_gives_the_chains_terms_for_generated_words():
    import random
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from varied import made_up_word

    rng = random.Random(31)
    words = {made_up_word(rng) for _ in range(3000)}
    words |= {w.upper() for w in list(words)[:500]} | {w.capitalize() + "'ın" for w in
                                                        list(words)[500:1000]}
    assert [w for w in sorted(words) if _cached(w) != _chains(w)] == []


@given(st.from_regex(r"[A-Za-zÇĞİÖŞÜçğıöşüÂâÎîÛû0-9\u0307]{1,12}('[a-zçğıöşü]{1,4})?",
                     fullmatch=True))
def test_cached_analysis_gives_the_chains_terms_for_any_token(text):
    for word in text_tokens.TOKEN_RE.findall(text):
        assert _cached(word) == _chains(word)
