"""The one rule that joins the words' ranking and the nearest passages in meaning.

Both backends hand :func:`fuse` the same two lists -- the lexical hits with their
scores, the passages nearest the query with their cosine similarity -- and show
what it returns.  A passage's meaning is its nearest *unit* (sentence), not the
whole passage (a long passage's vector is the average of many things).

The fused score (benchmarks/README.md, "Questions by meaning")::

    (similarity - best similarity) / SPREAD  +  1 / rank in meaning  +  2 / rank in words

Each list's ranks count (as in reciprocal-rank fusion, without its damping
constant: the first places matter most), the words' twice the meaning's, and so
do the margins in meaning, measured against the best passage's similarity in units
of :data:`SPREAD`, so a passage far ahead in meaning is not one rank ahead only.
A convex mix of the two scores each scaled to its list (what this replaced) let the
lexical score's scale decide: one strong lexical hit and the rest nothing.

Shown: every lexical hit, and a passage found by meaning alone only when it clears
:data:`BAR`, a similarity calibrated on queries about nothing in the text, so
negatives stay negatives (and, for a question, holds the kind of answer it asks for:
the backends say which).
"""

from __future__ import annotations

from collections.abc import Callable

#: Passages of each list that take part.
DEPTH = 30
#: A difference in similarity worth one first place (multilingual-e5-small's
#: similarities for a question crowd into 0.80-0.90: the spread of a passage's best
#: sentence over all passages, one standard deviation, is about 0.025).
SPREAD = 0.025
#: What a first place in the words' ranking is worth beside one in meaning's.
LEXICAL_RANK_WEIGHT = 2.0
#: Cosine similarity a passage found by meaning alone must reach (multilingual-e5-small:
#: the best unit of any passage for a query about nothing in the seed text stayed below
#: 0.85 on 21 such queries, but questions in the book's own words about what it does
#: not hold -- own-words.jsonl's negatives -- reached 0.851-0.862, and at 0.85 a
#: third of them listed passages by meaning; at 0.855 the questions lost nothing).
BAR = 0.855
#: How a hit found by meaning alone says so (``Hit.match``).
SEMANTIC = "semantic"


def fuse(lexical: list[tuple[object, float]], dense: list[tuple[object, float]],
         limit: int | None, bar: float = BAR, shown: Callable[[object], bool] | None = None
         ) -> list[tuple[object, float, bool]]:
    """``(key, score, by_meaning_alone)`` best first, at most *limit*.

    *lexical*: ``(key, score)`` of the words' ranking, best first; *dense*: ``(key,
    similarity)`` of the passages nearest in meaning, best first (keys: whatever
    names a passage, the same in both).  Shown: every lexical key, and a dense one
    not among them only if its similarity reaches *bar* (and *shown* says yes).  A
    lexical key beyond the dense list counts the last similarity of that list (its best
    possible).
    """
    lexical = lexical[:DEPTH]
    dense = dense[:DEPTH]
    sims = dict(dense)
    top, last = (dense[0][1], dense[-1][1]) if dense else (0.0, 0.0)
    by_meaning = {k: i for i, (k, _) in enumerate(dense, start=1)}
    by_words = {k: i for i, (k, _) in enumerate(lexical, start=1)}
    keys = list(by_words) + [k for k, s in dense if k not in by_words and s >= bar
                             and (shown is None or shown(k))]
    fused = []
    for k in keys:
        score = (sims.get(k, last) - top) / SPREAD if dense else 0.0
        if k in by_meaning:
            score += 1.0 / by_meaning[k]
        if k in by_words:
            score += LEXICAL_RANK_WEIGHT / by_words[k]
        fused.append((k, score, k not in by_words))
    fused.sort(key=lambda x: -x[1])  # stable: ties keep the lexical order
    return fused if limit is None else fused[:limit]
