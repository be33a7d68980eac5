"""Stage 5 (OpenSearch): searching searcher's index on an OpenSearch cluster.

:class:`OpenSearchSearcher` is a :class:`~searcher.backends.base.Searcher`, whose search
loop it shares, and returns the same :class:`~searcher.results.hits.Hit` values.  The
query is split as the local engine splits it (:mod:`searcher.query`); the words are analysed by the
cluster (the index's own analyzers, :mod:`~searcher.backends.opensearch.settings`),
never by a second Turkish analyzer here (the query DSL:
:mod:`~searcher.backends.opensearch.dsl`):

* a word is matched on the three fields with the local engine's field weights
  (``text.stem``, ``text`` with ``fuzziness`` for typos, ``text.prefix``); the
  same request counts, over the whole index, the passages each word matches, so
  the local coverage rule (a hit covers half the query, words weighted by rarity)
  and its score factor are applied to the candidates the cluster returns;
* a word the index does not hold at all is a typo: asked again with
  ``fuzziness`` (:data:`searcher.query.typos.FUZZINESS`, the local typo limits);
* a quotation is answered in the tiers of :mod:`searcher.query.rules`:
  ``match_phrase`` on the exact field (``exact``), then on the stem or prefix
  field (``inflected``), then with a few words of slop, then with one word
  missing (``near``);
* a question (:mod:`searcher.query.question`) is searched for its content words,
  and re-ranked by :mod:`searcher.results.answers` on the returned passages;
* operators (:mod:`searcher.query.operators`): ``+word`` and ``A OR B`` are ``must``,
  ``-word`` ``must_not``, ``"a b"~N`` an ``intervals`` query in the quotations'
  tiers; ``--doc`` and ``--pages`` filter on the indexed ``doc``, ``page`` and
  ``page_end``.

Snippets and highlights are made by searcher's own highlighter on the returned
passage text.  Searches never write: ``searcher index --opensearch`` loads.
"""

from __future__ import annotations

import time

from searcher.backends.base import Searcher, manifest_figures, parse_location
from searcher.backends.opensearch.cluster import Cluster, check_name
from searcher.backends.opensearch.dsl import (
    answered_or_one,
    filter_queries,
    forms_request,
    near_in_texts,
    operator_queries,
    part_query,
    present_forms,
    rank_candidates,
    request_body,
    typo_words,
    word_clause,
    words_of,
)
from searcher.backends.opensearch.settings import passage_from_source
from searcher.config import DEFAULT_INDEX_NAME, opensearch_url
from searcher.errors import QueryError, UnknownLocationError
from searcher.query.operators import NO_FILTERS, NO_OPERATORS, Filters, Operators, Part
from searcher.query.parse import (
    Clause,
    content_parts,
    phrase_clause,
    proximity_clause,
    split_query,
)
from searcher.query.rules import (
    TIERS,
    is_name,
    question_weights,
    rarity_weights,
    tier_steps,
)
from searcher.results.answers import FOCUS_POOL, focus_rerank
from searcher.results.highlight import Highlighter, make_hit
from searcher.results.hits import Hit
from searcher.text import turkish
from searcher.text.document import Passage

#: OpenSearch's default ``index.max_result_window``: no request may ask for more hits.
MAX_WINDOW = 10_000
#: Candidates asked of the cluster for each hit wanted (re-ranked by coverage here).
WINDOW = 4
MIN_WINDOW = 40
#: The first index schema with the passages' pages indexed (``--pages``).
PAGES_SCHEMA = 2
#: Transient failures (a node dying, an index swapped) are retried this many times.
ATTEMPTS = 4


