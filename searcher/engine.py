"""Stage 5: queries -> ranked hits with snippets, highlights, context and footnotes.

Query language (what users type, nothing else is special):

* words: matched through three fields (Snowball stem, exact word, 5-letter prefix),
  typed with or without Turkish letters, in any case, with or without suffixes;
* ``"a quotation"`` (straight or curly quotes): a phrase on the exact field,
  across line and page breaks, punctuation and case ignored;
* ``Meclis-i``, ``V.İ.``: a word written with inner punctuation is a small phrase.

Ranking is BM25F (Whoosh) summed over the query's clauses, plus a bonus where
consecutive words stand together, times how much of the query a passage covers
(clauses weighted by rarity).  A passage that covers less
than :data:`MIN_COVERAGE` of the query is not a hit, so a query about something
the text never discusses returns few or no hits.  Matching is done clause by
clause (term postings scored by :mod:`searcher.scoring`, phrases on Whoosh
matchers), never through Whoosh's top-N quality skipping (which can loop
forever: Whoosh issue 461).
"""

from __future__ import annotations

import math
import os
import pickle
import re
import struct
import sys
import threading
import unicodedata
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import analysis, index, turkish
from .document import Footnote, Passage
from .errors import IndexStateError, LocationError, QueryError, SearcherError
from .normalize import normalize
from .scoring import TermScorer

#: Share of the query (weighted by rarity) a passage must cover to be a hit.
MIN_COVERAGE = 0.5
SNIPPET_CHARS = 240
MAX_QUERY_CHARS = 2000
MAX_QUERY_WORDS = 64
FIELD_WEIGHTS = {"stem": 1.0, "exact": 0.7, "prefix": 0.6}
TYPO_WEIGHT = 0.7
#: Shortest bare form (word less suffixes) searched for a query word.
BARE_MIN = 5
#: Bonus for two query words adjacent in the passage (divided by the gap, up to 3).
PROXIMITY_WEIGHT = 4.0

_QUOTES = '"“”„«»'
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


# ------------------------------------------------------------------ values


@dataclass(frozen=True)
class Snippet:
    """The best fragment of a passage; ``highlights`` are spans in ``text``."""

    text: str
    highlights: tuple[tuple[int, int], ...] = ()
    start: int = 0  # offset of ``text`` in the passage (before any leading ellipsis)

    def __str__(self) -> str:
        return self.text

    def marked(self, open_: str = "[", close: str = "]") -> str:
        """The fragment with every match wrapped in *open_* / *close*."""
        out, last = [], 0
        for s, e in self.highlights:
            out += [self.text[last:s], open_, self.text[s:e], close]
            last = e
        out.append(self.text[last:])
        return "".join(out)

    def to_dict(self) -> dict:
        return {"text": self.text, "highlights": [list(h) for h in self.highlights]}


@dataclass(frozen=True)
class Hit:
    """One ranked passage.  ``line``/``page`` are where the first match is."""

    rank: int
    score: float
    doc: str
    passage: int
    line: int
    line_start: int
    line_end: int
    page: int
    section: str
    text: str
    snippet: Snippet
    highlights: tuple[tuple[int, int], ...]
    footnotes: tuple[Footnote, ...]
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {
            "rank": self.rank,
            "score": round(self.score, 4),
            "doc": self.doc,
            "passage": self.passage,
            "line": self.line,
            "line_start": self.line_start,
            "line_end": self.line_end,
            "page": self.page,
            "section": self.section,
            "text": self.text,
            "snippet": self.snippet.to_dict(),
            "highlights": [list(h) for h in self.highlights],
            "footnotes": [f.to_dict() for f in self.footnotes],
            "before": list(self.before),
            "after": list(self.after),
        }


# ------------------------------------------------------------------ queries


@dataclass
class Clause:
    """One unit of the query: a word, a compound word or a quoted phrase."""

    kind: str  # "word" | "phrase"
    words: tuple[str, ...]  # surface forms (lower case, no suffix)
    required: bool = False
    exact: tuple[str, ...] = ()  # exact-field terms, in order (phrases, compounds)
    stems: frozenset[str] = frozenset()
    prefixes: frozenset[str] = frozenset()
    exacts: frozenset[str] = frozenset()
    typo: bool = False


