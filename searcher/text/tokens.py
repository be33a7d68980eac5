"""Stage 2 (text): the token rule and the forms a word is indexed and searched by.

One place for what both backends and every stage agree on: what a word is
(:data:`TOKEN_PATTERN`), the surface form the vocabulary keeps, the ``stem`` and
``prefix`` terms of a word, and :data:`ANALYZER_VERSION`.  No Whoosh here: the
local backend's filter chains (:mod:`searcher.backends.local.analysis`) and the
OpenSearch analyzers (:mod:`searcher.backends.opensearch.settings`) are built from it.
"""

from __future__ import annotations

import re
from collections import namedtuple
from functools import lru_cache

from searcher.text import turkish

#: Bump when any analysis chain changes: an index built with another version is rebuilt.
ANALYZER_VERSION = 1
#: Word characters, with an apostrophe suffix kept for the apostrophe filter.
TOKEN_PATTERN = r"\w+(?:'\w+)*"
PREFIX_LENGTH = 5
TOKEN_RE = re.compile(TOKEN_PATTERN)


#: Words as written that :func:`analysed` remembers (a build's cache: ~200 bytes a word).
ANALYSED_CACHE = 262144


#: Every form of one word as written, as the filter chains make them: ``surface`` (the
#: vocabulary's form: lower-cased, no ' suffix, no circumflex), the ``exact`` field's
#: term, the ``stem`` and ``prefix`` fields' terms (None for a stop word).  A
#: namedtuple, not typing.NamedTuple: a plain search does not import typing.
Analysed = namedtuple("Analysed", "surface exact stem prefix")


@lru_cache(maxsize=ANALYSED_CACHE)
def analysed(word: str) -> Analysed:
    """*word* (a token as written) analysed once for every field: the index build
    looks each token up here (a book has a few thousand distinct words in a few
    hundred thousand tokens) and the query side reads the same terms.  Equal to the
    chains of :mod:`searcher.backends.local.analysis` (tests/test_analysis.py checks
    every word of the seed text and generated ones)."""
    low = turkish.drop_suffix(turkish.lower(word))
    s = turkish.strip_circumflex(low)
    if s in turkish.STOP_WORDS:
        return Analysed(s, turkish.fold(low), None, None)
    return Analysed(s, turkish.fold(low), stem_term(s), prefix_term(s))


def surface(word: str) -> str:
    """A word as the vocabulary keeps it: lower-cased, suffix after ' and circumflex removed."""
    return analysed(word).surface


def stem_term(word_surface: str) -> str:
    """The ``stem`` field term of a surface word (as the stem chain makes it)."""
    return turkish.fold(turkish.stem(word_surface))


def prefix_term(word_surface: str) -> str:
    """The ``prefix`` field term of a surface word."""
    return turkish.fold(word_surface)[:PREFIX_LENGTH]
