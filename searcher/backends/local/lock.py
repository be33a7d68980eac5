"""Stage 4 (index): the writers' lock, which says who holds it and is never held by the dead.

One build or update at a time takes an exclusive ``flock`` on ``index/.lock`` and
writes into that file who it is: pid, the process's start time (so a reused pid is
not taken for it), host, since when.  Another writer that finds the lock taken:

* reads the record and says at once who holds the index and since when, then waits
  up to its timeout (``searcher index --wait SECONDS``), telling how long it has
  waited, or fails with one line naming the holder;
* takes the lock over at once when the recorded holder is gone (a build killed while
  a process it forked still holds the inherited ``flock``: the old Whoosh workers
  did): the lock file is replaced, under a short lock on the index folder so two
  waiters never both replace it, and the orphan is left holding a file nobody uses.

A big build forks one worker (:mod:`searcher.backends.local.worker`), which dies with
it; the lock's descriptor is closed in any process forked while it is held, so only
the build itself ever holds the lock, and the kernel drops it the moment the build dies.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from searcher.backends import process
from searcher.errors import IndexStateError

LOCK = ".lock"
_BUSY = (errno.EAGAIN, errno.EACCES)


@dataclass(frozen=True)
class Holder:
    """Who holds the writers' lock, as it recorded itself."""

    pid: int
    started: str  # the process's start time as the system counts it ("" if unknown)
    host: str
    since: float  # when it took the lock (seconds since the epoch)

    def describe(self) -> str:
        when = time.strftime("%H:%M:%S", time.localtime(self.since))
        where = "" if self.host == socket.gethostname() else f" on {self.host}"
        return f"process {self.pid}{where} since {when}"

    def alive(self) -> bool:
        """False only when the holder is surely gone (same host, no such process, or a
        later process with its pid); a holder on another host counts as alive."""
        return process.alive(self.pid, self.started, self.host)


def read_holder(index_dir: Path) -> Holder | None:
    """The holder recorded in the lock file (None if none or unreadable)."""
    try:
        with open(index_dir / LOCK, encoding="utf-8") as f:
            rec = json.loads(f.read() or "null")
        return Holder(int(rec["pid"]), str(rec["started"]), str(rec["host"]),
                      float(rec["since"]))
    except (OSError, ValueError, TypeError, KeyError):
        return None


def _record(fd: int) -> None:
    me = {**process.me(), "what": "searcher index"}
    data = json.dumps(me).encode()
    os.ftruncate(fd, 0)
    os.pwrite(fd, data, 0)


def _open(index_dir: Path) -> int:
    try:
        return os.open(index_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except PermissionError as exc:
        raise IndexStateError(f"cannot write index {index_dir}: permission denied") from exc
    except OSError as exc:
        raise IndexStateError(f"cannot write index {index_dir}: {exc.strerror}") from exc


def _try(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError as exc:
        if exc.errno not in _BUSY:
            raise
        return False


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.stat(path).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        return False


def _take_over(index_dir: Path, fd: int) -> None:
    """Replace the lock file whose holder is gone (the file *fd* is open on), under
    a lock on the folder so that two waiters never replace a live one."""
    dfd = os.open(index_dir, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(dfd, fcntl.LOCK_EX)
        if _same_file(fd, index_dir / LOCK):
            holder = read_holder(index_dir)
            if holder is None or not holder.alive():
                os.unlink(index_dir / LOCK)
    finally:
        os.close(dfd)


#: Descriptors of the writers' lock held by this process.
_HELD: set[int] = set()


def _forget_in_child() -> None:
    """In a process just forked (a build's worker): let go of the parent's lock
    descriptors, so that the lock is free the moment the parent dies."""
    for fd in _HELD:
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)


#: ``waiting(holder, waited seconds, timeout)``: told when a writer starts waiting and
#: about every second after.
Waiting = Callable[[Holder | None, float, float], None]


@contextmanager
def writer_lock(index_dir: Path, timeout: float = 60.0,
                waiting: Waiting | None = None) -> Iterator[None]:
    """Exclusive lock for writers; a second writer waits up to *timeout* seconds
    (told through *waiting*), never for a holder that is gone."""
    from searcher.backends.local.folder import claim

    claim(index_dir)
    path = index_dir / LOCK
    started = time.monotonic()
    told = None
    while True:
        fd = _open(index_dir)
        try:
            if _try(fd):
                if _same_file(fd, path):
                    break
                os.close(fd)  # taken over meanwhile: lock the new file
                continue
            holder = read_holder(index_dir)
            if holder is not None and not holder.alive():
                _take_over(index_dir, fd)
                os.close(fd)
                continue
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
        waited = time.monotonic() - started
        if waited >= timeout:
            who = f"by {holder.describe()}" if holder else "by another process"
            raise IndexStateError(
                f"index {index_dir} is being built {who}; try again when it finishes"
                + (f" (waited {waited:.0f} s)" if timeout else "")
            )
        if waiting is not None and (told is None or waited - told >= 1):
            waiting(holder, waited, timeout)
            told = waited
        time.sleep(0.05)
    _HELD.add(fd)
    try:
        _record(fd)
        yield
    finally:
        _HELD.discard(fd)
        try:
            os.ftruncate(fd, 0)  # no holder on record: the next writer reads none
        except OSError:
            pass
        os.close(fd)
