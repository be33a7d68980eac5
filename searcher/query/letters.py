"""Stage 5 (query): a question typed in ASCII, written again with its Turkish letters.

The words' side needs no such thing (every word is matched folded), but an embedding
model does: multilingual-e5 reads ``Turk ordusu Gumru'yu ne zaman ele gecirdi`` as
other tokens than ``Türk ordusu Gümrü'yü ne zaman ele geçirdi``, and ranks its
answer lower (benchmarks/README.md, "Questions by meaning": typed in ASCII, a
question's answer ranked as well as typed in Turkish once its letters came back).

Only a query without a single Turkish letter is rewritten: one that has some was
typed on a Turkish keyboard, and its plain letters are meant.  A word is restored
from the texts' own spellings (*vocabulary*: fold(word) -> its spellings there),
else from the longest start of it that is a word of the texts or a root of the
root list (:mod:`searcher.query.roots`), its suffixes then following that root's
vowel harmony (``gecirdi`` -> *geçir* + ``di`` -> ``geçirdi``; ``aldi`` -> ``aldı``).
A word whose restored spelling is in doubt (``koy``: *koy* or *köy*, and the texts
do not say which) is left as typed.
"""

from __future__ import annotations

import re

from searcher.query.roots import entry
from searcher.text import turkish

#: Letters an ASCII keyboard cannot type.
TURKISH_LETTERS = frozenset("çğıöşüÇĞİÖŞÜâîûÂÎÛ")
_BACK = frozenset("aıou")
_VOWELS = frozenset("aeıioöuü")
_VOICELESS = frozenset("pçtkfhsş")
#: A start shorter than this is no root worth restoring a word from.
MIN_ROOT = 2
#: Suffixes whose last vowel does not follow harmony: -(y)Abil- (*alabilecek*),
#: -ki after -DA (*arasındaki*).
_FIXED = re.compile(r"(?<=[ae]b)i(?=l)|(?<=[dt][ae]k)i")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def ascii_typed(text: str) -> bool:
    """Whether *text* holds no Turkish letter (a question typed on an ASCII keyboard)."""
    return not (set(text) & TURKISH_LETTERS)


def restore(text: str, vocabulary=None) -> str:
    """*text* with its words' Turkish letters back, when it was typed without any;
    else *text* as it is.  *vocabulary*: fold(word) -> the texts' spellings (a
    mapping with ``get``), or None (the root list alone)."""
    if not ascii_typed(text):
        return text
    return _WORD.sub(lambda m: _restore_word(m.group(0), vocabulary), text)


def _restore_word(word: str, vocabulary) -> str:
    if word.isupper() and len(word) > 1:  # TBMM, RSFSC: as typed
        return word
    base, apostrophe, tail = (re.split(r"(['’])", word, maxsplit=1) + ["", ""])[:3]
    low = turkish.fold(turkish.lower(base))
    spelled = _spelled(low, vocabulary, whole=base[:1].isupper())
    if spelled is None:
        return word
    if tail:
        tail = _harmonised(turkish.lower(tail), spelled, front=_front(low))
    if base[:1].isupper():
        spelled = turkish.capitalize(spelled)
    return spelled + apostrophe + tail


def _spelled(low: str, vocabulary, whole: bool = False) -> str | None:
    """A lower-case ASCII word with its letters restored, or None if in doubt;
    *whole*: only as a whole word (a name: *Halil* is no *hal* + *-il*)."""
    in_texts = vocabulary.get(low) if vocabulary is not None else None
    if in_texts is not None:  # the one way the texts write it, else in doubt
        return _one(in_texts)
    for end in range(len(low), len(low) - 1 if whole else MIN_ROOT - 1, -1):
        start = low[:end]
        found = entry(start)
        spellings = set(found[1]) if found else set()
        if vocabulary is not None:
            spellings |= set(vocabulary.get(start) or ())
        if not spellings:
            continue
        stem = _one(tuple(spellings))
        if stem is None:
            return None
        return stem + _harmonised(low[end:], stem, _front(start))
    return None


def _one(spellings) -> str | None:
    """The one spelling of *spellings* (circumflexes aside), or None."""
    if not spellings:
        return None
    plain = {turkish.strip_circumflex(s) for s in spellings}
    return plain.pop() if len(plain) == 1 else None


def _front(low: str) -> bool:
    """Whether the root list marks *low* as taking front suffixes (*saat*, *hal*)."""
    found = entry(low)
    return bool(found and "H" in found[0])


def _harmonised(suffix: str, stem: str, front: bool = False) -> str:
    """The ASCII *suffix* written after *stem* as vowel harmony writes it: ``i`` is
    *ı* after a back vowel, ``u`` is *ü* after a front one; ``g`` between vowels is
    *ğ*; ``c`` after a voiceless consonant is *ç*; the ``s`` of *-mış* is *ş*.
    *front*: the root takes front suffixes whatever its vowels (*saat*, *hal*)."""
    last = next((c for c in reversed(stem) if c in _VOWELS), "e")
    back = last in _BACK and not front
    whole = turkish.fold(stem) + suffix
    fixed = {m.start() - len(stem) for m in _FIXED.finditer(whole)}
    out = []
    prev = stem[-1:] if stem else ""
    for i, c in enumerate(suffix):
        nxt = suffix[i + 1 : i + 2]
        if i in fixed:
            pass
        elif c == "i":
            c = "ı" if back else "i"
        elif c == "u":
            c = "u" if back else "ü"
        elif c == "g" and prev in _VOWELS and nxt and nxt in "aeiu":
            c = "ğ"
        elif c == "c" and prev in _VOICELESS:
            c = "ç"
        elif c == "s" and len(out) >= 2 and out[-2] == "m" and out[-1] in "ıiuü" \
                and not (nxt and nxt in "aeiu"):
            c = "ş"
        if c in _VOWELS:
            back = c in _BACK
        out.append(c)
        prev = c
    return "".join(out)
