"""Stage 5 (OpenSearch): searching searcher's index on an OpenSearch cluster.

:class:`OpenSearchSearcher` has the :class:`~searcher.engine.Searcher` API and
returns the same :class:`~searcher.hits.Hit` values.  The query is split as the
local engine splits it (:mod:`searcher.query`); the words are analysed by the
cluster (the index's own analyzers, :mod:`searcher.opensearch_index`), never by
a second Turkish analyzer here (the query DSL: :mod:`searcher.opensearch_query`):

* a word is matched on the three fields with the local engine's field weights
  (``text.stem``, ``text`` with ``fuzziness`` for typos, ``text.prefix``); the
  same request counts, over the whole index, the passages each word matches, so
  the local coverage rule (a hit covers half the query, words weighted by rarity)
  and its score factor are applied to the candidates the cluster returns;
* a word the index does not hold at all is a typo: asked again with
  ``fuzziness`` (``AUTO:5,8``: the local engine's typo limits) on the word fields;
* a quotation is answered in tiers: ``match_phrase`` on the exact field
  (``exact``), then on the stem or prefix field (``inflected``), then with one
  word missing or a few words of slop (``near``); a lower tier is asked only when
  the higher ones leave room in the limit;
* a question (:mod:`searcher.question`) is searched for its content words, and
  re-ranked by :mod:`searcher.answers` on the returned passages, as locally.

Snippets and highlights are made by searcher's own highlighter on the returned
passage text.  Searches never write: ``searcher index --opensearch`` loads.
"""

from __future__ import annotations

import os
import time

from . import turkish
from .answers import FOCUS_POOL, focus_rerank
from .document import Passage
from .errors import LocationError, QueryError
from .highlight import Highlighter, make_hit
from .hits import Hit, Results
from .index import manifest_figures
from .locations import parse_location
from .opensearch_index import DEFAULT_NAME, Cluster, check_name, passage_from_source
from .opensearch_query import (
    TIERS,
    near_words,
    rank_candidates,
    request_body,
    tokens,
    typo_words,
    word_clause,
)
from .query import Clause, content_parts, phrase_clause, split_query
from .question import analyse
from .ranking import rarity_weights
from .reading import ReadingTools

#: OpenSearch's default ``index.max_result_window``: no request may ask for more hits.
MAX_WINDOW = 10_000
#: Candidates asked of the cluster for each hit wanted (re-ranked by coverage here).
WINDOW = 4
MIN_WINDOW = 40
#: Transient failures (a node dying, an index swapped) are retried this many times.
ATTEMPTS = 4


