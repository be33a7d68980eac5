"""Stage 2 (text): a hyphen at a line end -- a word broken by the typesetter, or a compound's.

Printed books break long words at a line end (``kurak-`` / ``lık``); a search for
``kuraklık`` must find them, so the hyphen goes and the halves join.  But a real
compound broken at its hyphen (``Sovyet-`` / ``Türk``, ``Kafkaslar Ötesi-`` /
``Türkiye``, ``karşı-`` / ``devrimci``) keeps it.  The rule, read from the
document's own words (the halves of its line-end breaks left out, so a broken
word does not vouch for itself):

1. the joined word occurs elsewhere in the document (``kuraklık``): join;
2. else the second half starts with a capital (``Türk``, ``Devrim``), or is a word
   the document writes on its own, as here in small letters (``devrimci``,
   ``bütün``), of three letters or more and no stop word: keep the hyphen;
3. else join (``lık``: no word of the document; ``siz``, ``da``: stop words, which
   are endings as often; ``lenin`` of ``mücade-lenin``: the document has ``Lenin``).

In capitals throughout (``BİRLİĞİ-`` / ``TÜRKİYE``) case says nothing: the second half
keeps the hyphen when it is a word of the document in any case.

Measured on the seed text: its four line-end hyphens are all compounds, and all
four keep their hyphen (``Askeri-Devrim``, ``Rus-Türk`` by the capital,
``karşı-devrimci``, ``seçmiştir-bütün`` by the word).

Decided per document, from that document alone, so adding or changing another
text never changes this one's passages.
"""

from __future__ import annotations

import re

from searcher.text.tokens import TOKEN_RE, surface
from searcher.text.turkish import STOP_WORDS

#: A line-end break: letters, a hyphen, the line end (blank lines between), letters.
#: (Looked for from its hyphen, :func:`_without_breaks`: a pattern that opens with
#: letters is tried at every letter of the text.)
_AFTER_HYPHEN = re.compile(r"-[ \t]*\n\s*[^\W\d_]+")
_LETTER = re.compile(r"[^\W\d_]")
_LAST = re.compile(r"([^\W\d_]+)-\s*$")
_FIRST = re.compile(r"^\W*([^\W\d_]+)")


class LineEndHyphens:
    """Decides, for one document, whether a line-final hyphen is dropped."""

    def __init__(self, text: str) -> None:
        body = _without_breaks(text)
        written = set(TOKEN_RE.findall(body))
        self.words = frozenset(surface(w) for w in written)
        #: words that can vouch for a compound's second half: in small letters, no stop word
        self.halves = frozenset(
            w for w in written if len(w) >= 3 and w.islower() and w not in STOP_WORDS
        )

    def joins(self, left: str, right: str) -> bool:
        """True when the hyphen ending line *left* breaks a word that line *right*
        finishes: drop it and join the halves; False: keep it (a compound)."""
        a, b = _LAST.search(left), _FIRST.match(right)
        if a is None or b is None:
            return False
        head, tail = a.group(1), b.group(1)
        if surface(head + tail) in self.words:
            return True
        if tail.isupper():  # capitals throughout (a heading): any case will do
            return not (len(tail) >= 3 and surface(tail) in self.words)
        return tail[0].islower() and tail not in self.halves


def _without_breaks(text: str) -> str:
    """*text* with each line-end break (letters, a hyphen, the line end, blank lines,
    letters) made one space, as one substitution of that pattern leaves it
    (tests/test_fast_reading.py), found from the hyphens, which are few."""
    pieces, end = [], 0
    for m in _AFTER_HYPHEN.finditer(text):
        start = m.start()
        while start > end and _LETTER.match(text, start - 1):
            start -= 1  # back over the letters before the hyphen, not into the last break
        if start == m.start():
            continue  # no letters before it (or the last break took them)
        pieces += (text[end:start], " ")
        end = m.end()
    return "".join(pieces) + text[end:] if pieces else text
