"""Stage 5 (engine): where the words of a quotation may stand in each tier below exact.

A quotation's words are *slots* (each matched in any inflection, see
:meth:`searcher.query.QueryParser.inflected`); given the word positions where each
slot occurs in a passage, this module says which slots make a match:

* ``inflected``: every word, in order, next to each other;
* ``near``: every word in order with one other word between two of them, or every
  word within a short window in any order; with one *spare* word, also all but one
  of the words (three words or more), in order, the missing one left out or
  replaced by another word.

A proximity (``"a b"~N``, :mod:`searcher.query.operators`) has its own rule: every
word within ``N`` positions of the others in any order, in every tier (as written,
then in any inflection), and below those all but one of them.
"""

from __future__ import annotations

from functools import lru_cache

#: Other words a ``near`` match may have among the quotation's words in any order.
WINDOW_EXTRA = 2
#: Share of its score a ``near`` match keeps: every word in order with one added,
#: every word in another order, a word left out or replaced.
IN_ORDER, ANY_ORDER, MISSING = 1.0, 0.7, 0.5

Pattern = tuple[tuple[int, int], ...]  # (slot, offset from the match's first word)


@lru_cache(maxsize=256)
def patterns(n: int, match: str, spare: int = 0) -> tuple[Pattern, ...]:
    """Where each slot must stand, for every in-order arrangement the tier accepts
    (*spare*: how many slots a ``near`` arrangement may leave out, 0 or 1)."""
    found = {tuple((i, i) for i in range(n))}
    if match == "near":
        for k in range(n - 1):  # one word added after slot k
            found.add(tuple((i, i + (i > k)) for i in range(n)))
        if spare and n >= 3:
            for k in range(n):  # slot k left out (the text lacks it) or replaced
                for shift in (0, 1):
                    kept = [(i, i - shift * (i > k)) for i in range(n) if i != k]
                    low = kept[0][1]
                    found.add(tuple((i, off - low) for i, off in kept))
    return tuple(sorted(found))


def fit(
    positions: list[set[int] | None], match: str, spare: int = 0, slop: int | None = None,
) -> tuple[tuple[int, ...], float] | None:
    """The slots of the best arrangement found at these positions (one set of word
    positions a slot, None where the passage lacks it) and the share of their score
    it keeps, or None when none fits.  A proximity (*slop*) fits where its words stand
    within *slop* positions in any order; a ``near`` one with a *spare* word, where
    all but one of them do."""
    n = len(positions)
    if slop is not None:
        if _in_window(positions, slop) or (n == 1 and positions[0]):
            return tuple(range(n)), IN_ORDER
        if match == "near" and spare and n >= 3:
            for k in range(n):
                if _in_window(positions[:k] + positions[k + 1:], slop):
                    return tuple(i for i in range(n) if i != k), MISSING
        return None
    best: tuple[int, ...] | None = None
    for pattern in patterns(n, match, spare):
        if best is not None and len(pattern) <= len(best):
            continue
        starts: set[int] | None = None
        for slot, offset in pattern:
            at = positions[slot]
            if not at:
                starts = set()
                break
            shifted = {p - offset for p in at}
            starts = shifted if starts is None else starts & shifted
            if not starts:
                break
        if starts:
            best = tuple(slot for slot, _ in pattern)
            if len(best) == n:
                return best, IN_ORDER
    if match == "near" and _in_window(positions):
        return tuple(range(n)), ANY_ORDER
    return None if best is None else (best, MISSING)


def _in_window(positions: list[set[int] | None], extra: int = WINDOW_EXTRA) -> bool:
    """Whether every slot occurs within ``n + extra`` consecutive words."""
    n = len(positions)
    if n < 2 or not all(positions):
        return False
    events = sorted((p, slot) for slot, at in enumerate(positions) for p in at)
    count: dict[int, int] = {}
    lo = 0
    for p, slot in events:
        count[slot] = count.get(slot, 0) + 1
        while events[lo][0] < p - (n - 1 + extra):
            first = events[lo][1]
            count[first] -= 1
            if not count[first]:
                del count[first]
            lo += 1
        if len(count) == n:
            return True
    return False
