"""Stage 5: queries -> ranked hits with snippets, highlights, context and footnotes.

The :class:`Searcher` opens an index generation, keeps it fresh, parses queries
(:mod:`searcher.query`), scores their clauses (:mod:`searcher.scoring`) and makes
:class:`~searcher.hits.Hit` values with highlights (:mod:`searcher.highlight`).

How clause scores make a ranking (coverage, proximity, questions) is
:mod:`searcher.ranking`; a quotation is ranked tier by tier (exact, inflected,
near), each tier only while the limit leaves room.  Matching is done clause by
clause, never through Whoosh's top-N quality skipping (which can loop forever:
Whoosh issue 461).
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

from . import folder
from .document import Passage
from .errors import IndexStateError, LocationError, SearcherError, corrupt
from .highlight import Highlighter, make_hit
from .hits import Hit, Results, Snippet
from .locations import default_dirs, opensearch_url, parse_location
from .query import Clause, QueryParser, split_query
from .question import analyse
from .ranking import rank
from .reading import ReadingTools
from .scoring import ClauseScorer
from .store import PassageReader, Vocabulary

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from .index import Progress

# ------------------------------------------------------------------ searcher


class Searcher(ReadingTools):
    """Searches one index, keeping it open across queries.

    The index is built from *texts_dir* on first use and brought up to date on
    each search (a stat per text file; only changed documents are re-indexed).
    """

    def __new__(cls, index_dir=None, texts_dir=None, *, opensearch=None, index_name=None, **kw):
        """``Searcher(opensearch=URL)`` (or ``SEARCHER_OPENSEARCH`` without an *index_dir*)
        is a :class:`~searcher.opensearch.OpenSearchSearcher` with this API."""
        url = opensearch_url(opensearch, index_dir)
        if url and cls is Searcher:
            from .opensearch import OpenSearchSearcher

            return OpenSearchSearcher(url, index_name=index_name, texts_dir=texts_dir)
        return super().__new__(cls)

    def __init__(
        self,
        index_dir: str | os.PathLike | None = None,
        texts_dir: str | os.PathLike | None = None,
        *,
        auto_update: bool = True,
        progress: Progress | None = None,
        warn=None,
        opensearch: str | None = None,
        index_name: str | None = None,
    ) -> None:
        texts, idx = default_dirs(texts_dir, index_dir)
        self.texts_dir = texts
        self.index_dir = idx
        self.auto_update = auto_update
        self._progress = progress
        self._warn = warn or _warn_stderr
        self._generation: Path | None = None
        self._hold: folder.Hold | None = None  # keeps the open generation on disk
        self._manifest: dict | None = None
        self._ix = None
        self._reader = None
        self._scorer: ClauseScorer | None = None
        self._passages: PassageReader | None = None
        self._parser: QueryParser | None = None
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
            if self._hold is not None:
                self._hold.release()
            self._reader = self._ix = self._scorer = self._passages = self._parser = None
            self._generation = self._manifest = self._hold = None

    def clear_caches(self) -> None:
        """Forget remembered typo lookups and term statistics."""
        if self._scorer is not None:
            self._scorer.clear_caches()
        if self._parser is not None:
            self._parser.clear_caches()

    def refresh(self) -> None:
        """Make sure the open index is the current one and matches the texts."""
        with self._lock:
            live = folder.current_generation(self.index_dir)
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
                        newer = folder.current_generation(self.index_dir)
                        if attempt == 2 or newer == live:
                            raise
                        live = newer

    def _update_if_stale(self, live: Path | None) -> Path | None:
        manifest = self._manifest if live == self._generation else None
        if live is not None and manifest is None:
            try:
                manifest = folder.read_manifest(live)  # unreadable: corrupt, the user decides
            except IndexStateError:
                newer = folder.current_generation(self.index_dir)
                if newer == live:
                    raise
                return self._update_if_stale(newer)  # replaced and removed meanwhile
        key = None if manifest is None else folder.texts_stat_key(self.texts_dir, manifest["docs"])
        seen = None if key is None else (live, key)
        if seen is not None and (seen == self._fresh or folder.as_built(manifest, key)):
            self._fresh = seen  # nothing moved since the last check, or since the build
            return live
        from . import index  # the texts moved (or the index is another version's)

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
        return folder.current_generation(self.index_dir)

    def _open(self, generation: Path) -> None:
        from .storage import MappedStorage

        hold = folder.hold(self.index_dir, generation)
        self.close()  # the old generation goes once no one else holds it
        try:
            self._manifest = folder.read_manifest(generation)
            self._ix = MappedStorage(str(generation)).open_index()
            # a reader, not a Whoosh Searcher: searcher.scoring does the scoring,
            # and whoosh.searching with whoosh.query would cost 5 ms to import
            self._reader = self._ix.reader()
            self._scorer = ClauseScorer(self._reader, self.index_dir)
            self._passages = PassageReader(self._reader, self.index_dir)
        except Exception as exc:  # whoosh raises many kinds on damaged files
            hold.release()
            if isinstance(exc, IndexStateError):
                raise
            raise corrupt(self.index_dir, exc.__class__.__name__) from exc
        self._generation, self._hold = generation, hold
        folder.sweep(self.index_dir)
        self._parser = None  # the vocabulary is read on the first query that needs it

    @property
    def manifest(self) -> dict:
        self.refresh()
        assert self._manifest is not None
        return self._manifest

    # -- query -> clauses
    @property
    def parser(self) -> QueryParser:
        """The query parser of the open index (its vocabulary read on first use)."""
        if self._parser is None:
            assert self._generation is not None and self._scorer is not None
            self._parser = QueryParser(Vocabulary(self._generation), self._scorer.has)
        return self._parser

    def parse(self, query: str, *, phrase: bool = False) -> list[Clause]:
        """Query text -> clauses (needs the open index for spellings and typos)."""
        with self._lock:
            self.refresh()
            return self.parser.parse(query, phrase=phrase)

    def search(
        self, query: str, limit: int | None = 10, *, phrase: bool = False, context: int = 1,
        exact: bool = False,
    ) -> Results:
        """Ranked hits for *query* (see the module doc for the query language).

        A quotation is answered in tiers, best first (:meth:`QueryParser.tiers`): word
        for word, then, while the limit leaves room, in other inflections and near
        (*exact* stops after the first); each hit's ``match`` says which.
        """
        with self._lock:
            self.refresh()
            parts = split_query(query, phrase=phrase)
            question = None if phrase else analyse(query, parts)
            clauses = (
                self.parser.parse(question.content) if question else self.parser.parse_parts(parts)
            )
            hits: list[Hit] = []
            seen: set[int] = set()
            for match, tier in self.parser.tiers(clauses, exact=exact):
                room = None if limit is None else max(limit, 0) - len(hits)
                if room is not None and room <= 0:
                    break
                ranked, focus = rank(
                    self._scorer, max(self._reader.doc_count(), 1), tier, room, seen,
                    question, lambda d: self._passages.stored(d).text,
                )
                if not ranked:  # (a lower tier that finds nothing new builds no highlighter)
                    continue
                highlighter = Highlighter(tier)
                for score, docnum in ranked:
                    seen.add(docnum)
                    hits.append(self._hit(
                        len(hits) + 1, score, docnum, highlighter, context, match,
                        focus.get(docnum),
                    ))
            return Results(
                hits, corrections=self.parser.corrections(clauses), question=question
            )

    # -- hits
    def _neighbours(self, docnum: int, p: Passage, n: int) -> tuple[tuple, tuple]:
        if n <= 0:
            return (), ()
        before, after = [], []
        for k in range(1, n + 1):
            q = self._passages.by_number(docnum - k, p.doc, p.number - k)
            if q is None:
                break
            before.insert(0, q.text)
        for k in range(1, n + 1):
            q = self._passages.by_number(docnum + k, p.doc, p.number + k)
            if q is None:
                break
            after.append(q.text)
        return tuple(before), tuple(after)

    def _hit(
        self, rank: int, score: float, docnum: int, highlighter: Highlighter, context: int,
        match: str, focus: tuple[int, int] | None = None,
    ) -> Hit:
        p = self._passages.stored(docnum)
        before, after = self._neighbours(docnum, p, context)
        return make_hit(p, rank, score, highlighter, match, focus, before, after)

    # -- locations and stats
    def passages(self, doc: str | None = None) -> list[Passage]:
        """Every passage of the index (of *doc* only, if given), in document order."""
        with self._lock:
            self.refresh()
            out = self._passages.document(doc)
            out.sort(key=lambda p: (p.doc, p.number))
            return out

    def locate(self, location: str, context: int = 0) -> tuple[Passage, tuple, tuple]:
        """``doc:line`` or ``doc:¶n`` -> the passage there with *context* neighbours."""
        with self._lock:
            self.refresh()
            doc, by_number, n = parse_location(location, self._manifest["docs"])
            passages = self.passages(doc)
            if by_number:
                match = [p for p in passages if p.number == n]
            else:
                match = [p for p in passages if p.line_start <= n <= p.line_end]
            if not match:
                raise LocationError(f"no passage at {location}")
            p = match[0]
            i = passages.index(p)
            before = tuple(passages[max(i - context, 0) : i]) if context > 0 else ()
            after = tuple(passages[i + 1 : i + 1 + context]) if context > 0 else ()
            return p, before, after

    def stats(self) -> dict:
        """Counts and facts about the index, for ``searcher stats``."""
        from .index import manifest_figures

        with self._lock:
            self.refresh()
            size = sum(
                f.stat().st_size for f in self._generation.iterdir() if f.is_file()
            )
            return {
                "index": str(self.index_dir),
                "texts": str(self.texts_dir),
                **manifest_figures(self._manifest),
                "terms": {
                    name: sum(1 for _ in self._reader.lexicon(name))
                    for name in ("exact", "stem", "prefix")
                },
                "index_bytes": size,
            }




def _warn_stderr(message: str) -> None:
    sys.stderr.write(f"searcher: warning: {message}\n")


_DEFAULT: dict[tuple, Searcher] = {}


def search(
    query: str,
    limit: int | None = 10,
    *,
    phrase: bool = False,
    context: int = 1,
    exact: bool = False,
    index_dir: str | os.PathLike | None = None,
    texts_dir: str | os.PathLike | None = None,
    opensearch: str | None = None,
    index_name: str | None = None,
) -> Results:
    """Search the default (or given) texts; the index is built on first use and reused.

    With *opensearch* (or ``SEARCHER_OPENSEARCH``), search the index *index_name*
    on that cluster instead (``searcher index --opensearch URL`` loads it)."""
    url = opensearch_url(opensearch, index_dir)
    key = (url, index_name) if url else default_dirs(texts_dir, index_dir)
    s = _DEFAULT.get(key)
    if s is None:
        where = {"opensearch": url, "index_name": index_name} if url else {"index_dir": key[1]}
        s = _DEFAULT[key] = Searcher(texts_dir=texts_dir if url else key[0], **where)
    return s.search(query, limit, phrase=phrase, context=context, exact=exact)


__all__ = [
    "Hit",
    "Results",
    "Searcher",
    "SearcherError",
    "Snippet",
    "search",
]
