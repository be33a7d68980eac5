"""Stage 5 (engine): how clause scores become a ranking -- coverage, proximity, questions.

Ranking is BM25F (Whoosh's formula, :mod:`searcher.backends.local.scoring`) summed over the
query's clauses, plus a bonus where consecutive words stand together, times how
much of the query a passage covers (clauses weighted by rarity).  A passage that
covers less than :data:`MIN_COVERAGE` of the query is not a hit, so a query about
something the text never discusses returns few or no hits.  The OpenSearch
backend applies the same coverage rule (:mod:`searcher.backends.opensearch.dsl`).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable

from searcher.backends.local.scoring import ClauseScorer
from searcher.query.parse import Clause
from searcher.query.question import Question, holds_answer
from searcher.query.rules import (
    PROXIMITY_WEIGHT,
    QUESTION_MIN_SHARE,
    coverage_factor,
    coverage_floor,
    open_question,
    question_fallback,
    question_kept,
    question_weights,
    rarity_weights,
)
from searcher.results.answers import FOCUS_POOL, focus_rerank


def rank(
    scorer: ClauseScorer, n_docs: int, clauses: list[Clause], limit: int | None,
    skip: set[int], question: Question | None, text_of: Callable[[int], str],
    allowed: set[int] | None = None,
) -> tuple[list[tuple[float, int]], dict[int, tuple[int, int]], dict[int, int]]:
    """(score, docnum) of the best passages for *clauses*, those in *skip* left out
    (and, with *allowed*, those not in it), for a question the focus sentence of each,
    and how many clauses each holds.

    An open question (:func:`searcher.query.rules.open_question`) is ranked by the
    words that match: a word no text holds weighs nothing, names weigh most, and a
    passage that holds :data:`~searcher.query.rules.QUESTION_MIN_SHARE` of the
    question's weight is a hit; when none does, the best passage is the one hit.

    Clauses are scored rarest first.  Once the clauses not yet scored weigh less
    than the coverage rule, a passage that matched none of the
    scored ones cannot become a hit, so the remaining (common, long) posting
    lists are read only at the candidates, skipping the rest.

    A question (:mod:`searcher.query.question`) is searched for its content words
    (:data:`QUESTION_COVERAGE`) and re-ranked by :mod:`searcher.results.answers`, which
    reads passages' texts through *text_of*.
    """
    dfs = [None if c.required else scorer.clause_df(c) for c in clauses]
    absent = 0.0
    if open_question(question):
        weights, absent = question_weights(dfs, [c.name for c in clauses], n_docs)
    else:
        weights = rarity_weights(dfs, n_docs, question)
    total = sum(weights)
    min_coverage = coverage_floor(question)
    if open_question(question):  # the bar as a share of the words the texts hold
        min_coverage = min(1.0, QUESTION_MIN_SHARE * (total + absent) / total) if total else 1.0
    full = {i for i, c in enumerate(clauses) if c.required}
    if not full:
        rest = total
        for i in sorted(range(len(clauses)), key=lambda i: -weights[i]):
            if rest < min_coverage * total:
                break
            full.add(i)
            rest -= weights[i]
    where: dict[int, dict[int, tuple]] = {i: {} for i in range(len(clauses))}
    scores: dict[int, dict[int, float]] = {
        i: scorer.scores(clauses[i], None, where[i], skip) for i in sorted(full)
    }
    required = [scores[i] for i in full if clauses[i].required]
    if required:
        cands = set(required[0]).intersection(*required[1:])
    else:
        cands = set().union(*scores.values())
    if allowed is not None:
        cands &= allowed
    at = sorted(cands - skip)
    for i in range(len(clauses)):
        if i not in scores:
            scores[i] = scorer.scores(clauses[i], at, where[i]) if at else {}
    # coverage and score of every candidate, a clause's passages at a time (at 100x a
    # query has thousands of candidates: one sum over the clauses each cost ~7%)
    covered = dict.fromkeys(at, 0.0)
    for i in range(len(clauses)):  # in clause order, as the sums were always taken
        w = weights[i]
        for d in scores[i]:
            if d in covered:
                covered[d] += w
    summed = dict.fromkeys(at, 0.0)
    for sc in scores.values():
        for d, x in sc.items():
            if d in summed:
                summed[d] += x
    kept: dict[int, float] = {}
    answered = True
    if open_question(question):
        def answers(d: int) -> bool:
            return holds_answer(text_of(d), question.kind)

        kept, answered = question_kept(
            covered, lambda d: summed[d] * coverage_factor(covered[d] / total, question),
            total, absent, answers)
    else:
        for d, c in covered.items():
            coverage = c / total if total else 1.0
            if coverage >= min_coverage:
                kept[d] = coverage
    # only the first `need` are shown or re-ranked: nsmallest is sorted(...)[:need]
    need = None if limit is None else max(limit, FOCUS_POOL if question else 0)
    # what a passage's coverage multiplies its score by, worked out once a coverage (a
    # coverage is which clauses a passage holds: thousands of passages share a few)
    factor = {c: coverage_factor(c, question) for c in set(kept.values())}
    pairs = proximity_pairs(clauses)
    if pairs and need is not None and len(kept) > 4 * need:  # (fewer: as cheap to read)
        kept = within_reach(kept, summed, factor, need, pairs)
    bonus = proximity(clauses, where, kept, scorer.terms.positions)
    scored = (((summed[d] + bonus.get(d, 0.0)) * factor[coverage], d)
              for d, coverage in kept.items())
    if need is not None and len(kept) > 4 * need:
        ranked = heapq.nsmallest(need, scored, key=lambda x: (-x[0], x[1]))
    else:
        ranked = sorted(scored, key=lambda x: (-x[0], x[1]))
    focus: dict[int, tuple[int, int]] = {}
    if question:
        ranked, focus = focus_rerank(  # (one passage shown of those not answered)
            question, clauses, weights, ranked, text_of, limit if answered else None)
    if not answered:  # about something the texts hardly discuss: one passage
        ranked = question_fallback(ranked, lambda x: covered[x[1]], lambda x: answers(x[1]),
                                   total, absent)
    ranked = ranked if limit is None else ranked[:limit]
    held = {d: sum(1 for sc in scores.values() if d in sc) for _, d in ranked}
    return ranked, focus, held


def within_reach(kept: dict[int, float], summed: dict[int, float], factor: dict[float, float],
                 need: int, pairs: int) -> dict[int, float]:
    """The passages of *kept* (passage -> coverage, which multiplies a score by
    *factor*) that can still be among the *need* best once :func:`proximity` adds its
    bonus (at most :data:`PROXIMITY_WEIGHT` for each of *pairs* pairs of words): at
    100x a question keeps thousands, whose word positions would all be read for a
    bonus that cannot lift most of them that far.  The *need*-th best score without
    the bonus is a floor the *need* best reach; a passage whose score with the whole
    bonus stays below it is left out."""
    floor = heapq.nlargest(need, (summed[d] * factor[c] for d, c in kept.items()))[-1]
    most = PROXIMITY_WEIGHT * pairs
    return {d: c for d, c in kept.items() if (summed[d] + most) * factor[c] >= floor}


def proximity_pairs(clauses: list[Clause]) -> int:
    """How many pairs of consecutive words :func:`proximity` may give a bonus."""
    return max(len(_proximity_words(clauses)) - 1, 0)


def _proximity_words(clauses: list[Clause]) -> list[int]:
    return [i for i, c in enumerate(clauses) if c.kind == "word" and not c.typo]


def proximity(
    clauses: list[Clause], where: dict[int, dict[int, object]], kept,
    decode: Callable[[object], list[int]],
) -> dict:
    """Bonus for passages where consecutive query words, as typed, stand close together:
    the full bonus when adjacent and in order, less with up to two words between.
    *where* holds each word's positions as stored; *decode* reads them, only for the
    passages kept."""
    words = _proximity_words(clauses)
    bonus: dict[int, float] = {}
    for a, b in zip(words, words[1:], strict=False):
        pa, pb = where.get(a, {}), where.get(b, {})
        for d in kept:
            if d in pa and d in pb:
                xs, ys = decode(pa[d]), decode(pb[d])
                gap = min((y - x for x in xs for y in ys if y > x), default=99)
                if gap <= 3:
                    bonus[d] = bonus.get(d, 0.0) + PROXIMITY_WEIGHT / gap
    return bonus
