"""Stage 5 (local): the index folder on this machine -> ranked hits.

:class:`LocalSearcher` opens an index generation (:mod:`~searcher.backends.local.folder`),
keeps it fresh (rebuilding changed texts with :mod:`~searcher.backends.local.build`),
parses queries against its vocabulary (:mod:`searcher.query.parse`), scores their
clauses on Whoosh's postings (:mod:`~searcher.backends.local.scoring`) and ranks them
(:mod:`~searcher.backends.local.ranking`).  The search loop itself is the base
class's (:class:`searcher.backends.base.Searcher`).  Matching is done clause by
clause, never through Whoosh's top-N quality skipping (which can loop forever:
Whoosh issue 461).
"""

from __future__ import annotations

from pathlib import Path

from searcher.backends.base import Searcher, manifest_figures, parse_location
from searcher.backends.local import folder
from searcher.backends.local.ranking import rank
from searcher.backends.local.records import PassageReader, Vocabulary, reading
from searcher.backends.local.scoring import ClauseScorer
from searcher.errors import IndexStateError, UnknownLocationError, corrupt
from searcher.query.parse import Clause, QueryParser, split_query
from searcher.results.highlight import Highlighter, make_hit
from searcher.results.hits import Hit

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from searcher.results.concordance import Occurrences
    from searcher.text.document import Passage


class _Plan:
    """A query parsed against the open index, the passages its tiers found or its
    exclusions leave out (*seen*), and those its filters let it find (None: all)."""

    __slots__ = ("clauses", "seen", "allowed", "open")

    def __init__(self, clauses: list[Clause], seen: set[int], allowed: set[int] | None,
                 open_question: bool = False) -> None:
        self.clauses = clauses
        self.seen = seen
        self.allowed = allowed
        self.open = open_question


