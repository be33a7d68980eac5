import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from searcher.cli.app import main
from tests.conftest import doubled, write_texts


@pytest.fixture
def corpus(tmp_path):
    texts = write_texts(
        tmp_path / "texts",
        belge=doubled(
            "Sınır bölgeleri sâkinlerinin avantajlı gümrük kuralları vardı (*).",
            " ",
            "Türkiye Kızılay Derneğine yardım gönderildi (**).",
            " ",
            "Gümrük kapısında hasta adam bekliyordu (***).",
        ),
    )
    return {"texts": str(texts), "index": str(tmp_path / "index")}


def run(corpus, *args, env=None):
    runner = CliRunner()
    return runner.invoke(
        main, [args[0], "--texts", corpus["texts"], "--index", corpus["index"], *args[1:]],
        env=env or {},
    )


def test_search_piped_output_is_path_line_snippet(corpus):
    r = run(corpus, "search", "KIZILAY")
    assert r.exit_code == 0
    (line,) = r.stdout.splitlines()
    path, lineno, snippet = line.split(":", 2)
    assert path.endswith("belge.txt") and lineno == "5"
    assert snippet == "Türkiye Kızılay Derneğine yardım gönderildi (**)."


def test_search_heading_output_shows_location_snippet_and_notes(corpus):
    r = run(corpus, "search", "KIZILAY", "--heading", "-n", "1")
    assert r.exit_code == 0
    head, snippet, notes = r.stdout.splitlines()[:3]
    assert "belge.txt:5" in head and "p.1" in head and "¶2" in head and "score" in head
    assert "Kızılay Derneğine" in snippet
    assert notes.strip() == "notes: (**) line 5"


def test_color_always_marks_matches_and_never_or_no_color_does_not(corpus):
    out = run(corpus, "search", "gumruk", "--color", "always").stdout
    assert "\x1b[1;31mGümrük\x1b[0m" in out and "\x1b[1;31mgümrük\x1b[0m" in out
    assert "\x1b[" not in run(corpus, "search", "gumruk", "--color", "never").stdout
    r = run(corpus, "search", "gumruk", "--heading", env={"NO_COLOR": "1"})
    assert "\x1b[" not in r.stdout


def test_no_hits_prints_nothing_on_stdout_and_exits_1(corpus):
    r = run(corpus, "search", "futbol", "maçı")
    assert r.exit_code == 1
    assert r.stdout == ""
    assert "no passages match" in r.stderr


@pytest.mark.parametrize("query", ['"hasta adam', "   ", "!!!"])
def test_user_errors_are_one_line_on_stderr_with_exit_2(corpus, query):
    r = run(corpus, "search", query)
    assert r.exit_code == 2
    assert r.stdout == ""
    assert r.stderr.startswith("searcher: error: ") and r.stderr.count("\n") == 1
    assert "Traceback" not in r.stderr


def test_missing_texts_folder_is_a_clear_error(tmp_path):
    r = CliRunner().invoke(main, ["search", "x", "--texts", str(tmp_path / "nope"),
                                  "--index", str(tmp_path / "i")])
    assert r.exit_code == 2
    assert "texts folder not found" in r.stderr


def test_refuses_foreign_index_folder(tmp_path):
    # the user's site: texts in content/, and an index/ of their own beside it
    texts = write_texts(tmp_path / "site" / "content", belge=doubled("Gümrük kapısı açıldı."))
    own = tmp_path / "site" / "index"
    (own / "eski").mkdir(parents=True)
    (own / "index.html").write_text("<h1>Dizin</h1>", encoding="utf-8")
    (own / "eski" / "not.txt").write_text("saklı", encoding="utf-8")
    before = {p: p.read_bytes() if p.is_file() else None for p in own.rglob("*")}
    env = {"SEARCHER_INDEX": None, "SEARCHER_TEXTS": None}
    for args in (["search", "gumruk"], ["index"], ["index", "--rebuild"]):
        r = CliRunner().invoke(main, [*args, "--texts", str(texts)], env=env)
        assert r.exit_code == 2 and r.stdout == ""
        assert r.stderr.count("\n") == 1 and r.stderr.startswith("searcher: error: index folder")
        assert "not a searcher index" in r.stderr and "--index DIR or SEARCHER_INDEX" in r.stderr
    assert {p: p.read_bytes() if p.is_file() else None for p in own.rglob("*")} == before
    r = CliRunner().invoke(main, ["search", "gumruk", "--texts", str(texts),
                                  "--index", str(tmp_path / "searcher-index")], env=env)
    assert r.exit_code == 0 and "belge.txt" in r.stdout


def test_json_parses_back_to_the_same_hits_as_the_library(corpus):
    from searcher import Searcher

    r = run(corpus, "search", "gümrük", "--json", "-C", "1")
    data = json.loads(r.stdout)
    with Searcher(index_dir=corpus["index"], texts_dir=corpus["texts"]) as s:
        hits = s.search("gümrük", 10, context=1)
    assert data == [h.to_dict() for h in hits]


def test_jsonl_is_one_hit_per_line(corpus):
    r = run(corpus, "search", "gümrük", "--jsonl")
    rows = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["rank"] for x in rows] == [1, 2]
    assert rows[0]["footnotes"][0]["marker"] in ("(*)", "(***)")


def test_limit_and_context(corpus):
    r = run(corpus, "search", "gümrük", "-n", "1", "-C", "1")
    lines = r.stdout.splitlines()
    assert len([x for x in lines if ":" in x.split("-")[0] or x.count(":") >= 2]) >= 1
    assert any(x.endswith("-Türkiye Kızılay Derneğine yardım gönderildi (**).") for x in lines)
    assert lines[-1] == "--"


