"""Questions in plain Turkish, and typo corrections that are reported."""

import json

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from searcher.cli.app import main
from searcher.query import question
from searcher.query.question import COUNT, WHEN, WHERE, WHO, YESNO, analyse, answer_spans
from tests.conftest import doubled, write_texts


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    from searcher import Searcher

    root = tmp_path_factory.mktemp("questions")
    texts = write_texts(
        root / "texts",
        tarih=doubled(
            "Antlaşma görüşmeleri uzun sürdü ve antlaşma konusunda çok tartışma oldu.",
            " ",
            "Heyet Moskova'da antlaşma için çalıştı; antlaşma metni okundu.",
            " ",
            "Moskova antlaşması yazın Moskova'da törenle imzalandı.",
            " ",
            "Moskova antlaşması 16 Mart 1921'de Moskova'da imzalandı.",
            " ",
            "Meclis antlaşmayı uzun görüşmelerden sonra onaylamıştı; oylamada 201 kişi "
            "lehte oy verdi.",
            " ",
            "Meclis antlaşmayı onaylamıştı ve milletvekilleri antlaşmayı övdüler.",
            " ",
            "Moskova'ya giden heyette Dışişleri Bakanı Bekir Sami Bey ve Yusuf Kemal Bey vardı.",
            " ",
            "Kimler geldi, kimler gitti, kim ne zaman nerede neden konuştu, bilinmez.",
            " ",
            "Heyet yolculuğunu anlattı ve heyet raporunu yazdı.",
            " ",
            "Sınırda gümrük kapısı görülen bir yerde kuruldu.",
        ),
    )
    s = Searcher(index_dir=root / "index", texts_dir=texts)
    yield s
    s.close()


def test_question_forms_are_recognised_with_or_without_turkish_letters():
    assert analyse("Moskova Antlaşması ne zaman imzalandı").kind == WHEN
    assert analyse("doğu cephesi HANGİ TARİHTE kuruldu").kind == WHEN
    assert analyse("TBMM antlaşmayı kaç oyla onayladı").kind == COUNT
    assert analyse("TBMM antlasmayi KAC oyla onayladi").kind == COUNT
    assert analyse("ne kadar yardım istendi").kind == COUNT
    assert analyse("heyette kimler vardı").kind == WHO
    assert analyse("heyetin başkanı kimdi").kind == WHO
    assert analyse("konferans nerede yapıldı").kind == WHERE
    assert analyse("silah nereye gonderildi").kind == WHERE
    assert analyse("Frunze Trabzon'da konakladı mı").kind == YESNO
    assert analyse("tek ülke miydi?").kind == YESNO
    assert analyse("nicin gecikti").content == "gecikti"
    assert analyse('"Kardeşlik Antlaşması" ne zaman imzalandı?').content == (
        '"Kardeşlik Antlaşması" imzalandı'
    )
    assert analyse("Moskova Antlaşması ne zaman imzalandı").content == (
        "Moskova Antlaşması imzalandı"
    )


def test_word_queries_and_bare_question_words_are_no_questions():
    assert analyse("Sakarya zaferi") is None
    assert analyse('"hasta adam"') is None
    assert analyse("ne zaman") is None  # nothing left to search: searched as typed


def test_answer_evidence_of_each_kind():
    text = "Meclis 22 Temmuz 1921'de 201 oyla onayladı; Bekir Sami Bey Kars'ta kaldı."
    found = {k: [text[s:e] for s, e in answer_spans(text, k)] for k in (WHEN, COUNT, WHO, WHERE)}
    assert "22 Temmuz" in found[WHEN] and "1921" in found[WHEN]
    assert "201" in found[COUNT] and "22" not in found[COUNT]  # a day is no amount
    assert "Sami Bey" in " ".join(found[WHO])
    assert "Kars'ta" in found[WHERE]


