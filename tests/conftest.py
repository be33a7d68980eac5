"""Shared fixtures: the real document, indexed once per test session."""

from __future__ import annotations

import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REAL_TEXT = ROOT / "texts" / "sovyet-rusya-ve-tbmm-1920-1922.txt"


@pytest.fixture(scope="session")
def real_texts(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("texts")
    shutil.copy(REAL_TEXT, d / REAL_TEXT.name)
    return d


@pytest.fixture(scope="session")
def real_searcher(real_texts, tmp_path_factory):
    from searcher import Searcher

    s = Searcher(index_dir=tmp_path_factory.mktemp("index"), texts_dir=real_texts)
    s.refresh()
    yield s
    s.close()


@pytest.fixture(scope="session")
def real_passages():
    from searcher import load_passages

    return load_passages(REAL_TEXT)


def write_texts(folder: Path, **files: str) -> Path:
    """Write tiny text files (name without .txt -> content) into *folder*."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / f"{name}.txt").write_text(content, encoding="utf-8")
    return folder


def doubled(*lines: str) -> str:
    """A PDF-extraction style text: every line followed by an empty line."""
    return "".join(f"{line} \n\n" for line in lines)


def paragraphs(*texts: str) -> str:
    """One page of a PDF-extraction style text, a line a paragraph."""
    return doubled(*(x for t in texts for x in (t, " ")))


@contextmanager
def searcher_on(request, texts: Path, name: str):
    """A searcher over *texts* on the backend of *request*'s parameter: ``"local"`` (an
    index beside the texts) or ``"opensearch"`` (loaded under a fresh index name
    starting with *name* on the session's real cluster, deleted afterwards)."""
    from searcher import Searcher

    if request.param == "local":
        with Searcher(index_dir=texts.parent / "index", texts_dir=texts) as s:
            s.refresh()
            yield s
        return
    url = request.getfixturevalue("cluster").url
    from searcher.backends.opensearch import load
    from searcher.backends.opensearch.cluster import Cluster

    name = f"{name}-{uuid.uuid4().hex[:8]}"
    load.update(texts, url, name, shards=2, replicas=0)
    try:
        with Searcher(opensearch=url, index_name=name, texts_dir=texts) as s:
            yield s
    finally:
        Cluster(url).client.indices.delete(index=f"{name}-*", ignore=[404])
