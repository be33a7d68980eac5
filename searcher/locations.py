"""Where the texts, the index and the OpenSearch cluster are when the caller does not say."""

from __future__ import annotations

import os
from pathlib import Path


def _project_root() -> Path:
    return Path(__file__).resolve().parent.parent


def default_dirs(
    texts_dir: str | os.PathLike | None, index_dir: str | os.PathLike | None
) -> tuple[Path, Path]:
    """Where texts and index live when not given: env vars, ./texts, the project's texts."""
    texts = texts_dir or os.environ.get("SEARCHER_TEXTS")
    idx = index_dir or os.environ.get("SEARCHER_INDEX")
    if texts is None:
        local = Path.cwd() / "texts"
        texts = local if local.is_dir() else _project_root() / "texts"
    texts = Path(texts)
    if idx is None:
        idx = texts.parent / "index"
    return texts, Path(idx)


def opensearch_url(opensearch: str | None, index_dir=None) -> str | None:
    """The OpenSearch cluster to use: *opensearch*, else ``SEARCHER_OPENSEARCH`` unless
    a local *index_dir* is given; None (or "") means the local index.  The one rule
    for the library and every CLI command (their options take no env defaults)."""
    if opensearch is not None:
        return opensearch or None
    if index_dir is not None:
        return None
    return os.environ.get("SEARCHER_OPENSEARCH") or None


def parse_location(location: str, docs) -> tuple[str, bool, int]:
    """``DOC:LINE`` or ``DOC:¶N`` (also ``#N``, ``pN``) -> (document name, by passage
    number?, the number); *docs* are the index's documents.  Raises LocationError."""
    from .errors import LocationError

    doc, sep, where = location.rpartition(":")
    bad = f"bad location {location!r}: use DOC:LINE or DOC:¶NUMBER"
    if not sep or not doc or not where:
        raise LocationError(bad)
    doc = Path(doc).name
    if doc not in docs:
        raise LocationError(f"no document named {doc!r} in the index")
    by_number = where[0] in "¶#p"
    try:
        return doc, by_number, int(where[1:] if by_number else where)
    except ValueError:
        raise LocationError(bad) from None
