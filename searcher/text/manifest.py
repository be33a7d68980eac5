"""Stage 2 (text): whether an index's manifest was written under a backend's versions.

One check for both backends: :func:`searcher.text.corpus.diff` rebuilds an index
built under other versions, and a local search whose texts are as built reads it
at once (:func:`searcher.backends.local.folder.as_built`).  Its own module, not
:mod:`searcher.text.corpus`'s: a plain search needs only this, and that module's
dataclasses cost ~1.5 ms of a search process's start-up to create.
"""

from __future__ import annotations


def built_with(manifest: dict, versions: dict) -> bool:
    """Whether *manifest* was written under *versions* (a backend's): if not, the
    index is rebuilt."""
    return all(manifest.get(k) == v for k, v in versions.items())
