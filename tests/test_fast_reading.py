"""Reading a text takes short cuts (issue 31); each says exactly what the long way says.

* The mojibake pre-check: ftfy's detector is asked only when a text holds what
  mojibake is made of.  Proved over the detector's own pattern, alternative by
  alternative, and checked on generated texts.
* Patterns rewritten to start at the mark they are about (a glyph, a quote, an
  accent, a hyphen) find exactly what the patterns as first written found.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from re import _constants as sre
from re import _parser as sre_parse

from ftfy.badness import BADNESS_RE, MOJIBAKE_CATEGORIES, is_bad
from hypothesis import given, settings
from hypothesis import strategies as st

from searcher.text import hyphens, layout, normalize
from searcher.text.normalize import PLAIN, may_be_mojibake
from tests.conftest import ROOT

#: What a character class's category matches, as ``re`` decides it.
_CATEGORIES = {sre.CATEGORY_WORD: r"\w", sre.CATEGORY_NOT_WORD: r"\W",
               sre.CATEGORY_SPACE: r"\s", sre.CATEGORY_NOT_SPACE: r"\S",
               sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_NOT_DIGIT: r"\D"}


def _takes(item, c: str) -> bool:
    """Whether one item of a parsed pattern matches character *c*."""
    op, av = item
    if op is sre.LITERAL:
        return c == chr(av)
    if op is sre.ANY:
        return c != "\n"
    assert op is sre.IN, f"an item the proof does not know: {op}"
    negate, hit = False, False
    for o, a in av:
        if o is sre.NEGATE:
            negate = True
        elif o is sre.LITERAL:
            hit |= c == chr(a)
        elif o is sre.RANGE:
            hit |= a[0] <= ord(c) <= a[1]
        elif o is sre.CATEGORY:
            hit |= re.fullmatch(_CATEGORIES[a], c) is not None
        else:
            raise AssertionError(f"a class member the proof does not know: {o}")
    return hit != negate


#: Every character a text without a non-plain one is made of.
_PLAIN_CHARS = sorted({chr(i) for i in range(128)} | set(PLAIN))


def _plain_matches() -> list[list[str | None]]:
    """Each alternative of ftfy's pattern as the plain characters each of its items
    can take; an alternative one of whose items takes none is left out (its matches
    hold a non-plain character, which the pre-check's first test sees)."""
    (op, (_, alternatives)), = list(sre_parse.parse(BADNESS_RE.pattern, BADNESS_RE.flags))
    assert op is sre.BRANCH
    found = []
    for alt in alternatives:
        items: list[str | None] = []
        for item in alt:
            if item[0] is sre.AT or (item[0] is sre.MAX_REPEAT and item[1][0] == 0):
                items.append(None)  # an anchor or an optional item: see below
                continue
            items.append("".join(c for c in _PLAIN_CHARS if _takes(item, c)))
        if all(x is None or x for x in items):
            found.append(items)
    return found


def test_every_mojibake_ftfy_flags_passes_the_pre_check():
    """The proof, over ftfy's own pattern: a match in a text of plain characters only
    is a match of one of the alternatives :func:`_plain_matches` leaves, each of its
    characters from its item's plain set; every such string, tried one by one, is
    seen by the pre-check, whose patterns look at nothing outside the string."""
    found = _plain_matches()
    assert found, "ftfy's pattern was not read"
    tried = 0
    for items in found:
        assert None not in items, "an anchor or optional item: enumerate it too"
        for chars in itertools.product(*items):
            text = "".join(chars)
            assert BADNESS_RE.fullmatch(text), text  # (the reading of the pattern is right)
            assert may_be_mojibake(text), text
            tried += 1
    assert tried > 1000


_MOJIBAKE_CHARS = "".join(
    sorted({c for chars in MOJIBAKE_CATEGORIES.values() for c in chars if c != "-"}))


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(
    sorted(set("aZ .,!?\n1" + PLAIN + _MOJIBAKE_CHARS + "ÂÃÎÐØÙŒœ€™вЂ√"))),
    max_size=8))
def test_a_text_ftfy_flags_is_never_called_clean(text):
    if is_bad(text):
        assert may_be_mojibake(text)


def test_real_mojibake_is_seen():
    assert may_be_mojibake("TÃ¼rkiye")  # UTF-8 read as Latin-1
    assert may_be_mojibake("Ä°stanbul")
    assert not may_be_mojibake("Türkiye'nin başkenti Ankara'dır: “Şükrü” dedi – 30°…")
    assert may_be_mojibake("“Şükrü”ün")  # a quotation mark inside a word: ftfy is asked
    assert may_be_mojibake("Ankara ™")  # a character outside the plain ones: ftfy is asked


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
    assert hyphens._without_breaks(text) == FIRST["break"].sub(" ", text)


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aAzZşŞıİ1 .-ᵃªǅ")), max_size=10))
def test_capital_line_test_is_the_first_one(text):
    letters = layout._LETTER.findall(text)
    first = len(text) <= layout.HEADING_CHARS and len(letters) >= 3 and not any(
        c.islower() for c in letters)
    assert layout.is_capital_line(text) == first