def split_query(query: str, *, phrase: bool = False) -> list[tuple[str, str]]:
    """Query text -> ``[("word"|"phrase", text), ...]``; raises :class:`QueryError`."""
    if not query or not query.strip():
        raise QueryError("empty query")
    query = _CONTROL.sub(" ", normalize(query, repair_mojibake=False))
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long ({len(query)} characters; at most {MAX_QUERY_CHARS})")
    if phrase:
        parts = [("phrase", query.translate({ord(q): " " for q in _QUOTES}))]
    else:
        pieces = re.split(f"[{_QUOTES}]", query)
        body = query.strip()
        if len(pieces) % 2 == 0 and len(body) > 1 and body[0] in _QUOTES and body[-1] in _QUOTES:
            # a pasted quotation with a quote inside: "... gönderileceği” ve"
            pieces = ["", re.sub(f"[{_QUOTES}]", " ", body), ""]
        if len(pieces) % 2 == 0:
            raise QueryError("unbalanced quote in query: close the phrase with another \"")
        parts = []
        for i, piece in enumerate(pieces):
            if i % 2:
                parts.append(("phrase", piece))
            else:
                parts.extend(("word", w) for w in piece.split())
    kept = [(k, t) for k, t in parts if analysis.TOKEN_RE.search(turkish.lower(t))]
    if not kept:
        raise QueryError("query has no words to search for")
    return kept


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, capped at limit + 1.

    Only the cells within *limit* of the diagonal are computed: any alignment that
    leaves that band already costs more than the limit."""
    n, m = len(a), len(b)
    big = limit + 1
    if abs(n - m) > limit:
        return big
    prev2: list[int] = []
    prev = [j if j <= limit else big for j in range(m + 1)]
    for i in range(1, n + 1):
        ca = a[i - 1]
        cur = [big] * (m + 1)
        if i <= limit:
            cur[0] = i
        best = cur[0]
        for j in range(max(1, i - limit), min(m, i + limit) + 1):
            cb = b[j - 1]
            v = prev[j - 1] if ca == cb else prev[j - 1] + 1
            if prev[j] < v:
                v = prev[j] + 1
            if cur[j - 1] < v:
                v = cur[j - 1] + 1
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb and prev2[j - 2] < v:
                v = prev2[j - 2] + 1
            cur[j] = v if v < big else big
            if v < best:
                best = v
        if best > limit:
            return big
        prev2, prev = prev, cur
    return prev[m]


def _bigrams(word: str) -> frozenset[str]:
    padded = f"^{word}$"
    return frozenset(padded[i : i + 2] for i in range(len(padded) - 1))


def typo_limit(word: str) -> int:
    """How many edits a word of this length may carry (none for very short words)."""
    n = len(word)
    return 0 if n < 5 else 1 if n < 8 else 2


# ------------------------------------------------------------------ searcher


class Searcher:
    """Searches one index, keeping it open across queries.

    The index is built from *texts_dir* on first use and brought up to date on
    each search (a stat per text file; only changed documents are re-indexed).
    """

    def __init__(
        self,
        index_dir: str | os.PathLike | None = None,
        texts_dir: str | os.PathLike | None = None,
        *,
        auto_update: bool = True,
        progress: index.Progress | None = None,
        warn=None,
    ) -> None:
        texts, idx = default_dirs(texts_dir, index_dir)
        self.texts_dir = texts
        self.index_dir = idx
        self.auto_update = auto_update
        self._progress = progress
        self._warn = warn or _warn_stderr
        self._generation: Path | None = None
        self._manifest: dict | None = None
        self._ix = None
        self._reader = None
        self._vocab: dict[str, tuple[str, ...]] | None = None
        self._by_length: dict[int, list[tuple[str, frozenset[str]]]] | None = None
        self._near_cache: dict[str, list[str]] = {}
        self._term_cache: dict[tuple[str, str], tuple] = {}
        self._fresh: tuple | None = None  # (generation, texts_stat_key) last found fresh
        self._lock = threading.RLock()

    # -- lifecycle
    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            if self._reader is not None:
                self._reader.close()
            self._reader = self._ix = None
            self._generation = self._manifest = None
            self._vocab = self._by_length = None

    def clear_caches(self) -> None:
        """Forget remembered typo lookups and term statistics."""
        self._near_cache, self._term_cache = {}, {}

    def refresh(self) -> None:
        """Make sure the open index is the current one and matches the texts."""
        with self._lock:
            live = index.current_generation(self.index_dir)
            if self.auto_update:
                live = self._update_if_stale(live)
            if live is None:
                raise IndexStateError(
                    f"no index in {self.index_dir}; run `searcher index` to build it"
                )
            if live != self._generation:
                for attempt in range(3):
                    try:
                        self._open(live)
                        break
                    except IndexStateError:
                        # a writer may have swapped in a newer generation meanwhile
                        newer = index.current_generation(self.index_dir)
                        if attempt == 2 or newer == live:
                            raise
                        live = newer

    def _update_if_stale(self, live: Path | None) -> Path | None:
        manifest = self._manifest if live == self._generation else None
        if live is not None and manifest is None:
            manifest = index.read_manifest(live)  # unreadable: corrupt, the user decides
        key = None if manifest is None else index.texts_stat_key(self.texts_dir, manifest["docs"])
        seen = None if key is None else (live, key)
        if seen is not None and seen == self._fresh:  # nothing moved since the last check
            return live
        texts = index.list_texts(self.texts_dir)
        changes = index.diff(texts, manifest)
        if not changes and not changes.touched:
            self._fresh = seen
            return live
        if changes.rebuild and manifest is not None:
            self._warn("index was built by another version of searcher; rebuilding it")
        try:
            progress = self._progress or index.stderr_progress()
            # with an index to answer from, do not queue behind another writer
            report = index.update(
                self.texts_dir, self.index_dir, progress=progress,
                lock_timeout=0 if live is not None else 60,
            )
        except IndexStateError as exc:
            if live is None or changes.rebuild:
                raise
            self._warn(f"{exc}; answering from the old index")
            return live
        for w in report.warnings:
            self._warn(w)
        return index.current_generation(self.index_dir)

    def _open(self, generation: Path) -> None:
        from whoosh import index as windex

        if self._reader is not None:
            self._reader.close()
        try:
            self._manifest = index.read_manifest(generation)
            self._ix = windex.open_dir(str(generation), readonly=True)
            # a reader, not a Whoosh Searcher: searcher.scoring does the scoring,
            # and whoosh.searching with whoosh.query would cost 5 ms to import
            self._reader = self._ix.reader()
            self._scorer = TermScorer(self._reader)
        except IndexStateError:
            raise
        except Exception as exc:  # whoosh raises many kinds on damaged files
            raise index.corrupt(self.index_dir, exc.__class__.__name__) from exc
        self._generation = generation
        self._vocab = self._by_length = None
        self.clear_caches()

    @property
    def manifest(self) -> dict:
        self.refresh()
        assert self._manifest is not None
        return self._manifest

    # -- vocabulary
    def _vocabulary(self) -> dict[str, tuple[str, ...]]:
        if self._vocab is None:
            assert self._generation is not None
            self._vocab = index.read_vocabulary(self._generation)
        return self._vocab

    def _near_words(self, folded: str) -> list[str]:
        """Vocabulary words (folded) within the typo limit of *folded*, nearest first.

        A bigram filter keeps the edit-distance computation to a handful of
        candidates: one edit changes at most three of a word's bigrams.
        """
        limit = typo_limit(folded)
        if not limit:
            return []
        cached = self._near_cache.get(folded)
        if cached is not None:
            return cached
        if self._by_length is None:
            by_length: dict[int, list[tuple[str, frozenset[str]]]] = {}
            for w in self._vocabulary():
                if w.isalpha():
                    by_length.setdefault(len(w), []).append((w, _bigrams(w)))
            self._by_length = by_length
        grams = _bigrams(folded)
        need = len(grams) - 3 * limit
        vocab = self._vocabulary()
        found: list[tuple[int, int, str]] = []
        for n in range(len(folded) - limit, len(folded) + limit + 1):
            for w, wg in self._by_length.get(n, ()):
                if len(grams & wg) >= need:
                    d = _edit_distance(folded, w, limit)
                    if d <= limit:
                        found.append((d, -len(vocab[w]), w))
        found.sort()
        best = found[0][0] if found else 0
        near = [w for d, _, w in found if d == best][:8]
        if len(self._near_cache) > 4096:
            self._near_cache.clear()
        self._near_cache[folded] = near
        return near

    # -- query -> clauses
    def _word_clause(self, word: str) -> Clause | None:
        surface = analysis.surface(word)
        tokens = analysis.TOKEN_RE.findall(surface)
        if not tokens:
            return None
        if len(tokens) > 1:  # Meclis-i, V.İ.: a small phrase
            c = self._phrase_clause(" ".join(tokens))
            c.required = False
            return c
        surface = tokens[0]
        folded = turkish.fold(surface)
        vocab = self._vocabulary()
        spellings = set(vocab.get(folded, ()))
        typo = False
        if not spellings:
            # an unseen inflection is not a typo: its stem, or its first letters (the
            # prefix field), are in the index; typos after those letters match there too
            known = self._has("stem", analysis.stem_term(surface)) or (
                len(folded) > analysis.PREFIX_LENGTH
                and self._has("prefix", analysis.prefix_term(surface))
            )
            if not known:
                near = self._near_words(folded)
                if near:
                    typo = True
                    spellings = {s for w in near for s in vocab[w]}
        spellings.add(surface)
        spellings |= self._bare_forms(folded, len(turkish.stem(surface)))
        folds = {turkish.fold(s) for s in spellings}
        return Clause(
            kind="word",
            words=(surface,),
            stems=frozenset(analysis.stem_term(s) for s in spellings),
            exacts=frozenset(folds),
            prefixes=frozenset(
                f[: analysis.PREFIX_LENGTH] for f in folds if len(f) >= analysis.PREFIX_LENGTH
            ),
            typo=typo,
        )

    def _bare_forms(self, folded: str, stem_length: int) -> set[str]:
        """Vocabulary words that are the query word less a suffix: ``ültimatom`` for
        ``ültimatomlar``.  Turkish only adds suffixes, and Snowball does not always
        reduce both forms to one stem, so the bare form's stem is searched too.  A
        bare form shorter than the Snowball stem is another word (``bilgi`` is not
        ``bilgisayar`` less a suffix)."""
        vocab = self._vocabulary()
        out: set[str] = set()
        for n in range(len(folded) - 1, max(BARE_MIN, stem_length - 1) - 1, -1):
            out.update(vocab.get(folded[:n], ()))
        return out

    def _phrase_clause(self, text: str) -> Clause:
        words = tuple(analysis.surface(t) for t in analysis.TOKEN_RE.findall(turkish.lower(text)))
        exact = tuple(turkish.fold(w) for w in words)
        return Clause(kind="phrase", words=words, required=True, exact=exact)

    def parse(self, query: str, *, phrase: bool = False) -> list[Clause]:
        """Query text -> clauses (needs the open index for spellings and typos)."""
        parts = split_query(query, phrase=phrase)
        words = [t for k, t in parts if k == "word"]
        content = [w for w in words if analysis.surface(w) not in turkish.STOP_WORDS]
        if len(content) < len(words) and (content or any(k == "phrase" for k, _ in parts)):
            drop = {w for w in words if analysis.surface(w) in turkish.STOP_WORDS}
            parts = [(k, t) for k, t in parts if k == "phrase" or t not in drop]
        clauses: list[Clause] = []
        for kind, text in parts[:MAX_QUERY_WORDS]:
            c = self._phrase_clause(text) if kind == "phrase" else self._word_clause(text)
            if c is not None and (c.exact or c.exacts):
                clauses.append(c)
        if not clauses:
            raise QueryError("query has no words to search for")
        return clauses

    def _has(self, fieldname: str, term: str) -> bool:
        return self._df(fieldname, term) > 0

    # -- matching
    def _clause_terms(self, c: Clause) -> list[tuple[str, str, float]]:
        """(field, term, weight) of a word clause: stems, exact words, prefixes."""
        w = TYPO_WEIGHT if c.typo else 1.0
        return (
            [("stem", t, FIELD_WEIGHTS["stem"] * w) for t in sorted(c.stems)]
            + [("exact", t, FIELD_WEIGHTS["exact"] * w) for t in sorted(c.exacts)]
            + [("prefix", t, FIELD_WEIGHTS["prefix"] * w) for t in sorted(c.prefixes)]
        )

    def _term(self, field_name: str, term: str) -> tuple[int, tuple]:
        """(document frequency, postings location) of a term, remembered per query."""
        key = (field_name, term)
        found = self._term_cache.get(key)
        if found is None:
            with _reading(self.index_dir):
                found = self._term_cache[key] = self._scorer.lookup(field_name, term)
        return found

    def _df(self, field_name: str, term: str) -> int:
        return self._term(field_name, term)[0]

    def _clause_df(self, c: Clause) -> int:
        """Cheap estimate of how many passages a clause matches (from term statistics)."""
        df = self._df
        if c.kind == "phrase":
            return min((df("exact", t) for t in c.exact), default=0)
        return max((df(f, t) for f, t, _ in self._clause_terms(c)), default=0)

    def _clause_scores(
        self, c: Clause, at: list[int] | None, where: dict[int, tuple] | None = None
    ) -> dict[int, float]:
        """BM25F score of a clause for every passage it matches (only *at*, if given).

        *where*, if given, receives the word positions of the word as typed, read from
        the same postings, for the proximity bonus.
        """
        if c.kind == "phrase":
            found = {w: self._term("exact", w) for w in c.exact}
            with _reading(self.index_dir):
                return self._scorer.phrase_scores("exact", c.exact, found, at)
        out: dict[int, float] = {}
        with _reading(self.index_dir):
            typed = turkish.fold(c.words[0])
            for field_name, term, weight in self._clause_terms(c):
                found = self._term(field_name, term)
                if not found[0]:
                    continue
                collect = where if field_name == "exact" and term == typed else None
                for d, score in self._scorer.scores(field_name, found, at, collect).items():
                    out[d] = out.get(d, 0.0) + weight * score
        return out

    def search(
        self, query: str, limit: int | None = 10, *, phrase: bool = False, context: int = 1
    ) -> list[Hit]:
        """Ranked hits for *query* (see the module doc for the query language).

        Clauses are scored rarest first.  Once the clauses not yet scored weigh less
        than :data:`MIN_COVERAGE` of the query, a passage that matched none of the
        scored ones cannot become a hit, so the remaining (common, long) posting
        lists are read only at the candidates, skipping the rest.
        """
        with self._lock:
            self.refresh()
            clauses = self.parse(query, phrase=phrase)
            n_docs = max(self._reader.doc_count(), 1)
            weights = [
                0.0 if c.required else math.log(1 + n_docs / (self._clause_df(c) or 0.5))
                for c in clauses
            ]
            total = sum(weights)
            full = {i for i, c in enumerate(clauses) if c.required}
            if not full:
                rest = total
                for i in sorted(range(len(clauses)), key=lambda i: -weights[i]):
                    if rest < MIN_COVERAGE * total:
                        break
                    full.add(i)
                    rest -= weights[i]
            where: dict[int, dict[int, tuple]] = {i: {} for i in range(len(clauses))}
            scores: dict[int, dict[int, float]] = {
                i: self._clause_scores(clauses[i], None, where[i]) for i in sorted(full)
            }
            required = [scores[i] for i in full if clauses[i].required]
            if required:
                cands = set(required[0]).intersection(*required[1:])
            else:
                cands = set().union(*scores.values())
            at = sorted(cands)
            for i in range(len(clauses)):
                if i not in scores:
                    scores[i] = self._clause_scores(clauses[i], at, where[i]) if at else {}
            kept: dict[int, float] = {}
            for d in at:
                covered = sum(w for i, w in enumerate(weights) if d in scores[i])
                coverage = covered / total if total else 1.0
                if coverage >= MIN_COVERAGE:
                    kept[d] = coverage
            bonus = _proximity(clauses, where, kept)
            ranked = sorted(
                (
                    (
                        (sum(sc.get(d, 0.0) for sc in scores.values()) + bonus.get(d, 0.0))
                        * (0.25 + 0.75 * coverage * coverage),
                        d,
                    )
                    for d, coverage in kept.items()
                ),
                key=lambda x: (-x[0], x[1]),
            )
            if limit is not None:
                ranked = ranked[: max(limit, 0)]
            highlighter = Highlighter(clauses)
            return [
                self._hit(rank, score, docnum, highlighter, context)
                for rank, (score, docnum) in enumerate(ranked, start=1)
            ]

    # -- hits
    def _stored(self, docnum: int) -> Passage:
        with _reading(self.index_dir):
            return _stored_passage(self._reader.stored_fields(docnum))

    def _neighbours(self, docnum: int, p: Passage, n: int) -> tuple[tuple, tuple]:
        if n <= 0:
            return (), ()
        before, after = [], []
        for k in range(1, n + 1):
            q = self._by_number(docnum - k, p.doc, p.number - k)
            if q is None:
                break
            before.insert(0, q.text)
        for k in range(1, n + 1):
            q = self._by_number(docnum + k, p.doc, p.number + k)
            if q is None:
                break
            after.append(q.text)
        return tuple(before), tuple(after)

    def _by_number(self, guess: int, doc: str, number: int) -> Passage | None:
        if number < 1:
            return None
        # a document's passages are added together, so they have consecutive docnums
        reader = self._reader
        if 0 <= guess < reader.doc_count_all() and not reader.is_deleted(guess):
            p = self._stored(guess)
            if p.doc == doc and p.number == number:
                return p
        with _reading(self.index_dir):
            for f in self._documents(doc):
                if f["data"][0] == number:
                    return _stored_passage(f)
        return None

    def _documents(self, doc: str):
        """Stored fields of one document's passages: one term lookup, not a scan."""
        reader = self._reader
        if ("doc", doc) in reader:
            for docnum in reader.postings("doc", doc).all_ids():
                yield reader.stored_fields(docnum)

    def _hit(
        self, rank: int, score: float, docnum: int, highlighter: Highlighter, context: int
    ) -> Hit:
        p = self._stored(docnum)
        spans = highlighter(p.text)
        first = spans[0][0] if spans else 0
        before, after = self._neighbours(docnum, p, context)
        line, page = p.line_at(first), p.page_at(first)
        return Hit(
            rank=rank,
            score=score,
            doc=p.doc,
            passage=p.number,
            line=line,
            line_start=p.line_start,
            line_end=p.line_end,
            page=page,
            section=p.section,
            text=p.text,
            snippet=make_snippet(p.text, spans),
            highlights=tuple(spans),
            footnotes=p.footnotes,
            before=before,
            after=after,
        )

    # -- locations and stats
    def passages(self, doc: str | None = None) -> list[Passage]:
        """Every passage of the index (of *doc* only, if given), in document order."""
        with self._lock:
            self.refresh()
            with _reading(self.index_dir):
                fields = (
                    self._reader.all_stored_fields() if doc is None else self._documents(doc)
                )
                out = [_stored_passage(f) for f in fields]
            out.sort(key=lambda p: (p.doc, p.number))
            return out

    def locate(self, location: str, context: int = 0) -> tuple[Passage, tuple, tuple]:
        """``doc:line`` or ``doc:¶n`` -> the passage there with *context* neighbours."""
        doc, sep, where = location.rpartition(":")
        if not sep or not doc or not where:
            raise LocationError(f"bad location {location!r}: use DOC:LINE or DOC:¶NUMBER")
        doc = Path(doc).name
        with self._lock:
            self.refresh()
            if doc not in self._manifest["docs"]:
                raise LocationError(f"no document named {doc!r} in the index")
            passages = self.passages(doc)
            try:
                if where[0] in "¶#p":
                    n = int(where[1:])
                    match = [p for p in passages if p.number == n]
                else:
                    n = int(where)
                    match = [p for p in passages if p.line_start <= n <= p.line_end]
            except ValueError:
                raise LocationError(
                    f"bad location {location!r}: use DOC:LINE or DOC:¶NUMBER"
                ) from None
            if not match:
                raise LocationError(f"no passage at {location}")
            p = match[0]
            i = passages.index(p)
            before = tuple(passages[max(i - context, 0) : i]) if context > 0 else ()
            after = tuple(passages[i + 1 : i + 1 + context]) if context > 0 else ()
            return p, before, after

    def stats(self) -> dict:
        """Counts and facts about the index, for ``searcher stats``."""
        with self._lock:
            self.refresh()
            m = self._manifest
            docs = m["docs"]
            size = sum(
                f.stat().st_size for f in self._generation.iterdir() if f.is_file()
            )
            return {
                "index": str(self.index_dir),
                "texts": str(self.texts_dir),
                "documents": len(docs),
                "passages": sum(d["passages"] for d in docs.values()),
                "pages": sum(d["pages"] for d in docs.values()),
                "footnotes": sum(d["footnotes"] for d in docs.values()),
                "terms": {
                    name: sum(1 for _ in self._reader.lexicon(name))
                    for name in ("exact", "stem", "prefix")
                },
                "index_bytes": size,
                "built": m["built"],
                "schema_version": m["schema"],
                "analyzer_version": m["analyzer"],
            }


