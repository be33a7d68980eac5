"""PDFs in the texts folder: read with their printed page numbers, through the same rules.

The PDFs are made by the tests (tests/pdfs.py: fpdf2 and the DejaVu Sans font):
real files that pypdf reads as it reads a user's book.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from searcher import Searcher
from searcher.backends.local import build
from searcher.cli.app import main
from tests.conftest import doubled, write_texts
from tests.pdfs import BOOK, make_pdf, require_pdf_tools


@pytest.fixture(autouse=True)
def _tools():
    require_pdf_tools()


@pytest.fixture
def book(tmp_path):
    texts = write_texts(tmp_path / "texts", notlar=doubled("Kars notları burada durur."))
    make_pdf(texts / "kitap.pdf", BOOK, first_label=101,
             header="ŞARKİYAT ARAŞTIRMALARI DERGİSİ", footer=True)
    return texts, tmp_path / "index"


def run(texts, index, *args):
    return CliRunner().invoke(main, [args[0], "--texts", str(texts), "--index", str(index),
                                     *args[1:]])


def test_pdf_hit_has_printed_page_label(book):
    texts, index = book
    with Searcher(index, texts) as s:
        (hit,) = s.search('"Şükrü Bey"')
        assert (hit.doc, hit.page, hit.page_label) == ("kitap.pdf", 2, "102")
        assert hit.to_dict()["page_label"] == "102"
        (txt,) = s.search("notları")
        assert (txt.page, txt.page_label) == (1, "1")  # a text file: the page as printed
    r = run(texts, index, "search", "Şükrü", "--color", "never")
    assert r.exit_code == 0 and "kitap.pdf:" in r.stdout
    r = run(texts, index, "search", "--json", "Şükrü")
    assert [(h["page"], h["page_label"]) for h in json.loads(r.stdout)] == [(2, "102")]
    r = run(texts, index, "search", "--json", "Meclis", "--pages", "3")  # physical pages
    assert [(h["page"], h["page_label"]) for h in json.loads(r.stdout)] == [(3, "103")]
    r = run(texts, index, "kwic", "Çiçerin")
    assert "p.103" in r.stdout
    r = run(texts, index, "where", "Meclis")
    assert "most on p.102 (1), p.103 (1)" in r.stdout
    r = run(texts, index, "show", f"{texts / 'kitap.pdf'}:{hit.line}")
    assert r.exit_code == 0 and "p.10" in r.stdout and "Şükrü Bey" in r.stdout


def test_pdf_hit_block_shows_printed_page(book):
    from searcher.cli import output

    texts, index = book
    with Searcher(index, texts) as s:
        (hit,) = s.search("Çiçerin")
    assert "kitap.pdf:" in output.hit_block(hit, "kitap.pdf", False, 0)
    assert "  p.103  " in output.hit_block(hit, "kitap.pdf", False, 0)


def test_running_header_not_in_passages(book):
    texts, index = book
    with Searcher(index, texts) as s:
        passages = s.passages("kitap.pdf")
        assert s.search("ŞARKİYAT") == [] and s.search("dergisi") == []
        assert s.search("101") == [] and s.search("102") == []
    every = " ".join(p.text + " " + p.section for p in passages)
    assert "ARAŞTIRMALARI" not in every and "ŞARKİYAT" not in every
    assert not any(word.isdigit() for word in every.split())
    assert passages[0].text.startswith("Gümrük kapısı")


def test_line_end_hyphen_rejoined_compound_kept(book):
    texts, index = book
    with Searcher(index, texts) as s:
        (hit,) = s.search("kuraklık")
        assert "bozkırda büyük bir kuraklık sürüyordu" in hit.text
        assert s.search('"Sovyet-Türk görüşmeleri"')[0].doc == "kitap.pdf"
        assert "Kafkaslar Ötesi-Türkiye yolu" in hit.text
        assert "Sovyet-Türk görüşmeleri" in hit.text


def test_line_end_hyphen_rule_reads_the_documents_words():
    from searcher.text.document import parse_passages

    text = "Sözleşme maddeleri ve bazı karşı-\ndevrimci gruplar; devrimci kimse yok; ça-\nlışma\n"
    (p,) = parse_passages(text)
    assert "karşı-devrimci" in p.text  # "devrimci" is a word of the text: a compound
    assert "çalışma" in p.text  # "lışma" is none: a broken word
    (p,) = parse_passages("İstan-\nbul ve yine İstanbul; bul bakalım.\n")
    assert p.text.startswith("İstanbul ve")  # the joined word occurs: joined
    (p,) = parse_passages("Lenin geldi; mücade-\nlenin sonu. Siz haber-\nsiz geldiniz.\n")
    assert "mücadelenin sonu" in p.text  # the text has Lenin, a name, not lenin
    assert "habersiz geldiniz" in p.text  # siz: a stop word vouches for no compound
    (p,) = parse_passages("Bu da SOVYETLER BİRLİĞİ-\nTÜRKİYE dostluğu; Türkiye ile.\n")
    assert "SOVYETLER BİRLİĞİ-TÜRKİYE dostluğu" in p.text  # capitals: any case will do


def test_sentence_across_pdf_page_break(book):
    texts, index = book
    with Searcher(index, texts) as s:
        (hit,) = s.search('"uzun bir yolculuğun sonunda"')
        assert hit.match == "exact"
        assert (hit.page, hit.page_label) == (1, "101")  # where the quotation starts
        p = next(q for q in s.passages("kitap.pdf") if q.number == hit.passage)
        end = p.text.index("sonunda Ankara'ya")
        assert (p.page_at(end), p.label_at(end)) == (2, "102")
        assert p.footnotes[0].marker == "(*)"
        assert p.text.endswith("karşılandı ve görüşmeler hemen başladı.")
        first, second, third = s.passages("kitap.pdf")
        assert second.text.startswith("Ertesi gün") and third.page_labels == ("103",)


def test_pdf_lines_are_stable_between_builds(book, tmp_path):
    texts, index = book
    with Searcher(index, texts) as s:
        hit = s.search("Çiçerin")[0]
        passage, _, _ = s.locate(f"kitap.pdf:{hit.line}")
        assert "Çiçerin" in passage.text
    with Searcher(tmp_path / "again", texts) as s:
        assert s.search("Çiçerin")[0].line == hit.line


def _broken_pdfs(texts: Path) -> None:
    from fpdf import FPDF
    from pypdf import PdfWriter

    good = make_pdf(texts / "iyi.pdf", [["Sakarya zaferi kazanıldı ve ordu ilerledi."]])
    data = good.read_bytes()
    (texts / "yarim.pdf").write_bytes(data[: len(data) // 2])
    (texts / "metin.pdf").write_text("Bu bir PDF değil, düz metin.", encoding="utf-8")
    writer = PdfWriter(clone_from=str(good))
    writer.encrypt(user_password="gizli", algorithm="RC4-128")
    writer.write(str(texts / "sifreli.pdf"))
    scan = FPDF()
    scan.add_page()
    scan.rect(20, 20, 100, 60, style="F")  # a page that is a picture: no text layer
    scan.output(str(texts / "tarama.pdf"))


def test_broken_pdf_is_one_warning(tmp_path):
    texts = write_texts(tmp_path / "texts", notlar=doubled("Kars notları burada durur."))
    _broken_pdfs(texts)
    report = build.update(texts, tmp_path / "index")
    assert report.documents == 6
    why = {Path(w.split(":")[0]).name: w for w in report.warnings}
    assert sorted(why) == ["metin.pdf", "sifreli.pdf", "tarama.pdf", "yarim.pdf"]
    assert len(report.warnings) == 4
    assert "not a PDF" in why["metin.pdf"]
    assert "encrypted" in why["sifreli.pdf"]
    assert "damaged or truncated" in why["yarim.pdf"]
    assert "no text layer; OCR it first, e.g. with ocrmypdf" in why["tarama.pdf"]
    with Searcher(tmp_path / "index", texts) as s:
        assert [h.doc for h in s.search("Sakarya")] == ["iyi.pdf"]
        assert [h.doc for h in s.search("Kars")] == ["notlar.txt"]
    r = run(texts, tmp_path / "index2", "search", "Sakarya")
    assert r.exit_code == 0 and "iyi.pdf:" in r.stdout
    assert r.stderr.count("searcher: warning:") == 4 and "Traceback" not in r.stderr


def test_pdf_without_extra_is_skipped_with_hint(book, monkeypatch):
    import sys

    texts, index = book
    seen: list[str] = []
    with monkeypatch.context() as m:
        m.setitem(sys.modules, "pypdf", None)  # as if the pdf extra were not installed
        with Searcher(index, texts, warn=seen.append) as s:
            assert [h.doc for h in s.search("Kars")] == ["notlar.txt"]
            assert s.search("Çiçerin") == []
    (warning,) = seen
    assert "kitap.pdf" in warning and "pip install -e '.[pdf]'" in warning
    with Searcher(index, texts, warn=seen.append) as s:  # installed: read at last
        assert [h.doc for h in s.search("Çiçerin")] == ["kitap.pdf"]
    assert len(seen) == 1


def test_changed_added_and_removed_pdfs_are_picked_up(book):
    texts, index = book
    assert build.update(texts, index).indexed == 2
    assert build.update(texts, index).indexed == 0
    make_pdf(texts / "ek.pdf", [["Sarıkamış harekâtı kışın başladı."]])
    make_pdf(texts / "kitap.pdf", [["Kitabın yeni baskısı Erzurum'da basıldı."]])
    report = build.update(texts, index)
    assert report.indexed == 2 and report.documents == 3
    with Searcher(index, texts) as s:
        assert [h.doc for h in s.search("Sarıkamış")] == ["ek.pdf"]
        assert [h.doc for h in s.search("Erzurum")] == ["kitap.pdf"]
        assert s.search("Çiçerin") == []
    (texts / "ek.pdf").unlink()
    assert build.update(texts, index).documents == 2


def test_space_around_a_pdf_heading_is_a_visible_gap(tmp_path):
    from searcher.text.document import parse_passages
    from searcher.text.pdf import extract

    page = ["Birinci bölüm burada uzun bir cümleyle başlıyor ve satır satır",
            "sürüp gidiyor, çünkü kitabın sayfası genişçe bir sütundur ve",
            "bölüm burada kısa bir cümleyle bitiyor.", "",
            "İKİNCİ BÖLÜM", "",
            "Yeni bölümün ilk paragrafı burada başlıyor ve yine satır satır",
            "sürüp gidiyor, ta ki sayfanın sonuna gelene dek."]
    got = extract(make_pdf(tmp_path / "b.pdf", [page]).read_bytes())
    assert got.text.split("\n") == [x or " " for x in page] + [""]
    passages = parse_passages(got.text)
    assert passages[0].section == "" and passages[-1].section == "İKİNCİ BÖLÜM"
    assert passages[-1].text.startswith("Yeni bölümün")
