"""Stage 5 (query): what users type -> the words to rank, and the operators around them.

The query language (one reading for both backends; :mod:`searcher.query.parse`
turns the result into clauses):

==================  ==========================================================
``word``            ranked by coverage and rarity (most words should be there)
``"a phrase"``      a quotation: word for word first, then in other
                    inflections, then near (:mod:`searcher.query.rules`)
``+word``           required: every hit holds it (``+"a phrase"`` is a
                    quotation, required already)
``-word``           excluded: no hit holds it, in any inflection, case or ASCII
                    spelling (as the word would match as a search term);
                    ``-"a phrase"`` excludes the phrase
``A OR B``          either (upper case ``OR``, also between phrases): every hit
                    holds one of them
``"a b"~N``         the words within *N* positions of each other, in any order
                    (Lucene's slop); below it, in other inflections, then (three
                    words or more) with one missing, as a quotation's tiers
==================  ==========================================================

A hyphen inside a word (``Sovyet-Türk``) is no operator.  ``OR`` joins the
unmarked terms on either side; one with nothing to join (``Kars OR``, ``+a OR b``)
is dropped, and the other words are searched as typed.  An operator's word is taken
as typed (never corrected as a typo: ``-Ardhaan`` excludes nothing).  With
``phrase=True`` (``--phrase``) the whole query is one quotation: no operators.  A
query of exclusions only, or a ``~`` without a number, is a
:class:`~searcher.errors.QueryError`.

Filters (:class:`Filters`): documents by file-name glob and a page range.  A
passage that runs across a page break is on each of its pages: it matches a
range it overlaps.
"""

from __future__ import annotations

import re
from collections import namedtuple

from searcher.errors import QueryError
from searcher.text import tokens, turkish
from searcher.text.normalize import normalize

MAX_QUERY_CHARS = 2000
#: The largest slop a proximity may ask for.
MAX_SLOP = 100

_QUOTES = '"“”„«»'
# Control characters, zero-width and bidirectional marks read as a space (a table, not
# a regex: compiling that character class cost every terminal search 0.5 ms).
_CONTROL = dict.fromkeys([*range(0x20), *range(0x7F, 0xA0), *range(0x200B, 0x2010),
                          *range(0x202A, 0x202F), *range(0x2066, 0x206A)], " ")
_SLOP = re.compile(r"~(\S*)")


# The values below are named tuples, not dataclasses: every search process creates
# these classes at start-up, ~0.03 ms each, where a frozen dataclass costs ~0.4 ms.


class Part(namedtuple("Part", "kind text slop", defaults=(None,))):
    """One term of a query: a word or a quotation (with a slop: a proximity).

    ``kind``: ``"word"`` or ``"phrase"``; ``slop``: a proximity's, else None."""

    __slots__ = ()


class Operators(namedtuple("Operators", "required excluded either near",
                           defaults=((), (), (), ()))):
    """The marked terms of a query (see the module's table), each a tuple of
    :class:`Part`: ``required`` (+word), ``excluded`` (-word, -"phrase"),
    ``either`` (A OR B OR ...: a tuple of parts each), ``near`` ("a b"~N)."""

    __slots__ = ()

    def __bool__(self) -> bool:
        return bool(self.required or self.excluded or self.either or self.near)

    @property
    def positive(self) -> bool:
        """Whether the operators alone give something to search for."""
        return bool(self.required or self.either or self.near)


NO_OPERATORS = Operators()


class Query(namedtuple("Query", "parts ops", defaults=(NO_OPERATORS,))):
    """A query as read: its unmarked words and quotations (``parts``:
    ``[("word"|"phrase", text), ...]``, ranked by today's rules) and its
    operators (``ops``, :class:`Operators`)."""

    __slots__ = ()


def _clean(query: str) -> str:
    if not query or not query.strip():
        raise QueryError("empty query")
    query = normalize(query, repair_mojibake=False).translate(_CONTROL)
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long ({len(query)} characters; at most {MAX_QUERY_CHARS})")
    return query


def _has_words(text: str) -> bool:
    return bool(tokens.TOKEN_RE.search(turkish.lower(text)))


def read_query(query: str, *, phrase: bool = False) -> Query:
    """Query text -> :class:`Query`; raises :class:`QueryError`."""
    query = _clean(query)
    if phrase:
        parts = [("phrase", query.translate({ord(q): " " for q in _QUOTES}))]
        if not _has_words(parts[0][1]):
            raise QueryError("query has no words to search for")
        return Query(parts)
    items = _grouped(_items(query))
    parts: list[tuple[str, str]] = []
    required, excluded, either, near = [], [], [], []
    for item in items:
        if isinstance(item, list):
            either.append(tuple(item))
            continue
        sign, part = item
        if sign == "-":
            excluded.append(part)
        elif part.slop is not None:
            near.append(part)
        elif sign == "+" and part.kind == "word":
            required.append(part)
        else:  # unmarked, or +"a phrase": a quotation is required already
            parts.append((part.kind, part.text))
    ops = Operators(tuple(required), tuple(excluded), tuple(either), tuple(near))
    if not parts and not ops.positive:
        if excluded:
            shown = " ".join(("-" + (f'"{p.text}"' if p.kind == "phrase" else p.text))
                             for p in excluded)
            raise QueryError(f"nothing to search for: {shown} only says what to leave "
                             "out; add a word to search for")
        raise QueryError("query has no words to search for")
    return Query(parts, ops)


