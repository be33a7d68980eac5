"""Reading tools: `searcher kwic` (concordance lines) and `searcher where` (dispersion)."""

import json
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from searcher import Searcher
from searcher.cli.app import main
from searcher.text.turkish import sort_key
from tests.conftest import doubled, write_texts

# three pages: the second passage runs from page 1 onto page 2, the third onto page 3
BOOK = (
    doubled(
        "Moskova Antlaşması imzalandı ve Türkiye'nin doğu sınırı çizildi; Türkiye bunu",
        "kutladı.",
        " ",
        "Kars antlaşmasının ardından Türkiye ile Gürcistan arasında yeni bir",
    )
    + "\n\n"
    + doubled(
        "antlaşma daha yapıldı; ANTLAŞMALAR halklara barış getirdi.",
        " ",
        "Kızıl Ordu birlikleri çekildi. Sonra Kızıl Ordu geri döndü.",
    )
    + "\n\n"
    + doubled("Meclis antlaşmayı onayladı.")
)
IN_ORDER = ["Antlaşması", "antlaşmasının", "antlaşma", "ANTLAŞMALAR", "antlaşmayı"]


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    root = tmp_path_factory.mktemp("book")
    texts = write_texts(root / "texts", kitap=BOOK)
    with Searcher(index_dir=root / "index", texts_dir=texts) as s:
        s.refresh()
        yield s


def run(s, *args, env=None):
    return CliRunner().invoke(
        main, [args[0], "--texts", str(s.texts_dir), "--index", str(s.index_dir), *args[1:]],
        env=env or {},
    )


def test_kwic_aligns_inflected_occurrences(book):
    lines = book.concordance("antlaşma", width=20)
    assert [k.match for k in lines] == IN_ORDER
    assert [(k.line, k.page) for k in lines] == [(1, 1), (7, 1), (11, 2), (11, 2), (19, 3)]
    assert all(len(k.left) <= 20 and len(k.right) <= 20 for k in lines)
    out = run(book, "kwic", "antlaşma", "--width", "20").stdout.splitlines()
    assert len(out) == 5
    columns = {row.index(k.match) for row, k in zip(out, lines, strict=True)}
    assert len(columns) == 1  # every match starts in one column
    assert out[0].split()[0].endswith("kitap.txt:1") and out[0].split()[1] == "p.1"
    assert out[2].split()[1] == "p.2" and "yeni bir  antlaşma  daha" in out[2]


def test_kwic_ascii_query_matches_turkish_forms(book):
    words = [k.match for k in book.concordance("antlasma")]
    assert words == IN_ORDER == [k.match for k in book.concordance("ANTLASMA")]
    assert [k.match for k in book.concordance("turkiye")] == ["Türkiye'nin", "Türkiye", "Türkiye"]


def test_kwic_context_crosses_page_break(book):
    first, second = (k for k in book.concordance("antlaşma", width=30) if k.page == 2)
    # the occurrence on page 2, line 11: its left context is the end of page 1
    assert (first.line, first.page, first.match) == (11, 2, "antlaşma")
    assert first.left == "ın Türkiye ile Gürcistan arasında yeni bir "[-30:]
    before_break = book.concordance("Gürcistan", width=30)[0]
    assert before_break.page == 1 and before_break.right.startswith(" arasında yeni bir antlaşma")
    assert second.match == "ANTLAŞMALAR"


def test_kwic_quoted_phrase_is_one_match_per_occurrence(book):
    lines = book.concordance('"kizil ordu"')
    assert [(k.match, k.line, k.page) for k in lines] == [("Kızıl Ordu", 15, 2)] * 2
    assert lines[1].left.endswith("çekildi. Sonra ")
    assert lines[1].right == " geri döndü. Meclis antlaşmayı onayladı."


def test_kwic_sorts_by_the_word_before_or_after_the_match(book):
    def order(sort):
        return [k.match for k in book.concordance("antlaşma", sort=sort)]

    assert order("position") == IN_ORDER
    # before: bir < Kars < Meclis < Moskova < yapıldı
    assert order("left") == ["antlaşma", "antlaşmasının", "antlaşmayı", "Antlaşması", "ANTLAŞMALAR"]
    # after: ardından < daha < halklara < imzalandı < onayladı
    assert order("right") == [
        "antlaşmasının", "antlaşma", "ANTLAŞMALAR", "Antlaşması", "antlaşmayı",
    ]
    rows = run(book, "kwic", "antlaşma", "--sort", "right").stdout.splitlines()
    column = rows[0].index("antlaşmasının")
    assert [row[column:].split()[0] for row in rows] == order("right")
    with pytest.raises(ValueError):
        book.concordance("antlaşma", sort="middle")


def test_sort_key_follows_the_turkish_alphabet():
    words = ["dağ", "İzmir", "çay", "iki", "Irmak", "cep", "ölü", "oda", "şu", "su"]
    assert sorted(words, key=sort_key) == [
        "cep", "çay", "dağ", "Irmak", "iki", "İzmir", "oda", "ölü", "su", "şu",
    ]


