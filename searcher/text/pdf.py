"""Stage 2 (text): a PDF's text layer as a text, with its printed page numbers.

A PDF in the texts folder becomes the same kind of text a ``.txt`` file is, and
from then on goes through the same repairs and passage rules
(:func:`searcher.text.document.parse_passages`): :func:`extract` returns its
pages' lines joined with ``\\n``, each page after the first starting with a form
feed (the page break of an ordinary text), so a sentence runs on across a page
break and ``DOC:LINE`` counts the lines of that text, the same in every build of
the same file.  What a PDF has and a text file has not:

* **Printed page numbers.**  The PDF's page labels (``"101"``, ``"xii"``), one a
  physical page; passages keep them beside the physical page (``hit.page_label``).
* **Gaps.**  Extra space above a line (around a heading, between paragraphs) is a
  visible gap, a line of one space, as in the seed's own text (:func:`join_pages`).
* **Running headers and footers** are no part of the text: a line among the first
  or last two of a page whose wording (digits aside) recurs there on at least three
  pages, or on more than half of them; and a bare page number (``12``, ``- 12 -``,
  ``xii``) as the first or last line of a page.

Needs the ``pdf`` extra (pypdf: pure Python, BSD), imported only when a PDF is read.
A PDF that cannot be read raises :class:`PdfError`, whose message says why in a
few words (encrypted, damaged, not a PDF, no text layer).
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass

PDF_SUFFIX = ".pdf"
#: What a user runs to read PDFs (said in the warning when pypdf is missing).
INSTALL_HINT = "pip install 'searcher[pdf]' (in a checkout: pip install -e '.[pdf]')"
NO_TEXT_LAYER = "no text layer; OCR it first, e.g. with ocrmypdf"

#: Lines at the top and at the bottom of a page where a running header/footer may stand.
_ZONE = 2
_BARE_NUMBER = re.compile(r"^[\W_]*(?:\d{1,5}|[ivxlcdm]{1,8})[\W_]*$", re.I)
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")


class PdfError(ValueError):
    """A PDF whose text cannot be read: the message says why."""


@dataclass(frozen=True)
class PdfText:
    """A PDF's text layer: ``text`` as described in the module docstring, ``labels``
    the printed page label of each physical page (empty when the PDF has none, i.e.
    they are the physical numbers), and ``pages`` its number of pages."""

    text: str
    labels: tuple[str, ...]
    pages: int
    dropped: int = 0  # running header/footer and page-number lines left out


def available() -> bool:
    """Whether the ``pdf`` extra is installed (asked only when a PDF is read)."""
    try:
        import pypdf  # noqa: F401
    except ImportError:
        return False
    return True


def extract(data: bytes) -> PdfText:
    """The text layer of the PDF *data*.  Raises :class:`PdfError` for a PDF that
    cannot be read, ImportError without pypdf."""
    import logging

    import pypdf
    from pypdf.errors import PyPdfError

    if b"%PDF-" not in data[:1024]:
        raise PdfError("not a PDF file")
    log = logging.getLogger("pypdf")
    level, propagate = log.level, log.propagate
    log.setLevel(logging.CRITICAL)  # pypdf logs each repair it makes; the warning says enough
    log.propagate = False
    try:
        try:
            reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not _decrypt(reader):
                raise PdfError("encrypted; save a copy without a password to index it")
            pages = [_page_lines(page) for page in reader.pages]
            labels = _labels(reader)
        except PdfError:
            raise
        except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
                RecursionError, OSError, AssertionError) as exc:
            raise PdfError(f"damaged or truncated PDF ({_why(exc)})") from exc
    finally:
        log.setLevel(level)
        log.propagate = propagate
    if not pages:
        raise PdfError("damaged or truncated PDF (no pages)")
    if not any(pages):
        raise PdfError(NO_TEXT_LAYER)
    kept, dropped = strip_running_lines(pages)
    return PdfText(join_pages(kept), labels, len(pages), dropped)


def _decrypt(reader) -> bool:
    """Open a PDF encrypted with an empty user password (only an owner password:
    printing or copying restricted), as every PDF viewer does."""
    from pypdf.errors import PyPdfError

    try:
        return bool(reader.decrypt(""))
    except (PyPdfError, NotImplementedError, ValueError) as exc:
        raise PdfError(f"encrypted ({_why(exc)})") from exc


def _why(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    return text[:80]


def _page_lines(page) -> list[tuple[str, float]]:
    """A page's lines (spacing collapsed) with the height each stands at: pypdf hands
    the visitor the very pieces it joins into the page's text, with their matrices."""
    lines: list[tuple[str, float]] = []
    parts: list[str] = []
    height: list[float] = []

    def visit(text, cm, tm, font, size) -> None:
        pieces = text.split("\n")
        for i, piece in enumerate(pieces):
            if i:
                _end_line(lines, parts, height)
            if piece.strip() and not height:
                height.append(tm[5] * cm[3] + cm[5])
            parts.append(piece)

    page.extract_text(visitor_text=visit)
    _end_line(lines, parts, height)
    return lines