class _Plan:
    """A query's words (as typed) and quotations (proximities among them), its other
    operators and filters as queries (``must``, ``must_not``, ``filters``) and as the
    highlighter's clauses (*marked*), the words found to be typos, the ids of the
    passages earlier tiers returned, and their texts (for corrections)."""

    __slots__ = ("words", "phrases", "must", "must_not", "filters", "marked", "typos", "seen",
                 "texts", "open", "absent", "present")

    def __init__(self, words: list[str], phrases: list[Clause], ops: Operators = NO_OPERATORS,
                 filters: Filters = NO_FILTERS, open_question: bool = False) -> None:
        self.words, self.phrases = words, phrases
        self.must, self.must_not = operator_queries(ops)
        self.filters = filter_queries(filters)
        marked = [word_clause(p.text, False, []) for p in ops.required if words_of(p.text)]
        marked += [Clause(kind="either", words=(), members=tuple(
            word_clause(p.text, False, []) if p.kind == "word" else phrase_clause(p.text)
            for p in group)) for group in ops.either]
        self.marked = marked
        self.typos: set[int] = set()
        self.seen: list[str] = []
        self.texts: list[str] = []
        self.open = open_question  # ranked by the words that match (query.rules)
        self.absent: tuple[str, ...] = ()  # an open question's words no passage holds
        self.present: frozenset[str] | None = None  # the words' forms the index holds

    def body(self, tier: int, size: int, spare: int = 0, seen: list[str] = ()) -> dict:
        return request_body(self.words, self.phrases, tier, self.typos, size, list(seen), spare,
                            self.must, self.must_not, self.filters, self.present)


