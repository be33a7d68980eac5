from searcher.text.normalize import normalize


def test_pdf_glyphs_become_turkish_letters():
    raw = "BarıĢ Ġran ġura KONFERANSI'NA BAġLADI"
    assert normalize(raw) == "Barış İran Şura KONFERANSI'NA BAŞLADI"


def test_two_apostrophes_become_curly_double_quotes():
    assert normalize("dedi: ''Rusya'da yeni rejim'' (**)") == "dedi: “Rusya'da yeni rejim” (**)"


def test_quote_after_word_closes_and_before_word_opens():
    assert normalize("x ''a b'' y ''c''.") == "x “a b” y “c”."


def test_quote_marks_inside_word_are_apostrophe():
    assert normalize("uzanan ''Büyük Ermenistan''ın kurulması") == (
        "uzanan “Büyük Ermenistan'ın kurulması"
    )
    assert normalize("Ermenistan”ın") == normalize('Ermenistan"ın') == "Ermenistan'ın"
    # a closing quote, then a space and a word, stays a quote
    assert normalize("''Büyük Ermenistan'' ın") == "“Büyük Ermenistan” ın"


def test_stray_spacing_accent_joins_its_letter():
    assert normalize("L'Humanit´e gazetesi") == "L'Humanité gazetesi"


def test_curly_apostrophe_becomes_straight_for_suffixes():
    assert normalize("Ankara’ya") == "Ankara'ya"


def test_result_is_nfc():
    assert normalize("gu\u0308mru\u0308k") == "gümrük"


def test_normalize_is_idempotent_on_the_real_text(real_passages):
    from tests.conftest import REAL_TEXT

    raw = REAL_TEXT.read_text(encoding="utf-8")
    once = normalize(raw)
    assert normalize(once) == once
    assert not set("ĢĠġ") & set(once)
    assert once.count("\n") == raw.count("\n")


def test_mojibake_is_repaired_by_ftfy_but_not_for_queries():
    broken = "gÃ¼mrÃ¼k"
    assert normalize(broken) == "gümrük"
    assert normalize(broken, repair_mojibake=False) == broken
