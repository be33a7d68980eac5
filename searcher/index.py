"""Stage 4: the Whoosh index on disk: build, update, open, versions, lock.

Guarantees (modelled on SQLite/Lucene): a reader always sees a complete index,
and a writer that dies at any moment leaves the previous index intact.

Layout of an index directory::

    index/CURRENT          name of the live generation (replaced atomically)
    index/gen-<id>/        one complete Whoosh index + manifest.json + vocabulary.marshal
                           + words/ (each document's spellings, merged into the vocabulary)
    index/.lock            writers take an exclusive flock on it

A build or update writes a *new* generation (an update starts from a copy of the
live one and re-indexes only the documents that changed), then swaps CURRENT with
``os.replace``.  Readers open whatever CURRENT names; the previous generation is
kept one round so a reader that opened it just before the swap can finish.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import changes
from .changes import Changes, DocState, list_texts
from .errors import IndexStateError, TextsError, corrupt
from .store import WORDS, passage_record, words_file, write_packed, write_vocabulary

#: Bump when the stored fields or the manifest change shape.
SCHEMA_VERSION = 7
CURRENT = "CURRENT"
MANIFEST = "manifest.json"
LOCK = ".lock"

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class BuildReport:
    documents: int
    passages: int
    indexed: int  # documents (re)indexed by this run
    seconds: float
    warnings: tuple[str, ...] = ()


def schema():
    from whoosh.fields import ID, STORED, TEXT, Schema

    from .analysis import exact_analyzer, prefix_analyzer, stem_analyzer
    from .postings import CompactPositions, WeightOnly

    def text(analyzer, fmt):
        field = TEXT(analyzer=analyzer, phrase=isinstance(fmt, CompactPositions))
        field.format = fmt
        return field

    return Schema(
        doc=ID(stored=True),
        exact=text(exact_analyzer(), CompactPositions()),
        stem=text(stem_analyzer(), WeightOnly()),
        prefix=text(prefix_analyzer(), WeightOnly()),
        data=STORED(),
    )


@lru_cache(maxsize=1)
def versions() -> dict:
    import marshal

    from .analysis import ANALYZER_VERSION

    # marshal's format (the vocabulary's) may change with Python: rebuild then
    return {"schema": SCHEMA_VERSION, "analyzer": ANALYZER_VERSION, "marshal": marshal.version}


def diff(texts: dict[str, Path], manifest: dict | None) -> Changes:
    """What changed in *texts* since *manifest* (everything, if built by another version)."""
    return changes.diff(texts, manifest, versions())


# ------------------------------------------------------------- generations


_CURRENT_SEEN: dict[str, tuple[tuple[int, int, int], str]] = {}


def current_generation(index_dir: Path) -> Path | None:
    """The live generation directory, or None when no index was ever built."""
    path = os.path.join(index_dir, CURRENT)
    try:
        st = os.stat(path)
        key = (st.st_ino, st.st_mtime_ns, st.st_size)
        cached = _CURRENT_SEEN.get(path)
        if cached is not None and cached[0] == key:  # os.replace makes a new inode
            name = cached[1]
        else:
            with open(path, encoding="utf-8") as f:
                name = f.read().strip()
            _CURRENT_SEEN[path] = (key, name)
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise IndexStateError(
            f"cannot read index {index_dir} ({exc.__class__.__name__}); "
            "run `searcher index --rebuild`"
        ) from exc
    if not name.startswith("gen-") or "/" in name:
        raise corrupt(index_dir)
    return index_dir / name


def read_manifest(generation: Path) -> dict:
    try:
        return json.loads((generation / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise corrupt(generation.parent, "manifest unreadable") from exc


def _write_atomic(path: Path, text: str) -> None:
    import uuid

    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    with tmp.open("w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def writer_lock(index_dir: Path, timeout: float = 60.0) -> Iterator[None]:
    """Exclusive lock for writers; a second writer waits up to *timeout* seconds."""
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(index_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except PermissionError as exc:
        raise IndexStateError(f"cannot write index {index_dir}: permission denied") from exc
    except OSError as exc:
        raise IndexStateError(f"cannot write index {index_dir}: {exc.strerror}") from exc
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise IndexStateError(
                        f"index {index_dir} is being built by another process; "
                        "try again when it finishes"
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)


def _cleanup(index_dir: Path, keep: set[str]) -> None:
    """Remove generations other than *keep* (unfinished builds and old ones)."""
    import shutil

    for p in index_dir.iterdir():
        if p.name.startswith("gen-") and p.name not in keep and p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        elif p.name.startswith(f".{CURRENT}.") and p.name.endswith(".tmp"):
            p.unlink(missing_ok=True)


# ------------------------------------------------------------------ building


def stderr_progress() -> Progress | None:
    """A plain progress line on stderr when it is a terminal (for library callers)."""
    if not sys.stderr.isatty():
        return None

    def report(done: int, total: int, name: str) -> None:
        end = "\n" if done == total else ""
        sys.stderr.write(f"\rsearcher: indexing {done}/{total} {name[:50]:<50}{end}")
        sys.stderr.flush()

    return report


def _index_document(
    writer, generation: Path, name: str, path: Path, warnings: list[str]
) -> DocState:
    import hashlib

    from .analysis import TOKEN_RE, surface
    from .document import decode, parse_passages

    try:
        data = path.read_bytes()
        st = path.stat()
    except OSError as exc:
        raise TextsError(f"cannot read {path}: {exc.strerror}") from exc
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        warnings.append(f"{path}: binary file (NUL bytes), skipped")
        text, errors = "", []
    else:
        text, errors = decode(data, str(path))
    for err in errors:
        warnings.append(f"{err}; indexed with replacement characters")
    passages = parse_passages(text, name)
    words: set[str] = set()
    for p in passages:
        words.update(surface(w) for w in TOKEN_RE.findall(p.text))
        writer.add_document(
            doc=name,
            exact=p.text,
            stem=p.text,
            prefix=p.text,
            data=passage_record(p),
        )
    write_packed(words_file(generation, name), "\n".join(sorted(words)))
    return DocState(
        size=len(data),
        mtime_ns=st.st_mtime_ns,
        sha256=hashlib.sha256(data).hexdigest(),
        passages=len(passages),
        pages=max((p.page for p in passages), default=0),
        footnotes=sum(len(p.footnotes) for p in passages),
    )


def update(
    texts_dir: Path,
    index_dir: Path,
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
    lock_timeout: float = 60.0,
) -> BuildReport:
    """Bring the index up to date with the texts folder (or rebuild it from scratch)."""
    started = time.perf_counter()
    texts = list_texts(texts_dir)
    with writer_lock(index_dir, lock_timeout):
        try:
            live = current_generation(index_dir)
        except IndexStateError:
            if not rebuild:
                raise
            live = None  # a damaged pointer: the rebuild replaces it
        manifest = None
        if live is not None and not rebuild:
            try:
                manifest = read_manifest(live)
            except IndexStateError:
                manifest = None
        ch = diff(texts, manifest)
        if manifest is not None and not ch and not ch.touched:
            docs = manifest["docs"]
            return BuildReport(
                len(docs), sum(d["passages"] for d in docs.values()), 0,
                time.perf_counter() - started,
            )
        report = _write_generation(texts, index_dir, live, manifest, ch, progress)
        return BuildReport(
            report[0], report[1], report[2], time.perf_counter() - started, tuple(report[3])
        )


#: Above this many bytes of text to index, analysis runs in parallel processes.
PARALLEL_BYTES = 2_000_000


def _writer_settings(nbytes: int) -> dict:
    """Whoosh writer settings, measured by benchmarks/speed.py on the 2-core machine:
    two processes with one segment each build 100x the seed text 1.7x faster than
    one process; merging the segments at the end costs more than it saves, so a
    large build leaves two segments (updates merge when they delete)."""
    from .postings import CompactCodec

    settings = {"limitmb": 256, "codec": CompactCodec()}
    if nbytes >= PARALLEL_BYTES and (os.cpu_count() or 1) > 1:
        settings.update(procs=min(os.cpu_count() or 1, 4), multisegment=True)
    return settings


def _write_generation(texts, index_dir, live, manifest, ch: Changes, progress):
    import shutil

    from whoosh import index as windex

    gen = index_dir / f"gen-{time.time_ns():x}-{os.getpid()}"
    warnings: list[str] = []
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
        writer = ix.writer(**_writer_settings(sum(texts[n].stat().st_size for n in todo)))
        try:
            for name in ch.changed + ch.removed:
                if not ch.rebuild:
                    writer.delete_by_term("doc", name)
                    words_file(gen, name).unlink(missing_ok=True)
                docs.pop(name, None)
            for i, name in enumerate(todo, start=1):
                docs[name] = _index_document(writer, gen, name, texts[name], warnings).__dict__
                if progress:
                    progress(i, len(todo), name)
            for name, state in ch.touched.items():
                docs[name] = state.__dict__
        except BaseException:
            writer.cancel()
            raise
        writer.commit(optimize=bool(ch.removed or ch.changed))
        write_vocabulary(gen, docs)
        new_manifest = {**versions(), "built": time.time(), "docs": docs}
        (gen / MANIFEST).write_text(json.dumps(new_manifest, indent=1), encoding="utf-8")
        _fsync_dir(gen)
        _write_atomic(index_dir / CURRENT, gen.name)
    except OSError as exc:
        shutil.rmtree(gen, ignore_errors=True)
        raise IndexStateError(f"cannot write index {index_dir}: {exc.strerror or exc}") from exc
    except BaseException:
        shutil.rmtree(gen, ignore_errors=True)
        raise
    _cleanup(index_dir, {gen.name} | ({live.name} if live else set()))
    passages = sum(d["passages"] for d in docs.values())
    return len(docs), passages, len(todo), warnings
