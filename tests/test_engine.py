import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from searcher import QueryError, Searcher
from searcher.results.highlight import make_snippet
from tests.conftest import doubled, write_texts

FULL = "Sovyet Rusya ve Türkiye arasındaki dostluk ilişkilerinin kurulması, tarihsel"


@pytest.fixture
def tiny(tmp_path):
    """A three-document corpus written in the test; one searcher per test."""
    write_texts(
        tmp_path / "texts",
        gumruk=doubled(
            "Sınır bölgeleri sâkinlerinin avantajlı gümrük kuralları vardı (*).",
            " ",
            "Türkiye Kızılay Derneğine yardım gönderildi.",
            " ",
            "Lenin, Çiçerin'i telefonla arayarak ilânı sordu (**).",
        ),
        sakarya=doubled(
            "Çok pahalıya kazanılan Sakarya zaferi ülke ekonomisini altüst etmişti ve",
            "hasta adam denen ülkeyi ayağa kaldırdı.",
            " ",
            "Menşevikler Türk ültimatomunu kabul ettiler.",
            " ",
            "Türkiye hükümeti bir ültimatom vererek Ardahan'ın boşaltılmasını istedi.",
        ),
        sayfa=doubled("Dostluk ve kardeşlik antlaşması imzalanınca halklar arasında çok")
        + "\n\n"
        + doubled("büyük bir sevinç yaşandı ve bayramlar yapıldı."),
    )
    with Searcher(index_dir=tmp_path / "index", texts_dir=tmp_path / "texts") as s:
        yield s


def first(s, query, **kw):
    hits = s.search(query, **kw)
    assert hits, f"no hits for {query!r}"
    return hits[0]


def test_ascii_query_finds_turkish_word(tiny):
    h = first(tiny, "gumruk")
    assert "avantajlı gümrük" in h.text
    assert [h.text[s:e] for s, e in h.highlights] == ["gümrük"]


def test_capitals_with_dotless_i_find_the_word(tiny):
    assert "Kızılay" in first(tiny, "KIZILAY").text


def test_inflected_query_finds_other_forms(tiny):
    hits = tiny.search("ültimatomlar")
    assert len(hits) == 2
    assert all("ültimatom" in h.text for h in hits)


def test_name_with_apostrophe_suffix_is_found_by_the_bare_name(tiny):
    assert "Çiçerin'i" in first(tiny, "Çiçerin").text


def test_circumflex_is_optional(tiny):
    assert first(tiny, "ilan").text == first(tiny, "ilân").text


def test_phrase_matches_across_line_break_ignoring_punctuation_and_case(tiny):
    h = first(tiny, '"HASTA ADAM denen"')
    assert h.doc == "sakarya.txt"
    (span,) = h.highlights
    assert h.text[span[0] : span[1]] == "hasta adam denen"


def test_phrase_matches_across_page_break(tiny):
    h = first(tiny, "“halklar arasında çok büyük bir sevinç”")
    assert h.doc == "sayfa.txt" and h.page == 1
    assert h.line == 1


def test_phrase_typed_in_ascii(tiny):
    assert first(tiny, '"dostluk ve kardeslik antlasmasi"').doc == "sayfa.txt"


def test_pasted_quotation_with_a_quote_inside_is_one_phrase(tiny):
    assert first(tiny, '"hasta adam” denen"').doc == "sakarya.txt"


def test_phrase_must_match_in_order(tiny):
    assert tiny.search('"adam hasta"', exact=True) == []
    assert [h.match for h in tiny.search('"adam hasta"')] == ["near"]


def test_typo_falls_back_to_nearest_word(tiny):
    assert "Sakarya zaferi" in first(tiny, "Sakraya zaferi").text


def test_query_about_something_absent_returns_nothing(tiny):
    assert tiny.search("futbol maçı") == []
    assert tiny.search("nükleer silahlar") == []


def test_stop_words_do_not_drive_ranking(tiny):
    h = first(tiny, "ve bir gümrük")
    assert "gümrük" in h.text


def test_only_stop_words_still_search_them(tiny):
    assert tiny.search("ve") != []


def test_hit_reports_line_page_footnotes_and_neighbours(tiny):
    h = first(tiny, "telefonla", context=1)
    assert (h.doc, h.passage, h.line, h.page) == ("gumruk.txt", 3, 9, 1)
    assert [f.marker for f in h.footnotes] == ["(**)"]
    assert h.before == ("Türkiye Kızılay Derneğine yardım gönderildi.",)
    assert h.after == ()


def test_line_is_the_line_of_the_first_match_not_of_the_passage(tiny):
    h = first(tiny, "denen")
    assert h.line_start == 1 and h.line == 3


