"""The block-level BM25F must give exactly Whoosh's scores (it reads Whoosh's layout)."""

import random

import pytest

from searcher.backends.local.scoring import TermScorer


def whoosh_searcher(searcher):
    """Whoosh's own Searcher (BM25F) over the reader a searcher.Searcher has open."""
    from whoosh.searching import Searcher

    searcher.refresh()
    return Searcher(searcher._reader, closereader=False)


def whoosh_scores(searcher, field, term, at=None, query=None):
    out = {}
    m = searcher.postings(field, term) if query is None else query.matcher(searcher)
    while m.is_active():
        if at is None or m.id() in at:
            out[m.id()] = m.score()
        m.next()
    return out


@pytest.mark.parametrize("field", ["exact", "stem", "prefix"])
def test_block_scores_equal_whoosh_scores(real_searcher, field):
    ws = whoosh_searcher(real_searcher)
    scorer = TermScorer(ws.reader())
    terms = [t.decode() for t in ws.reader().lexicon(field)]
    rng = random.Random(7)
    sample = rng.sample(terms, 80) + [t for t in ("ve", "turkiye", "sovyet") if t in terms]
    at = sorted(rng.sample(range(ws.doc_count_all()), 60))
    for term in sample:
        found = scorer.lookup(field, term)
        assert found[0] == ws.doc_frequency(field, term), term
        want = whoosh_scores(ws, field, term)
        got = scorer.scores(field, found)
        assert got.keys() == want.keys(), term
        assert all(abs(got[d] - want[d]) < 1e-9 for d in want), term
        got_at = scorer.scores(field, found, at)
        assert got_at == {d: got[d] for d in at if d in got}, term
        # wanted at few documents, a common term's blocks are stepped through; at most
        # of them, it is read whole and kept there: the same scores and positions
        for some in (at[:3], list(range(ws.doc_count_all()))):
            where, every = {}, {}
            scorer.scores(field, found, None, every)
            assert scorer.scores(field, found, some, where) == {
                d: got[d] for d in some if d in got}, term
            assert where == {d: every[d] for d in some if d in every}, term


def test_positions_are_collected_for_the_typed_word(real_searcher):
    real_searcher.refresh()
    positions = {}
    scorer = TermScorer(real_searcher._reader)
    scores = scorer.scores("exact", scorer.lookup("exact", "sakarya"), positions=positions)
    assert positions.keys() == scores.keys()
    assert all(scorer.positions(v) for v in positions.values())


def test_phrase_scores_equal_whoosh_phrase_scores(real_searcher, real_passages):
    from whoosh.query import Phrase

    from searcher.backends.local.analysis import exact_analyzer

    ws = whoosh_searcher(real_searcher)
    scorer = TermScorer(ws.reader())
    analyze = exact_analyzer()
    rng = random.Random(11)
    phrases = [("ve", "sovyet"), ("türkiye", "ile"), ("bir", "bir"), ("yok", "kelime")]
    for p in rng.sample(real_passages, 40):
        words = [t.text for t in analyze(p.text)]
        n = rng.randint(2, 5)
        if len(words) > n:
            i = rng.randrange(len(words) - n)
            phrases.append(tuple(words[i : i + n]))
    at = sorted(rng.sample(range(ws.doc_count_all()), 80))
    matched = 0
    for words in phrases:
        found = {w: scorer.lookup("exact", w) for w in words}
        want = whoosh_scores(ws, "exact", None, query=Phrase("exact", list(words)))
        got = scorer.phrase_scores("exact", words, found)
        assert got.keys() == want.keys(), words
        assert all(abs(got[d] - want[d]) < 1e-9 for d in want), words
        got_at = scorer.phrase_scores("exact", words, found, at)
        assert got_at == {d: got[d] for d in at if d in got}, words
        matched += bool(got)
    assert matched >= 40  # the sampled windows are found, at least in their own passage


def test_term_lookup_finds_what_whoosh_finds(real_searcher):
    """Every term of the index (and near misses of them) gets Whoosh's own answer."""
    from searcher.backends.local.postings import term_value

    real_searcher.refresh()
    terms = real_searcher._reader.leaf_readers()[0][0]._terms
    table = terms._tindex
    keys = list(table.keys())
    assert len(keys) > 1000
    for key in keys:
        assert bytes(term_value(table, key)) == table.get(key), key
        for miss in (key + b"x", key[:-1] + b"\xff", b"\x00\x00" + key):
            got = term_value(table, miss)
            assert (None if got is None else bytes(got)) == table.get(miss), miss


@pytest.fixture(scope="module")
def copies(tmp_path_factory):
    """The seed text three times over: a common word's passages outnumber those shown."""
    import shutil

    from searcher import Searcher
    from tests.conftest import REAL_TEXT

    texts = tmp_path_factory.mktemp("copies")
    for i in range(3):
        shutil.copy(REAL_TEXT, texts / f"copy-{i}.txt")
    s = Searcher(index_dir=tmp_path_factory.mktemp("copies-index"), texts_dir=texts)
    s.refresh()
    yield s
    s.close()


@pytest.mark.parametrize("query", [
    "Sovyet hükümeti", "Türkiye Büyük Millet Meclisi", "Moskova Antlaşması maddeleri",
    "Kars konferansı Ermenistan", "Moskova Antlaşması ne zaman imzalandı",
    "Sovyet Ermenistan hükümeti Türkiye'ye ne zaman başvurdu",
    "Sovyetler Türk ordusuna ne kadar altın yardımı yaptı",
])
def test_the_first_ten_are_the_beginning_of_the_whole_ranking(copies, query):
    """A search for ten leaves out early the passages that cannot reach them (the
    proximity bonus is read only where it could lift a passage that far): what it
    shows is what the whole ranking begins with."""
    def shown(hits):
        return [(h.doc, h.passage, h.score) for h in hits]

    ten = shown(copies.search(query, 10))
    assert len(ten) == 10
    assert ten == shown(copies.search(query, limit=None))[:10]
