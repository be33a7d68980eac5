"""Stage 3 (local): Turkish analyzers for Whoosh (tokenizer | filters), one per index field.

Whoosh pickles analyzers into the index schema, so every class here lives at a
stable import path and holds no unpicklable state (the stemmer is looked up
through :mod:`searcher.text.turkish` at call time).  The token rule and the
term of a word are :mod:`searcher.text.tokens`, shared with the OpenSearch backend.

Fields and their chains (indexing and querying use the same chain):

* ``exact``  words as written, folded: Turkish lower | apostrophe | fold.  Keeps
  positions and stop words: phrases and quotations are matched here.
* ``stem``   Turkish lower | apostrophe | circumflex | stop | Snowball | fold.
* ``prefix`` the first :data:`PREFIX_LENGTH` letters of the folded word (a
  strong, robust baseline for Turkish, which Snowball under- and over-stems).
"""

from __future__ import annotations

from whoosh.analysis import Filter, RegexTokenizer

from searcher.text import turkish
from searcher.text.tokens import PREFIX_LENGTH, TOKEN_PATTERN


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
