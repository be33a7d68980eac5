"""Stage 4 (index): a second process for a big build, that dies with the build.

A build of many texts gives a share of them to one forked worker, which reads and
indexes them into segments of its own while the build does the rest; the build then
commits the worker's segments after its own (:mod:`searcher.backends.local.build`).
Two cores, about half the wall time (benchmarks/speed.py ``--builds``).

The rules of a build that dies (issue 22, tests/test_build_faults.py) hold for the
worker:

* it dies with its parent: the kernel kills it when the parent goes
  (``PR_SET_PDEATHSIG`` on Linux, set before it does anything), and it looks, between
  two texts, whether the pipe only its parent writes to has closed (any system);
* it never holds the writers' lock: the lock's descriptor is closed in any forked
  child (:mod:`searcher.backends.local.lock`), so a killed build's lock is free at once;
* the parent kills and reaps it on any error, and a worker that dies is an error
  of the build, never a silent half index.

Only :func:`start` forks; what the worker does is the job it is given.
"""

from __future__ import annotations

import os
import select
import signal
import sys
from collections.abc import Callable
from typing import Any

from searcher.errors import IndexStateError

#: ``job(send, parent_alive)``: the worker's work; *send* hands a value to the parent.
Job = Callable[[Callable[[Any], None], Callable[[], bool]], None]

_PR_SET_PDEATHSIG = 1
_VALUE, _DONE, _FAILED = "value", "done", "failed"


class WorkerFailed(IndexStateError):
    """The worker died without saying why (killed, out of memory): the build fails,
    and the previous index is kept."""


def _die_with(parent: int) -> None:
    """Ask the kernel to kill this process when *parent* goes; if it is gone already,
    go now."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the pipe check still ends it
    if os.getppid() != parent:
        os._exit(1)


class Worker:
    """The parent's handle on a started worker: the values its job sends, in order."""

    def __init__(self, pid: int, results, life: int) -> None:
        self.pid = pid
        self._results = results  # a multiprocessing Connection: the worker's messages
        self._life = life  # write end of the pipe the worker watches; closed: parent gone
        self.rusage = None  # the worker's resource use, once reaped

    def ready(self) -> list[Any]:
        """The values the worker has sent so far, without waiting."""
        got = []
        while self.pid and self._results.poll(0):
            got += self._take()
        return got

    def rest(self) -> list[Any]:
        """Every value until the worker is done, waiting for them; raises what the
        worker's job raised, or :class:`WorkerFailed` when it died."""
        got = []
        while self.pid:
            got += self._take()
        return got

    def _take(self) -> list[Any]:
        try:
            kind, value = self._results.recv()
        except EOFError:
            status = self._reap()
            raise WorkerFailed(f"the build's worker process died ({_how(status)})") from None
        if kind == _FAILED:
            self._reap()
            raise value
        if kind == _DONE:
            self._reap()
            return []
        return [value]

    def _reap(self) -> int:
        _, status, self.rusage = os.wait4(self.pid, 0)
        self.pid = 0
        if self._life >= 0:
            os.close(self._life)
            self._life = -1
        self._results.close()
        return status

    def stop(self) -> None:
        """Kill the worker (if it still runs) and reap it."""
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._reap()


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"


def start(job: Job) -> Worker:
    """Fork a worker that runs *job* (``job(send, parent_alive)``) and then exits;
    the parent reads what it sends through the returned :class:`Worker`."""
    import gc
    from multiprocessing.connection import Pipe

    parent = os.getpid()
    results_r, results_w = Pipe(duplex=False)
    life_r, life_w = os.pipe()
    gc.freeze()  # the child never collects (or flushes) the parent's objects
    try:
        pid = os.fork()
    except BaseException:
        gc.unfreeze()
        for fd in (life_r, life_w):
            os.close(fd)
        results_r.close()
        results_w.close()
        raise
    if pid == 0:  # the worker
        code = 1
        try:
            _die_with(parent)
            os.close(life_w)
            results_r.close()

            def parent_alive() -> bool:
                return not select.select([life_r], [], [], 0)[0]  # readable: EOF

            def send(value) -> None:
                results_w.send((_VALUE, value))

            try:
                job(send, parent_alive)
                results_w.send((_DONE, None))
                code = 0
            except BaseException as exc:  # noqa: BLE001 -- told to the parent
                try:
                    results_w.send((_FAILED, exc))
                except Exception:  # noqa: BLE001 -- an exception that does not pickle
                    import traceback

                    results_w.send((_FAILED, RuntimeError(traceback.format_exc())))
        finally:
            os._exit(code)  # no atexit, no flushing of the parent's buffers
    gc.unfreeze()
    os.close(life_r)
    results_w.close()
    return Worker(pid, results_r, life_w)