def test_question_words_do_not_need_to_match(history):
    # the answer does not say "kimler"; the passage full of question words is no hit
    hits = history.search("Moskova'ya giden heyette kimler vardı")
    assert hits and "Bekir Sami Bey" in hits[0].text
    assert hits.question.kind == WHO
    assert not any("bilinmez" in h.text for h in hits)
    assert not any("bilinmez" in h.text for h in history.search("heyet kimler ne zaman nerede"))


def test_when_question_prefers_passage_with_date(history):
    hits = history.search("Moskova antlaşması ne zaman imzalandı")
    assert "16 Mart 1921" in hits[0].text
    # as a word query the shorter passage, without the date, comes first
    plain = history.search("Moskova antlaşması imzalandı")
    assert plain.question is None and "yazın" in plain[0].text


def test_how_many_question_prefers_passage_with_number_and_matches_other_verb_forms(history):
    hits = history.search("Meclis antlaşmayı kaç oyla onayladı")
    assert "201 kişi" in hits[0].text  # "onaylamıştı" in the text, "onayladı" asked


def test_ascii_question_is_answered_like_the_turkish_one(history):
    assert history.search("Meclis antlasmayi kac oyla onayladi")[0].text == (
        history.search("Meclis antlaşmayı kaç oyla onayladı")[0].text
    )


def test_question_snippet_opens_on_the_answer_sentence(history):
    long = "Antlaşma konusunda uzun bir giriş cümlesi burada yer alıyor ve sürüyor. " * 6
    from searcher.results.highlight import make_snippet

    text = long + "Antlaşma 16 Mart 1921'de imzalandı. " + long
    focus = (len(long), len(long) + len("Antlaşma 16 Mart 1921'de imzalandı."))
    snippet = make_snippet(text, [(len(long), len(long) + 8)], focus=focus)
    assert snippet.text.startswith("…Antlaşma 16 Mart 1921'de imzalandı.")


def test_typo_correction_is_reported(history):
    hits = history.search("gorvulan gümrük")
    assert hits.corrections == {"gorvulan": ("görülen",)}
    assert "görülen" in hits[0].text
    assert history.search("gümrük").corrections == {}

    cli = ["--texts", str(history.texts_dir), "--index", str(history.index_dir)]
    r = CliRunner().invoke(main, ["search", "gorvulan", "gümrük", *cli])
    assert r.exit_code == 0  # typo search stays automatic
    assert "searcher: no match for 'gorvulan'; searched near words: görülen\n" in r.stderr
    rows = json.loads(CliRunner().invoke(main, ["search", "gorvulan", "--json", *cli]).stdout)
    assert rows[0]["corrections"] == {"gorvulan": ["görülen"]}
    plain = json.loads(CliRunner().invoke(main, ["search", "gümrük", "--json", *cli]).stdout)
    assert "corrections" not in plain[0]


@given(st.sampled_from(question._WORD_FORMS).flatmap(
    lambda form: st.from_regex(form[0], fullmatch=True)))
def test_every_question_word_form_starts_as_the_quick_check_expects(word):
    """A word not starting with one of _FORM_STARTS is taken for no question word
    without matching the forms: every form must start so."""
    assert word.startswith(question._FORM_STARTS)
    assert question._word_kind(word) is not None


def test_fewer_hits_of_a_question_are_the_first_of_more(real_searcher):
    # the answer-sentence re-rank skips passages that cannot reach the hits shown:
    # asking for 3 gives the first 3 of 10, with the same scores and snippets
    for q in ("Moskova Antlaşması ne zaman imzalandı", "Frunze Samsun'a nereden gitti",
              "Kars konferansinda Turkiye heyeti baskani kimdi",
              "Sovyet hükümeti hangi bölgeleri Türkiye'ye bırakmayı kabul etti",
              "Türk birlikleri Kars'ı ne zaman ele geçirdi"):
        few, more = real_searcher.search(q, 3), real_searcher.search(q, 10)
        assert [h.to_dict() for h in few] == [h.to_dict() for h in more[:3]], q
        assert len(more) > 3
