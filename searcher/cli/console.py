"""The ``searcher`` console script: the commonest command lines without Click.

Importing Click costs about as much as the interpreter's own start-up (and
``searcher.cli`` builds every command's options on import), so the console
script answers three command lines itself and hands everything else to
:func:`searcher.cli.run`:

* ``--version`` (``-V``): the message of Click's ``version_option``.
* ``--help`` (``-h``): the top-level help as Click renders it 78 columns wide,
  generated into :mod:`searcher.cli._help` by ``python -m searcher.cli.console``.
  ``tests/test_startup.py`` renders it with Click and compares, so a changed
  command or docstring fails the tests until the text is regenerated.
* ``search WORDS...`` with no options: :func:`searcher.cli.commands.search`, the
  body the Click command runs too, with every option at its default.

Each is taken only when Click would do exactly the same, else Click decides:

* Click lays help out ``max(min(columns, 80) - 2, 50)`` wide, *columns* as
  :func:`shutil.get_terminal_size` finds them (``COLUMNS``, else the terminal,
  else 80 when stdout is no terminal): the fixed help is used only when that is 78;
* any argument that starts with ``-`` (an option, ``--``) goes to Click, and so
  does a ``SEARCHER_TEXTS`` that Click would refuse (a file, an unreadable folder);
* so does a program name other than ``searcher`` (Click shows the name it was run
  as), a shell-completion request (``_SEARCHER_COMPLETE``), and, for the fixed
  texts, an output that is not UTF-8.

``tests/test_startup.py`` runs each case both ways and compares output, errors
and exit status.  The simpler design, making ``import click`` cheaper, is not
open: Click needs ``typing``, ``inspect`` and the rest at import time.
"""

from __future__ import annotations

import os
import sys
from stat import S_ISREG

from searcher import __version__
from searcher.cli import writes_utf8

#: Click's width for help text, and the fewest terminal columns that give it.
HELP_WIDTH = 78
_COLUMNS = HELP_WIDTH + 2


def _columns_give_help_width() -> bool:
    """Whether Click would lay help out :data:`HELP_WIDTH` wide (its rule above)."""
    value = os.environ.get("COLUMNS")
    if value:
        if not value.isdecimal():  # Click's int() would decide: leave it to Click
            return False
        if int(value) > 0:
            return int(value) >= _COLUMNS
    try:
        columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
    except (AttributeError, ValueError, OSError):  # no terminal: Click assumes 80
        return True
    return columns == 0 or columns >= _COLUMNS


def _run_as_searcher() -> bool:
    """Whether Click would call this program ``searcher``, with no completion asked."""
    main = sys.modules.get("__main__")
    return not (
        getattr(main, "__package__", None)  # run as python -m: Click names it so
        or os.path.basename(sys.argv[0]) != "searcher"
        or os.environ.get("_SEARCHER_COMPLETE")
    )


def fast_answer(args: list[str]) -> str | None:
    """The output of ``searcher ARGS`` when it is fixed text Click would print, else None."""
    if len(args) != 1 or args[0] not in ("-V", "--version", "-h", "--help"):
        return None
    if (
        not _run_as_searcher()
        or sys.stdout is None
        or not writes_utf8(sys.stdout)
    ):
        return None
    if args[0] in ("-V", "--version"):
        return f"searcher, version {__version__}\n"
    if not _columns_give_help_width():
        return None
    from searcher.cli._help import TOP_LEVEL

    return TOP_LEVEL


def plain_search(args: list[str]) -> str | None:
    """The query of ``searcher search WORDS...`` when Click would run the search with
    every option at its default, else None."""
    if len(args) < 2 or args[0] != "search" or any(a.startswith("-") for a in args[1:]):
        return None
    if not _run_as_searcher():
        return None
    texts = os.environ.get("SEARCHER_TEXTS")
    if texts:  # Click's check of the --texts folder (a missing one is the library's)
        try:
            st = os.stat(texts)
        except OSError:
            pass
        else:
            if S_ISREG(st.st_mode) or not os.access(texts, os.R_OK):
                return None
    return " ".join(args[1:])


def _search(text: str) -> None:
    """What Click's ``searcher search`` does for *text* (see :mod:`searcher.cli`)."""
    from searcher._startup import defer_for_command
    from searcher.cli import commands

    commands.ensure_utf8()
    defer_for_command()
    try:
        commands.search(text, texts_dir=os.environ.get("SEARCHER_TEXTS") or None)
    except BrokenPipeError:  # as Click: a reader that went away is no error to report
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115  (what is left unwritten)
        sys.exit(1)


def run() -> None:
    """The console script: the command lines above without Click, the rest through
    :func:`searcher.cli.run`."""
    args = sys.argv[1:]
    text = fast_answer(args)
    if text is not None:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:  # as Click: a reader that went away is no error to report
            os._exit(1)
        sys.exit(0)
    query = plain_search(args)
    if query is not None:
        from searcher.cli.commands import run_and_exit

        run_and_exit(lambda: _search(query))
    from searcher.cli.app import run

    run()


def render_help(width: int = HELP_WIDTH) -> str:
    """The top-level help as Click prints it *width* columns wide."""
    import click

    from searcher.cli.app import main

    ctx = click.Context(main, info_name="searcher", terminal_width=width, **main.context_settings)
    return main.get_help(ctx) + "\n"


def write_help() -> None:
    """Regenerate :mod:`searcher.cli._help` from Click's rendering."""
    from pathlib import Path

    text = render_help()
    assert '"""' not in text and "\\" not in text, "the help needs another quoting"
    Path(__file__).with_name("_help.py").write_text(
        '"""The top-level ``searcher --help``, as Click renders it 78 columns wide.\n\n'
        "Generated by ``python -m searcher.cli.console`` (see :mod:`searcher.cli.console`);\n"
        "tests/test_startup.py checks that it is still what Click prints.\n"
        '"""\n\n'
        f'TOP_LEVEL = """\\\n{text}"""\n',
        encoding="utf-8",
    )


if __name__ == "__main__":
    write_help()
