"""Stage 5 (OpenSearch): searching searcher's index on an OpenSearch cluster.

:class:`OpenSearchSearcher` has the :class:`~searcher.engine.Searcher` API and
returns the same :class:`~searcher.hits.Hit` values.  The query is split as the
local engine splits it (:mod:`searcher.query`); the words are analysed by the
cluster (the index's own analyzers, :mod:`searcher.opensearch_index`), never by
a second Turkish analyzer here:

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
  the higher ones leave room in the limit.

Snippets and highlights are made by searcher's own highlighter on the returned
passage text.  Searches never write: ``searcher index --opensearch`` loads.
"""

from __future__ import annotations

import math
import os
import time
from pathlib import Path

from . import analysis, turkish
from .document import Passage
from .errors import LocationError, QueryError
from .highlight import Highlighter, make_snippet
from .hits import Hit
from .opensearch_index import DEFAULT_NAME, Cluster, check_name, passage_from_source
from .query import Clause, content_parts, edit_distance, phrase_clause, split_query, typo_limit
from .scoring import FIELD_WEIGHTS, TYPO_WEIGHT

#: Same rule as the local engine: share of the query (by rarity) a hit must cover.
MIN_COVERAGE = 0.5
#: Candidates asked of the cluster for each hit wanted (re-ranked by coverage here).
WINDOW = 4
MIN_WINDOW = 40
#: Transient failures (a node dying, an index swapped) are retried this many times.
ATTEMPTS = 4
TIERS = ("exact", "inflected", "near")
#: Slop of the near tier: a word between, or words a little out of order.
NEAR_SLOP = 3
FUZZINESS = "AUTO:5,8"