def _proximity(clauses: list[Clause], where: dict[int, dict[int, tuple]], kept) -> dict:
    """Bonus for passages where consecutive query words, as typed, stand close together:
    the full bonus when adjacent and in order, less with up to two words between."""
    words = [i for i, c in enumerate(clauses) if c.kind == "word" and not c.typo]
    bonus: dict[int, float] = {}
    for a, b in zip(words, words[1:], strict=False):
        pa, pb = where.get(a, {}), where.get(b, {})
        for d in kept:
            if d in pa and d in pb:
                gap = min((y - x for x in pa[d] for y in pb[d] if y > x), default=99)
                if gap <= 3:
                    bonus[d] = bonus.get(d, 0.0) + PROXIMITY_WEIGHT / gap
    return bonus


@contextmanager
def _reading(index_dir: Path):
    """Damaged index files surface as many low-level errors; name the cure instead."""
    try:
        yield
    except (OSError, EOFError, ValueError, KeyError, IndexError, struct.error, zlib.error,
            pickle.UnpicklingError) as exc:
        raise index.corrupt(index_dir, exc.__class__.__name__) from exc


def _stored_passage(f: dict) -> Passage:
    return index.passage_from_record(f["doc"], f["data"])


# ------------------------------------------------------------------ highlighting


Token = tuple[int, int, str, str]  # start, end, folded word, stem term ("" for stop words)


