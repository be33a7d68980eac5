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

from .startup import defer_unused_whoosh  # noqa: E402

defer_unused_whoosh()  # before anything imports whoosh

from whoosh.analysis import Filter, RegexTokenizer  # noqa: E402

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


@lru_cache(maxsize=131072)
def surface(word: str) -> str:
    """A word as the vocabulary keeps it: lower-cased, suffix after ' and circumflex removed."""
    return turkish.strip_circumflex(turkish.drop_suffix(turkish.lower(word)))


def stem_term(word_surface: str) -> str:
    """The ``stem`` field term of a surface word (same as :func:`stem_analyzer`)."""
    return turkish.fold(turkish.stem(word_surface))


def prefix_term(word_surface: str) -> str:
    return turkish.fold(word_surface)[:PREFIX_LENGTH]

