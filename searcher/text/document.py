"""Stage 2: lines of a text file -> passages (paragraphs) that know where they stand.

A passage is what the engine indexes and returns.  Which rules cut a text into
passages depends on its layout, measured on the document (:mod:`searcher.text.layout`):

* the seed's PDF layout (every text line followed by one empty line, inside
  sentences too): a run of three or more *empty* lines is a page break; a
  whitespace-only line (``" "``) is a visible gap, i.e. a paragraph or heading
  boundary; a line that ends a sentence and is clearly shorter than the full line
  width ends a paragraph, a full-width line does not.  Page breaks are not
  paragraph ends.  Lines without small letters followed by body text are a heading,
  which becomes the ``section`` of the passages that follow it.
* ordinary text: a blank line ends a paragraph, and so does every line end in a
  text written a paragraph a line (or a short line not continued, in a text broken
  into lines); form feed (``\\f``) is a page break.  A heading (a ``#`` line, or a
  capital line alone and followed by body text, never a list item) is a passage of
  its own, whose ``section`` is itself, and the section of the passages after it.
* A line-final hyphen joins the next line without a space; it stays when it is a
  compound's and goes when it breaks a word (:mod:`searcher.text.hyphens`).
* Footnote markers ``(*)`` .. ``(*****)`` are collected with their source line.

Nothing is dropped: every word of the text is in a passage or (in the PDF layout)
the section heading of one.
"""

from __future__ import annotations

import bisect
import re
from collections import namedtuple
from collections.abc import Iterator
from pathlib import Path

from searcher.text.normalize import normalize, repair, shows_glyph_damage

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:  # imported where a text is read: a search reads passages, not texts
    from searcher.text.hyphens import LineEndHyphens

#: The one footnote-marker pattern of the project.
FOOTNOTE = re.compile(r"\((\*{1,5})\)")

_SENTENCE_END = frozenset(""".:!?”")]»'…""")
_ONLY_MARKERS = re.compile(r"^(?:\s*\(\*{1,5}\)\s*[.,;:]?)+\s*$")
#: Longest passage before it is cut at a sentence end (a missed paragraph end).
MAX_PASSAGE_CHARS = 2500
#: Bump when the rules that read a text into passages change: indexes rebuild.
READING_VERSION = 2


class TextDecodeError(ValueError):
    """A text file is not valid UTF-8; carries the file and byte offset."""

    def __init__(self, path: str, offset: int) -> None:
        super().__init__(f"{path}: invalid UTF-8 at byte {offset}")
        self.path = path
        self.offset = offset


# Footnote and Passage are named tuples, not dataclasses: every search process
# creates these classes at start-up, where a frozen dataclass costs ~1 ms to make.


class Footnote(namedtuple("Footnote", "marker stars line")):
    """A footnote marker as printed: ``(**)`` is the page's second note (``stars``),
    on ``line``."""

    __slots__ = ()

    def to_dict(self) -> dict:
        return {"marker": self.marker, "stars": self.stars, "line": self.line}


class Passage(namedtuple("Passage", "doc number text line_start line_end page section "
                                    "footnotes line_map page_labels", defaults=((), (), ()))):
    """A paragraph of a document, normalised, with its provenance.

    ``doc`` (its file name), ``number`` (its place in the document), ``text``,
    ``line_start``/``line_end`` (source lines), ``page``, ``section`` (the heading it
    stands under), ``footnotes`` (:class:`Footnote`), ``line_map`` and ``page_labels``.
    ``line_map`` holds one ``(offset, line, page)`` triple for every source line
    that contributed to ``text``: the character at ``offset`` and the ones after
    it (up to the next triple) come from that line of the file, on that page.
    ``page`` is a physical page (1..N); ``page_labels`` the printed numbers of the
    pages from ``page`` on that the passage spans, when its document has them (a
    PDF's page labels), else empty: see :meth:`label_at`.
    """

    __slots__ = ()

    def __repr__(self) -> str:  # without the line map: one triple a source line
        return "Passage(" + ", ".join(f"{k}={v!r}" for k, v in self._asdict().items()
                                      if k != "line_map") + ")"

    def _entry(self, offset: int) -> tuple[int, int, int]:
        if not self.line_map:
            return (0, self.line_start, self.page)
        return _entry_at(self.line_map, offset)

    def line_at(self, offset: int) -> int:
        """The source line of the character at *offset* in ``text``."""
        return self._entry(offset)[1]

    def page_at(self, offset: int) -> int:
        """The PDF page of the character at *offset* in ``text``."""
        return self._entry(offset)[2]

    def label_at(self, offset: int) -> str:
        """The printed page number (``"101"``, ``"xii"``) of the character at *offset*:
        the page's label, or its physical number as text when there is none."""
        return label_of(self.page_at(offset), self.page, self.page_labels)