def passage_tokens(text: str) -> tuple[Token, ...]:
    """Every word of a passage with the forms highlighting compares against."""
    forms = _word_forms
    return tuple((m.start(), m.end(), *forms(m.group())) for m in _TOKEN_FINDITER(text))


_TOKEN_FINDITER = analysis.TOKEN_RE.finditer
_TOKEN_FINDALL = analysis.TOKEN_RE.findall
_TOKEN_SEARCH = analysis.TOKEN_RE.search


@lru_cache(maxsize=1)
def _first_letter_classes() -> dict[str, str]:
    """folded letter -> every Latin character that folds to it (any case)."""
    classes: dict[str, list[str]] = {}
    ranges = [(0x30, 0x3A), (0x41, 0x5B), (0x61, 0x7B), (0xC0, 0x250), (0x1E00, 0x1F00)]
    for lo, hi in ranges:
        for code in range(lo, hi):
            ch = chr(code)
            if ch.isalnum():
                key = turkish.fold(turkish.lower(ch))[:1]
                classes.setdefault(key, []).append(ch)
    return {k: "".join(v) for k, v in classes.items()}


@lru_cache(maxsize=256)
def _candidate_words(starts: frozenset[str]) -> re.Pattern | None:
    """A regex for the tokens whose folded form starts with one of *starts* (one or
    two letters), cut exactly as TOKEN_RE cuts them; None when a letter is not Latin."""
    classes = _first_letter_classes()
    if not starts or not all(c in classes and c.isascii() for st in starts for c in st):
        return None
    # the first letter comes first so the regex engine can skip to where it occurs;
    # the look-behinds then check that it starts a word (not after a letter or a
    # letter and an apostrophe), as TOKEN_RE would cut it
    heads = "|".join(
        f"[{re.escape(classes[st[0]])}](?<!\\w.)(?<!\\w'.)"
        + "".join(f"[{re.escape(classes[c])}]" for c in st[1:])
        for st in sorted(starts)
    )
    return re.compile(rf"(?:{heads})\w*(?:'\w+)*")


