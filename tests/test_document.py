from searcher.text.document import FOOTNOTE, Footnote, decode, load_passages, parse_passages
from tests.conftest import doubled

FULL = "Sovyet Rusya ve Türkiye arasındaki dostluk ilişkilerinin kurulması, tarihsel"


def texts(passages):
    return [p.text for p in passages]


def test_glyphs_are_repaired_in_passages():
    (p,) = parse_passages(doubled("BarıĢ içinde Ġran ve ġam."))
    assert p.text == "Barış içinde İran ve Şam."


def test_short_line_ending_a_sentence_ends_the_paragraph():
    ps = parse_passages(doubled(FULL, "önemdeydi.", FULL, "yazıyordu."))
    assert texts(ps) == [f"{FULL} önemdeydi.", f"{FULL} yazıyordu."]


def test_full_width_line_ending_a_sentence_does_not_end_the_paragraph():
    full_stop = "Antant devletlerinin kuşatma çemberi içinde bulunan Türkiye, ilk gün."
    ps = parse_passages(doubled(FULL, full_stop, "devam etti.", FULL, "bitti."))
    assert len(ps) == 2
    assert ps[0].text == f"{FULL} {full_stop} devam etti."


def test_page_break_inside_a_sentence_keeps_one_passage_and_counts_pages():
    text = doubled(FULL, FULL) + "\n\n" + doubled(FULL, "sona erdi.")
    (p,) = parse_passages(text)
    assert p.page == 1
    assert p.line_start == 1 and p.line_end == 9
    assert p.page_at(len(p.text) - 3) == 2
    assert p.line_at(len(p.text) - 3) == 9


def test_heading_spanning_lines_becomes_the_section_of_what_follows():
    # the seed's layout: the empty lines fall inside sentences (a line goes on below)
    full = FULL.replace("ş", "Ģ")  # and the seed's damage, so the glyph table applies
    text = doubled(full, "ilk bölüm metni burada bitiyor.", " ", "SOVYETLER BĠRLĠĞĠ-TÜRKĠYE",
                   "DOSTLUK ANTLAġMASI", " ", full, "yeni bölümün ilk cümlesi.")
    ps = parse_passages(text)
    assert texts(ps) == [f"{FULL} ilk bölüm metni burada bitiyor.",
                         f"{FULL} yeni bölümün ilk cümlesi."]
    assert ps[0].section == ""
    assert ps[1].section == "SOVYETLER BİRLİĞİ-TÜRKİYE DOSTLUK ANTLAŞMASI"


def test_hyphenated_compound_across_lines_is_joined_with_its_hyphen():
    (p,) = parse_passages(doubled(FULL + " Askeri-", "Devrim Komitesi kuruldu."))
    assert "tarihsel Askeri-Devrim Komitesi" in p.text


def test_footnote_markers_with_one_to_five_stars_are_collected_with_lines():
    text = doubled(
        "Birinci (*) ikinci (**) üçüncü (***) dördüncü (****) ve beşinci notlar",
        "burada (*****) duruyor.",
    )
    (p,) = parse_passages(text)
    assert p.footnotes == (
        Footnote("(*)", 1, 1), Footnote("(**)", 2, 1), Footnote("(***)", 3, 1),
        Footnote("(****)", 4, 1), Footnote("(*****)", 5, 3),
    )
    assert FOOTNOTE.findall("(******)") == []  # six stars is not a marker


def test_line_of_only_a_footnote_marker_stays_with_its_sentence():
    ps = parse_passages(doubled(FULL, "kısaydı.", "(**).", FULL, "bitti."))
    assert ps[0].text.endswith("kısaydı. (**).")
    assert ps[0].footnotes[0].line == 5


def test_character_to_line_mapping_follows_every_source_line():
    (p,) = parse_passages(doubled(FULL, "ikinci satırdaki söz", "üçüncü satır bitti."))
    assert p.line_at(p.text.index("ikinci")) == 3
    assert p.line_at(p.text.index("üçüncü")) == 5
    assert p.line_at(0) == 1
    assert [ln for _, ln, _ in p.line_map] == [1, 3, 5]


def test_windows_line_ends_give_the_same_passages_and_lines():
    unix = doubled(FULL, "bitti.", FULL, "sona erdi.")
    a = parse_passages(unix)
    b = parse_passages(unix.replace("\n", "\r\n"))
    assert a == b
    assert [p.line_start for p in b] == [1, 5]


def test_old_mac_line_ends_work_too():
    assert parse_passages("Bir.\r\rİki.\r") == parse_passages("Bir.\n\nİki.\n")


def test_empty_file_has_no_passages():
    assert parse_passages("") == []
    assert parse_passages("\n\n \n") == []


