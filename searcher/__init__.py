"""searcher: full-text search for Turkish texts.

``from searcher import search, Searcher`` -- the heavy modules (Whoosh, ftfy) are
imported only when first used, so ``searcher --help`` stays instant.

The package is one subpackage a stage of the data flow: ``text`` (reading and
normalising texts into passages), ``query`` (what users type -> clauses and the
ranking rules), ``backends`` (the Searcher contract, the local Whoosh index and
the OpenSearch cluster), ``results`` (hits, highlights, concordance) and ``cli``
(the ``searcher`` command).
"""

from __future__ import annotations

__version__ = "0.1.0"

_LAZY = {
    "search": "backends.base",
    "Searcher": "backends.base",
    "Hit": "results.hits",
    "Snippet": "results.hits",
    "Results": "results.hits",
    "Question": "query.question",
    "KwicLine": "results.concordance",
    "Dispersion": "results.concordance",
    "PageCounts": "results.concordance",
    "Passage": "text.document",
    "Footnote": "text.document",
    "load_passages": "text.document",
    "parse_passages": "text.document",
    "normalize": "text.normalize",
    "SearcherError": "errors",
    "QueryError": "errors",
    "TextsError": "errors",
    "IndexStateError": "errors",
    "IndexFolderError": "errors",
    "LocationError": "errors",
    "UnknownLocationError": "errors",
    "BackendError": "errors",
    "SemanticUnavailable": "errors",
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
