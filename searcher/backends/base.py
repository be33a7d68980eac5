"""Stage 5: the Searcher contract both backends fulfil, and the one place that picks a backend.

:class:`Searcher` is the public name and the base class: ``Searcher(...)`` returns
a :class:`~searcher.backends.local.engine.LocalSearcher` (an index folder on this
machine) or an :class:`~searcher.backends.opensearch.searcher.OpenSearchSearcher`
(an index on a cluster), as :func:`backend_for` decides; both are Searchers, take
the same arguments and return the same values.

What a search does is written once, here: the query is split and read as a
question or not (:mod:`searcher.query`), then answered tier by tier
(:func:`searcher.query.rules.tier_steps`), each tier only while the limit leaves
room, into :class:`~searcher.results.hits.Results`.  A backend says how to plan a
query against its index (:meth:`Searcher._plan`), rank one tier into hits
(:meth:`Searcher._tier_hits`) and which words it corrected; and how to find every
occurrence (for the reading tools), a passage at a location, and its figures.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

from searcher.config import default_dirs, opensearch_url
from searcher.errors import LocationError, UnknownLocationError
from searcher.query.operators import NO_FILTERS, Filters, Operators, read_filters, read_query
from searcher.query.question import analyse, question_words
from searcher.results.hits import Hit, Results
from searcher.text import tokens

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (1.5 ms)
if TYPE_CHECKING:
    from searcher.results.concordance import Dispersion, KwicLine, Occurrences
    from searcher.text.corpus import BuildReport, Progress
    from searcher.text.document import Passage


#: The backends by name, each the import path of its Searcher subclass: loaded only when
#: chosen (as database backends are named by path in Django or SQLAlchemy), so this
#: module imports neither, and neither backend's dependencies load for the other.
BACKENDS = {
    "local": "searcher.backends.local.engine.LocalSearcher",
    "opensearch": "searcher.backends.opensearch.searcher.OpenSearchSearcher",
}


def backend_for(opensearch: str | None, index_dir) -> type[Searcher]:
    """The one choice of backend: the cluster at *opensearch* (or ``SEARCHER_OPENSEARCH``
    when no local *index_dir* is given, :func:`searcher.config.opensearch_url`), else
    the local index."""
    from importlib import import_module

    module, _, name = BACKENDS["opensearch" if opensearch_url(opensearch, index_dir)
                                else "local"].rpartition(".")
    return getattr(import_module(module), name)


class Searcher:
    """Searches one index, keeping it open across queries.

    ``Searcher(index_dir=None, texts_dir=None, *, opensearch=None, index_name=None,
    auto_update=True, progress=None, warn=None)``: the local index in *index_dir*
    (default ``index/`` beside the texts), built from *texts_dir* on first use and
    brought up to date on each search; or, with *opensearch* (a URL), the index
    *index_name* on that cluster, loaded by ``searcher index --opensearch``.
    *progress* is called as a build goes, *warn* with each warning (default: stderr).
    """
    _spellings = None  # fold(word) -> its spellings in the texts (query.letters.restore)

    def __new__(cls, index_dir=None, texts_dir=None, *args, opensearch=None, **kwargs):
        if cls is Searcher:
            cls = backend_for(opensearch, index_dir)
        return super().__new__(cls)

    def __init__(
        self,
        index_dir: str | os.PathLike | None = None,
        texts_dir: str | os.PathLike | None = None,
        *,
        opensearch: str | None = None,
        index_name: str | None = None,
        auto_update: bool = True,
        progress: Progress | None = None,
        warn=None,
    ) -> None:
        self.texts_dir, self.index_dir = default_dirs(texts_dir, index_dir)
        self.auto_update = auto_update
        self._progress = progress
        self._warn = warn or warn_stderr
        self._manifest: dict | None = None
        self._lock = threading.RLock()

    # -- lifecycle
    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Let go of the index (a searcher can be used again: it reopens it)."""

    def refresh(self) -> None:
        """Make sure the open index is the current one."""

    def clear_caches(self) -> None:
        """Forget what was remembered between queries."""

    @property
    def manifest(self) -> dict:
        """What the index holds: versions, build time and each document's figures."""
        raise NotImplementedError

    # -- search
    def search(
        self, query: str, limit: int | None = 10, *, phrase: bool = False, context: int = 1,
        exact: bool = False, doc=None, pages=None, semantic: bool | None = None,
    ) -> Results:
        """Ranked hits for *query*, best first, with *context* neighbouring passages.

        A question (:mod:`searcher.query.question`) is searched for its content words
        and re-ranked for the sentence that answers it.  A quotation is answered in
        tiers, best first: word for word, then, while the limit leaves room, in other
        inflections and near (*exact* stops after the first); each hit's ``match``
        says which.  *phrase* reads the whole query as one quotation.  Operators
        (``+word``, ``-word``, ``A OR B``, ``"a b"~N``): :mod:`searcher.query.operators`.

        *doc* (a file-name glob, or a list of them) and *pages* (``"A-B"``, ``N`` or
        ``(a, b)``) keep only the passages of those documents and pages.

        When the index has vectors (``searcher index --semantic``), a question is also
        searched by meaning and the two rankings fused
        (:func:`searcher.semantic.fusion.fuse`); a passage found by meaning alone has
        ``match == "semantic"``.  *semantic* True does so for any query (raising
        :class:`~searcher.errors.SemanticUnavailable` without the extra or the
        vectors), False never.
        """
        with self._lock:
            self.refresh()
            q = read_query(query, phrase=phrase)
            filters = self._filters(doc, pages)
            question = None if phrase or not q.parts else analyse(query, q.parts)
            meaning = self._by_meaning(semantic, question)
            depth = limit
            if meaning:
                from searcher.semantic.fusion import DEPTH
                from searcher.semantic.model import QueryVector

                asked = QueryVector(query, self._spellings)  # while the words are searched
                depth = None if limit is None else max(limit, DEPTH)
            plan = self._plan(q.parts, question, q.ops, filters)
            hits: list[Hit] = []
            # a tier is made (its clauses cost a parse) only while the limit leaves room
            room, tiers = (None if depth is None else max(depth, 0)), iter(self._tiers(plan, exact))
            while (room is None or room > 0) and (tier := next(tiers, None)):
                hits += self._tier_hits(plan, *tier, room, question, context, len(hits))
                room = None if depth is None else depth - len(hits)
            if meaning:
                hits = self._fused(asked.get(), plan, hits, limit, context, filters, question)
            elif question is not None and semantic is None and len(hits) < FEW:
                self._hint_vectors()
            typed = question_words(question, q.parts) if question else ()
            absent = set(self._not_in_texts(plan))
            return Results(
                hits, corrections=self._corrections(plan), question=question,
                not_in_texts=tuple(w for w in typed if tokens.surface(w) in absent
                                   or w in absent),
                question_words=typed,
            )

    # -- by meaning (searcher.semantic): vectors beside the words
    def similar(self, location: str, limit: int | None = 10, *, context: int = 0) -> Results:
        """The passages nearest in meaning to the one at *location* (``doc:line`` or
        ``doc:¶n``), best first, itself left out: "more like this".  Needs the
        semantic extra and the index's vectors."""
        from searcher.semantic.model import model

        with self._lock:
            self.refresh()
            model()  # without the extra: the one line naming it
            self._need_vectors()
            p, _, _ = self.locate(location)
            near = self._near_passage(p, limit or 10)
            return Results([
                self._meaning_hit(None, ref, rank, sim, span, context)
                for rank, (sim, ref, _p, span) in enumerate(near, start=1)
            ])

    def _by_meaning(self, semantic: bool | None, question) -> bool:
        """Whether this search uses the vectors: forced, refused, or (None) for a
        question when the index has them and the extra is there."""
        if semantic is False or (semantic is None and question is None):
            return False  # a plain word search imports nothing of searcher.semantic
        from searcher.semantic import model

        if semantic:
            model.model()
            self._need_vectors()
            return True
        return question is not None and self._has_vectors() and model.available()

    def _need_vectors(self) -> None:
        if not self._has_vectors():
            from searcher.errors import SemanticUnavailable

            raise SemanticUnavailable(
                "the index has no vectors of this model; add them with `searcher index "
                "--semantic`"
            )

    def _fused(self, vector, plan, hits: list[Hit], limit: int | None, context: int,
               filters=None, question=None) -> list[Hit]:
        """The lexical *hits* and the passages nearest the query's *vector* in meaning
        (those the *filters* keep), in the order of :func:`searcher.semantic.fusion.fuse`;
        one found by meaning alone holds the kind of answer the *question* asks for (a
        date for *when*, a number for *how many*), as a question's answer by its words
        must (:func:`searcher.query.question.holds_answer`)."""
        from dataclasses import replace

        from searcher.query.question import holds_answer
        from searcher.semantic import fusion

        near = [
            (sim, ref, p, span) for sim, ref, p, span in
            self._nearest(vector, fusion.DEPTH)
            if not filters or filters.keeps(p.doc, p.page, p.page_at(max(len(p.text) - 1, 0)))
        ]
        found = {(p.doc, p.number): (ref, span) for _, ref, p, span in near}
        texts = {(p.doc, p.number): p.text for _, _, p, _ in near}
        by_key = {(h.doc, h.passage): h for h in hits}
        order = fusion.fuse(
            [(k, h.score) for k, h in by_key.items()],
            [((p.doc, p.number), sim) for sim, _, p, _ in near], limit,
            shown=lambda key: question is None or holds_answer(texts[key], question.kind),
        )
        out = []
        for rank, (key, score, alone) in enumerate(order, start=1):
            if alone:
                ref, span = found[key]
                out.append(self._meaning_hit(plan, ref, rank, score, span, context))
            else:
                out.append(replace(by_key[key], rank=rank, score=score))
        return out

    def _hint_vectors(self) -> None:
        """Say once a process how a question could find more: by meaning."""
        global _HINTED
        if _HINTED or self._has_vectors():
            return
        _HINTED = True
        from searcher.semantic import model

        extra = "" if model.available() else f"{model.INSTALL}, then "
        self._warn(f"few passages have this question's words; to search by meaning "
                   f"too: {extra}`searcher index --semantic`")

    def _has_vectors(self) -> bool:
        """Whether the open index has vectors of this searcher's model."""
        return False

    def _nearest(self, vector, k: int) -> list[tuple[float, object, Passage, tuple[int, int]]]:
        """``(similarity, ref, passage, unit span)`` of the *k* passages nearest *vector*
        in meaning, best first (*ref*: what :meth:`_meaning_hit` takes)."""
        raise NotImplementedError

    def _near_passage(self, p: Passage, k: int) -> list[tuple[float, object, Passage, tuple]]:
        """As :meth:`_nearest`, for the vector of passage *p*, itself left out."""
        raise NotImplementedError

    def _meaning_hit(self, plan, ref, rank: int, score: float, span: tuple[int, int],
                     context: int) -> Hit:
        """The hit of a passage found by meaning: its snippet opens on *span*, the unit
        nearest the query; the query's words (*plan*, if any) marked."""
        raise NotImplementedError

    def _filters(self, doc, pages) -> Filters:
        """*doc* and *pages* as :func:`~searcher.query.operators.read_filters` reads them
        against the documents of the open index."""
        if doc is None and pages is None:
            return NO_FILTERS
        return read_filters(doc, pages, (self._manifest or self.manifest)["docs"])

    def _plan(self, parts: list[tuple[str, str]], question, ops: Operators, filters: Filters):
        """What the backend needs to rank the query's tiers (*parts*: the unmarked words
        and quotations as split, or a question's content words when *question*), with
        the query's operators *ops*, only where *filters* let it."""
        raise NotImplementedError

    def _tiers(self, plan, exact: bool):
        """``(match, step)`` in rank order (:func:`searcher.query.rules.tier_steps`)."""
        raise NotImplementedError

    def _tier_hits(self, plan, match: str, step, room: int | None, question, context: int,
                   ranked_before: int) -> list[Hit]:
        """The hits of one tier not found by a tier before it, best first, at most *room*
        (all if None), ranked from ``ranked_before + 1`` on."""
        raise NotImplementedError

    def _corrections(self, plan) -> dict[str, tuple[str, ...]]:
        """Each typed word matched only through near words -> those words as written."""
        raise NotImplementedError

    def _not_in_texts(self, plan) -> tuple[str, ...]:
        """The words of an open question no text holds, as typed (left out)."""
        return ()

    # -- reading tools: every occurrence, as search finds and marks it
    def concordance(
        self, query: str, *, width: int | None = None, sort: str = "position",
        phrase: bool = False, doc=None, pages=None,
    ) -> list[KwicLine]:
        """Every occurrence of *query* in context, one line each: a concordance (key word
        in context).  See :func:`~searcher.results.concordance.kwic_lines` for *width*
        (default :data:`searcher.config.KWIC_WIDTH`) and *sort*; *doc* and *pages* as
        for :meth:`search`."""
        from searcher.config import KWIC_WIDTH
        from searcher.results.concordance import kwic_lines

        return kwic_lines(self._all_occurrences(query, phrase, doc, pages),
                          KWIC_WIDTH if width is None else width, sort)

    def dispersion(self, query: str, *, phrase: bool = False, doc=None, pages=None
                   ) -> Dispersion:
        """How often *query* occurs on each page of each document (of *doc*, on *pages*)."""
        from searcher.results.concordance import page_dispersion

        return page_dispersion(self._all_occurrences(query, phrase, doc, pages))

    def _all_occurrences(self, query: str, phrase: bool, doc, pages) -> Occurrences:
        with self._lock:
            self.refresh()
            q = read_query(query, phrase=phrase)
            return self._occurrences(query, q, self._filters(doc, pages))

    def _occurrences(self, text: str, query, filters: Filters) -> Occurrences:
        """Every occurrence of the query *text*, read as *query*, where *filters* let it."""
        raise NotImplementedError

    # -- locations and figures
    def passages(self, doc: str | None = None) -> list[Passage]:
        """Every passage of the index (of *doc* only, if given), in document order."""
        raise NotImplementedError

    def locate(self, location: str, context: int = 0) -> tuple[Passage, tuple, tuple]:
        """``doc:line`` or ``doc:¶n`` -> the passage there with *context* neighbours."""
        raise NotImplementedError

    def stats(self) -> dict:
        """Counts and facts about the index, for ``searcher stats``."""
        raise NotImplementedError

    # -- building
    @classmethod
    def update_index(cls, texts_dir, index_dir, *, opensearch: str | None = None,
                     index_name: str | None = None, rebuild: bool = False,
                     progress: Progress | None = None, **options) -> tuple[BuildReport, str]:
        """Bring this backend's index up to date with *texts_dir* (or rebuild it); the
        report and where the index is, as messages show it.  *options* are the
        backend's own (the cluster's ``shards`` and ``replicas``)."""
        raise NotImplementedError