def test_one_line_per_paragraph_text_without_blank_lines():
    lines = [
        "Birinci paragraf uzun bir satırdır ve " + "kelimeler " * 30 + "bitti.",
        "İkinci paragraf da tek satırdır, " + "sözcükler " * 30 + "son.",
        "Üçüncü paragraf kısa.",
    ]
    ps = parse_passages("\n".join(lines) + "\n")
    assert len(ps) == 3
    assert [p.line_start for p in ps] == [1, 2, 3]


def test_ordinary_text_with_blank_line_paragraphs():
    text = "Bir paragrafın ilk satırı\nve ikinci satırı\n\nİkinci paragraf\nburada.\n"
    ps = parse_passages(text)
    assert texts(ps) == ["Bir paragrafın ilk satırı ve ikinci satırı", "İkinci paragraf burada."]
    assert [(p.line_start, p.line_end) for p in ps] == [(1, 2), (4, 5)]


def test_form_feed_is_a_page_break_in_ordinary_text():
    ps = parse_passages("Birinci sayfa.\n\f\nİkinci sayfa.\n")
    assert [p.page for p in ps] == [1, 2]


def test_decode_reports_invalid_utf8_offset_and_honours_boms(tmp_path):
    text, errors = decode(b"abc\xffdef", "x.txt")
    assert text == "abc\ufffddef" and errors[0].offset == 3
    assert decode("ş".encode("utf-8-sig"))[0] == "ş"
    assert decode("şİ".encode("utf-16"))[0] == "şİ"
    f = tmp_path / "bom.txt"
    f.write_bytes("Gümrük kapısı.".encode("utf-8-sig"))
    assert load_passages(f)[0].text == "Gümrük kapısı."


# ---------------------------------------------------------------- real document


def test_real_document_figures(real_passages):
    ps = real_passages
    assert 185 <= len(ps) <= 200
    assert len({p.section for p in ps}) == 4
    assert max(p.page for p in ps) == 26  # 25 page breaks of three empty lines
    assert sum(len(p.footnotes) for p in ps) == 177
    assert all(not set("ĢĠġ") & set(p.text + p.section) for p in ps)
    assert max(len(p.text) for p in ps) <= 2500
    assert [p.number for p in ps] == list(range(1, len(ps) + 1))


def test_every_footnote_marker_belongs_to_exactly_one_passage(real_passages):
    from tests.conftest import REAL_TEXT

    lines = REAL_TEXT.read_text(encoding="utf-8").split("\n")
    in_file = sorted(
        (i, m.group()) for i, line in enumerate(lines, 1) for m in FOOTNOTE.finditer(line)
    )
    attributed = sorted((f.line, f.marker) for p in real_passages for f in p.footnotes)
    assert attributed == in_file
    for p in real_passages:
        assert all(p.line_start <= f.line <= p.line_end for f in p.footnotes)


def test_real_document_pinned_passages(real_passages):
    by_number = {p.number: p for p in real_passages}
    first = by_number[1]
    assert first.text.startswith("Barış içinde birlikte yaşama ve tüm halklar")
    assert (first.line_start, first.line_end, first.page) == (11, 43, 1)
    assert first.section.startswith("SOVYET RUSYA CUMHURİYETİ VE TÜRKİYE BÜYÜK MİLLET")
    assert [(f.marker, f.line) for f in first.footnotes] == [("(*)", 37), ("(**)", 43)]

    second = by_number[2]
    assert second.text.startswith("Ekim 1919'da, Sovyet hükümetiyle gayri resmi")
    assert (second.line_start, second.page) == (47, 2)
    assert [f.stars for f in second.footnotes] == [3, 4, 5]

    dasnak = by_number[27]
    assert dasnak.text.startswith("Daşnak Ermenistan'la Türkiye arasında savaş")
    assert (dasnak.line_start, dasnak.line_end, dasnak.page) == (377, 393, 4)
    assert dasnak.section == "DAŞNAK-TÜRK SAVAŞI"

    gumruk = next(p for p in real_passages if "avantajlı gümrük" in p.text)
    assert (gumruk.line_start, gumruk.page) == (2451, 20)
    assert gumruk.line_at(gumruk.text.index("avantajlı gümrük")) == 2453

    crossing = next(p for p in real_passages if p.line_start == 171)
    assert crossing.line_end == 185 and crossing.page == 2
    assert crossing.page_at(len(crossing.text) - 1) == 3

    last = real_passages[-1]
    assert last.text.startswith("Misak-ı Milli'de, Türk halkının")
    assert (last.line_start, last.line_end, last.page) == (3213, 3219, 26)


def test_real_document_keeps_line_final_compounds(real_passages):
    joined = " ".join(p.text for p in real_passages)
    for compound in ("Askeri-Devrim", "karşı-devrimci", "seçmiştir-bütün", "Rus-Türk"):
        assert compound in joined
