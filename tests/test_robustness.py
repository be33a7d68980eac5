"""Queries people (and fuzzers) type, and the Whoosh top-N loop (issue 461)."""

import shutil
import signal
import subprocess
import sys
import textwrap
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searcher import QueryError, Searcher, SearcherError
from searcher.backends.local import build as index
from tests.conftest import REAL_TEXT

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def deadline(seconds: int):
    """Fail instead of hanging: SIGALRM interrupts a runaway search."""

    def expire(*_):
        raise TimeoutError(f"took longer than {seconds} s")

    old = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


ODD_QUERIES = [
    "*", "?", "gümrük*", "güm?ük", "a:b", "doc:x", "(Sakarya", "Sakarya)", "(a OR b)",
    "Sakarya AND zaferi", "Sakarya OR zaferi", "NOT Sakarya", "Sakarya~2", "Sakarya^3",
    "[a TO b]", "{x}", "-Sakarya", "+Sakarya", "\\", "/", "'", "''", "'''", "\"\"",
    '"Sakarya "zaferi" ülke"', '"""', "“Sakarya", "Sakarya”", "«Sakarya»",
    "ve", "ve bir bu", "ne zaman", "x" * 10_000, "Sakarya " * 500,
    "\x00\x01\x02", "Sakarya\x00zaferi", "Sakarya\tzaferi\nülke", "\u200bSakarya\u200f",
    "مرحبا بالعالم", "שלום", "Sakarya \u202eزaferi", "😀", "Sakarya 😀 zaferi", "🇹🇷",
    "e\u0301\u0301\u0301", "\u0301", "Gu\u0308mru\u0308k", "ＳＡＫＡＲＹＡ", "İıIi",
    "ß", "ﬁ", "Ģ Ġ ġ", "0", "1921", "16 Mart 1921", "_", "___", "a" * 300, "🙂" * 3000,
]


@pytest.mark.parametrize("query", ODD_QUERIES, ids=range(len(ODD_QUERIES)))
def test_odd_queries_work_or_fail_with_one_clear_error(real_searcher, query):
    with deadline(20):
        try:
            hits = real_searcher.search(query)
        except QueryError as exc:
            message = str(exc)
            assert message and "\n" not in message and len(message) < 200
            return
    assert isinstance(hits, list)
    for h in hits:
        assert h.text and h.rank >= 1


def test_syntax_characters_are_plain_text(real_searcher):
    assert real_searcher.search("Sakarya AND zaferi")[0].text == \
        real_searcher.search("Sakarya zaferi")[0].text
    assert real_searcher.search("Sakarya*")[0].text == real_searcher.search("Sakarya")[0].text


def test_very_long_query_is_refused_clearly(real_searcher):
    with pytest.raises(QueryError, match="query too long"):
        real_searcher.search("Sakarya " * 2000)


query_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("abcçdefgğhıijklmnoöprsştuüvyzâîûABCÇDEFGĞHIİJKLMNOÖPRSŞTUÜVYZ")),
        st.sampled_from(list(" \t\"'“”„«»()[]{}*?:~^+-!/\\.,;ĢĠġ")),
        st.characters(),
    ),
    max_size=80,
)
real_words = st.lists(
    st.sampled_from(REAL_TEXT.read_text(encoding="utf-8").split()[:4000]), min_size=1, max_size=6
).map(" ".join)


@settings(max_examples=2000, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(query=st.one_of(query_text, real_words, real_words.map(lambda q: f'"{q}"')))
def test_fuzzed_queries_return_hits_or_raise_the_documented_error(real_searcher, query):
    with deadline(20):
        try:
            hits = real_searcher.search(query, 5)
        except SearcherError:
            return
    assert isinstance(hits, list) and len(hits) <= 5
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))


# ---------------------------------------------------------------- Whoosh issue 461