def test_hits_are_ranked_and_serialise_to_json(tiny):
    hits = tiny.search("ültimatom Ardahan")
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert hits[0].score >= hits[-1].score
    assert "Ardahan" in hits[0].text
    d = json.loads(json.dumps(hits[0].to_dict()))
    assert d["doc"] == hits[0].doc and d["line"] == hits[0].line
    assert d["snippet"]["highlights"] == [list(x) for x in hits[0].snippet.highlights]


def test_ranking_pins_on_a_tiny_corpus(tiny):
    """A ranking change must be a visible, deliberate diff."""
    # the exact form outranks the inflected one
    assert [(h.doc, h.passage) for h in tiny.search("ültimatom")] == [
        ("sakarya.txt", 3), ("sakarya.txt", 2),
    ]
    assert [(h.doc, h.passage) for h in tiny.search("Türkiye")][:1] == [("gumruk.txt", 2)]


@pytest.mark.parametrize("query", ["", "   ", '"hasta adam', "!!! ...", "“”"])
def test_bad_queries_raise_query_error(tiny, query):
    with pytest.raises(QueryError):
        tiny.search(query)


def test_phrase_option_takes_the_whole_query_as_a_phrase(tiny):
    assert tiny.search("adam hasta", phrase=True, exact=True) == []
    assert first(tiny, "hasta adam", phrase=True).doc == "sakarya.txt"


def test_hits_are_frozen(tiny):
    h = first(tiny, "gumruk")
    with pytest.raises(AttributeError):
        h.rank = 5


def test_decomposed_dotted_capital_i_finds_the_composed_word_and_back(tmp_path):
    texts = write_texts(
        tmp_path / "texts",
        bilesik=doubled("\u0130ZM\u0130R limanına gemiler geldi."),
        ayrik=doubled("I\u0307STANBUL boğazı kapandı."),
        isaretli=doubled("Eski \u0130\u0316STANBUL yazısı bulundu."),
    )
    with Searcher(index_dir=tmp_path / "index", texts_dir=texts) as s:
        def docs(query):
            return [h.doc for h in s.search(query, context=0)]

        assert docs("I\u0307zmir") == docs("İzmir") == ["bilesik.txt"]
        assert docs("İstanbul boğazı") == ["ayrik.txt"]
        assert docs("I\u0316\u0307STANBUL yazısı") == ["isaretli.txt"]


def test_snippet_is_the_window_with_the_matches():
    text = "a " * 300 + "gümrük kapısı " + "b " * 300
    start = text.index("gümrük")
    sn = make_snippet(text, [(start, start + 6)])
    assert len(sn.text) <= 250
    (s, e), = sn.highlights
    assert sn.text[s:e] == "gümrük"
    assert sn.marked("<", ">").count("<gümrük>") == 1


def test_module_level_search_builds_the_index_on_first_use(tmp_path):
    from searcher import search

    texts = write_texts(tmp_path / "t", a=doubled("Gümrük kapısı açıldı."))
    assert not (tmp_path / "i").exists()
    hits = search("gumruk", texts_dir=texts, index_dir=tmp_path / "i")
    assert hits[0].text == "Gümrük kapısı açıldı."
    assert (tmp_path / "i" / "CURRENT").exists()


# ---------------------------------------------------------------- real document


@pytest.mark.parametrize(
    "query, expected",
    [
        ("Kazim Karabekir Pasa", "Kazım Karabekir Paşa"),
        ("İSMET PAŞA", "İsmet Paşa"),
        ("ingiliz gazetesi", "İngiliz gazetesi Daily Herald"),
        ("Trabzon'a silah gonderilmesi", "ilk parti silâh Trabzon'a gönderilmiş"),
        ("Moskova Antlaşması ne zaman imzalandı", "Moskova Antlaşması"),
        ('"hasta adam"', "'hasta adam'"),
        ("Sakraya zaferi", "Sakarya"),
    ],
)
def test_real_document_queries_rank_the_answer_first(real_searcher, query, expected):
    assert expected in real_searcher.search(query, 1)[0].text


def test_real_document_negative_queries_return_few_hits(real_searcher):
    for q in ("futbol maçı", "nükleer silahlar", "internet bağlantısı"):
        assert len(real_searcher.search(q)) <= 1


def test_ascii_word_maps_to_the_turkish_spellings_of_the_vocabulary(real_searcher):
    (clause,) = real_searcher.parse("gonderilmesi")
    assert "gönderilmesi" not in clause.words  # what was typed is kept as typed
    assert "gonderilmes" in clause.stems or "gonderil" in clause.stems
    (ascii_clause,) = real_searcher.parse("dumansiz")
    (turkish_clause,) = real_searcher.parse("dumansız")
    assert ascii_clause.stems == turkish_clause.stems
    assert ascii_clause.exacts == turkish_clause.exacts


