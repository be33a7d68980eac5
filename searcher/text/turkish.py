"""Turkish letter knowledge: case, diacritic folding, stop words, stemming.

The one place that knows that ``I`` lowers to ``ı`` and ``İ`` to ``i`` (Python's
``str.lower`` gets both wrong), which letters fold to ASCII, and how Snowball
Turkish is called.  No Whoosh here, so the benchmark and the query path can use
it cheaply.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_DOTTED = {"I": "ı", "İ": "i"}  # the capitals whose small letters are not str.lower's
_UPPER_SPECIAL = str.maketrans(_DOTTED)
_CAPITALS = {small: capital for capital, small in _DOTTED.items()}
_DOT_ABOVE = "\u0307"  # COMBINING DOT ABOVE: I + U+0307 is a decomposed İ
#: Optional circumflexes and the letters they sit on (``ilân`` is ``ilan``).
CIRCUMFLEX = {"â": "a", "î": "i", "û": "u", "Â": "A", "Î": "İ", "Û": "U"}
_CIRCUMFLEX = str.maketrans(CIRCUMFLEX)
_FOLDS = {"ı": "i", "ß": "ss", "æ": "ae", "ø": "o", "đ": "d", "ł": "l"}  # beyond NFD
_FOLD_SPECIAL = str.maketrans(_FOLDS)


def lower(text: str) -> str:
    """Turkish lower case: ``KIZILAY`` -> ``kızılay``, ``İSMET`` -> ``ismet``.

    Follows Lucene's TurkishLowerCaseFilter: ``I`` whose combining marks include a
    dot above (U+0307) is the decomposed ``İ`` and lowers to ``i`` without the dot,
    other marks between kept (``I`` U+0316 U+0307 -> ``i`` U+0316, as ``İ`` U+0316).
    A dot above after a small ``i`` (what non-Turkish lower-casing makes of ``İ``) is
    dropped too; after any other letter it stays.
    """
    if _DOT_ABOVE in text:
        text = _undot_i(text)
    return text.translate(_UPPER_SPECIAL).lower()


def capitalize(word: str) -> str:
    """*word* (lower case) with a Turkish capital first: ``istanbul`` -> ``İstanbul``,
    ``ırmak`` -> ``Irmak``; the rest as it is."""
    first = word[:1]
    return _CAPITALS.get(first, first.upper()) + word[1:]


def _undot_i(text: str) -> str:
    out: list[str] = []
    base = -1  # where in out the I (or i, İ) stands whose combining marks are being read
    for ch in text:
        if base >= 0:
            if ch == _DOT_ABOVE:
                out[base] = "i"
                continue
            if unicodedata.category(ch) != "Mn":
                base = -1
        if ch in "Iiİ":
            base = len(out)
        out.append(ch)
    return "".join(out)


def drop_suffix(word: str) -> str:
    """``çiçerin'i`` -> ``çiçerin``: case suffixes on names follow an apostrophe."""
    i = word.find("'")
    return word[:i] if i > 0 else word


def strip_circumflex(text: str) -> str:
    """``ilân`` -> ``ilan``: the circumflex is optional spelling, Snowball wants it gone."""
    return text.translate(_CIRCUMFLEX)


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Remove diacritics after lower-casing: ``gümrük`` -> ``gumruk``, ``ışık`` -> ``isik``."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_SPECIAL))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def first_folded(chars: str) -> str:
    """``fold(lower(c))[:1]`` of every character of *chars* (letters and digits), all
    in one pass: the highlighter folds ~1,100 characters so for its letter classes,
    and one call a character cost ~0.6 ms of every terminal search.  Lower-casing
    keeps one character per character here (``İ`` is translated first); after
    decomposition each character is one letter and its combining marks."""
    low = lower(chars).translate(_FOLD_FIRST)
    if len(low) == len(chars):
        firsts = [c for c in unicodedata.normalize("NFD", low) if not unicodedata.combining(c)]
        if len(firsts) == len(chars):
            return "".join(firsts)
    return "".join(fold(lower(c))[:1] for c in chars)  # not one to one: a character at a time


_FOLD_FIRST = str.maketrans({k: v[:1] for k, v in _FOLDS.items()})


#: The Turkish alphabet in its order (with q, w, x for foreign words).
_ALPHABET = "abcçdefgğhıijklmnoöpqrsştuüvwxyz"
_COLLATE = {ord(c): chr(0x3000 + i) for i, c in enumerate(_ALPHABET)}


@lru_cache(maxsize=65536)
def sort_key(word: str) -> str:
    """A key that sorts words in Turkish alphabetical order, case and circumflex aside:
    ``cep`` < ``çay`` < ``dağ``, ``ırmak`` < ``iki``; other accented letters as unaccented."""
    w = strip_circumflex(lower(word))
    if not all(c in _ALPHABET for c in w):
        w = "".join(c if c in _ALPHABET else fold(c) for c in w)
    return w.translate(_COLLATE)


#: Function words that must not drive ranking (after Lucene's Turkish list,
#: without the number words: "üç", "bin" are content in a history text).
STOP_WORDS = frozenset(
    """
    acaba ama ancak arada aslında ayrıca bana bazı belki ben benden beni benim beri bile
    bir birçok biri birkaç birkez birşey birşeyi biz bize bizden bizi bizim böyle böylece bu
    buna bunda bundan bunlar bunları bunların bunu bunun burada çok çünkü da daha dahi de defa
    değil diğer diye dolayı dolayısıyla edecek eden ederek edilecek ediliyor edilmesi ediyor
    eğer en etmesi etti ettiği ettiğini gibi göre halen hangi hatta hem henüz hep hepsi her
    herhangi herkesin hiç hiçbir için ile ilgili ise işte itibaren itibariyle kadar karşın
    kendi kendilerine kendini kendisi kendisine kendisini kez ki kim kimden kime kimi kimse mi
    mu mü mı mıdır midir nasıl ne neden nedenle nerde nerede nereye niye niçin o olan olarak
    oldu olduğu olduğunu olduklarını olmadı olmadığı olmak olması olmayan olmaz olsa olsun
    olup olur olursa oluyor ona ondan onlar onlardan onları onların onu onun oysa öyle pek
    rağmen sadece sanki sen senden seni senin siz sizden sizi sizin şey şeyden şeyi şeyler
    şöyle şu şuna şunda şundan şunları şunu tarafından üzere var vardı ve veya ya yani yine
    yoksa zaten zaman hangisi kaç
    """.split()
)


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer  # uses PyStemmer's C implementation when it is installed

    return snowballstemmer.stemmer("turkish")


@lru_cache(maxsize=131072)
def stem(word: str) -> str:
    """Snowball Turkish stem of a lower-cased word without circumflexes."""
    if len(word) < 3 or not word.isalpha():
        return word
    return _stemmer().stemWord(word)
