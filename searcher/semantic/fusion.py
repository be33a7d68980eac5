"""The one rule that joins the words' ranking and the nearest passages in meaning.

Both backends hand :func:`fuse` the same two lists -- the lexical hits with their
scores, the passages nearest the query with their cosine similarity -- and show
what it returns.  Measured on the project's question sets (benchmarks/README.md,
"Questions by meaning"): a convex combination of the two scores, each scaled to
its own list, ranks the answer passage better than reciprocal-rank fusion (RRF
throws the margins away: a passage far ahead in meaning counts as one rank
ahead), and a passage's meaning is its nearest *unit* (sentence), not the whole
passage (a long passage's vector is the average of many things).

A passage found by meaning alone must also clear :data:`BAR`, a similarity
calibrated on queries about nothing in the text, so negatives stay negatives.
"""

from __future__ import annotations

#: Weight of the lexical score in the fused one (the rest is meaning's).
LEXICAL_WEIGHT = 0.3
#: Passages of each list that take part.
DEPTH = 30
#: Cosine similarity a passage found by meaning alone must reach (multilingual-e5-small:
#: the best unit of any passage for a query about nothing in the seed text stayed below
#: 0.85 on 21 such queries; an answer's own unit reached it for ~9 in 10 questions).
BAR = 0.85
#: How a hit found by meaning alone says so (``Hit.match``).
SEMANTIC = "semantic"


def fuse(lexical: list[tuple[object, float]], dense: list[tuple[object, float]],
         limit: int | None, bar: float = BAR) -> list[tuple[object, float, bool]]:
    """``(key, score, by_meaning_alone)`` best first, at most *limit*.

    *lexical*: ``(key, score)`` of the words' ranking, best first; *dense*: ``(key,
    similarity)`` of the passages nearest in meaning, best first (keys: whatever
    names a passage, the same in both).  Each score is scaled to its list (the best
    lexical score is 1; similarities from the last of the dense list, 0, to the
    first, 1) and the two are mixed, :data:`LEXICAL_WEIGHT` to the words.
    """
    lexical = lexical[:DEPTH]
    dense = dense[:DEPTH]
    top_lex = max((s for _, s in lexical), default=0.0) or 1.0
    sims = dict(dense)
    lo, hi = (dense[-1][1], dense[0][1]) if dense else (0.0, 1.0)
    span = (hi - lo) or 1.0
    lex = dict(lexical)
    keys = list(lex) + [k for k, s in dense if k not in lex and s >= bar]
    fused = []
    for k in keys:
        meaning = max(0.0, (sims.get(k, lo) - lo) / span)
        score = LEXICAL_WEIGHT * lex.get(k, 0.0) / top_lex + (1 - LEXICAL_WEIGHT) * meaning
        fused.append((k, score, k not in lex))
    fused.sort(key=lambda x: -x[1])  # stable: ties keep the lexical order
    return fused if limit is None else fused[:limit]
