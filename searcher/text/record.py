"""Stage 2 (text): a passage as both backends store it, and read back.

A flat tuple with the line map packed into bytes (:func:`passage_record`): the
local index keeps it as Whoosh's stored field, the OpenSearch index as JSON
beside the passage's text (:func:`json_record`).  Either way a hit computes its
line and page from the same record.
"""

from __future__ import annotations

from array import array

from searcher.text.document import Footnote, Passage


def passage_record(p) -> tuple:
    """A passage as stored in the index (see :func:`passage_from_record`).

    A flat tuple with the line map packed into bytes: Whoosh pickles and compresses
    the stored record of every hit, and this shape is the cheapest to read back and
    the smallest on disk (the map is one ``(offset, line, page)`` triple per line);
    last the printed page labels, () for a document without them.
    """
    line_map = array("I", [x for entry in p.line_map for x in entry]).tobytes()
    footnotes = tuple((f.marker, f.stars, f.line) for f in p.footnotes)
    return (p.number, p.text, p.line_start, p.line_end, p.page, p.section, footnotes, line_map,
            p.page_labels)


def last_page(p) -> int:
    """The page a passage ends on (it starts on ``p.page``)."""
    return max((entry[2] for entry in p.line_map), default=p.page)


def passage_from_record(doc: str, record: tuple):
    """The :class:`~searcher.text.document.Passage` that :func:`passage_record` stored."""
    number, text, line_start, line_end, page, section, footnotes, packed, labels = record
    flat = array("I")
    flat.frombytes(packed)
    it = iter(flat)
    return Passage(
        doc=doc,
        number=number,
        text=text,
        line_start=line_start,
        line_end=line_end,
        page=page,
        section=section,
        footnotes=tuple(Footnote(m, s, ln) for m, s, ln in footnotes),
        line_map=tuple(zip(it, it, it, strict=True)),
        page_labels=tuple(labels),
    )


def json_record(p) -> list:
    """:func:`passage_record` for a JSON store beside the text (OpenSearch's ``_source``):
    without the text, which is stored once beside it, and the line map in base64."""
    import base64  # only the OpenSearch backend stores JSON (~0.5 ms a terminal search)

    record = list(passage_record(p))
    record[1] = None
    record[7] = base64.b64encode(record[7]).decode("ascii")
    record[8] = list(record[8])
    return record


def passage_from_json(doc: str, text: str, record: list):
    """The :class:`~searcher.text.document.Passage` that :func:`json_record` stored."""
    import base64

    record = list(record)
    record[1] = text
    record[7] = base64.b64decode(record[7])
    return passage_from_record(doc, record)
