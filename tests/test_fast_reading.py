"""Reading a text takes short cuts (issue 31); each says exactly what the long way says.

* The mojibake pre-check: ftfy's detector is asked only when a text holds what
  mojibake is made of.  Proved over the detector's own pattern, alternative by
  alternative, and checked on generated texts.
* Patterns rewritten to start at the mark they are about (a glyph, a quote, an
  accent, a hyphen) find exactly what the patterns as first written found.
"""

from __future__ import annotations

import re
import subprocess
import sys
from re import _constants as sre
from re import _parser as sre_parse

from ftfy.badness import BADNESS_RE, MOJIBAKE_CATEGORIES, is_bad
from hypothesis import given, settings
from hypothesis import strategies as st

from searcher.text import hyphens, layout, normalize
from searcher.text.normalize import (
    CAPITAL_ACCENTED,
    PLAIN_LETTERS,
    SMALL_ACCENTED,
    may_be_mojibake,
)
from tests.conftest import ROOT


def _members(item) -> tuple[set[str], bool]:
    """The characters one pattern item takes, and whether it takes others too (a
    category such as \\s or \\w, a negated class, any character)."""
    op, av = item
    if op is sre.LITERAL:
        return {chr(av)}, False
    if op is sre.ANY:
        return set(), True
    assert op is sre.IN, f"an item the proof does not know: {op}"
    chars: set[str] = set()
    opened = False
    for o, a in av:
        if o is sre.LITERAL:
            chars.add(chr(a))
        elif o is sre.RANGE:
            chars.update(map(chr, range(a[0], a[1] + 1)))
        elif o in (sre.CATEGORY, sre.NEGATE):
            opened = True
        else:
            raise AssertionError(f"a class member the proof does not know: {o}")
    return chars, opened


def test_every_kind_of_mojibake_ftfy_flags_passes_the_pre_check():
    """Each alternative of ftfy's pattern either needs a character outside ASCII and
    the plain letters (the pre-check's first test), or can be made of those alone;
    the only such alternative is a small accented letter before a capital one, and
    the pre-check's second test takes every such pair."""
    plain = set(PLAIN_LETTERS)
    (op, (_, alternatives)), = list(sre_parse.parse(BADNESS_RE.pattern, BADNESS_RE.flags))
    assert op is sre.BRANCH
    within_plain = []
    for alt in alternatives:
        items = []
        for item in alt:
            if item[0] is sre.AT:
                continue  # ^: no character
            if item[0] is sre.MAX_REPEAT and item[1][0] == 0:
                continue  # optional: a match need not use it
            chars, opened = _members(item)
            ok = {c for c in chars if c.isascii() or c in plain}
            if not ok and not opened:
                break  # a match of this alternative holds a character the pre-check sees
            items.append((ok, opened))
        else:
            within_plain.append(items)
    assert within_plain == [[(set(SMALL_ACCENTED), False), (set(CAPITAL_ACCENTED), False)]]


_MOJIBAKE_CHARS = "".join(
    sorted({c for chars in MOJIBAKE_CATEGORIES.values() for c in chars if c != "-"}))


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(
    sorted(set("aZ .,!?\n1" + PLAIN_LETTERS + _MOJIBAKE_CHARS + "ÂÃÎÐØÙŒœ€™вЂ√"))),
    max_size=8))
def test_a_text_ftfy_flags_is_never_called_clean(text):
    if is_bad(text):
        assert may_be_mojibake(text)


def test_real_mojibake_is_seen():
    assert may_be_mojibake("TÃ¼rkiye")  # UTF-8 read as Latin-1
    assert may_be_mojibake("Ä°stanbul")
    assert not may_be_mojibake("Türkiye'nin başkenti Ankara'dır: ''Şükrü'' dedi.")
    assert may_be_mojibake("“Şükrü”")  # no plain letters: ftfy is asked (and says no)


def test_reading_the_seed_text_loads_no_ftfy():
    """The seed holds no mojibake: reading it never imports ftfy (~50 ms)."""
    code = ("import sys; from searcher.text.corpus import read_text; from pathlib import Path; "
            "p = Path('texts/sovyet-rusya-ve-tbmm-1920-1922.txt'); read_text(p.name, p, []); "
            "print('ftfy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------- rewritten patterns

#: The patterns as first written (each opened with a look-behind or a letter run).
FIRST = {
    "damage": r"(?<=[^\W\d_])(?:(?<=[a-zçğıöüâîû])Ģ|(?<=[A-ZÇĞÖÜÂÎÛ])[ġĠ])",
    "real_use": r"[şŞİģḳṭḥṣẓḍāīūĀĪŪ]|(?<=[^\W\d_])(?<![A-ZÇĞÖÜÂÎÛ])ġ",
    "stray": re.compile(r"(?<=\w)([´¨])([A-Za-z])"),
    "open_quote": re.compile(r"(?:(?<=^)|(?<=[\s(\[{“\"-]))(?:''|``)(?=\S)", re.M),
    "quote_in_word": re.compile(r"(?<=[^\W\d_])(?:''|[”\"])(?=[^\W\d_])"),
    "break": re.compile(r"[^\W\d_]+-[ \t]*\n\s*[^\W\d_]+"),
}

_TEXTS = st.text(alphabet=st.sampled_from(list("aZşŞçÇıİüÜĢĠġāģ1_ \n\t-'\"”“`´¨([")),
                 max_size=24)


@settings(max_examples=2000, deadline=None)
@given(_TEXTS)
def test_rewritten_patterns_find_what_the_first_ones_found(text):
    assert re.findall(normalize._DAMAGE, text) == re.findall(FIRST["damage"], text)
    assert re.findall(normalize._REAL_USE, text) == re.findall(FIRST["real_use"], text)
    fix = normalize._fix_stray_accent
    assert normalize._STRAY_ACCENT.sub(fix, text) == FIRST["stray"].sub(fix, text)
    assert normalize._OPEN_QUOTE.sub("“", text) == FIRST["open_quote"].sub("“", text)
    assert normalize._QUOTE_IN_WORD.sub("'", text) == FIRST["quote_in_word"].sub("'", text)
    assert hyphens._BREAK.sub(" ", text) == FIRST["break"].sub(" ", text)


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aAzZşŞıİ1 .-ᵃªǅ")), max_size=10))
def test_capital_line_test_is_the_first_one(text):
    letters = layout._LETTER.findall(text)
    first = len(text) <= layout.HEADING_CHARS and len(letters) >= 3 and not any(
        c.islower() for c in letters)
    assert layout.is_capital_line(text) == first
