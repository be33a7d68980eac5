"""Stage 6: the ``searcher`` command, a thin Click layer over the library.

Every command parses options, calls one library function and formats the
result (how results look is :mod:`searcher.cli.output`).  Whoosh and ftfy are
imported only inside commands that need them; the console script
(:mod:`searcher.cli.console`) answers ``searcher --help`` and ``--version`` without
importing this module, or Click, at all.  Exit status follows ripgrep: 0 found,
1 nothing found, 2 error.
"""

from __future__ import annotations

import sys

import click

from searcher import __version__
from searcher._startup import defer_for_command
from searcher.cli import commands, output
from searcher.cli.commands import (
    Exit,
    display_path,
    echo,
    ensure_utf8,
    fail,
    open_searcher,
    progress,
    run_and_exit,
    use_color,
    user_errors,
    waiting_line,
)
from searcher.cli.words import QueryCommand
from searcher.config import DEFAULT_INDEX_NAME, KWIC_SORTS, KWIC_WIDTH


def location_options(f):
    """``--texts``, ``--index``, ``--opensearch`` and ``--index-name``, spelled the same
    by every command."""
    f = click.option(
        "--index-name", "index_name", default=DEFAULT_INDEX_NAME, show_default=True,
        metavar="NAME",
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


def filter_options(f):
    """``--doc`` and ``--pages``, spelled the same by search, kwic and where."""
    f = click.option(
        "--pages", metavar="A-B",
        help="Only pages A to B (or page N), physical pages counted from 1 (a PDF's "
             "printed p.101 may be its page 5); a passage across a page break is on both.",
    )(f)
    f = click.option(
        "--doc", "docs", multiple=True, metavar="GLOB",
        help="Only documents whose file name matches GLOB (repeatable; case ignored).",
    )(f)
    return f


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
    ensure_utf8()
    defer_for_command()  # modules only some commands use: see searcher._startup


@main.command(cls=QueryCommand)
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
@click.option("--semantic/--no-semantic", default=None,
              help="Also search by meaning, fused with the words (default: for questions, "
              "when the index has vectors), or never.")
@filter_options
@location_options
def search(
    query, limit, context, as_json, jsonl, color, heading, phrase, exact, semantic, docs, pages,
    texts_dir, index_dir, opensearch, index_name,
):
    """Search the texts and print the best passages.

    Words match in any inflection, case or ASCII spelling; "double quotes" make a
    phrase, found word for word first, then in other inflections, then with a word
    left out or added (each hit says which; --exact keeps the first kind only).
    Exit status: 0 found, 1 nothing found, 2 error.

    \b
    Operators:
      Kars Ardahan         most words (the rarer count more)
      "Kızıl Ordu"         the phrase (then other inflections, then near)
      +Kars                every hit holds it
      Kars -antlaşma       no hit holds it, in any inflection
      Frunze OR Aralov     either (OR in capitals; also between phrases)
      "Lenin Çiçerin"~5    the words within 5 positions, any order

    \b
    Examples:
      searcher search "Sakarya zaferi"
      searcher search Kazim Karabekir Pasa -n 3
      searcher search Kars -antlaşma --pages 5-20
      searcher search --phrase hasta adam
      searcher search '"dostluk anlaşması imzaladı"' --exact
      searcher search gumruk --jsonl | jq .line
      searcher search "ne zaman imza edildi" --semantic
    """
    commands.search(
        " ".join(query), limit=limit, context=context, as_json=as_json, jsonl=jsonl,
        color=color, heading=heading, phrase=phrase, exact=exact, semantic=semantic,
        texts_dir=texts_dir, index_dir=index_dir, opensearch=opensearch, index_name=index_name,
        doc=list(docs) or None, pages=pages,
    )


@main.command("index")
@click.option("--rebuild", is_flag=True, help="Rebuild from scratch instead of updating.")
@click.option("--wait", "wait", default=60.0, show_default=True, metavar="SECONDS",
              type=click.FloatRange(0), help="Wait this long for another build of the index "
              "to finish (0: fail at once).")
@click.option("--shards", default=3, show_default=True, type=click.IntRange(1, 1024),
              help="With --opensearch: primary shards of the index.")
@click.option("--replicas", default=1, show_default=True, type=click.IntRange(0, 16),
              help="With --opensearch: copies of each shard on other nodes.")
@click.option("--semantic", is_flag=True,
              help="Also give every passage its vectors, to search by meaning "
              "(needs the semantic extra; kept by later updates).")
@location_options
@user_errors
def index_cmd(rebuild, wait, shards, replicas, semantic, texts_dir, index_dir, opensearch,
              index_name):
    """Build or update the index (progress and summary on stderr).

    Only texts that were added, changed or removed since the last build are
    (re)indexed; searches do this by themselves, so this is rarely needed.

    \b
    Examples:
      searcher index
      searcher index --rebuild --texts ~/belgeler
      searcher index --semantic
      searcher index --opensearch http://127.0.0.1:9200 --shards 3 --replicas 1
    """
    from searcher.backends.base import update_index
    from searcher.config import opensearch_url

    on_cluster = opensearch_url(opensearch, index_dir)
    options = ({"shards": shards, "replicas": replicas} if on_cluster
               else {"lock_timeout": wait, "waiting": waiting_line()})
    report, idx = update_index(
        texts_dir, index_dir, opensearch=opensearch, index_name=index_name, rebuild=rebuild,
        progress=progress(), semantic=semantic, **options,
    )
    for w in report.warnings:
        echo(f"searcher: warning: {w}", err=True)
    echo(
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
    from searcher.results.hits import passage_dict

    with open_searcher(texts_dir, index_dir, opensearch, index_name) as s:
        p, before, after = s.locate(location, context)
        path = display_path(s, p.doc)
    if as_json:
        echo(output.to_json(passage_dict(p, before, after), indent=1))
    else:
        echo(output.passages_text((*before, p, *after), path), nl=False)


@main.command()
@click.argument("location")
@click.option("-n", "--limit", default=10, show_default=True, type=click.IntRange(1),
              help="Most passages to show.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array of hits.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help="Mark matches in colour (auto: on a terminal, no NO_COLOR).")
@location_options
@user_errors
def similar(location, limit, as_json, color, texts_dir, index_dir, opensearch, index_name):
    """Passages nearest in meaning to the one at DOC:LINE or DOC:¶NUMBER.

    Needs the index's vectors (searcher index --semantic).

    \b
    Examples:
      searcher similar sovyet-rusya-ve-tbmm-1920-1922.txt:2107
      searcher similar sovyet-rusya-ve-tbmm-1920-1922.txt:¶52 -n 3 --json
    """
    with open_searcher(texts_dir, index_dir, opensearch, index_name) as s:
        hits = s.similar(location, limit)
        if as_json:
            echo(output.json_text([h.to_dict() for h in hits], False), nl=False)
        else:
            on = use_color(color)
            for h in hits:
                echo(output.hit_line(h, display_path(s, h.doc), on, 0), nl=False, color=on)


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
    with open_searcher(texts_dir, index_dir, opensearch, index_name) as s:
        st = s.stats()
    echo(output.to_json(st, indent=1) if as_json else output.stats_text(st), nl=as_json)


def _occurrence_options(f):
    """``--phrase`` and the location options, spelled the same by kwic and where."""
    f = click.option("--phrase", is_flag=True,
                     help="Treat the query (with where: each WORD) as one phrase.")(f)
    return location_options(filter_options(f))


@main.command(cls=QueryCommand)
@click.argument("query", nargs=-1, required=True)
@click.option("--sort", type=click.Choice(KWIC_SORTS), default=KWIC_SORTS[0],
              show_default=True,
              help="Document order, or by the words before (left) / after (right) the match.")
@click.option("-w", "--width", default=KWIC_WIDTH, show_default=True,
              type=click.IntRange(1, 500),
              help="Characters of context on each side.")
@click.option("-n", "--limit", type=click.IntRange(1), help="Most lines to show (all by default).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array of lines.")
@click.option("--jsonl", is_flag=True, help="Print one JSON object per line.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help="Mark matches in colour (auto: on a terminal, no NO_COLOR).")
@_occurrence_options
@user_errors
def kwic(query, sort, width, limit, as_json, jsonl, color, phrase, docs, pages, texts_dir,
         index_dir, opensearch, index_name):
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
    with open_searcher(texts_dir, index_dir, opensearch, index_name) as s:
        lines = s.concordance(text, width=width, sort=sort, phrase=phrase,
                              doc=list(docs) or None, pages=pages)
        paths = {doc: display_path(s, doc) for doc in {k.doc for k in lines}}
    if not lines:
        echo(f"searcher: no occurrences of {text!r}", err=True)
        sys.exit(Exit.NOT_FOUND)
    shown = lines[:limit] if limit else lines
    if as_json or jsonl:
        echo(output.json_text([k.to_dict() for k in shown], jsonl), nl=False)
    else:
        on = use_color(color)
        echo(output.kwic_text(shown, paths, on), nl=False, color=on)
    more = f", {len(shown)} shown" if len(shown) < len(lines) else ""
    noun = "occurrence" if len(lines) == 1 else "occurrences"
    echo(f"searcher: {len(lines)} {noun} of {text!r}{more}", err=True)


@main.command(cls=QueryCommand)
@click.argument("words", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the counts per page as JSON.")
@click.option("--plot", "plot_file", metavar="FILE.png", type=click.Path(dir_okay=False),
              help="Also draw a dispersion plot to FILE (needs: pip install 'searcher[plot]').")
@_occurrence_options
@user_errors
def where(words, as_json, plot_file, phrase, docs, pages, texts_dir, index_dir, opensearch,
          index_name):
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
        fail("--plot needs matplotlib: pip install 'searcher[plot]' (or pip install matplotlib)")
    with open_searcher(texts_dir, index_dir, opensearch, index_name) as s:
        found = [s.dispersion(w, phrase=phrase, doc=list(docs) or None, pages=pages)
                 for w in words]
        docs = sorted({pc.doc for d in found for pc in d.docs})
        paths = {doc: display_path(s, doc) for doc in docs}
        texts = {doc: s.passages(doc) for doc in docs} if plt else {}
    if as_json:
        echo(output.json_text([d.to_dict() for d in found], False), nl=False)
    elif docs:
        echo(output.where_text(found, paths), nl=False)
    if not docs:
        echo(f"searcher: no occurrences of {' or '.join(map(repr, words))}", err=True)
        sys.exit(Exit.NOT_FOUND)
    if plt is not None:
        try:
            output.plot_dispersion(plt, found, texts, plot_file)
        except (OSError, ValueError) as exc:
            fail(f"cannot write the plot to {plot_file}: {exc}")
        echo(f"searcher: dispersion plot written to {plot_file}", err=True)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; another than this machine's own (127.0.0.1) "
              "lets others read the texts (a warning says so).")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port).")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the browser.")
@location_options
@user_errors
def serve(host, port, open_browser, texts_dir, index_dir, opensearch, index_name):
    """Search in the browser: a local page and a JSON API (Ctrl-C stops).

    The page has a search box, results with their page, section, line and
    footnotes, each passage whole, a concordance and a dispersion view, in
    English or Turkish as the browser asks.  The API answers
    /api/search?q=, /api/passage?loc=DOC:LINE, /api/kwic?q= and /api/where?q=
    with the library's values as JSON.  Needs: pip install 'searcher[web]'.

    \b
    Examples:
      searcher serve
      searcher serve --port 9000 --open
      curl 'http://127.0.0.1:8765/api/search?q=gumruk&limit=3'
    """
    try:
        from searcher.web.serve import serve as run_server
    except ImportError as exc:
        fail(f"serve needs the web extra ({exc.name} is missing): pip install 'searcher[web]'")
    run_server(texts_dir, index_dir, opensearch, index_name, host=host, port=port,
               open_browser=open_browser, progress=progress(),
               echo=lambda line: echo(line, err=True))


def run() -> None:
    """The ``searcher`` command through Click: :func:`main`, then exit at once
    (:func:`searcher.cli.commands.run_and_exit`).  The console script,
    :func:`searcher.cli.console.run`, answers some command lines without Click."""
    run_and_exit(main)


if __name__ == "__main__":  # pragma: no cover
    run()
