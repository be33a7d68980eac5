"""Stage 5 (query): typos -- how far a word may be from the texts' words, and which are near.

One rule for both backends: :func:`typo_limit` says how many edits a word of a
length may carry; the local engine finds near words in its vocabulary
(:class:`NearWords`), the OpenSearch backend asks the cluster with
:data:`FUZZINESS`, the same limits in OpenSearch's terms, and finds the near
words in the returned passages (:func:`near_in_texts`).
"""

from __future__ import annotations

from searcher.text import tokens, turkish

#: Word lengths from which a word may carry one typo, then two.
ONE_TYPO_FROM, TWO_TYPOS_FROM = 5, 8
#: The same limits as OpenSearch's ``fuzziness`` (none under 5 letters, 1 under 8, else 2).
FUZZINESS = f"AUTO:{ONE_TYPO_FROM},{TWO_TYPOS_FROM}"


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, capped at limit + 1.

    Only the cells within *limit* of the diagonal are computed: any alignment that
    leaves that band already costs more than the limit."""
    n, m = len(a), len(b)
    big = limit + 1
    if abs(n - m) > limit:
        return big
    prev2: list[int] = []
    prev = [j if j <= limit else big for j in range(m + 1)]
    for i in range(1, n + 1):
        ca = a[i - 1]
        cur = [big] * (m + 1)
        if i <= limit:
            cur[0] = i
        best = cur[0]
        for j in range(max(1, i - limit), min(m, i + limit) + 1):
            cb = b[j - 1]
            v = prev[j - 1] if ca == cb else prev[j - 1] + 1
            if prev[j] < v:
                v = prev[j] + 1
            if cur[j - 1] < v:
                v = cur[j - 1] + 1
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb and prev2[j - 2] < v:
                v = prev2[j - 2] + 1
            cur[j] = v if v < big else big
            if v < best:
                best = v
        if best > limit:
            return big
        prev2, prev = prev, cur
    return prev[m]


def bigrams(word: str) -> frozenset[str]:
    padded = f"^{word}$"
    return frozenset(padded[i : i + 2] for i in range(len(padded) - 1))


def typo_limit(word: str) -> int:
    """How many edits a word of this length may carry (none for very short words)."""
    n = len(word)
    return 0 if n < ONE_TYPO_FROM else 1 if n < TWO_TYPOS_FROM else 2


class NearWords:
    """The words of a vocabulary near a word: a typo's candidates, nearest first.

    *vocabulary* maps each folded word of the texts to its spellings there."""

    def __init__(self, vocabulary) -> None:
        self.vocabulary = vocabulary
        self._by_length: dict[int, list[tuple[str, frozenset[str]]]] | None = None
        self._cache: dict[str, list[str]] = {}

    def clear_caches(self) -> None:
        self._cache = {}

    def __call__(self, folded: str) -> list[str]:
        """Vocabulary words (folded) within the typo limit of *folded*, nearest first.

        A bigram filter keeps the edit-distance computation to a handful of
        candidates: one edit changes at most three of a word's bigrams.
        """
        limit = typo_limit(folded)
        if not limit:
            return []
        cached = self._cache.get(folded)
        if cached is not None:
            return cached
        vocab = self.vocabulary
        if self._by_length is None:
            by_length: dict[int, list[tuple[str, frozenset[str]]]] = {}
            for w in vocab:
                if w.isalpha():
                    by_length.setdefault(len(w), []).append((w, bigrams(w)))
            self._by_length = by_length
        grams = bigrams(folded)
        need = len(grams) - 3 * limit
        found: list[tuple[int, int, str]] = []
        for n in range(len(folded) - limit, len(folded) + limit + 1):
            for w, wg in self._by_length.get(n, ()):
                if len(grams & wg) >= need:
                    d = edit_distance(folded, w, limit)
                    if d <= limit:
                        found.append((d, -len(vocab[w]), w))
        found.sort()
        best = found[0][0] if found else 0
        near = [w for d, _, w in found if d == best][:8]
        if len(self._cache) > 4096:
            self._cache.clear()
        self._cache[folded] = near
        return near


def taken_for_typo(surface: str, open_question: bool) -> bool:
    """Whether a word no text holds is a typo, to be searched as its near words.  In
    a query of a few words it is (typos are the common case there); in an open
    question only when it does not read as a Turkish word (:mod:`searcher.query.lexicon`):
    a real word the texts lack (``esirlerini``) is left out, never swapped for an
    unrelated near word (``gelirlerini``)."""
    if not open_question:
        return True
    from searcher.query import lexicon

    return not lexicon.reads_as_word(surface)


def near_in_texts(surface: str, texts: list[str]) -> set[str]:
    """Words of *texts* within the typo limit of *surface* and starting with its
    letter, as the texts write them: the near words a cluster's ``fuzziness``
    (``prefix_length=1``) found."""
    folded = turkish.fold(surface)
    limit = typo_limit(folded)
    out = set()
    for text in texts:
        for t in set(tokens.TOKEN_RE.findall(text)):
            s = tokens.surface(t)
            f = turkish.fold(s)
            if f != folded and f[:1] == folded[:1] and edit_distance(folded, f, limit) <= limit:
                out.add(s)
    return out
