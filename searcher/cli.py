"""Stage 6: the ``searcher`` command, a thin Click layer over the library.

Every command parses options, calls one library function and formats the
result.  Whoosh and ftfy are imported only inside commands that need them, so
``searcher --help`` and ``--version`` start instantly.  Exit status follows
ripgrep: 0 found, 1 nothing found, 2 error.
"""

from __future__ import annotations

import os
import sys
from enum import IntEnum
from functools import wraps

import click

from . import __version__
from .errors import SearcherError
from .startup import defer_module


class Exit(IntEnum):
    FOUND = 0
    NOT_FOUND = 1
    ERROR = 2


BOLD_MATCH = ("\x1b[1;31m", "\x1b[0m")
HEADER = ("\x1b[35m", "\x1b[0m")
DIM = ("\x1b[2m", "\x1b[0m")


def _ensure_utf8() -> None:
    """Write UTF-8 whatever the locale says (``LANG=C`` must not crash on ``ş``)."""
    for stream in (sys.stdout, sys.stderr):
        enc = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if enc != "utf8" and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(encoding="utf-8", errors="replace")
            except (ValueError, OSError):
                pass


def _json(value, indent: int | None = None) -> str:
    import json  # not for --help and --version

    return json.dumps(value, ensure_ascii=False, indent=indent)


def _fail(message: str) -> None:
    click.echo(f"searcher: error: {message}", err=True)
    sys.exit(Exit.ERROR)


def user_errors(f):
    """Turn the library's user errors into one line on stderr and exit status 2."""

    @wraps(f)
    def wrapper(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except SearcherError as exc:
            _fail(str(exc))
        except PermissionError as exc:
            _fail(f"permission denied: {exc.filename or exc}")
        except KeyboardInterrupt:
            click.echo("searcher: interrupted", err=True)
            sys.exit(130)

    return wrapper


def location_options(f):
    """``--texts`` and ``--index``, spelled the same by every command."""
    f = click.option(
        "--index", "index_dir", envvar="SEARCHER_INDEX", metavar="DIR",
        type=click.Path(file_okay=False),
        help="Index directory [env SEARCHER_INDEX; default: index/ beside the texts].",
    )(f)
    f = click.option(
        "--texts", "texts_dir", envvar="SEARCHER_TEXTS", metavar="DIR",
        type=click.Path(file_okay=False),
        help="Folder of .txt files [env SEARCHER_TEXTS; default: ./texts].",
    )(f)
    return f


def _color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or "NO_COLOR" in os.environ:
        return False
    return sys.stdout.isatty()


def _paint(text: str, codes: tuple[str, str], on: bool) -> str:
    return f"{codes[0]}{text}{codes[1]}" if on else text


class _Progress:
    """Adapts the library's progress callback to a Click progress bar on stderr."""

    def __init__(self) -> None:
        self.bar = None

    def __call__(self, done: int, total: int, name: str) -> None:
        if self.bar is None:
            self.bar = click.progressbar(
                length=total, label="searcher: indexing", file=sys.stderr,
                item_show_func=lambda x: x,
            )
            self.bar.__enter__()
        self.bar.update(1, name)
        if done >= total:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _progress():
    return _Progress() if sys.stderr.isatty() else None


def _open(texts_dir, index_dir):
    from .engine import Searcher

    return Searcher(index_dir=index_dir, texts_dir=texts_dir, progress=_progress())


def _display_path(searcher, doc: str) -> str:
    path = searcher.texts_dir / doc
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="searcher")
def main() -> None:
    """Full-text search for Turkish texts: stems, ASCII typing, phrases, typos.

    \b
    Examples:
      searcher search "Sakarya zaferi"
      searcher search gumruk --json
      searcher show sovyet-rusya-ve-tbmm-1920-1922.txt:2453 -C 1
    """
    _ensure_utf8()
    # the command's own process never downloads anything, and only an index build
    # uses Whoosh's temporary files, queues and file copies: see searcher.startup
    defer_module("urllib.request", "urlretrieve")
    defer_module("tempfile")
    defer_module("queue")
    defer_module("shutil", "copyfileobj")


@main.command()
@click.argument("query", nargs=-1, required=True)
@click.option("-n", "--limit", default=10, show_default=True, type=click.IntRange(1),
              help="Most hits to show.")
@click.option("-C", "--context", default=0, show_default=True, type=click.IntRange(0),
              help="Neighbouring passages to show around each hit.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array of hits.")
