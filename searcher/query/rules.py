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
from collections.abc import Callable

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


# -------------------------------------------------------- questions in one's own words
#: A question (a question word, or :data:`MANY_WORDS` content words) typed in this
#: many words or more is answered by the words that match (:func:`open_question`);
#: shorter queries keep the coverage rule and today's typo correction.
QUESTION_FROM_WORDS = 3
#: Content words that make a query without a question word a question.
MANY_WORDS = 5
#: A name (typed with a capital) weighs this much more than a common word as rare.
NAME_WEIGHT = 1.5
#: A word absent from every text weighs, in the bars below, as much as the rarest
#: word the texts hold (a name more): a question about what they lack is no answered one.
ABSENT_WEIGHT = 1.0
#: A passage must hold this share of the question's weight (absent words counted as
#: :data:`ABSENT_WEIGHT`) to be a hit ...
QUESTION_MIN_SHARE = 0.3
#: ... and one passage at least this share, or the question is about something the
#: texts do not hold: then the best passage is the one hit (never none while a word
#: of it occurs, never a list of passages that share a common word with it).
QUESTION_ANSWERED_SHARE = 0.6
#: When none does, the answer-sentence re-rank picks the one passage shown among
#: this many best-scored ones.
QUESTION_FALLBACK_POOL = 5


def open_question(question) -> bool:
    """Whether a question is ranked by the words that match (some of its words may be
    missing from the texts) rather than by the coverage rule."""
    return bool(question is not None and getattr(question, "open", False))


def is_name(typed: str) -> bool:
    """A word typed with a capital (``Aralov``, ``KIZILAY``): a name, weighing most."""
    return typed[:1].isupper()


def question_weights(dfs: list[int | None], names: list[bool], n_docs: int
                     ) -> tuple[list[float], float]:
    """Each clause's weight in an open question's ranking (a word no text holds weighs
    nothing there), and the weight the absent words add to the bar
    (:func:`question_bar`).  Rarity square-rooted, as :func:`rarity_weights` does for
    questions, a name times :data:`NAME_WEIGHT`."""
    top = math.sqrt(math.log(1 + n_docs / 0.5))
    weights, absent = [], 0.0
    for df, name in zip(dfs, names, strict=True):
        if df is None:
            weights.append(0.0)
        elif df == 0:
            weights.append(0.0)
            absent += ABSENT_WEIGHT * top * (NAME_WEIGHT if name else 1.0)
        else:
            w = math.sqrt(math.log(1 + n_docs / df))
            weights.append(w * (NAME_WEIGHT if name else 1.0))
    return weights, absent


def question_bar(covered: float, total: float, absent: float, share: float | None = None
                 ) -> bool:
    """Whether a passage holding *covered* of an open question's weight (*total* over
    the words the texts hold, *absent* for those they lack) is a hit (clears *share*,
    default :data:`QUESTION_MIN_SHARE`)."""
    return covered >= question_share(total, absent, share) if total + absent else True


def question_share(total: float, absent: float, share: float | None = None) -> float:
    """The weight a passage must hold to clear *share* (default
    :data:`QUESTION_MIN_SHARE`) of an open question's: of its whole weight, the words
    the texts hold (*total*) and those they lack (*absent*)."""
    return (QUESTION_MIN_SHARE if share is None else share) * (total + absent)


def question_answered(covered: dict, total: float, absent: float,
                      answers: Callable[[object], bool] | None = None) -> bool:
    """Whether some passage (*covered*: passage -> the weight it holds) holds
    :data:`QUESTION_ANSWERED_SHARE` of an open question's weight and, where *answers*
    says which passages hold the kind of answer asked for (a date for *when*, a number
    for *how many*: :func:`searcher.query.question.holds_answer`), is one of them.  If
    none is, the question is about something the texts hardly discuss and one passage
    is shown: a passage that holds the question's rarest word beside a common one
    (``Sovyetler Birliği ne zaman dağıldı``: *dağılmış* beside *Sovyet*, no date) does
    not make a list of the passages that share only its common words.
    True when no word weighs (quotations and missing words alone decide)."""
    if not total:
        return True
    bar = question_share(total, absent, QUESTION_ANSWERED_SHARE)  # once for all passages
    return any(c >= bar and (answers is None or answers(d)) for d, c in covered.items())


def question_kept(covered: dict, score: Callable[[object], float], total: float,
                  absent: float, answers: Callable[[object], bool] | None = None
                  ) -> tuple[dict, bool]:
    """Of an open question's candidates (*covered*: the weight each holds, *score*:
    its score, asked only when needed), the hits and the share of the words the texts
    hold each covers, and whether the question is answered (:func:`question_answered`,
    with *answers*): if so, those that clear :func:`question_bar`, else the
    :data:`QUESTION_FALLBACK_POOL` best-scored, of which :func:`question_fallback`
    shows one; none only when no word of the question occurs."""
    if not total or not covered:  # nothing but quotations (required), or nothing
        return dict.fromkeys(covered, 1.0), True
    if question_answered(covered, total, absent, answers):
        bar = question_share(total, absent)  # question_bar's, once for all passages
        return {d: c / total for d, c in covered.items() if c >= bar}, True
    best = sorted(covered, key=lambda d: (-score(d), d))[:QUESTION_FALLBACK_POOL]
    return {d: covered[d] / total for d in best}, False


def question_fallback(ranked: list, held: Callable[[object], float],
                      answers: Callable[[object], bool], total: float, absent: float) -> list:
    """The one passage shown for an open question no passage answers
    (:func:`question_answered`): the first of *ranked* (best first, re-ranked by answer
    sentence), unless it lacks the kind of answer asked for (*answers*) and a later
    one clears :func:`question_bar` (*held*: the weight it holds) and holds it."""
    if not ranked or answers(ranked[0]):
        return ranked[:1]
    return next(([x] for x in ranked[1:] if question_bar(held(x), total, absent)
                 and answers(x)), ranked[:1])


def coverage_factor(coverage: float, question) -> float:
    """What covering this share of the query multiplies a score by: partial coverage
    costs quadratically, for a question linearly."""
    return 0.25 + 0.75 * coverage * (1.0 if question else coverage)
