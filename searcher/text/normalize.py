"""Stage 1: repair raw text into clean text (documents and queries alike).

The seed document is a PDF extraction whose font mapped three Turkish letters to
Latin Extended-A glyphs; ftfy does not know that, so the table below is the one
place in the project that does.  Queries go through the same function, without
the ftfy pass (importing ftfy costs ~50 ms and queries never carry mojibake).
"""

from __future__ import annotations

import re
import unicodedata

#: PDF font glyphs that stand for Turkish letters (measured on the seed text).
GLYPH_TABLE = {"Ģ": "ş", "Ġ": "İ", "ġ": "Ş"}

_SPACING_ACCENTS = {"´": "\u0301", "`": "\u0300", "¨": "\u0308", "^": "\u0302"}
# A spacing accent typed *before* the letter it belongs to: L'Humanit´e.
_STRAY_ACCENT = re.compile(r"(?<=\w)([´¨])([A-Za-z])")
_OPEN_QUOTE = re.compile(r"(?:(?<=^)|(?<=[\s(\[{“\"-]))(?:''|``)(?=\S)", re.M)
_DOUBLE_APOSTROPHE = re.compile(r"''|``")
# A closing quote mark written between two letters stands for an apostrophe:
# ``Ermenistan''ın``, ``Ermenistan”ın`` (a name and its case suffix).
_QUOTE_IN_WORD = re.compile(r"(?<=[^\W\d_])(?:''|[”\"])(?=[^\W\d_])")
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


def normalize(text: str, *, repair_mojibake: bool = True) -> str:
    """Return *text* repaired: mojibake (ftfy), PDF glyphs, stray accents, quotes, NFC.

    Idempotent: ``normalize(normalize(t)) == normalize(t)``.  Line breaks are kept
    exactly where they are, so line numbers computed on the result match the source.
    """
    text = _replace_all(text, GLYPH_TABLE)
    if repair_mojibake and not text.isascii():
        import ftfy
        from ftfy.badness import is_bad

        if is_bad(text):  # a cheap regex; fix_text itself costs ~1 s per 1 MB
            text = ftfy.fix_text(
                text,
                uncurl_quotes=False,
                fix_line_breaks=False,
                fix_character_width=False,
                normalization="NFC",
            )
    text = _STRAY_ACCENT.sub(_fix_stray_accent, text)
    text = _replace_all(text, _APOSTROPHES)
    text = _fix_quotes(text)
    return unicodedata.normalize("NFC", text)