def test_typo_clause_is_marked_and_uses_the_nearest_words(real_searcher):
    (clause,) = real_searcher.parse("Sakraya")
    assert clause.typo
    assert "sakarya" in clause.exacts


def test_typo_after_the_first_letters_is_caught_by_the_prefix(real_searcher):
    (clause,) = real_searcher.parse("Konferensı")
    assert not clause.typo  # no edit-distance search needed
    hits = real_searcher.search("Londra Konferensı", 3)
    assert all("Londra" in h.text and "Konferans" in h.text for h in hits)


def test_words_standing_together_outrank_words_far_apart(tmp_path):
    filler = " ".join(["uzun"] * 30)
    write_texts(
        tmp_path / "texts",
        a=doubled(f"Makineli bir {filler} tüfek vardı."),
        b=doubled(f"Orada {filler} makineli tüfek vardı."),
    )
    with Searcher(index_dir=tmp_path / "index", texts_dir=tmp_path / "texts") as s:
        assert [h.doc for h in s.search("makineli tüfek")] == ["b.txt", "a.txt"]


def test_fast_highlighting_equals_token_highlighting(real_searcher, real_passages):
    """The regex paths mark exactly what comparing every word of the passage marks,
    for words, quoted phrases (taken from the passages, so they occur) and compounds."""
    import random

    from searcher import QueryError
    from searcher.results.highlight import highlight_spans, passage_tokens

    rng = random.Random(11)
    words = [w for p in real_passages for w in p.text.split()]
    queries = ["gumruk", "Çiçerin", "Ankara", "hasta adam", "KIZILAY Derneği", "ve bir",
               "Meclis-i Mebusan", '"Kars, Sarıkamış ve" Ankara', '"ve" bir']
    queries += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 3))) for _ in range(80)]
    for p in rng.sample(real_passages, 40):
        ws = p.text.split()
        i = rng.randrange(max(len(ws) - 4, 1))
        queries.append(f'"{" ".join(ws[i : i + rng.randint(1, 4)])}" {rng.choice(words)}')
    phrases = 0
    for q in queries:
        try:
            clauses = real_searcher.parse(q)
        except QueryError:
            continue
        phrases += any(c.kind == "phrase" for c in clauses)
        for p in rng.sample(real_passages, 15) + real_searcher.search(q, 1, context=0):
            fast = highlight_spans(p.text, clauses)
            assert fast == highlight_spans(p.text, clauses, passage_tokens(p.text)), (q, p.text)
    assert phrases >= 40


def test_clause_marks_in_one_pass_equal_each_clause_marked_alone(real_searcher,
                                                                 real_passages):
    # a question's re-rank marks its clauses one by one in ~20 passages: one pass over
    # the candidate words must give each clause exactly the spans its own marking does
    import random

    from searcher import QueryError
    from searcher.query.question import analyse
    from searcher.results.highlight import ClauseMarks, Highlighter

    rng = random.Random(5)
    words = [w for p in real_passages for w in p.text.split()]
    queries = ["Türk ordusu Aleksandropol'den ne zaman çekildi",
               "Kars konferansinda Turkiye heyeti baskani kimdi", "gumruk Çiçerin KIZILAY"]
    queries += [" ".join(rng.choice(words) for _ in range(rng.randint(2, 6))) for _ in range(60)]
    for q in queries:
        question = analyse(q)
        try:
            clauses = real_searcher.parse(question.content if question else q)
        except QueryError:
            continue
        marks = ClauseMarks(clauses)
        for p in rng.sample(real_passages, 10) + real_searcher.search(q, 3, context=0):
            assert marks(p.text) == [Highlighter([c])(p.text) for c in clauses], (q, p.text)


def test_occurrences_respect_token_boundaries():
    from searcher.results.highlight import _occurrences

    text = "Ankara'ya, 'Ankara' ve Ankaralı; xAnkara Ankara_"
    assert _occurrences(text, "Ankara") == [(12, 18)]
    assert _occurrences(text, "Ankara'ya") == [(0, 9)]


def _osa_reference(a: str, b: str) -> int:
    """Optimal string alignment distance, the full table (the textbook definition)."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


@given(st.text("abcçgğ", max_size=9), st.text("abcçgğ", max_size=9), st.integers(0, 3))
def test_banded_typo_distance_equals_the_full_table(a, b, limit):
    from searcher.query.typos import edit_distance as _edit_distance

    assert _edit_distance(a, b, limit) == min(_osa_reference(a, b), limit + 1)
