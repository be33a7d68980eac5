"""Stage 2 (text): which layout a text has, measured on the text itself.

The passage rules of :mod:`searcher.text.document` depend on how a text marks
its paragraphs, and that is told by measuring the document, never by a pattern
ordinary files share with PDF extractions:

* :data:`DOUBLE_SPACED`: the seed's PDF extraction.  Nearly every text line is
  followed by one empty line, the lines are prose broken at a width (the longest
  tenth reach 30 characters), and those empty lines fall *inside* sentences: at
  least a quarter of them come after a line cut at a width (it ends in a word, and
  the next line goes on with a small letter; or in a hyphen).  The seed: 63%.
  A file of one-line paragraphs or a list separated by blank lines has the first
  feature and not the last: its blank lines end paragraphs.
* :data:`WRAPPED`: ordinary text broken into lines inside its paragraphs (a
  quarter of its line ends go on the same way, and its longest tenth of lines stay
  within 200 characters); a blank line ends a paragraph, and so does a short line
  that ends a sentence or is not continued.
* :data:`LINES`: ordinary text whose every line end is a paragraph end.

Headings: a ``#`` line (Markdown) always; a line without small letters only when
the layout says so: short, alone (after a gap or a paragraph end, not after another
such line: a list in capitals is no heading), and followed by body text.
"""

from __future__ import annotations

import re
from itertools import pairwise

DOUBLE_SPACED = "pdf double-spaced"
WRAPPED = "ordinary, wrapped lines"
LINES = "ordinary, a paragraph a line"

_FIRST_LETTER = re.compile(r"^[\W\d_]*?([^\W\d_])")
_LETTER = re.compile(r"[^\W\d_]")
_SMALL_ASCII = re.compile(r"[a-z]")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+(\S.*?)\s*#*\s*$")
#: Longest line taken for a capital heading.
HEADING_CHARS = 120


def continues(line: str, after: str) -> bool:
    """Whether *after* goes on with the sentence of *line* (both stripped)."""
    if line.endswith(("-", ",")):
        return True
    m = _FIRST_LETTER.match(after)
    return bool(m) and m.group(1).islower() and not after.startswith(("#", "-", "*", "•"))


def broken_at_width(line: str, after: str) -> bool:
    """Whether a sentence runs on from *line* to *after* past a line end put at a
    width: *line* ends in a word cut by a hyphen, or in a word (no punctuation) with
    *after* starting small.  A poem's or a list's line ends are at its punctuation."""
    if len(line) > 1 and line.endswith("-") and line[-2].isalpha():
        return True
    return line[-1:].isalnum() and continues(line, after)


def measure(lines: list[str]) -> str:
    """The layout of a text given as its lines (see the module's docstring)."""
    text_at = [i for i, line in enumerate(lines) if line.strip()]
    if not text_at:
        return LINES
    followed = sum(1 for i in text_at if i + 1 < len(lines) and lines[i + 1] == "")
    lengths = sorted(len(lines[i].strip()) for i in text_at)
    wide = lengths[len(lengths) * 9 // 10] >= 30  # prose broken at a width, not a list
    if len(text_at) >= 2 and followed >= 0.9 * len(text_at) and wide:
        # the empty lines (one, or a page break's three): do they fall inside sentences?
        gaps = going_on = 0
        for a, b in pairwise(text_at):
            if b > a + 1 and all(x == "" for x in lines[a + 1 : b]):
                gaps += 1
                going_on += broken_at_width(lines[a].strip(), lines[b].strip())
        if gaps and going_on >= 0.25 * gaps:
            return DOUBLE_SPACED
    if lengths[len(lengths) * 9 // 10] > 200:
        return LINES  # lines this long were never broken at a width
    ends = going_on = 0
    for a, b in pairwise(text_at):
        if b == a + 1:
            ends += 1
            going_on += continues(lines[a].strip(), lines[b].strip())
    return WRAPPED if ends and going_on >= 0.25 * ends else LINES


def is_capital_line(text: str) -> bool:
    """A line of three or more letters, none of them small (a heading's shape)."""
    if len(text) > HEADING_CHARS or _SMALL_ASCII.search(text):
        return False  # (most lines: a small a-z is a small letter, found without a list)
    letters = _LETTER.findall(text)
    return len(letters) >= 3 and not any(c.islower() for c in letters)


def markdown_heading(text: str) -> str | None:
    """The title of a ``# Title`` line, else None."""
    m = _MARKDOWN_HEADING.match(text)
    return m.group(1) if m else None


def is_body(text: str) -> bool:
    """A line of running text: it has small letters and is no heading."""
    return any(c.islower() for c in _LETTER.findall(text)) and markdown_heading(text) is None
