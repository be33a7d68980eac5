"""Texts people keep beside the book, read as they are (issue 33).

Each test writes a small text of one kind into a texts folder and searches it as a
user would: every word is found and shown as written, and paragraphs stay apart.
"""

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searcher import Searcher
from searcher.text import layout
from searcher.text.document import read_document
from searcher.text.normalize import PDF_GLYPHS, repair
from searcher.text.tokens import TOKEN_RE
from searcher.text.turkish import STOP_WORDS, lower
from tests.conftest import REAL_TEXT, doubled

TRANSLITERATION = (
    "İlhanlı hükümdarı Ġāzān Han, Merāġa rasathanesini ziyaret etti.\n"
    "\n"
    "Kaynaklar ġāyât kalabalık bir meclisten ve ḳāḍī Ṭūsī'nin sözlerinden bahseder.\n"
    "\n"
    "Tebriz'de ṭāʿūn salgını ḥükûmeti sarstı; Baġdād'dan haber gelmedi.\n"
)
CAPITAL_LIST = (
    "Yerli savunma ürünleri:\n"
    "\n"
    "MKEK T40 KARADAVUL\n"
    "\n"
    "ASELSAN ZARGANA\n"
    "\n"
    "ROKETSAN ÇAKIR\n"
)
CAPITAL_TABLE = "ÜRÜN  ÜRETİCİ  YIL\nKARADAVUL  MKEK  2021\nZARGANA  ASELSAN  2019\n"
ONE_LINE_PARAGRAPHS = (
    "Pamuk Çukurova'da yetişir.\n\nZeytinyağı Ege'den gelir.\n\nFındık Karadeniz'in ürünüdür.\n"
)
WRAPPED = (
    "Sovyet Rusya ile Türkiye arasındaki ilişkiler 1920 yazında\n"
    "Moskova'da başladı ve kısa sürede gelişti.\n"
    "\n"
    "Kars Antlaşması ise ertesi yıl, Ekim ayında\n"
    "imzalandı.\n"
)
MARKDOWN = (
    "# Giriş\n"
    "\n"
    "Bu kitap Anadolu'nun yakın tarihini anlatır.\n"
    "\n"
    "## Kaynakça\n"
    "\n"
    "Arşiv belgeleri ve hatıratlar kullanıldı.\n"
)


CRLF_TEXT = "Birinci paragraf\tburada.\r\n\r\nİkinci\u00a0paragraf şurada.\r\n\r\nÜçüncü.\r\n"


def searcher_over(tmp_path, files: dict[str, bytes | str]) -> Searcher:
    texts = tmp_path / "texts"
    texts.mkdir()
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (texts / f"{name}.txt").write_bytes(data)
    return Searcher(index_dir=tmp_path / "index", texts_dir=texts)


def words(text: str) -> list[str]:
    return TOKEN_RE.findall(text)


def assert_every_word_found_as_written(s: Searcher, text: str) -> None:
    """Search each word of *text*: a hit shows it exactly as the text writes it."""
    for word in set(words(text)):
        if lower(word) in STOP_WORDS:
            continue  # function words do not drive a search on their own
        hits = s.search(word, limit=None)
        assert any(word in h.text for h in hits), f"{word!r} not found as written"


def passages_of(s: Searcher, doc: str) -> list[str]:
    return [p.text for p in s.passages(doc)]


@pytest.fixture
def own(tmp_path):
    s = searcher_over(tmp_path, {
        "tarih": TRANSLITERATION, "liste": CAPITAL_LIST, "tablo": CAPITAL_TABLE,
        "urunler": ONE_LINE_PARAGRAPHS, "kars": WRAPPED, "kitap": MARKDOWN,
    })
    with s:
        yield s


