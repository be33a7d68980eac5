"""The query language people already know: -word, +word, OR, "words"~N, --doc, --pages.

Each behaviour is stated once and checked on both backends: the local index and,
marked ``opensearch``, the same texts on a real cluster (see tests/test_opensearch.py
for how the cluster is found or started).
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from searcher.cli.app import main
from searcher.errors import QueryError
from searcher.query.operators import read_query
from searcher.text import tokens, turkish
from tests.conftest import doubled, paragraphs, searcher_on, write_texts
from tests.test_opensearch import cluster  # noqa: F401 -- the cluster fixture

PAGE_BREAK = "\n\n"  # with the empty line after each line: three empty lines
KARS = paragraphs(
    "Kars Antlaşması 13 Ekim 1921'de imzalandı.",
    "Kars kalesi eski bir yapıdır.",
    "Antlaşmaya göre Kars Türkiye'de kaldı.",
    "ANTLAŞMALARIN hepsi Kars için önemliydi.",
    "Kars antlasmasi eski kitaplarda böyle yazıldı.",
) + PAGE_BREAK + paragraphs(
    "Sovyet-Türk dostluğu Kars üzerinden kuruldu.",
    "Kafkaslar Ötesi-Türkiye Konferansı Kars'ta toplandı.",
    "Frunze Ankara'ya geldi.",
    "Aralov elçi olarak atandı.",
    "Frunze ve Aralov birlikte görüştüler.",
) + PAGE_BREAK + paragraphs(
    "Lenin ile Çiçerin uzun uzun konuştu.",
    "Çiçerin bir mektup yazdı ve mektubu okuyan kişi çok sonra Lenin oldu.",
    "Lenin'in Çiçerin'e mektubu kısaydı.",
) + doubled("Kars sınırı uzun bir") + PAGE_BREAK + doubled("çizgiydi ve dağlardan geçiyordu.")
ARDAHAN = paragraphs("Ardahan ve Kars sınırı çizildi.", "Ardahan kalesi yüksekti.")


@pytest.fixture(scope="module")
def texts(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("operators")
    return write_texts(tmp / "texts", kars=KARS, ardahan=ARDAHAN)


@pytest.fixture(scope="module", params=["local", pytest.param("opensearch",
                                                              marks=pytest.mark.opensearch)])
def searcher(request, texts):
    with searcher_on(request, texts, "operators") as s:
        yield s


def holds(text: str, word: str) -> bool:
    """Whether *text* holds *word* as a search word would match it: the same folded
    form, Snowball stem or first five letters."""
    w = tokens.surface(word)
    fold, stem, prefix = turkish.fold(w), tokens.stem_term(w), tokens.prefix_term(w)
    for t in tokens.TOKEN_RE.findall(text):
        s = tokens.surface(t)
        if turkish.fold(s) == fold or (s not in turkish.STOP_WORDS and tokens.stem_term(s) == stem):
            return True
        if len(fold) >= tokens.PREFIX_LENGTH and tokens.prefix_term(s) == prefix:
            return True
    return False


def texts_of(hits) -> list[str]:
    return [h.text for h in hits]


def test_minus_word_excludes_every_inflection(searcher):
    everything = texts_of(searcher.search("Kars", None))
    assert sum(holds(t, "antlaşma") for t in everything) == 4  # the four spellings
    for query in ("Kars -antlaşma", "Kars -ANTLAŞMALAR", "kars -antlasma"):
        found = texts_of(searcher.search(query, None))
        assert found and not any(holds(t, "antlaşma") for t in found), query
        assert "Kars kalesi eski bir yapıdır." in found
    # a phrase leaves out only the passages that hold it
    found = texts_of(searcher.search('Kars -"Kars Antlaşması"', None))
    assert "Antlaşmaya göre Kars Türkiye'de kaldı." in found
    assert not any(t.startswith("Kars Antlaşması") for t in found)


def test_hyphen_inside_word_is_not_an_operator(searcher):
    for query in ("Sovyet-Türk", "Kafkaslar Ötesi-Türkiye"):
        q = read_query(query)
        assert not q.ops and q.parts
    assert texts_of(searcher.search("Sovyet-Türk dostluğu", 1)) == [
        "Sovyet-Türk dostluğu Kars üzerinden kuruldu."]
    assert texts_of(searcher.search("Kafkaslar Ötesi-Türkiye", 1)) == [
        "Kafkaslar Ötesi-Türkiye Konferansı Kars'ta toplandı."]


def test_or_matches_either(searcher):
    found = set(texts_of(searcher.search("Frunze OR Aralov", None)))
    assert found == {"Frunze Ankara'ya geldi.", "Aralov elçi olarak atandı.",
                     "Frunze ve Aralov birlikte görüştüler."}
    # between phrases too; a lower-case "or" is a word, and a dangling OR is dropped
    found = texts_of(searcher.search('"Kars kalesi" OR "Ardahan kalesi"', None))
    assert sorted(found) == ["Ardahan kalesi yüksekti.", "Kars kalesi eski bir yapıdır."]
    assert not read_query("Frunze or Aralov").ops
    assert texts_of(searcher.search("Aralov OR", None)) == texts_of(
        searcher.search("Aralov", None))


def test_an_operators_word_is_taken_as_typed(searcher):
    """No typo correction for -word: a misspelt exclusion excludes nothing rather than
    its near words (and a misspelt +word finds nothing)."""
    assert texts_of(searcher.search("kalesi -Ardhaan", None)) == texts_of(
        searcher.search("kalesi", None))
    assert not searcher.search("+Ardhaan kalesi", None)


def test_required_word(searcher):
    found = texts_of(searcher.search("+Ardahan sınırı", None))
    assert found == ["Ardahan ve Kars sınırı çizildi."]
    found = texts_of(searcher.search("+kalesi", None))
    assert len(found) == 2 and all(holds(t, "kalesi") for t in found)


def test_proximity_slop(searcher):
    near = texts_of(searcher.search('"Lenin Çiçerin"~3', None))
    assert near[:2] == ["Lenin ile Çiçerin uzun uzun konuştu.",
                        "Lenin'in Çiçerin'e mektubu kısaydı."] or set(near[:2]) == {
        "Lenin ile Çiçerin uzun uzun konuştu.", "Lenin'in Çiçerin'e mektubu kısaydı."}
    assert len(near) == 2  # eight words apart is too far for ~3
    # any order, and the slop counts the words between
    assert "Lenin ile Çiçerin uzun uzun konuştu." in texts_of(
        searcher.search('"Çiçerin Lenin"~1', None))
    far = "Çiçerin bir mektup yazdı ve mektubu okuyan kişi çok sonra Lenin oldu."
    assert far in texts_of(searcher.search('"Lenin Çiçerin"~9', None))
    assert far not in texts_of(searcher.search('"Lenin Çiçerin"~8', None))
    # a misremembered quotation: a word too many is found below, as a near tier would
    hits = searcher.search('"Lenin Çiçerin Stalin"~3', 3)
    assert hits and hits[0].match == "near" and "Çiçerin" in hits[0].text


def test_doc_and_pages_filters(searcher):
    on_two = texts_of(searcher.search("Kars", None, pages="2"))
    assert sorted(on_two) == ["Kafkaslar Ötesi-Türkiye Konferansı Kars'ta toplandı.",
                              "Sovyet-Türk dostluğu Kars üzerinden kuruldu."]
    assert [h.page for h in searcher.search("Kars", None, pages=(2, 2))] == [2, 2]
    # a passage across a page break is on both pages
    across = "Kars sınırı uzun bir çizgiydi ve dağlardan geçiyordu."
    assert across in texts_of(searcher.search("Kars", None, pages="4"))
    assert across in texts_of(searcher.search("Kars", None, pages="3-4"))
    only = searcher.search("Kars", None, doc="ardahan*")
    assert {h.doc for h in only} == {"ardahan.txt"} and len(only) == 1
    both = searcher.search("Kars", None, doc=["ARDAHAN.txt", "kars"], pages="1")
    assert {h.doc for h in both} == {"ardahan.txt", "kars.txt"}
    assert all(h.page == 1 for h in both)
    for bad in ("7-3", "x", "0", "2-"):
        with pytest.raises(QueryError):
            searcher.search("Kars", pages=bad)
    with pytest.raises(QueryError, match="no document matches"):
        searcher.search("Kars", doc="erzurum*")
    # the reading tools take the same filters
    lines = searcher.concordance("Kars", pages="2")
    assert len(lines) == 2 and {k.page for k in lines} == {2}
    assert {d.doc for d in searcher.dispersion("Kars", doc="ardahan.txt").docs} == {
        "ardahan.txt"}
    assert not any(holds(k.match + k.right, "antlaşma")
                   for k in searcher.concordance("Kars -antlaşma"))


def test_exclusions_only_is_an_error(searcher):
    for query in ("-Kars", '-Kars -"Kars Antlaşması"'):
        with pytest.raises(QueryError, match="nothing to search for"):
            searcher.search(query)
    with pytest.raises(QueryError, match="proximity needs a number"):
        searcher.search('"Lenin Çiçerin"~')
    with pytest.raises(QueryError, match="proximity needs a number"):
        searcher.search('"Lenin Çiçerin"~x')


def test_highlights_never_mark_an_excluded_word(searcher):
    hits = searcher.search("Kars OR kalesi -Ardahan -antlaşma", None)
    marked = [h.snippet.text[s:e] for h in hits for s, e in h.snippet.highlights]
    assert hits and marked and {tokens.surface(m) for m in marked} <= {"kars", "kalesi"}
    assert not any(holds(h.text, "Ardahan") or holds(h.text, "antlaşma") for h in hits)


def test_quotation_tiers_keep_working_around_operators(searcher):
    hits = searcher.search('"Kars antlaşmaları" -kitaplarda', None)
    assert hits[0].text == "Kars Antlaşması 13 Ekim 1921'de imzalandı."
    assert [h.match for h in hits] == ["inflected"] + ["near"] * (len(hits) - 1)
    assert not any("kitaplarda" in t for t in texts_of(hits))  # inflected, but left out


def test_question_rules_keep_working_around_operators(searcher):
    hits = searcher.search("Kars kalesi nasıl bir yapıdır? -Ardahan", 3)
    assert hits.question is not None
    assert hits[0].text == "Kars kalesi eski bir yapıdır."


# ------------------------------------------------------------ the command line


def run(texts, command, *args):
    return CliRunner().invoke(main, [command, "--texts", str(texts), "--index",
                                     str(texts.parent / "index"), *args])


def test_unquoted_dash_word_is_a_query_word(texts):
    r = run(texts, "search", "Kars", "-antlaşma", "--no-heading", "-n", "20")
    assert r.exit_code == 0, r.output
    assert "kalesi" in r.stdout and "Antlaşma" not in r.stdout and "ANTLAŞMA" not in r.stdout
    # known options still work anywhere, -n3 too; and -- ends the options
    r = run(texts, "search", "-n1", "Kars", "-nato", "--json")
    assert r.exit_code == 0, r.output
    assert r.stdout.count('"doc"') == 1
    r = run(texts, "search", "--no-heading", "--", "Frunze", "--json")
    assert r.exit_code == 0 and r.stdout.lstrip()[:1] != "["


def test_filters_and_errors_on_the_command_line(texts):
    r = run(texts, "search", "Kars", "--pages", "2", "--doc", "kars*", "--json")
    assert r.exit_code == 0, r.output
    assert r.stdout.count('"page": 2') == 2
    for args in (["-Kars"], ["Kars", "--pages", "7-3"], ["Kars", "--pages", "x"],
                 ['"Lenin Çiçerin"~'], ["Kars", "--doc", "nope"]):
        r = subprocess.run(
            [sys.executable, "-m", "searcher.cli.app", "search", *args, "--texts", str(texts),
             "--index", str(texts.parent / "index")],
            capture_output=True, text=True, stdin=subprocess.DEVNULL,
        )
        assert r.returncode == 2, (args, r.stderr)
        assert r.stderr.count("\n") == 1 and r.stderr.startswith("searcher: error:"), args
    r = run(texts, "kwic", "Kars", "-antlaşma", "--pages", "1-2", "--json")
    assert r.exit_code == 0, r.output
    r = run(texts, "where", "Kars", "--doc", "ardahan*", "--json")
    assert r.exit_code == 0 and "kars.txt" not in r.stdout
