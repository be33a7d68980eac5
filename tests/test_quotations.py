"""Quotations as people remember them: word for word, in other inflections, near."""

import pytest

from searcher import Searcher
from searcher.backends.local.phrases import ANY_ORDER, IN_ORDER, MISSING, fit
from tests.conftest import doubled, write_texts


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("quotations")
    write_texts(
        tmp / "texts",
        anlasma=doubled(
            "Bu arada 1921 yılında Afganistan ve İran ile dostluk anlaşmaları imzaladı.",
            " ",
            "Daşnak Heyeti ise Karadeniz'den Akdeniz'e uzanan ''Büyük Ermenistan''ın",
            "kurulmasını öngören hayalci düşünceyi savunuyordu.",
            " ",
            "Savunma Bakanı, Kazım Karabekir Paşanın Ermeni sorunu konusundaki görüşünü",
            "paylaşıyordu.",
        ),
        kurtulus=doubled(
            "Doğu halklarının ulusal kurtuluş hareketiyle Rusya emekçilerinin mücadelesi.",
            " ",
            "Ulusal kurtuluş hareketiyle ulusal kurtuluş hareketiyle birleşen halklar.",
            " ",
            "Her halkın ulusal kurtuluş hareketi kendi yolunu seçer.",
            " ",
            "Sovyet Rusya ve Türkiye arasındaki dostluk ilişkilerinin kurulması tarihsel.",
        ),
    )
    with Searcher(index_dir=tmp / "index", texts_dir=tmp / "texts") as s:
        yield s


def matches(hits):
    return [h.match for h in hits]


def marked(hit):
    return [hit.text[s:e] for s, e in hit.highlights]


def test_phrase_with_other_inflection_is_found(books):
    (h,) = books.search('"dostluk anlaşması imzaladı"')
    assert h.match == "inflected"
    assert marked(h) == ["dostluk", "anlaşmaları", "imzaladı"]


def test_exact_quotation_outranks_inflected_one(books):
    hits = books.search('"ulusal kurtuluş hareketi"')
    assert "kendi yolunu" in hits[0].text and hits[0].match == "exact"
    assert matches(hits) == ["exact", "inflected", "inflected"]
    # the passage with the inflected form twice scores higher, still after the exact one
    assert hits[1].score > hits[0].score
    assert matches(books.search('"ulusal kurtuluş hareketi"', 1)) == ["exact"]


def test_phrase_with_a_word_left_out_is_found_near(books):
    (h,) = books.search('"Sovyet Rusya Türkiye arasındaki dostluk"')
    assert h.match == "near" and "dostluk ilişkilerinin" in h.text
    (h,) = books.search('"Türkiye arasındaki büyük dostluk ilişkileri"')  # a word added
    assert h.match == "near"


def test_ascii_quotation_in_other_inflection_is_found(books):
    (h,) = books.search("\"Buyuk Ermenistan'in kurulmasi\"")
    assert h.match == "inflected"
    assert marked(h) == ["Büyük", "Ermenistan'ın", "kurulmasını"]


def test_inflected_forms_are_highlighted(books):
    (h,) = books.search('"kazim karabekir pasa"')
    assert h.match == "inflected"
    assert marked(h) == ["Kazım", "Karabekir", "Paşanın"]


def test_exact_keyword_keeps_word_for_word_matches_only(books):
    assert books.search('"dostluk anlaşması imzaladı"', exact=True) == []
    hits = books.search('"ulusal kurtuluş hareketi"', exact=True)
    assert matches(hits) == ["exact"]


def test_words_in_another_order_are_near(books):
    (h,) = books.search('"anlaşmaları dostluk imzaladı"')
    assert h.match == "near"


def test_queries_without_quotation_match_words(books):
    assert set(matches(books.search("kurtuluş hareketi"))) == {"words"}


def test_near_needs_all_but_one_word_close_together():
    a, b, c, d = {1}, {2}, {3}, {4}
    assert fit([a, b, c, d], "inflected") == ((0, 1, 2, 3), IN_ORDER)
    assert fit([a, b, {9}, c], "inflected") is None
    assert fit([a, b, {9}, c], "near") is None  # unless a word may be missing:
    assert fit([a, b, {9}, c], "near", 1) == ((0, 1, 3), MISSING)  # the third left out
    assert fit([a, b, None, {4}], "near", 1) == ((0, 1, 3), MISSING)  # ... or replaced
    assert fit([a, {3}], "near") == ((0, 1), IN_ORDER)  # one word between
    assert fit([{2}, {1}], "near") == ((0, 1), ANY_ORDER)  # another order
    assert fit([a, {5}], "near") is None
    assert fit([a, None, None, d], "near", 1) is None


def test_near_prefers_every_word_to_all_but_one(tmp_path):
    write_texts(
        tmp_path / "texts",
        a=doubled("Her iki ülke en yakın zamanda bir konsolosluk açacaktı."),
        b=doubled("Ordu en yakın zamanda geri çekilecek ve hiçbir saldırı olmayacaktı."),
        c=doubled("Onlar en yakın zamanda indireceğinden hiçbir kuşku duymuyordu."),
    )
    with Searcher(index_dir=tmp_path / "index", texts_dir=tmp_path / "texts") as s:
        hits = s.search('"en yakın zamanda hiçbir"')
    assert hits[0].doc == "c.txt" and matches(hits) == ["near"] * 3
