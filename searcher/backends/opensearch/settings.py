"""Stage 4 (OpenSearch): searcher's analysis as index settings; a passage as a document.

The index settings express the analysis of :mod:`searcher.text.tokens` and
:mod:`searcher.text.normalize` in OpenSearch's terms: one ``text`` field analysed
like the local ``exact`` field, with sub-fields ``text.stem`` and ``text.prefix``.
No glyph table here: a text is repaired where it is read (per document, only when it
shows the seed's damage: :func:`searcher.text.corpus.read_text`) and what is sent is
the repaired text; a query is repaired by the parser the same way.  Each passage keeps
its stored record (:func:`searcher.text.record.json_record`) in a field OpenSearch does
not index, so a hit computes its line and page like a local one; its first and last
pages are indexed too, for ``--pages``.
"""

from __future__ import annotations

from searcher.text.document import Passage
from searcher.text.record import json_record, last_page, passage_from_json

#: Bump when the settings, the mapping or the stored source change shape
#: (2: page and page_end indexed, for --pages; 3: the stored record ends with the
#: printed page labels, PDFs are texts; 4: no glyph char filter, the texts arrive
#: repaired, each as it needed).
SCHEMA_VERSION = 4


def versions() -> dict:
    from searcher.text.document import READING_VERSION
    from searcher.text.tokens import ANALYZER_VERSION

    return {"backend": "opensearch", "schema": SCHEMA_VERSION, "analyzer": ANALYZER_VERSION,
            "reading": READING_VERSION}


def analysis_settings() -> dict:
    """searcher's three fields (:mod:`searcher.text.tokens`; the local index's chains are
    :mod:`searcher.backends.local.analysis`) as OpenSearch analyzers."""
    from searcher.text import turkish
    from searcher.text.tokens import PREFIX_LENGTH, TOKEN_PATTERN

    def mapping(table: dict[str, str]) -> dict:
        return {"type": "mapping", "mappings": [f"{k} => {v}" for k, v in table.items()]}

    def analyzer(char_filters: list[str], filters: list[str]) -> dict:
        return {"type": "custom", "char_filter": char_filters, "tokenizer": "searcher_words",
                "filter": filters}

    return {
        "char_filter": {
            "searcher_circumflex": mapping(turkish.CIRCUMFLEX),
        },
        "tokenizer": {
            "searcher_words": {"type": "pattern", "pattern": TOKEN_PATTERN, "group": 0,
                               "flags": "UNICODE_CHARACTER_CLASS"},
        },
        "filter": {
            "searcher_lower": {"type": "lowercase", "language": "turkish"},
            "searcher_stop": {"type": "stop", "stopwords": sorted(turkish.STOP_WORDS)},
            "searcher_snowball": {"type": "snowball", "language": "Turkish"},
            "searcher_prefix": {"type": "truncate", "length": PREFIX_LENGTH},
        },
        "analyzer": {
            "searcher_exact": analyzer(
                [], ["searcher_lower", "apostrophe", "asciifolding"]
            ),
            "searcher_stem": analyzer(
                ["searcher_circumflex"],
                ["searcher_lower", "apostrophe", "searcher_stop", "searcher_snowball",
                 "asciifolding"],
            ),
            "searcher_prefix": analyzer(
                ["searcher_circumflex"],
                ["searcher_lower", "apostrophe", "searcher_stop", "asciifolding",
                 "searcher_prefix"],
            ),
        },
    }


#: Where a passage's vectors are (one a unit: searcher.semantic.model.units), nested so
#: that a passage scores by its nearest unit and says which (inner hits).
UNITS = "units"


def index_body(shards: int, replicas: int, meta: dict, dim: int = 0) -> dict:
    """Settings and mapping of a new concrete index (with *dim*-dimensional vectors in a
    ``knn_vector`` field of the k-NN plugin, Lucene engine, cosine, when *dim*)."""
    number = {"type": "integer"}
    vectors = {UNITS: {"type": "nested", "properties": {
        "v": {"type": "knn_vector", "dimension": dim, "method": {
            "name": "hnsw", "engine": "lucene", "space_type": "cosinesimil"}},
        "start": number, "end": number,
    }}} if dim else {}
    return {
        "settings": {
            "index": {"number_of_shards": shards, "number_of_replicas": replicas,
                      "refresh_interval": "-1", **({"knn": True} if dim else {})},
            "analysis": analysis_settings(),
        },
        "mappings": {
            "_meta": meta,
            "dynamic": "strict",
            # the vectors are searched, never read back: kept out of every hit's source
            **({"_source": {"excludes": [f"{UNITS}.v"]}} if dim else {}),
            "properties": {
                **vectors,
                "doc": {"type": "keyword"},
                "version": {"type": "keyword"},
                "number": number,
                "line_start": number,
                "line_end": number,
                "page": number,
                "page_end": number,
                "text": {
                    "type": "text", "analyzer": "searcher_exact",
                    "fields": {
                        "stem": {"type": "text", "analyzer": "searcher_stem"},
                        "prefix": {"type": "text", "analyzer": "searcher_prefix"},
                    },
                },
                "data": {"type": "object", "enabled": False},
            },
        },
    }


def passage_source(p: Passage, version: str) -> dict:
    """A passage as an OpenSearch document: searchable fields and its stored record."""
    return {"doc": p.doc, "version": version, "number": p.number, "line_start": p.line_start,
            "line_end": p.line_end, "page": p.page, "page_end": last_page(p), "text": p.text,
            "data": json_record(p)}


def passage_from_source(source: dict) -> Passage:
    """The :class:`~searcher.text.document.Passage` that :func:`passage_source` made."""
    return passage_from_json(source["doc"], source["text"], source["data"])
