"""searcher: full-text search for Turkish texts.

``from searcher import search, Searcher`` -- the heavy modules (Whoosh, ftfy) are
imported only when first used, so ``searcher --help`` stays instant.
"""

from __future__ import annotations

__version__ = "0.1.0"

_LAZY = {
    "search": "engine",
    "Searcher": "engine",
    "Hit": "hits",
    "Snippet": "hits",
    "Results": "hits",
    "Question": "question",
    "KwicLine": "concordance",
    "Dispersion": "concordance",
    "PageCounts": "concordance",
    "Passage": "document",
    "Footnote": "document",
    "load_passages": "document",
    "parse_passages": "document",
    "normalize": "normalize",
    "SearcherError": "errors",
    "QueryError": "errors",
    "TextsError": "errors",
    "IndexStateError": "errors",
    "IndexFolderError": "errors",
    "LocationError": "errors",
    "BackendError": "errors",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'searcher' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"searcher.{module}"), name)
    globals()[name] = value
    return value
