"""Stage 4: the Whoosh index on disk: build, update, versions.

Guarantees (modelled on SQLite/Lucene): a reader always sees a complete index,
and a writer that dies at any moment leaves the previous index intact.

Layout of an index directory (:mod:`searcher.backends.local.folder` keeps all but the insides
of a generation)::

    index/.searcher-index  marker: searcher made this folder and may write in it
    index/CURRENT          name of the live generation (replaced atomically)
    index/gen-<id>/        one complete Whoosh index + manifest.json + vocabulary.shards
                           + words/ (each document's spellings, merged into the vocabulary)
    index/.lock            writers take an exclusive flock on it, and say who they are

A build or update writes a *new* generation (an update starts from a copy of the
live one and re-indexes only the documents that changed), then swaps CURRENT with
``os.replace``.  Readers open whatever CURRENT names and hold it (a shared flock)
while they have it open; the previous generation is removed once no one holds it.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from searcher.backends.local import vectors, worker
from searcher.backends.local.folder import (
    CURRENT,
    MANIFEST,
    current_generation,
    fsync_dir,
    key_record,
    new_generation,
    read_manifest,
    remove_old,
    texts_stat_key,
    versions,
    write_atomic,
)
from searcher.backends.local.lock import Waiting, writer_lock
from searcher.backends.local.records import (
    WORDS,
    word_stems,
    words_file,
    write_packed,
    write_vocabulary,
)
from searcher.errors import IndexStateError
from searcher.text import corpus
from searcher.text.corpus import (
    BuildReport,
    Changes,
    DocState,
    Progress,
    list_texts,
    read_text,
)
from searcher.text.record import passage_record
from searcher.text.tokens import analysed


def schema():
    from whoosh.fields import ID, STORED, TEXT, Schema

    from searcher.backends.local.analysis import exact_analyzer, prefix_analyzer, stem_analyzer
    from searcher.backends.local.postings import CompactPositions

    def text(analyzer, fmt):
        field = TEXT(analyzer=analyzer, phrase=isinstance(fmt, CompactPositions))
        field.format = fmt
        return field

    return Schema(
        doc=ID(stored=True),
        exact=text(exact_analyzer(), CompactPositions()),
        # positions on every field: a quotation in another inflection matches there
        stem=text(stem_analyzer(), CompactPositions()),
        prefix=text(prefix_analyzer(), CompactPositions()),
        data=STORED(),
    )


def diff(texts: dict[str, Path], manifest: dict | None) -> Changes:
    """What changed in *texts* since *manifest* (everything, if built by another version)."""
    return corpus.diff(texts, manifest, versions())


# ------------------------------------------------------------------ building


def _index_document(
    writer, generation: Path, name: str, path: Path, warnings: list[str]
) -> DocState:
    passages, state = read_text(name, path, warnings)
    words: set[str] = set()
    for p in passages:
        writer.add_passage(name, p.text, passage_record(p), words)
    writer.end_text()
    write_packed(words_file(generation, name), "\n".join(sorted(words)))
    return state


def update(
    texts_dir: Path,
    index_dir: Path,
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
    lock_timeout: float = 60.0,
    waiting: Waiting | None = None,
    semantic: bool = False,
) -> BuildReport:
    """Bring the index up to date with the texts folder (or rebuild it from scratch).

    Another build holding the index is waited for up to *lock_timeout* seconds
    (*waiting* is told who it is and how long this one has waited).  With *semantic*,
    or when the index already has vectors, every passage lacking its vectors gets
    them (:mod:`~searcher.backends.local.vectors`)."""
    started = time.perf_counter()
    texts = list_texts(texts_dir)
    key = texts_stat_key(texts_dir, texts)  # before reading them: a later change shows
    with writer_lock(index_dir, lock_timeout, waiting):
        try:
            live = current_generation(index_dir)
        except IndexStateError:
            if not rebuild:
                raise
            live = None  # a damaged pointer: the rebuild replaces it
        manifest = None
        if live is not None:
            try:
                manifest = read_manifest(live)
            except IndexStateError:
                manifest = None
        # vectors: asked for, or kept because the live generation has them (even
        # through a rebuild); those of unchanged units are reused when current
        had = bool((manifest or {}).get("vectors"))
        vectors_from = live if manifest is not None and vectors.current(manifest) else None
        if rebuild:
            manifest = None
        ch = diff(texts, manifest)
        more_vectors = (semantic or had) and vectors_from is None
        if manifest is not None and not ch and not ch.touched and not more_vectors:
            docs = manifest["docs"]
            return BuildReport(
                len(docs), sum(d["passages"] for d in docs.values()), 0,
                time.perf_counter() - started,
            )
        report = _write_generation(texts, key, index_dir, live, manifest, ch, progress,
                                   semantic or had, vectors_from, semantic)
        return BuildReport(report[0], report[1], report[2], time.perf_counter() - started,
                           tuple(report[3]), report[4], report[5])


#: Megabytes of postings a segment gathers before it is written out (and a new one
#: started): the build's memory is bounded by this, not by the texts.  100x the seed
#: text is ~2 segments (benchmarks/speed.py measures time and peak memory).
SEGMENT_MB = 64


def _writer(ix, lock: bool = True):
    """The build's writer (*lock*: Whoosh's own lock on the generation; a worker's
    writer, whose segments the build commits, takes none)."""
    from searcher.backends.local.bulk import BulkWriter
    from searcher.backends.local.postings import CompactCodec

    return BulkWriter(ix, limitmb=SEGMENT_MB, codec=CompactCodec(), _lk=lock)


#: Bytes of text to index below which a build stays in one process: each process
#: analyses the words anew, and with the fork and a segment more that costs more than
#: the second core gives back below ~1 MB (copies of the seed, 2-core machine: 2 copies
#: 0.43 s in one process, 0.51 s with a worker; 5: 0.67 / 0.69; 8 (1 MB): 0.92 / 0.82).
WORKER_MIN_BYTES = 1_000_000
#: The worker's share of the bytes: the build has the commit and the vocabulary after.
WORKER_SHARE = 0.5


def _worker_share(todo: list[str], texts: dict[str, Path]) -> list[str]:
    """The texts at the end of *todo* a worker indexes (none for a small build)."""
    sizes = [texts[name].stat().st_size for name in todo]
    total = sum(sizes)
    if len(todo) < 2 or total < WORKER_MIN_BYTES:
        return []
    taken = 0
    for i in range(len(todo) - 1, 0, -1):
        if taken + sizes[i] / 2 > total * WORKER_SHARE:
            return todo[i + 1 :]
        taken += sizes[i]
    return todo[1:]


def _worker_job(gen: Path, names: list[str], texts: dict[str, Path]):
    """What the worker does: index *names* into segments of its own, telling each
    text's state as it goes, then hand over its segments and its cache's figures."""
    def job(send, parent_alive) -> None:
        from whoosh import index as windex

        from searcher.text.tokens import analysed

        writer = _writer(windex.open_dir(str(gen)), lock=False)
        for name in names:
            if not parent_alive():
                return
            warnings: list[str] = []
            state = _index_document(writer, gen, name, texts[name], warnings)
            send((name, state, warnings))
        info = analysed.cache_info()
        send((None, writer.written(), ((info.hits, info.misses), word_stems(gen, names))))

    return job


def _vectors_wanted(semantic: bool, asked: bool, warnings: list[str]) -> bool:
    """Whether a new generation gets vectors (*semantic*: asked for, *asked*, or its
    predecessor had them; dropped, with a warning, where the extra is missing)."""
    if not semantic:
        return False
    from searcher.semantic import model

    if model.available():
        return True
    if asked:
        model.model()  # raises SemanticUnavailable: the one line naming the extra
    warnings.append(f"the index's vectors are dropped: the semantic extra is missing "
                    f"({model.INSTALL})")
    return False


def _write_generation(texts, key, index_dir, live, manifest, ch: Changes, progress,
                      semantic: bool = False, vectors_from: Path | None = None,
                      asked: bool = False):
    import shutil

    from whoosh import index as windex

    gen = new_generation(index_dir)
    warnings: list[str] = []
    with_vectors = _vectors_wanted(semantic, asked, warnings)
    try:
        if ch.rebuild or live is None or manifest is None:
            gen.mkdir()
            (gen / WORDS).mkdir()
            ix = windex.create_in(str(gen), schema())
            docs: dict[str, dict] = {}
            todo = list(texts)
        else:
            shutil.copytree(live, gen)
            ix = windex.open_dir(str(gen))
            docs = dict(manifest["docs"])
            todo = ch.added + ch.changed
        for name in ch.changed + ch.removed:
            docs.pop(name, None)
            if not ch.rebuild:
                words_file(gen, name).unlink(missing_ok=True)
        theirs = _worker_share(todo, texts)
        helper = worker.start(_worker_job(gen, theirs, texts)) if theirs else None
        cache, stems = (0, 0), None
        try:
            writer = _writer(ix)
        except BaseException:
            if helper:
                helper.stop()
            raise
        try:
            for name in ch.changed + ch.removed:
                if not ch.rebuild:
                    writer.delete_by_term("doc", name)
            done = 0  # texts indexed, by either process (in the order of *todo*)
            told: dict[str, dict] = {}

            def tell(name: str, state: DocState) -> None:
                nonlocal done
                done += 1
                told[name] = state.__dict__
                if progress:
                    progress(done, len(todo), name)

            handed: list = []  # the worker's last word: its segments and cache figures

            def heard(got: list) -> None:
                for name, state, more in got:
                    if name is None:
                        handed.append((state, more))
                        continue
                    warnings.extend(more)
                    tell(name, state)

            for name in todo[: len(todo) - len(theirs)]:
                tell(name, _index_document(writer, gen, name, texts[name], warnings))
                if helper:
                    heard(helper.ready())
            if helper:
                writer.write_out()  # while the worker still indexes
                heard(helper.rest())
                segments, (cache, stems) = handed[0]
                writer.add_segments(segments)
            docs.update((name, told[name]) for name in todo)
            for name, state in ch.touched.items():
                docs[name] = state.__dict__
        except BaseException:
            if helper:
                helper.stop()
            writer.cancel()
            raise
        writer.commit(optimize=bool(ch.removed or ch.changed))
        info = analysed.cache_info()
        cache = (cache[0] + info.hits, cache[1] + info.misses)
        write_vocabulary(gen, docs, stems)
        # a text read without its extra (a PDF without pypdf) is looked at again by
        # every new process, so that installing the extra is noticed: no stat key
        waiting = any(d.get("needs") for d in docs.values())
        new_manifest = {**versions(), "built": time.time(), "docs": docs,
                        "texts_key": key_record(None if waiting else key)}
        for name in (vectors.VECTORS, vectors.UNITS, vectors.KEYS):
            (gen / name).unlink(missing_ok=True)  # copied from the live one: rewritten
        if with_vectors:
            reader = ix.reader()
            try:
                new_manifest["vectors"] = vectors.write(gen, reader, vectors_from, progress)
            finally:
                reader.close()
        (gen / MANIFEST).write_text(json.dumps(new_manifest, indent=1), encoding="utf-8")
        fsync_dir(gen)
        write_atomic(index_dir / CURRENT, gen.name)
    except OSError as exc:
        shutil.rmtree(gen, ignore_errors=True)
        kept = "; the previous index is kept" if live is not None else ""
        raise IndexStateError(
            f"cannot write index {index_dir}: {exc.strerror or exc}{kept}"
        ) from exc
    except BaseException:
        shutil.rmtree(gen, ignore_errors=True)
        raise
    remove_old(index_dir, gen.name)
    passages = sum(d["passages"] for d in docs.values())
    return len(docs), passages, len(todo), warnings, 2 if theirs else 1, cache
