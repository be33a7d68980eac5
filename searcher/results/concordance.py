"""Stage 6 (results): reading tools -- concordance lines (KWIC) and dispersion over pages.

Both read a query's occurrences exactly as ``search`` finds and marks them, with no
second matcher: a backend finds every passage a clause matches, and the
:class:`~searcher.results.highlight.Highlighter`'s spans in those passages are the
occurrences (:func:`collect_occurrences`).  Nothing re-reads the texts: context
is cut from the passages' normalised text, so it runs across line and page breaks,
and each occurrence's line and page come from its passage's line map.  The methods
that searchers offer for them (``concordance``, ``dispersion``) are
:class:`searcher.backends.base.Searcher`'s, which import this module on first use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from searcher.config import KWIC_SORTS as SORTS
from searcher.config import KWIC_WIDTH
from searcher.query.parse import Clause
from searcher.results.highlight import Highlighter
from searcher.text import tokens, turkish

_SPACE = re.compile(r"\s")


#: Where an occurrence is: its span in the passage's text, its source line and page,
#: and the number printed on that page.
Span = tuple[int, int, int, int, str]  # start, end, line, page, page label


@dataclass(frozen=True)
class Occurrences:
    """Every passage where a query occurs, with its occurrences there.

    ``found`` holds ``(doc, passage number, passage text, spans)`` in document order,
    ``docs`` the page count of each document with an occurrence.  Plain tuples rather
    than passages: a common word at 100x is in thousands of passages, whose line maps
    kept alive would cost the garbage collector a tenth of a second to walk."""

    query: str
    found: tuple[tuple[str, int, str, tuple[Span, ...]], ...]
    docs: tuple[tuple[str, int], ...]  # (doc, pages)


def collect_occurrences(query: str, clauses: list[Clause], candidates, manifest: dict,
                        on_pages: tuple[int, int] | None = None) -> Occurrences:
    """The occurrences of *clauses* in the *candidates* passages (any backend's), only
    those on the pages *on_pages* (first, last) if given."""
    highlighter = Highlighter(clauses)
    found = []
    pages: dict[str, int] = {}
    for p in candidates:
        spans = tuple((s, e, p.line_at(s), p.page_at(s), p.label_at(s))
                      for s, e in highlighter(p.text))
        if on_pages:
            spans = tuple(x for x in spans if on_pages[0] <= x[3] <= on_pages[1])
        if spans:
            found.append((p.doc, p.number, p.text, spans))
            known = pages.get(p.doc) or manifest["docs"].get(p.doc, {}).get("pages", 0)
            pages[p.doc] = max(known, p.page_at(len(p.text)))
    found.sort(key=lambda f: (f[0], f[1]))
    return Occurrences(query, tuple(found), tuple(sorted(pages.items())))


# ------------------------------------------------------------------ concordance


@dataclass(frozen=True)
class KwicLine:
    """One occurrence in context: ``left`` and ``right`` are at most the width asked
    for, cut from the passage's text (tabs and line breaks as spaces)."""

    doc: str
    line: int
    page: int
    left: str
    match: str
    right: str
    passage: int
    offset: int  # where the match starts in the passage's text
    page_label: str = ""  # the number printed on the page (see Hit.page_label)

    def __post_init__(self) -> None:
        if not self.page_label:
            object.__setattr__(self, "page_label", str(self.page))

    def to_dict(self) -> dict:
        return {
            "doc": self.doc, "line": self.line, "page": self.page,
            "page_label": self.page_label,
            "left": self.left, "match": self.match, "right": self.right,
        }


def kwic_lines(
    occurrences: Occurrences, width: int = KWIC_WIDTH, sort: str = "position"
) -> list[KwicLine]:
    """Concordance lines of every occurrence, in the order *sort* names (see :data:`SORTS`).

    ``left`` sorts by the word just before the match, then the one before that;
    ``right`` by the words after it; both in Turkish alphabetical order, ties in
    document order."""
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    width = max(width, 0)
    lines = []
    for doc, number, text, spans in occurrences.found:
        if not text.isprintable():  # a tab or line break: one space each, offsets kept
            text = _SPACE.sub(" ", text)
        for s, e, line, page, label in spans:
            lines.append(KwicLine(
                doc, line, page, text[max(0, s - width) : s], text[s:e], text[e : e + width],
                number, s, label,
            ))
    if sort == "left":
        lines.sort(key=lambda k: _words_key(k.left)[::-1])
    elif sort == "right":
        lines.sort(key=lambda k: _words_key(k.right))
    return lines  # sorts are stable: ties stay in document order


def _words_key(context: str) -> list[str]:
    return [turkish.sort_key(w) for w in tokens.TOKEN_RE.findall(context)]


# ------------------------------------------------------------------ dispersion


@dataclass(frozen=True)
class PageCounts:
    """Occurrences on each page of one document; ``lines`` are where each one is."""

    doc: str
    counts: tuple[int, ...]  # counts[i]: occurrences on page i + 1
    lines: tuple[int, ...]
    labels: tuple[tuple[int, str], ...] = ()  # (page, printed label) where it differs

    def label(self, page: int) -> str:
        """The number printed on physical *page* (see :attr:`Hit.page_label`)."""
        return dict(self.labels).get(page, str(page))

    @property
    def total(self) -> int:
        return len(self.lines)

    def busiest(self, n: int = 3) -> list[tuple[int, int]]:
        """(page, count) of the *n* pages with most occurrences, most first."""
        ranked = sorted((i for i, c in enumerate(self.counts) if c),
                        key=lambda i: (-self.counts[i], i))
        return [(i + 1, self.counts[i]) for i in ranked[:n]]

    def to_dict(self) -> dict:
        return {
            "doc": self.doc, "total": self.total, "pages": len(self.counts),
            "counts": list(self.counts), "lines": list(self.lines),
            "labels": {str(p): label for p, label in self.labels},
        }


@dataclass(frozen=True)
class Dispersion:
    """How one query's occurrences spread over each document's pages."""

    query: str
    docs: tuple[PageCounts, ...]

    @property
    def total(self) -> int:
        return sum(d.total for d in self.docs)

    def to_dict(self) -> dict:
        return {"query": self.query, "total": self.total,
                "documents": [d.to_dict() for d in self.docs]}


def page_dispersion(occurrences: Occurrences) -> Dispersion:
    """Count every occurrence on its page (the page its first character is on)."""
    where: dict[str, list[tuple[int, int]]] = {}
    labels: dict[str, dict[int, str]] = {}
    for doc, _, _, spans in occurrences.found:
        where.setdefault(doc, []).extend((page, line) for _, _, line, page, _ in spans)
        labels.setdefault(doc, {}).update(
            (page, label) for _, _, _, page, label in spans if label != str(page)
        )
    docs = []
    for doc, pages in occurrences.docs:
        counts = [0] * pages
        for page, _ in where[doc]:
            counts[page - 1] += 1
        lines = tuple(line for _, line in where[doc])
        docs.append(PageCounts(doc, tuple(counts), lines, tuple(sorted(labels[doc].items()))))
    return Dispersion(occurrences.query, tuple(docs))


__all__ = [
    "SORTS", "Dispersion", "KwicLine", "Occurrences", "PageCounts", "Span",
    "collect_occurrences", "kwic_lines", "page_dispersion",
]