def _occurrences(text: str, word: str) -> list[tuple[int, int]]:
    """Spans where *word* stands in *text* as a whole token (as TOKEN_RE cuts it)."""
    out = []
    n, size = len(text), len(word)
    i = text.find(word)
    while i != -1:
        j = i + size
        before = i > 0 and (
            _is_word(text[i - 1]) or (text[i - 1] == "'" and i > 1 and _is_word(text[i - 2]))
        )
        after = j < n and (
            _is_word(text[j]) or (text[j] == "'" and j + 1 < n and _is_word(text[j + 1]))
        )
        if not before and not after:
            out.append((i, j))
        i = text.find(word, i + 1)
    return out


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_" or unicodedata.category(char) == "Mn"


@lru_cache(maxsize=131072)
def _word_forms(word: str) -> tuple[str, str]:
    """(folded word, stem term or "" for a stop word) of a word as written."""
    w = analysis.surface(word)
    return turkish.fold(w), ("" if w in turkish.STOP_WORDS else analysis.stem_term(w))


class Highlighter:
    """Marks the words of passages that matched a query's clauses (built once a query)."""

    def __init__(self, clauses: list[Clause]) -> None:
        exacts: set[str] = set()
        prefixes: set[str] = set()
        stems: set[str] = set()
        self.phrases = []
        for c in clauses:
            if c.kind == "phrase":
                self.phrases.append(c.exact)
            else:
                exacts |= c.exacts
                prefixes |= c.prefixes
                stems |= c.stems
        self.exacts, self.prefixes, self.stems = exacts, prefixes, stems
        self.any_words = bool(exacts or stems)
        self.firsts = {exact[0] for exact in self.phrases}
        # a regex finds the words that can match (by their first two folded letters)
        # or start a phrase; each is then checked as the token path would check it
        starts = {t[:2] for t in exacts | prefixes | stems} | {f[:2] for f in self.firsts}
        self.candidates = _candidate_words(frozenset(starts))

    def matches(self, folded: str, stem: str) -> bool:
        return (
            folded in self.exacts
            or folded[: analysis.PREFIX_LENGTH] in self.prefixes
            or bool(stem and stem in self.stems)
        )

    def __call__(
        self, text: str, tokens: tuple[Token, ...] | None = None
    ) -> list[tuple[int, int]]:
        """Character spans of *text* that matched, in order, overlaps merged.

        *tokens* (:func:`passage_tokens`) forces the reference path that compares
        every word of the passage; the tests check the fast paths against it."""
        if tokens is None and self.candidates is not None:
            spans = self._candidate_spans(text)
        elif tokens is None and not self.phrases:
            spans = []
            for word in set(_TOKEN_FINDALL(text)) if self.any_words else ():
                if self.matches(*_word_forms(word)):
                    spans += _occurrences(text, word)
        else:
            spans = self._token_spans(passage_tokens(text) if tokens is None else tokens)
        spans.sort()
        merged: list[tuple[int, int]] = []
        for s, e in spans:
            if merged and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
            else:
                merged.append((s, e))
        return merged


    def _candidate_spans(self, text: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for m in self.candidates.finditer(text):
            folded, stem = _word_forms(m.group())
            if self.any_words and self.matches(folded, stem):
                spans.append(m.span())
            if folded in self.firsts:
                for exact in self.phrases:
                    end = _phrase_end(text, m.end(), exact[1:]) if exact[0] == folded else None
                    if end is not None:
                        spans.append((m.start(), end))
        return spans

    def _token_spans(self, words: tuple[Token, ...]) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for exact in self.phrases:
            n, first = len(exact), exact[0]
            for i in range(len(words) - n + 1):
                if words[i][2] == first and tuple(w[2] for w in words[i : i + n]) == exact:
                    spans.append((words[i][0], words[i + n - 1][1]))
        if self.any_words:
            spans += [(s, e) for s, e, f, stem in words if self.matches(f, stem)]
        return spans


def _phrase_end(text: str, pos: int, rest: tuple[str, ...]) -> int | None:
    """Where the phrase ends if the words after *pos* are *rest* (folded), else None."""
    for word in rest:
        m = _TOKEN_SEARCH(text, pos)
        if m is None or _word_forms(m.group())[0] != word:
            return None
        pos = m.end()
    return pos


def highlight_spans(
    text: str, clauses: list[Clause], tokens: tuple[Token, ...] | None = None
) -> list[tuple[int, int]]:
    """Character spans of *text* that matched the query's clauses, in order."""
    return Highlighter(clauses)(text, tokens)


def make_snippet(text: str, spans: list[tuple[int, int]], width: int = SNIPPET_CHARS) -> Snippet:
    """The window of about *width* characters holding the most matches."""
    if len(text) <= width:
        return Snippet(text, tuple(spans), 0)
    best, best_count = 0, -1
    for i, (s, _) in enumerate(spans):
        count = sum(1 for s2, e2 in spans[i:] if e2 <= s + width)
        if count > best_count:
            best, best_count = s, count
    start = max(0, best - width // 4)
    if spans:
        # centre the run of matches in the window
        last = max(e for s, e in spans if s >= best and e <= best + width) if best_count else best
        start = max(0, min(best, (best + last) // 2 - width // 2))
    end = min(len(text), start + width)
    start = max(0, end - width) if end == len(text) else start
    if start > 0:
        sp = text.find(" ", start, start + 30)
        start = sp + 1 if sp != -1 else start
    if end < len(text):
        sp = text.rfind(" ", end - 30, end)
        end = sp if sp > start else end
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix) - start
    inner = tuple((s + shift, e + shift) for s, e in spans if s >= start and e <= end)
    return Snippet(prefix + text[start:end] + suffix, inner, start)


# ------------------------------------------------------------------ defaults


def _project_root() -> Path:
    return Path(__file__).resolve().parent.parent


def default_dirs(
    texts_dir: str | os.PathLike | None, index_dir: str | os.PathLike | None
) -> tuple[Path, Path]:
    """Where texts and index live when not given: env vars, ./texts, the project's texts."""
    texts = texts_dir or os.environ.get("SEARCHER_TEXTS")
    idx = index_dir or os.environ.get("SEARCHER_INDEX")
    if texts is None:
        local = Path.cwd() / "texts"
        texts = local if local.is_dir() else _project_root() / "texts"
    texts = Path(texts)
    if idx is None:
        idx = texts.parent / "index"
    return texts, Path(idx)


def _warn_stderr(message: str) -> None:
    sys.stderr.write(f"searcher: warning: {message}\n")


_DEFAULT: dict[tuple[Path, Path], Searcher] = {}


def search(
    query: str,
    limit: int | None = 10,
    *,
    phrase: bool = False,
    context: int = 1,
    index_dir: str | os.PathLike | None = None,
    texts_dir: str | os.PathLike | None = None,
) -> list[Hit]:
    """Search the default (or given) texts; the index is built on first use and reused."""
    key = default_dirs(texts_dir, index_dir)
    s = _DEFAULT.get(key)
    if s is None:
        s = _DEFAULT[key] = Searcher(index_dir=key[1], texts_dir=key[0])
    return s.search(query, limit, phrase=phrase, context=context)


__all__ = [
    "Hit",
    "Searcher",
    "SearcherError",
    "Snippet",
    "search",
]