class OpenSearchSearcher(Searcher):
    """Searches the index *index_name* on the OpenSearch cluster at *opensearch*
    (*index_dir*, *auto_update* and *progress* are the local index's: a search
    never writes to the cluster)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        url = opensearch_url(kwargs.get("opensearch"), None)
        if not url:
            raise TypeError("OpenSearchSearcher needs opensearch=URL")
        self.name = check_name(kwargs.get("index_name") or DEFAULT_INDEX_NAME)
        self.cluster = Cluster(url)
        self.index_dir = f"{self.cluster.where}/{self.name}"

    # -- lifecycle
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

    def _search(self, body: dict, scored: bool = True) -> dict:
        return self._call(lambda c: c.search(
            index=self.name, body=body,
            search_type="dfs_query_then_fetch" if scored else "query_then_fetch",
            allow_partial_search_results=False,
        ))

    def _ask(self, body: dict) -> tuple[dict, dict[str, int]]:
        """The cluster's answer and, per query word, how many passages hold it."""
        out = self._search(body)
        buckets = out["aggregations"]["all"]["w"]["buckets"]
        return out, {k: v["doc_count"] for k, v in buckets.items()}

    # -- the base class's search loop
    def _plan(self, parts, question, ops=NO_OPERATORS, filters=NO_FILTERS) -> _Plan:
        if question:
            parts = split_query(question.content)
        parts = content_parts(parts, ops.positive)
        words = [t for k, t in parts if k == "word" and words_of(t)]
        phrases = [c for c in (phrase_clause(t) for k, t in parts if k == "phrase") if c.exact]
        phrases += [c for c in (proximity_clause(p.text, p.slop) for p in ops.near) if c.exact]
        if filters.pages is not None and self.manifest.get("schema", 0) < PAGES_SCHEMA:
            raise self.cluster.error(
                f"index {self.name!r} at {self.cluster.where} was loaded by an earlier searcher "
                "without page fields; run `searcher index --opensearch URL` to reload it")
        plan = _Plan(words, phrases, ops, filters, bool(question and question.open))
        if not words and not phrases and not plan.must:
            raise QueryError("query has no words to search for")
        if words:  # each form the index holds, scored as the local engine scores it
            plan.present = present_forms(self._search(forms_request(words), False))
        return plan

    def _tiers(self, plan: _Plan, exact: bool):
        lengths = [len([w for w in c.words if w not in turkish.STOP_WORDS]) for c in plan.phrases]
        return tier_steps(lengths, exact)

    def _tier_hits(self, plan: _Plan, match, spare, room, question, context, ranked_before
                   ) -> list[Hit]:
        """The cluster's candidates for one tier, ranked by the local rules: a word the
        index does not hold is a typo, asked again with ``fuzziness``."""
        words, phrases = plan.words, plan.phrases
        want = MAX_WINDOW if room is None else min(room, MAX_WINDOW)
        tier = TIERS.index(match) if phrases else 0
        size = min(max(want * WINDOW, MIN_WINDOW, FOCUS_POOL if question else 0), MAX_WINDOW)
        out, dfs = self._ask(plan.body(tier, size, spare, plan.seen))
        unknown = typo_words(words, {i for i in range(len(words)) if not dfs[f"w{i}"]},
                             plan.open, plan.present)
        if unknown - plan.typos:  # words the index does not hold: typos, asked again
            plan.typos |= unknown
            out, dfs = self._ask(plan.body(tier, size, spare, plan.seen))
        n_docs = out["aggregations"]["all"]["doc_count"] or 1
        absent = 0.0
        if plan.open:  # a typo's df counts its near words: rare, as locally
            counts = [dfs[f"w{i}"] or (1 if i in plan.typos else 0) for i in range(len(words))]
            weights, absent = question_weights(counts, [is_name(w) for w in words], n_docs)
            plan.absent = tuple(words_of(w)[0] for w, n in zip(words, counts, strict=True)
                                if not n and len(words_of(w)) == 1)
        else:
            weights = rarity_weights([dfs[f"w{i}"] for i in range(len(words))], n_docs,
                                     question)
        ranked = rank_candidates(out["hits"]["hits"], weights, match if phrases else "", question,
                                 absent if plan.open else None)
        texts = [h["_source"]["text"] for h, _ in ranked]
        clauses = self._clauses(plan, texts, match)
        focus: dict[int, tuple[int, int]] = {}
        if question:
            order, focus = focus_rerank(
                question, clauses[: len(words) + len(phrases)], weights + [0.0] * len(phrases),
                [(h["_searcher_score"], i) for i, (h, _) in enumerate(ranked)],
                lambda i: ranked[i][0]["_source"]["text"],
            )
            for score, i in order:
                ranked[i][0]["_searcher_score"] = score
            focus = {rank: focus[i] for rank, (_, i) in enumerate(order) if i in focus}
            ranked = [ranked[i] for _, i in order]
        if plan.open:  # about something the texts hardly discuss: one passage
            ranked = answered_or_one(ranked, out["hits"]["hits"], sum(weights), absent, question)
        ranked = ranked[:want]
        plan.seen += [h["_id"] for h, _ in ranked]
        plan.texts += [h["_source"]["text"] for h, _ in ranked]
        return self._hits(ranked, Highlighter(clauses), context, focus, ranked_before, plan.open)

    def _not_in_texts(self, plan: _Plan) -> tuple[str, ...]:
        return plan.absent

    def _corrections(self, plan: _Plan) -> dict[str, tuple[str, ...]]:
        out = {}
        for i in sorted(plan.typos):
            typed = words_of(plan.words[i])[0]
            out[typed] = tuple(sorted(near_in_texts(typed, plan.texts)))
        return out

    def _clauses(self, plan: _Plan, texts: list[str], match: str) -> list[Clause]:
        """The query as the highlighter needs it: the words' folded forms, stems and
        prefixes; for typos, the near words the passages hold; for quotations found
        below the exact tier, their words one by one."""
        clauses = [word_clause(w, i in plan.typos, texts) for i, w in enumerate(plan.words)]
        clauses += plan.phrases + plan.marked
        if match not in ("exact", "words"):
            clauses += [word_clause(w, False, texts) for c in plan.phrases for w in c.words
                        if w not in turkish.STOP_WORDS]
        return clauses

    def _hits(self, ranked, highlighter, context: int, focus: dict, ranked_before: int,
              open_question: bool = False) -> list[Hit]:
        passages = [passage_from_source(h["_source"]) for h, _ in ranked]
        around = self._around([(p.doc, p.number) for p in passages], context)
        hits = []
        for i, ((h, tier), p) in enumerate(zip(ranked, passages, strict=True)):
            n = p.number
            hits.append(make_hit(
                p, ranked_before + i + 1, h["_searcher_score"], highlighter, tier or "words",
                focus.get(i),
                tuple(around[(p.doc, k)] for k in range(n - context, n) if (p.doc, k) in around),
                tuple(around[(p.doc, k)] for k in range(n + 1, n + context + 1)
                      if (p.doc, k) in around),
                h.get("_searcher_held") if open_question else None,
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

    # -- by meaning: the units' vectors in a knn_vector field (k-NN plugin, Lucene engine)
    def _has_vectors(self) -> bool:
        from searcher.semantic.model import MODEL_ID

        return (self.manifest.get("vectors") or {}).get("model") == MODEL_ID

    def _nearest(self, vector, k: int, skip: tuple | None = None):
        """The passages whose nearest unit is nearest *vector*: a nested ``knn`` query,
        the passage scored by its best unit, which the inner hit names."""
        from searcher.backends.opensearch.settings import UNITS

        knn = {"knn": {f"{UNITS}.v": {"vector": [float(x) for x in vector],
                                      "k": k + (skip is not None)}}}
        out = self._search({
            "size": k + (skip is not None),
            "query": {"nested": {"path": UNITS, "score_mode": "max", "query": knn,
                                 "inner_hits": {"size": 1, "_source": [f"{UNITS}.start",
                                                                       f"{UNITS}.end"]}}},
        })
        found = []
        for h in out["hits"]["hits"]:
            p = passage_from_source(h["_source"])
            if (p.doc, p.number) == skip:
                continue
            unit = h["inner_hits"][UNITS]["hits"]["hits"][0]["_source"]
            # the Lucene engine's cosine score is (1 + cos) / 2
            found.append((2 * h["_score"] - 1, p, p, (unit["start"], unit["end"])))
        return found[:k]

    def _near_passage(self, p: Passage, k: int):
        from searcher.semantic import model

        units = model.embed_passages([p.text[s:e] for s, e in model.units(p.text)])
        mean = units.mean(axis=0)
        return self._nearest(mean / ((mean @ mean) ** 0.5 or 1.0), k, skip=(p.doc, p.number))

    def _meaning_hit(self, plan, p, rank, score, span, context) -> Hit:
        clauses = [word_clause(w, False, []) for w in plan.words] + plan.phrases if plan else []
        around = self._around([(p.doc, p.number)], context)
        n = p.number
        return make_hit(
            p, rank, score, Highlighter(clauses), "semantic", span,
            tuple(around[(p.doc, i)] for i in range(n - context, n) if (p.doc, i) in around),
            tuple(around[(p.doc, i)] for i in range(n + 1, n + context + 1)
                  if (p.doc, i) in around),
        )

    # -- reading tools: every occurrence
    def _occurrences(self, text: str, query, filters):
        from opensearchpy.helpers import scan

        from searcher.results.concordance import collect_occurrences

        plan = self._plan(query.parts, None, query.ops, filters)
        words, phrases = plan.words, plan.phrases
        quoted = [c for c in phrases if c.slop is None]
        body = plan.body(0, 0)
        # any clause: every passage it occurs in (within the operators' and filters')
        body["query"]["bool"]["must"] = [*plan.must, *(
            part_query(Part("phrase", " ".join(c.words), c.slop))
            for c in phrases if c.slop is not None)]
        should = body["query"]["bool"]["should"]
        should += [{"match_phrase": {"text": " ".join(c.words)}} for c in quoted]
        body["query"]["bool"]["minimum_should_match"] = 1 if words or quoted else 0
        with self.cluster.answering(self.name):
            found = [passage_from_source(h["_source"]) for h in scan(
                self.cluster.client, query={"query": body["query"]}, index=self.name)]
        found.sort(key=lambda p: (p.doc, p.number))
        clauses = [word_clause(w, False, []) for w in words] + phrases + plan.marked
        return collect_occurrences(text, clauses, found, self.manifest, filters.pages)

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
            raise UnknownLocationError(f"no passage at {location}")
        p = match[0]
        if context <= 0:
            return p, (), ()
        near = self._passages_where([
            {"term": {"doc": doc}},
            {"range": {"number": {"gte": p.number - context, "lte": p.number + context}}},
        ])
        return (p, tuple(q for q in near if q.number < p.number),
                tuple(q for q in near if q.number > p.number))

    @classmethod
    def update_index(cls, texts_dir, index_dir, *, opensearch=None, index_name=None,
                     rebuild=False, progress=None, **options):
        from searcher.backends.opensearch import load
        from searcher.backends.opensearch.cluster import redact

        name = index_name or DEFAULT_INDEX_NAME
        report = load.update(texts_dir, opensearch, name, rebuild=rebuild, progress=progress,
                             **options)
        return report, f"{redact(opensearch)} {name}"

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
            "vectors": self.manifest.get("vectors"),
        }