class OpenSearchSearcher:
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
        self, query: str, limit: int | None = 10, *, phrase: bool = False, context: int = 1
    ) -> list[Hit]:
        """Ranked hits for *query*, as :meth:`searcher.engine.Searcher.search` gives them."""
        parts = content_parts(split_query(query, phrase=phrase))
        words = [t for k, t in parts if k == "word" and _tokens(t)]
        phrases = [phrase_clause(t) for k, t in parts if k == "phrase"]
        phrases = [c for c in phrases if c.exact]
        if not words and not phrases:
            raise QueryError("query has no words to search for")
        want = 10_000 if limit is None else max(limit, 0)
        if want == 0:
            return []
        ranked: list[tuple[dict, str]] = []
        typos: set[int] = set()
        for tier in range(len(TIERS) if phrases else 1):
            room = want - len(ranked)
            if room <= 0:
                break
            size = max(room * WINDOW, MIN_WINDOW)
            seen = [h["_id"] for h, _ in ranked]
            out, dfs = self._ask(_body(words, phrases, tier, typos, size, seen))
            unknown = _typo_words(words, {i for i in range(len(words)) if not dfs[f"w{i}"]})
            if unknown - typos:  # words the index does not hold: typos, asked again
                typos |= unknown
                out, dfs = self._ask(_body(words, phrases, tier, typos, size, seen))
            n_docs = out["aggregations"]["all"]["doc_count"] or 1
            found = _rank(out["hits"]["hits"], words, dfs, n_docs, TIERS[tier] if phrases else "")
            ranked += found[:room]
        clauses = self._clauses(words, phrases, typos, ranked)
        return self._hits(ranked, clauses, context)

    def _clauses(self, words, phrases, typos, ranked) -> list[Clause]:
        """The query as the highlighter needs it: the words' folded forms, stems and
        prefixes; for typos, the near words the passages hold; for quotations found
        below the exact tier, their words one by one."""
        texts = [h["_source"]["text"] for h, _ in ranked]
        clauses = [_word_clause(w, i in typos, texts) for i, w in enumerate(words)]
        clauses += phrases
        if any(tier not in ("", "exact") for _, tier in ranked):
            clauses += [_word_clause(w, False, texts) for c in phrases for w in c.words
                        if w not in turkish.STOP_WORDS]
        return clauses

    def _hits(self, ranked, clauses, context: int) -> list[Hit]:
        highlighter = Highlighter(clauses)
        passages = [passage_from_source(h["_source"]) for h, _ in ranked]
        around = self._around([(p.doc, p.number) for p in passages], context)
        hits = []
        for rank, ((h, _tier), p) in enumerate(zip(ranked, passages, strict=True), start=1):
            spans = highlighter(p.text)
            first = spans[0][0] if spans else 0
            hits.append(Hit(
                rank=rank, score=h["_searcher_score"], doc=p.doc, passage=p.number,
                line=p.line_at(first), line_start=p.line_start, line_end=p.line_end,
                page=p.page_at(first), section=p.section, text=p.text,
                snippet=make_snippet(p.text, spans), highlights=tuple(spans),
                footnotes=p.footnotes,
                before=tuple(around[(p.doc, n)] for n in range(p.number - context, p.number)
                             if (p.doc, n) in around),
                after=tuple(around[(p.doc, n)] for n in range(p.number + 1, p.number + context + 1)
                            if (p.doc, n) in around),
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
            "size": len(where) * (2 * context + 1), "_source": ["doc", "number", "text"],
            "query": {"bool": {"should": should, "minimum_should_match": 1}},
        })
        return {(h["_source"]["doc"], h["_source"]["number"]): h["_source"]["text"]
                for h in out["hits"]["hits"]}

    # -- locations and stats
    def _passages_where(self, filters: list[dict], size: int = 10_000) -> list[Passage]:
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
        doc, sep, where = location.rpartition(":")
        bad = f"bad location {location!r}: use DOC:LINE or DOC:¶NUMBER"
        if not sep or not doc or not where:
            raise LocationError(bad)
        doc = Path(doc).name
        if doc not in self.manifest["docs"]:
            raise LocationError(f"no document named {doc!r} in the index")
        try:
            if where[0] in "¶#p":
                at = [{"term": {"number": int(where[1:])}}]
            else:
                n = int(where)
                at = [{"range": {"line_start": {"lte": n}}}, {"range": {"line_end": {"gte": n}}}]
        except ValueError:
            raise LocationError(bad) from None
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
        m = self.manifest
        docs = m["docs"]
        st = self._call(lambda c: c.indices.stats(index=self.name, metric="store,docs"))
        live = next(iter(st["indices"]))
        size = st["indices"][live]["total"]["store"]["size_in_bytes"]
        health = self._call(lambda c: c.cluster.health(index=self.name))
        settings = self._call(lambda c: c.indices.get_settings(index=self.name))[live]
        return {
            "index": f"{self.index_dir} -> {live}",
            "texts": str(self.texts_dir),
            "documents": len(docs),
            "passages": sum(d["passages"] for d in docs.values()),
            "pages": sum(d["pages"] for d in docs.values()),
            "footnotes": sum(d["footnotes"] for d in docs.values()),
            "terms": {},
            "index_bytes": size,
            "built": m["built"],
            "schema_version": m["schema"],
            "analyzer_version": m["analyzer"],
            "shards": int(settings["settings"]["index"]["number_of_shards"]),
            "replicas": int(settings["settings"]["index"]["number_of_replicas"]),
            "health": health["status"],
            "nodes": health["number_of_nodes"],
        }


# ------------------------------------------------------------------ queries


def _tokens(word: str) -> list[str]:
    return analysis.TOKEN_RE.findall(analysis.surface(word))


def _typo_words(words: list[str], unknown: set[int]) -> set[int]:
    """Of the words the index does not hold, those long enough to carry a typo."""
    out = set()
    for i in unknown:
        tokens = _tokens(words[i])
        if len(tokens) == 1 and typo_limit(turkish.fold(tokens[0])):
            out.add(i)
    return out


def _word_query(word: str, typo: bool) -> dict:
    """One word on the three fields, the local engine's weights; a compound as a phrase."""
    if len(_tokens(word)) > 1:  # Meclis-i, V.İ.: a small phrase, as locally
        return {"match_phrase": {"text": {"query": word, "boost": FIELD_WEIGHTS["exact"]}}}
    w = TYPO_WEIGHT if typo else 1.0
    exact: dict = {"query": word, "boost": FIELD_WEIGHTS["exact"] * w}
    if typo:
        exact.update(fuzziness=FUZZINESS, prefix_length=1)
    fields = [{"match": {"text.stem": {"query": word, "boost": FIELD_WEIGHTS["stem"] * w}}},
              {"match": {"text": exact}},
              {"match": {"text.prefix": {"query": word, "boost": FIELD_WEIGHTS["prefix"] * w}}}]
    if typo:
        fields[0]["match"]["text.stem"].update(fuzziness=FUZZINESS, prefix_length=1)
    return {"bool": {"should": fields, "minimum_should_match": 1}}