class OpenSearchSearcher(ReadingTools):
    """Searches the index *index_name* on the OpenSearch cluster at *url*."""

    def __init__(
        self,
        url: str,
        *,
        index_name: str | None = None,
        texts_dir: str | os.PathLike | None = None,
        **_ignored,
    ) -> None:
        from .locations import default_dirs

        self.name = check_name(index_name or DEFAULT_NAME)
        self.cluster = Cluster(url)
        self.texts_dir, _ = default_dirs(texts_dir, None)
        self.index_dir = f"{self.cluster.where}/{self.name}"
        self._manifest: dict | None = None

    # -- lifecycle
    def __enter__(self) -> OpenSearchSearcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.cluster.client.close()

    def refresh(self) -> None:
        """Re-read the index's manifest (which texts it holds)."""
        self._manifest = None
        self.manifest  # noqa: B018 - reads it

    def clear_caches(self) -> None:
        self._manifest = None

    @property
    def manifest(self) -> dict:
        if self._manifest is None:
            meta = self._call(lambda c: c.indices.get_mapping(index=self.name))
            live = next(iter(meta.values()))["mappings"].get("_meta") or {}
            if "docs" not in live:
                raise self.cluster.error(f"index {self.name!r} at {self.cluster.where} is "
                                         "not complete; run `searcher index --opensearch URL`")
            self._manifest = live
        return self._manifest

    def _call(self, request):
        """Run ``request(client)``; transient failures retried, errors one line."""
        from opensearchpy import exceptions as ex

        with self.cluster.answering(self.name):
            for attempt in range(ATTEMPTS):
                try:
                    out = request(self.cluster.client)
                    shards = out.get("_shards", {}) if isinstance(out, dict) else {}
                    if shards.get("failed"):
                        raise ex.TransportError(503, "shards failed", out)
                    return out
                except (ex.ConnectionError, ex.TransportError) as exc:
                    status = getattr(exc, "status_code", "N/A")
                    transient = status in ("N/A", 404, 429, 500, 502, 503, 504)
                    if attempt == ATTEMPTS - 1 or not transient or isinstance(
                        exc, (ex.AuthenticationException, ex.AuthorizationException)
                    ):
                        raise
                    time.sleep(0.2 * (attempt + 1))
        raise AssertionError("unreachable")

    def _search(self, body: dict) -> dict:
        return self._call(lambda c: c.search(
            index=self.name, body=body, search_type="dfs_query_then_fetch",
            allow_partial_search_results=False,
        ))

    def _ask(self, body: dict) -> tuple[dict, dict[str, int]]:
        """The cluster's answer and, per query word, how many passages hold it."""
        out = self._search(body)
        buckets = out["aggregations"]["all"]["w"]["buckets"]
        return out, {k: v["doc_count"] for k, v in buckets.items()}

    # -- search
    def search(
        self, query: str, limit: int | None = 10, *, phrase: bool = False, context: int = 1,
        exact: bool = False,
    ) -> Results:
        """Ranked hits for *query*, as :meth:`searcher.engine.Searcher.search` gives them:
        a question (:mod:`searcher.question`) is searched for its content words with
        the local engine's coverage rule for questions and re-ranked by
        :mod:`searcher.answers` on the returned passages."""
        question = None if phrase else analyse(query)
        words, phrases = _split(question.content if question else query, phrase)
        if not words and not phrases:
            raise QueryError("query has no words to search for")
        want = MAX_WINDOW if limit is None else min(max(limit, 0), MAX_WINDOW)
        if want == 0:
            return Results(question=question)
        ranked: list[tuple[dict, str]] = []
        typos: set[int] = set()
        weights: list[float] = []
        for tier in range(len(TIERS) if phrases and not exact else 1):
            room = want - len(ranked)
            if room <= 0:
                break
            size = min(max(room * WINDOW, MIN_WINDOW, FOCUS_POOL if question else 0), MAX_WINDOW)
            seen = [h["_id"] for h, _ in ranked]
            out, dfs = self._ask(request_body(words, phrases, tier, typos, size, seen))
            unknown = typo_words(words, {i for i in range(len(words)) if not dfs[f"w{i}"]})
            if unknown - typos:  # words the index does not hold: typos, asked again
                typos |= unknown
                out, dfs = self._ask(request_body(words, phrases, tier, typos, size, seen))
            n_docs = out["aggregations"]["all"]["doc_count"] or 1
            weights = rarity_weights([dfs[f"w{i}"] for i in range(len(words))], n_docs, question)
            label = TIERS[tier] if phrases else ""
            found = rank_candidates(out["hits"]["hits"], weights, label, question)
            ranked += found if question and not phrases else found[:room]
        clauses = self._clauses(words, phrases, typos, ranked)
        focus: dict[int, tuple[int, int]] = {}
        if question:
            asked = clauses[: len(words) + len(phrases)]
            order, focus = focus_rerank(
                question, asked, weights + [0.0] * len(phrases),
                [(h["_searcher_score"], i) for i, (h, _) in enumerate(ranked)],
                lambda i: ranked[i][0]["_source"]["text"],
            )
            for score, i in order:
                ranked[i][0]["_searcher_score"] = score
            focus = {rank: focus[i] for rank, (_, i) in enumerate(order) if i in focus}
            ranked = [ranked[i] for _, i in order]
        ranked = ranked[:want]
        texts = [h["_source"]["text"] for h, _ in ranked]
        corrections = {clauses[i].words[0]: tuple(sorted(near_words(clauses[i].words[0], texts)))
                       for i in sorted(typos)}
        return Results(self._hits(ranked, clauses, context, focus),
                       corrections=corrections, question=question)

    def _clauses(self, words, phrases, typos, ranked) -> list[Clause]:
        """The query as the highlighter needs it: the words' folded forms, stems and
        prefixes; for typos, the near words the passages hold; for quotations found
        below the exact tier, their words one by one."""
        texts = [h["_source"]["text"] for h, _ in ranked]
        clauses = [word_clause(w, i in typos, texts) for i, w in enumerate(words)]
        clauses += phrases
        if any(tier not in ("", "exact") for _, tier in ranked):
            clauses += [word_clause(w, False, texts) for c in phrases for w in c.words
                        if w not in turkish.STOP_WORDS]
        return clauses

    def _hits(self, ranked, clauses, context: int, focus: dict) -> list[Hit]:
        highlighter = Highlighter(clauses)
        passages = [passage_from_source(h["_source"]) for h, _ in ranked]
        around = self._around([(p.doc, p.number) for p in passages], context)
        hits = []
        for i, ((h, tier), p) in enumerate(zip(ranked, passages, strict=True)):
            n = p.number
            hits.append(make_hit(
                p, i + 1, h["_searcher_score"], highlighter, tier or "words", focus.get(i),
                tuple(around[(p.doc, k)] for k in range(n - context, n) if (p.doc, k) in around),
                tuple(around[(p.doc, k)] for k in range(n + 1, n + context + 1)
                      if (p.doc, k) in around),
            ))
        return hits

    def _around(self, where: list[tuple[str, int]], context: int) -> dict:
        """Texts of the passages within *context* of each (doc, number), in one request."""
        if context <= 0 or not where:
            return {}
        should = [{"bool": {"filter": [
            {"term": {"doc": doc}},
            {"range": {"number": {"gte": n - context, "lte": n + context}}},
        ]}} for doc, n in where]
        out = self._search({
            "size": min(len(where) * (2 * context + 1), MAX_WINDOW),
            "_source": ["doc", "number", "text"],
            "query": {"bool": {"should": should, "minimum_should_match": 1}},
        })
        return {(h["_source"]["doc"], h["_source"]["number"]): h["_source"]["text"]
                for h in out["hits"]["hits"]}

    # -- reading tools (searcher.reading.ReadingTools): every occurrence
    def _occurrences(self, query: str, phrase: bool):
        from opensearchpy.helpers import scan

        from .concordance import collect_occurrences

        words, phrases = _split(query, phrase)
        body = request_body(words, phrases, 0, set(), 0, [])
        body["query"]["bool"].pop("must", None)  # any clause: every passage it occurs in
        should = body["query"]["bool"]["should"]
        should += [{"match_phrase": {"text": " ".join(c.words)}} for c in phrases]
        body["query"]["bool"]["minimum_should_match"] = 1
        with self.cluster.answering(self.name):
            found = [passage_from_source(h["_source"]) for h in scan(
                self.cluster.client, query={"query": body["query"]}, index=self.name)]
        found.sort(key=lambda p: (p.doc, p.number))
        clauses = [word_clause(w, False, []) for w in words] + phrases
        return collect_occurrences(query, clauses, found, self.manifest)

    # -- locations and stats
    def _passages_where(self, filters: list[dict], size: int = MAX_WINDOW) -> list[Passage]:
        out = self._search({"size": size, "query": {"bool": {"filter": filters}},
                            "sort": [{"doc": "asc"}, {"number": "asc"}]})
        return [passage_from_source(h["_source"]) for h in out["hits"]["hits"]]

    def passages(self, doc: str | None = None) -> list[Passage]:
        """Every passage of *doc* (of the whole index if None), in document order."""
        from opensearchpy.helpers import scan

        query = {"query": {"term": {"doc": doc}} if doc else {"match_all": {}}}
        with self.cluster.answering(self.name):
            found = [passage_from_source(h["_source"])
                     for h in scan(self.cluster.client, query=query, index=self.name)]
        return sorted(found, key=lambda p: (p.doc, p.number))

    def locate(self, location: str, context: int = 0) -> tuple[Passage, tuple, tuple]:
        """``doc:line`` or ``doc:¶n`` -> the passage there with *context* neighbours."""
        doc, by_number, n = parse_location(location, self.manifest["docs"])
        if by_number:
            at = [{"term": {"number": n}}]
        else:
            at = [{"range": {"line_start": {"lte": n}}}, {"range": {"line_end": {"gte": n}}}]
        match = self._passages_where([{"term": {"doc": doc}}, *at], size=1)
        if not match:
            raise LocationError(f"no passage at {location}")
        p = match[0]
        if context <= 0:
            return p, (), ()
        near = self._passages_where([
            {"term": {"doc": doc}},
            {"range": {"number": {"gte": p.number - context, "lte": p.number + context}}},
        ])
        return (p, tuple(q for q in near if q.number < p.number),
                tuple(q for q in near if q.number > p.number))

    def stats(self) -> dict:
        """Counts and facts about the index, for ``searcher stats``."""
        st = self._call(lambda c: c.indices.stats(index=self.name, metric="store,docs"))
        live = next(iter(st["indices"]))
        size = st["indices"][live]["total"]["store"]["size_in_bytes"]
        health = self._call(lambda c: c.cluster.health(index=self.name))
        settings = self._call(lambda c: c.indices.get_settings(index=self.name))[live]
        return {
            "index": f"{self.index_dir} -> {live}",
            "texts": str(self.texts_dir),
            **manifest_figures(self.manifest),
            "terms": {},
            "index_bytes": size,
            "shards": int(settings["settings"]["index"]["number_of_shards"]),
            "replicas": int(settings["settings"]["index"]["number_of_replicas"]),
            "health": health["status"],
            "nodes": health["number_of_nodes"],
        }


def _split(query: str, phrase: bool) -> tuple[list[str], list[Clause]]:
    """The query's content words (as typed) and its quotations (as clauses), split as
    the local parser splits them; the cluster analyses the words itself."""
    parts = content_parts(split_query(query, phrase=phrase))
    words = [t for k, t in parts if k == "word" and tokens(t)]
    phrases = [c for c in (phrase_clause(t) for k, t in parts if k == "phrase") if c.exact]
    return words, phrases