def test_transliteration_letters_survive(own):
    hit = own.search("Merāġa")[0]
    assert "Merāġa rasathanesini" in hit.text and "Ġāzān" in hit.text
    assert "ġāyât" in own.search("ġāyât")[0].text
    assert "meraga" in own.search("meraga")[0].text.lower().replace("ā", "a").replace("ġ", "g")
    assert_every_word_found_as_written(own, TRANSLITERATION)
    assert passages_of(own, "tarih.txt") == [p for p in TRANSLITERATION.split("\n") if p]
    assert not set("ŞşİĠ") & set(own.search("Baġdād")[0].text.replace("İlhanlı", ""))


def test_capital_list_is_searchable(own):
    assert passages_of(own, "liste.txt") == [
        "Yerli savunma ürünleri:", "MKEK T40 KARADAVUL", "ASELSAN ZARGANA", "ROKETSAN ÇAKIR",
    ]
    assert {h.text for h in own.search("ZARGANA")} == {"ASELSAN ZARGANA", "ZARGANA  ASELSAN  2019"}
    assert passages_of(own, "tablo.txt") == [line for line in CAPITAL_TABLE.split("\n") if line]
    assert_every_word_found_as_written(own, CAPITAL_LIST + CAPITAL_TABLE)


def test_one_line_paragraphs_stay_apart(own):
    (hit,) = own.search("Pamuk")
    assert hit.text == "Pamuk Çukurova'da yetişir."
    assert passages_of(own, "urunler.txt") == [
        "Pamuk Çukurova'da yetişir.", "Zeytinyağı Ege'den gelir.", "Fındık Karadeniz'in ürünüdür.",
    ]
    assert_every_word_found_as_written(own, ONE_LINE_PARAGRAPHS)


def test_wrapped_lines_with_blank_line_paragraphs(own):
    assert passages_of(own, "kars.txt") == [
        "Sovyet Rusya ile Türkiye arasındaki ilişkiler 1920 yazında Moskova'da başladı ve kısa "
        "sürede gelişti.",
        "Kars Antlaşması ise ertesi yıl, Ekim ayında imzalandı.",
    ]
    assert_every_word_found_as_written(own, WRAPPED)


def test_markdown_headings_are_searchable_and_head_their_passages(own):
    ps = own.passages("kitap.txt")
    assert [p.text for p in ps] == [line for line in MARKDOWN.split("\n") if line]
    assert [p.section for p in ps] == ["Giriş", "Giriş", "Kaynakça", "Kaynakça"]
    hit = own.search("Kaynakça")[0]
    assert hit.section == "Kaynakça" and hit.text == "## Kaynakça"
    assert_every_word_found_as_written(own, MARKDOWN)


def test_crlf_and_bom(tmp_path):
    text = CRLF_TEXT
    with searcher_over(tmp_path, {"windows": b"\xef\xbb\xbf" + text.encode("utf-8"),
                                  "mac": text.replace("\r\n", "\r")}) as s:
        for doc in ("windows.txt", "mac.txt"):
            assert passages_of(s, doc) == [
                "Birinci paragraf burada.", "İkinci paragraf şurada.", "Üçüncü.",
            ]
        hits = s.search("paragraf", limit=None)
        assert len(hits) == 4
        assert all("\r" not in h.text and "\ufeff" not in h.text and "\t" not in h.text
                   for h in hits)
        assert {h.line for h in hits} == {1, 3}
        assert_every_word_found_as_written(s, "Birinci paragraf burada İkinci şurada Üçüncü")


def test_stats_say_what_was_repaired_and_which_layout(tmp_path):
    import shutil

    from searcher.cli.output import stats_text

    texts = tmp_path / "texts"
    texts.mkdir()
    shutil.copy(REAL_TEXT, texts / REAL_TEXT.name)
    (texts / "tarih.txt").write_text(TRANSLITERATION, encoding="utf-8")
    with Searcher(index_dir=tmp_path / "index", texts_dir=texts) as s:
        st = s.stats()
    assert st["reading"] == {
        REAL_TEXT.name: {"repairs": [PDF_GLYPHS], "layout": layout.DOUBLE_SPACED},
        "tarih.txt": {"repairs": [], "layout": layout.LINES},
    }
    out = stats_text(st)
    assert f"  {REAL_TEXT.name}: pdf double-spaced; repaired: {PDF_GLYPHS}\n" in out
    assert "  tarih.txt: ordinary, a paragraph a line; nothing repaired\n" in out