class LocalSearcher(Searcher):
    """Searches the index folder *index_dir*, built from *texts_dir* on first use and
    brought up to date on each search (a stat per text file; only changed documents
    are re-indexed).  A local index has no name: *opensearch* and *index_name* are
    for :class:`~searcher.backends.base.Searcher`'s choice of backend."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._generation: Path | None = None
        self._hold: folder.Hold | None = None  # keeps the open generation on disk
        self._ix = None
        self._reader = None
        self._scorer: ClauseScorer | None = None
        self._passages: PassageReader | None = None
        self._parser: QueryParser | None = None
        self._fresh: tuple | None = None  # (generation, texts_stat_key) last found fresh
        self._vectors = None  # the generation's vectors, read on first use

    # -- lifecycle
    def close(self) -> None:
        with self._lock:
            if self._reader is not None:
                self._reader.close()
            if self._hold is not None:
                self._hold.release()
            self._reader = self._ix = self._scorer = self._passages = self._parser = None
            self._vectors = None
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
        from searcher.backends.local import build  # the texts moved (or another version's)
        from searcher.text.corpus import stderr_progress

        texts = build.list_texts(self.texts_dir)
        changes = build.diff(texts, manifest)
        if not changes and not changes.touched:
            self._fresh = seen
            return live
        if changes.rebuild and manifest is not None:
            self._warn("index was built by another version of searcher; rebuilding it")
        try:
            progress = self._progress or stderr_progress()
            # with an index to answer from, do not queue behind another writer
            report = build.update(
                self.texts_dir, self.index_dir, progress=progress,
                lock_timeout=0 if live is not None else 60, waiting=self._waiting,
            )
        except IndexStateError as exc:
            if live is None or changes.rebuild:
                raise
            self._warn(f"{exc}; answering from the old index")
            return live
        for w in report.warnings:
            self._warn(w)
        return folder.current_generation(self.index_dir)

    def _waiting(self, holder, waited: float, timeout: float) -> None:
        """No index yet and another process building one: say so once, then wait."""
        if waited < 1:  # the first call; later ones come a second apart
            who = holder.describe() if holder is not None else "another process"
            self._warn(f"the index is being built by {who}; waiting up to {timeout:g} s")

    def _open(self, generation: Path) -> None:
        from searcher.backends.local.mapped import MappedStorage

        hold = folder.hold(self.index_dir, generation)
        self.close()  # the old generation goes once no one else holds it
        try:
            self._manifest = folder.read_manifest(generation)
            self._ix = MappedStorage(str(generation)).open_index()
            # a reader, not a Whoosh Searcher: searcher.backends.local.scoring does the scoring,
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

    # -- the base class's search loop
    def _plan(self, parts, question, ops, filters) -> _Plan:
        open_question = bool(question and question.open)
        clauses, _, excluded = self._clauses(
            split_query(question.content) if question else parts, ops, open_question)
        return _Plan(clauses, excluded, self._allowed(filters), open_question)

    def _clauses(self, parts, ops, open_question: bool = False
                 ) -> tuple[list[Clause], list[Clause], set[int]]:
        """The clauses of a query's words and operators, those of them every hit must
        match, and the passages its exclusions leave out."""
        must, never = self.parser.operator_clauses(ops) if ops else ([], [])
        excluded: set[int] = set()
        for c in never:
            excluded.update(self._scorer.scores(c, None))
        return self.parser.parse_parts(parts, open_question, must), must, excluded

    def _allowed(self, filters) -> set[int] | None:
        """The passages *filters* let a search find (None: every one)."""
        if not filters:
            return None
        names = self._manifest["docs"] if filters.docs is None else filters.docs
        if filters.pages is None:
            return {d for name in names for d in self._passages.docnums(name)}
        return {d for name in names for d, first, last in self._passages.page_spans(name)
                if filters.keeps(name, first, last)}

    def _tiers(self, plan: _Plan, exact: bool):
        return self.parser.tiers(plan.clauses, exact=exact)

    def _tier_hits(self, plan: _Plan, match, clauses, room, question, context, ranked_before
                   ) -> list[Hit]:
        read: dict[int, Passage] = {}  # a question's re-rank reads the hits' passages first

        def passage(d: int) -> Passage:
            p = read.get(d)
            if p is None:
                p = read[d] = self._passages.stored(d)
            return p

        ranked, focus, held = rank(
            self._scorer, max(self._reader.doc_count(), 1), clauses, room, plan.seen,
            question, lambda d: passage(d).text, plan.allowed,
        )
        if not ranked:  # (a lower tier that finds nothing new builds no highlighter)
            return []
        highlighter = Highlighter(clauses)
        hits = []
        for score, docnum in ranked:
            plan.seen.add(docnum)
            hits.append(self._hit(
                ranked_before + len(hits) + 1, score, docnum, highlighter, context, match,
                focus.get(docnum), held.get(docnum) if plan.open else None, passage(docnum),
            ))
        return hits

    def _corrections(self, plan: _Plan) -> dict[str, tuple[str, ...]]:
        return self.parser.corrections(plan.clauses)

    # -- by meaning: the generation's vectors (searcher.backends.local.vectors)
    def _has_vectors(self) -> bool:
        from searcher.backends.local.vectors import current

        return current(self._manifest)

    @property
    def _spellings(self):
        return self.parser.vocabulary

    def _open_vectors(self):
        if self._vectors is None:
            from searcher.backends.local.vectors import Vectors

            with reading(self.index_dir):
                self._vectors = Vectors(self._generation)
        return self._vectors

    def _nearest(self, vector, k, skip=None):
        out = []
        for sim, docnum, span in self._open_vectors().nearest(vector, k, skip):
            p = self._passages.stored(docnum)
            out.append((sim, docnum, p, span))
        return out

    def _near_passage(self, p, k):
        docnum = next(
            d for d in self._reader.postings("doc", p.doc).all_ids()
            if self._passages.stored(d).number == p.number
        )
        vector = self._open_vectors().of(docnum)
        return [] if vector is None else self._nearest(vector, k, skip=docnum)

    def _meaning_hit(self, plan, docnum, rank, score, span, context) -> Hit:
        return self._hit(rank, score, docnum, Highlighter(plan.clauses if plan else []),
                         context, "semantic", span)

    def _not_in_texts(self, plan: _Plan) -> tuple[str, ...]:
        """An open question's words no passage holds, as the parser keeps them."""
        if not plan.open:
            return ()
        return tuple(c.words[0] for c in plan.clauses
                     if c.kind == "word" and not c.typo and not self._scorer.clause_df(c))

    def _occurrences(self, text: str, query, filters) -> Occurrences:
        """Every occurrence of a query: the candidate passages are the union of every
        clause's postings (within those of the required ones, less the excluded and
        filtered out); only those are read and highlighted."""
        from searcher.results.concordance import collect_occurrences

        clauses, must, excluded = self._clauses(query.parts, query.ops)
        found = [set(self._scorer.scores(c, None)) for c in clauses]
        candidates = set().union(*found).intersection(
            *(f for f, c in zip(found, clauses, strict=True) if any(c is m for m in must)))
        candidates -= excluded
        allowed = self._allowed(filters)
        if allowed is not None:
            candidates &= allowed
        return collect_occurrences(
            text, clauses, (self._passages.stored(d) for d in sorted(candidates)),
            self._manifest, filters.pages,
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
        match: str, focus: tuple[int, int] | None = None, held: int | None = None,
        p: Passage | None = None,
    ) -> Hit:
        p = p or self._passages.stored(docnum)
        before, after = self._neighbours(docnum, p, context)
        return make_hit(p, rank, score, highlighter, match, focus, before, after, held)

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
                raise UnknownLocationError(f"no passage at {location}")
            p = match[0]
            i = passages.index(p)
            before = tuple(passages[max(i - context, 0) : i]) if context > 0 else ()
            after = tuple(passages[i + 1 : i + 1 + context]) if context > 0 else ()
            return p, before, after

    @classmethod
    def update_index(cls, texts_dir, index_dir, *, opensearch=None, index_name=None,
                     rebuild=False, progress=None, **options):
        from searcher.backends.local import build

        return build.update(texts_dir, index_dir, rebuild=rebuild, progress=progress,
                            **options), str(index_dir)

    def stats(self) -> dict:
        """Counts and facts about the index, for ``searcher stats``."""
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
                "vectors": self._manifest.get("vectors"),
            }
