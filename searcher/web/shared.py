"""One searcher shared by every request, safe under concurrency, never waiting on a rebuild.

Requests run in a pool of threads.  Each call into the searcher takes one lock: the
local backend already serialises its calls (a search takes ~1 ms), and the cluster's
searcher re-reads its manifest on each search, which another thread must not see
half done.  Keeping the index up to date with the texts is a second searcher's job,
on a thread of its own (:class:`Freshness`): the shared searcher is opened with
``auto_update=False`` and only moves to a newer complete index when one is there
(index generations are swapped atomically), so a search during a rebuild answers
from the last complete index.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class Freshness:
    """Runs *refresh* (a searcher's ``refresh``: a stat per text, a rebuild when one
    changed) on its own thread whenever a request asks; the request waits at most
    *wait* seconds for it, so a quick update is seen at once and a long rebuild
    goes on while searches answer from the index as it was."""

    def __init__(self, refresh: Callable[[], None], wait: float = 0.25,
                 warn: Callable[[str], None] | None = None) -> None:
        self._refresh = refresh
        self._wait = wait
        self._warn = warn
        self._cond = threading.Condition()
        self._asked = self._done = 0
        self._closed = False
        self._last_error: str | None = None
        self._thread: threading.Thread | None = None

    def catch_up(self) -> None:
        """Ask for a refresh and wait for it, at most the time given."""
        with self._cond:
            if self._closed:
                return
            self._asked += 1
            ticket = self._asked
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="searcher-freshness",
                                                daemon=True)
                self._thread.start()
            self._cond.notify_all()
            self._cond.wait_for(lambda: self._done >= ticket, timeout=self._wait)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until every refresh asked for so far is done (for tests and shutdown)."""
        with self._cond:
            target = self._asked
            return self._cond.wait_for(lambda: self._done >= target or self._closed, timeout)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._asked > self._done or self._closed)
                if self._closed:
                    return
                target = self._asked
            error = None
            try:
                self._refresh()
            except Exception as exc:  # noqa: BLE001 - the server keeps answering from the last index
                error = str(exc) or exc.__class__.__name__
            if error != self._last_error and error is not None and self._warn:
                self._warn(f"{error}; answering from the last complete index")
            self._last_error = error
            with self._cond:
                self._done = target
                self._cond.notify_all()


class Shared:
    """The searcher every request uses: ``shared.call("search", q, 10)``."""

    def __init__(self, searcher, freshness: Freshness | None = None) -> None:
        self.searcher = searcher
        self.freshness = freshness
        self._lock = threading.Lock()

    def call(self, method: str, *args, **kwargs):
        if self.freshness is not None:
            self.freshness.catch_up()
        with self._lock:
            return getattr(self.searcher, method)(*args, **kwargs)

    def close(self) -> None:
        if self.freshness is not None:
            self.freshness.close()
        with self._lock:
            self.searcher.close()