def test_pdf_layout_only_where_its_lines_are_cut_at_a_width():
    seed = REAL_TEXT.read_text(encoding="utf-8")
    assert read_document(seed).layout == layout.DOUBLE_SPACED
    poem = ("Artık demir almak günü gelmişse zamandan,\n\n"
            "Meçhule giden bir gemi kalkar bu limandan.\n\n"
            "Hiç yolcusu yokmuş gibi sessizce alır yol;\n\n"
            "sallanmaz o kalkışta ne mendil ne de bir kol.\n")
    for text in (poem, ONE_LINE_PARAGRAPHS, CAPITAL_LIST, TRANSLITERATION):
        r = read_document(text)
        assert r.layout == layout.LINES
        assert [p.text for p in r.passages] == [x for x in text.split("\n") if x]
    assert read_document(WRAPPED).layout == layout.WRAPPED


# ------------------------------------------------------------- the property


def read_words(text: str) -> tuple[Counter, Counter]:
    """The words of the text after the repairs it needed; those of its passages and
    of its headings that are no passage."""
    r = read_document(text)
    expected, _ = repair(text.removeprefix("\ufeff"), glyphs=PDF_GLYPHS in r.repairs)
    got = Counter(w for p in r.passages for w in words(p.text))
    got.update(w for h in r.headings for w in words(h))
    return Counter(words(expected)), got


def same_words(expected: Counter, got: Counter) -> None:
    """The same words, but for a word broken at a line end and joined again
    (``kurak-`` / ``lık``: the halves are in the joined word, letter for letter)."""
    missing, extra = expected - got, got - expected
    assert all(any(m in e for e in extra) for m in missing), (missing, extra)
    assert Counter("".join(expected.elements())) == Counter("".join(got.elements()))


def test_no_word_lost_in_the_seed():
    expected, got = read_words(REAL_TEXT.read_text(encoding="utf-8"))
    assert got == expected


WORD = st.sampled_from(
    "Merāġa Ġāzān ġāyât ḳāḍī Ṭūsī Pamuk zeytinyağı fındık Çukurova'da KARADAVUL MKEK T40 "
    "ASELSAN İSMET KIZILAY ılgaz şura gümrük Kars'a 1921 (*) Askeri- devrimci ve de "
    "BarıĢ yaĢama iliĢki".split()
)
LINE = st.lists(WORD, min_size=1, max_size=14).map(" ".join)
HEADING = st.sampled_from(["# Giriş", "## Kaynakça", "BİRİNCİ BÖLÜM", "DAŞNAK-TÜRK SAVAŞI"])
BREAK = st.sampled_from(["\n", "\n\n", "\r\n", "\r\n\r\n", "\r", "\n \n", "\n\n\n", "\n\f\n",
                         "\t\n", "\u00a0\n\n"])


@st.composite
def texts(draw):
    parts = draw(st.lists(st.one_of(LINE, LINE, HEADING), min_size=1, max_size=12))
    out = []
    for part in parts:
        out.append(part)
        out.append(draw(BREAK))
    text = "".join(out)
    if draw(st.booleans()):
        text = doubled(*parts)  # the seed's layout
    return ("\ufeff" if draw(st.booleans()) else "") + text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts())
def test_no_word_lost(text):
    expected, got = read_words(text)
    same_words(expected, got)
    r = read_document(text)
    assert all("\r" not in p.text and "\ufeff" not in p.text for p in r.passages)


def test_query_judged_like_a_text(real_searcher):
    # pasted from the seed's file: its damage shows, so the query is repaired like the seed
    hit = real_searcher.search("BarıĢ içinde birlikte yaĢama")[0]
    assert "arış içinde birlikte yaşama" in hit.text
    from searcher.text.normalize import normalize

    assert normalize("Merāġa", repair_mojibake=False) == "Merāġa"  # a real letter stays