@click.option("--jsonl", is_flag=True, help="Print one JSON object per hit and line.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help="Mark matches in colour (auto: on a terminal, no NO_COLOR).")
@click.option("--heading/--no-heading", default=None,
              help="Readable blocks per hit (default on a terminal) or path:line:snippet lines.")
@click.option("--phrase", is_flag=True,
              help="Treat the whole query as one phrase (paste a quotation as it is).")
@location_options
@user_errors
def search(query, limit, context, as_json, jsonl, color, heading, phrase, texts_dir, index_dir):
    """Search the texts and print the best passages.

    Words match in any inflection, case or ASCII spelling; "double quotes" make a
    phrase.  Exit status: 0 found, 1 nothing found, 2 error.

    \b
    Examples:
      searcher search "Sakarya zaferi"
      searcher search Kazim Karabekir Pasa -n 3
      searcher search --phrase hasta adam
      searcher search gumruk --jsonl | jq .line
    """
    text = " ".join(query)
    with _open(texts_dir, index_dir) as s:
        hits = s.search(text, limit, phrase=phrase, context=context)
        if as_json or jsonl:
            if as_json:
                click.echo(_json([h.to_dict() for h in hits], indent=1))
            else:
                for h in hits:
                    click.echo(_json(h.to_dict()))
        else:
            on = _color(color)
            pretty = sys.stdout.isatty() if heading is None else heading
            for h in hits:
                path = _display_path(s, h.doc)
                if pretty:
                    _print_block(h, path, on, context)
                else:
                    _print_line(h, path, on, context)
    if not hits:
        click.echo(f"searcher: no passages match {text!r}", err=True)
        sys.exit(Exit.NOT_FOUND)


def _marked(snippet, on: bool) -> str:
    return snippet.marked(*BOLD_MATCH) if on else snippet.text


def _print_line(h, path: str, on: bool, context: int) -> None:
    for t in h.before:
        click.echo(f"{path}-{' '.join(t.split())}")
    click.echo(f"{path}:{h.line}:{_marked(h.snippet, on)}", color=on)
    for t in h.after:
        click.echo(f"{path}-{' '.join(t.split())}")
    if context:
        click.echo("--")


def _notes(footnotes) -> str:
    return "notes: " + ", ".join(f"{f.marker} line {f.line}" for f in footnotes)


def _print_block(h, path: str, on: bool, context: int) -> None:
    where = f"{path}:{h.line}  p.{h.page}"
    if h.section:
        where += f"  §{h.section}"
    where += f"  ¶{h.passage}  score {h.score:.1f}"
    # color=on: Click strips escape codes when stdout is no terminal, unless told
    click.echo(_paint(where, HEADER, on), color=on)
    for t in h.before:
        click.echo(_paint(_indent(t), DIM, on), color=on)
    click.echo(_indent(_marked(h.snippet, on)), color=on)
    for t in h.after:
        click.echo(_paint(_indent(t), DIM, on), color=on)
    if h.footnotes:
        click.echo(_paint("  " + _notes(h.footnotes), DIM, on), color=on)
    click.echo()


def _indent(text: str) -> str:
    return "  " + text


@main.command("index")
@click.option("--rebuild", is_flag=True, help="Rebuild from scratch instead of updating.")
@location_options
@user_errors
def index_cmd(rebuild, texts_dir, index_dir):
    """Build or update the index (progress and summary on stderr).

    Only texts that were added, changed or removed since the last build are
    (re)indexed; searches do this by themselves, so this is rarely needed.

    \b
    Examples:
      searcher index
      searcher index --rebuild --texts ~/belgeler
    """
    from . import index
    from .engine import default_dirs

    texts, idx = default_dirs(texts_dir, index_dir)
    report = index.update(texts, idx, rebuild=rebuild, progress=_progress())
    for w in report.warnings:
        click.echo(f"searcher: warning: {w}", err=True)
    click.echo(
        f"searcher: {report.documents} documents, {report.passages} passages "
        f"({report.indexed} indexed) in {report.seconds:.2f} s -> {idx}",
        err=True,
    )


@main.command()
@click.argument("location")
@click.option("-C", "--context", default=0, show_default=True, type=click.IntRange(0),
              help="Neighbouring passages to show.")
@click.option("--json", "as_json", is_flag=True, help="Print the passage as JSON.")
@location_options
@user_errors
def show(location, context, as_json, texts_dir, index_dir):
    """Show the passage at DOC:LINE or DOC:¶NUMBER, with its footnotes.

    \b
    Examples:
      searcher show sovyet-rusya-ve-tbmm-1920-1922.txt:2453
      searcher show texts/sovyet-rusya-ve-tbmm-1920-1922.txt:¶52 -C 1
    """
    with _open(texts_dir, index_dir) as s:
        p, before, after = s.locate(location, context)
        path = _display_path(s, p.doc)
    if as_json:
        out = {
            "doc": p.doc, "passage": p.number, "line_start": p.line_start,
            "line_end": p.line_end, "page": p.page, "section": p.section, "text": p.text,
            "footnotes": [f.to_dict() for f in p.footnotes],
            "before": [q.text for q in before], "after": [q.text for q in after],
        }
        click.echo(_json(out, indent=1))
        return
    for q in (*before, p, *after):
        head = f"{path}:{q.line_start}-{q.line_end}  p.{q.page}"
        if q.section:
            head += f"  §{q.section}"
        click.echo(f"{head}  ¶{q.number}")
        click.echo(_indent(q.text))
        if q.footnotes:
            click.echo("  " + _notes(q.footnotes))
        click.echo()


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@location_options
@user_errors
def stats(as_json, texts_dir, index_dir):
    """Documents, passages, pages, footnotes, terms, index size, age and versions.

    \b
    Examples:
      searcher stats
      searcher stats --json | jq .passages
    """
    import time

    with _open(texts_dir, index_dir) as s:
        st = s.stats()
    if as_json:
        click.echo(_json(st, indent=1))
        return
    age = time.time() - st["built"]
    rows = [
        ("texts", st["texts"]),
        ("index", st["index"]),
        ("documents", st["documents"]),
        ("passages", st["passages"]),
        ("pages", st["pages"]),
        ("footnote markers", st["footnotes"]),
        ("distinct terms", ", ".join(f"{k} {v}" for k, v in st["terms"].items())),
        ("index size", f"{st['index_bytes'] / 1024:.0f} KiB"),
        ("index age", _age(age)),
        ("schema/analyzer", f"{st['schema_version']}/{st['analyzer_version']}"),
    ]
    for k, v in rows:
        click.echo(f"{k + ':':<18}{v}")


def _age(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f} {unit}"
    return f"{seconds:.0f} s"


def run() -> None:
    """The ``searcher`` console script: :func:`main`, then exit at once.

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
        main()
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


if __name__ == "__main__":  # pragma: no cover
    run()
