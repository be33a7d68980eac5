"""Stage 1: repair raw text into clean text (documents and queries alike).

The seed document is a PDF extraction whose font mapped three Turkish letters to
Latin Extended-A glyphs; ftfy does not know that, so the table below is the one
place in the project that does.  The same three letters are real letters elsewhere
(``Merāġa``, ``Ġāzān``: transliteration; Maltese; Latvian ``Ģ``), so the table is
applied only to a text that shows the seed's damage (:func:`shows_glyph_damage`,
decided per document, or per query).  Queries go through the same function,
without the ftfy pass (importing ftfy costs ~50 ms and queries never carry mojibake).
"""

from __future__ import annotations

import functools
import re
import unicodedata

#: PDF font glyphs that stand for Turkish letters (measured on the seed text).
GLYPH_TABLE = {"Ģ": "ş", "Ġ": "İ", "ġ": "Ş"}
#: What each repair is called in the index manifest and ``searcher stats``.
PDF_GLYPHS = "pdf glyphs (Ģ→ş Ġ→İ ġ→Ş)"
MOJIBAKE = "mojibake (ftfy)"

# Where the glyphs stand for the seed's letters and no real spelling puts them: a
# capital Ģ after a small letter (``BarıĢ``: ş), a small ġ after a capital
# (``BAġLADI``: Ş), a capital Ġ after a capital (``BĠRLĠĞĠ``: İ).
# (Patterns, not compiled: only a text with one of the glyphs needs them.  The glyph
# comes first and looks behind itself: a pattern that opens with a look-behind is tried
# at every position of the text, one that opens with a letter only where it stands.)
_DAMAGE = r"Ģ(?<=[a-zçğıöüâîû]Ģ)|[ġĠ](?<=[A-ZÇĞÖÜÂÎÛ][ġĠ])"
# Signs of their real use: the letters they would stand for, written as such; a small
# ġ after a small letter (``Merāġa``); small ģ (Latvian); transliteration's letters.
_REAL_USE = r"[şŞİģḳṭḥṣẓḍāīūĀĪŪ]|ġ(?<=[^\W\d_]ġ)(?<![A-ZÇĞÖÜÂÎÛ]ġ)"

# What mojibake is made of, read off ftfy's own detector (``ftfy.badness.BADNESS_RE``;
# tests/test_fast_reading.py proves it over that pattern, alternative by alternative):
# every sequence it flags holds a character outside ASCII and the plain characters of
# Turkish and Western European texts below, or is one of a few pairs and triples of
# plain ones (a small accented letter before a capital one, a letter against a
# quotation mark).  A text that shows none is not bad, and ftfy (~50 ms to import,
# ~24 ms to scan the seed) is not asked.  (Â, Î and the like are left out: mojibake
# is made of them next to ordinary letters.)
SMALL_ACCENTED = "ßàáâäåæçèéêëìíîïñüğş"
CAPITAL_ACCENTED = "ÀÁÄÅÆÇÈÉÊËÌÍÏÑÜÝĞİŞ"
_OPENING, _CLOSING = "“‘«•", "”»"
PLAIN = ("âçèéêëîïôûüÿàáäåæìíñòóõùúýßğıöşÇÈÉÊËÏÔÛÜÀÁÄÅÆÌÍÑÒÓÕÚÝĞİÖŞ"
         "´°’–—…\u0307" + _OPENING + _CLOSING)
_ACC = SMALL_ACCENTED + CAPITAL_ACCENTED


@functools.cache
def _mojibake_signs() -> tuple[re.Pattern[str], ...]:
    """The detector's patterns, compiled when a document first needs them (~4 ms:
    a query never does, and a terminal search should not pay for them)."""
    return (
        re.compile(f"[^\\x00-\\x7f{PLAIN}]"),
        re.compile(f"[{SMALL_ACCENTED}][{CAPITAL_ACCENTED}]"),
        # The rest is about a quotation mark or a degree sign: it opens with the mark,
        # then looks around it (one class first: an alternation of classes is tried
        # everywhere).
        re.compile(
            f"[{_OPENING}{_CLOSING}°](?:"
            f"(?<=[{_CLOSING}])(?=[{_ACC}])"
            f"|(?<=[{_ACC}][{_CLOSING}])(?=[{_OPENING}])"
            f"|(?<=[a-z][{CAPITAL_ACCENTED}][{_OPENING}])"
            f"|(?<=[{_ACC}][{_OPENING}{_CLOSING}])(?=\\w)"
            f"|(?<=[{CAPITAL_ACCENTED}]°))"
        ),
    )


