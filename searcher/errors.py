"""The errors a user can cause.  Each carries one line that tells them what to do."""

from __future__ import annotations


class SearcherError(Exception):
    """Base of every error the user can cause (the CLI prints it and exits 2)."""


class QueryError(SearcherError):
    """The query cannot be understood: empty, only punctuation, unbalanced quote."""


class TextsError(SearcherError):
    """The texts folder is missing, empty or unreadable."""


class IndexStateError(SearcherError):
    """The index is missing, corrupt, locked by another writer or not writable."""


class IndexFolderError(IndexStateError):
    """The index folder is not empty and not searcher's: searcher writes nothing there."""


class LocationError(SearcherError):
    """A ``doc:line`` or ``doc:¶n`` location is malformed or names no passage."""


class UnknownLocationError(LocationError):
    """A well-formed location names a document or line the index does not hold (the
    web API's 404, where a malformed one is a 400)."""


def corrupt(index_dir, why: str = "") -> IndexStateError:
    """The error for a damaged index: what is wrong, and the command that cures it."""
    detail = f" ({why})" if why else ""
    return IndexStateError(f"index {index_dir} is corrupt{detail}; run `searcher index --rebuild`")


class BackendError(SearcherError):
    """The OpenSearch cluster cannot be reached, refuses us, or cannot answer."""


class SemanticUnavailable(SearcherError):
    """Searching by meaning needs what is not there: the extra, or the index's vectors."""
