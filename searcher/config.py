"""Every default in one place: where the texts, the index and the cluster are when the
caller does not say, the cluster's index name, and the reading tools' choices.

Imported by the command line before anything else: it imports nothing heavy."""

from __future__ import annotations

import os
from pathlib import Path

#: The index (an alias) on an OpenSearch cluster, unless told otherwise.
DEFAULT_INDEX_NAME = "searcher"
#: Characters of context on each side of a concordance line, by default.
KWIC_WIDTH = 40
#: Concordance orders: document order, or AntConc's sort by the words before / after.
KWIC_SORTS = ("position", "left", "right")


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