def split_query(query: str, *, phrase: bool = False) -> list[tuple[str, str]]:
    """Query text -> its unmarked ``[("word"|"phrase", text), ...]`` (operators, read by
    :func:`read_query`, left out); raises :class:`QueryError` when there are none."""
    parts = read_query(query, phrase=phrase).parts
    if not parts:
        raise QueryError("query has no words to search for")
    return parts


def _items(query: str) -> list:
    """The query's terms in order: ``(sign, Part)`` (sign ``""``, ``"+"`` or ``"-"``),
    and ``"OR"`` where an upper-case OR stands between them."""
    pieces = re.split(f"[{_QUOTES}]", query)
    body = query.strip()
    if len(pieces) % 2 == 0 and len(body) > 1 and body[0] in _QUOTES and body[-1] in _QUOTES:
        # a pasted quotation with a quote inside: "... gönderileceği” ve"
        pieces = ["", re.sub(f"[{_QUOTES}]", " ", body), ""]
    if len(pieces) % 2 == 0:
        raise QueryError("unbalanced quote in query: close the phrase with another \"")
    items: list = []
    sign = ""  # a + or - just before an opening quote
    for i, piece in enumerate(pieces):
        if i % 2:
            items.append((sign, Part("phrase", piece)))
            sign = ""
            continue
        if i and piece.startswith("~"):  # "a b"~N
            m = _SLOP.match(piece)
            items[-1] = (items[-1][0], Part("phrase", items[-1][1].text, _slop(m.group(1))))
            piece = piece[m.end():]
        if i + 1 < len(pieces) and piece[-1:] in ("+", "-") and piece[-2:-1] in ("", " "):
            sign, piece = piece[-1], piece[:-1]
        for w in piece.split():
            if w == "OR":
                items.append("OR")
            elif w[0] in "+-" and len(w) > 1:
                items.append((w[0], Part("word", w[1:])))
            else:
                items.append(("", Part("word", w)))
    return [x for x in items if x == "OR" or _has_words(x[1].text)]


def _slop(text: str) -> int:
    if not text.isdecimal():
        raise QueryError('a proximity needs a number of words: "a b"~3')
    return min(int(text), MAX_SLOP)


def _grouped(items: list) -> list:
    """``A OR B OR C`` -> one list of Parts; an OR without an unmarked term on both
    sides is dropped."""
    out: list = []
    i = 0
    while i < len(items):
        item = items[i]
        if item == "OR":
            i += 1
            continue
        group = [item]
        while (
            i + 2 < len(items) and items[i + 1] == "OR" and items[i + 2] != "OR"
            and not group[-1][0] and not items[i + 2][0]
        ):
            group.append(items[i + 2])
            i += 2
        out.append([p for _, p in group] if len(group) > 1 else item)
        i += 1
    return out


# ------------------------------------------------------------------ filters

class Filters(namedtuple("Filters", "docs pages", defaults=(None, None))):
    """Which passages a search may return: of the documents *docs* (a frozenset of
    names, None: all) and overlapping the pages *pages* (first, last; None: all)."""

    __slots__ = ()

    def __bool__(self) -> bool:
        return self.docs is not None or self.pages is not None

    def keeps(self, doc: str, first_page: int, last_page: int) -> bool:
        if self.docs is not None and doc not in self.docs:
            return False
        return self.pages is None or (first_page <= self.pages[1] and last_page >= self.pages[0])


NO_FILTERS = Filters()


def read_filters(doc, pages, names) -> Filters:
    """``--doc`` globs (a string or a list; each matched against the documents' file
    names *names*, with or without their extension, case ignored) and ``--pages``
    (``"A-B"``, ``"N"``, ``(a, b)`` or an int) -> :class:`Filters`; raises
    :class:`QueryError`."""
    docs = None
    if doc is not None and doc != [] and doc != ():
        from fnmatch import fnmatchcase

        globs = [doc] if isinstance(doc, str) else list(doc)
        docs = set()
        for g in globs:
            pattern = str(g).casefold()
            found = {n for n in names if fnmatchcase(n.casefold(), pattern)
                     or fnmatchcase(n.casefold().rsplit(".", 1)[0], pattern)}
            if not found:
                raise QueryError(f"no document matches --doc {g!r}")
            docs |= found
        docs = frozenset(docs)
    return Filters(docs, None if pages is None else read_pages(pages))


def read_pages(pages) -> tuple[int, int]:
    """``"A-B"``, ``"N"``, ``(a, b)`` or ``n`` -> (first, last); raises QueryError."""
    bad = f"bad page range {pages!r}: use A-B or N (pages counted from 1)"
    if isinstance(pages, int) and not isinstance(pages, bool):
        first = last = pages
    elif isinstance(pages, (tuple, list)) and len(pages) == 2:
        first, last = pages
    elif isinstance(pages, str):
        a, sep, b = pages.strip().replace("–", "-").partition("-")
        if not a.strip().isdecimal() or (sep and not b.strip().isdecimal()):
            raise QueryError(bad)
        first, last = int(a), int(b) if sep else int(a)
    else:
        raise QueryError(bad)
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in (first, last)):
        raise QueryError(bad)
    if first < 1 or last < first:
        raise QueryError(f"bad page range {pages!r}: the first page comes first "
                         "(pages counted from 1)")
    return first, last
