import io
import os
import subprocess
import sys
import tracemalloc

import pytest

from searcher import Searcher
from searcher.backends.local import folder as index_folder


def test_search_imports_no_ftfy_no_index_building_no_unused_whoosh_no_openssl(real_searcher):
    code = (
        "import sys; from searcher.cli.app import main\n"
        "try: main(['search', 'Sakarya zaferi', '--texts', sys.argv[1], '--index', sys.argv[2]])\n"
        "except SystemExit as e: assert e.code == 0, e.code\n"
        "real = lambda m: getattr(sys.modules.get(m), '__file__', None)  # stand-ins have none\n"
        "unneeded = ('ftfy', 'urllib.request', 'whoosh.searching', 'whoosh.query',\n"
        "            'whoosh.lang.porter', 'whoosh.lang.morph_en', 'whoosh.automata.lev',\n"
        "            'tempfile', 'shutil', 'random', 'calendar', 'hashlib', '_hashlib',\n"
        "            'searcher.results.concordance')\n"
        "loaded = [m for m in unneeded if real(m)]\n"
        "assert not loaded, loaded\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", code, str(real_searcher.texts_dir), str(real_searcher.index_dir)],
        capture_output=True, text=True,
    )
    assert r.returncode == 0, r.stderr
    assert "Sakarya" in r.stdout


def test_a_plain_search_imports_neither_click_nor_what_only_other_commands_use(real_searcher):
    code = (
        "import atexit, sys; sys.argv[0] = '/bin/searcher'\n"
        "real = lambda m: getattr(sys.modules.get(m), '__file__', None)  # stand-ins have none\n"
        "unneeded = ('click', 'typing', 'inspect', 'ast', 'hashlib', '_hashlib', 'random',\n"
        "            'tempfile', 'shutil', 'urllib.request', 'html', 'ftfy', 'base64',\n"
        "            'searcher.results.concordance', 'searcher.backends.local.build')\n"
        "atexit.register(lambda: print([m for m in unneeded if real(m)], file=sys.stderr))\n"
        "from searcher.cli.console import run; run()\n"
    )
    env = {**os.environ, "SEARCHER_TEXTS": str(real_searcher.texts_dir),
           "SEARCHER_INDEX": str(real_searcher.index_dir)}
    r = subprocess.run([sys.executable, "-c", code, "search", "Sakarya", "zaferi"],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0 and "Sakarya" in r.stdout
    assert r.stderr.strip() == "[]", r.stderr  # e.g. 'inspect': a dataclass without a docstring


def test_a_commands_stand_ins_load_the_real_modules_when_used():
    code = (
        "import sys; from searcher._startup import defer_for_command; defer_for_command()\n"
        "from whoosh.filedb.filetables import md5  # what the term tables hash with\n"
        "import hashlib, random, inspect\n"
        "assert '_hashlib' not in sys.modules\n"
        "assert md5(b'Sakarya').digest() == hashlib.new('md5', b'Sakarya').digest()\n"
        "assert hashlib.sha256 and '_hashlib' in sys.modules and 1 <= random.randint(1, 2) <= 2\n"
        "assert inspect.cleandoc(' x') == 'x' and 'ast' in sys.modules\n"
        "from searcher import Searcher; from searcher.backends.local import engine\n"
        "assert 'searcher.results.concordance' not in sys.modules\n"
    )
    python_succeeds(code)


def test_a_deferred_package_keeps_its_submodules_importable():
    code = (
        "import sys; from searcher._startup import defer_module\n"
        "defer_module('html', 'escape', package=True)\n"
        "from html import escape\n"
        "import html.entities  # through the stand-in\n"
        "assert html.entities.name2codepoint['amp'] == 38\n"
        "assert getattr(sys.modules['html'], '__file__', None) is None  # not loaded yet\n"
        "import html.parser  # loads the real html (from html import unescape)\n"
        "assert sys.modules['html'].entities is html.entities\n"
        "assert html.parser.HTMLParser and escape('<') == html.escape('<') == '&lt;'\n"
    )
    python_succeeds(code)


def python_succeeds(code: str) -> None:
    """Run *code* in a fresh interpreter, whose imports are its own; it must exit 0."""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_opening_an_index_does_not_copy_its_segment_file_into_memory(real_searcher):
    generation = index_folder.current_generation(real_searcher.index_dir)
    segment_bytes = sum(f.stat().st_size for f in generation.glob("*.seg"))
    with Searcher(real_searcher.index_dir, real_searcher.texts_dir) as s:
        s.refresh()  # the modules are imported before measuring
    tracemalloc.start()
    try:
        with Searcher(real_searcher.index_dir, real_searcher.texts_dir) as s:
            s.refresh()
            _, peak = tracemalloc.get_traced_memory()
            assert s.search("Sakarya zaferi", 3, context=0)
    finally:
        tracemalloc.stop()
    assert peak < segment_bytes / 10, (peak, segment_bytes)


def test_mapped_files_read_like_the_files_whoosh_copies(tmp_path):
    from searcher.backends.local.mapped import MappedStorage

    data = b"first line\nsecond line\n" + bytes(range(256)) * 40 + b"\nlast"
    (tmp_path / "f").write_bytes(data)
    (tmp_path / "empty").write_bytes(b"")
    mapped, copied = MappedStorage(str(tmp_path)).open_file("f"), io.BytesIO(data)
    for f in (mapped, copied):
        f.seek(0)
    assert mapped.readline() == copied.readline()
    assert mapped.read(5) == copied.read(5) and mapped.tell() == copied.tell()
    mapped.seek(-4, io.SEEK_END)
    copied.seek(-4, io.SEEK_END)
    assert mapped.read() == copied.read() == b"last"
    assert mapped.read(3) == b""
    part = mapped.subset(11, 12)
    assert part.read() == b"second line\n" and part.get(0, 6) == b"second"
    assert MappedStorage(str(tmp_path)).open_file("empty").read() == b""


def test_pickles_read_from_mapped_files_load_whole_and_leave_the_file_after_them(tmp_path):
    import pickle

    from searcher.backends.local.mapped import MappedStorage

    value = {"segments": [("MAIN", i, {"deleted": {1, 2}}) for i in range(300)]}
    (tmp_path / "toc").write_bytes(pickle.dumps(value, 2) + b"tail")
    f = MappedStorage(str(tmp_path)).open_file("toc")
    assert f.read_pickle() == value
    assert f.read() == b"tail"


def test_console_script_flushes_every_hit_and_keeps_exit_statuses(real_searcher):
    where = ["--texts", str(real_searcher.texts_dir), "--index", str(real_searcher.index_dir)]

    def searcher(*args):
        return subprocess.run(
            [sys.executable, "-c", "from searcher.cli.app import run; run()", *args, *where],
            capture_output=True, text=True,
        )

    found = searcher("search", "ve", "-n", "150", "--no-heading")
    assert found.returncode == 0 and len(found.stdout.splitlines()) == 150
    missing = searcher("search", "qqxzw")
    assert missing.returncode == 1 and missing.stderr.startswith("searcher: no passages")
    bad = searcher("search", '"yarım')
    assert bad.returncode == 2 and bad.stderr.startswith("searcher: error: ")


def _console(run_from: str, args: list[str], columns: str | None = None, **env: str):
    """``searcher ARGS`` through *run_from*'s ``run``; stderr ends with whether Click
    was imported."""
    code = (
        "import atexit, sys; sys.argv[0] = '/bin/searcher'\n"
        "atexit.register(lambda: sys.stderr.write(f'click={\"click\" in sys.modules}'))\n"
        f"from {run_from} import run; run()\n"
    )
    skip = ("COLUMNS", "_SEARCHER_COMPLETE", "SEARCHER_TEXTS", "SEARCHER_INDEX")
    env = {**{k: v for k, v in os.environ.items() if k not in skip}, **env}
    if columns is not None:
        env["COLUMNS"] = columns
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                          text=True, encoding="utf-8", env=env)