def test_phrase_option_pastes_a_quotation(corpus):
    assert run(corpus, "search", "--phrase", "hasta", "adam").exit_code == 0
    assert run(corpus, "search", "--phrase", "--exact", "adam", "hasta").exit_code == 1


def test_quotation_without_exact_match_says_so_and_shows_the_closest(corpus):
    r = run(corpus, "search", '"gümrük kapısı hasta adam"', "--heading")
    assert r.exit_code == 0
    assert r.stderr == "searcher: no exact match for the quotation; closest passages shown\n"
    head, snippet = r.stdout.splitlines()[:2]
    assert head.endswith("  inflected") and "Gümrük kapısında hasta adam" in snippet


def test_exact_option_shows_only_word_for_word_quotations(corpus):
    r = run(corpus, "search", '"gümrük kapısı hasta adam"', "--exact")
    assert r.exit_code == 1 and r.stdout == ""
    assert "no passages match" in r.stderr
    assert run(corpus, "search", '"kapısında hasta adam"', "--exact").exit_code == 0


def test_json_says_how_each_hit_matched(corpus):
    rows = json.loads(run(corpus, "search", '"gumruk kapisi"', "--json").stdout)
    assert [x["match"] for x in rows] == ["inflected"]
    rows = json.loads(run(corpus, "search", "gümrük", "--json").stdout)
    assert {x["match"] for x in rows} == {"words"}


def test_env_vars_select_texts_and_index(corpus):
    r = CliRunner().invoke(main, ["search", "gumruk"],
                           env={"SEARCHER_TEXTS": corpus["texts"],
                                "SEARCHER_INDEX": corpus["index"]})
    assert r.exit_code == 0 and "belge.txt" in r.stdout


def test_index_writes_summary_to_stderr_and_nothing_to_stdout(corpus):
    r = run(corpus, "index")
    assert r.exit_code == 0 and r.stdout == ""
    assert "1 documents, 3 passages (1 indexed)" in r.stderr
    r = run(corpus, "index")
    assert "(0 indexed)" in r.stderr
    r = run(corpus, "index", "--rebuild")
    assert "(1 indexed)" in r.stderr


def test_show_location_by_line_and_by_paragraph_number(corpus):
    r = run(corpus, "show", "belge.txt:9", "-C", "1")
    assert r.exit_code == 0
    assert "Gümrük kapısında hasta adam" in r.stdout
    assert "Türkiye Kızılay" in r.stdout  # context before
    assert "notes: (***) line 9" in r.stdout
    r = run(corpus, "show", "texts/belge.txt:¶2", "--json")
    assert json.loads(r.stdout)["text"].startswith("Türkiye Kızılay")


@pytest.mark.parametrize("loc", ["belge.txt:999", "yok.txt:1", "belge.txt", "belge.txt:abc"])
def test_show_unknown_location_is_a_user_error(corpus, loc):
    r = run(corpus, "show", loc)
    assert r.exit_code == 2 and r.stderr.startswith("searcher: error: ")


def test_stats_reports_counts_and_versions(corpus):
    r = run(corpus, "stats", "--json")
    st = json.loads(r.stdout)
    assert (st["documents"], st["passages"], st["pages"], st["footnotes"]) == (1, 3, 1, 3)
    assert st["terms"]["exact"] > 10 and st["index_bytes"] > 0
    text = run(corpus, "stats").stdout
    assert "passages:" in text and "schema/analyzer:" in text


@pytest.mark.parametrize(
    "command", [[], ["search"], ["index"], ["show"], ["stats"], ["kwic"], ["where"]]
)
def test_every_command_has_help_with_an_example(command):
    r = CliRunner().invoke(main, [*command, "--help"])
    assert r.exit_code == 0
    assert "Example" in r.stdout and "searcher " in r.stdout


def test_version():
    from searcher import __version__

    r = CliRunner().invoke(main, ["--version"])
    assert r.exit_code == 0 and __version__ in r.stdout


def test_help_and_version_do_not_import_whoosh_or_ftfy():
    code = (
        "import sys; from searcher.cli.app import main\n"
        "try: main(['--help'])\nexcept SystemExit: pass\n"
        "heavy = ('whoosh', 'ftfy', 'searcher.backends.local.engine', 'opensearchpy')\n"
        "bad = [m for m in heavy if m in sys.modules]\n"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_c_locale_does_not_crash_on_turkish_letters(corpus):
    env = {"LANG": "C", "LC_ALL": "C", "PYTHONIOENCODING": "ascii", "PATH": ""}
    r = subprocess.run(
        [sys.executable, "-m", "searcher.cli.app", "search", "gumruk", "--texts", corpus["texts"],
         "--index", corpus["index"]],
        capture_output=True, env=env,
    )
    assert r.returncode == 0, r.stderr
    assert "gümrük".encode() in r.stdout


@pytest.mark.parametrize("command", ["search", "kwic", "where"])
def test_mistyped_option_is_an_error_not_searched_for(corpus, command):
    """``--limt 1`` is a typo of ``--limit``, not two words to search: a usage error
    naming it, exit 2 (a single dash still excludes a word: tests/test_operators.py)."""
    r = run(corpus, command, "gümrük", "--limt", "1")
    assert r.exit_code == 2
    assert "No such option" in r.output and "--limt" in r.output
    assert "gümrük" not in r.stdout
