"""Stage 3: Turkish analyzers for Whoosh (tokenizer | filters), one per index field.

Whoosh pickles analyzers into the index schema, so every class here lives at a
stable import path and holds no unpicklable state (the stemmer is looked up
through :mod:`searcher.turkish` at call time).

Fields and their chains (indexing and querying use the same chain):

* ``exact``  words as written, folded: Turkish lower | apostrophe | fold.  Keeps
  positions and stop words: phrases and quotations are matched here.
* ``stem``   Turkish lower | apostrophe | circumflex | stop | Snowball | fold.
* ``prefix`` the first :data:`PREFIX_LENGTH` letters of the folded word (a
  strong, robust baseline for Turkish, which Snowball under- and over-stems).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .startup import defer_module  # noqa: E402

defer_module("whoosh.lang.morph_en", "variations")  # before anything imports whoosh.query

from whoosh.analysis import Filter, RegexTokenizer  # noqa: E402
from whoosh.formats import Frequency, Positions  # noqa: E402

from . import turkish  # noqa: E402

#: Bump when any chain changes: an index built with another version is rebuilt.
ANALYZER_VERSION = 1
#: Word characters, with an apostrophe suffix kept for :class:`ApostropheFilter`.
TOKEN_PATTERN = r"\w+(?:'\w+)*"
PREFIX_LENGTH = 5
TOKEN_RE = re.compile(TOKEN_PATTERN)


class _MapFilter(Filter):
    """Replace each token's text by ``fn(text)``; subclasses name the function."""

    fn = staticmethod(str)

    def __call__(self, tokens):
        fn = self.fn
        for t in tokens:
            t.text = fn(t.text)
            yield t


class TurkishLowercaseFilter(_MapFilter):
    """``KIZILAY`` -> ``kızılay``; ``İNGİLİZ`` -> ``ingiliz``."""

    fn = staticmethod(turkish.lower)


class ApostropheFilter(_MapFilter):
    """``çiçerin'i`` -> ``çiçerin``: Turkish writes case suffixes on names after '."""

    fn = staticmethod(turkish.drop_suffix)


class CircumflexFilter(_MapFilter):
    """``ilân`` -> ``ilan``, ``silâh`` -> ``silah``."""

    fn = staticmethod(turkish.strip_circumflex)


class TurkishStopFilter(Filter):
    """Drop function words; positions of the remaining words are kept."""

    def __call__(self, tokens):
        for t in tokens:
            if t.text not in turkish.STOP_WORDS:
                yield t


class TurkishStemFilter(_MapFilter):
    """Snowball Turkish stem (PyStemmer when available), cached."""

    fn = staticmethod(turkish.stem)


class FoldFilter(_MapFilter):
    """Remove diacritics: ``gümrük`` -> ``gumruk``.  Runs after stemming."""

    fn = staticmethod(turkish.fold)


def _prefix(text: str) -> str:
    return text[:PREFIX_LENGTH]


class PrefixFilter(_MapFilter):
    """Keep the first :data:`PREFIX_LENGTH` characters of each word."""

    fn = staticmethod(_prefix)


def _tokenizer() -> RegexTokenizer:
    return RegexTokenizer(TOKEN_PATTERN)


def exact_analyzer():
    return _tokenizer() | TurkishLowercaseFilter() | ApostropheFilter() | FoldFilter()


def stem_analyzer():
    return (
        _tokenizer()
        | TurkishLowercaseFilter()
        | ApostropheFilter()
        | CircumflexFilter()
        | TurkishStopFilter()
        | TurkishStemFilter()
        | FoldFilter()
    )


def prefix_analyzer():
    return (
        _tokenizer()
        | TurkishLowercaseFilter()
        | ApostropheFilter()
        | CircumflexFilter()
        | TurkishStopFilter()
        | FoldFilter()
        | PrefixFilter()
    )


# ------------------------------------------------------------ posting formats
#
# Whoosh's own formats spend 10-20 bytes on every posting: Frequency repeats the
# term frequency (already the posting's weight) as 4 bytes, Positions pickles a list.
# These two keep the same information in fewer bytes (benchmarks/speed.py: index size).


class WeightOnly(Frequency):
    """Term frequency kept once, as the posting weight (no value bytes)."""

    posting_size = 0

    def word_values(self, value, analyzer, **kwargs):
        for w, freq, weight, _ in super().word_values(value, analyzer, **kwargs):
            yield w, freq, weight, b""

    def encode(self, value) -> bytes:
        return b""

    def decode_frequency(self, valuestring):
        raise NotImplementedError("WeightOnly postings: read the posting's weight")

    decode_weight = decode_frequency


def _put_varint(out: bytearray, n: int) -> None:
    while n > 0x7F:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)


def _varints(data: bytes):
    n = shift = 0
    for b in data:
        n |= (b & 0x7F) << shift
        if b & 0x80:
            shift += 7
        else:
            yield n
            n = shift = 0


class CompactPositions(Positions):
    """Word positions as varints: the count, then the gaps between positions."""

    def encode(self, poslist) -> bytes:
        out = bytearray()
        _put_varint(out, len(poslist))
        base = 0
        for pos in poslist:
            _put_varint(out, pos - base)
            base = pos
        return bytes(out)

    def decode_positions(self, valuestring):
        it = _varints(valuestring)
        next(it)
        positions, pos = [], 0
        for gap in it:
            pos += gap
            positions.append(pos)
        return positions

    def decode_frequency(self, valuestring):
        return next(_varints(valuestring))


@lru_cache(maxsize=131072)
def surface(word: str) -> str:
    """A word as the vocabulary keeps it: lower-cased, suffix after ' and circumflex removed."""
    return turkish.strip_circumflex(turkish.drop_suffix(turkish.lower(word)))


def stem_term(word_surface: str) -> str:
    """The ``stem`` field term of a surface word (same as :func:`stem_analyzer`)."""
    return turkish.fold(turkish.stem(word_surface))


def prefix_term(word_surface: str) -> str:
    return turkish.fold(word_surface)[:PREFIX_LENGTH]

