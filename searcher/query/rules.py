"""Stage 5 (query): the ranking rules both backends apply -- tiers, weights, coverage.

Written once here; the local engine (:mod:`searcher.backends.local`) applies them
to Whoosh postings, the OpenSearch backend (:mod:`searcher.backends.opensearch`)
expresses them in query DSL and applies the coverage rule to the cluster's
candidates.

* **Tiers.**  A query with a quotation is answered tier by tier (:func:`tier_steps`):
  word for word, then in other inflections, then near (a word between, another
  order), then -- for quotations of :data:`NEAR_SPARE_FROM` words or more -- near
  with one word missing; a lower tier is asked only while the limit leaves room.
* **Fields.**  A word matches through three fields, weighted :data:`FIELD_WEIGHTS`;
  a typo's near words weigh :data:`TYPO_WEIGHT` of that.
* **Coverage.**  A passage must cover :data:`MIN_COVERAGE` of the query (words
  weighted by rarity, :func:`rarity_weights`) to be a hit, a question's passage
  :data:`QUESTION_COVERAGE`; :func:`coverage_factor` is what partial coverage costs.
"""

from __future__ import annotations

import math

#: How a hit matched, best first: a quotation word for word, in other inflections,
#: near (a word left out or added, or in another order); a query without quotation.
MATCHES = ("exact", "inflected", "near", "words")
#: The tiers of a quotation, best first.
TIERS = MATCHES[:3]
#: Quotations of this many words or more may, in the last tier, lack one of them.
NEAR_SPARE_FROM = 3
#: Slop of the near tier on the cluster: a word between, or words a little out of order.
NEAR_SLOP = 3

#: BM25F weight of each field a word matches through.
FIELD_WEIGHTS = {"stem": 1.0, "exact": 0.7, "prefix": 0.6}
#: A typo's near words score this share of a word found as typed.
TYPO_WEIGHT = 0.7

#: Share of the query (weighted by rarity) a passage must cover to be a hit.
MIN_COVERAGE = 0.5
#: The same for a question's content words (rarity weights square-rooted, partial
#: coverage costing linearly): answer passages word questions' verbs otherwise.
QUESTION_COVERAGE = 0.45
#: Bonus for two query words adjacent in the passage (divided by the gap, up to 3).
PROXIMITY_WEIGHT = 4.0


def tier_steps(quotation_lengths: list[int], exact: bool = False) -> list[tuple[str, int]]:
    """``(match, spare)`` steps to rank in turn, best first, for a query whose
    quotations have these word counts: spare is how many words a near quotation
    may lack (see :func:`spare_words`).  Without a quotation, one ``"words"`` step;
    *exact* keeps the first step only."""
    if not quotation_lengths:
        return [("words", 0)]
    if exact:
        return [("exact", 0)]
    steps = [("exact", 0), ("inflected", 0), ("near", 0)]
    if any(n >= NEAR_SPARE_FROM for n in quotation_lengths):
        steps.append(("near", 1))
    return steps


def spare_words(n_words: int, spare: int) -> int:
    """How many of its *n_words* a near quotation may lack at a step's *spare*."""
    return spare if n_words >= NEAR_SPARE_FROM else 0


def coverage_floor(question) -> float:
    """The share of the query a passage must cover to be a hit."""
    return QUESTION_COVERAGE if question else MIN_COVERAGE


def rarity_weights(dfs: list[int | None], n_docs: int, question) -> list[float]:
    """Each clause's weight in the coverage rule from its document frequency (None:
    a required clause, which weighs nothing); for a question square-rooted, as a
    rare word of a question is often not the answer's."""
    weights = [0.0 if df is None else math.log(1 + n_docs / (df or 0.5)) for df in dfs]
    return [math.sqrt(w) for w in weights] if question else weights


def coverage_factor(coverage: float, question) -> float:
    """What covering this share of the query multiplies a score by: partial coverage
    costs quadratically, for a question linearly."""
    return 0.25 + 0.75 * coverage * (1.0 if question else coverage)
