"""Stage 2 (text): the token rule and the forms a word is indexed and searched by.

One place for what both backends and every stage agree on: what a word is
(:data:`TOKEN_PATTERN`), the surface form the vocabulary keeps, the ``stem`` and
``prefix`` terms of a word, and :data:`ANALYZER_VERSION`.  No Whoosh here: the
local backend's filter chains (:mod:`searcher.backends.local.analysis`) and the
OpenSearch analyzers (:mod:`searcher.backends.opensearch.settings`) are built from it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from searcher.text import turkish

#: Bump when any analysis chain changes: an index built with another version is rebuilt.
ANALYZER_VERSION = 1
#: Word characters, with an apostrophe suffix kept for the apostrophe filter.
TOKEN_PATTERN = r"\w+(?:'\w+)*"
PREFIX_LENGTH = 5
TOKEN_RE = re.compile(TOKEN_PATTERN)


@lru_cache(maxsize=131072)
def surface(word: str) -> str:
    """A word as the vocabulary keeps it: lower-cased, suffix after ' and circumflex removed."""
    return turkish.strip_circumflex(turkish.drop_suffix(turkish.lower(word)))


def stem_term(word_surface: str) -> str:
    """The ``stem`` field term of a surface word (as the stem chain makes it)."""
    return turkish.fold(turkish.stem(word_surface))


def prefix_term(word_surface: str) -> str:
    """The ``prefix`` field term of a surface word."""
    return turkish.fold(word_surface)[:PREFIX_LENGTH]