def label_of(page: int, first: int, labels: tuple[str, ...]) -> str:
    """The label of physical *page* among *labels*, the labels of pages *first*, ..."""
    i = page - first
    return labels[i] if 0 <= i < len(labels) else str(page)


class _Line(namedtuple("_Line", "number text page gap_before")):
    """One line of a text file, as the passage builder sees it; *gap_before*: a
    blank/visible gap separates it from the previous text line.  (Named tuples for
    what only reading a text uses: a search creates these classes too, at start-up,
    and a dataclass costs ~0.4 ms to create, a named tuple ~0.03 ms.)"""

    __slots__ = ()


def decode(data: bytes, path: str = "<bytes>") -> tuple[str, list[TextDecodeError]]:
    """Bytes -> str: BOMs honoured (UTF-8, UTF-16), invalid UTF-8 replaced and reported."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), []
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        first = TextDecodeError(path, exc.start)
        return data.decode("utf-8", errors="replace"), [first]


def _split_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _scan(lines: list[str], doubled: bool) -> Iterator[_Line]:
    """Yield the text lines with their page and whether a gap precedes them."""
    page, gap, empties = 1, False, 0
    for number, raw in enumerate(lines, start=1):
        pages = raw.count("\f")
        if pages:
            page += pages
            raw = raw.replace("\f", "")
        if raw.strip() == "":
            if raw == "":
                empties += 1
                if doubled and empties == 3:
                    page += 1
                elif not doubled:
                    gap = True
            else:
                gap, empties = True, 0
            continue
        empties = 0
        yield _Line(number, raw.strip(), page, gap)
        gap = False


class _Builder:
    """Accumulates lines into one passage and remembers where each came from."""

    def __init__(self, hyphens: LineEndHyphens | None = None) -> None:
        self.parts: list[str] = []
        self.map: list[tuple[int, int, int]] = []
        self.length = 0
        self.hyphen = False
        self.hyphens = hyphens

    def add(self, line: _Line) -> None:
        if self.parts and not self.hyphen:
            self.parts.append(" ")
            self.length += 1
        elif self.hyphen and self.hyphens and self.hyphens.joins(self.parts[-1], line.text):
            self.parts[-1] = self.parts[-1][:-1]  # a word broken at the line end: rejoined
            self.length -= 1
        self.map.append((self.length, line.number, line.page))
        self.parts.append(line.text)
        self.length += len(line.text)
        self.hyphen = line.text.endswith("-") and len(line.text) > 1 and line.text[-2].isalpha()

    def __bool__(self) -> bool:
        return bool(self.parts)


def _width(lines: list[_Line]) -> float:
    """Typical full line width: the 75th percentile of text line lengths."""
    lengths = sorted(len(x.text) for x in lines)
    return lengths[(len(lengths) * 3) // 4] if lengths else 0


class Reading(namedtuple("Reading", "passages repairs layout headings", defaults=((),))):
    """A text read into passages, with what was done to read it: the repairs that
    changed it (:mod:`searcher.text.normalize`'s names) and its layout
    (:mod:`searcher.text.layout`'s); *headings*: those that are only the ``section``
    of passages, not passages (the PDF layout)."""

    __slots__ = ()


def read_document(
    text: str, doc: str = "<string>", *, page_labels: tuple[str, ...] = (),
    kind: str | None = None,
) -> Reading:
    """Cut a raw text (str) into normalised passages with provenance, repairing only
    what this document shows to be damaged; *page_labels* are the printed numbers of
    its physical pages 1..N, if it has any (a PDF's)."""
    from searcher.text import layout  # reading only: a search never needs it

    text = text.removeprefix("\ufeff")
    glyphs = shows_glyph_damage(text)
    clean, repairs = repair(text, glyphs=glyphs)
    lines = _split_lines(clean)
    if len(lines) != len(_split_lines(text)):  # a repair touched line ends: do it per line
        lines = [normalize(x, glyphs=glyphs) for x in _split_lines(text)]
    kind = kind or layout.measure(lines)  # a PDF's text layer: lines cut at a width
    if kind == layout.DOUBLE_SPACED:
        scanned = list(_scan(lines, doubled=True))
        passages, headings = _double_spaced(scanned, doc, clean, page_labels)
        return Reading(passages, repairs, kind, tuple(headings))
    scanned = list(_scan(lines, doubled=False))
    return Reading(_ordinary(scanned, doc, kind, clean, page_labels), repairs, kind)


def parse_passages(
    text: str, doc: str = "<string>", *, page_labels: tuple[str, ...] = ()
) -> list[Passage]:
    """Cut a raw text (str) into normalised passages with provenance (see
    :func:`read_document`)."""
    return read_document(text, doc, page_labels=page_labels).passages


def _headings(scanned: list[_Line]) -> set[int]:
    """Indexes of the PDF layout's heading lines: runs of capital lines (short, at
    most eight) after a visible gap and followed by body text."""
    from searcher.text import layout  # reading only: a search never needs it

    found: set[int] = set()
    run: list[int] = []
    for i, line in enumerate(scanned):
        if _ONLY_MARKERS.match(line.text):
            continue
        if layout.is_capital_line(line.text) and (run or i == 0 or line.gap_before):
            run.append(i)  # alone: after a visible gap (or the start), not after text
            continue
        if run and len(run) <= 8 and layout.is_body(line.text):
            found.update(run)
        run = []
    if run and len(run) <= 8 and len(run) == len(scanned):  # a text that is a heading only
        found.update(run)
    return found


def _double_spaced(
    scanned: list[_Line], doc: str, clean: str, page_labels: tuple[str, ...]
) -> tuple[list[Passage], list[str]]:
    width = _width(scanned)
    unwrapped = width > 200  # one line per paragraph: every line is a paragraph
    short = 0.82 * width
    heading_lines = _headings(scanned)

    passages: list[Passage] = []
    section = ""
    heading: list[str] = []
    headings: list[str] = []
    from searcher.text.hyphens import LineEndHyphens

    hyphens = LineEndHyphens(clean)
    current = _Builder(hyphens)

    def flush() -> None:
        nonlocal current
        if current:
            for chunk in _cut_long(current):
                passages.append(
                    _make_passage(doc, len(passages) + 1, section, chunk, page_labels)
                )
        current = _Builder(hyphens)

    ended = False  # the current paragraph has ended; a lone footnote line may still join it
    for i, line in enumerate(scanned):
        markers_only = bool(_ONLY_MARKERS.match(line.text))
        if ended and not markers_only:
            flush()
        ended = False
        if i in heading_lines:
            flush()
            heading.append(line.text)
            continue
        if heading:
            section = " ".join(" ".join(heading).split())
            headings.append(section)
            heading = []
        if line.gap_before and current and not markers_only:
            flush()
        current.add(line)
        if unwrapped or (len(line.text) < short and line.text[-1:] in _SENTENCE_END):
            ended = True
    flush()
    if heading:  # a text that is nothing but a heading
        headings.append(" ".join(" ".join(heading).split()))
    return passages, headings


def _ordinary(
    scanned: list[_Line], doc: str, kind: str, clean: str, page_labels: tuple[str, ...]
) -> list[Passage]:
    """Ordinary text: paragraphs end at blank lines and (by *kind*) at line ends; a
    heading is a passage of its own and the section of the ones after it."""
    from searcher.text import layout
    from searcher.text.hyphens import LineEndHyphens

    short = 0.82 * _width(scanned)
    hyphens = LineEndHyphens(clean)
    units: list[list[_Line]] = []
    for line in scanned:
        if units and not line.gap_before and not _ends(units[-1][-1].text, line.text, kind, short):
            units[-1].append(line)
        else:
            units.append([line])
    texts = [" ".join(x.text for x in unit) for unit in units]

    def capital(i: int) -> bool:
        return len(units[i]) <= 3 and all(layout.is_capital_line(x.text) for x in units[i])

    passages: list[Passage] = []
    section = ""
    for i, unit in enumerate(units):
        title = layout.markdown_heading(texts[i]) if len(unit) == 1 else None
        if title is None and capital(i) and (i == 0 or not capital(i - 1)):
            if i + 1 < len(units) and layout.is_body(units[i + 1][0].text):
                title = " ".join(texts[i].split())
        if title is not None:
            section = title
        b = _Builder(hyphens)
        for line in unit:
            b.add(line)
        for chunk in _cut_long(b):
            passages.append(
                _make_passage(doc, len(passages) + 1, section, chunk, page_labels)
            )
    return passages


def _ends(line: str, after: str, kind: str, short: float) -> bool:
    """Whether an ordinary text's paragraph ends between two adjacent lines."""
    from searcher.text import layout

    if _ONLY_MARKERS.match(after):
        return False  # a footnote marker alone on a line stays with its sentence
    if layout.markdown_heading(line) is not None or layout.markdown_heading(after) is not None:
        return True
    if line.endswith("-") and len(line) > 1 and line[-2].isalpha() and after[:1].islower():
        return False  # a word or compound broken at the line end
    if kind == layout.LINES:
        return True
    return len(line) < short and (line[-1:] in _SENTENCE_END or not layout.continues(line, after))


def _cut_long(b: _Builder) -> list[_Builder]:
    """Split a builder whose text is too long at sentence ends near the limit."""
    text = "".join(b.parts)
    if len(text) <= MAX_PASSAGE_CHARS:
        return [b]
    pieces: list[_Builder] = []
    start = 0
    while len(text) - start > MAX_PASSAGE_CHARS:
        window = text[start : start + MAX_PASSAGE_CHARS]
        cut = max(window.rfind(". "), window.rfind("! "), window.rfind("? "))
        if cut <= MAX_PASSAGE_CHARS // 3:  # no sentence end: between words, not inside one
            cut = window.rfind(" ") - 1 if window.rfind(" ") > 0 else MAX_PASSAGE_CHARS - 2
        cut = start + cut + 2
        pieces.append(_slice(b, text, start, cut))
        start = cut
    pieces.append(_slice(b, text, start, len(text)))
    return pieces


def _slice(b: _Builder, text: str, start: int, end: int) -> _Builder:
    piece = _Builder()
    piece.parts = [text[start:end].rstrip()]
    piece.length = len(piece.parts[0])
    entries = [(o, ln, pg) for o, ln, pg in b.map if start <= o < end]
    first = max((e for e in b.map if e[0] <= start), default=b.map[0])
    if not entries or entries[0][0] != start:
        entries.insert(0, (start, first[1], first[2]))
    piece.map = [(o - start, ln, pg) for o, ln, pg in entries]
    return piece


def _make_passage(
    doc: str, number: int, section: str, b: _Builder, page_labels: tuple[str, ...] = ()
) -> Passage:
    text = "".join(b.parts)
    lead = len(text) - len(text.lstrip())
    text = text.strip()
    line_map = tuple((max(o - lead, 0), ln, pg) for o, ln, pg in b.map)
    notes = tuple(
        Footnote(m.group(0), len(m.group(1)), _entry_at(line_map, m.start())[1])
        for m in FOOTNOTE.finditer(text)
    )
    return Passage(
        doc=doc,
        number=number,
        text=text,
        line_start=line_map[0][1],
        line_end=line_map[-1][1],
        page=line_map[0][2],
        section=section,
        footnotes=notes,
        line_map=line_map,
        page_labels=tuple(page_labels[line_map[0][2] - 1 : line_map[-1][2]]),
    )


def _entry_at(line_map, offset: int) -> tuple[int, int, int]:
    """The ``(offset, line, page)`` entry of *line_map* that covers *offset*."""
    i = bisect.bisect_right(line_map, (offset, float("inf"), 0)) - 1
    return line_map[max(i, 0)]


def load_passages(path: str | Path, doc: str | None = None) -> list[Passage]:
    """Read a text file (UTF-8, BOMs honoured) and cut it into passages.

    Invalid UTF-8 is replaced (U+FFFD); use :func:`decode` to learn where.
    """
    p = Path(path)
    text, _ = decode(p.read_bytes(), str(p))
    return parse_passages(text, doc if doc is not None else p.name)