_SPACING_ACCENTS = {"´": "\u0301", "`": "\u0300", "¨": "\u0308", "^": "\u0302"}
# A spacing accent typed *before* the letter it belongs to: L'Humanit´e.  (Each
# pattern below opens with the mark it is about, as ``_DAMAGE`` does.)
_STRAY_ACCENT = re.compile(r"([´¨])(?<=\w[´¨])([A-Za-z])")
_OPEN_QUOTE = re.compile(r"(?:''|``)(?:(?<=^..)|(?<=[\s(\[{“\"-]..))(?=\S)", re.M)
_DOUBLE_APOSTROPHE = re.compile(r"''|``")
# A closing quote mark written between two letters stands for an apostrophe:
# ``Ermenistan''ın``, ``Ermenistan”ın`` (a name and its case suffix).
_QUOTE_IN_WORD = re.compile(r"(?:''(?<=[^\W\d_]'')|[”\"](?<=[^\W\d_][”\"]))(?=[^\W\d_])")
# Tabs, no-break and other wide spaces read as one space; line and paragraph
# separators inside a line too (line numbers count only \n, \r\n and \r, as editors do).
_SPACES = {c: " " for c in "\t\v\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
           "\u2007\u2008\u2009\u200a\u202f\u205f\u3000\u2028\u2029\x85"}
_APOSTROPHES = {"’": "'", "‘": "'", "ʼ": "'", "′": "'"}


def _replace_all(text: str, table: dict[str, str]) -> str:
    # str.replace per character: str.translate is ~50x slower on large non-ASCII texts
    for old, new in table.items():
        if old in text:
            text = text.replace(old, new)
    return text


def _fix_stray_accent(match: re.Match[str]) -> str:
    return match.group(2) + _SPACING_ACCENTS[match.group(1)]


def _fix_quotes(text: str) -> str:
    text = _QUOTE_IN_WORD.sub("'", text)
    # Two apostrophes stand for a double quote: opening before a word, closing after one.
    text = _OPEN_QUOTE.sub("“", text)
    return _DOUBLE_APOSTROPHE.sub("”", text)


def shows_glyph_damage(text: str) -> bool:
    """Whether *text* shows the seed's PDF glyph damage: the three glyphs where only
    the damage puts them (see ``_DAMAGE``), at least three times as often as any sign
    of their real use.  The seed: 1,600 damaged places, no sign of real use; a
    transliterated history text: no damaged place, ``ġ`` after small letters."""
    if "Ģ" not in text and "Ġ" not in text and "ġ" not in text:
        return False
    damage = len(re.findall(_DAMAGE, text))
    return damage > 0 and damage >= 3 * len(re.findall(_REAL_USE, text))


def may_be_mojibake(text: str) -> bool:
    """False when *text* surely holds nothing ftfy's detector flags (see
    :data:`PLAIN`); True means ask it."""
    return any(sign.search(text) for sign in _mojibake_signs())


def repair(
    text: str, *, glyphs: bool | None = None, repair_mojibake: bool = True
) -> tuple[str, tuple[str, ...]]:
    """*text* repaired as :func:`normalize` does, and the names of the repairs that
    changed it (:data:`PDF_GLYPHS`, :data:`MOJIBAKE`).  *glyphs*: apply the glyph
    table (None: when :func:`shows_glyph_damage` says so)."""
    done: list[str] = []
    if glyphs is None:
        glyphs = shows_glyph_damage(text)
    if glyphs:
        text = _replace_all(text, GLYPH_TABLE)
        done.append(PDF_GLYPHS)
    text = _replace_all(text, _SPACES)
    if repair_mojibake and not text.isascii() and may_be_mojibake(text):
        import ftfy
        from ftfy.badness import is_bad

        if is_bad(text):  # a cheap regex; fix_text itself costs ~1 s per 1 MB
            fixed = ftfy.fix_text(
                text,
                uncurl_quotes=False,
                fix_line_breaks=False,
                fix_character_width=False,
                normalization="NFC",
            )
            if fixed != unicodedata.normalize("NFC", text):
                done.append(MOJIBAKE)
            text = fixed
    text = _STRAY_ACCENT.sub(_fix_stray_accent, text)
    text = _replace_all(text, _APOSTROPHES)
    text = _fix_quotes(text)
    return unicodedata.normalize("NFC", text), tuple(done)


def normalize(text: str, *, repair_mojibake: bool = True, glyphs: bool | None = None) -> str:
    """Return *text* repaired: PDF glyphs (when *glyphs*, by default when the text
    shows their damage), mojibake (ftfy), spaces, stray accents, quotes, NFC.

    Idempotent: ``normalize(normalize(t)) == normalize(t)``.  Line breaks are kept
    exactly where they are, so line numbers computed on the result match the source.
    """
    return repair(text, glyphs=glyphs, repair_mojibake=repair_mojibake)[0]