#: Fewer hits than this for a question, and no vectors: say how to add them (once).
FEW = 3
_HINTED = False


def warn_stderr(message: str) -> None:
    sys.stderr.write(f"searcher: warning: {message}\n")


def parse_location(location: str, docs) -> tuple[str, bool, int]:
    """``DOC:LINE`` or ``DOC:¶N`` (also ``#N``, ``pN``) -> (document name, by passage
    number?, the number); *docs* are the index's documents.  Raises LocationError
    (:class:`~searcher.errors.UnknownLocationError` for a document not in *docs*)."""
    doc, sep, where = location.rpartition(":")
    bad = f"bad location {location!r}: use DOC:LINE or DOC:¶NUMBER"
    if not sep or not doc or not where:
        raise LocationError(bad)
    doc = Path(doc).name
    if doc not in docs:
        raise UnknownLocationError(f"no document named {doc!r} in the index")
    by_number = where[0] in "¶#p"
    try:
        return doc, by_number, int(where[1:] if by_number else where)
    except ValueError:
        raise LocationError(bad) from None


def manifest_figures(manifest: dict) -> dict:
    """What ``searcher stats`` shows of a manifest (the local one or a cluster's)."""
    docs = manifest["docs"]
    return {
        "documents": len(docs),
        "passages": sum(d["passages"] for d in docs.values()),
        "pages": sum(d["pages"] for d in docs.values()),
        "footnotes": sum(d["footnotes"] for d in docs.values()),
        # per document: what was repaired in reading it and which layout it was read by
        "reading": {name: {"repairs": list(d.get("repairs", ())), "layout": d.get("layout", "")}
                    for name, d in docs.items()},
        "built": manifest["built"],
        "schema_version": manifest["schema"],
        "analyzer_version": manifest["analyzer"],
    }


def update_index(
    texts_dir: str | os.PathLike | None = None, index_dir: str | os.PathLike | None = None, *,
    opensearch: str | None = None, index_name: str | None = None, **options,
) -> tuple[BuildReport, str]:
    """Build or update the index the same arguments would search (see
    :meth:`Searcher.update_index`)."""
    texts, idx = default_dirs(texts_dir, index_dir)
    return backend_for(opensearch, index_dir).update_index(
        texts, idx, opensearch=opensearch_url(opensearch, index_dir), index_name=index_name,
        **options,
    )


_DEFAULT: dict[tuple, Searcher] = {}


def search(
    query: str,
    limit: int | None = 10,
    *,
    phrase: bool = False,
    context: int = 1,
    exact: bool = False,
    doc=None,
    pages=None,
    index_dir: str | os.PathLike | None = None,
    texts_dir: str | os.PathLike | None = None,
    opensearch: str | None = None,
    index_name: str | None = None,
    semantic: bool | None = None,
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
    return s.search(query, limit, phrase=phrase, context=context, exact=exact, doc=doc,
                    pages=pages, semantic=semantic)