def test_kwic_limit_shows_the_first_lines_and_the_total_on_stderr(book):
    r = run(book, "kwic", "antlaşma", "-n", "2")
    assert r.exit_code == 0
    assert len(r.stdout.splitlines()) == 2
    assert "5 occurrences" in r.stderr and "2 shown" in r.stderr


def test_kwic_json_and_jsonl_give_doc_line_page_and_context(book):
    rows = json.loads(run(book, "kwic", "Türkiye", "--json").stdout)
    keys = {"doc", "line", "page", "page_label", "left", "match", "right"}
    assert [set(r) for r in rows] == [keys] * 3
    assert [r["page_label"] for r in rows] == [str(r["page"]) for r in rows]  # a .txt: the page
    assert rows[0]["doc"] == "kitap.txt" and rows[0]["match"] == "Türkiye'nin"
    assert rows[0]["left"] == "Moskova Antlaşması imzalandı ve "
    lines = run(book, "kwic", "Türkiye", "--jsonl").stdout.splitlines()
    assert [json.loads(x) for x in lines] == rows


def test_kwic_colours_the_match_only_when_asked(book):
    assert "\x1b[" not in run(book, "kwic", "Kars").stdout
    coloured = run(book, "kwic", "Kars", "--color", "always").stdout
    assert "\x1b[1;31mKars\x1b[0m" in coloured


def test_kwic_and_where_exit_1_when_the_word_does_not_occur(book):
    for command in ("kwic", "where"):
        r = run(book, command, "xqzw")
        assert r.exit_code == 1 and r.stdout == ""
        assert "no occurrences" in r.stderr


def test_kwic_lists_exactly_the_words_search_highlights(book):
    hits = book.search("antlaşma", limit=None)
    marked = sorted((h.line_start, h.text[s:e]) for h in hits for s, e in h.highlights)
    lines = book.concordance("antlaşma")
    assert len(marked) == len(lines)
    assert sorted(k.match for k in lines) == sorted(m for _, m in marked)


def test_reading_tools_read_only_the_index(tmp_path):
    texts = write_texts(tmp_path / "texts", kitap=BOOK)
    with Searcher(index_dir=tmp_path / "index", texts_dir=texts) as s:
        s.refresh()
    shutil.rmtree(texts)
    with Searcher(index_dir=tmp_path / "index", texts_dir=texts, auto_update=False) as s:
        assert len(s.concordance("antlaşma")) == 5
        assert s.dispersion("antlaşma").total == 5


def test_where_counts_per_page(book):
    d = book.dispersion("antlaşma")
    (doc,) = d.docs
    assert (d.query, d.total, doc.doc) == ("antlaşma", 5, "kitap.txt")
    assert doc.counts == (2, 2, 1)
    assert doc.lines == (1, 7, 11, 11, 19)
    assert doc.busiest() == [(1, 2), (2, 2), (3, 1)]
    assert book.dispersion("turkiye").docs[0].counts == (3, 0, 0)
    (row,) = json.loads(run(book, "where", "antlaşma", "--json").stdout)
    assert row == {
        "query": "antlaşma", "total": 5,
        "documents": [{"doc": "kitap.txt", "total": 5, "pages": 3, "counts": [2, 2, 1],
                       "lines": [1, 7, 11, 11, 19], "labels": {}}],
    }


def test_where_shows_one_strip_row_per_word(book):
    r = run(book, "where", "antlaşma", "turkiye", '"Kızıl Ordu"')
    assert r.exit_code == 0
    head, *rows = r.stdout.splitlines()
    assert head.endswith("kitap.txt  (3 pages)")
    assert rows[0].split("│")[1] == "██▄" and "5  most on p.1 (2), p.2 (2), p.3 (1)" in rows[0]
    assert rows[1].split("│")[1] == "█  " and rows[1].split()[0] == "turkiye"
    assert rows[2].split("│")[1] == " █ " and rows[2].startswith('  "Kızıl Ordu"')


def test_where_plot_is_written(book, tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "dagilim.png"
    r = run(book, "where", "antlaşma", "turkiye", "--plot", str(out))
    assert r.exit_code == 0, r.stderr
    assert out.read_bytes().startswith(b"\x89PNG") and out.stat().st_size > 1000
    assert "plot written" in r.stderr


def test_where_plot_without_matplotlib_is_a_one_line_error(book, tmp_path):
    out = tmp_path / "dagilim.png"
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"  # as if it were not installed
        "from searcher.cli.app import main\n"
        "main(sys.argv[1:])"
    )
    r = subprocess.run(
        [sys.executable, "-c", code, "where", "antlaşma", "--plot", str(out),
         "--texts", str(book.texts_dir), "--index", str(book.index_dir)],
        capture_output=True, text=True,
    )
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("searcher: error: --plot needs matplotlib")
    assert len(r.stderr.splitlines()) == 1 and not out.exists()
