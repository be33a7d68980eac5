"""Stage 4 (index): the passages' vectors, kept with the generation beside Whoosh's segment.

A generation built with ``searcher index --semantic`` (or updated from one that
had them) holds, besides the Whoosh files::

    vectors.npy        float32, one row a unit of a passage (a sentence:
                       searcher.semantic.model.units), unit length
    vectors-units.npy  int32 (docnum, start, end) of each row, in docnum order
    vectors-keys.npy   a digest of each row's text: an update reuses the vectors
                       of unchanged units, wherever their passage moved

and the manifest's ``vectors`` entry (model, units, bytes).  They are written
into the new generation before ``CURRENT`` names it, so they are swapped with
the rest, atomically; a model other than :data:`~searcher.semantic.model.MODEL_ID`
makes them stale (rebuilt on the next update).  numpy is imported only here and
only when vectors are read or written.
"""

from __future__ import annotations

from pathlib import Path

VECTORS = "vectors.npy"
UNITS = "vectors-units.npy"
KEYS = "vectors-keys.npy"


def current(manifest: dict | None) -> bool:
    """Whether *manifest*'s generation has vectors of this searcher's model."""
    from searcher.semantic.model import MODEL_ID

    entry = (manifest or {}).get("vectors")
    return bool(entry) and entry.get("model") == MODEL_ID


def write(generation: Path, reader, previous: Path | None, progress=None) -> dict:
    """Give every passage of *reader* (the new generation's) its units' vectors in
    *generation*, reusing those of *previous* (a generation with current vectors, or
    None) for units whose text is unchanged; the manifest entry."""
    import numpy as np

    from searcher.semantic import model
    from searcher.text.record import passage_from_record

    rows, texts = [], []
    for docnum, fields in reader.iter_docs():
        text = passage_from_record(fields["doc"], fields["data"]).text
        for s, e in model.units(text):
            rows.append((docnum, s, e))
            texts.append(text[s:e])
    keys = [model.text_key(t) for t in texts]
    known: dict[bytes, int] = {}
    old = None
    if previous is not None:
        old = np.load(previous / VECTORS, mmap_mode="r")
        known = {bytes(k): i for i, k in enumerate(np.load(previous / KEYS))}
    todo: dict[bytes, int] = {}  # each new text once, however often it occurs
    for i, k in enumerate(keys):
        if k not in known and k not in todo:
            todo[k] = i
    fresh = model.embed_passages(
        [texts[i] for i in todo.values()],
        (lambda done, total: progress(done, total, "vectors")) if progress else None,
    )
    dim = fresh.shape[1] if todo else (old.shape[1] if old is not None else 384)
    out = np.empty((len(rows), dim), dtype=np.float32)
    at_fresh = {k: j for j, k in enumerate(todo)}
    for i, k in enumerate(keys):
        out[i] = fresh[at_fresh[k]] if k in at_fresh else old[known[k]]
    np.save(generation / VECTORS, out)
    np.save(generation / UNITS, np.array(rows, dtype=np.int32).reshape(-1, 3))
    np.save(generation / KEYS, np.array(keys, dtype="S12"))
    size = sum((generation / f).stat().st_size for f in (VECTORS, UNITS, KEYS))
    return {"model": model.MODEL_ID, "units": len(rows), "embedded": len(todo),
            "bytes": size}


class Vectors:
    """The vectors of one open generation (read on first use, memory-mapped)."""

    def __init__(self, generation: Path) -> None:
        import numpy as np

        self._np = np
        self.matrix = np.load(generation / VECTORS, mmap_mode="r")
        units = np.load(generation / UNITS)
        self.docnums = units[:, 0]
        self.spans = units[:, 1:]

    def nearest(self, vector, k: int, skip: int | None = None
                ) -> list[tuple[float, int, tuple[int, int]]]:
        """``(similarity, docnum, unit span)`` of the *k* passages whose best unit is
        nearest *vector*, best first (the passage *skip* left out)."""
        np = self._np
        sims = self.matrix @ vector
        found: dict[int, tuple[float, int, tuple[int, int]]] = {}
        take = min(len(sims), k * 4)
        while True:
            top = np.argpartition(-sims, take - 1)[:take] if take < len(sims) else \
                np.arange(len(sims))
            for i in top[np.argsort(-sims[top], kind="stable")]:
                d = int(self.docnums[i])
                if d != skip and d not in found:
                    found[d] = (float(sims[i]), d, (int(self.spans[i][0]), int(self.spans[i][1])))
            if len(found) >= k or take >= len(sims):
                break
            found.clear()
            take = min(len(sims), take * 4)
        return sorted(found.values(), key=lambda x: (-x[0], x[1]))[:k]

    def of(self, docnum: int):
        """A passage's own vector: the mean of its units', unit length (None if it has
        none)."""
        np = self._np
        lo, hi = np.searchsorted(self.docnums, [docnum, docnum + 1])
        if lo == hi:
            return None
        v = np.asarray(self.matrix[lo:hi]).mean(axis=0)
        return v / (np.linalg.norm(v) or 1.0)
