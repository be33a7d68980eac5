"""Stage 5 (OpenSearch): a query -> OpenSearch's query DSL, and its answer -> ranked candidates.

What users type is split by :mod:`searcher.query` as for the local engine; the
words go to the cluster as typed, to be analysed there by the index's analyzers
(:mod:`searcher.backends.opensearch.settings`).  Each word is one named clause over the
three fields with the local engine's field weights; a request also counts the
passages each word matches over the whole index, so :func:`rank_candidates` applies the
local coverage rule to the candidates (:mod:`searcher.query.rules`).  Quotations are
asked in the same tiers.  :func:`word_clause` turns a typed word back into the
:class:`~searcher.query.parse.Clause` searcher's highlighter marks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from searcher.query.operators import Filters, Operators, Part
from searcher.query.parse import (
    Clause,
    compound_clause,
    listless_terms,
    phrase_clause,
    spellings_clause,
)
from searcher.query.question import holds_answer
from searcher.query.rules import (
    FIELD_WEIGHTS,
    NEAR_SLOP,
    TIERS,
    TYPO_WEIGHT,
    coverage_factor,
    coverage_floor,
    question_answered,
    question_fallback,
    question_kept,
    spare_words,
)
from searcher.query.typos import FUZZINESS, near_in_texts, taken_for_typo, typo_limit
from searcher.text import tokens, turkish


def words_of(word: str) -> list[str]:
    """The tokens of a typed word (more than one: a compound such as ``Meclis-i``)."""
    return tokens.TOKEN_RE.findall(tokens.surface(word))


def typo_words(words: list[str], unknown: set[int], open_question: bool = False,
               present: frozenset[str] | None = None) -> set[int]:
    """Of the words the index does not hold, those long enough to carry a typo (in an
    open question, only those that do not read as Turkish words: the local rule,
    :func:`searcher.query.typos.taken_for_typo`), and, as locally, neither an unseen
    inflection whose stem or first letters the index holds (``known:`` in *present*,
    :func:`forms_request`)."""
    out = set()
    for i in unknown:
        found = words_of(words[i])
        if (len(found) == 1 and typo_limit(turkish.fold(found[0]))
                and f"known:{found[0]}" not in (present or ())
                and taken_for_typo(found[0], open_question)):
            out.add(i)
    return out


def _word_query(word: str, typo: bool, present: frozenset[str] | None = None) -> dict:
    """One word on the three fields, the local engine's weights; a compound as a phrase.
    A word that is not a typo also matches its inflections as searcher's grammar
    writes them out (:func:`~searcher.query.parse.listless_terms`: the cluster's
    words cannot be listed), and its stem and prefix only where that rule keeps them
    or where they join no other word (*present* says so: :func:`present_forms`).
    With *present* (those forms the index holds, :func:`forms_request`), each form is
    a scored ``term`` as the local engine scores it (BM25 of each form it matches,
    summed); without, the forms are one unscored ``terms`` clause (a filter's)."""
    if len(words_of(word)) > 1:  # Meclis-i, V.İ.: a small phrase, as locally
        return {"match_phrase": {"text": {"query": word, "boost": FIELD_WEIGHTS["exact"]}}}
    if not typo:
        surface = words_of(word)[0]
        forms, stem, prefix = listless_terms(surface)
        exact = FIELD_WEIGHTS["exact"]
        fields = [{"match": {"text": {"query": word, "boost": exact}}}]
        if present is None:
            fields.append({"terms": {"text": sorted(forms), "boost": exact}})
        else:
            typed = turkish.fold(surface)
            fields += [{"term": {"text": {"value": f, "boost": exact}}}
                       for f in sorted(present & forms) if f != typed]
        alone = present or frozenset()  # the stem or prefix that joins no other word
        if stem or f"stem:{surface}" in alone:
            fields.append({"match": {"text.stem": {"query": word,
                                                   "boost": FIELD_WEIGHTS["stem"]}}})
        if prefix or f"prefix:{surface}" in alone:
            fields.append({"match": {"text.prefix": {"query": word,
                                                     "boost": FIELD_WEIGHTS["prefix"]}}})
        return {"bool": {"should": fields, "minimum_should_match": 1}}
    w, fuzzy = TYPO_WEIGHT, {"fuzziness": FUZZINESS, "prefix_length": 1}
    fields = [
        {"match": {"text.stem": {"query": word, "boost": FIELD_WEIGHTS["stem"] * w, **fuzzy}}},
        {"match": {"text": {"query": word, "boost": FIELD_WEIGHTS["exact"] * w, **fuzzy}}},
        {"match": {"text.prefix": {"query": word, "boost": FIELD_WEIGHTS["prefix"] * w}}},
    ]
    return {"bool": {"should": fields, "minimum_should_match": 1}}


def forms_request(words: list[str]) -> dict:
    """A request (no hits) counting, for every form the grammar writes out for
    *words*, whether the index holds it, whether it holds the word's stem or first
    letters, and for a stem or prefix the rule leaves out (:func:`~searcher.query.parse.
    listless_terms`: it might join another word), the passages it matches that none of
    the forms does: read by :func:`present_forms`."""
    filters = {}
    for w in words:
        found = words_of(w)
        if len(found) == 1:
            forms, stem, prefix = listless_terms(found[0])
            for f in forms:
                filters[f] = {"term": {"text": f}}
            known = [{"term": {"text.stem": tokens.stem_term(found[0])}}]
            if len(turkish.fold(found[0])) > tokens.PREFIX_LENGTH:
                known.append({"term": {"text.prefix": tokens.prefix_term(found[0])}})
            filters[f"known:{found[0]}"] = {"bool": {"should": known}}
            for field in [f for f, kept in (("stem", stem), ("prefix", prefix)) if not kept]:
                filters[f"{field}:{found[0]}"] = {"bool": {
                    "must": [{"match": {f"text.{field}": w}}],
                    "must_not": [{"match": {"text": w}}, {"terms": {"text": sorted(forms)}}]}}
    return {"size": 0, "track_total_hits": False, "query": {"match_none": {}},
            "aggs": {"all": {"global": {}, "aggs": {"f": {"filters": {
                "filters": filters or {"none": {"match_none": {}}}}}}}}}


def present_forms(answer: dict) -> frozenset[str]:
    """The forms of a :func:`forms_request` the index holds, and ``stem:word`` or
    ``prefix:word`` where that term matches only passages the word's forms match: it
    joins no other word, so it is kept, as the local engine keeps such a term
    (:meth:`~searcher.query.parse.QueryParser.word_clause`) and scores it beside them;
    ``known:word`` where the index holds the word's stem or first letters (no typo)."""
    buckets = answer["aggregations"]["all"]["f"]["buckets"]
    return frozenset(f for f, b in buckets.items()
                     if bool(b["doc_count"]) != (f.startswith(("stem:", "prefix:"))))


def _near(field: str, words, slop: int, name: str | None = None) -> dict:
    """*words* within *slop* positions of each other, any order, on *field*."""
    q = {"intervals": {field: {"match": {"query": " ".join(words), "max_gaps": slop,
                                         "ordered": False}}}}
    return {"bool": {"must": [q], "_name": name}} if name else q


def _proximity_query(c: Clause, tier: int, spare: int = 0) -> dict:
    """``"a b"~N`` at tiers 0..*tier*: its words as written within N positions, then in
    any inflection, then (with *spare*) all but one of them."""
    should = [_near("text", c.words, c.slop, "exact")]
    if tier >= 1:
        should += [_near(f, c.words, c.slop, "inflected") for f in ("text.stem", "text.prefix")]
    if tier >= 2:
        content = [w for w in c.words if w not in turkish.STOP_WORDS]
        if spare_words(len(content), spare):
            should += [_near("text.prefix", content[:i] + content[i + 1:], c.slop, "near")
                       for i in range(len(content))]
    return {"bool": {"should": should, "minimum_should_match": 1}}


def _phrase_query(c: Clause, tier: int, spare: int = 0) -> dict:
    """A quotation at tiers 0..*tier* of :data:`~searcher.query.rules.TIERS` (exact,
    inflected, near); with *spare*, near ones may lack that many words."""
    if c.slop is not None:
        return _proximity_query(c, tier, spare)
    text = " ".join(c.words)
    should = [{"match_phrase": {"text": {"query": text, "_name": "exact"}}}]
    if tier >= 1:
        should += [{"match_phrase": {f: {"query": text, "_name": "inflected"}}}
                   for f in ("text.stem", "text.prefix")]
    if tier >= 2:
        should.append({"match_phrase": {"text.prefix": {
            "query": text, "slop": NEAR_SLOP, "_name": "near"}}})
        content = [w for w in c.words if w not in turkish.STOP_WORDS]
        if spare_words(len(content), spare):  # one word missing
            for i in range(len(content)):
                rest = " ".join(content[:i] + content[i + 1:])
                should.append({"match_phrase": {"text.prefix": {
                    "query": rest, "slop": 1, "_name": "near"}}})
    return {"bool": {"should": should, "minimum_should_match": 1}}


def part_query(part: Part) -> dict:
    """A term of the operators as one query: a word as a search word matches, a
    quotation word for word, a proximity's words as written."""
    if part.kind == "word":
        return _word_query(part.text, False)
    c = phrase_clause(part.text)
    if part.slop is not None:
        return _near("text", c.words, part.slop)
    return {"match_phrase": {"text": " ".join(c.words)}}


def operator_queries(ops: Operators) -> tuple[list[dict], list[dict]]:
    """(``must``, ``must_not``) of a query's operators: ``+word`` and ``A OR B``
    (proximities are asked with the quotations, in tiers); ``-word`` and ``-"a b"``."""
    must = [part_query(p) for p in ops.required if words_of(p.text)]
    must += [{"bool": {"should": [part_query(p) for p in group], "minimum_should_match": 1}}
             for group in ops.either]
    return must, [part_query(p) for p in ops.excluded]


def filter_queries(filters: Filters) -> list[dict]:
    """The documents and pages a search keeps: a passage overlapping the range."""
    out: list[dict] = []
    if filters.docs is not None:
        out.append({"terms": {"doc": sorted(filters.docs)}})
    if filters.pages is not None:
        first, last = filters.pages
        out += [{"range": {"page": {"lte": last}}}, {"range": {"page_end": {"gte": first}}}]
    return out


def request_body(
    words, phrases, tier: int, typos: set[int], size: int, exclude: list[str], spare: int = 0,
    must: list[dict] = (), must_not: list[dict] = (), filters: list[dict] = (),
    present: frozenset[str] | None = None,
) -> dict:
    named = []
    for i, w in enumerate(words):
        q = _word_query(w, i in typos, present)
        named.append({"bool": {**q.get("bool", {"must": [q]}), "_name": f"w{i}"}})
    prox = [
        {"match_phrase": {"text.prefix": {"query": f"{a} {b}", "slop": 2, "boost": 0.5}}}
        for i, (a, b) in enumerate(zip(words, words[1:], strict=False))
        if i not in typos and i + 1 not in typos
    ]
    query: dict = {"bool": {"should": named + prox}}
    if phrases or must:
        query["bool"]["must"] = [_phrase_query(c, tier, spare) for c in phrases] + list(must)
    else:
        query["bool"]["minimum_should_match"] = 1
    if exclude or must_not:
        query["bool"]["must_not"] = [{"ids": {"values": exclude}}] if exclude else []
        query["bool"]["must_not"] += must_not
    if filters:
        query["bool"]["filter"] = list(filters)
    filters = {f"w{i}": _word_query(w, False) for i, w in enumerate(words)}
    return {
        "size": size,
        "query": query,
        "aggs": {"all": {"global": {}, "aggs": {"w": {"filters": {"filters": filters or {
            "none": {"match_none": {}}}}}}}},
    }


def rank_candidates(hits: list[dict], weights: list[float], tier: str, question,
                    absent: float | None = None) -> list:
    """The cluster's candidates filtered and scored by the local coverage rule (the
    rule for questions when *question*): *weights* are the words' rarity weights.  With
    *absent* (an open question: the weight of its words no passage holds), the local
    rule of :func:`~searcher.query.rules.question_kept` instead; each hit then holds
    ``_searcher_held``, how many of the words it holds."""
    total = sum(weights)
    floor = coverage_floor(question)
    covered: dict[int, float] = {}
    for n, h in enumerate(hits):
        matched = set(h.get("matched_queries", ()))
        covered[n] = h["_searcher_covered"] = sum(
            w for i, w in enumerate(weights) if f"w{i}" in matched)
        h["_searcher_held"] = sum(1 for i in range(len(weights)) if f"w{i}" in matched)
    if absent is not None:
        score = {n: (h["_score"] or 0.0) * coverage_factor(covered[n] / total, question)
                 for n, h in enumerate(hits)} if total else {}
        answers = answers_of(question)
        keep = question_kept(covered, score.__getitem__, total, absent,
                             lambda n: answers(hits[n]))[0]
    else:
        keep = {n: covered[n] / total if total else 1.0 for n in covered}
        keep = {n: c for n, c in keep.items() if c >= floor}
    kept = []
    for n, h in enumerate(hits):
        if n not in keep:
            continue
        matched = set(h.get("matched_queries", ()))
        h["_searcher_score"] = (h["_score"] or 0.0) * coverage_factor(keep[n], question)
        found = [t for t in TIERS if t in matched]
        kept.append((h, found[0] if found and tier else tier))
    kept.sort(key=lambda x: (TIERS.index(x[1]) if x[1] else 0, -x[0]["_searcher_score"]))
    return kept


def answers_of(question) -> Callable[[dict], bool]:
    """Whether a candidate of the cluster holds the kind of answer an open question
    asks for (:func:`~searcher.query.rules.question_answered`)."""
    kind = question.kind if question is not None else None
    return lambda h: holds_answer(h["_source"]["text"], kind)


def answered_or_one(ranked: list, hits: list[dict], total: float, absent: float, question
                    ) -> list:
    """An open question's *ranked* candidates as the local rule leaves them: all when
    some passage answers it (:func:`~searcher.query.rules.question_answered`), else the
    one :func:`~searcher.query.rules.question_fallback` picks."""
    answers = answers_of(question)
    if question_answered({n: h["_searcher_covered"] for n, h in enumerate(hits)}, total,
                         absent, lambda n: answers(hits[n])):
        return ranked
    return question_fallback(ranked, lambda x: x[0]["_searcher_covered"],
                             lambda x: answers(x[0]), total, absent)


def word_clause(word: str, typo: bool, texts: list[str]) -> Clause:
    """A typed word as the highlighter's clause (a typo: the near words in *texts*)."""
    words = words_of(word)
    if len(words) > 1:
        return compound_clause(words)
    surface = words[0]
    if typo:
        return spellings_clause(surface, {surface} | near_in_texts(surface, texts), typo)
    forms, stem, prefix = listless_terms(surface)
    c = spellings_clause(surface, {surface}, False)
    return replace(c, exacts=c.exacts | forms, stems=c.stems if stem else frozenset(),
                   prefixes=c.prefixes if prefix else frozenset())
