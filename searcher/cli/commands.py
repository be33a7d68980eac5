"""Stage 6: what the ``searcher`` commands do that needs no Click.

Writing to the terminal, exit statuses, user errors as one line, opening the
searcher, the body of ``searcher search``, and the way out of the process.
:mod:`searcher.cli` parses the command line with Click and calls these;
:mod:`searcher.cli.console` calls :func:`search` directly for a plain
``searcher search WORDS...`` (no options), so the commonest command does not pay
for importing Click.  Whatever path it took, a command prints the same.
"""

from __future__ import annotations

import os
import sys
from enum import IntEnum
from functools import wraps

from searcher.cli import output, writes_utf8
from searcher.errors import SearcherError


class Exit(IntEnum):
    FOUND = 0
    NOT_FOUND = 1
    ERROR = 2


def ensure_utf8() -> None:
    """Write UTF-8 whatever the locale says (``LANG=C`` must not crash on ``ş``)."""
    for stream in (sys.stdout, sys.stderr):
        if not writes_utf8(stream) and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(encoding="utf-8", errors="replace")
            except (ValueError, OSError):
                pass


_ANSI = r"\033\[[;?0-9]*[a-zA-Z]"  # click.utils' pattern for colour codes


def echo(text: str = "", *, err: bool = False, nl: bool = True, color: bool | None = None
         ) -> None:
    """Print as ``click.echo`` does on the UTF-8 streams of :func:`ensure_utf8`:
    colour codes removed when *color* is False (None: when the stream is no
    terminal), flushed at once."""
    stream = sys.stderr if err else sys.stdout
    if stream is None:  # no console (pythonw): nowhere to write, as Click
        return
    if nl:
        text += "\n"
    if "\x1b" in text and not (stream.isatty() if color is None else color):
        import re

        text = re.sub(_ANSI, "", text)
    if text:
        stream.write(text)
    stream.flush()


def fail(message: str) -> None:
    echo(f"searcher: error: {message}", err=True)
    sys.exit(Exit.ERROR)


