"""``searcher serve``: open the searcher, bind the address, serve until Ctrl-C.

The index is brought up to date before the first request (a build shows its
progress as ``searcher index`` does); after that a second searcher keeps it so on
a thread of its own while the shared one answers (:mod:`searcher.web.shared`).
"""

from __future__ import annotations

import socket
import sys
import threading

from searcher.config import opensearch_url
from searcher.errors import SearcherError
from searcher.web.guard import allowed_hosts, is_loopback


class ServeError(SearcherError):
    """The address cannot be served (in use, not this machine's, not allowed)."""


def url_of(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on *host*:*port* (0: any free port); ServeError with one line."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto given: asyncio sets TCP_NODELAY on accepted connections only when it is TCP's,
    # and without it a keep-alive request waits ~40 ms on the client's delayed ACK
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; "
                         "choose another with --port or --host") from None
    sock.set_inheritable(True)
    return sock


def open_searchers(texts_dir, index_dir, opensearch, index_name, progress=None):
    """The shared searcher, and the one that keeps the index current on its own thread
    (None for a cluster: a search never updates it).  A local index is brought up to
    date here, before the first request."""
    from searcher.backends.base import Searcher

    where = {"opensearch": opensearch, "index_name": index_name}
    if opensearch_url(opensearch, index_dir):
        s = Searcher(index_dir, texts_dir, **where)
        s.refresh()  # the cluster answers and the index is there, or one line now
        return s, None
    keeper = Searcher(index_dir, texts_dir, progress=progress, **where)
    try:
        keeper.refresh()
    except BaseException:
        keeper.close()
        raise
    return Searcher(index_dir, texts_dir, auto_update=False, **where), keeper


def serve(texts_dir=None, index_dir=None, opensearch=None, index_name=None, *,
          host: str = "127.0.0.1", port: int = 8765, open_browser: bool = False,
          progress=None, echo=None) -> None:
    """Serve until interrupted; *echo* writes a line to stderr."""
    import uvicorn

    from searcher.web.app import close_app, create_app

    say = echo or (lambda line: print(line, file=sys.stderr, flush=True))
    searcher, keeper = open_searchers(texts_dir, index_dir, opensearch, index_name, progress)
    try:
        sock = bind(host, port)
    except ServeError:
        searcher.close()
        if keeper is not None:
            keeper.close()
        raise
    port = sock.getsockname()[1]

    def warn(message: str) -> None:
        say(f"searcher: warning: {message}")

    app = create_app(searcher, hosts=allowed_hosts(host), warn=warn,
                     refresh=keeper.refresh if keeper is not None else None)
    if not is_loopback(host):
        warn(f"serving on {host}, not only to this machine: anyone who can reach it "
             "can read the texts")
    url = url_of("127.0.0.1" if host in ("0.0.0.0", "") else host, port)
    say(f"searcher: serving {searcher.texts_dir} at {url} (Ctrl-C to stop)")
    if open_browser:
        import webbrowser

        threading.Timer(0.3, webbrowser.open, (url,)).start()
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                            timeout_graceful_shutdown=5)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn has stopped, then passes the Ctrl-C on
        pass
    finally:
        close_app(app)
        if keeper is not None:
            keeper.close()
        sock.close()
    say("searcher: stopped")
