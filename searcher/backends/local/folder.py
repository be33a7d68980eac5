"""Stage 4 (index): the index folder: whose it is, which generation is live, who holds one.

* **Ownership.**  searcher writes only in a folder it created (it leaves a
  :data:`MARKER` file there), an empty one, or one that holds nothing but its own
  entries (an index from a version without the marker).  Any other folder is
  refused before anything, not even the lock file, is written into it.
* **The live generation.**  ``CURRENT`` names it and is replaced atomically.
* **Writers** take the lock of :mod:`searcher.backends.local.lock`: one build at a time.
* **Readers** take a shared ``flock`` on the generation folder they have open
  (once per open, not per query).  An old generation is removed as soon as no
  reader holds it: by the writer after its swap, by the last reader to let go,
  or by a later open.  A reader never sees a generation disappear under it.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import time
from functools import lru_cache
from pathlib import Path

from searcher.errors import IndexFolderError, IndexStateError, corrupt
from searcher.text.manifest import built_with

CURRENT = "CURRENT"
LOCK = ".lock"  # the writers' lock: searcher.backends.local.lock
#: Written into every index folder searcher creates or adopts.
MARKER = ".searcher-index"
GENERATION_PREFIX = "gen-"
_MARKER_TEXT = json.dumps({
    "what": "searcher index",
    "note": "made by searcher, which writes only in folders holding this file; "
            "safe to delete with the whole folder (the next search rebuilds it)",
}, indent=1) + "\n"
_BUSY = (errno.EAGAIN, errno.EACCES)


# ------------------------------------------------------------------ ownership


def _own_entry(entry: os.DirEntry) -> bool:
    """An entry searcher itself writes at the top of an index folder."""
    name = entry.name
    if name in (CURRENT, LOCK, MARKER):
        return True
    if name.startswith(GENERATION_PREFIX):
        return entry.is_dir(follow_symlinks=False)
    return name.startswith((f".{CURRENT}.", f".{MARKER}.")) and name.endswith(".tmp")


def claim(index_dir: Path) -> None:
    """Make sure searcher may write in *index_dir*, creating it if needed.

    Raises :class:`IndexFolderError` (writing nothing) for an existing folder
    that is not empty and holds anything searcher did not write.
    """
    if (index_dir / MARKER).is_file():
        return
    try:
        with os.scandir(index_dir) as it:
            foreign = sorted(e.name for e in it if not _own_entry(e))
    except FileNotFoundError:
        foreign = []
    except NotADirectoryError:
        raise IndexFolderError(
            f"index folder {index_dir} is a file; searcher writes nothing there: "
            "choose another folder with --index DIR or SEARCHER_INDEX"
        ) from None
    except OSError as exc:
        raise IndexStateError(f"cannot write index {index_dir}: {exc.strerror}") from exc
    if foreign:
        held = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
        raise IndexFolderError(
            f"index folder {index_dir} is not a searcher index and is not empty "
            f"(it holds {held}); searcher writes nothing there: "
            "choose another folder with --index DIR or SEARCHER_INDEX"
        )
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(index_dir / MARKER, _MARKER_TEXT)
    except OSError as exc:
        raise IndexStateError(f"cannot write index {index_dir}: {exc.strerror}") from exc


# ------------------------------------------------------------ manifest

#: Bump when the stored fields, the manifest or the text normalisation change shape
#: (7: positions on the stem and prefix fields, quote marks inside words as apostrophes;
#: 8: the vocabulary stored with marshal; 9: in shards by first letter; 10: the
#: manifest records the texts' stat key; 11: the analyzer and codec classes Whoosh
#: pickles moved into searcher.backends.local; 12: passages keep their printed page
#: labels, and PDFs are texts; 13: the vocabulary lists its words by stem too).
SCHEMA_VERSION = 13
MANIFEST = "manifest.json"  # in each generation: versions, texts, their stat key


@lru_cache(maxsize=1)
def versions() -> dict:
    """What an index must have been built with to be read: a manifest written under
    other versions means a rebuild."""
    import marshal

    from searcher.text.document import READING_VERSION
    from searcher.text.tokens import ANALYZER_VERSION

    # marshal's format (the vocabulary's) may change with Python: rebuild then
    return {"schema": SCHEMA_VERSION, "analyzer": ANALYZER_VERSION, "reading": READING_VERSION,
            "marshal": marshal.version}


def read_manifest(generation: Path) -> dict:
    try:
        return json.loads((generation / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise corrupt(generation.parent, "manifest unreadable") from exc


def texts_stat_key(texts_dir: Path, names) -> tuple | None:
    """The texts as a few ``stat`` calls see them: the folder (a text added, removed
    or renamed changes its mtime) and each text of *names*.  Equal keys mean
    :func:`searcher.text.corpus.diff` would find nothing new; None if something cannot
    be read.  A build records it in the manifest, taken before it reads the texts."""
    folder = os.fspath(texts_dir)
    try:
        stats = [os.stat(folder)] + [os.stat(os.path.join(folder, n)) for n in sorted(names)]
    except OSError:
        return None
    return tuple((st.st_ino, st.st_size, st.st_mtime_ns) for st in stats)


def key_record(key: tuple | None) -> list | None:
    """A :func:`texts_stat_key` as the manifest records it (JSON has no tuples)."""
    return None if key is None else [list(k) for k in key]


def as_built(manifest: dict, key: tuple | None) -> bool:
    """Whether the texts are as the build of *manifest* found them (*key*, from
    :func:`texts_stat_key`) and that build's versions are this searcher's: then a
    new process searches at once, with no listing, diff or import of the builder."""
    return (
        key is not None
        and manifest.get("texts_key") == key_record(key)
        and built_with(manifest, versions())
    )


# ------------------------------------------------------------ live generation


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
    if not name.startswith(GENERATION_PREFIX) or "/" in name:
        raise corrupt(index_dir)
    return index_dir / name


def write_atomic(path: Path, text: str) -> None:
    """Replace *path* by *text* so that a reader sees the old or the new file, whole."""
    import uuid  # writers only

    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    with tmp.open("w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def fsync_dir(path: Path) -> None:
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


# -------------------------------------------------------------------- writers


def new_generation(index_dir: Path) -> Path:
    """The path for a generation about to be built (its name says when: see :func:`sweep`)."""
    return index_dir / f"{GENERATION_PREFIX}{time.time_ns():x}-{os.getpid()}"


def remove_old(index_dir: Path, keep: str) -> None:
    """Under the writer lock: remove every generation but *keep* that no reader
    holds (old ones and unfinished builds), and stray temporary files."""
    for p in index_dir.iterdir():
        if p.name.startswith(GENERATION_PREFIX) and p.name != keep and p.is_dir():
            _remove_unheld(p)
        elif p.name.startswith(f".{CURRENT}.") and p.name.endswith(".tmp"):
            p.unlink(missing_ok=True)


def sweep(index_dir: Path) -> None:
    """Remove generations older than the live one that no reader holds.

    Needs no writer lock: a build in progress is newer than the live generation
    (generation names start with their creation time), so it is never touched.
    """
    try:
        live = current_generation(index_dir)
        with os.scandir(index_dir) as it:
            gens = [e.name for e in it if e.name.startswith(GENERATION_PREFIX)]
    except (OSError, IndexStateError):
        return
    if live is None or len(gens) < 2:
        return
    born = _born(live.name)
    for name in gens:
        if born is not None and (_born(name) or born) < born:
            _remove_unheld(index_dir / name)


def _born(name: str) -> int | None:
    """When a generation was created (its name is ``gen-<ns hex>-<pid>``)."""
    try:
        return int(name[len(GENERATION_PREFIX):].split("-")[0], 16)
    except ValueError:
        return None


def _remove_unheld(generation: Path) -> bool:
    """Remove a generation that is not live, unless a reader holds it."""
    try:
        fd = os.open(generation, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return False  # held by a reader (or a filesystem without flock: kept)
    try:
        shutil.rmtree(generation, ignore_errors=True)
    finally:
        os.close(fd)
    return True


# -------------------------------------------------------------------- readers


class Hold:
    """A reader's shared lock on the generation it has open; see :func:`hold`."""

    def __init__(self, index_dir: Path, generation: Path, fd: int | None) -> None:
        self.index_dir = index_dir
        self.generation = generation
        self._fd = fd

    def release(self) -> None:
        """Let go; the generation is removed if it is no longer live and no one else
        holds it."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        os.close(fd)
        try:
            live = current_generation(self.index_dir)
        except IndexStateError:
            return
        if live is not None and live != self.generation:
            _remove_unheld(self.generation)

    def __del__(self) -> None:
        if self._fd is not None:
            try:
                os.close(self._fd)
            except (OSError, TypeError, AttributeError):  # os torn down at interpreter exit
                pass


def hold(index_dir: Path, generation: Path) -> Hold:
    """Hold *generation* (the one CURRENT named) so that no one removes it while
    a reader has it open.  Raises :class:`IndexStateError` when it is gone or
    being removed, or CURRENT names another one by the time it is held: the
    caller reads CURRENT again."""
    try:
        fd = os.open(generation, os.O_RDONLY | os.O_DIRECTORY)
    except FileNotFoundError:
        raise corrupt(index_dir, f"{generation.name} missing") from None
    except OSError:
        return Hold(index_dir, generation, None)  # the open itself will say what is wrong
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        if exc.errno in _BUSY:
            raise IndexStateError(f"{generation} is being removed") from None
        return Hold(index_dir, generation, None)  # a filesystem without flock
    h = Hold(index_dir, generation, fd)
    if current_generation(index_dir) != generation:
        h.release()
        raise IndexStateError(f"{generation} was replaced meanwhile")
    return h