def _phrase_query(c: Clause, tier: int) -> dict:
    """A quotation at tiers 0..*tier* (exact, inflected, near)."""
    text = " ".join(c.words)
    should = [{"match_phrase": {"text": {"query": text, "_name": "exact"}}}]
    if tier >= 1:
        should += [{"match_phrase": {f: {"query": text, "_name": "inflected"}}}
                   for f in ("text.stem", "text.prefix")]
    if tier >= 2:
        should.append({"match_phrase": {"text.prefix": {
            "query": text, "slop": NEAR_SLOP, "_name": "near"}}})
        content = [w for w in c.words if w not in turkish.STOP_WORDS]
        if len(content) >= 3:  # one word missing
            for i in range(len(content)):
                rest = " ".join(content[:i] + content[i + 1:])
                should.append({"match_phrase": {"text.prefix": {
                    "query": rest, "slop": 1, "_name": "near"}}})
    return {"bool": {"should": should, "minimum_should_match": 1}}


def _body(words, phrases, tier: int, typos: set[int], size: int, exclude: list[str]) -> dict:
    named = []
    for i, w in enumerate(words):
        q = _word_query(w, i in typos)
        named.append({"bool": {**q.get("bool", {"must": [q]}), "_name": f"w{i}"}})
    prox = [
        {"match_phrase": {"text.prefix": {"query": f"{a} {b}", "slop": 2, "boost": 0.5}}}
        for i, (a, b) in enumerate(zip(words, words[1:], strict=False))
        if i not in typos and i + 1 not in typos
    ]
    query: dict = {"bool": {"should": named + prox}}
    if phrases:
        query["bool"]["must"] = [_phrase_query(c, tier) for c in phrases]
    else:
        query["bool"]["minimum_should_match"] = 1
    if exclude:
        query["bool"]["must_not"] = [{"ids": {"values": exclude}}]
    filters = {f"w{i}": _word_query(w, False) for i, w in enumerate(words)}
    return {
        "size": size,
        "query": query,
        "aggs": {"all": {"global": {}, "aggs": {"w": {"filters": {"filters": filters or {
            "none": {"match_none": {}}}}}}}},
    }


def _rank(hits: list[dict], words: list[str], dfs: dict, n_docs: int, tier: str) -> list:
    """The cluster's candidates filtered and scored by the local coverage rule."""
    weights = {f"w{i}": math.log(1 + n_docs / (dfs.get(f"w{i}") or 0.5))
               for i in range(len(words))}
    total = sum(weights.values())
    kept = []
    for h in hits:
        matched = set(h.get("matched_queries", ()))
        coverage = sum(w for k, w in weights.items() if k in matched) / total if total else 1.0
        if coverage < MIN_COVERAGE:
            continue
        h["_searcher_score"] = (h["_score"] or 0.0) * (0.25 + 0.75 * coverage * coverage)
        found = [t for t in TIERS if t in matched]
        kept.append((h, found[0] if found and tier else tier))
    kept.sort(key=lambda x: (TIERS.index(x[1]) if x[1] else 0, -x[0]["_searcher_score"]))
    return kept


def _word_clause(word: str, typo: bool, texts: list[str]) -> Clause:
    """A typed word as the highlighter's clause (a typo: the near words in *texts*)."""
    tokens = _tokens(word)
    if len(tokens) > 1:
        c = phrase_clause(" ".join(tokens))
        c.required = False
        return c
    surface = tokens[0]
    spellings = {surface}
    folded = turkish.fold(surface)
    if typo:
        limit = typo_limit(folded)
        for text in texts:
            for t in analysis.TOKEN_RE.findall(text):
                s = analysis.surface(t)
                f = turkish.fold(s)
                if f[:1] == folded[:1] and edit_distance(folded, f, limit) <= limit:
                    spellings.add(s)
    folds = {turkish.fold(s) for s in spellings}
    return Clause(
        kind="word", words=(surface,), typo=typo,
        stems=frozenset(analysis.stem_term(s) for s in spellings),
        exacts=frozenset(folds),
        prefixes=frozenset(analysis.prefix_term(s) for s in spellings
                           if len(turkish.fold(s)) >= analysis.PREFIX_LENGTH),
    )