WHOOSH_LOOP = textwrap.dedent("""
    # AndMaybeMatcher.skip_to_quality loops while aq + bq <= minquality, asking a
    # sub-matcher to skip blocks of quality <= minquality - bq.  When the collector's
    # threshold is exactly aq + bq (ties: the same passage repeated), floating-point
    # rounding can make minquality - bq smaller than aq: nothing is skipped, nothing
    # changes, and the loop never ends.
    from whoosh.matching import AndMaybeMatcher, ListMatcher
    from whoosh.scoring import BaseScorer

    class Constant(BaseScorer):
        def __init__(self, q): self.q = q
        def supports_block_quality(self): return True
        def block_quality(self, matcher): return self.q
        def score(self, matcher): return self.q

    x, y = 2.3796462709189137, 5.442292252959518   # x + y - y < x in binary64
    a = ListMatcher([1, 2, 3], scorer=Constant(x))
    b = ListMatcher([1, 2, 3], scorer=Constant(y))
    AndMaybeMatcher(a, b).skip_to_quality(x + y)
    print("returned")
""")


def test_whoosh_issue_461_loop_still_exists_in_the_pinned_whoosh():
    """If this starts failing, Whoosh fixed the loop; the guard below can be revisited."""
    with pytest.raises(subprocess.TimeoutExpired):
        subprocess.run([sys.executable, "-c", WHOOSH_LOOP], capture_output=True, timeout=5)


@pytest.fixture(scope="module")
def hundredfold(tmp_path_factory):
    """The real text repeated 100 times: many exact ties in scores and block qualities."""
    texts = tmp_path_factory.mktemp("texts100")
    for i in range(100):
        shutil.copyfile(REAL_TEXT, texts / f"kopya-{i:03d}.txt")
    idx = tmp_path_factory.mktemp("index100")
    index.update(texts, idx)
    with Searcher(idx, texts, auto_update=False) as s:
        yield s


def test_searcher_never_uses_whoosh_quality_skipping(hundredfold, monkeypatch):
    from whoosh.matching import binary, combo, mcore, wrappers

    calls = []

    def forbidden(self, minquality):
        calls.append(type(self).__name__)
        raise AssertionError("skip_to_quality must not be used")

    for module in (binary, combo, mcore, wrappers):
        for cls in vars(module).values():
            if isinstance(cls, type) and "skip_to_quality" in vars(cls):
                monkeypatch.setattr(cls, "skip_to_quality", forbidden)
    words = ["Sakarya", "zaferi", "Türkiye", "Sovyet", "antlaşma", "Moskova", "Kars",
             "gumruk", "hükümeti", "Lenin", "Ankara", "Kafkas", "barış", "ordu"]
    with deadline(120):
        for a in words:
            for b in words:
                if a != b:
                    assert isinstance(hundredfold.search(f"{a} {b}", 10, context=0), list)
    assert calls == []


def test_two_word_queries_at_100x_finish_quickly(hundredfold):
    with deadline(60):
        hits = hundredfold.search("Sakarya zaferi", 10)
        assert len(hits) == 10 and "pahalıya kazanılan Sakarya zaferi" in hits[0].text
        assert hundredfold.search('"hasta adam"', 200, context=0).__len__() == 100


def test_block_scores_equal_whoosh_scores_across_segments(hundredfold):
    from searcher.backends.local.scoring import TermScorer
    from tests.test_scoring import whoosh_searcher

    ws = whoosh_searcher(hundredfold)
    assert not ws.is_atomic()  # a parallel build leaves more than one segment
    scorer = TermScorer(ws.reader())
    for field, term in [("exact", "sakarya"), ("stem", "turk"), ("prefix", "sovye")]:
        want = {}
        m = ws.postings(field, term)
        while m.is_active():
            want[m.id()] = m.score()
            m.next()
        got = scorer.scores(field, scorer.lookup(field, term))
        assert got.keys() == want.keys()
        assert all(abs(got[d] - want[d]) < 1e-9 for d in want)