def _end_line(lines: list, parts: list[str], height: list[float]) -> None:
    text = " ".join("".join(parts).split())
    if text:
        lines.append((text, height[0] if height else 0.0))
    parts.clear()
    height.clear()


def _labels(reader) -> tuple[str, ...]:
    """Each page's printed label; () when there are none (they would be 1..N)."""
    try:
        root = reader.trailer["/Root"]
        if "/PageLabels" not in root:
            return ()
        labels = tuple(str(x) for x in reader.page_labels)
    except Exception:  # noqa: BLE001 - a damaged label tree: physical numbers, as without
        return ()
    if all(label == str(i) for i, label in enumerate(labels, start=1)):
        return ()
    return labels


def _key(line: str) -> str:
    """A line's wording for spotting running lines: page numbers and spacing aside."""
    return _SPACES.sub(" ", _DIGITS.sub("#", line)).strip().casefold()


#: A page's lines: each with the height it stands at on the page.
Lines = list[tuple[str, float]]


def strip_running_lines(pages: list[Lines]) -> tuple[list[Lines], int]:
    """*pages* without running headers, footers and bare page numbers (see the
    module docstring); also how many lines were left out."""
    top: Counter[str] = Counter()
    bottom: Counter[str] = Counter()
    for lines in pages:
        top.update({_key(x) for x, _ in lines[:_ZONE]})
        bottom.update({_key(x) for x, _ in lines[-_ZONE:]})
    with_text = sum(1 for lines in pages if lines)

    def running(count: int) -> bool:
        return count >= 3 or (count >= 2 and 2 * count > with_text)

    kept, dropped = [], 0
    for lines in pages:
        n = len(lines)
        out = []
        for i, (line, y) in enumerate(lines):
            at_top, at_bottom = i < _ZONE, i >= n - _ZONE
            edge = i == 0 or i == n - 1
            if (
                (at_top and running(top[_key(line)]))
                or (at_bottom and running(bottom[_key(line)]))
                or (edge and _BARE_NUMBER.match(line))
            ):
                dropped += 1
                continue
            out.append((line, y))
        kept.append(out)
    return kept, dropped


def join_pages(pages: list[Lines]) -> str:
    """Pages of lines -> one text: each page's first line carries a form feed for
    every page break before it (an empty page's too), so a page break is never a
    line of its own, which would read as a paragraph gap.  A line that stands
    clearly lower below the one before it than the page's lines usually do (more
    than 1.6 times the document's usual step: space around a heading, between
    paragraphs) gets a visible gap before it, a line of one space, as the seed's
    text has one there; never the first line of a page."""
    steps = sorted(
        a[1] - b[1] for lines in pages for a, b in zip(lines, lines[1:], strict=False)
        if a[1] > b[1]
    )
    usual = steps[len(steps) // 2] if steps else 0.0
    out: list[str] = []
    breaks = 0
    for number, lines in enumerate(pages):
        if number:
            breaks += 1
        for i, (line, y) in enumerate(lines):
            if i and usual and lines[i - 1][1] - y > 1.6 * usual:
                out.append(" ")
            out.append("\f" * breaks + line)
            breaks = 0
    return "\n".join(out) + "\n"
