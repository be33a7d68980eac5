"""Stage 6: the ``searcher`` command, a thin Click layer over the library.

Every command parses options, calls one library function and formats the
result (how results look is :mod:`searcher.output`).  Whoosh and ftfy are
imported only inside commands that need them; the console script
(:mod:`searcher.console`) answers ``searcher --help`` and ``--version`` without
importing this module, or Click, at all.  Exit status follows ripgrep: 0 found,
1 nothing found, 2 error.
"""

from __future__ import annotations

import os
import sys
from enum import IntEnum
from functools import wraps

import click

from . import __version__, output
from .errors import SearcherError
from .startup import defer_for_command


class Exit(IntEnum):
    FOUND = 0
    NOT_FOUND = 1
    ERROR = 2


def _ensure_utf8() -> None:
    """Write UTF-8 whatever the locale says (``LANG=C`` must not crash on ``ş``)."""
    for stream in (sys.stdout, sys.stderr):
        enc = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if enc != "utf8" and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(encoding="utf-8", errors="replace")
            except (ValueError, OSError):
                pass


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
    """``--texts``, ``--index``, ``--opensearch`` and ``--index-name``, spelled the same
    by every command."""
    f = click.option(
        "--index-name", "index_name", default="searcher", show_default=True, metavar="NAME",
        help="With --opensearch: the index (an alias) on the cluster.",
    )(f)
    f = click.option(
        "--opensearch", "opensearch", metavar="URL",
        help="Use the index on this OpenSearch cluster instead of a local one: "
        "http(s)://[user:password@]host:port, several nodes separated by commas "
        "[env SEARCHER_OPENSEARCH; CA file: env SEARCHER_OPENSEARCH_CA].",
    )(f)
    f = click.option(
        "--index", "index_dir", metavar="DIR",
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


def _open(texts_dir, index_dir, opensearch=None, index_name=None):
    from .engine import Searcher
    from .locations import opensearch_url

    url = opensearch_url(opensearch, index_dir)
    if url:
        return Searcher(opensearch=url, index_name=index_name, texts_dir=texts_dir)
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
      searcher kwic antlaşma --sort left
    """
    _ensure_utf8()
    defer_for_command()  # modules only some commands use: see searcher.startup


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
@click.option("--exact", is_flag=True,
              help="Quotations word for word only (no other inflections, no near matches).")
@location_options
@user_errors
def search(
    query, limit, context, as_json, jsonl, color, heading, phrase, exact, texts_dir, index_dir,
    opensearch, index_name,
):
    """Search the texts and print the best passages.

    Words match in any inflection, case or ASCII spelling; "double quotes" make a
    phrase, found word for word first, then in other inflections, then with a word
    left out or added (each hit says which; --exact keeps the first kind only).
    Exit status: 0 found, 1 nothing found, 2 error.

    \b
    Examples:
      searcher search "Sakarya zaferi"
      searcher search Kazim Karabekir Pasa -n 3
      searcher search --phrase hasta adam
      searcher search '"dostluk anlaşması imzaladı"' --exact
      searcher search gumruk --jsonl | jq .line
    """
    text = " ".join(query)
    with _open(texts_dir, index_dir, opensearch, index_name) as s:
        hits = s.search(text, limit, phrase=phrase, context=context, exact=exact)
        for typed, near in hits.corrections.items():
            click.echo(
                f"searcher: no match for '{typed}'; searched near words: {', '.join(near)}",
                err=True,
            )
        if as_json or jsonl:
            # when a typed word matched nothing, each hit says which near words were
            # searched instead; otherwise a hit is exactly Hit.to_dict()
            extra = {"corrections": {k: list(v) for k, v in hits.corrections.items()}}
            rows = [{**h.to_dict(), **(extra if hits.corrections else {})} for h in hits]
            click.echo(output.json_text(rows, jsonl), nl=False)
        else:
            on = _color(color)
            pretty = sys.stdout.isatty() if heading is None else heading
            layout = output.hit_block if pretty else output.hit_line
            for h in hits:
                # color=on: Click strips escape codes when stdout is no terminal, unless told
                click.echo(layout(h, _display_path(s, h.doc), on, context), nl=False, color=on)
    if not hits:
        click.echo(f"searcher: no passages match {text!r}", err=True)
        sys.exit(Exit.NOT_FOUND)
    if hits[0].match not in ("exact", "words"):
        click.echo("searcher: no exact match for the quotation; closest passages shown", err=True)


@main.command("index")
@click.option("--rebuild", is_flag=True, help="Rebuild from scratch instead of updating.")
@click.option("--shards", default=3, show_default=True, type=click.IntRange(1, 1024),
              help="With --opensearch: primary shards of the index.")
@click.option("--replicas", default=1, show_default=True, type=click.IntRange(0, 16),
              help="With --opensearch: copies of each shard on other nodes.")
@location_options
@user_errors
def index_cmd(rebuild, shards, replicas, texts_dir, index_dir, opensearch, index_name):
    """Build or update the index (progress and summary on stderr).

    Only texts that were added, changed or removed since the last build are
    (re)indexed; searches do this by themselves, so this is rarely needed.

    \b
    Examples:
      searcher index
      searcher index --rebuild --texts ~/belgeler
      searcher index --opensearch http://127.0.0.1:9200 --shards 3 --replicas 1
    """
    from . import index
    from .locations import default_dirs, opensearch_url

    texts, idx = default_dirs(texts_dir, index_dir)
    opensearch = opensearch_url(opensearch, index_dir)
    if opensearch:
        from . import opensearch_index

        report = opensearch_index.update(
            texts, opensearch, index_name, shards=shards, replicas=replicas, rebuild=rebuild,
            progress=_progress(),
        )
        idx = f"{opensearch_index.redact(opensearch)} {index_name}"
    else:
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
def show(location, context, as_json, texts_dir, index_dir, opensearch, index_name):
    """Show the passage at DOC:LINE or DOC:¶NUMBER, with its footnotes.

    \b
    Examples:
      searcher show sovyet-rusya-ve-tbmm-1920-1922.txt:2453
      searcher show texts/sovyet-rusya-ve-tbmm-1920-1922.txt:¶52 -C 1
    """
    with _open(texts_dir, index_dir, opensearch, index_name) as s:
        p, before, after = s.locate(location, context)
        path = _display_path(s, p.doc)
    if as_json:
        click.echo(output.to_json(output.passage_dict(p, before, after), indent=1))
    else:
        click.echo(output.passages_text((*before, p, *after), path), nl=False)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@location_options
@user_errors
def stats(as_json, texts_dir, index_dir, opensearch, index_name):
    """Documents, passages, pages, footnotes, terms, index size, age and versions.

    \b
    Examples:
      searcher stats
      searcher stats --json | jq .passages
    """
    with _open(texts_dir, index_dir, opensearch, index_name) as s:
        st = s.stats()
    click.echo(output.to_json(st, indent=1) if as_json else output.stats_text(st), nl=as_json)


def _occurrence_options(f):
    """``--phrase`` and the location options, spelled the same by kwic and where."""
    f = click.option("--phrase", is_flag=True,
                     help="Treat the query (with where: each WORD) as one phrase.")(f)
    return location_options(f)


@main.command()
@click.argument("query", nargs=-1, required=True)
@click.option("--sort", type=click.Choice(["position", "left", "right"]), default="position",
              show_default=True,
              help="Document order, or by the words before (left) / after (right) the match.")
@click.option("-w", "--width", default=40, show_default=True, type=click.IntRange(1, 500),
              help="Characters of context on each side.")
@click.option("-n", "--limit", type=click.IntRange(1), help="Most lines to show (all by default).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array of lines.")
@click.option("--jsonl", is_flag=True, help="Print one JSON object per line.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help="Mark matches in colour (auto: on a terminal, no NO_COLOR).")
@_occurrence_options
@user_errors
def kwic(query, sort, width, limit, as_json, jsonl, color, phrase, texts_dir, index_dir,
         opensearch, index_name):
    """A concordance: every occurrence in context, one line each.

    KWIC (key word in context), as in AntConc.  The query is read as by
    `search`: a word matches in any inflection, case or ASCII spelling, "double
    quotes" make a phrase.  Each line shows DOC:LINE and page, then the match in
    one column between its left and right context, which runs across line and
    page breaks.  The count goes to stderr.  Exit status: 0 found, 1 nothing
    found, 2 error.

    \b
    Examples:
      searcher kwic antlaşma
      searcher kwic cicerin --sort right -w 30
      searcher kwic '"Kızıl Ordu"' -n 5
      searcher kwic gumruk --jsonl | jq .right
    """
    text = " ".join(query)
    with _open(texts_dir, index_dir, opensearch, index_name) as s:
        lines = s.concordance(text, width=width, sort=sort, phrase=phrase)
        paths = {doc: _display_path(s, doc) for doc in {k.doc for k in lines}}
    if not lines:
        click.echo(f"searcher: no occurrences of {text!r}", err=True)
        sys.exit(Exit.NOT_FOUND)
    shown = lines[:limit] if limit else lines
    if as_json or jsonl:
        click.echo(output.json_text([k.to_dict() for k in shown], jsonl), nl=False)
    else:
        on = _color(color)
        click.echo(output.kwic_text(shown, paths, on), nl=False, color=on)
    more = f", {len(shown)} shown" if len(shown) < len(lines) else ""
    noun = "occurrence" if len(lines) == 1 else "occurrences"
    click.echo(f"searcher: {len(lines)} {noun} of {text!r}{more}", err=True)


@main.command()
@click.argument("words", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the counts per page as JSON.")
@click.option("--plot", "plot_file", metavar="FILE.png", type=click.Path(dir_okay=False),
              help="Also draw a dispersion plot to FILE (needs: pip install 'searcher[plot]').")
@_occurrence_options
@user_errors
def where(words, as_json, plot_file, phrase, texts_dir, index_dir, opensearch, index_name):
    """Where in each document the words occur: their count on every page.

    Each WORD is its own query (read as by `search`; put a phrase in "double
    quotes").  For each document, one row per word: a strip with a cell per
    page (blank: none; ▁ to █: up to the word's busiest page), the total and
    the pages with most occurrences.  Exit status: 0 found, 1 none, 2 error.

    \b
    Examples:
      searcher where antlaşma Çiçerin '"Kızıl Ordu"'
      searcher where Lenin --json | jq '.[0].documents[0].counts'
      searcher where Ankara Moskova Kars --plot dagilim.png
    """
    plt = output.pyplot() if plot_file else None
    if plot_file and plt is None:
        _fail("--plot needs matplotlib: pip install 'searcher[plot]' (or pip install matplotlib)")
    with _open(texts_dir, index_dir, opensearch, index_name) as s:
        found = [s.dispersion(w, phrase=phrase) for w in words]
        docs = sorted({pc.doc for d in found for pc in d.docs})
        paths = {doc: _display_path(s, doc) for doc in docs}
        texts = {doc: s.passages(doc) for doc in docs} if plt else {}
    if as_json:
        click.echo(output.json_text([d.to_dict() for d in found], False), nl=False)
    elif docs:
        click.echo(output.where_text(found, paths), nl=False)
    if not docs:
        click.echo(f"searcher: no occurrences of {' or '.join(map(repr, words))}", err=True)
        sys.exit(Exit.NOT_FOUND)
    if plt is not None:
        try:
            output.plot_dispersion(plt, found, texts, plot_file)
        except (OSError, ValueError) as exc:
            _fail(f"cannot write the plot to {plot_file}: {exc}")
        click.echo(f"searcher: dispersion plot written to {plot_file}", err=True)


def run() -> None:
    """The ``searcher`` command (:func:`searcher.console.run` hands it everything but
    ``--version`` and ``--help``): :func:`main`, then exit at once.

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