def test_fast_help_is_clicks_help():
    from searcher.cli import _help, console

    assert _help.TOP_LEVEL == console.render_help(), (
        "searcher/cli/_help.py is not what Click prints now: regenerate it with "
        "`python -m searcher.cli.console`"
    )
    # what render_help() gives is what the Click command prints (stdout no terminal: 80)
    clicks = _console("searcher.cli.app", ["--help"], None)
    assert clicks.returncode == 0 and clicks.stdout == _help.TOP_LEVEL


@pytest.mark.parametrize("args, columns, fast", [
    (["--version"], None, True),
    (["-V"], "40", True),
    (["--help"], None, True),
    (["-h"], "80", True),
    (["--help"], "200", True),
    (["--help"], "79", False),  # narrower help: Click lays it out
    (["--help"], "60", False),
    (["--help"], "x", False),
    (["--help", "search"], None, False),
    (["search", "--help"], None, False),
    (["--versions"], None, False),
])
def test_version_and_help_are_answered_without_click_as_click_answers(args, columns, fast):
    quick = _console("searcher.cli.console", args, columns)
    clicks = _console("searcher.cli.app", args, columns)
    assert (quick.stdout, quick.returncode) == (clicks.stdout, clicks.returncode)
    assert quick.stderr.rsplit("click=", 1)[0] == clicks.stderr.rsplit("click=", 1)[0]
    assert quick.stderr.endswith(f"click={not fast}"), quick.stderr


@pytest.mark.parametrize("args, fast", [
    (["search", "Sakarya", "zaferi"], True),
    (["search", "Sakarya zaferi"], True),
    (["search", "qqxzw"], True),  # nothing found: exit 1
    (["search", "sakrya"], True),  # a typo: the near words searched, on stderr
    (["search", '"yarım'], True),  # an error: one line, exit 2
    (["search", '"Sakarya zaferinin ülke ekonomisini"'], True),  # closest passages
    (["search", "Sakarya", "-n", "2"], False),
    (["search", "--", "Sakarya"], False),
    (["search"], False),  # Click's usage error
])
def test_plain_searches_run_without_click_as_through_click(real_searcher, args, fast):
    where = {"SEARCHER_TEXTS": str(real_searcher.texts_dir),
             "SEARCHER_INDEX": str(real_searcher.index_dir)}
    quick = _console("searcher.cli.console", args, **where)
    clicks = _console("searcher.cli.app", args, **where)
    assert (quick.stdout, quick.returncode) == (clicks.stdout, clicks.returncode)
    assert quick.stderr.rsplit("click=", 1)[0] == clicks.stderr.rsplit("click=", 1)[0]
    assert quick.stderr.endswith(f"click={not fast}"), quick.stderr


def test_a_texts_folder_click_refuses_is_left_to_click(real_searcher, tmp_path):
    (tmp_path / "a-file").write_text("x")
    where = {"SEARCHER_TEXTS": str(tmp_path / "a-file"),
             "SEARCHER_INDEX": str(real_searcher.index_dir)}
    quick = _console("searcher.cli.console", ["search", "Sakarya"], **where)
    assert quick.returncode == 2 and "is a file" in quick.stderr
    assert quick.stderr.endswith("click=True")
