"""Library values -> what the templates draw: hits with their marked snippets, kwic
rows, dispersion strips.  Plain functions over the library's own dict forms
(``Hit.to_dict()``), so a field a later version adds (``page_label``) passes through."""

from __future__ import annotations

from urllib.parse import urlencode

#: The filters ``Searcher.search`` may take, as the query string spells them: passed
#: through as given when the library's ``search`` has that parameter.
FILTERS = ("doc", "pages", "semantic")
TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})


def segments(text: str, highlights) -> list[tuple[str, bool]]:
    """*text* cut at its *highlights*: ``(piece, marked?)`` in order."""
    out, last = [], 0
    for s, e in highlights:
        if s > last:
            out.append((text[last:s], False))
        out.append((text[s:e], True))
        last = e
    if last < len(text):
        out.append((text[last:], False))
    return out


def address(doc: str, line: int) -> str:
    """The location ``searcher show`` takes: ``DOC:LINE``."""
    return f"{doc}:{line}"


def pairs(params: dict) -> list[tuple[str, str]]:
    """Query-string pairs: None and "" left out, a list repeats its name, a flag is 1/0."""
    out = []
    for k, v in params.items():
        for one in v if isinstance(v, (list, tuple)) else [v]:
            if isinstance(one, bool):
                one = "1" if one else "0"
            if one is not None and one != "":
                out.append((k, str(one)))
    return out


def link(path: str, **params) -> str:
    """*path* with its query string (see :func:`pairs`)."""
    found = pairs(params)
    return f"{path}?{urlencode(found)}" if found else path


def hit_view(hit: dict, q: str, filters: dict) -> dict:
    """A hit's dict with what the results page adds: its snippet cut at the marks, its
    address and the link to its passage."""
    loc = address(hit["doc"], hit["line"])
    return {
        **hit,
        "segments": segments(hit["snippet"]["text"], hit["snippet"]["highlights"]),
        "address": loc,
        "href": link("/passage", loc=loc, q=q, **filters),
        "shown_page": hit.get("page_label") or hit["page"],
    }


def kwic_view(line: dict, q: str, filters: dict) -> dict:
    loc = address(line["doc"], line["line"])
    return {**line, "address": loc, "href": link("/passage", loc=loc, q=q, **filters)}


def strip(counts: list[int]) -> dict:
    """One word's occurrences per page as an SVG strip: one cell a page, its opacity
    the page's count against the word's busiest page (drawn in a ``viewBox`` one
    unit a page, stretched to the page's width by CSS)."""
    top = max(counts, default=0) or 1
    cells = [
        {"x": i, "page": i + 1, "count": c, "opacity": round(0.15 + 0.85 * c / top, 3)}
        for i, c in enumerate(counts) if c
    ]
    return {"pages": max(len(counts), 1), "cells": cells}


def dispersion_rows(dispersions) -> list[dict]:
    """Per document, one row per query (:class:`~searcher.results.concordance.Dispersion`
    values): ``{"doc", "pages", "rows": [{query, total, strip, busiest}]}``."""
    docs: dict[str, dict] = {}
    for d in dispersions:
        for pc in d.docs:
            doc = docs.setdefault(pc.doc, {"doc": pc.doc, "pages": 0, "rows": []})
            doc["pages"] = max(doc["pages"], len(pc.counts))
    for doc in docs.values():
        for d in dispersions:
            pc = next((x for x in d.docs if x.doc == doc["doc"]), None)
            counts = list(pc.counts) if pc else []
            doc["rows"].append({
                "query": d.query, "total": pc.total if pc else 0,
                "strip": strip(counts + [0] * (doc["pages"] - len(counts))),
                "busiest": pc.busiest() if pc else [],
            })
    return sorted(docs.values(), key=lambda d: d["doc"])
