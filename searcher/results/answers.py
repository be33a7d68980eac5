"""Stage 5 (engine): for questions, the sentence where the content words and the answer meet.

A passage answers ``Moskova Antlaşması ne zaman imzalandı`` when one of its
sentences holds the content words *and* a date.  :func:`focus_rerank` looks at
the best-scored passages sentence by sentence: the share of the query (weighted
by rarity) a sentence covers, and whether it holds evidence of the kind of answer
asked for (:func:`searcher.query.question.answer_spans`) outside the query's own words.
Passages get a bounded bonus for such a sentence, never a penalty, and the
sentence becomes the focus of the snippet so the answer shows in the first hit.
"""

from __future__ import annotations

from collections.abc import Callable

from searcher.query.parse import Clause
from searcher.query.question import Question, answer_spans, asks_for_evidence, sentences
from searcher.results.highlight import ClauseMarks

#: How many of the best passages are looked at sentence by sentence.
FOCUS_POOL = 20
#: Bonus (share of the score) for a sentence holding the content words and the answer.
ANSWER_BONUS = 1.2

Span = tuple[int, int]


def focus_rerank(
    question: Question,
    clauses: list[Clause],
    weights: list[float],
    ranked: list[tuple[float, int]],
    text_of: Callable[[int], str],
    limit: int | None = None,
) -> tuple[list[tuple[float, int]], dict[int, Span]]:
    """*ranked* ``(score, docnum)`` with the question's bonus added to its first
    :data:`FOCUS_POOL` passages, re-sorted; and the focus sentence of each of them.

    With *limit* (only the first *limit* are shown), a passage whose score even with
    the largest bonus stays below the *limit*-th score is not looked at: it cannot
    move up among them (the bonus only adds), and is left as it was, after them."""
    pool, rest = ranked[:FOCUS_POOL], ranked[FOCUS_POOL:]
    if not pool:
        return ranked, {}
    evidence = asks_for_evidence(question.kind)
    if limit and len(pool) > limit:
        floor, most = pool[limit - 1][0], 1.0 + (ANSWER_BONUS if evidence else 0.0)
        rest = [x for x in pool[limit:] if not x[0] * most >= floor] + rest
        pool = pool[:limit] + [x for x in pool[limit:] if x[0] * most >= floor]
    top = max(weights, default=0.0) or 1.0
    # phrases weigh 0 in the coverage rule (they are required): count them fully here
    w = [x if x > 0 else top for x in weights]
    total = sum(w)
    marks = ClauseMarks(clauses)
    rescored: list[tuple[float, int]] = []
    focus: dict[int, Span] = {}
    for score, d in pool:
        text = text_of(d)
        spans = marks(text)
        sentence, cover, answered = best_sentence(
            text, spans, w, total, answer_spans(text, question.kind) if evidence else []
        )
        focus[d] = sentence
        rescored.append((score * (1.0 + ANSWER_BONUS * cover * answered), d))
    rescored.sort(key=lambda x: (-x[0], x[1]))
    return rescored + rest, focus


def best_sentence(
    text: str,
    spans: list[list[Span]],
    weights: list[float],
    total: float,
    answers: list[Span],
) -> tuple[Span, float, float]:
    """(sentence, share of the query it covers, 1.0 if it holds an answer) of the
    sentence of *text* where the most query weight and an answer meet."""
    best: tuple[float, Span, float, float] | None = None
    matched = [s for clause_spans in spans for s in clause_spans]
    for start, end in sentences(text):
        cover = _cover(spans, weights, start, end) / total
        if not cover:
            continue
        answered = 1.0 if any(
            start <= a < end and not _overlaps(a, b, matched) for a, b in answers
        ) else 0.0
        value = cover * (1.0 + 0.5 * answered)
        if best is None or value > best[0]:
            best = (value, (start, end), cover, answered)
    if best is None:
        return (0, len(text)), 0.0, 0.0
    return best[1], best[2], best[3]


def _cover(spans: list[list[Span]], weights: list[float], start: int, end: int) -> float:
    """Query weight of the clauses matched between *start* and *end*."""
    return sum(
        wt for wt, cs in zip(weights, spans, strict=True) if any(start <= s < end for s, _ in cs)
    )


def _overlaps(a: int, b: int, spans: list[Span]) -> bool:
    """Whether an answer span is (part of) the query's own words."""
    return any(s < b and a < e for s, e in spans)