def user_errors(f):
    """Turn the library's user errors into one line on stderr and exit status 2."""

    @wraps(f)
    def wrapper(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except SearcherError as exc:
            fail(str(exc))
        except PermissionError as exc:
            fail(f"permission denied: {exc.filename or exc}")
        except KeyboardInterrupt:
            echo("searcher: interrupted", err=True)
            sys.exit(130)

    return wrapper


def use_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or "NO_COLOR" in os.environ:
        return False
    return sys.stdout.isatty()


class _Progress:
    """Adapts the library's progress callback to a Click progress bar on stderr."""

    def __init__(self) -> None:
        self.bar = None

    def __call__(self, done: int, total: int, name: str) -> None:
        if self.bar is None:
            import click

            self.bar = click.progressbar(
                length=total, label="searcher: indexing", file=sys.stderr,
                item_show_func=lambda x: x,
            )
            self.bar.__enter__()
        self.bar.update(1, name)
        if done >= total:
            self.bar.__exit__(None, None, None)
            self.bar = None


def progress():
    return _Progress() if sys.stderr.isatty() else None


def waiting_line():
    """What ``searcher index`` says while another build holds the index: at once, who
    holds it and since when; then how long it has waited (in place on a terminal,
    every 10 s elsewhere)."""
    tty = sys.stderr.isatty()
    shown = [None]

    def waiting(holder, waited: float, timeout: float) -> None:
        who = holder.describe() if holder is not None else "another process"
        if shown[0] is None:
            sys.stderr.write(f"searcher: the index is being built by {who}; waiting up to "
                             f"{timeout:g} s (--wait SECONDS)\n")
            shown[0] = 0.0
        elif tty:
            sys.stderr.write(f"\rsearcher: waited {waited:.0f} s of {timeout:g} for {who}")
        elif waited - shown[0] >= 10:
            sys.stderr.write(f"searcher: waited {waited:.0f} s of {timeout:g} for {who}\n")
            shown[0] = waited
        sys.stderr.flush()

    return waiting


def open_searcher(texts_dir, index_dir, opensearch=None, index_name=None):
    """The searcher a command's location options name (the backend is
    :class:`~searcher.backends.base.Searcher`'s choice)."""
    from searcher.backends.base import Searcher

    return Searcher(index_dir, texts_dir, opensearch=opensearch, index_name=index_name,
                    progress=progress())


def display_path(searcher, doc: str) -> str:
    path = searcher.texts_dir / doc
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


@user_errors
def search(
    text: str, *, limit: int = 10, context: int = 0, as_json: bool = False,
    jsonl: bool = False, color: str = "auto", heading: bool | None = None,
    phrase: bool = False, exact: bool = False, semantic: bool | None = None, texts_dir=None,
    index_dir=None, opensearch=None, index_name: str | None = None, doc=None, pages=None,
) -> None:
    """``searcher search``: the defaults are the command's option defaults."""
    with open_searcher(texts_dir, index_dir, opensearch, index_name) as s:
        hits = s.search(text, limit, phrase=phrase, context=context, exact=exact, doc=doc,
                        pages=pages, semantic=semantic)
        for typed, near in hits.corrections.items():
            echo(
                f"searcher: no match for '{typed}'; searched near words: {', '.join(near)}",
                err=True,
            )
        if hits.not_in_texts:  # a question's real words the texts lack: left out
            echo(f"searcher: not in the texts: {', '.join(hits.not_in_texts)}", err=True)
        held = [h.words_held for h in hits if h.words_held is not None]
        if held:
            echo(f"searcher: question words searched: {', '.join(hits.question_words)}; "
                 f"the hits hold {', '.join(map(str, held))} of them", err=True)
        if as_json or jsonl:
            # when a typed word matched nothing, each hit says which near words were
            # searched instead, and for a question which words no text holds;
            # otherwise a hit is exactly Hit.to_dict()
            extra: dict = {}
            if hits.corrections:
                extra["corrections"] = {k: list(v) for k, v in hits.corrections.items()}
            if hits.not_in_texts:
                extra["not_in_texts"] = list(hits.not_in_texts)
            rows = [{**h.to_dict(), **extra} for h in hits]
            echo(output.json_text(rows, jsonl), nl=False)
        else:
            on = use_color(color)
            pretty = sys.stdout.isatty() if heading is None else heading
            layout = output.hit_block if pretty else output.hit_line
            for h in hits:
                # color=on: escape codes are stripped when stdout is no terminal, unless told
                echo(layout(h, display_path(s, h.doc), on, context), nl=False, color=on)
    if not hits:
        echo(f"searcher: no passages match {text!r}", err=True)
        sys.exit(Exit.NOT_FOUND)
    if hits[0].match not in ("exact", "words", "semantic"):  # a quotation's lower tier
        echo("searcher: no exact match for the quotation; closest passages shown", err=True)


def run_and_exit(command) -> None:
    """Run *command*, then exit at once with its status.

    A normal exit tears the interpreter down, freeing every module and object one by
    one (Whoosh, Click, the open index): ~15% of a terminal search.  Here the output
    is flushed and exit handlers run, then the process ends and the system frees it
    all at once.  An uncaught exception or an output that cannot be flushed (a closed
    pipe, a full disk) takes the normal way out, which reports it as before.

    The cycle collector runs 30 times less often: a search ran it 57 times over the
    ~20,000 objects that importing Click, Whoosh and the engine leaves, to free 460
    of them, ~7% of a search (a long index build still collects, only less often).
    """
    import gc

    gc.set_threshold(20_000, 50, 50)
    try:
        command()
        code = 0
    except SystemExit as exc:
        code = exc.code
    if not isinstance(code, int):  # None or a message, as sys.exit() treats them
        if code is not None:
            print(code, file=sys.stderr)
        code = 0 if code is None else 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        sys.exit(code)
    import atexit

    atexit._run_exitfuncs()
    os._exit(code)
